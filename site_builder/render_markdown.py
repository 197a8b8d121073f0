"""Markdown bodies as HTML: briefs with numbered citation links that show the cited text on
hover and focus (no JavaScript), sources with an id and permalink on every paragraph and
"cited in" under each cited one.

Raw HTML stays text (the parser has HTML off), and markdown-it's link validation drops
``javascript:``/``vbscript:``/``file:`` URLs; every text is escaped by the renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from .markdown import (
    CITATION_TOKEN,
    GroupSyntax,
    block_marker,
    create_markdown,
    inline_blocks,
    strip_block_marker,
)
from .site_index import CitedParagraph, Citing
from .slugs import slugify

CitationHtml = Callable[[CitedParagraph, str], str]
# Ids the default theme's layout gives elements of every page (the skip link's target):
# a source heading never takes one of them.
LAYOUT_IDS = frozenset({"inhalt"})


@dataclass
class _BriefEnv:
    """Per-render state for a brief body: its numbered paragraphs and a running id."""

    numbers: dict[str, CitedParagraph]
    link: Callable[[CitedParagraph], str]
    occurrence: int = 0


@dataclass
class _SourceEnv:
    anchors: dict[int, str | None]
    cited_in: Callable[[int], str]
    heading_ids: set[str] = field(default_factory=set)


def create_renderer() -> MarkdownIt:
    """The site's Markdown dialect (see ``markdown.create_markdown``) with the render rules
    for citations and anchored paragraphs."""
    md = create_markdown()
    md.options["xhtmlOut"] = False  # HTML5: <br>, not <br />
    md.add_render_rule(CITATION_TOKEN, _render_citation_group)
    return md


def render_brief_body(
    body: str,
    md: MarkdownIt,
    numbers: dict[str, CitedParagraph],
    link: Callable[[CitedParagraph], str],
) -> str:
    env = {"brief": _BriefEnv(numbers, link)}
    html: str = md.render(body, env)
    return html


def _render_citation_group(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    if "brief" not in env:
        # A source is third-party text: "[@handle]" there is what the article says.
        return escape(tokens[idx].content)
    state: _BriefEnv = env["brief"]
    group: GroupSyntax = tokens[idx].meta["group"]
    parts = []
    for ref in group.refs:
        cited = state.numbers[f"{ref.source_id}#{ref.anchor}"]
        state.occurrence += 1
        parts.append(_citation_html(cited, state.link(cited), state.occurrence))
    return '<span class="citations">' + "".join(parts) + "</span>"


def _citation_html(cited: CitedParagraph, href: str, occurrence: int) -> str:
    tip = f"cite-{occurrence}"
    label = f"Quelle {cited.number}: {cited.source.title}, Absatz {cited.paragraph.index}"
    outlet = f"{cited.source.outlet}: " if cited.source.outlet else ""
    return (
        f'<span class="citation"><a class="citation-link" href="{escape(href)}" '
        f'aria-label="{escape(label)}" aria-describedby="{tip}">{cited.number}</a>'
        f'<span class="citation-preview" role="tooltip" id="{tip}">'
        f'<span class="citation-source">{escape(outlet + cited.source.title)}</span> '
        f"„{escape(cited.paragraph.text)}“</span></span>"
    )


def render_source_body(
    body: str, md: MarkdownIt, anchors: dict[int, str | None], cited_in: Callable[[int], str]
) -> str:
    """The verbatim source body; paragraph ``n`` gets ``id="pn"`` (and its ``^name`` as a
    second target), a ¶ permalink, and ``cited_in(n)`` after it."""
    tokens = md.parse(body)
    env = _SourceEnv(anchors, cited_in)
    blocks = inline_blocks(tokens)
    for number, (opening, inline) in enumerate(blocks, start=1):
        opening.hidden = False  # tight list items too: every paragraph gets its element
        opening.attrSet("id", f"p{number}")
        opening.meta = {"paragraph": number}
        _strip_marker(inline)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_close":
            token.hidden = False
            token.meta = {"paragraph": _paragraph_of(tokens, index)}
        elif token.type == "heading_open":
            token.attrSet("id", _heading_id(tokens[index + 1].content, env))
    return _render_source_tokens(md, tokens, env)


def _strip_marker(inline: Token) -> None:
    name = block_marker(inline.children)
    if name is not None and inline.children:
        last = inline.children[-1]
        last.content = strip_block_marker(last.content)


def _paragraph_of(tokens: Sequence[Token], close_index: int) -> int:
    for index in range(close_index - 1, -1, -1):
        if tokens[index].type == "paragraph_open":
            number: int = tokens[index].meta["paragraph"]
            return number
    raise AssertionError("paragraph_close without paragraph_open")


def _heading_id(text: str, env: _SourceEnv) -> str:
    """A heading's slug id, never equal to a paragraph anchor or an earlier heading."""
    base = slugify(text) or "abschnitt"
    taken = (
        env.heading_ids
        | LAYOUT_IDS
        | {f"p{n}" for n in env.anchors}
        | {name for name in env.anchors.values() if name}
    )
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    env.heading_ids.add(candidate)
    return candidate


def _render_source_tokens(md: MarkdownIt, tokens: list[Token], env: _SourceEnv) -> str:
    parts = []
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            parts.append(renderer.renderInline(token.children or [], md.options, {}))
            number = _open_paragraph_number(tokens, index)
            if number is not None:
                name = env.anchors.get(number)
                if name:
                    parts.insert(len(parts) - 1, f'<span id="{escape(name)}"></span>')
                parts.append(
                    f' <a class="permalink" href="#p{number}" '
                    f'aria-label="Link zu Absatz {number}">¶</a>'
                )
        else:
            parts.append(renderer.renderToken(tokens, index, md.options, {}))
            if token.type == "paragraph_close":
                parts.append(env.cited_in(token.meta["paragraph"]))
    return "".join(parts)


def _open_paragraph_number(tokens: Sequence[Token], inline_index: int) -> int | None:
    opening = tokens[inline_index - 1] if inline_index else None
    if opening is not None and opening.type == "paragraph_open":
        number: int = opening.meta["paragraph"]
        return number
    return None


def cited_in_html(citing: Sequence[Citing], link: Callable[[Citing], str]) -> str:
    """The "cited in" list under a source paragraph."""
    if not citing:
        return ""
    items = "".join(
        f'<li><a href="{escape(link(c))}">{escape(c.brief.title)}</a>'
        f'<span class="cited-context">: „{escape(c.context)}“</span></li>'
        for c in citing
    )
    label = '<p class="cited-in-label">Zitiert in:</p>'
    return f'<div class="cited-in">{label}<ul>{items}</ul></div>\n'
