"""Markdown bodies as HTML: briefs with citation markers that open the cited text in a
popover (no JavaScript needed), sources with an id and a numbered permalink on every
paragraph and "cited in" under each cited one.

Raw HTML stays text (the parser has HTML off), links are limited to http(s), mailto, tel
and relative URLs (``markdown.is_allowed_link``), and every text is escaped by the renderer
and closed with ``close_bidi``, so no bidi control in it reorders the page after it. An
image is not embedded but named in the text (``[Bild: …]``): the site loads nothing from
elsewhere. A relative link in a source points into the original article's site: it is
resolved against the source's URL, or is only text when the source has none.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Sequence
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
from .site_index import CitedParagraph, Citing
from .slugs import slugify

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


@dataclass(frozen=True, slots=True)
class BriefHtml:
    """A rendered brief body. ``previews`` holds one popover per cited paragraph that has a
    marker (id ``vorschau-<label>``), for the page to place after the body; ``markers``
    gives per label (``1a``) the numbers ``n`` of its markers (id ``zitat-n``) in text
    order, for the source list's links back to them."""

    body: str
    previews: str
    markers: dict[str, tuple[int, ...]]


@dataclass
class _BriefEnv:
    """Per-render state for a brief body: its numbered paragraphs, a running marker number
    and, per label, the entry and the numbers of its markers so far."""

    numbers: dict[str, CitedParagraph]
    occurrence: int = 0
    used: dict[str, CitedParagraph] = field(default_factory=dict)
    markers: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class _SourceEnv:
    """Per-render state for a source body: the ids taken so far (the layout's, the
    paragraphs' and the headings'), and per heading slug the next number to try."""

    anchors: dict[int, str | None]
    cited_in: Callable[[int], str]
    taken_ids: set[str] = field(init=False)
    next_number: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = {name for name in self.anchors.values() if name}
        self.taken_ids = set(LAYOUT_IDS) | {f"p{n}" for n in self.anchors} | names


def create_renderer() -> MarkdownIt:
    """The site's Markdown dialect (see ``markdown.create_markdown``) with the render rules
    for citations and anchored paragraphs; every text closes its bidi controls, and an
    image is named in the text (``[Bild: …]``) instead of loaded."""
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


def render_brief_body(
    body: str,
    md: MarkdownIt,
    numbers: dict[str, CitedParagraph],
    link: Callable[[CitedParagraph], str],
) -> BriefHtml:
    """The brief's body with a marker per citation (``place_markers`` says where), and the
    previews they open; ``link`` is where a preview's "Zur Quelle" leads."""
    env: dict[str, Any] = {"brief": _BriefEnv(numbers)}
    tokens = md.parse(body, env)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = place_markers(token.children)
    html: str = md.renderer.render(tokens, md.options, env)
    state: _BriefEnv = env["brief"]
    previews = "".join(_preview_html(entry, link(entry)) for entry in state.used.values())
    markers = {label: tuple(numbers) for label, numbers in state.markers.items()}
    return BriefHtml(html, previews, markers)


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


def render_page_body(body: str, md: MarkdownIt) -> str:
    """A site page (Impressum, how we work): the site's Markdown, where ``[@…]`` is text."""
    html: str = md.render(body, {})
    return html


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


def _render_citation_group(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    if "brief" not in env:
        # A source is third-party text: "[@handle]" there is what the article says.
        return escape(close_bidi(tokens[idx].content))
    return _markers_html([tokens[idx].meta["group"]], env["brief"])


def _render_citation_run(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    return _markers_html(tokens[idx].meta["groups"], env["brief"])


def _markers_html(groups: Sequence[GroupSyntax], state: _BriefEnv) -> str:
    """A run of markers: a superscript button per citation, numbered ``zitat-n`` in text
    order, each opening the preview of its paragraph (one per paragraph, shared)."""
    buttons = []
    for group in groups:
        for ref in group.refs:
            entry = state.numbers[f"{ref.source_id}#{ref.anchor}"]
            state.occurrence += 1
            state.used.setdefault(entry.label, entry)
            state.markers.setdefault(entry.label, []).append(state.occurrence)
            buttons.append(_marker_html(entry, state.occurrence))
    # The word joiner keeps the markers on the line of the word or punctuation before
    # them: a browser may otherwise break before a button (an atomic inline).
    return f'<sup class="citations">\u2060{"".join(buttons)}</sup>' if buttons else ""


def _marker_html(entry: CitedParagraph, occurrence: int) -> str:
    title = close_bidi(entry.source.title)
    name = f"Quelle {entry.label}: {title}, Absatz {entry.paragraph.index}"
    return (
        f'<button type="button" class="citation" id="zitat-{occurrence}" '
        f'popovertarget="vorschau-{entry.label}" aria-label="{escape(name)}">'
        f"{entry.label}</button>"
    )


def _preview_html(entry: CitedParagraph, href: str) -> str:
    """The popover of a cited paragraph: where it is from, its text, a link on to the
    source paragraph and one to its entry in the source list, and a close button."""
    label, preview = entry.label, f"vorschau-{entry.label}"
    outlet = f"{close_bidi(entry.source.outlet)}: " if entry.source.outlet else ""
    where = f"{outlet}{close_bidi(entry.source.title)}, Absatz {entry.paragraph.index}"
    return (
        f'<div class="citation-preview" id="{preview}" popover role="dialog" '
        f'aria-labelledby="{preview}-titel">'
        f'<p class="citation-preview-source" id="{preview}-titel">{escape(where)}</p>'
        f'<blockquote class="citation-preview-quote"><p>'
        f"„{escape(close_bidi(entry.paragraph.text))}“</p></blockquote>"
        f'<p class="citation-preview-links"><a href="{escape(href)}">Zur Quelle</a> '
        f'<a href="#quelle-{label}">in der Quellenliste</a></p>'
        f'<button type="button" class="citation-close" popovertarget="{preview}" '
        f'popovertargetaction="hide"><span aria-hidden="true">×</span>'
        f'<span class="visually-hidden">Schließen</span></button></div>\n'
    )


def render_source_body(
    body: str,
    md: MarkdownIt,
    anchors: dict[int, str | None],
    cited_in: Callable[[int], str],
    source_url: str | None = None,
) -> str:
    """The verbatim source body; paragraph ``n`` gets ``id="pn"`` (and its ``^name`` as a
    second target), its number as a permalink before its text, and ``cited_in(n)`` after
    it. ``source_url`` is the original article's address, which relative links in it are
    resolved against."""
    tokens = md.parse(body)
    env = _SourceEnv(anchors, cited_in)
    blocks = inline_blocks(tokens)
    for number, (opening, inline) in enumerate(blocks, start=1):
        opening.hidden = False  # tight list items too: every paragraph gets its element
        opening.attrSet("id", f"p{number}")
        opening.meta = {"paragraph": number}
        _strip_marker(inline)
    _resolve_links(tokens, source_url)
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
                parts.append(env.cited_in(token.meta["paragraph"]))
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


# More briefs than this under one paragraph fold into a <details> a reader opens.
CITED_IN_OPEN_MAX = 3


def cited_in_html(citing: Sequence[Citing], link: Callable[[Citing], str]) -> str:
    """The "Zitiert in" list under a source paragraph: each citing brief once, with the
    first sentence it cites the paragraph in and how many more there are; folded when
    there are more than ``CITED_IN_OPEN_MAX`` briefs. Each brief link carries its slug
    (``data-brief``): ``landing.js`` accepts a ``?von=`` slug only if it is one of them."""
    if not citing:
        return ""
    items = "".join(_cited_in_item(c, link(c)) for c in citing)
    if len(citing) > CITED_IN_OPEN_MAX:
        label = f'<summary class="cited-in-label">Zitiert in {len(citing)} Meldungen</summary>'
        return f'<details class="cited-in">{label}<ul>{items}</ul></details>\n'
    label = '<p class="cited-in-label">Zitiert in:</p>'
    return f'<div class="cited-in">{label}<ul>{items}</ul></div>\n'


def _cited_in_item(citing: Citing, href: str) -> str:
    sentence = nest_quotes(close_bidi(citing.contexts[0]))
    more = len(citing.contexts) - 1
    more_html = (
        f' <span class="cited-more">+{more} weitere {"Stelle" if more == 1 else "Stellen"}</span>'
        if more
        else ""
    )
    return (
        f'<li><a href="{escape(href)}" data-brief="{escape(citing.brief.slug)}">'
        f"{escape(close_bidi(citing.brief.title))}</a>"
        f'<span class="cited-context">: „{escape(sentence)}“</span>{more_html}</li>'
    )


# German nests quotations „… ‚…‘ …“: a sentence shown inside „…“ turns its own double marks
# into single ones, and its single ones (a quote within a quote) into double ones.
_NESTED = str.maketrans(
    {"„": "‚", "“": "‘", "‚": "„", "‘": "“", "»": "›", "«": "‹", "›": "»", "‹": "«"}
)


def nest_quotes(text: str) -> str:
    """``text`` as it reads inside German quotation marks „…“: „x“ becomes ‚x‘, ‚y‘ becomes
    „y“, "z" becomes ‚z‘. ’ stays: between letters it is an apostrophe (``Putin’s``)."""
    nested = text.translate(_NESTED)
    return re.sub('"', lambda m: "‚" if _opens(m) else "‘", nested)


def _opens(match: re.Match[str]) -> bool:
    """A straight " opens at the start or after a space or an opening bracket or dash."""
    before = match.string[match.start() - 1] if match.start() else " "
    return before.isspace() or before in "([{–—-"
