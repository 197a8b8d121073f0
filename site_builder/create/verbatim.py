"""An article's text as Markdown that reads back as exactly that text.

A source is Markdown, but an imported article is not: its ``*``, ``_``, ``[``, a ``#`` or
``1.`` at the start of a line are words, not markup. ``markdown_block`` escapes whatever
the site's Markdown (``load/markdown.py``) would read as markup, so that the paragraph the
loader reads (``plain_text``) is the article's paragraph, character for character, in its
normal form (``paragraph_text``): lines stripped of the whitespace at their ends, empty
lines dropped, line breaks kept as hard breaks. Markdown cannot hold the whitespace at the
ends of a paragraph, and editors' tools strip it from line ends; the words are all kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Characters that start inline markup anywhere in a line: escapes, code spans, emphasis,
# links, images, citations and reference definitions, autolinks, entities.
_INLINE = re.compile(r"([\\`*_\[<&])")
# What starts a block at the beginning of a line (also inside a paragraph, where it would
# end the paragraph or turn it into a heading): ATX headings, block quotes, bullet items
# and thematic breaks ("-", "+"), setext underlines ("="), fences ("~"). "*", "_" and "`"
# are escaped everywhere already.
_LINE_START = re.compile(r"[#>+=~-]")
_ORDERED_ITEM = re.compile(r"([0-9]{1,9})([.)])")
# The marker that names a paragraph's anchor (``_BLOCK_MARKER`` of ``load/markdown.py``):
# when an article's paragraph happens to end so, it is written as code, which reads as the
# same text but names no anchor.
_ANCHOR_MARKER = re.compile(r"(?:^|(?<=\s))\^[A-Za-z0-9][A-Za-z0-9-]*(?=\s*$)")
_HEADING_CLOSER = re.compile(r"(?<!\\)#+$")
_BLANK_LINES = re.compile(r"\n[^\S\n]*\n")


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article: a paragraph (``prefix`` "" ), a list item (``prefix``
    "- " or "3. "), a paragraph of a quotation (``prefix`` "> ") or a heading
    (``heading`` its level, 2 to 6: the headline itself is the source's title)."""

    text: str
    prefix: str = ""
    heading: int = 0


def normal_newlines(text: str) -> str:
    """``text`` with Windows and old Mac line ends as ``\\n``, as Markdown reads them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def paragraph_text(text: str) -> str:
    """The normal form of a paragraph: each line stripped of whitespace at its ends, empty
    lines dropped (a blank line would end the paragraph), lines joined by ``\\n``."""
    lines = (line.strip() for line in normal_newlines(text).split("\n"))
    return "\n".join(line for line in lines if line)


def text_paragraphs(text: str) -> list[str]:
    """The paragraphs of a plain text, separated by blank lines (lines of whitespace
    only), in their normal form; empty ones are dropped."""
    parts = _BLANK_LINES.split(normal_newlines(text))
    paragraphs = (paragraph_text(part) for part in parts)
    return [paragraph for paragraph in paragraphs if paragraph]


def markdown_body(blocks: Sequence[Block]) -> str:
    """The Markdown of ``blocks``, one after the other, separated by blank lines."""
    return "".join(markdown_block(block) + "\n\n" for block in blocks if paragraph_text(block.text))


def markdown_block(block: Block) -> str:
    """The Markdown of one block whose text (normal form) the loader reads back."""
    text = paragraph_text(block.text)
    if block.heading:
        line = _escape_line(" ".join(text.split("\n")))
        # A closing run of "#" would be taken for the heading's optional closing sequence.
        line = _HEADING_CLOSER.sub(lambda run: "\\" + run.group(), line)
        return "#" * block.heading + " " + line
    lines = [_escape_line(line) for line in text.split("\n")]
    lines[-1] = _ANCHOR_MARKER.sub(lambda marker: f"`{marker.group()}`", lines[-1])
    indent = "> " if block.prefix == "> " else " " * len(block.prefix)
    # A backslash at the end of a line is a hard line break: the article's line break.
    marked = [line + "\\" for line in lines[:-1]] + lines[-1:]
    return block.prefix + ("\n" + indent).join(marked)


def _escape_line(line: str) -> str:
    """``line`` (no line break, stripped) with every character that would start markup
    escaped by a backslash, which Markdown drops again when reading."""
    escaped = _INLINE.sub(r"\\\1", line)
    if _LINE_START.match(escaped):
        return "\\" + escaped
    ordered = _ORDERED_ITEM.match(escaped)
    if ordered:
        return f"{ordered.group(1)}\\{escaped[ordered.end(1) :]}"
    return escaped
