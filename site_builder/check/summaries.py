"""File summaries: what the site-wide checks need to know of each file, small enough that a
check reads all of them while the documents themselves stay pickled in the build cache.

A summary is a pure function of a file's load result, so it is kept by path with the
digest of the file's bytes (table ``summaries-NN``, sharded like ``document_cache``) and
used again while the bytes stay the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..cache import BuildCache, read_sharded, shard_of, write_shards
from ..diagnostics import Diagnostic, Span
from ..lock.lock import fingerprint, locked_text
from ..model import Brief, SitePage, Source
from ..pickling import quick_pickle
from .check_sourcing import provenance, source_outlet_keys
from .schedule import Dating, dating

_SUMMARIES = "summaries"

Document = Source | Brief | SitePage


@quick_pickle
@dataclass(frozen=True, slots=True)
class SourceSummary:
    """``fingerprints[i]`` is the lock fingerprint of paragraph ``i + 1`` (``lock``)."""

    id: str
    id_span: Span
    outlet_keys: frozenset[str]
    provenance: tuple[Diagnostic, ...]
    anchors: Mapping[str, int]
    fingerprints: tuple[str, ...]

    def fingerprint(self, anchor: str) -> str | None:
        index = self.anchors.get(anchor)
        return None if index is None else self.fingerprints[index - 1]


@quick_pickle
@dataclass(frozen=True, slots=True)
class BriefSummary:
    """``cited_ids``: every source id the brief's refs name; ``cited``: every
    ``source#anchor`` it cites (refs without an anchor aside); both without repeats."""

    slug: str
    tags: tuple[str, ...]
    cited_ids: tuple[str, ...]
    cited: tuple[str, ...]
    dating: Dating | None = None  # checked against the clock (``schedule``), never cached


@quick_pickle
@dataclass(frozen=True, slots=True)
class PageSummary:
    slug: str


@quick_pickle
@dataclass(frozen=True, slots=True)
class FileSummary:
    """One file: the digest of the bytes it was loaded from (None: unreadable, never
    kept), the problems loading found, and its document's summary (None: it did not load)."""

    path: str
    digest: str | None
    problems: tuple[Diagnostic, ...]
    document: SourceSummary | BriefSummary | PageSummary | None


def summarise(
    path: str, digest: str | None, document: Document | None, problems: Iterable[Diagnostic]
) -> FileSummary:
    return FileSummary(path, digest, tuple(problems), _document_summary(document))


def _document_summary(
    document: Document | None,
) -> SourceSummary | BriefSummary | PageSummary | None:
    if isinstance(document, Source):
        return SourceSummary(
            document.id,
            document.id_span,
            source_outlet_keys(document),
            tuple(provenance(document)),
            dict(document.anchors),
            tuple(fingerprint(locked_text(p)) for p in document.paragraphs),
        )
    if isinstance(document, Brief):
        refs = document.refs()
        ids = tuple(dict.fromkeys(ref.source_id for ref in refs))
        keys = tuple(dict.fromkeys(ref.key for ref in refs if ref.anchor is not None))
        return BriefSummary(document.slug, document.tags, ids, keys, dating(document))
    if isinstance(document, SitePage):
        return PageSummary(document.slug)
    return None


def read_summaries(cache: BuildCache) -> dict[str, FileSummary]:
    """Every kept summary by path (another site-builder's are not used)."""
    return read_sharded(cache, _SUMMARIES)


def write_summaries(
    cache: BuildCache, summaries: Mapping[str, FileSummary], kept: Mapping[str, FileSummary]
) -> None:
    """Rewrite the shards in which ``summaries`` (those of every file now) differ from
    ``kept`` (those read at the start); summaries of unreadable files are not kept."""
    now = {path: s for path, s in summaries.items() if s.digest is not None}
    # A summary is a function of path and digest: comparing digests is enough.
    every = now.keys() | kept.keys()
    changed = {path for path in every if _digest(now, path) != _digest(kept, path)}
    write_shards(cache, _SUMMARIES, now, {shard_of(path) for path in changed})


def _digest(summaries: Mapping[str, FileSummary], path: str) -> str | None:
    summary = summaries.get(path)
    return summary.digest if summary is not None else None
