"""What the pages link to each other: cited paragraphs, who cites them, tags, order.

A pure function of a checked corpus. ``render`` reads it and never validates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .model import Brief, Corpus, Paragraph, Source
from .slugs import slugify


@dataclass(frozen=True, slots=True)
class CitedParagraph:
    """A paragraph one brief cites, numbered in the order the brief first cites it."""

    number: int
    source: Source
    paragraph: Paragraph
    anchor: str


@dataclass(frozen=True, slots=True)
class Citing:
    """A brief that cites a source paragraph, with the sentence it cites it in."""

    brief: Brief
    context: str


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str
    briefs: tuple[Brief, ...]


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """Briefs newest first; for each brief its numbered cited paragraphs (by anchor as
    cited); for each source paragraph (``source id``, ``index``) the briefs citing it."""

    briefs: tuple[Brief, ...]
    sources: tuple[Source, ...]
    cited: Mapping[str, tuple[CitedParagraph, ...]]
    citing: Mapping[tuple[str, int], tuple[Citing, ...]]
    tags: tuple[Tag, ...]

    def numbers(self, brief: Brief) -> dict[str, CitedParagraph]:
        """``source#anchor`` → its numbered entry in ``brief``."""
        return {f"{c.source.id}#{c.anchor}": c for c in self.cited[brief.path]}


def build_index(corpus: Corpus, drafts: bool = False) -> SiteIndex:
    """The index of the published site: drafts only when ``drafts`` is set."""
    briefs = tuple(
        sorted(
            (b for b in corpus.briefs if drafts or not b.draft),
            key=lambda b: (_date_key(b), b.slug),
            reverse=True,
        )
    )
    cited = {brief.path: _cited_paragraphs(brief, corpus) for brief in briefs}
    citing: dict[tuple[str, int], list[Citing]] = {}
    for brief in sorted(briefs, key=lambda b: (_date_key(b), b.slug)):
        for group in brief.citations:
            for ref in group.refs:
                source = corpus.sources_by_id[ref.source_id]
                paragraph = source.paragraph(ref.anchor or "")
                assert paragraph is not None, "render needs a checked corpus"
                entries = citing.setdefault((source.id, paragraph.index), [])
                entry = Citing(brief, group.context)
                if entry not in entries:
                    entries.append(entry)
    frozen_citing = {key: tuple(value) for key, value in citing.items()}
    return SiteIndex(briefs, corpus.sources, cited, frozen_citing, _tags(briefs))


def _date_key(brief: Brief) -> tuple[int, int, int, str]:
    assert brief.date is not None, "render needs a checked corpus"
    return brief.date.sort_key()


def _cited_paragraphs(brief: Brief, corpus: Corpus) -> tuple[CitedParagraph, ...]:
    numbered: dict[str, CitedParagraph] = {}
    for ref in brief.refs():
        if ref.key in numbered:
            continue
        source = corpus.sources_by_id[ref.source_id]
        paragraph = source.paragraph(ref.anchor or "")
        assert paragraph is not None, "render needs a checked corpus"
        numbered[ref.key] = CitedParagraph(len(numbered) + 1, source, paragraph, ref.anchor or "")
    return tuple(numbered.values())


def _tags(briefs: tuple[Brief, ...]) -> tuple[Tag, ...]:
    """Tags by slug; spellings that share a slug ("Ukraine", "ukraine") share a page,
    named by the most used spelling (ties: the first in sort order)."""
    spellings: dict[str, Counter[str]] = {}
    members: dict[str, list[Brief]] = {}
    for brief in briefs:
        for name in dict.fromkeys(brief.tags):
            slug = slugify(name)
            if not slug:
                continue
            spellings.setdefault(slug, Counter())[name] += 1
            if brief not in members.setdefault(slug, []):
                members[slug].append(brief)
    tags = []
    for slug in sorted(spellings):
        name = min(spellings[slug].items(), key=lambda item: (-item[1], item[0]))[0]
        tags.append(Tag(name, slug, tuple(members[slug])))
    return tuple(tags)
