"""The lock's checks (``stale.lock_problems``) and its update (``lock.updated_lock``) from
file summaries, loading documents only for the citations that need them.

A cited ``source#anchor`` whose paragraph's fingerprint is the one locked (or that names no
source) gives no diagnostic and keeps its entry: the summaries show that much. Only the
*unsettled* ones (new, changed, or locked but gone from their source) are worked out as a
full check does, from the briefs citing them and their sources.
"""

from __future__ import annotations

from ..check.check_cache import Documents, Site
from ..diagnostics import Diagnostic
from ..model import Brief, Corpus, Source
from .lock import Lock, LockEntry, cited_anchors, updated_lock
from .stale import lock_problems, unused_lock_entries


def lock_check(
    site: Site, documents: Documents, lock: Lock | None, frozen: bool, stale_is_error: bool
) -> tuple[list[Diagnostic], dict[str, LockEntry]]:
    """``lock_problems`` and ``updated_lock`` of every citation of the site."""
    every: set[str] = set().union(*(brief.cited for _, brief in site.briefs()))
    unsettled = {key for key in every if _unsettled(site, lock, key)}
    cited = {
        key: anchor
        for key, anchor in cited_anchors(_citing(site, documents, unsettled)).items()
        if key in unsettled
    }
    part = None if lock is None else {key: lock[key] for key in sorted(unsettled) if key in lock}
    problems = lock_problems(cited, part, frozen, stale_is_error)
    if frozen:
        problems += unused_lock_entries(every, lock)
    entries = {key: e for key, e in (lock or {}).items() if key in every and key not in unsettled}
    entries.update(updated_lock(cited, part))
    return problems, entries


def _unsettled(site: Site, lock: Lock | None, key: str) -> bool:
    """Whether the lock's diagnostics or entry for this citation could be other than none
    and the locked entry kept (see the module's docstring)."""
    if lock is None:
        return True
    # A source id cannot hold '#' (``markdown._REF`` ends it there): the split is exact.
    source_id, _, anchor = key.partition("#")
    source = site.source_of(source_id)
    if source is None:
        return False
    locked = lock.get(key)
    now = source.fingerprint(anchor)
    if now is None:
        return locked is not None  # the locked text may have moved to another paragraph
    return locked is None or locked.fingerprint != now


def _citing(site: Site, documents: Documents, keys: set[str]) -> Corpus:
    """The briefs citing ``keys`` and the sources they cite so, as a corpus."""
    briefs = []
    source_ids: set[str] = set()
    for path, summary in site.briefs():
        wanted = [key.partition("#")[0] for key in summary.cited if key in keys]
        if wanted:
            brief = documents.document(path)
            assert isinstance(brief, Brief), "a brief's summary is made from the brief"
            briefs.append(brief)
            source_ids.update(wanted)
    by_id: dict[str, Source] = {}
    for source_id in sorted(source_ids):
        source_path = site.sources_by_id.get(source_id)
        source = documents.document(source_path) if source_path is not None else None
        if isinstance(source, Source):
            by_id[source_id] = source
    sources = tuple(sorted(by_id.values(), key=lambda source: source.path))
    return Corpus(sources, tuple(briefs), by_id)
