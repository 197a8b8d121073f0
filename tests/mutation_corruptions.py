"""Seeded random corruptions of a site written by ``benchmarks.corpus``, each with every
diagnostic it must cause, predicted by the model in ``mutation_corpus.py``.

Each corruption is made from the pristine site: it changes some sources (or deletes them)
or some briefs, and knows the briefs it affects. ``test_mutation.py`` combines many that do
not interfere into one round.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from random import Random

from benchmarks.corpus import safe_at_line_start
from tests.mutation_corpus import BriefFile, Finding, Site, SourceFile, findings


@dataclass(frozen=True)
class Corruption:
    """One change to the site and every diagnostic it must cause (``expected``)."""

    kind: str
    what: str
    sources: Mapping[str, SourceFile | None]  # changed sources by id; None: file deleted
    briefs: Mapping[str, BriefFile]  # changed briefs by path
    expected: frozenset[Finding]

    @property
    def affected(self) -> set[str]:
        """The briefs the corruption must be reported in."""
        return {str(finding[0]) for finding in self.expected}


class Corruptor:
    """Makes seeded random corruptions of a pristine ``Site``, each with its prediction."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.citing = site.citing()
        self.cited: dict[str, set[str]] = {sid: set() for sid in site.sources}
        for brief in site.briefs.values():
            for ref in brief.refs():
                self.cited.setdefault(ref.source, set()).add(ref.anchor)
        self.vocabulary = sorted(
            {
                word
                for source in site.sources.values()
                for paragraph in source.paragraphs
                for word in paragraph.text.split()
                if word.isalpha() and len(word) > 3
            }
        )

    def corruption(
        self,
        kind: str,
        what: str,
        sources: Mapping[str, SourceFile | None] | None = None,
        briefs: Mapping[str, BriefFile] | None = None,
    ) -> Corruption:
        sources, briefs = sources or {}, briefs or {}
        view = {**self.site.sources, **sources}
        present = {sid: source for sid, source in view.items() if source is not None}
        expected: set[Finding] = set()
        for brief in briefs.values():
            expected |= findings(brief, present, self.site.lock)
        for path in {path for sid in sources for path in self.citing.get(sid, ())} - set(briefs):
            expected |= findings(self.site.briefs[path], present, self.site.lock, only=sources)
        return Corruption(kind, what, sources, briefs, frozenset(expected))

    # sources

    def cited_indexes(self, source: SourceFile) -> set[int]:
        """Indexes (from 0) of the paragraphs of ``source`` some brief cites."""
        return {source.anchors[anchor] for anchor in self.cited_anchors(source)}

    def cited_anchors(self, source: SourceFile) -> set[str]:
        """The anchors of ``source`` that some brief cites (and that exist)."""
        return {anchor for anchor in self.cited[source.id] if anchor in source.anchors}

    def change_word(self, rng: Random, source: SourceFile, cited: bool) -> Corruption | None:
        """A word of a cited (or, as a control, an uncited) paragraph replaced or misspelt."""
        wanted = self.cited_indexes(source)
        if not cited:
            wanted = set(range(len(source.paragraphs))) - wanted
        if not wanted:
            return None
        paragraph = source.paragraphs[rng.choice(sorted(wanted))]
        words = source.lines[paragraph.line].split(" ")
        alpha = [i for i, word in enumerate(words) if word.isalpha()]
        if not alpha:
            return None
        at = rng.choice(alpha)
        new = misspell(rng, words[at]) if rng.random() < 0.5 else rng.choice(self.vocabulary)
        if new == words[at]:
            return None
        what = f"{source.path}: word {at + 1} of {paragraph.text[:30]!r}… {words[at]!r}→{new!r}"
        words[at] = new
        lines = list(source.lines)
        lines[paragraph.line] = " ".join(words)
        kind = "change-cited-word" if cited else "change-uncited-word (control)"
        return self.corruption(kind, what, {source.id: source.with_lines(lines)})

    def rewrap(self, rng: Random, source: SourceFile) -> Corruption | None:
        """Control: a cited paragraph broken into indented lines (also before its ^name),
        which changes no word, so no citation may go stale."""
        cited = sorted(self.cited_indexes(source))
        if not cited:
            return None
        paragraph = source.paragraphs[rng.choice(cited)]
        words = source.lines[paragraph.line].split(" ")
        breaks = [i for i in range(1, len(words)) if safe_at_line_start(words[i])]
        chosen = set(rng.sample(breaks, min(len(breaks), rng.randint(1, 4))))
        lines: list[str] = [words[0]]
        for i, word in enumerate(words[1:], start=1):
            if i in chosen:
                lines.append(" " * rng.randint(0, 3) + word)
            else:
                lines[-1] += rng.choice((" ", " ", "  ", "\t")) + word
        new = (*source.lines[: paragraph.line], *lines, *source.lines[paragraph.end :])
        what = f"{source.path}: p{source.paragraphs.index(paragraph) + 1} re-wrapped"
        kind = "rewrap-cited-paragraph (control)"
        return self.corruption(kind, what, {source.id: source.with_lines(new)})

    def shift_point(self, rng: Random, source: SourceFile) -> int | None:
        """A paragraph index at or before the last cited one, so later anchors shift."""
        cited = self.cited_indexes(source)
        return rng.randint(0, max(cited)) if cited else None

    def delete_paragraph(self, rng: Random, source: SourceFile) -> Corruption | None:
        index = self.shift_point(rng, source)
        if index is None:
            return None
        paragraph = source.paragraphs[index]
        assert source.lines[paragraph.end] == ""
        lines = source.lines[: paragraph.line] + source.lines[paragraph.end + 1 :]
        what = f"{source.path}: paragraph p{index + 1} deleted"
        return self.corruption("delete-paragraph", what, {source.id: source.with_lines(lines)})

    def insert_paragraph(self, rng: Random, source: SourceFile, heading: bool) -> Corruption | None:
        """A new paragraph (or, as a control, a heading, which is no paragraph) inserted
        before a cited one."""
        index = self.shift_point(rng, source)
        if index is None:
            return None
        words = rng.sample(self.vocabulary, rng.randint(2, 5) if heading else rng.randint(8, 20))
        text = " ".join([words[0].capitalize(), *words[1:]])
        text = f"## {text}" if heading else f"{text}."
        line = source.paragraphs[index].line
        lines = (*source.lines[:line], text, "", *source.lines[line:])
        what = f"{source.path}: {text[:20]!r}… inserted before p{index + 1}"
        kind = "insert-heading (control)" if heading else "insert-paragraph"
        return self.corruption(kind, what, {source.id: source.with_lines(lines)})

    def swap_paragraphs(self, rng: Random, source: SourceFile) -> Corruption | None:
        """A cited paragraph and the one after it change places."""
        cited = [i for i in sorted(self.cited_indexes(source)) if i + 1 < len(source.paragraphs)]
        if not cited:
            return None
        index = rng.choice(cited)
        first, second = source.paragraphs[index], source.paragraphs[index + 1]
        lines = list(source.lines)
        between = lines[first.end : second.line]  # the blank line, maybe a heading
        lines[first.line : second.end] = [
            *source.lines[second.line : second.end],
            *between,
            *source.lines[first.line : first.end],
        ]
        what = f"{source.path}: p{index + 1} and p{index + 2} swapped"
        return self.corruption("swap-paragraphs", what, {source.id: source.with_lines(lines)})

    def rename_anchor(self, rng: Random, source: SourceFile, move: bool) -> Corruption | None:
        """A cited ^name renamed, or moved to the end of another paragraph."""
        cited = self.cited_anchors(source)
        named = [p for p in source.paragraphs if p.name in cited]
        if not named:
            return None
        old = rng.choice(named)
        lines = list(source.lines)
        lines[old.end - 1] = lines[old.end - 1].removesuffix(f" ^{old.name}")
        renamed = f"{old.name}-neu"
        others = [p for p in source.paragraphs if p.name is None]
        if not others or renamed in source.anchors:
            return None
        if move:
            new = rng.choice(others)
            lines[new.end - 1] += f" ^{old.name}"
            what = f"{source.path}: ^{old.name} moved to p{source.paragraphs.index(new) + 1}"
        else:
            lines[old.end - 1] += f" ^{renamed}"
            what = f"{source.path}: ^{old.name} renamed ^{renamed}"
        kind = "move-anchor" if move else "rename-anchor"
        return self.corruption(kind, what, {source.id: source.with_lines(lines)})

    def move_source(self, source: SourceFile) -> Corruption:
        """Control: a source moved to another folder keeps its id (the file name)."""
        moved = SourceFile(f"content/archiv/{source.id}.md", source.lines)
        return self.corruption("move-source (control)", f"{source.path} moved", {source.id: moved})

    def delete_source(self, source: SourceFile) -> Corruption:
        return self.corruption("delete-source", f"{source.path} deleted", {source.id: None})

    # briefs

    def alter_quote(self, rng: Random, brief: BriefFile) -> Corruption | None:
        """One word of a quote replaced or misspelt so that it stands in no cited paragraph."""
        quoted = [g for g in brief.groups if g.quote is not None]
        if not quoted:
            return None
        group = rng.choice(quoted)
        assert group.quote is not None
        start, end = group.quote
        tokens = [m for m in re.finditer(r"\S+", brief.text[start:end]) if m.group().isalpha()]
        if not tokens:
            return None
        token = rng.choice(tokens)
        cited = [self.site.sources[ref.source].text_of(ref.anchor) or "" for ref in group.refs]
        for _ in range(10):
            new = (
                misspell(rng, token.group()) if rng.random() < 0.7 else rng.choice(self.vocabulary)
            )
            # Absent from every cited paragraph even as part of a word: the quote cannot match.
            if new != token.group() and not any(new in text for text in cited):
                break
        else:
            return None
        at = start + token.start()
        text = brief.text[:at] + new + brief.text[start + token.end() :]
        what = f"{brief.path}: quoted {token.group()!r}→{new!r}"
        return self.corruption(
            "alter-quoted-word", what, briefs={brief.path: BriefFile(brief.path, text)}
        )

    def retarget(self, rng: Random, brief: BriefFile, existing: bool) -> Corruption | None:
        """An anchor misspelt into one the source lacks, or (``existing``) turned into
        another anchor of the source that no brief cited, so the lock lacks it."""
        ref = rng.choice(brief.refs())
        source = self.site.sources[ref.source]
        if existing:
            choices = [a for a in source.anchors if f"{source.id}#{a}" not in self.site.lock]
            new = rng.choice(sorted(choices)) if choices else ref.anchor
        else:
            new = misspell(rng, ref.anchor, alphabet="abcdefghijklmnopqrstuvwxyz0123456789-")
        if new == ref.anchor or not new or (new in source.anchors) != existing:
            return None
        at = ref.offset + len(ref.source) + 2
        text = brief.text[:at] + new + brief.text[at + len(ref.anchor) :]
        kind = "retarget-anchor-unlocked" if existing else "typo-anchor"
        what = f"{brief.path}: {ref.key} → #{new}"
        return self.corruption(kind, what, briefs={brief.path: BriefFile(brief.path, text)})


def misspell(rng: Random, word: str, alphabet: str = "") -> str:
    """``word`` with one typist's error: letters swapped, dropped, doubled, case flipped,
    or (with ``alphabet``) one replaced."""
    at = rng.randrange(len(word))
    operations = ["swap", "drop", "double", "case"] + (["replace"] if alphabet else [])
    operation = rng.choice(operations)
    if operation == "swap" and at + 1 < len(word):
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if operation == "drop" and len(word) > 1:
        return word[:at] + word[at + 1 :]
    if operation == "case":
        return word[:at] + word[at].swapcase() + word[at + 1 :]
    if operation == "replace":
        return word[:at] + rng.choice(alphabet) + word[at + 1 :]
    return word[:at] + word[at] + word[at:]
