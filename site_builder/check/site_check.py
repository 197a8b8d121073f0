"""The check of a whole site over file summaries, with the build cache: what
``check.check_corpus``, ``check.build_corpus``, the lock's checks and its update find,
the same diagnostics, with documents loaded only where a kept result does not hold.

``pipeline.check_site`` runs it with every document loaded (``build`` renders them next);
``quick_check`` with documents left in the cache until asked for.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..cache import BuildCache
from ..diagnostics import Diagnostic
from ..load.config import SiteConfig
from ..load.load import Document, LoadedDocuments
from ..lock.lock import lock_changes, read_lock, write_lock
from ..lock.lock_summaries import lock_check
from .check_cache import BriefCheck, Documents, Site, brief_problems, site_problems
from .summaries import FileSummary, read_summaries, summarise, write_summaries


def check_summaries(
    config: SiteConfig,
    summaries: Mapping[str, FileSummary],
    documents: Documents,
    cache: BuildCache | None,
    lock_options: tuple[bool, bool],
    *,
    kept_here: dict[str, BriefCheck] | None = None,
) -> tuple[list[Diagnostic], int]:
    """Every problem of the files ``summaries`` describe, and how many lock entries changed
    (the lock is written unless ``frozen``). ``lock_options``: (frozen, stale_is_error).
    The briefs' kept problems are in ``cache``, or in ``kept_here`` (``serve``'s memory)."""
    frozen, stale_is_error = lock_options
    site = Site.of(summaries)
    problems = site_problems(site)
    problems += brief_problems(site, documents, config, cache, kept_here)
    lock, broken = read_lock(config.root)
    found, entries = lock_check(site, documents, lock, frozen, stale_is_error)
    problems += broken + found
    changes = 0
    if not frozen and not broken:
        changes = lock_changes(lock or {}, entries)
        if changes or (lock is None and entries):
            write_lock(config.root, entries)
    return problems, changes


class LoadedStore:
    """``Documents`` over a load that kept every document in memory."""

    def __init__(self, documents: Mapping[str, Document]) -> None:
        self._documents = documents

    def document(self, path: str) -> Document | None:
        return self._documents.get(path)


def loaded_summaries(loaded: LoadedDocuments, cache: BuildCache) -> dict[str, FileSummary]:
    """A summary of every loaded file: kept ones whose digest holds, new ones made from
    the documents (and kept for the next run)."""
    kept = read_summaries(cache)
    summaries = {}
    for path, file in loaded.files.items():
        old = kept.get(path)
        if old is not None and file.digest is not None and old.digest == file.digest:
            summaries[path] = old
        else:
            document = loaded.documents.get(path)
            summaries[path] = summarise(path, file.digest, document, loaded.file_problems[path])
    write_summaries(cache, summaries, kept)
    return summaries
