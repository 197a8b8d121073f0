"""An independent model of a site written by ``benchmarks.corpus``: what ``check`` must say.

The mutation test (``test_mutation.py``) must know which briefs a corruption affects without
asking the checker. The generator's files have a fixed, simple shape: one line per source
paragraph (a ``## heading`` line now and then, a `` ^name`` marker at the end of a few), and
in a brief the citation groups and „quotes“ before them are the only markup. So this module
reads the files with a few regular expressions, resolves every citation itself and predicts
every diagnostic ``check --frozen`` must give: exactly those, no more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path, PurePosixPath

LOCK = "citations.lock"
_MARKER = re.compile(r" \^([A-Za-z0-9][A-Za-z0-9-]*)$")
_GROUP = re.compile(r"\[@[^\]]*\]")
_REF = re.compile(r"@([^#;\]\s]+)#([^;\]\s]+)")
_POSITIONAL = re.compile(r"p[1-9][0-9]*")
_QUOTE = re.compile(r"„([^„“]*)“\s*$")  # searched up to the start of a group

# (path, line, column, code); an unused lock entry has the key in place of line and column.
Finding = tuple[str, int | str, int, str]


def front_matter_end(lines: Iterable[str]) -> int:
    """Index of the line closing the front matter (the generator always writes one)."""
    closing = [i for i, line in enumerate(lines) if line == "---"]
    return closing[1]


@dataclass(frozen=True)
class SourceParagraph:
    text: str  # whitespace collapsed, without its ^name marker: what the lock records
    name: str | None
    line: int  # index into SourceFile.lines of its first line
    end: int  # index after its last line


@dataclass(frozen=True)
class SourceFile:
    path: str
    lines: tuple[str, ...]

    @cached_property
    def id(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @cached_property
    def paragraphs(self) -> tuple[SourceParagraph, ...]:
        """Runs of lines between blank lines and headings (the generator writes one line
        per paragraph; a re-wrapped one has several)."""
        found = []
        start = None
        lines = [*self.lines, ""]
        for index in range(front_matter_end(self.lines) + 1, len(lines)):
            if lines[index].strip() and not lines[index].startswith("## "):
                start = index if start is None else start
                continue
            if start is not None:
                text = " ".join(" ".join(lines[start:index]).split())
                marker = _MARKER.search(text)
                name = marker.group(1) if marker else None
                text = text[: marker.start()] if marker else text
                found.append(SourceParagraph(text, name, start, index))
                start = None
        return tuple(found)

    @cached_property
    def anchors(self) -> dict[str, int]:
        """Every anchor (``p1``… and ``^name``s) with the index of its paragraph (from 0)."""
        anchors = {f"p{n + 1}": n for n in range(len(self.paragraphs))}
        anchors |= {p.name: n for n, p in enumerate(self.paragraphs) if p.name}
        return anchors

    def text_of(self, anchor: str) -> str | None:
        index = self.anchors.get(anchor)
        return None if index is None else self.paragraphs[index].text

    def with_lines(self, lines: Iterable[str]) -> SourceFile:
        return SourceFile(self.path, tuple(lines))


@dataclass(frozen=True)
class Ref:
    source: str
    anchor: str
    offset: int  # of the "@" in the brief's file text

    @property
    def key(self) -> str:
        return f"{self.source}#{self.anchor}"


@dataclass(frozen=True)
class Group:
    refs: tuple[Ref, ...]
    quote: tuple[int, int] | None  # offsets of the quoted text, without the marks


@dataclass(frozen=True)
class BriefFile:
    path: str
    text: str

    @cached_property
    def groups(self) -> tuple[Group, ...]:
        body = self.text.index("\n---\n") + 5
        groups, previous_end = [], body
        for match in _GROUP.finditer(self.text, body):
            refs = tuple(
                Ref(m.group(1), m.group(2), match.start() + m.start())
                for m in _REF.finditer(match.group())
            )
            quote = _QUOTE.search(self.text, previous_end, match.start())
            groups.append(Group(refs, quote.span(1) if quote else None))
            previous_end = match.end()
        return tuple(groups)

    def refs(self) -> list[Ref]:
        return [ref for group in self.groups for ref in group.refs]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of ``offset``, as diagnostics count."""
        line_start = self.text.rfind("\n", 0, offset) + 1
        return self.text.count("\n", 0, offset) + 1, offset - line_start + 1

    def quoted(self, group: Group) -> str:
        assert group.quote is not None
        return " ".join(self.text[group.quote[0] : group.quote[1]].split())


def quote_stands_in(quote: str, text: str) -> bool:
    """The quote rule for the generator's plain text: the words, on word boundaries."""
    return _quote_pattern(quote).search(text) is not None


@cache
def _quote_pattern(quote: str) -> re.Pattern[str]:
    before = r"(?<!\w)" if quote[:1].isalnum() else ""
    after = r"(?!\w)" if quote[-1:].isalnum() else ""
    return re.compile(before + re.escape(quote) + after)


@dataclass
class Site:
    """The model of a whole site: sources by id, briefs by path, and the lock as it must be."""

    sources: dict[str, SourceFile]
    briefs: dict[str, BriefFile]
    lock: dict[str, str] = field(default_factory=dict)

    def citing(self) -> dict[str, list[str]]:
        """Source id → paths of the briefs citing it, each once."""
        citing: dict[str, list[str]] = {}
        for brief in self.briefs.values():
            for source in dict.fromkeys(ref.source for ref in brief.refs()):
                citing.setdefault(source, []).append(brief.path)
        return citing

    def current_lock(self) -> dict[str, str]:
        """What ``site-builder lock`` must record: the text of every cited paragraph."""
        lock = {}
        for brief in self.briefs.values():
            for ref in brief.refs():
                source = self.sources.get(ref.source)
                text = source.text_of(ref.anchor) if source else None
                if text is not None:
                    lock[ref.key] = text
        return lock


def findings(
    brief: BriefFile,
    sources: Mapping[str, SourceFile],
    lock: Mapping[str, str],
    only: Iterable[str] | None = None,
) -> set[Finding]:
    """Every diagnostic ``check --frozen`` must report in ``brief`` (SPEC §4, §5); with
    ``only``, in the groups citing those sources (the others are as in the clean site)."""
    found: set[Finding] = set()
    wanted = None if only is None else set(only)
    for group in brief.groups:
        if wanted is not None and not any(ref.source in wanted for ref in group.refs):
            continue
        texts = []
        for ref in group.refs:
            at = (brief.path, *brief.position(ref.offset))
            source = sources.get(ref.source)
            text = source.text_of(ref.anchor) if source else None
            if source is None:
                found.add((*at, "unknown-source"))
            elif text is None:
                found.add((*at, "unknown-anchor"))
                # An anchor past the last paragraph whose locked text stands elsewhere moved.
                if ref.key in lock and changed_code(source, ref.anchor, lock[ref.key]) == (
                    "anchor-moved"
                ):
                    found.add((*at, "anchor-moved"))
            elif ref.key not in lock:
                found.add((*at, "unlocked-citation"))
            elif lock[ref.key] != text:
                found.add((*at, changed_code(source, ref.anchor, lock[ref.key])))
            texts.append(text)
        if group.quote is not None and all(text is not None for text in texts):
            quote = brief.quoted(group)
            if not any(quote_stands_in(quote, text) for text in texts if text is not None):
                found.add((brief.path, *brief.position(group.quote[0] - 1), "quote-not-found"))
    return found


def changed_code(source: SourceFile, anchor: str, locked: str) -> str:
    """``anchor-moved`` when a positional anchor's locked text now stands at exactly one
    paragraph of the source (SPEC §5), else ``stale-citation``."""
    standing = sum(1 for paragraph in source.paragraphs if paragraph.text == locked)
    return "anchor-moved" if _POSITIONAL.fullmatch(anchor) and standing == 1 else "stale-citation"


def unused_lock_entries(site: Site, lock: Mapping[str, str]) -> set[Finding]:
    """Lock entries no brief cites any more: warnings on the lock file. An entry whose
    citation no longer resolves (a deleted source or paragraph) is still cited: the lock
    keeps the text that was checked."""
    cited = {ref.key for brief in site.briefs.values() for ref in brief.refs()}
    return {(LOCK, key, 0, "unused-lock-entry") for key in set(lock) - cited}


def read_site(root: Path) -> Site:
    sources = {}
    for path in sorted((root / "content").rglob("*.md")):
        relative = path.relative_to(root).as_posix()
        source = SourceFile(relative, tuple(path.read_text(encoding="utf-8").split("\n")))
        sources[source.id] = source
    briefs = {}
    for path in sorted((root / "briefs").rglob("*.md")):
        relative = path.relative_to(root).as_posix()
        briefs[relative] = BriefFile(relative, path.read_text(encoding="utf-8"))
    site = Site(sources, briefs)
    site.lock = site.current_lock()
    return site


def reported(document: Mapping[str, object]) -> set[Finding]:
    """The diagnostics of ``check --format json`` as findings (unused entries by key)."""
    found: set[Finding] = set()
    diagnostics = document["diagnostics"]
    assert isinstance(diagnostics, list)
    for d in diagnostics:
        if d["code"] == "unused-lock-entry":
            key = re.search(r"has an entry for (\S+),", d["message"])
            assert key is not None, d
            found.add((d["path"], key.group(1), 0, d["code"]))
        else:
            found.add((d["path"], d["line"], d["column"], d["code"]))
    return found
