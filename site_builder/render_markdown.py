"""Markdown bodies on their pages: the HTML made at load (``markdown_html``) with its slots
filled, by plain string operations, never by parsing again. A brief's slots take its
citation markers, numbered and labelled for this brief, each opening a popover with the
cited text (no JavaScript needed); a source's slots take "cited in" under each cited
paragraph.

Everything filled in is escaped here and closed with ``close_bidi``. The escaped text of
a cited paragraph's popover is made once per build (``preview_texts``) and shared by every
brief that cites the paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from .invisible import close_bidi
from .markdown_html import SLOT, MarkerRuns
from .site_index import CitedParagraph, Citing, SiteIndex


@dataclass(frozen=True, slots=True)
class BriefHtml:
    """A rendered brief body. ``previews`` holds one popover per cited paragraph that has a
    marker (id ``vorschau-<label>``), for the page to place after the body; ``markers``
    gives per label (``1a``) the numbers ``n`` of its markers (id ``zitat-n``) in text
    order, for the source list's links back to them."""

    body: str
    previews: str
    markers: dict[str, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class PreviewText:
    """What a cited paragraph's popover says whichever brief cites it, escaped: where it
    is from (outlet, title, paragraph number) and its text."""

    where: str
    quote: str


PreviewTexts = Mapping[tuple[str, int], PreviewText]  # by (source id, paragraph index)


@dataclass
class _BriefEnv:
    """Per-render state for a brief body: its numbered paragraphs, a running marker number
    and, per label, the entry and the numbers of its markers so far."""

    numbers: Mapping[str, CitedParagraph]
    occurrence: int = 0
    used: dict[str, CitedParagraph] = field(default_factory=dict)
    markers: dict[str, list[int]] = field(default_factory=dict)


def preview_texts(index: SiteIndex) -> dict[tuple[str, int], PreviewText]:
    """The popover text of every paragraph a brief of the site cites, made once per build:
    a paragraph cited by a thousand briefs is escaped once, not a thousand times."""
    texts: dict[tuple[str, int], PreviewText] = {}
    for entries in index.cited.values():
        for entry in entries:
            key = (entry.source.id, entry.paragraph.index)
            if key not in texts:
                texts[key] = preview_text(entry)
    return texts


def preview_text(entry: CitedParagraph) -> PreviewText:
    """The popover text of ``entry``'s paragraph (``preview_texts`` makes each once)."""
    outlet = f"{close_bidi(entry.source.outlet)}: " if entry.source.outlet else ""
    where = f"{outlet}{close_bidi(entry.source.title)}, Absatz {entry.paragraph.index}"
    return PreviewText(escape(where), escape(close_bidi(entry.paragraph.text)))


def render_brief_body(
    html: str,
    runs: MarkerRuns,
    numbers: Mapping[str, CitedParagraph],
    link: Callable[[CitedParagraph], str],
    previews: PreviewTexts,
) -> BriefHtml:
    """A brief's body from its HTML made at load (``markdown_html.brief_body_html``): each
    slot filled with its run of markers, and the previews they open; ``link`` is where a
    preview's "Zur Quelle" leads, ``previews`` the texts of the cited paragraphs."""
    parts = html.split(SLOT)
    assert len(parts) == len(runs) + 1, "a slot per run of markers"
    state = _BriefEnv(numbers)
    filled = [parts[0]]
    for keys, part in zip(runs, parts[1:], strict=True):
        filled += (_markers_html(keys, state), part)
    shown = "".join(
        _preview_html(entry, link(entry), previews[(entry.source.id, entry.paragraph.index)])
        for entry in state.used.values()
    )
    markers = {label: tuple(numbers) for label, numbers in state.markers.items()}
    return BriefHtml("".join(filled), shown, markers)


def _markers_html(keys: Sequence[str], state: _BriefEnv) -> str:
    """A run of markers: a superscript button per citation, numbered ``zitat-n`` in text
    order, each opening the preview of its paragraph (one per paragraph, shared)."""
    buttons = []
    for key in keys:
        entry = state.numbers[key]
        state.occurrence += 1
        state.used.setdefault(entry.label, entry)
        state.markers.setdefault(entry.label, []).append(state.occurrence)
        buttons.append(_marker_html(entry, state.occurrence))
    # The word joiner keeps the markers on the line of the word or punctuation before
    # them: a browser may otherwise break before a button (an atomic inline).
    return f'<sup class="citations">\u2060{"".join(buttons)}</sup>'


def _marker_html(entry: CitedParagraph, occurrence: int) -> str:
    title = close_bidi(entry.source.title)
    name = f"Quelle {entry.label}: {title}, Absatz {entry.paragraph.index}"
    return (
        f'<button type="button" class="citation" id="zitat-{occurrence}" '
        f'popovertarget="vorschau-{entry.label}" aria-label="{escape(name)}">'
        f"{entry.label}</button>"
    )


def _preview_html(entry: CitedParagraph, href: str, text: PreviewText) -> str:
    """The popover of a cited paragraph: where it is from, its text, a link on to the
    source paragraph and one to its entry in the source list, and a close button."""
    label, preview = entry.label, f"vorschau-{entry.label}"
    return (
        f'<div class="citation-preview" id="{preview}" popover role="dialog" '
        f'aria-labelledby="{preview}-titel">'
        f'<p class="citation-preview-source" id="{preview}-titel">{text.where}</p>'
        f'<blockquote class="citation-preview-quote"><p>'
        f"„{text.quote}“</p></blockquote>"
        f'<p class="citation-preview-links"><a href="{escape(href)}">Zur Quelle</a> '
        f'<a href="#quelle-{label}">in der Quellenliste</a></p>'
        f'<button type="button" class="citation-close" popovertarget="{preview}" '
        f'popovertargetaction="hide"><span aria-hidden="true">×</span>'
        f'<span class="visually-hidden">Schließen</span></button></div>\n'
    )


def render_source_body(html: str, cited_in: Callable[[int], str]) -> str:
    """A source's body from its HTML made at load (``markdown_html.source_body_html``):
    after paragraph ``n``, ``cited_in(n)``."""
    parts = html.split(SLOT)
    filled = [parts[0]]
    for number, part in enumerate(parts[1:], start=1):
        filled += (cited_in(number), part)
    return "".join(filled)


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
