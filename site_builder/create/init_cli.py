"""The ``init`` command: asks for what is missing (on a terminal), writes a new site with
``init_site``, and says what it made and what to do next.

The command line builds its parser from this module on every run, so ``pinning`` (package
metadata, git) and ``init_site`` (the YAML parser, the field readers, the pipeline's check)
are imported when ``init`` runs."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..cli_common import (
    EXIT_CONTENT,
    EXIT_OK,
    UsageError,
    add_language_option,
    language_for,
    print_problems,
)
from ..language import ENGLISH, Language
from ..messages import Message, msg

if TYPE_CHECKING:
    from .init_site import SiteSettings
    from .pinning import Pin

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
    add_language_option(init)
    init.set_defaults(run=run_init)


def init_language(args: argparse.Namespace, environ: Mapping[str, str]) -> Language:
    """The language ``init`` speaks: that of the site it creates (``--language``, else
    German), unless ``--lang``, ``SITE_BUILDER_LANG`` or the locale choose, as for every
    command (``output_language``)."""
    return language_for(args.lang, environ, lambda: args.language or DEFAULT_LANGUAGE)


def run_init(args: argparse.Namespace) -> int:
    from .init_site import record_citations, site_files, target_problem, write_site  # noqa: PLC0415 (see the module docstring)
    from .pinning import pinned_dependencies  # noqa: PLC0415 (see the module docstring)

    target: Path = args.folder
    language: Language = args.report_language
    refused = target_problem(target)
    if refused is not None:
        raise UsageError(_refusal(refused))
    pin = _pin(args.site_builder)
    ask = _ask if sys.stdin.isatty() else None
    settings = site_settings(args, _default_title(target), ask, language)
    files = site_files(settings, pin, pinned_dependencies(), _python_version())
    try:
        write_site(target, files)
        problems = record_citations(target)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        failed = msg(
            "init: could not write {path}: {reason}", path=exc.filename or target, reason=reason
        )
        raise UsageError(failed) from exc
    if problems:  # the starter files check clean: this is a bug, said as such
        print_problems(problems, sys.stderr, target, language)
        print(
            language(msg("init: the example site has problems (please report this)")),
            file=sys.stderr,
        )
        return EXIT_CONTENT
    print("\n".join(made_lines(target, settings, pin, language)))
    return EXIT_OK


def _refusal(problem: str) -> Message:
    return msg("init: {problem}; nothing was written", problem=problem)


def _pin(spec: str | None) -> Pin:
    from .pinning import installed_pin, pin_from_spec  # noqa: PLC0415 (see the module docstring)

    if spec is None:
        return installed_pin()
    pin = pin_from_spec(spec)
    if isinstance(pin, str):
        raise UsageError(_refusal(pin))
    return pin


def _python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _default_title(target: Path) -> str:
    """The folder's name, as a site without a title has it; a name that cannot be a
    title (too long, a control character) gives way to a plain one."""
    from .init_site import title_problem  # noqa: PLC0415 (see the module docstring)

    name = target.absolute().name
    return name if title_problem(name) is None else "Nachrichten"


@dataclass(frozen=True, slots=True)
class Setting:
    """One field of site.yaml: its option, its default, what is wrong with a value
    (None: nothing), and the question asked for it on a terminal."""

    option: str
    default: str
    problem: Check
    question: Message


def site_setting_options() -> tuple[Setting, Setting, Setting]:
    """The title, language and address of the new site, as options and questions."""
    from .init_site import address_problem, language_problem, title_problem  # noqa: PLC0415 (see the module docstring)

    return (
        Setting("--title", "", title_problem, msg("Title")),
        Setting("--language", DEFAULT_LANGUAGE, language_problem, msg("Language")),
        Setting(
            "--base-url",
            "",
            lambda url: address_problem(url) if url else None,
            msg("Public address, e.g. https://example.org/ (empty: GitHub Pages' address)"),
        ),
    )


def site_settings(
    args: argparse.Namespace,
    default_title: str,
    ask: Ask | None,
    language: Language = ENGLISH,
) -> SiteSettings:
    """The settings from the options; what they leave out is asked for when ``ask`` is
    given (a terminal), in ``language``, else the default. An option that is wrong is a
    usage error."""
    given = (args.title, args.language, args.base_url)
    from .init_site import SiteSettings  # noqa: PLC0415 (see the module docstring)

    title_setting, language_setting, url_setting = site_setting_options()
    title = _value(replace(title_setting, default=default_title), given[0], ask, language)
    site_language = _value(language_setting, given[1], ask, language)
    base_url = _value(url_setting, given[2], ask, language)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    return SiteSettings(title.strip(), site_language, base_url or None)


def _value(setting: Setting, given: str | None, ask: Ask | None, language: Language) -> str:
    if given is not None:
        found = setting.problem(given)
        if found is not None:
            problem = msg("{option}: {problem}", option=setting.option, problem=found)
            raise UsageError(_refusal(problem))
        return given
    if ask is None:
        return setting.default
    default = f" [{setting.default}]" if setting.default else ""
    while True:
        answer = ask(f"{language(setting.question)}{default}: ")
        value = setting.default if answer is None or not answer.strip() else answer.strip()
        found = setting.problem(value)
        if found is None:
            return value
        if answer is None:  # the input ended: asking again would loop for ever
            raise UsageError(_refusal(found))
        print(f"  {language(found)}", file=sys.stderr)


def _ask(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
    except KeyboardInterrupt:
        print(file=sys.stderr)
        raise UsageError(_refusal(msg("stopped"))) from None


def made_lines(
    target: Path, settings: SiteSettings, pin: Pin, language: Language = ENGLISH
) -> list[str]:
    """What ``init`` tells, in ``language``: the files it made, the one thing to change if
    site-builder came from a folder CI cannot reach, and the next steps."""
    from .init_site import EXAMPLE_BRIEF, EXAMPLE_SOURCE, WORKFLOW  # noqa: PLC0415 (see the module docstring)

    folder = target.as_posix()
    address = settings.base_url or msg("none yet: the workflow builds for GitHub Pages' address")
    made = [
        (
            "site.yaml",
            msg(
                "title, language ({language}), base_url ({address})",
                language=settings.language,
                address=address,
            ),
        ),
        (
            f"content/{EXAMPLE_SOURCE}.md",
            msg("an example source: a real article, kept verbatim"),
        ),
        (EXAMPLE_BRIEF, msg("an example brief citing it")),
        ("citations.lock", msg("the text of every cited paragraph, as checked")),
        ("requirements.txt", msg("the site-builder CI installs, and its libraries, pinned")),
        (".pre-commit-config.yaml", msg("'site-builder check --frozen' before every commit")),
        (WORKFLOW, msg("check, build, and publish main with GitHub Pages")),
        (".gitignore", msg("what builds and serve leave in the site")),
    ]
    width = max(len(path) for path, _ in made)
    said = [msg("created the site '{title}' in {folder}/:", title=settings.title, folder=folder)]
    lines = [language(line) for line in said]
    lines += [f"  {path:<{width}}  {language(meaning)}" for path, meaning in made]
    if pin.unreachable is not None:
        note = msg(
            "note: requirements.txt and .pre-commit-config.yaml name {what}, which CI cannot "
            "reach: replace it with an address it can, e.g. "
            "git+https://github.com/OWNER/site-builder@COMMIT",
            what=pin.unreachable,
        )
        lines.append(language(note))
    # The commands line up in one column; what follows each is said in the language.
    steps = [
        (f"cd {shlex.quote(folder)}", None),
        (
            'site-builder new "Titel der Meldung"',
            msg("write a brief; cite sources as [@{source}#p1]", source=EXAMPLE_SOURCE),
        ),
        ("site-builder serve", msg("preview the site on http://127.0.0.1:8000/")),
    ]
    command_width = max(len(command) for command, meaning in steps if meaning is not None)
    lines.append(language(msg("next steps:")))
    for command, meaning in steps:
        shown_meaning = "" if meaning is None else language(meaning)
        lines.append(f"  {command:<{command_width}}   {shown_meaning}".rstrip())
    publish = msg(
        "publish: commit everything to a GitHub repository, then choose Settings → Pages → "
        "Source: GitHub Actions"
    )
    lines.append(f"  {language(publish)}")
    return lines
