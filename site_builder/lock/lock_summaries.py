"""The lock's checks (``stale.lock_problems``) and its update (``lock.updated_lock``) from
file summaries, loading documents only for the citations that need them.

A cited ``source#anchor`` whose paragraph's fingerprint is the one locked (or that names no
source) gives no diagnostic and keeps its entry: the summaries show that much. Only the
*unsettled* ones (new, changed, or locked but gone from their source) are worked out as a
full check does, from the briefs citing them and their sources.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ..check.check_cache import Documents, Site
from ..check.site_state import NO_SOURCE, SiteState, SummaryReader, citing_key
from ..check.summaries import BriefSummary
from ..corpus import Corpus
from ..diagnostics import Diagnostic
from ..model import Brief, Source
from .lock import Lock, LockEntry, cited_anchors, updated_lock
from .lock_cache import KeptLock
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


def kept_lock_check(
    state: SiteState,
    reading: tuple[SummaryReader, Documents],
    lock: KeptLock,
    frozen: bool,
    stale_is_error: bool,
) -> tuple[list[Diagnostic], dict[str, LockEntry] | None]:
    """``lock_check`` over the kept ``site_state.SiteState``: the unsettled citations are
    found from each cited key's fingerprint now, without a summary. The entries are None
    when they are the lock's own (nothing to write, the texts need not be read)."""
    fingerprints = lock.fingerprints
    every = state.cite_counts.keys()
    unsettled, unused = _settle(state, lock)
    if not unsettled and fingerprints is not None:
        problems = unused_lock_entries(every, dict.fromkeys(unused)) if frozen else []
        return problems, None if not unused else _kept(lock.entries() or {}, every, set())
    cited = {
        key: anchor
        for key, anchor in cited_anchors(_citing_kept(state, reading, unsettled)).items()
        if key in unsettled
    }
    entries = lock.entries()
    part = None if entries is None else {k: entries[k] for k in sorted(unsettled) if k in entries}
    problems = lock_problems(cited, part, frozen, stale_is_error)
    if frozen and fingerprints is not None:
        problems += unused_lock_entries(every, dict.fromkeys(unused))
    kept = _kept(entries or {}, every, unsettled)
    kept.update(updated_lock(cited, part))
    return problems, kept


def _kept(
    entries: Mapping[str, LockEntry], every: Collection[str], unsettled: set[str]
) -> dict[str, LockEntry]:
    return {key: e for key, e in entries.items() if key in every and key not in unsettled}


def _settle(state: SiteState, lock: KeptLock) -> tuple[set[str], set[str]]:
    """The cited keys ``_unsettled`` is true of, and the lock's keys no brief cites. Kept
    in the state for the lock they were found for: for the same lock, only the keys
    ``SiteState.touched`` are looked at again."""
    fingerprints = lock.fingerprints
    if fingerprints is None:
        if state.lock_digest is not None:  # what was kept is not kept up to date now
            state.lock_digest, state.changed = None, True
        return set(state.now), set()
    if lock.digest is None or state.lock_digest != lock.digest:
        state.unsettled = {
            key for key, now in state.now.items() if _unsettled_now(fingerprints, key, now)
        }
        state.unused = set(fingerprints.keys() - state.cite_counts.keys())
        state.lock_digest, state.changed = lock.digest, True
        return state.unsettled, state.unused
    for key in state.touched:
        now = state.now.get(key)
        unsettled = now is not None and _unsettled_now(fingerprints, key, now)
        _mark(state, state.unsettled, key, unsettled)
        _mark(state, state.unused, key, key in fingerprints and key not in state.cite_counts)
    return state.unsettled, state.unused


def _unsettled_now(fingerprints: Mapping[str, str], key: str, now: str) -> bool:
    """``_unsettled`` from a cited key's fingerprint now (``SiteState.now``: a fingerprint,
    ``NO_ANCHOR`` or ``NO_SOURCE``)."""
    # NO_ANCHOR is "": unsettled when locked (the locked text may have moved), as a
    # fingerprint is when the lock has none or another one.
    return now != NO_SOURCE and fingerprints.get(key) != (now or None)


def _mark(state: SiteState, keys: set[str], key: str, member: bool) -> None:
    if member != (key in keys):
        (keys.add if member else keys.discard)(key)
        state.changed = True


def _citing_kept(
    state: SiteState, reading: tuple[SummaryReader, Documents], keys: set[str]
) -> Corpus:
    """``_citing`` with the briefs found through ``SiteState.citing``."""
    summaries, documents = reading
    ids = {key.partition("#")[0] for key in keys}
    candidates = sorted(set().union(*(state.briefs_by.get(citing_key(i)) for i in ids)))
    briefs = []
    source_ids: set[str] = set()
    for path in candidates:
        summary = summaries(path)
        brief_summary = summary.document if summary is not None else None
        assert isinstance(brief_summary, BriefSummary), "a citing file is a brief"
        wanted = [key.partition("#")[0] for key in brief_summary.cited if key in keys]
        if wanted:
            brief = documents.document(path)
            assert isinstance(brief, Brief), "a brief's summary is made from the brief"
            briefs.append(brief)
            source_ids.update(wanted)
    holders = state.holders()
    by_id: dict[str, Source] = {}
    for source_id in sorted(source_ids):
        source_path = holders.get(source_id)
        source = documents.document(source_path) if source_path is not None else None
        if isinstance(source, Source):
            by_id[source_id] = source
    sources = tuple(sorted(by_id.values(), key=lambda source: source.path))
    return Corpus(sources, tuple(briefs), by_id)
