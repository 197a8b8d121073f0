"""The edits the rebuild scenarios make: one word of one brief or one source paragraph.

Run k of a scenario writes the word ``Messlauf<k>``, so every run sees a change against the
state before it (also when a future build cache remembers the previous run). The original
bytes are saved first (``Pristine``) and put back when the scenario ends — also at the start
of the next benchmark if one was killed in between.

Which words are edited, so that every build still succeeds:

- brief: the first plain word (letters only, outside citations and quotes) of the first
  brief in path order;
- uncited source paragraph: a paragraph no brief cites, in the most cited source that has
  one: only that source page (and its search records) changes; the lock is untouched;
- cited source paragraph: the most often cited paragraph of the most cited source; the word
  lies outside every quote briefs take from that paragraph, so the quote rule still holds
  (the next paragraph or source is tried when every word is quoted). Its lock entry is
  now stale: ``check --frozen`` and ``build --frozen`` stop with an error, so this scenario
  builds without ``--frozen`` and gets one ``stale-citation`` warning per citing brief.
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .parse import (
    Document,
    Source,
    citation_counts,
    first_plain_word,
    markdown_files,
    read_document,
    read_sources,
)

WORD = "Messlauf"


@dataclass(frozen=True, slots=True)
class Pristine:
    """Original copies of the files the benchmark edits, kept in ``store`` until restored."""

    site: Path
    store: Path

    def save(self, path: Path) -> None:
        """Keep ``path``'s original bytes (only the first time: later calls see edits)."""
        copy = self.store / path.relative_to(self.site)
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)

    def restore_all(self) -> None:
        """Put every saved file back and forget the copies."""
        if not self.store.is_dir():
            return
        for copy in sorted(p for p in self.store.rglob("*") if p.is_file()):
            shutil.copy2(copy, self.site / copy.relative_to(self.store))
        shutil.rmtree(self.store)


@dataclass(frozen=True, slots=True)
class WordEdit:
    """Replacing the word at ``start:end`` (character offsets) of the file ``path``."""

    path: Path
    start: int
    end: int
    label: str  # what is edited, for the report

    def apply(self, run: int, pristine: Pristine) -> None:
        pristine.save(self.path)
        original = (pristine.store / self.path.relative_to(pristine.site)).read_text("utf-8")
        edited = original[: self.start] + f"{WORD}{run}" + original[self.end :]
        self.path.write_text(edited, encoding="utf-8", newline="\n")


@dataclass(frozen=True, slots=True)
class Edits:
    brief: WordEdit
    uncited: WordEdit | None  # None when every paragraph of every source is cited
    cited: WordEdit | None  # None when every cited paragraph is also quoted


def choose_edits(site: Path) -> Edits:
    """The three edits for the generated ``site`` (deterministic: the same site, the same
    words)."""
    briefs = [read_document(path) for path in markdown_files(site / "briefs")]
    sources = read_sources(site)
    for brief in briefs:
        word = first_plain_word(brief.text, brief.body_start)
        if word:
            label = f"{_relative(brief.path, site)}: {word.group()!r} (brief body)"
            brief_edit = WordEdit(brief.path, word.start(), word.end(), label)
            break
    else:
        raise ValueError(f"no brief in {site} has a plain word to edit")
    cited, quoted = _cited_paragraphs(sources, briefs)
    return Edits(
        brief_edit,
        _uncited_edit(site, sources, cited),
        _cited_edit(site, sources, cited, quoted),
    )


Cited = Mapping[str, Counter[int]]
Quotes = Mapping[str, Mapping[int, set[str]]]


def _cited_paragraphs(
    sources: Mapping[str, Source], briefs: Sequence[Document]
) -> tuple[dict[str, Counter[int]], dict[str, dict[int, set[str]]]]:
    """Per source id: how often each paragraph number is cited, and the quotes each
    paragraph must keep containing."""
    counts, quotes_by_ref = citation_counts(briefs)
    cited: dict[str, Counter[int]] = defaultdict(Counter)
    quotes: dict[str, dict[int, set[str]]] = defaultdict(dict)
    for (source_id, anchor), count in counts.items():
        source = sources.get(source_id)
        number = source.number_of(anchor) if source else None
        if number is None:
            continue
        cited[source_id][number] += count
        kept = quotes[source_id].setdefault(number, set())
        kept |= quotes_by_ref.get((source_id, anchor), set())
    return cited, quotes


def _by_citations(cited: Cited) -> list[str]:
    return sorted(cited, key=lambda sid: (-sum(cited[sid].values()), sid))


def _uncited_edit(site: Path, sources: Mapping[str, Source], cited: Cited) -> WordEdit | None:
    for source_id in _by_citations(cited):
        source = sources[source_id]
        for paragraph in source.paragraphs:
            word = first_plain_word(paragraph.text)
            if paragraph.number not in cited[source_id] and word:
                label = (
                    f"{_relative(source.document.path, site)}: {word.group()!r} "
                    f"in p{paragraph.number} (not cited; the source has "
                    f"{sum(cited[source_id].values())} citations)"
                )
                start = paragraph.start + word.start()
                return WordEdit(source.document.path, start, paragraph.start + word.end(), label)
    return None


def _cited_edit(
    site: Path, sources: Mapping[str, Source], cited: Cited, quotes: Quotes
) -> WordEdit | None:
    for source_id in _by_citations(cited):
        source = sources[source_id]
        ranked = sorted(cited[source_id].items(), key=lambda item: (-item[1], item[0]))
        for number, count in ranked:
            paragraph = source.paragraphs[number - 1]
            word = first_plain_word(paragraph.text, keep=quotes[source_id].get(number, ()))
            if word:
                label = (
                    f"{_relative(source.document.path, site)}: {word.group()!r} "
                    f"in p{number} (cited {count} times; outside every quote of it)"
                )
                start = paragraph.start + word.start()
                return WordEdit(source.document.path, start, paragraph.start + word.end(), label)
    return None


def _relative(path: Path, site: Path) -> str:
    return path.relative_to(site).as_posix()
