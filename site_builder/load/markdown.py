"""Markdown as the site reads it: markdown-it-py (CommonMark, raw HTML off) plus citations.

Citations are a real inline rule, so a citation inside a code span stays text and ``\\[@``
writes a literal. Each ``citation_group`` token carries the offsets of its refs in the inline
source; ``InlinePositions`` turns such offsets into file positions.

Links are an allow-list (``is_allowed_link``): http(s), mailto and tel URLs and relative
references. Anything else (``javascript:``, ``data:``, ``//host``) is no link but the text
as written, already when parsing, so ``check`` and the page read the same text.
"""

from __future__ import annotations

import bisect
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.link import link as link_rule
from markdown_it.token import Token

from ..diagnostics import Span
from ..messages import Message, msg
from .markdown_limits import bound_work

CITATION_TOKEN = "citation_group"
_LAST_CLOSE_KEY = "site_builder_last_close"  # in markdown-it's env: see _unclosed_bracket
_OPENING_RUN = re.compile(r"(?:!?\[(?!@))+")  # a "[@" is left to the citation rule
_REF = re.compile(r"@([^\s#;\[\]]+)(?:#([^\s;\[\]]*))?")
# Obsidian/Quartz block reference: " ^name" at the very end of a block.
_BLOCK_MARKER = re.compile(r"(?:^|\s)\^([A-Za-z0-9][A-Za-z0-9-]*)\s*$")
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop tabs and line breaks anywhere in a URL (and spaces and controls at its
# ends); dropping every ASCII control and space also catches "java\tscript:".
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True, slots=True)
class RefSyntax:
    """One ``@source#anchor`` as written: ``offset`` of the ``@`` in the inline source."""

    source_id: str
    anchor: str | None
    offset: int


@dataclass(frozen=True, slots=True)
class GroupSyntax:
    """A parsed ``[@…]`` group; ``problem`` says why it is malformed (refs are then empty)."""

    start: int
    end: int
    refs: tuple[RefSyntax, ...]
    problem: Message | None = None


class _SiteMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        return is_allowed_link(url)


def create_markdown() -> MarkdownIt:
    """The one Markdown dialect of the site: CommonMark, raw HTML shown as text, citations,
    links only to allowed URLs; bounded work (``markdown_limits``)."""
    md = _SiteMarkdown("commonmark", {"html": False})
    # With ``html`` off these two rules can never take anything (each first asks the
    # option and answers no); off, they are not tried at every line and every "<".
    md.block.ruler.disable("html_block")
    md.inline.ruler.disable("html_inline")
    bound_work(md)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("citation", "unclosed_bracket", _unclosed_bracket)
    return md


def is_allowed_link(url: str) -> bool:
    """May ``url`` (a destination as markdown-it passes it: entities decoded, then
    percent-encoded) be a link? Only with a scheme of ``LINK_SCHEMES`` or none; and never
    protocol-relative (``//host``, ``/\\host``): such a link would leave the site while
    looking like a path. The scheme is read as a browser would after decoding."""
    plain = _IGNORED_IN_URL.sub("", urllib.parse.unquote(url)).replace("\\", "/")
    scheme = _SCHEME.match(plain)
    if scheme:
        return scheme.group(1).lower() in LINK_SCHEMES
    return not plain.startswith("//")


def link_scheme(url: str) -> str | None:
    """The scheme of an allowed link (``https``), or None for a relative reference."""
    scheme = _SCHEME.match(_IGNORED_IN_URL.sub("", urllib.parse.unquote(url)))
    return scheme.group(1).lower() if scheme else None


def _unclosed_bracket(state: StateInline, silent: bool) -> bool:
    """A "[" or "![" with no "]" after it that could close it starts no link, image, label
    or citation: it is text, taken at once with the run of them it begins. markdown-it's
    link and image rules would search to the end of the paragraph for each such "[" (20
    levels deep), so a paragraph of many took quadratic, then merely slow, time."""
    src, start = state.src, state.pos
    if src[start] not in "[!":
        return False
    cached = state.env.get(_LAST_CLOSE_KEY)
    if cached is None or cached[0] is not src:
        cached = (src, _last_closer(src, bool(state.env.get("references"))))
        state.env[_LAST_CLOSE_KEY] = cached
    if start < cached[1]:
        return False
    run = _OPENING_RUN.match(src, start)
    if run is None:
        return False  # a "!" before no "[", or a citation group
    if not silent:
        # Not ``state.pending += …``: that copies all pending text each time (quadratic).
        state.append_pending(run.group())
    state.pos = run.end()
    return True


def _last_closer(src: str, references: bool) -> int:
    """Where the last "]" of ``src`` stands that may close a link label or an image
    description (-1: none). The "]" ending a citation group ``[@…]`` cannot: the citation
    rule takes the group as one token. In doubt (an escaped "\\[@", a group before "(" or
    "[", reference definitions in the text) a "]" counts as one that may close."""
    end = src.rfind("]")
    while end != -1 and not references:
        start = src.rfind("[", 0, end)
        if (
            start == -1
            or src[start + 1] != "@"
            or src[start - 1 : start] == "\\"
            or src[end + 1 : end + 2] in ("(", "[")
            or src.find("]", start, end) != -1
        ):
            break
        end = src.rfind("]", 0, start)
    return end


def _citation_rule(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("[@", start):
        return False
    end = src.find("]", start + 2)
    if end == -1 or _is_link(state, end):
        return False  # no group, or a real link such as [@handle](https://…)
    if not silent:
        token = state.push(CITATION_TOKEN, "", 0)
        token.content = src[start : end + 1]
        token.meta = {"group": parse_group(src, start, end)}
    state.pos = end + 1
    return True


def _is_link(state: StateInline, end: int) -> bool:
    """Would CommonMark read a link here? Asked of the link rule itself, so that
    ``[@a#p1](siehe oben)`` (not a link: the destination has a space) stays a citation."""
    if state.src[end + 1 : end + 2] not in ("(", "[") and not state.env.get("references"):
        return False  # the common case, decided without the (costly) link rule
    start, maximum = state.pos, state.posMax
    try:
        return link_rule(state, True)
    finally:
        state.pos, state.posMax = start, maximum


def parse_group(src: str, start: int, end: int) -> GroupSyntax:
    """Parse ``src[start:end+1]`` == ``[@a#p1; @b#p2]``."""
    refs = []
    offset = start + 1
    for part in src[start + 1 : end].split(";"):
        stripped = part.strip()
        match = _REF.fullmatch(stripped)
        if match is None:
            problem = (
                msg("separate the citations of a group with ';'")
                if "," in stripped or " @" in stripped
                else msg("write each citation as @source#anchor")
            )
            shown = _shortened(stripped)
            why = msg("'{text}' is not a citation: {problem}", text=shown, problem=problem)
            return GroupSyntax(start, end + 1, (), why)
        at = offset + part.index("@")
        refs.append(RefSyntax(match.group(1), match.group(2) or None, at))
        offset += len(part) + 1
    return GroupSyntax(start, end + 1, tuple(refs))


def _shortened(text: str, limit: int = 60) -> str:
    """``text`` for a message: a group left open by a missing ``]`` can run for pages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class InlinePositions:
    """Maps offsets in an inline token's content to positions in the file.

    markdown-it strips container markers (``> ``, list indentation) and the first line's
    indentation from inline content, so each content line is found again in its file line.
    """

    def __init__(
        self,
        content: str,
        first_body_line: int,
        body_lines: Sequence[str],
        path: str,
        body_line: int,
    ) -> None:
        self._path = path
        self._starts: list[int] = []
        self._lines: list[int] = []
        self._cols: list[int] = []
        offset = 0
        for number, line in enumerate(content.split("\n")):
            index = first_body_line + number
            original = body_lines[index] if index < len(body_lines) else line
            self._starts.append(offset)
            self._lines.append(body_line + index)
            self._cols.append(_column_of(line, original))
            offset += len(line) + 1

    def span(self, offset: int, width: int = 1) -> Span:
        """The place of ``offset``, for a thing of ``width`` characters written there."""
        row = bisect.bisect_right(self._starts, offset) - 1
        col = self._cols[row] + offset - self._starts[row] + 1
        return Span(self._path, self._lines[row], col, width)


def _column_of(content_line: str, original: str) -> int:
    original = original.rstrip("\r\n")
    if content_line and original.endswith(content_line):
        return len(original) - len(content_line)
    found = original.find(content_line.strip()) if content_line.strip() else -1
    return max(found, 0)


def plain_text(children: Sequence[Token] | None) -> str:
    """What a reader sees of inline tokens: no markup, no URLs, no citations."""
    parts: list[str] = []
    for token in children or ():
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(plain_text(token.children))
    return "".join(parts)


def block_marker(children: Sequence[Token] | None) -> str | None:
    """The ``^name`` a block ends with, if any (only in plain text, never inside code)."""
    if not children or children[-1].type != "text":
        return None
    match = _BLOCK_MARKER.search(children[-1].content)
    return match.group(1) if match else None


def strip_block_marker(text: str) -> str:
    """``text`` without a trailing ``^name`` marker."""
    match = _BLOCK_MARKER.search(text)
    return text[: match.start()].rstrip() if match else text


def inline_blocks(tokens: Sequence[Token]) -> list[tuple[Token, Token]]:
    """(paragraph_open, inline) pairs for every paragraph-level block, in document order."""
    return [
        (tokens[i], tokens[i + 1])
        for i in range(len(tokens) - 1)
        if tokens[i].type == "paragraph_open" and tokens[i + 1].type == "inline"
    ]
