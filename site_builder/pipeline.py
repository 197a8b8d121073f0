"""The stages composed into what the commands do. Reads like a script of stages.

config → discover → load → check (→ render → index → write, in ``build``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from markdown_it import MarkdownIt

from .check import build_corpus, check_corpus
from .config import SiteConfig, load_config
from .diagnostics import (
    Diagnostic,
    Span,
    count_errors,
    error,
    promote_warnings,
    sorted_diagnostics,
)
from .discover import discover
from .load_briefs import load_brief
from .load_sources import load_source
from .lock import LockEntry, accepted_lock, compare_lock, read_lock, updated_lock, write_lock
from .markdown import create_markdown
from .model import Corpus

T = TypeVar("T")
Loader = Callable[[str, bytes, MarkdownIt], tuple[T | None, list[Diagnostic]]]


@dataclass(frozen=True, slots=True)
class CheckOptions:
    strict: bool = False
    frozen: bool = False


@dataclass(frozen=True, slots=True)
class CheckResult:
    config: SiteConfig
    corpus: Corpus
    diagnostics: tuple[Diagnostic, ...]
    lock_changes: int = 0

    @property
    def errors(self) -> int:
        return count_errors(self.diagnostics)


def load_corpus(config: SiteConfig) -> tuple[Corpus, list[Diagnostic]]:
    """Discover and load every source and brief, then assemble the corpus."""
    files, problems = discover(config.root)
    md = create_markdown()
    sources = load_all(config.root, files.sources, load_source, md, problems)
    briefs = load_all(config.root, files.briefs, load_brief, md, problems)
    corpus, corpus_problems = build_corpus(sources, briefs)
    return corpus, problems + corpus_problems


def load_all(
    root: Path,
    paths: Sequence[str],
    loader: Loader[T],
    md: MarkdownIt,
    problems: list[Diagnostic],
) -> list[T]:
    """Every document ``loader`` could make of ``paths``; their problems go to ``problems``."""
    loaded = []
    for path in paths:
        item, item_problems = load_safely(root, path, loader, md)
        problems += item_problems
        if item is not None:
            loaded.append(item)
    return loaded


def load_safely(
    root: Path, path: str, loader: Loader[T], md: MarkdownIt
) -> tuple[T | None, list[Diagnostic]]:
    """Load one file; an unreadable file or a bug becomes a diagnostic, never a traceback,
    so one bad file cannot hide the problems of all the others."""
    try:
        data = (root / path).read_bytes()
    except OSError as exc:
        return None, [
            error(
                Span(path),
                "unreadable-file",
                f"cannot read the file: {exc.strerror}",
                hint="check the file's permissions",
            )
        ]
    try:
        return loader(path, data, md)
    except Exception as exc:  # reported as a diagnostic, see the docstring
        return None, [
            error(
                Span(path),
                "internal-error",
                f"site-builder failed on this file ({type(exc).__name__}: {exc})",
                hint="this is a bug in site-builder: please report it with this file attached",
            )
        ]


def check_site(root: Path, options: CheckOptions) -> CheckResult:
    """``check``: every problem of the site in one run; records new citations in the lock
    unless ``options.frozen``. Raises ``ConfigError`` for an unreadable site."""
    config = load_config(root)
    corpus, problems = load_corpus(config)
    problems += check_corpus(corpus, config)
    lock, lock_problems = read_lock(root)
    problems += lock_problems + compare_lock(corpus, lock, options.frozen)
    changes = 0
    if not options.frozen and not lock_problems:
        entries = updated_lock(corpus, lock)
        changes = _lock_changes(lock or {}, entries)
        if changes or (lock is None and entries):
            write_lock(root, entries)
    diagnostics = sorted_diagnostics(problems)
    if options.strict:
        diagnostics = promote_warnings(diagnostics)
    return CheckResult(config, corpus, diagnostics, changes)


def lock_site(root: Path) -> CheckResult:
    """``lock``: accept the current text of every cited paragraph, then report what remains."""
    config = load_config(root)
    corpus, problems = load_corpus(config)
    problems += check_corpus(corpus, config)
    old, _ignored = read_lock(root)  # a broken lock is simply replaced
    entries = accepted_lock(corpus)
    changes = _lock_changes(old or {}, entries)
    write_lock(root, entries)
    return CheckResult(config, corpus, sorted_diagnostics(problems), changes)


def _lock_changes(old: Mapping[str, LockEntry], new: Mapping[str, LockEntry]) -> int:
    keys = set(old) | set(new)
    return sum(1 for key in keys if old.get(key) != new.get(key))
