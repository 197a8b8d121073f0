"""``anchors``: a source's anchors with the start of each paragraph, for editors citing it."""

from __future__ import annotations

from pathlib import Path

from .check.quotes import normalise
from .diagnostics import Diagnostic
from .load.config import load_config
from .messages import msg
from .model import Source
from .pipeline import load_corpus
from .suggest import did_you_mean

_WIDTH = 72


def find_source(root: Path, source_id: str) -> tuple[Source, list[Diagnostic]] | str:
    """The source with ``source_id`` and the errors found in its file (text the listing
    may lack, such as Markdown nested too deeply), or an error message with a suggestion."""
    corpus, problems, _digests = load_corpus(load_config(root))
    source = corpus.sources_by_id.get(source_id)
    if source is not None:
        return source, [p for p in problems if p.span.path == source.path and p.is_error]
    suggestion = did_you_mean(source_id, corpus.sources_by_id)
    if not corpus.sources_by_id:
        return msg(
            "there is no source '{id}'; {suggestion}sources: none",
            id=source_id,
            suggestion=suggestion,
        )
    return msg(
        "there is no source '{id}'; {suggestion}sources: {known}",
        id=source_id,
        suggestion=suggestion,
        known=", ".join(sorted(corpus.sources_by_id)),
    )


def anchor_lines(source: Source, grep: str | None = None) -> list[str]:
    """One header line, then one line per (matching) paragraph: anchors, line, text start."""
    lines = [f"{source.id}: {source.title} ({source.path}, {source.anchor_range()})"]
    needle = normalise(grep).casefold() if grep else None
    width = max((len(_anchor_label(p.anchor, p.name)) for p in source.paragraphs), default=2)
    for paragraph in source.paragraphs:
        text = normalise(paragraph.text)
        if needle is not None and needle not in text.casefold():
            continue
        label = _anchor_label(paragraph.anchor, paragraph.name)
        excerpt = _excerpt(text, needle)
        lines.append(f"  {label:<{width}}  L{paragraph.span.line:<4} {excerpt}")
    if needle is not None and len(lines) == 1:
        lines.append(f"  no paragraph contains '{grep}'")
    return lines


def _anchor_label(anchor: str, name: str | None) -> str:
    return anchor if name is None else f"{anchor} ^{name}"


def _excerpt(text: str, needle: str | None) -> str:
    """The start of the paragraph, or the passage around the first match of ``needle``."""
    start = 0
    if needle:
        start = max(0, text.casefold().find(needle) - 20)
    excerpt = text[start : start + _WIDTH]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + _WIDTH < len(text) else ""
    return f"{prefix}{excerpt}{suffix}"
