"""Markdown bodies as HTML, made once, when a file is loaded: what render needs of a brief,
a source or a site page, so render never parses Markdown again.

What depends on other documents is not known at load time (a citation's label, its
source's title, the briefs citing a source paragraph), so the HTML holds a ``SLOT`` where
render puts it with plain string operations (``render_markdown``): in a brief one slot per
run of citation markers (``runs`` says which refs each holds), in a source one after each
paragraph, for its "cited in" box. What depends only on the file is made here: where
markers stand (``place_markers``), paragraph ids and permalinks, heading ids, and a
source's links resolved against its URL. So the HTML is a pure function of the file and
is kept in the build cache with the rest of the loaded document.

``SLOT`` is NUL. markdown-it replaces every NUL of its input with U+FFFD before parsing,
and the HTML made here holds only rendered body text and markup made by the site (ids
from slugs and ``^name`` anchors, which are letters, digits and hyphens), so a slot can
never come out of a file's text.

Raw HTML stays text (the parser has HTML off), links are limited to http(s), mailto, tel
and relative URLs (``markdown.is_allowed_link``), and every text is escaped by the renderer
and closed with ``close_bidi``, so no bidi control in it reorders the page after it. An
image is not embedded but named in the text (``[Bild: …]``): the site loads nothing from
elsewhere. A relative link in a source points into the original article's site: it is
resolved against the source's URL, or is only text when the source has none.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from .invisible import close_bidi
from .markdown import (
    CITATION_TOKEN,
    GroupSyntax,
    block_marker,
    create_markdown,
    inline_blocks,
    link_scheme,
    plain_text,
    strip_block_marker,
)
from .slugs import slugify

# Where render puts what only it knows (see the module's docstring).
SLOT = "\x00"
# A brief's consecutive citation groups as one run of markers (see ``place_markers``).
CITATION_RUN = "citation_run"
# What is set before a run of markers when it directly follows the run: closing
# punctuation and closing quotation marks, so "Text [@a#p1]." reads "Text.¹".
_CLOSING = re.compile(r"[.,;:!?…)\]}\"'“”‘’»«›‹]+")
# Ids the default theme's layout gives elements of every page (the skip link's target):
# a source heading never takes one of them.
LAYOUT_IDS = frozenset({"inhalt"})
# A link in a source was set by a third party: no endorsement, no referrer for its target.
SOURCE_LINK_REL = "external nofollow noopener noreferrer"
# The markdown-it environment key under which a brief's runs are collected.
_RUNS = "site_builder_runs"

MarkerRuns = tuple[tuple[str, ...], ...]  # per slot of a brief: its refs (``source#anchor``)


@dataclass
class _SourceEnv:
    """Per-render state for a source body: the ids taken so far (the layout's, the
    paragraphs' and the headings'), and per heading slug the next number to try."""

    anchors: Mapping[int, str | None]
    taken_ids: set[str] = field(init=False)
    next_number: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = {name for name in self.anchors.values() if name}
        self.taken_ids = set(LAYOUT_IDS) | {f"p{n}" for n in self.anchors} | names


def create_renderer() -> MarkdownIt:
    """The site's Markdown dialect (see ``markdown.create_markdown``) with the render rules
    for citations; every text closes its bidi controls, and an image is named in the text
    (``[Bild: …]``) instead of loaded."""
    md = create_markdown()
    md.options["xhtmlOut"] = False  # HTML5: <br>, not <br />
    md.add_render_rule(CITATION_TOKEN, _render_citation_group)
    md.add_render_rule(CITATION_RUN, _render_citation_run)
    md.add_render_rule("text", _render_text)
    md.add_render_rule("image", _render_image)
    assert isinstance(md.renderer, RendererHTML)
    for name in ("code_inline", "code_block", "fence"):
        md.add_render_rule(name, _closing_bidi(md.renderer.rules[name]))
    return md


@functools.cache
def _renderer() -> MarkdownIt:
    """One renderer per process: its rules keep no state between bodies, and the loaders
    parse with whichever ``MarkdownIt`` of the dialect they are given."""
    return create_renderer()


def _render_text(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    return escapeHtml(close_bidi(tokens[idx].content))


def _render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    alt = " ".join(plain_text(tokens[idx].children).split())
    return escapeHtml(f"[Bild: {close_bidi(alt)}]" if alt else "[Bild]")


def _closing_bidi(default: Callable[..., str]) -> Callable[..., str]:
    """``default``, a markdown-it rule for code, with the code's bidi controls closed."""

    def rule(
        self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
    ) -> str:
        tokens[idx].content = close_bidi(tokens[idx].content)
        return default(tokens, idx, options, env)

    return rule


def _render_citation_group(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    # Only in sources and site pages: a brief's groups are all in runs (``place_markers``).
    # There "[@handle]" is text, what the article or page says.
    return escape(close_bidi(tokens[idx].content))


def _render_citation_run(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    """A slot for the run's markers, with its refs noted in ``env``; nothing for a run
    without a well-formed ref (it has no marker)."""
    groups: list[GroupSyntax] = tokens[idx].meta["groups"]
    keys = tuple(f"{ref.source_id}#{ref.anchor}" for group in groups for ref in group.refs)
    if not keys:
        return ""
    env[_RUNS].append(keys)
    return SLOT


def brief_body_html(tokens: list[Token]) -> tuple[str, MarkerRuns]:
    """A brief's parsed body (``md.parse``; its tokens are changed) as HTML with a ``SLOT``
    per run of markers, and per slot the refs of its markers, in text order."""
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = place_markers(token.children)
    md = _renderer()
    env: dict[str, Any] = {_RUNS: []}
    html: str = md.renderer.render(tokens, md.options, env)
    return html, tuple(env[_RUNS])


def page_body_html(tokens: list[Token]) -> str:
    """A site page's parsed body as HTML: the site's Markdown, where ``[@…]`` is text."""
    md = _renderer()
    html: str = md.renderer.render(tokens, md.options, {})
    return html


def place_markers(children: list[Token]) -> list[Token]:
    """A paragraph's inline tokens with its citation groups as readers see them: groups
    next to each other (a space between them aside) become one run of markers; closing
    punctuation right after a run moves before it, and spaces (or a line break) before it
    go: "Text [@a#p1]." reads "Text.¹", "Text [@a#p1], mehr" reads "Text,¹ mehr". Only
    the rendering changes, the Markdown stays as written."""
    placed: list[Token] = []
    index = 0
    while index < len(children):
        if children[index].type != CITATION_TOKEN:
            placed.append(children[index])
            index += 1
            continue
        groups, index = _group_run(children, index)
        _drop_space_before(placed)
        closing = _take_closing(children, index)
        if closing:
            text = Token("text", "", 0)
            text.content = closing
            placed.append(text)
        run = Token(CITATION_RUN, "", 0)
        run.meta = {"groups": groups}
        placed.append(run)
    return placed


def _group_run(children: Sequence[Token], start: int) -> tuple[list[GroupSyntax], int]:
    """The groups of the run starting at ``start``, and the index after it."""
    groups: list[GroupSyntax] = []
    index = start
    while index < len(children):
        token = children[index]
        if token.type == CITATION_TOKEN:
            groups.append(token.meta["group"])
        elif not (_is_space(token) and _is_group(children, index + 1)):
            break
        index += 1
    return groups, index


def _is_group(children: Sequence[Token], index: int) -> bool:
    return index < len(children) and children[index].type == CITATION_TOKEN


def _is_space(token: Token) -> bool:
    return token.type == "softbreak" or (token.type == "text" and not token.content.strip())


def _drop_space_before(placed: list[Token]) -> None:
    """Remove the spaces and soft line breaks at the end of ``placed``."""
    while placed and (placed[-1].type in ("text", "softbreak")):
        last = placed[-1]
        if last.type == "text":
            last.content = last.content.rstrip()
            if last.content:
                return
        placed.pop()


def _take_closing(children: Sequence[Token], index: int) -> str:
    """The closing punctuation at the start of ``children[index]``, cut from it."""
    if index >= len(children) or children[index].type != "text":
        return ""
    token = children[index]
    match = _CLOSING.match(token.content)
    if match is None:
        return ""
    token.content = token.content[match.end() :]
    return match.group()


def source_body_html(
    tokens: list[Token], anchors: Mapping[int, str | None], source_url: str | None = None
) -> str:
    """A source's parsed body (``md.parse``; its tokens are changed) as HTML, verbatim:
    paragraph ``n`` gets ``id="pn"`` (and its ``^name`` from ``anchors`` as a second
    target), its number as a permalink before its text, and a ``SLOT`` after it for its
    "cited in" box (so slot ``n`` is paragraph ``n``'s). ``source_url`` is the original
    article's address, which relative links in it are resolved against."""
    env = _SourceEnv(anchors)
    for number, (opening, inline) in enumerate(inline_blocks(tokens), start=1):
        opening.hidden = False  # tight list items too: every paragraph gets its element
        opening.attrSet("id", f"p{number}")
        opening.meta = {"paragraph": number}
        _strip_marker(inline)
    _resolve_links(tokens, source_url)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_close":
            token.hidden = False
        elif token.type == "heading_open":
            token.attrSet("id", _heading_id(tokens[index + 1].content, env))
    return _render_source_tokens(_renderer(), tokens, env)


def _resolve_links(tokens: Sequence[Token], source_url: str | None) -> None:
    """Links of a source: a relative one resolved against ``source_url`` or, without it,
    dropped (its text stays); every link marked as the source's (``SOURCE_LINK_REL``)."""
    for token in tokens:
        if not token.children:
            continue
        kept: list[Token] = []
        dropping = False
        for child in token.children:
            if child.type == "link_open":
                href = _source_href(str(child.attrGet("href") or ""), source_url)
                dropping = href is None
                if href is not None:
                    child.attrSet("href", href)
                    child.attrSet("rel", SOURCE_LINK_REL)
            if not (dropping and child.type in ("link_open", "link_close")):
                kept.append(child)
            dropping = dropping and child.type != "link_close"
        token.children = kept


def _source_href(href: str, source_url: str | None) -> str | None:
    """Where a link in a source leads: absolute links as written, relative ones resolved
    against the source's URL; None when there is nothing to resolve against."""
    if link_scheme(href) is not None:
        return href
    return urllib.parse.urljoin(source_url, href) if source_url else None


def _strip_marker(inline: Token) -> None:
    name = block_marker(inline.children)
    if name is not None and inline.children:
        last = inline.children[-1]
        last.content = strip_block_marker(last.content)


def _heading_id(text: str, env: _SourceEnv) -> str:
    """A heading's slug id, never equal to a paragraph anchor or an earlier heading."""
    base = slugify(text) or "abschnitt"
    candidate, counter = base, env.next_number.get(base, 2)
    while candidate in env.taken_ids:
        candidate, counter = f"{base}-{counter}", counter + 1
    env.next_number[base] = counter  # the next "Titel" starts here: linear, not quadratic
    env.taken_ids.add(candidate)
    return candidate


def _render_source_tokens(md: MarkdownIt, tokens: list[Token], env: _SourceEnv) -> str:
    parts = []
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            number = _open_paragraph_number(tokens, index)
            if number is not None:
                parts.append(_paragraph_number(number, env.anchors.get(number)))
            parts.append(renderer.renderInline(token.children or [], md.options, {}))
        else:
            # A rule when the token has one (code blocks and fences carry their text).
            rule = renderer.rules.get(token.type, renderer.renderToken)
            parts.append(rule(tokens, index, md.options, {}))
            if token.type == "paragraph_close":
                parts.append(SLOT)
    return "".join(parts)


def _paragraph_number(number: int, name: str | None) -> str:
    """The number in the margin of paragraph ``number``, a link to it (and its ``^name``
    as a second target). The link is empty and the stylesheet writes the number from
    ``data-n``: generated text is never part of a selection, so a reader who copies
    paragraphs gets the article's words without numbers glued to them."""
    link = (
        f'<a class="permalink" href="#p{number}" data-n="{number}" '
        f'aria-label="Absatz {number}"></a>'
    )
    return link + (f'<span id="{escape(name)}"></span>' if name else "")


def _open_paragraph_number(tokens: Sequence[Token], inline_index: int) -> int | None:
    opening = tokens[inline_index - 1] if inline_index else None
    if opening is not None and opening.type == "paragraph_open":
        number: int = opening.meta["paragraph"]
        return number
    return None
