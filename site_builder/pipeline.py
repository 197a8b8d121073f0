"""The stages composed into what the commands do. Reads like a script of stages.

config → discover → load → check (→ render → index → write, in ``build``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .check import build_corpus, check_corpus
from .config import SiteConfig, load_config
from .diagnostics import (
    Diagnostic,
    count_errors,
    promote_warnings,
    sorted_diagnostics,
)
from .discover import discover
from .linkcheck import BrokenLink, check_links
from .load import load_documents
from .lock import (
    LockEntry,
    accepted_lock,
    cited_paragraphs,
    compare_lock,
    read_lock,
    updated_lock,
    write_lock,
)
from .model import Corpus
from .progress import Progress, no_progress
from .render import RenderOptions, render_site
from .search_bundle import build_search_bundle
from .search_records import search_records
from .site_index import build_index
from .urls import Urls
from .write import check_output_folder, recover_interrupted_swap, write_output


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


def load_corpus(
    config: SiteConfig, progress: Progress = no_progress
) -> tuple[Corpus, list[Diagnostic]]:
    """Discover and load every source and brief, then assemble the corpus."""
    files, problems = discover(config.root)
    sources, briefs, load_problems = load_documents(config.root, files, progress=progress)
    corpus, corpus_problems = build_corpus(sources, briefs)
    return corpus, problems + load_problems + corpus_problems


def check_site(root: Path, options: CheckOptions, progress: Progress = no_progress) -> CheckResult:
    """``check``: every problem of the site in one run; records new citations in the lock
    unless ``options.frozen``. Raises ``ConfigError`` for an unreadable site."""
    config = load_config(root)
    corpus, problems = load_corpus(config, progress)
    problems += check_corpus(corpus, config)
    lock, lock_problems = read_lock(root)
    cited = cited_paragraphs(corpus)
    problems += lock_problems + compare_lock(cited, lock, options.frozen)
    changes = 0
    if not options.frozen and not lock_problems:
        entries = updated_lock(cited, lock)
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
    entries = accepted_lock(cited_paragraphs(corpus))
    changes = _lock_changes(old or {}, entries)
    write_lock(root, entries)
    return CheckResult(config, corpus, sorted_diagnostics(problems), changes)


def _lock_changes(old: Mapping[str, LockEntry], new: Mapping[str, LockEntry]) -> int:
    keys = set(old) | set(new)
    return sum(1 for key in keys if old.get(key) != new.get(key))


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """``out`` defaults to ``public/`` in the site; ``base_url`` overrides site.yaml's."""

    out: Path | None = None
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    frozen: bool = False
    check_links: bool = False
    search: bool = True
    clock: datetime.datetime = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True, slots=True)
class BuildResult:
    check: CheckResult
    out: Path
    files: int = 0
    broken_links: tuple[BrokenLink, ...] = ()

    @property
    def written(self) -> bool:
        return self.files > 0


def build_site(root: Path, options: BuildOptions, progress: Progress = no_progress) -> BuildResult:
    """``build`` = check, stop on errors (previous output untouched), render, check links
    when asked (a broken one stops the build too), write.

    Raises ``OutputFolderError`` before reading anything when ``out`` may not be replaced,
    ``SearchIndexError`` when Pagefind fails and ``OutputWriteError`` when writing fails
    (``out`` is then as it was).
    """
    out = options.out or root / "public"
    check_output_folder(out, root)
    recover_interrupted_swap(out)
    checked = check_site(root, CheckOptions(strict=options.strict, frozen=options.frozen), progress)
    if checked.errors:
        return BuildResult(checked, out)
    base_url = options.base_url or checked.config.base_url
    index = build_index(checked.corpus, drafts=options.drafts)
    # render_site cannot count its pages yet: one step, so a terminal shows "rendering…".
    progress("rendering pages", 0, 1)
    files = render_site(index, checked.config, RenderOptions(base_url, options.clock))
    progress("rendering pages", 1, 1)
    if options.search:
        progress("indexing for search", 0, 1)
        records = search_records(index, Urls(base_url))
        files += build_search_bundle(records, checked.config.language)
        progress("indexing for search", 1, 1)
    if options.check_links:
        broken = tuple(check_links(files, base_url))
        if broken:
            return BuildResult(checked, out, 0, broken)
    progress("writing files", 0, 1)
    write_output(files, out)
    progress("writing files", 1, 1)
    return BuildResult(checked, out, len(files))
