"""Limits of the Markdown parser: how deep a text may nest, and how much work it may cost.

**Depth.** At ``maxNesting`` (20) levels (a list counts two: list and item; a block quote
one) markdown-it skips the rest of the container without a word; for a list item that is
the rest of the document. The block parser here notes where it skips, and the loaders
make that an error (``nesting-too-deep``): no text goes missing unseen. Inline nesting
past the limit keeps its text (the markers past it are shown as written).

**Work.** markdown-it-py is linear in its input, but some inputs cost tens of microseconds a
character: each ``[`` of ``[[[…](x)`` tries the link rule 20 levels deep, each marker of
``*_*_…`` becomes a delimiter to be matched. Near the 1 MiB file cap that was a minute. So
inline parsing is metered: every step of the inline parser (a position where its rules
are tried, or a look-ahead step) costs a unit, an emphasis run a few more, and a text
may spend ``INLINE_UNITS`` whatever its length: a cap on work, as the file size cap is one
on bytes. When the budget is spent, the paragraph being read and every later one are kept
as written, unparsed: their words stay, their markup shows, and the loaders report
``markdown-too-complex`` there. (A block rule costs little, but markdown-it's test for a
thematic break reads a line character by character once per nesting level: a regular
expression answers first, ``_quick_hr``.) Ordinary prose spends a unit per 50
characters or so (``tests/test_hostile_nesting.py``).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block import StateBlock, hr
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from ..diagnostics import Diagnostic, Span, error
from ..messages import NO_WORDS, Message, msg, msg_n

_P = TypeVar("_P")

# Keys in markdown-it's env, the per-parse state the loaders pass in.
_TOO_DEEP_KEY = "site_builder_too_deep"
_BUDGET_KEY = "site_builder_inline_budget"
_TOO_COMPLEX_KEY = "site_builder_too_complex"

# Units a text may spend: at most a few microseconds each (a quiet 2-core machine; the
# costliest, a reference link, about 5), so a file's inline parsing stays within about
# a second or two. Prose spends a unit per 50 characters, dense links and emphasis about two
# a character: a file of 1 MiB prose, or 100 KiB of markup on every word, is within it.
INLINE_UNITS = 250_000
STEP_UNITS = 1  # a step of the tokenizer: a rule takes markup, or a character is text
RUN_UNITS = 4  # an emphasis run besides its characters: scanned, then matched as a pair
_EMPHASIS_RUN = re.compile(r"\*+|_+")
_THEMATIC_BREAK = re.compile(r"([-*_])(?:[ \t]*+\1)*+[ \t]*+")  # the test hr makes, at C speed

# How deep Markdown may nest (markdown-it's ``maxNesting`` of 20, counted as it counts).
NESTING_HINT = msg("nest at most 19 levels: each block quote ('>') counts one, each list two")


@dataclass(frozen=True, slots=True)
class Skipped:
    """Where a parse first left text unread (or unparsed): ``line`` (0-based, in the text
    parsed) and ``col`` (1-based), and at how many places in all."""

    line: int
    col: int
    count: int

    def again(self) -> Skipped:
        return Skipped(self.line, self.col, self.count + 1)


def bound_work(md: MarkdownIt) -> None:
    """Make ``md`` note text it skips for depth, and meter its inline parsing."""
    md.block = _same_as(md.block, _DepthNotingBlockParser)
    md.inline = _same_as(md.inline, _MeteredInlineParser)
    md.inline.ruler.before("text", "site_builder_meter", _meter)
    md.core.ruler.at("inline", _metered_inline)
    md.block.ruler.at("hr", _quick_hr, {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _quick_hr(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's thematic break rule, after a regular expression has said the line can
    be one. Its own test reads the line character by character in Python, once per level
    of nesting: ``- - - … x`` on one line of 1 MiB took seconds."""
    at, line_end = state.bMarks[start] + state.tShift[start], state.eMarks[start]
    if not _THEMATIC_BREAK.fullmatch(state.src, at, line_end):
        return False
    return hr(state, start, end, silent)


def _same_as(parser: object, kind: type[_P]) -> _P:
    """A parser of class ``kind`` (a subclass of ``parser``'s) with ``parser``'s rules and
    settings, as the preset configured them."""
    made = kind.__new__(kind)
    made.__dict__.update(parser.__dict__)
    return made


class _DepthNotingBlockParser(ParserBlock):
    """markdown-it's block parser, noting where it stops for depth."""

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:  # noqa: N803
        if state.level >= state.md.options.maxNesting:
            _note_skipped(state, startLine, endLine)
        super().tokenize(state, startLine, endLine)


def _note_skipped(state: StateBlock, start: int, end: int) -> None:
    """Note, in ``state.env``, the first line ``tokenize`` will skip, if any: the same test
    markdown-it makes before it skips (a non-empty line inside the container)."""
    line = state.skipEmptyLines(start)
    if line >= end or state.sCount[line] < state.blkIndent:
        return
    at = state.bMarks[line] + state.tShift[line]
    col = at - (state.src.rfind("\n", 0, at) + 1) + 1
    _note(state.env, _TOO_DEEP_KEY, line, col)


def _note(env: MutableMapping[str, Any], key: str, line: int, col: int) -> None:
    noted = env.get(key)
    env[key] = noted.again() if isinstance(noted, Skipped) else Skipped(line, col, 1)


class _MeteredInlineParser(ParserInline):
    """markdown-it's inline parser, charging each look-ahead step. Looking for the end of
    a link label, markdown-it skips token by token (most steps come from a cache, no rule
    runs): that is where ``[[[…](x)`` spends its time, 20 steps a character."""

    def skipToken(self, state: StateInline) -> None:  # noqa: N802 (markdown-it's name)
        _charge(state, 1)
        super().skipToken(state)


class _BudgetSpentError(Exception):
    """The text's inline budget is spent (see the module docstring)."""


def _meter(state: StateInline, silent: bool) -> bool:
    """The first inline rule: charges a step of the tokenizer (``skipToken`` charges the
    look-ahead ones), never takes anything."""
    if silent:
        return False
    cost = STEP_UNITS
    if state.src[state.pos] in "*_":
        # The emphasis rule takes the whole run now and makes a delimiter per character.
        run = _EMPHASIS_RUN.match(state.src, state.pos)
        cost += RUN_UNITS + (run.end() - run.start() if run else 0)
    _charge(state, cost)
    return False


def _charge(state: StateInline, cost: int) -> None:
    left = state.env.get(_BUDGET_KEY)
    if not isinstance(left, int):
        return  # parsed without ``_metered_inline`` (markdown-it's own entry points)
    left -= cost
    state.env[_BUDGET_KEY] = left
    if left < 0:
        raise _BudgetSpentError


def _metered_inline(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule on a budget: a paragraph read when it is spent
    (and every later one) is one text token, as written."""
    if not isinstance(state.env.get(_BUDGET_KEY), int):
        state.env[_BUDGET_KEY] = INLINE_UNITS
    for token in state.tokens:
        if token.type != "inline":
            continue
        children: list[Token] = []
        if _parse_inline(state, token.content, children):
            token.children = children
            continue
        text = Token("text", "", 0)
        text.content = token.content
        token.children = [text]
        line = token.map[0] if token.map else 0
        _note(state.env, _TOO_COMPLEX_KEY, line, 1)


def _parse_inline(state: StateCore, content: str, children: list[Token]) -> bool:
    """Parse ``content`` into ``children``; False if the budget ran out."""
    budget = state.env[_BUDGET_KEY]
    if not isinstance(budget, int) or budget < 0:
        return False
    try:
        state.md.inline.parse(content, state.md, state.env, children)
    except _BudgetSpentError:
        return False
    return True


def skipped(env: dict[str, object]) -> tuple[Skipped | None, Skipped | None]:
    """Where parsing with ``env`` left text unread for depth, and unparsed for work."""
    deep, complex_ = env.get(_TOO_DEEP_KEY), env.get(_TOO_COMPLEX_KEY)
    return (
        deep if isinstance(deep, Skipped) else None,
        complex_ if isinstance(complex_, Skipped) else None,
    )


def limit_problems(
    env: dict[str, object], path: str, body_line: int, hint: Message = NESTING_HINT
) -> list[Diagnostic]:
    """The errors for a body parsed with ``env`` (``body_line``: the file line of its first
    line): ``nesting-too-deep`` where markdown-it skipped text, ``markdown-too-complex``
    where its inline markup was left unparsed. ``hint`` says how to flatten nesting."""
    deep, complex_ = skipped(env)
    problems = []
    if deep is not None:
        problems.append(
            error(
                Span(path, body_line + deep.line, deep.col),
                "nesting-too-deep",
                msg(
                    "lists and block quotes are nested too deeply here: the Markdown parser "
                    "would drop the text from here on (in a list, to the end of the file){more}",
                    more=_more(deep),
                ),
                hint=hint,
            )
        )
    if complex_ is not None:
        problems.append(
            error(
                Span(path, body_line + complex_.line, complex_.col),
                "markdown-too-complex",
                msg(
                    "the Markdown from this paragraph on is too costly to read (thousands of "
                    "nested '[', '![' or '*'/'_' markers): it is shown as written{more}",
                    more=_more(complex_, paragraphs=True),
                ),
                hint=msg(
                    "remove the runs of markers that open no link or emphasis, or write "
                    "them as \\[ \\* \\_"
                ),
            )
        )
    return problems


def _more(noted: Skipped, paragraphs: bool = False) -> Message:
    others = noted.count - 1
    if not others:
        return NO_WORDS
    if paragraphs:
        return msg_n(" (and {n} more paragraph)", " (and {n} more paragraphs)", others)
    return msg_n(" (and {n} more place)", " (and {n} more places)", others)
