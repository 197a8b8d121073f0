"""The check stage with the build cache: each brief's problems kept, keyed by exactly what
they were computed from, and the site-wide checks run over file summaries.

A brief's problems (``check.check_brief`` and its part of ``check_sourcing``) are a pure
function of the brief, the sources its refs resolve to, and a few site-wide values: the
config's language and paragraph rule, the outlets the sources name, the site's spelling of
each of its tags. When a quote stands nowhere it was cited, the message says where else it
stands, which reads every source: such a result also depends on all sources. The key of a
kept result is the digest of those inputs (files by path and digest), so a check after an
edit recomputes the edited briefs and the briefs citing an edited source, nothing else.

Documents are asked for (``Documents.document``) only for the briefs to recompute and the
sources they cite: ``check`` then leaves the rest of the site pickled in the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ..cache import (
    BuildCache,
    builder_fingerprint,
    read_shard,
    read_sharded,
    shard_of,
    write_shards,
)
from ..corpus import Corpus
from ..diagnostics import Diagnostic
from ..forked import stream_forked
from ..load.config import SiteConfig
from ..messages import msg
from ..model import Brief, SitePage, Source
from ..pickling import quick_pickle
from .check import check_brief, duplicate_source_ids, slug_collisions
from .check_sourcing import brief_sourcing
from .summaries import BriefSummary, FileSummary, PageSummary, SourceSummary
from .tags import tag_names, tag_slug

_T = TypeVar("_T")
_RESULTS = "brief-checks"
# The diagnostics whose text reads sources the brief does not cite: where else a quote
# stands (``check_quotes``), which source id was meant (``check._resolve``).
_READ_EVERY_SOURCE = frozenset({"quote-not-found", "unknown-source"})
# Fewer briefs to check than this are checked in this process: forking costs more.
PARALLEL_CHECKS_FROM = 300


class SiteFacts(Protocol):
    """What a brief's check and key read of the rest of the site (``Site``, or the kept
    ``site_state.SiteState`` through ``incremental``)."""

    @property
    def sources_by_id(self) -> Mapping[str, str]: ...  # source id → path of its file
    @property
    def known_outlets(self) -> frozenset[str]: ...
    @property
    def tag_names(self) -> Mapping[str, str]: ...
    def source_paths(self) -> Iterable[str]: ...  # every source's file, in path order
    def digest(self, path: str) -> str | None: ...  # of the file's bytes checked


class Documents(Protocol):
    """Loaded documents by path, on demand; the same object for the same path (checks
    compare sources by identity)."""

    def document(self, path: str) -> Source | Brief | SitePage | None: ...


@quick_pickle
@dataclass(frozen=True, slots=True)
class BriefCheck:
    """A brief's problems and the key of what they were computed from; ``all_sources``:
    they read every source (the key then includes them all)."""

    key: str
    all_sources: bool
    problems: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """The summaries of every file, by path in path order, and what the site-wide checks
    derive from them."""

    files: Mapping[str, FileSummary]
    sources_by_id: Mapping[str, str]  # source id → path of the file that keeps it
    known_outlets: frozenset[str]
    tag_names: Mapping[str, str]

    @classmethod
    def of(cls, summaries: Mapping[str, FileSummary]) -> Site:
        files = {path: summaries[path] for path in sorted(summaries)}
        by_id: dict[str, str] = {}
        known: set[str] = set()
        for path, source in _of_kind(files, SourceSummary):
            by_id.setdefault(source.id, path)
            known |= source.outlet_keys
        names = tag_names(brief for _, brief in _of_kind(files, BriefSummary))
        return cls(files, by_id, frozenset(known), names)

    def sources(self) -> Iterator[tuple[str, SourceSummary]]:
        return _of_kind(self.files, SourceSummary)

    def source_paths(self) -> Iterator[str]:
        return (path for path, _ in self.sources())

    def digest(self, path: str) -> str | None:
        return self.files[path].digest

    def briefs(self) -> Iterator[tuple[str, BriefSummary]]:
        return _of_kind(self.files, BriefSummary)

    def source_of(self, source_id: str) -> SourceSummary | None:
        path = self.sources_by_id.get(source_id)
        summary = self.files[path].document if path is not None else None
        return summary if isinstance(summary, SourceSummary) else None


def _of_kind(files: Mapping[str, FileSummary], kind: type[_T]) -> Iterator[tuple[str, _T]]:
    for path, summary in files.items():
        if isinstance(summary.document, kind):
            yield path, summary.document


def site_problems(site: Site) -> list[Diagnostic]:
    """What loading found, duplicate ids, colliding slugs and sources without provenance:
    everything but the briefs' own problems and the lock's, from summaries alone."""
    problems = [problem for summary in site.files.values() for problem in summary.problems]
    sources = [(path, s.id, s.id_span) for path, s in site.sources()]
    problems += duplicate_source_ids(sources)
    problems += slug_collisions(
        [(p, b.slug) for p, b in site.briefs()], msg("this brief"), "/briefs/{}/"
    )
    pages = [(p, page.slug) for p, page in _of_kind(site.files, PageSummary)]
    problems += slug_collisions(pages, msg("this page"), "/{}/")
    problems += [problem for _, source in site.sources() for problem in source.provenance]
    return problems


def brief_problems(
    site: Site,
    documents: Documents,
    config: SiteConfig,
    cache: BuildCache | None,
    kept_here: dict[str, BriefCheck] | None = None,
) -> list[Diagnostic]:
    """Every brief's problems, kept ones where their key still holds: kept in ``cache``,
    or in ``kept_here`` (``serve``'s memory), which is brought up to date."""
    if kept_here is not None:
        kept: Mapping[str, BriefCheck] = dict(kept_here)
    else:
        kept = _read_results(cache) if cache is not None else {}
    keys, every = BriefKeys(site, config), EverySource()
    results: dict[str, BriefCheck | None] = {}
    to_check: list[tuple[str, BriefSummary]] = []
    for path, brief in site.briefs():
        old = kept.get(path)
        if old is not None and old.key == keys.of(path, brief, old.all_sources):
            results[path] = old
        else:
            results[path] = None  # (its place in path order, filled below)
            to_check.append((path, brief))

    def check(job: tuple[str, BriefSummary]) -> tuple[str, BriefCheck]:
        path, brief = job
        return path, checked_brief(path, brief, site, documents, (config, keys, every))

    # A cold check of a large site spends seconds here with the other core idle: each
    # brief's check is pure, so forked children share them (``forked``: never in ``serve``,
    # whose threads make forking unsafe; there an edit checks a brief or two).
    results.update(stream_forked(check, to_check, minimum=PARALLEL_CHECKS_FROM))
    checked = {path: result for path, result in results.items() if result is not None}
    if kept_here is not None:
        kept_here.clear()
        kept_here.update(checked)
    elif cache is not None:
        _write_results(cache, checked, kept)
    return [problem for result in checked.values() for problem in result.problems]


def checked_brief(
    path: str,
    summary: BriefSummary,
    site: SiteFacts,
    documents: Documents,
    how: tuple[SiteConfig, BriefKeys, EverySource],
) -> BriefCheck:
    """The brief's problems, computed from its document and those of the sources it
    cites (all sources when a message names another), with their key."""
    config, keys, every_source = how
    brief = documents.document(path)
    assert isinstance(brief, Brief), "a brief's summary is made from the brief"
    cited = {
        source_id: source
        for source_id in summary.cited_ids
        if source_id in site.sources_by_id
        for source in [documents.document(site.sources_by_id[source_id])]
        if isinstance(source, Source)
    }
    problems = _brief_problems(brief, cited, tuple(cited.values()), site, config)
    every = any(problem.code in _READ_EVERY_SOURCE for problem in problems)
    if every:  # the message names other sources: ask every source
        sources, by_id = every_source.of(site, documents)
        problems = _brief_problems(brief, by_id, sources, site, config)
    return BriefCheck(keys.of(path, summary, every), every, tuple(problems))


def _brief_problems(
    brief: Brief,
    cited: Mapping[str, Source],
    sources: tuple[Source, ...],
    site: SiteFacts,
    config: SiteConfig,
) -> list[Diagnostic]:
    corpus = Corpus(sources, (brief,), cited)
    problems = check_brief(brief, corpus, config)
    problems += brief_sourcing(brief, corpus, site.known_outlets, site.tag_names)
    return problems


class EverySource:
    """Every source's document and the first by each id, gathered once per run for all
    the briefs whose message names another source (at 20,000 pages, after an edit of a
    much cited source, 850 briefs times 3,333 sources)."""

    def __init__(self) -> None:
        self._found: tuple[tuple[Source, ...], dict[str, Source]] | None = None

    def of(
        self, site: SiteFacts, documents: Documents
    ) -> tuple[tuple[Source, ...], dict[str, Source]]:
        if self._found is None:
            sources = tuple(_every_source(site, documents))
            by_id: dict[str, Source] = {}
            for source in sources:
                by_id.setdefault(source.id, source)
            self._found = sources, by_id
        return self._found


def _every_source(site: SiteFacts, documents: Documents) -> Iterator[Source]:
    for path in site.source_paths():
        source = documents.document(path)
        if isinstance(source, Source):
            yield source


class BriefKeys:
    """The key of a brief's problems: a digest of what ``checked_brief`` reads (see the
    module's docstring)."""

    def __init__(self, site: SiteFacts, config: SiteConfig) -> None:
        self._site = site
        shared = [
            builder_fingerprint(),
            # check_brief reads these two of the config, and nothing else of it:
            config.language,
            str(config.require_citation_per_paragraph),
            *sorted(site.known_outlets),
        ]
        self._shared = _digest(shared)
        self._every: str | None = None

    def of(self, path: str, brief: BriefSummary, all_sources: bool) -> str:
        site = self._site
        parts = [self._shared, path, site.digest(path) or ""]
        for source_id in brief.cited_ids:
            source_path = site.sources_by_id.get(source_id)
            found = f"{source_path}\0{site.digest(source_path)}" if source_path else "-"
            parts.append(f"{source_id}\0{found}")
        parts += [site.tag_names.get(tag_slug(tag), tag) for tag in brief.tags]
        if all_sources:
            parts.append(self._every_source())
        return _digest(parts)

    def _every_source(self) -> str:
        if self._every is None:
            site = self._site
            self._every = _digest(f"{path}\0{site.digest(path)}" for path in site.source_paths())
        return self._every


def _digest(parts: Iterable[str]) -> str:
    # One join and one hash call: a key is made for every brief on every run.
    return hashlib.sha256("\1".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _read_results(cache: BuildCache) -> dict[str, BriefCheck]:
    return read_sharded(cache, _RESULTS)


def _write_results(
    cache: BuildCache, results: Mapping[str, BriefCheck], kept: Mapping[str, BriefCheck]
) -> None:
    """Rewrite the shards in which a result changed, appeared or went away."""
    changed = {
        path
        for path in results.keys() | kept.keys()
        if path not in results or path not in kept or results[path].key != kept[path].key
    }
    write_shards(cache, _RESULTS, results, {shard_of(path) for path in changed})


class KeptResults:
    """The kept results (table ``brief-checks-NN``) one at a time, a shard read when one
    of its briefs is first asked for: for a check that keys only some briefs again."""

    def __init__(self, cache: BuildCache) -> None:
        self._cache = cache
        self._shards: dict[int, dict[str, BriefCheck]] = {}
        self._changed: set[int] = set()

    def get(self, path: str) -> BriefCheck | None:
        return self._shard(path).get(path)

    def put(self, path: str, result: BriefCheck | None) -> None:
        """Keep ``result`` for the brief (None: it is gone)."""
        shard = self._shard(path)
        old = shard.pop(path, None)
        if result is not None:
            shard[path] = result
        if old != result:
            self._changed.add(shard_of(path))

    def write(self) -> None:
        entries = {path: r for shard in self._changed for path, r in self._shards[shard].items()}
        write_shards(self._cache, _RESULTS, entries, self._changed)
        self._changed = set()

    def _shard(self, path: str) -> dict[str, BriefCheck]:
        shard = shard_of(path)
        if shard not in self._shards:
            self._shards[shard] = read_shard(self._cache, _RESULTS, shard)
        return self._shards[shard]
