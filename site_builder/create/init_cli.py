"""The ``init`` command: asks for what is missing (on a terminal), writes a new site with
``init_site``, and says what it made and what to do next."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..cli_common import EXIT_CONTENT, EXIT_OK, UsageError, print_problems
from .init_site import (
    EXAMPLE_BRIEF,
    EXAMPLE_SOURCE,
    WORKFLOW,
    SiteSettings,
    address_problem,
    language_problem,
    record_citations,
    site_files,
    target_problem,
    title_problem,
    write_site,
)
from .pinning import Pin, installed_pin, pin_from_spec, pinned_dependencies

# A question's prompt → the answer, or None at the end of input.
Ask = Callable[[str], str | None]
Check = Callable[[str], str | None]

DEFAULT_LANGUAGE = "de"


def add_init(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = commands.add_parser(
        "init",
        help="create a new site repository in an empty folder",
        description="Create a site in DIR (empty or new): site.yaml, an example source and "
        "brief, citations.lock, .gitignore, a pre-commit hook and a GitHub Actions workflow "
        "that installs the pinned site-builder of requirements.txt and publishes with "
        "GitHub Pages. On a terminal, asks for the title, language and address not given.",
    )
    init.add_argument("folder", type=Path, metavar="DIR", help="the new site's folder")
    init.add_argument("--title", help="name of the site (default: the folder's name)")
    init.add_argument("--language", help="language of the site, BCP 47 (default: de)")
    init.add_argument(
        "--base-url",
        metavar="URL",
        help="public address, e.g. https://example.org/ (default: none; the workflow "
        "builds for the GitHub Pages address)",
    )
    init.add_argument(
        "--site-builder",
        metavar="SPEC",
        help="where CI and pre-commit install site-builder from: git+URL@COMMIT (default: "
        "where this site-builder was installed from)",
    )
    init.set_defaults(run=run_init)


def run_init(args: argparse.Namespace) -> int:
    target: Path = args.folder
    refused = target_problem(target)
    if refused is not None:
        raise UsageError(f"init: {refused}; nothing was written")
    pin = _pin(args.site_builder)
    ask = _ask if sys.stdin.isatty() else None
    settings = site_settings(args, _default_title(target), ask)
    files = site_files(settings, pin, pinned_dependencies(), _python_version())
    try:
        write_site(target, files)
        problems = record_citations(target)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(f"init: could not write {exc.filename or target}: {reason}") from exc
    if problems:  # the starter files check clean: this is a bug, said as such
        print_problems(problems, sys.stderr, target)
        print("init: the example site has problems (please report this)", file=sys.stderr)
        return EXIT_CONTENT
    print("\n".join(made_lines(target, settings, pin)))
    return EXIT_OK


def _pin(spec: str | None) -> Pin:
    if spec is None:
        return installed_pin()
    pin = pin_from_spec(spec)
    if isinstance(pin, str):
        raise UsageError(f"init: {pin}; nothing was written")
    return pin


def _python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _default_title(target: Path) -> str:
    """The folder's name, as a site without a title has it; a name that cannot be a
    title (too long, a control character) gives way to a plain one."""
    name = target.absolute().name
    return name if title_problem(name) is None else "Nachrichten"


@dataclass(frozen=True, slots=True)
class Setting:
    """One field of site.yaml: its option, its default, what is wrong with a value
    (None: nothing), and the question asked for it on a terminal."""

    option: str
    default: str
    problem: Check
    question: str


SETTINGS = (
    Setting("--title", "", title_problem, "Title"),
    Setting("--language", DEFAULT_LANGUAGE, language_problem, "Language"),
    Setting(
        "--base-url",
        "",
        lambda url: address_problem(url) if url else None,
        "Public address, e.g. https://example.org/ (empty: GitHub Pages' address)",
    ),
)


def site_settings(args: argparse.Namespace, default_title: str, ask: Ask | None) -> SiteSettings:
    """The settings from the options; what they leave out is asked for when ``ask`` is
    given (a terminal), else the default. An option that is wrong is a usage error."""
    given = (args.title, args.language, args.base_url)
    title_setting, language_setting, url_setting = SETTINGS
    title = _value(replace(title_setting, default=default_title), given[0], ask)
    language = _value(language_setting, given[1], ask)
    base_url = _value(url_setting, given[2], ask)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    return SiteSettings(title.strip(), language, base_url or None)


def _value(setting: Setting, given: str | None, ask: Ask | None) -> str:
    if given is not None:
        found = setting.problem(given)
        if found is not None:
            raise UsageError(f"init: {setting.option}: {found}; nothing was written")
        return given
    if ask is None:
        return setting.default
    default = f" [{setting.default}]" if setting.default else ""
    while True:
        answer = ask(f"{setting.question}{default}: ")
        value = setting.default if answer is None or not answer.strip() else answer.strip()
        found = setting.problem(value)
        if found is None:
            return value
        if answer is None:  # the input ended: asking again would loop for ever
            raise UsageError(f"init: {found}; nothing was written")
        print(f"  {found}", file=sys.stderr)


def _ask(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
    except KeyboardInterrupt:
        print(file=sys.stderr)
        raise UsageError("init: stopped; nothing was written") from None


def made_lines(target: Path, settings: SiteSettings, pin: Pin) -> list[str]:
    """What ``init`` tells: the files it made, the one thing to change if site-builder
    came from a folder CI cannot reach, and the next steps."""
    folder = target.as_posix()
    address = settings.base_url or "none yet: the workflow builds for GitHub Pages' address"
    made = [
        ("site.yaml", f"title, language ({settings.language}), base_url ({address})"),
        (f"content/{EXAMPLE_SOURCE}.md", "an example source: a real article, kept verbatim"),
        (EXAMPLE_BRIEF, "an example brief citing it"),
        ("citations.lock", "the text of every cited paragraph, as checked"),
        ("requirements.txt", "the site-builder CI installs, and its libraries, pinned"),
        (".pre-commit-config.yaml", "'site-builder check --frozen' before every commit"),
        (WORKFLOW, "check, build, and publish main with GitHub Pages"),
        (".gitignore", "what builds and serve leave in the site"),
    ]
    width = max(len(path) for path, _ in made)
    lines = [f"created the site '{settings.title}' in {folder}/:"]
    lines += [f"  {path:<{width}}  {meaning}" for path, meaning in made]
    if pin.unreachable is not None:
        lines.append(
            f"note: requirements.txt and .pre-commit-config.yaml name {pin.unreachable}, "
            "which CI cannot reach: replace it with an address it can, e.g. "
            "git+https://github.com/OWNER/site-builder@COMMIT"
        )
    lines += [
        "next steps:",
        f"  cd {shlex.quote(folder)}",
        '  site-builder new "Titel der Meldung"   write a brief; cite sources as '
        f"[@{EXAMPLE_SOURCE}#p1]",
        "  site-builder serve                     preview the site on http://127.0.0.1:8000/",
        "  publish: commit everything to a GitHub repository, then choose Settings → Pages → "
        "Source: GitHub Actions",
    ]
    return lines
