"""``init``: a new site repository a newsroom can push to GitHub and publish.

The files are composed in memory first (``site_files``), from the settings, the pin of
site-builder and the starter files shipped in the package (``site_builder/create/starter/``: a
real article kept verbatim and a brief citing it); only then is anything written, each
file created anew (``O_EXCL | O_NOFOLLOW``), into a folder that was empty or missing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..diagnostics import Diagnostic
from ..load.base_url import base_url_problem
from ..load.fields import SHORT_TEXT, is_language_code
from ..load.front_matter import has_control_character
from ..messages import msg
from ..names import shown
from ..pipeline import CheckOptions, check_site

if TYPE_CHECKING:
    from .pinning import Pin

# Starter files in the package → where they go in the site. The dot files are stored
# without their dot: package data globs skip hidden files.
EXAMPLE_SOURCE = "kreml-gebiete"
EXAMPLE_BRIEF = "briefs/kreml-schliesst-rueckgabe-aus.md"
STARTER_FILES = {
    f"content/{EXAMPLE_SOURCE}.md": f"content/{EXAMPLE_SOURCE}.md",
    EXAMPLE_BRIEF: EXAMPLE_BRIEF,
    "gitignore": ".gitignore",
}
WORKFLOW = ".github/workflows/publish.yml"


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """What ``site.yaml`` says. ``base_url`` None: none is written, and CI builds for the
    GitHub Pages address (``actions/configure-pages``)."""

    title: str
    language: str = "de"
    base_url: str | None = None


def title_problem(title: str) -> str | None:
    """Why ``title`` cannot be a site's title, or None."""
    if not title.strip():
        return msg("the title is empty")
    if len(title) > SHORT_TEXT:
        return msg("the title is longer than {limit} characters", limit=SHORT_TEXT)
    character = has_control_character(title)
    if character is not None:
        code = f"{ord(character):04X}"
        return msg("the title holds the control character U+{code}", code=code)
    return None


def language_problem(language: str) -> str | None:
    if is_language_code(language):
        return None
    return msg(
        "'{language}' is not a language code (BCP 47, e.g. de, de-AT, en)",
        language=shown(language),
    )


def address_problem(url: str) -> str | None:
    """Why ``url`` cannot be the site's public address (an absolute http(s) URL), or None."""
    problem = base_url_problem(url, path_allowed=False)
    if problem is None:
        return None
    return msg("'{url}' cannot be the address: {problem}", url=shown(url), problem=problem)


def target_problem(target: Path) -> str | None:
    """Why ``init`` must not write into ``target``, or None: only an empty folder or a
    missing one whose parent exists will do, never a symbolic link."""
    if target.is_symlink():
        return msg("{target} is a symbolic link; give the real folder", target=target)
    if not target.exists():
        parent = target.absolute().parent
        return None if parent.is_dir() else msg("the folder {folder} does not exist", folder=parent)
    if not target.is_dir():
        return msg("{target} is not a folder", target=target)
    try:
        empty = next(os.scandir(target), None) is None
    except OSError as exc:
        return msg("cannot read {path}: {reason}", path=target, reason=exc.strerror or str(exc))
    if not empty:
        return msg(
            "{target} is not empty; init makes a new site only in an empty or new folder",
            target=target,
        )
    return None


def site_files(
    settings: SiteSettings, pin: Pin, dependencies: list[str], python_version: str
) -> dict[str, bytes]:
    """Every file of the new site but ``citations.lock`` (``record_citations`` writes it),
    by path relative to the site."""
    files = {target: _starter(name) for name, target in STARTER_FILES.items()}
    files["site.yaml"] = site_yaml(settings).encode()
    files["requirements.txt"] = requirements_txt(pin, dependencies).encode()
    files[".pre-commit-config.yaml"] = pre_commit_config(pin).encode()
    workflow = _starter("github/publish.yml").decode()
    files[WORKFLOW] = workflow.replace("@PYTHON_VERSION@", python_version).encode()
    return files


def _starter(name: str) -> bytes:
    # Imported here: the command line loads this module (``init``'s options) on every run.
    from importlib import resources  # noqa: PLC0415

    return resources.files("site_builder.create").joinpath("starter", name).read_bytes()


def site_yaml(settings: SiteSettings) -> str:
    lines = [
        "# Written by 'site-builder init'; every field is described in site-builder's README",
        '# ("A site on disk").',
        _yaml_line("title", settings.title),
        _yaml_line("language", settings.language),
    ]
    if settings.base_url is None:
        lines += [
            "# The public address of the site. Without it, the workflow builds the site for its",
            "# GitHub Pages address, and a local build warns 'relative-base-url'.",
            "# base_url: https://example.org/",
        ]
    else:
        lines.append(_yaml_line("base_url", settings.base_url))
    return "\n".join(lines) + "\n"


def _yaml_line(key: str, value: str) -> str:
    """``key: value`` as YAML reads back the same text (quoted where it must be)."""
    dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=10_000, sort_keys=False)
    return dumped.rstrip("\n")


def requirements_txt(pin: Pin, dependencies: list[str]) -> str:
    lines = [
        "# Written by 'site-builder init': the site-builder this site was made with and the",
        "# versions of its libraries installed then, so CI builds byte for byte what you",
        "# preview. To upgrade, change site-builder's commit here and in",
        "# .pre-commit-config.yaml, and the versions to those the new one installs.",
        pin.requirement,
        *dependencies,
    ]
    return "\n".join(lines) + "\n"


def pre_commit_config(pin: Pin) -> str:
    """pre-commit runs site-builder's own hook ``site-builder-check`` from the pinned
    repository and commit; without a git repository, the site-builder on PATH."""
    lines = [
        "# Written by 'site-builder init': 'site-builder check --frozen' before every commit,",
        "# as CI checks. Once per clone: pip install pre-commit && pre-commit install",
        "repos:",
    ]
    if pin.repo is not None and pin.rev is not None:
        lines += [
            f"  - repo: {json.dumps(pin.repo)}",
            f"    rev: {json.dumps(pin.rev)}  # the commit requirements.txt pins",
            "    hooks:",
            "      - id: site-builder-check",
        ]
    else:
        lines += [
            "  # site-builder does not come from a git repository here: the hook runs the",
            "  # site-builder installed on this computer.",
            "  - repo: local",
            "    hooks:",
            "      - id: site-builder-check",
            "        name: site-builder check --frozen",
            "        entry: site-builder check --frozen",
            "        language: system",
            "        pass_filenames: false",
            "        require_serial: true",
            r"        files: ^(content/|briefs/|pages/|templates/|site\.yaml$|citations\.lock$)",
        ]
    return "\n".join(lines) + "\n"


def write_site(target: Path, files: Mapping[str, bytes]) -> None:
    """Make ``target`` (unless it is there, empty) and write ``files`` into it, each
    created anew: an entry that appeared meanwhile, a planted link included, is never
    written through (``FileExistsError``). Raises ``OSError``."""
    if not target.exists():
        os.mkdir(target, 0o777)
    for relative, data in files.items():
        path = target / relative
        _make_folders(target, path.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)


def _make_folders(base: Path, folder: Path) -> None:
    """``folder`` and its parents up to ``base``, each made here or already made by this
    init (a real folder, no link)."""
    current = base
    for part in folder.relative_to(base).parts:
        current = current / part
        if not current.is_dir() or current.is_symlink():
            os.mkdir(current, 0o777)


def record_citations(target: Path) -> tuple[Diagnostic, ...]:
    """Check the new site strictly, recording its citations in ``citations.lock`` as
    ``check`` and ``lock`` do; the problems found (none, for the starter files)."""
    result = check_site(target, CheckOptions(strict=True, use_cache=False))
    return result.diagnostics
