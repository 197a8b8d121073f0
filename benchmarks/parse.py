"""Reading the files ``benchmarks.corpus`` writes, for the Hugo export and the edit scenarios.

This is deliberately not site-builder's loader: the benchmark must not depend on the code it
measures, and the generated files have a fixed, simple shape (front matter of JSON-quoted
scalars; in a source one line per paragraph, ``## `` headings, an optional trailing
`` ^name``; in a brief citation groups ``[@id#anchor; …]`` and quotes „…“).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

GROUP = re.compile(r"(?<!\\)\[(@[^\]]+)\]")
REF = re.compile(r"@([^#;\s\]]+)#([^;\s\]]+)")
NAME = re.compile(r" \^([A-Za-z0-9][A-Za-z0-9-]*)$")
QUOTE_BEFORE = re.compile(r"„([^“”„]*)[“”]\s*\Z")
PLAIN_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")


@dataclass(frozen=True, slots=True)
class Document:
    """A generated file: its front matter and its body, with where the body starts."""

    path: Path
    text: str
    front: dict[str, Any]
    body_start: int  # offset of the body in ``text``

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


@dataclass(frozen=True, slots=True)
class SourceParagraph:
    number: int  # 1-based: the positional anchor p<number>
    name: str | None  # the explicit ^name anchor, if any
    start: int  # offset of the paragraph's text in the file
    text: str  # without the ^name marker


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    document: Document
    paragraphs: tuple[SourceParagraph, ...]

    def number_of(self, anchor: str) -> int | None:
        """The paragraph number an anchor (``p3`` or a ``^name``) points at."""
        for paragraph in self.paragraphs:
            if anchor in (f"p{paragraph.number}", paragraph.name):
                return paragraph.number
        return None


@dataclass(frozen=True, slots=True)
class Citation:
    source: str
    anchor: str
    quote: str | None  # the quote „…“ right before the group (whitespace collapsed), if any


def read_document(path: Path) -> Document:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return Document(path, text, {}, 0)
    end = text.index("\n---\n", 3)
    front = yaml.safe_load(text[4:end]) or {}
    return Document(path, text, dict(front), end + len("\n---\n"))


def read_source(path: Path) -> Source:
    document = read_document(path)
    paragraphs: list[SourceParagraph] = []
    offset = document.body_start
    for line in document.body.splitlines(keepends=True):
        stripped = line.rstrip("\n")
        if stripped and not stripped.startswith("#"):
            name = NAME.search(stripped)
            text = stripped[: name.start()] if name else stripped
            number = len(paragraphs) + 1
            paragraphs.append(
                SourceParagraph(number, name.group(1) if name else None, offset, text)
            )
        offset += len(line)
    source_id = str(document.front.get("id") or path.stem)
    return Source(source_id, document, tuple(paragraphs))


def markdown_files(folder: Path) -> list[Path]:
    """Every ``*.md`` below ``folder``, in path order (so choices are deterministic)."""
    return sorted(folder.rglob("*.md"))


def read_sources(site: Path) -> dict[str, Source]:
    sources = (read_source(path) for path in markdown_files(site / "content"))
    return {source.id: source for source in sources}


def citations(body: str) -> Iterator[Citation]:
    """Every ref of every citation group in a brief body."""
    for group in GROUP.finditer(body):
        quote = QUOTE_BEFORE.search(body, 0, group.start())
        text = " ".join(quote.group(1).split()) if quote else None
        for ref in REF.finditer(group.group(1)):
            yield Citation(ref.group(1), ref.group(2), text)


def citation_counts(
    briefs: Iterable[Document],
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], set[str]]]:
    """How often each (source, anchor) is cited, and the quotes each must contain."""
    counts: Counter[tuple[str, str]] = Counter()
    quotes: dict[tuple[str, str], set[str]] = {}
    for brief in briefs:
        for citation in citations(brief.body):
            key = citation.source, citation.anchor
            counts[key] += 1
            if citation.quote:
                quotes.setdefault(key, set()).add(citation.quote)
    return counts, quotes


def first_plain_word(text: str, start: int = 0, keep: Iterable[str] = ()) -> re.Match[str] | None:
    """The first word of letters only in ``text[start:]`` outside citation groups, quotes
    and every occurrence of the strings ``keep``: a word whose change touches neither a
    citation nor a checked quote."""
    blocked = [m.span() for m in GROUP.finditer(text)]
    blocked += [m.span() for m in re.finditer(r"„[^“”\"]*[“”\"]", text)]
    for kept in keep:
        blocked += [m.span() for m in re.finditer(re.escape(kept), text)]
    for word in PLAIN_WORD.finditer(text, start):
        inside = any(a <= word.start() < b for a, b in blocked)
        if not inside and _whole_word(text, word):
            return word
    return None


def _whole_word(text: str, word: re.Match[str]) -> bool:
    before = text[word.start() - 1] if word.start() else " "
    after = text[word.end()] if word.end() < len(text) else " "
    return before.isspace() and (after.isspace() or after in ".,;:")


def as_date(value: object) -> str:
    """A front-matter date as YYYY-MM-DD (PyYAML reads unquoted dates as ``date``)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
