"""Markdown bodies on their pages: the HTML made at load (``markdown_html``) with its slots
filled, by plain string operations, never by parsing again. A brief's slots take its
citation markers, numbered and labelled for this brief, each opening a popover with the
cited text (no JavaScript needed), which is the paragraph's entry in the source list; a
source's slots take "cited in" under each cited paragraph.

Everything filled in is escaped here and closed with ``close_bidi``. The escaped text of
a cited paragraph's popover is made once per build (``preview_texts``) and shared by every
brief that cites the paragraph; it is the paragraph, or an excerpt of a long one
(``excerpts``), which a brief that quotes the paragraph centres on its quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from typing import Protocol

from ..load.invisible import close_bidi
from ..load.markdown_html import SLOT, MarkerRuns
from ..model import CitationGroup, Paragraph, Source
from .excerpts import PREVIEW_CHARS, excerpt
from .site_index import CitedParagraph, Citing, SiteIndex


@dataclass(frozen=True, slots=True)
class BriefHtml:
    """A rendered brief body. ``entries`` holds per label (``1a``) the source list's entry
    of each cited paragraph, which is also the popover its markers open (id
    ``vorschau-<label>``): the paragraph's text is on the page once. ``markers`` gives per
    label the numbers ``n`` of its markers (id ``zitat-n``) in text order."""

    body: str
    entries: dict[str, str]
    markers: dict[str, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class PreviewText:
    """What a cited paragraph's entry says whichever brief cites it, escaped: the work it
    is from (outlet and title) and its text (``excerpts.excerpt``: whole unless long)."""

    work: str
    quote: str


class PreviewTexts(Protocol):
    """The popover text of a cited paragraph by (source id, paragraph index): a dict of
    them all (``preview_texts``), or made when asked (``LazyPreviews``)."""

    def __getitem__(self, key: tuple[str, int], /) -> PreviewText: ...


@dataclass
class _BriefEnv:
    """Per-render state for a brief body: its numbered paragraphs, a running marker number
    and, per label, the numbers of its markers so far."""

    numbers: Mapping[str, CitedParagraph]
    occurrence: int = 0
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


class LazyPreviews:
    """The popover text of each cited paragraph, made when a page first asks for it and
    then shared by every page that cites it. Making them all before rendering walked every
    citation of the site (about a second per build at 20,000 pages), while a rebuild in
    ``serve`` renders a few pages; forked renderers each make what their pages need."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self._sources: dict[str, Source] = {}
        for source in sources:  # the first of a duplicated id, as ``sources_by_id``
            self._sources.setdefault(source.id, source)
        self._made: dict[tuple[str, int], PreviewText] = {}

    def __getitem__(self, key: tuple[str, int], /) -> PreviewText:
        made = self._made.get(key)
        if made is None:
            source = self._sources[key[0]]
            made = self._made[key] = _preview_text(source, source.paragraphs[key[1] - 1])
        return made


def preview_text(entry: CitedParagraph) -> PreviewText:
    """The popover text of ``entry``'s paragraph (``preview_texts`` makes each once)."""
    return _preview_text(entry.source, entry.paragraph)


def _preview_text(source: Source, paragraph: Paragraph) -> PreviewText:
    outlet = f"{close_bidi(source.outlet)}: " if source.outlet else ""
    work = f"{outlet}{close_bidi(source.title)}"
    return PreviewText(escape(work), _quote_html(paragraph))


def _quote_html(paragraph: Paragraph, quotes: Sequence[str] = ()) -> str:
    # Bidi controls are closed after cutting: an excerpt may end inside an isolate.
    return escape(close_bidi(excerpt(paragraph.text, quotes)))


def render_brief_body(
    html: str,
    runs: MarkerRuns,
    numbers: Mapping[str, CitedParagraph],
    link: Callable[[CitedParagraph], str],
    previews: PreviewTexts,
    *,
    groups: Sequence[CitationGroup] = (),
) -> BriefHtml:
    """A brief's body from its HTML made at load (``markdown_html.brief_body_html``): each
    slot filled with its run of markers, and the source list entries they open; ``link``
    is where an entry's "Zur Quelle" leads, ``previews`` the texts of the cited paragraphs.
    The preview of a long paragraph shows the passage the brief quotes from it (the quotes
    of its citation ``groups``)."""
    parts = html.split(SLOT)
    assert len(parts) == len(runs) + 1, "a slot per run of markers"
    state = _BriefEnv(numbers)
    filled = [parts[0]]
    for keys, part in zip(runs, parts[1:], strict=True):
        filled += (_markers_html(keys, state), part)
    markers = {label: tuple(numbers) for label, numbers in state.markers.items()}
    cited = {entry.label: entry for entry in numbers.values()}
    quoted = _quoted(groups, numbers)
    entries = {
        label: _entry_html(
            entry,
            link(entry),
            _preview(entry, previews, quoted.get(label, ())),
            markers.get(label, ()),
        )
        for label, entry in cited.items()
    }
    return BriefHtml("".join(filled), entries, markers)


def _quoted(
    groups: Sequence[CitationGroup], numbers: Mapping[str, CitedParagraph]
) -> dict[str, list[str]]:
    """Per label, the quotes the citation groups citing its paragraph attest, in order."""
    quoted: dict[str, list[str]] = {}
    for group in groups:
        for ref in group.refs:
            entry = numbers.get(ref.key)
            if entry is not None and group.quotes:
                quoted.setdefault(entry.label, []).extend(q.text for q in group.quotes)
    return quoted


def _preview(entry: CitedParagraph, previews: PreviewTexts, quotes: Sequence[str]) -> PreviewText:
    """The paragraph's shared preview text, or for a long paragraph the brief quotes, an
    excerpt around what it quotes."""
    shared = previews[(entry.source.id, entry.paragraph.index)]
    if not quotes or len(entry.paragraph.text) <= PREVIEW_CHARS:
        return shared
    return replace(shared, quote=_quote_html(entry.paragraph, quotes))


def _markers_html(keys: Sequence[str], state: _BriefEnv) -> str:
    """A run of markers: a superscript button per citation, numbered ``zitat-n`` in text
    order, each opening the preview of its paragraph (one per paragraph, shared)."""
    buttons = []
    for key in keys:
        entry = state.numbers[key]
        state.occurrence += 1
        state.markers.setdefault(entry.label, []).append(state.occurrence)
        buttons.append(_marker_html(entry, state.occurrence))
    # The word joiner keeps the markers on the line of the word or punctuation before
    # them: a browser may otherwise break before a button (an atomic inline).
    return f'<sup class="citations">\u2060{"".join(buttons)}</sup>'


def _marker_html(entry: CitedParagraph, occurrence: int) -> str:
    # The name says only which entry: the source and paragraph are in the preview it
    # opens, not repeated in every marker of the paragraph.
    return (
        f'<button type="button" class="citation" id="zitat-{occurrence}" '
        f'popovertarget="vorschau-{entry.label}" aria-label="Quelle {entry.label}">'
        f"{entry.label}</button>"
    )


def _entry_html(entry: CitedParagraph, href: str, text: PreviewText, markers: Sequence[int]) -> str:
    """A cited paragraph's entry in the source list, which is also its markers' popover:
    closed, the stylesheet shows it in the list (label, links back to the markers, the
    quote, "Zur Quelle"); open, it is the preview (where it is from, the quote, "Zur
    Quelle", "in der Quellenliste", a close button). One element for both, so the
    paragraph's text and link are on the page once."""
    label, preview = entry.label, f"vorschau-{entry.label}"
    target = f' id="quelle-{label}"' if entry.letter else ""
    # Few classes: the stylesheet finds the parts by their place (first line, blockquote,
    # line after it), since every byte here is repeated per cited paragraph.
    return (
        f'<li{target}><div class="citation-preview" id="{preview}" popover>'
        f'<p><span class="source-label">{label}</span> {_backlinks_html(label, markers)}'
        f"<cite>{text.work}, </cite>Absatz {entry.paragraph.index}</p>"
        f'<blockquote class="citation-preview-quote"><p>„{text.quote}“</p></blockquote>'
        f'<p><a href="{escape(href)}">Zur Quelle</a> '
        f'<a href="#quelle-{label}">in der Quellenliste</a></p>'
        f'<button type="button" class="citation-close" popovertarget="{preview}" '
        f'popovertargetaction="hide" aria-label="Schließen">×</button></div></li>'
    )


def _backlinks_html(label: str, markers: Sequence[int]) -> str:
    """Links back to each marker of ``label`` in the text: ``↑`` for one, ``↑1 ↑2`` for more."""
    if len(markers) == 1:
        return (
            f'<a class="backlink" href="#zitat-{markers[0]}" '
            f'aria-label="Zurück zur Textstelle mit {label}">↑</a> '
        )
    return "".join(
        f'<a class="backlink" href="#zitat-{marker}" '
        f'aria-label="Zurück zur {number}. Textstelle mit {label}">↑{number}</a> '
        for number, marker in enumerate(markers, start=1)
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


@dataclass(frozen=True, slots=True)
class AllCiting:
    """Where every brief citing a paragraph is listed, when its box shows only the newest:
    how many there are, the paragraph's number and the listing's address."""

    total: int
    paragraph: int
    href: str


def cited_in_html(
    citing: Sequence[Citing], link: Callable[[Citing], str], everyone: AllCiting | None = None
) -> str:
    """The "Zitiert in" list under a source paragraph: each citing brief once, with the
    first sentence it cites the paragraph in and how many more there are; folded when
    there are more than ``CITED_IN_OPEN_MAX`` briefs. Each brief link carries its slug
    (``data-brief``): ``landing.js`` accepts a ``?von=`` slug only if it is one of them.
    With ``everyone``, ``citing`` are the newest of ``everyone.total`` briefs, and the box
    ends with a link to the listing of them all."""
    if not citing:
        return ""
    items = "".join(_cited_in_item(c, link(c)) for c in citing)
    if everyone is not None:
        total = german_number(everyone.total)
        label = f'<summary class="cited-in-label">Zitiert in {total} Meldungen</summary>'
        newest = f'<p class="cited-in-newest">Die neuesten {len(citing)}:</p>'
        more = (
            f'<p class="cited-in-all"><a href="{escape(everyone.href)}">Alle {total} '
            f"Meldungen, die Absatz {everyone.paragraph} zitieren</a></p>"
        )
        return f'<details class="cited-in">{label}{newest}<ul>{items}</ul>{more}</details>\n'
    if len(citing) > CITED_IN_OPEN_MAX:
        label = f'<summary class="cited-in-label">Zitiert in {len(citing)} Meldungen</summary>'
        return f'<details class="cited-in">{label}<ul>{items}</ul></details>\n'
    label = '<p class="cited-in-label">Zitiert in:</p>'
    return f'<div class="cited-in">{label}<ul>{items}</ul></div>\n'


def german_number(number: int) -> str:
    """``1700`` as German writes it: ``1.700``."""
    return f"{number:,}".replace(",", ".")


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
