"""What the pages link to each other: cited paragraphs, who cites them, tags, order.

A pure function of a checked corpus. ``render`` reads it and never validates.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..check.tags import tag_names, tag_slug
from ..corpus import Corpus
from ..memo import NO_MEMO, Memo
from ..model import Brief, Paragraph, SitePage, Source
from ..pickling import quick_pickle


@quick_pickle
@dataclass(frozen=True, slots=True)
class CitedParagraph:
    """A paragraph one brief cites. ``number`` is its source's entry in the brief's source
    list (sources numbered in the order the brief first cites them); ``letter`` tells the
    source's cited paragraphs apart in the same order ("a", "b", …), and is empty when the
    brief cites only one paragraph of that source.

    A paragraph cited both as ``p2`` and by its ``^name`` is one entry; ``anchor`` is the
    anchor it was first cited by."""

    number: int
    source: Source
    paragraph: Paragraph
    anchor: str
    letter: str = ""

    @property
    def label(self) -> str:
        """The marker readers see and the list item it points to: ``1a``, ``1b``, ``2``."""
        return f"{self.number}{self.letter}"


@quick_pickle
@dataclass(frozen=True, slots=True)
class CitedSource:
    """One entry of a brief's source list: a source and its cited paragraphs, by letter."""

    number: int
    source: Source
    paragraphs: tuple[CitedParagraph, ...]


def cited_sources(cited: Iterable[CitedParagraph]) -> tuple[CitedSource, ...]:
    """The entries of a brief's source list, by number, from its cited paragraphs."""
    grouped: dict[int, list[CitedParagraph]] = {}
    for entry in cited:
        grouped.setdefault(entry.number, []).append(entry)
    return tuple(
        CitedSource(number, entries[0].source, tuple(sorted(entries, key=_letter_key)))
        for number, entries in sorted(grouped.items())
    )


def _letter_key(entry: CitedParagraph) -> tuple[int, str]:
    return (len(entry.letter), entry.letter)  # "z" before "aa"


@quick_pickle
@dataclass(frozen=True, slots=True)
class Citing:
    """A brief that cites a source paragraph, with the sentences it cites it in: distinct,
    in the brief's order, at least one. A brief is one entry per paragraph however often it
    cites it, so "Zitiert in" names it once."""

    brief: Brief
    contexts: tuple[str, ...]


@quick_pickle
@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str
    briefs: tuple[Brief, ...]


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """Briefs newest first; for each brief (by path) its numbered cited paragraphs; for
    each source paragraph (``source id``, ``index``) the briefs citing it, newest first;
    tags by slug."""

    briefs: tuple[Brief, ...]
    sources: tuple[Source, ...]
    cited: Mapping[str, tuple[CitedParagraph, ...]]
    citing: Mapping[tuple[str, int], tuple[Citing, ...]]
    tags: tuple[Tag, ...]
    citing_briefs: Mapping[str, int]  # source id → how many briefs cite it
    tags_by_brief: Mapping[str, tuple[Tag, ...]]  # brief path → its tags (see ``tags_of``)
    pages: tuple[SitePage, ...] = ()  # the site's own pages, in footer order (``page_order``)
    # Paths of the briefs shown (``--drafts``) whose ``publish_at`` has not yet come.
    scheduled: frozenset[str] = frozenset()

    def numbers(self, brief: Brief) -> dict[str, CitedParagraph]:
        """``source#anchor`` as cited in ``brief`` → its numbered entry (``cited_numbers``)."""
        return cited_numbers(brief, self.cited[brief.path])

    def tags_of(self, brief: Brief) -> tuple[Tag, ...]:
        """The tags of ``brief`` in its order, each once, under the merged spelling."""
        return self.tags_by_brief[brief.path]


def cited_numbers(brief: Brief, cited: tuple[CitedParagraph, ...]) -> dict[str, CitedParagraph]:
    """``source#anchor`` as cited in ``brief`` → its entry among ``cited`` (the brief's
    numbered cited paragraphs; ``p2`` and the ``^name`` of the same paragraph share one)."""
    sources = {c.source.id: c.source for c in cited}
    by_paragraph = {(c.source.id, c.paragraph.index): c for c in cited}
    numbers = {}
    for ref in brief.refs():
        paragraph = sources[ref.source_id].paragraph(ref.anchor or "")
        assert paragraph is not None, "render needs a checked corpus"
        numbers[ref.key] = by_paragraph[(ref.source_id, paragraph.index)]
    return numbers


def source_count(cited: Iterable[CitedParagraph]) -> int:
    """How many entries the source list of a brief with these cited paragraphs has."""
    return len({entry.number for entry in cited})


@dataclass(frozen=True, slots=True)
class _BriefEntries:
    """What one brief adds to the index: its numbered cited paragraphs, and for each source
    paragraph it cites (source id, index) the ``Citing`` entry naming it there."""

    cited: tuple[CitedParagraph, ...]
    citing: dict[tuple[str, int], Citing]


def is_due(brief: Brief, clock: datetime.datetime | None) -> bool:
    """True when ``brief`` may be published at ``clock``: it has no ``publish_at``, or that
    moment has passed. ``clock`` None (library callers without a clock) publishes all."""
    return brief.publish_at is None or clock is None or brief.publish_at <= clock


def not_due(corpus: Corpus, clock: datetime.datetime | None) -> frozenset[str]:
    """Paths of the briefs whose ``publish_at`` lies after ``clock``: all the output learns
    of the clock (so build keys depend on this set, not on the second)."""
    return frozenset(b.path for b in corpus.briefs if not is_due(b, clock))


def schedule_state(corpus: Corpus, clock: datetime.datetime | None) -> tuple[tuple[str, bool], ...]:
    """Each brief with a ``publish_at`` (by path) and whether it is due at ``clock``."""
    return tuple(sorted((b.path, is_due(b, clock)) for b in corpus.briefs if b.publish_at))


def build_index(
    corpus: Corpus,
    drafts: bool = False,
    memo: Memo = NO_MEMO,
    clock: datetime.datetime | None = None,
) -> SiteIndex:
    """The index of the published site: drafts, and briefs whose ``publish_at`` lies after
    ``clock``, only when ``drafts`` is set. Briefs are newest first; briefs of the same
    moment in slug order. A brief's own entries are a function of the brief and the
    sources it cites: ``memo`` keeps them between builds."""
    waiting = not_due(corpus, clock)
    listed = (b for b in corpus.briefs if drafts or not (b.draft or b.path in waiting))
    published = sorted(listed, key=lambda b: b.slug)
    briefs = tuple(sorted(published, key=_date_key, reverse=True))  # stable: slugs stay
    cited = {}
    citing: dict[tuple[str, int], list[Citing]] = {}
    for brief in briefs:
        sources = {ref.source_id: corpus.sources_by_id[ref.source_id] for ref in brief.refs()}
        entries = memo.call(_brief_entries, brief, *sources.values())
        cited[brief.path] = entries.cited
        for key, entry in entries.citing.items():
            citing.setdefault(key, []).append(entry)
    frozen_citing = {key: tuple(value) for key, value in citing.items()}
    briefs_per_source: dict[str, set[str]] = {}
    for (source_id, _), citings in frozen_citing.items():
        briefs_per_source.setdefault(source_id, set()).update(c.brief.path for c in citings)
    counts = {source_id: len(paths) for source_id, paths in briefs_per_source.items()}
    tags = _tags(briefs)
    pages = tuple(sorted(corpus.pages, key=page_order))
    return SiteIndex(
        briefs,
        corpus.sources,
        cited,
        frozen_citing,
        tags,
        counts,
        _tags_by_brief(briefs, tags),
        pages,
        waiting if drafts else frozenset(),
    )


def _brief_entries(brief: Brief, *sources: Source) -> _BriefEntries:
    by_id = {source.id: source for source in sources}
    citing = {
        key: Citing(brief, contexts) for key, contexts in _citing_sentences(brief, by_id).items()
    }
    return _BriefEntries(_cited_paragraphs(brief, by_id), citing)


def page_order(page: SitePage) -> tuple[str, str]:
    """Footer order: by title as readers read it ("Datenschutz", "Impressum", "So arbeiten
    wir"), so no number has to sit in a file name or a URL."""
    return page.title.casefold(), page.slug


def _citing_sentences(
    brief: Brief, sources: Mapping[str, Source]
) -> dict[tuple[str, int], tuple[str, ...]]:
    """(source id, paragraph index) → the distinct sentences ``brief`` cites it in, in order.
    ``p2`` and the ``^name`` of the same paragraph are one paragraph."""
    sentences: dict[tuple[str, int], dict[str, None]] = {}
    for group in brief.citations:
        for ref in group.refs:
            source = sources[ref.source_id]
            paragraph = source.paragraph(ref.anchor or "")
            assert paragraph is not None, "render needs a checked corpus"
            sentences.setdefault((source.id, paragraph.index), {})[group.context] = None
    return {key: tuple(contexts) for key, contexts in sentences.items()}


def _date_key(brief: Brief) -> tuple[int, int, int, str]:
    assert brief.date is not None, "render needs a checked corpus"
    return brief.date.sort_key()


def _cited_paragraphs(brief: Brief, sources: Mapping[str, Source]) -> tuple[CitedParagraph, ...]:
    """The brief's cited paragraphs in the order it first cites them, each numbered by its
    source and lettered within it when the brief cites several of the source's paragraphs."""
    first: dict[tuple[str, int], tuple[Source, Paragraph, str]] = {}
    for ref in brief.refs():
        source = sources[ref.source_id]
        paragraph = source.paragraph(ref.anchor or "")
        assert paragraph is not None, "render needs a checked corpus"
        first.setdefault((source.id, paragraph.index), (source, paragraph, ref.anchor or ""))
    numbers: dict[str, int] = {}
    for source_id, _ in first:
        numbers.setdefault(source_id, len(numbers) + 1)
    counts = Counter(source_id for source_id, _ in first)
    seen: Counter[str] = Counter()
    entries = []
    for (source_id, _), (source, paragraph, anchor) in first.items():
        seen[source_id] += 1
        letter = paragraph_letter(seen[source_id]) if counts[source_id] > 1 else ""
        entries.append(CitedParagraph(numbers[source_id], source, paragraph, anchor, letter))
    return tuple(entries)


def paragraph_letter(position: int) -> str:
    """The letter of a source's ``position``-th cited paragraph (1-based): a … z, then
    aa, ab, … (bijective base 26), so every paragraph has its own label."""
    letters = ""
    while position > 0:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _tags_by_brief(briefs: tuple[Brief, ...], tags: tuple[Tag, ...]) -> dict[str, tuple[Tag, ...]]:
    by_slug = {tag.slug: tag for tag in tags}
    slugs = {name: tag_slug(name) for brief in briefs for name in brief.tags}
    return {
        brief.path: tuple(by_slug[slug] for slug in dict.fromkeys(slugs[n] for n in brief.tags))
        for brief in briefs
    }


def _tags(briefs: tuple[Brief, ...]) -> tuple[Tag, ...]:
    """Tags by slug, each named as ``tag_names`` says, with its briefs in order."""
    # Briefs by path, in order: "brief in list" compared whole dataclasses, quadratically
    # (15 s of a 5,000-page build).
    members: dict[str, dict[str, Brief]] = {}
    for brief in briefs:
        for name in dict.fromkeys(brief.tags):
            members.setdefault(tag_slug(name), {}).setdefault(brief.path, brief)
    names = tag_names(briefs)
    return tuple(Tag(names[slug], slug, tuple(members[slug].values())) for slug in sorted(names))


# More changed briefs than this (a branch switched, a folder moved) and the index is made
# anew: updating it entry by entry would cost more than walking every brief once.
UPDATE_MAX = 200


@dataclass(frozen=True, slots=True)
class IndexChange:
    """How ``site_index.updated_index`` brought ``since`` up to date: the corpus's briefs
    by path before (``before``) and now (``briefs``), and the paths whose brief is not
    the same object (``paths``: edited, added, removed; listed or not)."""

    since: SiteIndex
    before: Mapping[str, Brief]
    briefs: Mapping[str, Brief]
    paths: frozenset[str]


@dataclass(frozen=True, slots=True)
class IndexState:
    """An index with what it was made from, so that ``updated_index`` can bring it up to
    date with a changed corpus: every brief of the corpus by path (listed or not) and in
    path order (``order``), the sources, the options, the paths of the briefs with a
    ``publish_at`` (``timed``), and how the listed briefs spell each tag (slug → spelling
    → briefs), which names the tag (``tag_names``)."""

    index: SiteIndex
    briefs: Mapping[str, Brief]
    sources: tuple[Source, ...]
    drafts: bool
    waiting: frozenset[str]
    spellings: Mapping[str, Counter[str]]
    # How ``updated_index`` made it from the last index (None: made anew).
    change: IndexChange | None = None
    order: tuple[Brief, ...] = ()
    timed: frozenset[str] = frozenset()


def indexed(
    corpus: Corpus,
    drafts: bool = False,
    memo: Memo = NO_MEMO,
    clock: datetime.datetime | None = None,
) -> IndexState:
    """``build_index`` with what ``updated_index`` needs to update it later."""
    index = build_index(corpus, drafts, memo, clock)
    spellings: dict[str, Counter[str]] = {}
    for brief in index.briefs:
        for name in dict.fromkeys(brief.tags):
            spellings.setdefault(tag_slug(name), Counter())[name] += 1
    briefs = {brief.path: brief for brief in corpus.briefs}
    waiting = not_due(corpus, clock)
    timed = frozenset(brief.path for brief in corpus.briefs if brief.publish_at is not None)
    return IndexState(
        index, briefs, corpus.sources, drafts, waiting, spellings, None, corpus.briefs, timed
    )


def updated_index(
    previous: IndexState | None,
    corpus: Corpus,
    drafts: bool = False,
    memo: Memo = NO_MEMO,
    clock: datetime.datetime | None = None,
) -> IndexState:
    """The index of ``corpus``, equal to ``build_index``'s, made by applying to
    ``previous`` only what the briefs that changed since (by identity: ``serve`` keeps an
    unedited brief the same object) add and remove. At 20,000 pages walking every brief
    and citation took more than a second per rebuild; an edit touches a few lists.

    Made anew when more than briefs changed: a source (the citing lists of its paragraphs
    and every brief citing it would change), the options, which briefs are due, many
    briefs at once, or a brief whose place in the order is not decided by date and slug."""
    if (
        previous is None
        or previous.drafts != drafts
        or not _same_objects(previous.sources, corpus.sources)
    ):
        return indexed(corpus, drafts, memo, clock)
    found = _changed(previous, corpus.briefs)
    if found is None:
        return indexed(corpus, drafts, memo, clock)
    by_path, gone = found
    timed = _timed(previous.timed, gone, by_path)
    # Which briefs are due changes with the clock: asked of every brief with a
    # ``publish_at`` (``not_due``), not of every brief.
    waiting = frozenset(path for path in timed if not is_due(by_path[path], clock))
    if previous.waiting != waiting:
        return indexed(corpus, drafts, memo, clock)
    old = previous.index
    pages = tuple(sorted(corpus.pages, key=page_order))
    if not gone:
        change = IndexChange(old, previous.briefs, by_path, frozenset())
        # Nothing changed (``serve`` rebuilding its search index): the same index, so that
        # what was made from it stays current for the next edit (``serve``'s overlay
        # records: made again for every brief, they kept an editor waiting 2 s more).
        unchanged = len(pages) == len(old.pages) and all(map(operator.is_, pages, old.pages))
        index = old if unchanged else replace(old, sources=corpus.sources, pages=pages)
        return replace(previous, index=index, briefs=by_path, change=change, order=corpus.briefs)
    removed = [previous.briefs[path] for path in gone if path in old.cited]  # were listed
    added = [
        by_path[path]
        for path in sorted(gone)
        if path in by_path and (drafts or not (by_path[path].draft or path in waiting))
    ]
    order = _briefs_with(old.briefs, removed, added)
    if order is None:
        return indexed(corpus, drafts, memo, clock)

    def entries(brief: Brief) -> _BriefEntries:
        sources = {ref.source_id: corpus.sources_by_id[ref.source_id] for ref in brief.refs()}
        return memo.call(_brief_entries, brief, *sources.values())

    removed_entries = [entries(brief) for brief in removed]
    added_entries = {brief.path: entries(brief) for brief in added}
    # The dicts copied whole (in C) and patched: a comprehension over 16,000 briefs per
    # rebuild was most of an update.
    cited = dict(old.cited)
    for path in gone:
        cited.pop(path, None)
    cited.update((path, made.cited) for path, made in added_entries.items())
    citing = dict(old.citing)
    touched = {key for made in removed_entries for key in made.citing}
    touched.update(key for made in added_entries.values() for key in made.citing)
    for key in touched:
        kept = [entry for entry in citing.get(key, ()) if entry.brief.path not in gone]
        for made in added_entries.values():
            if key in made.citing:
                _insert(kept, made.citing[key], _citing_place)
        if kept:
            citing[key] = tuple(kept)
        else:
            del citing[key]
    counts = _updated_counts(old.citing_briefs, removed_entries, added_entries.values())
    tags, tags_by_brief, spellings = _updated_tags(previous, gone, removed, added)
    index = SiteIndex(
        order, corpus.sources, cited, citing, tags, counts, tags_by_brief, pages, old.scheduled
    )
    change = IndexChange(old, previous.briefs, by_path, frozenset(gone))
    return IndexState(
        index, by_path, corpus.sources, drafts, waiting, spellings, change, corpus.briefs, timed
    )


def _changed(
    previous: IndexState, briefs: tuple[Brief, ...]
) -> tuple[dict[str, Brief], set[str]] | None:
    """Every brief of the corpus by path, and the paths whose brief is not the same object
    as in ``previous`` (edited, added, removed); None when more than ``UPDATE_MAX``."""
    found = _replaced_in_place(previous, briefs)
    if found is not None:
        return found
    by_path = {brief.path: brief for brief in briefs}
    gone = {path for path, brief in by_path.items() if previous.briefs.get(path) is not brief}
    gone.update(path for path in previous.briefs if path not in by_path)
    return (by_path, gone) if len(gone) <= UPDATE_MAX else None


def _replaced_in_place(
    previous: IndexState, briefs: tuple[Brief, ...]
) -> tuple[dict[str, Brief], set[str]] | None:
    """``_changed`` when every brief that changed was replaced at its path (edits: no
    brief came or went), else None."""
    last = previous.order
    if len(last) != len(briefs):
        return None
    # The briefs that are not the same object at their place in path order, found in C:
    # a lookup per brief was 10 ms of a rebuild at 20,000 pages.
    at = list(itertools.compress(itertools.count(), map(operator.is_not, briefs, last)))
    if len(at) > UPDATE_MAX or not all(briefs[n].path == last[n].path for n in at):
        return None
    by_path = dict(previous.briefs)
    by_path.update((briefs[n].path, briefs[n]) for n in at)
    return by_path, {briefs[n].path for n in at}


def _timed(last: frozenset[str], gone: set[str], briefs: Mapping[str, Brief]) -> frozenset[str]:
    """The paths of the briefs with a ``publish_at``, of ``last`` updated at ``gone``."""
    if not gone:
        return last
    now = {path for path in gone if path in briefs and briefs[path].publish_at is not None}
    return (last - gone) | now


def _citing_place(entry: Citing) -> _Place:
    return _Place(entry.brief)


def _insert(briefs: list[Any], item: Any, place: Callable[[Any], _Place]) -> None:
    """``item`` put where the site's order puts it among ``briefs`` (in that order; no
    brief ties with it: ``_briefs_with`` made the index anew otherwise)."""
    briefs.insert(bisect.bisect_left(briefs, place(item), key=place), item)


def _updated_counts(
    counts: Mapping[str, int],
    removed: Iterable[_BriefEntries],
    added: Iterable[_BriefEntries],
) -> dict[str, int]:
    """How many briefs cite each source, once the briefs of ``removed`` left the listed
    briefs and those of ``added`` joined them: each counts once for every source it
    cites (walking every paragraph of a touched source was 20 ms per rebuild)."""
    updated = dict(counts)
    for entries, step in ((removed, -1), (added, 1)):
        for made in entries:
            for source_id in {source_id for source_id, _ in made.citing}:
                count = updated.get(source_id, 0) + step
                if count:
                    updated[source_id] = count
                else:
                    del updated[source_id]
    return updated


def _same_objects(old: tuple[Source, ...], new: tuple[Source, ...]) -> bool:
    return len(old) == len(new) and all(map(operator.is_, old, new))


class _Place:
    """A brief's place in the site's order: newest first, then by slug (``build_index``)."""

    __slots__ = ("date", "slug")

    def __init__(self, brief: Brief) -> None:
        self.date, self.slug = _date_key(brief), brief.slug

    def __lt__(self, other: _Place) -> bool:
        return self.date > other.date or (self.date == other.date and self.slug < other.slug)

    def ties(self, other: _Place) -> bool:
        return self.date == other.date and self.slug == other.slug


def place_of(briefs: Sequence[Brief], brief: Brief) -> int | None:
    """Where ``brief`` (this object) stands in ``briefs``, which are in the site's order
    (a tag's briefs too), or None: found by bisection, then among the briefs of the same
    date and slug (path order decides among those)."""
    place = _Place(brief)
    at = bisect.bisect_left(briefs, place, key=_Place)
    while at < len(briefs) and not place < _Place(briefs[at]):
        if briefs[at] is brief:
            return at
        at += 1
    return None


def _briefs_with(
    briefs: tuple[Brief, ...], removed: list[Brief], added: list[Brief]
) -> tuple[Brief, ...] | None:
    """``briefs`` without ``removed`` and with ``added``, each where the site's order puts
    it (found by bisection); None when one's date and slug tie with another's (then path
    order decides, which only a full sort knows)."""
    order = list(briefs)
    for brief in removed:
        at = place_of(order, brief)
        assert at is not None, "a removed brief was listed"
        del order[at]
    for brief in added:
        place = _Place(brief)
        at = bisect.bisect_left(order, place, key=_Place)
        if any(_Place(order[n]).ties(place) for n in (at - 1, at) if 0 <= n < len(order)):
            return None
        order.insert(at, brief)
    return tuple(order)


def _updated_tags(
    previous: IndexState, gone: set[str], removed: list[Brief], added: list[Brief]
) -> tuple[tuple[Tag, ...], dict[str, tuple[Tag, ...]], dict[str, Counter[str]]]:
    """The tags, each listed brief's tags and the spellings once ``removed`` left the
    listed briefs and ``added`` joined them: only the tags they carry change."""
    spellings = dict(previous.spellings)
    touched: set[str] = set()
    for briefs, step in ((removed, -1), (added, 1)):
        for brief in briefs:
            for name in dict.fromkeys(brief.tags):
                slug = tag_slug(name)
                if slug not in touched:
                    touched.add(slug)
                    spellings[slug] = Counter(spellings.get(slug, ()))
                spellings[slug][name] += step
    by_slug = {tag.slug: tag for tag in previous.index.tags}
    retagged: set[str] = set()
    for slug in touched:
        counts = +spellings[slug]  # drops spellings no listed brief uses any more
        old = by_slug.pop(slug, None)
        members = [brief for brief in (old.briefs if old else ()) if brief.path not in gone]
        if not counts:
            del spellings[slug]
            continue
        for brief in added:
            if slug in map(tag_slug, brief.tags):
                _insert(members, brief, _Place)
        spellings[slug] = counts
        name = min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
        by_slug[slug] = Tag(name, slug, tuple(members))
        retagged.update(brief.path for brief in members)
    tags = tuple(by_slug[slug] for slug in sorted(by_slug))
    tags_by_brief = dict(previous.index.tags_by_brief)
    for path in gone:
        tags_by_brief.pop(path, None)
    for brief in added:
        slugs = dict.fromkeys(tag_slug(name) for name in brief.tags)
        tags_by_brief[brief.path] = tuple(by_slug[slug] for slug in slugs)
    for path in retagged.difference(brief.path for brief in added):
        # An unchanged member carries the same tags: only their objects are new.
        tags_by_brief[path] = tuple(by_slug[tag.slug] for tag in tags_by_brief[path])
    return tags, tags_by_brief, spellings
