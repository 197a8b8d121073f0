"""Property: whatever text a brief or a source holds, its rendered body has only the elements
and attributes the Markdown renderer writes itself, links that stay safe, well-nested tags,
and no text that leaves a bidi control open."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.diagnostics import Span
from site_builder.load.markdown import create_markdown
from site_builder.load.markdown_html import brief_body_html, source_body_html
from site_builder.model import Paragraph, Source
from site_builder.render.render_markdown import (
    PreviewText,
    preview_text,
    render_brief_body,
    render_source_body,
)
from site_builder.render.site_index import CitedParagraph
from tests import html_safety

ELEMENTS: dict[str, set[str]] = {
    "p": {"id", "class"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ul": set(),
    "ol": {"start"},
    "li": set(),
    "blockquote": {"class"},
    "cite": set(),
    "pre": set(),
    "code": {"class"},
    "em": set(),
    "strong": set(),
    "br": set(),
    "hr": set(),
    "a": {"href", "title", "rel", "class", "aria-label", "aria-describedby", "data-n"},
    "span": {"class", "id", "role", "aria-hidden"},
    "div": {"class", "id", "popover", "role", "aria-labelledby"},
    # A brief's citation markers and the previews they open.
    "sup": {"class"},
    "button": {"type", "class", "id", "popovertarget", "popovertargetaction", "aria-label"},
}
# Pieces that make Markdown and HTML structure, so random text often forms links, emphasis,
# code, lists, quotes, entities and tags; plus any text at all.
PIECES = [
    "<", ">", "&", '"', "'", "`", "```", "[", "]", "(", ")", "](", "![", "*", "_", "**",
    "\\", "#", "- ", "1. ", "> ", "    ", "\n", "\n\n", "\t", " ", ":", "//", "^anker",
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a onclick=x>", "<!--",
    "javascript:", "JaVa\tScRiPt:", "vbscript:", "data:text/html,", "data:image/png;base64,",
    "&#106;", "&#x09;", "&colon;", "&amp;", "&quot;", "https://example.org/", "mailto:a@b",
    "/\\evil.example", "[@quelle#p1]", "[@quelle#p1; @quelle#p2]", "[@handle]",
    "\u202e", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200f",
    "[x]: javascript:alert(1)\n", "[x]: //evil.example\n", "[x]",
    "[a](javascript:alert(1))", "[a](<java\tscript:x>)", "[a](jav&#x09;ascript:x)",
    "[a](&#106;avascript:x)", "[a](//evil.example/x)", "[a](data:text/html,x)",
    "[a](/relativ)", "[a](#frag)", "<javascript:alert(1)>", "<https://example.org>",
    "![i](x.png)", "![i](data:image/png;base64,AA)", "![*i*](https://example.org/i.png)",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40).map("".join)


class _AnyCitation(dict[str, CitedParagraph]):
    """Every ``source#anchor`` resolves (``check`` makes sure of it before rendering)."""

    def __missing__(self, key: str) -> CitedParagraph:
        return CITED


HOSTILE = "\u202e</span><script>1</script>"
CITED = CitedParagraph(
    1,
    Source(
        id="quelle",
        path="content/quelle.md",
        title="Titel " + HOSTILE,
        body_line=1,
        paragraphs=(),
        anchors={},
        id_span=Span("content/quelle.md"),
        outlet="Agentur " + HOSTILE,
    ),
    Paragraph(1, None, "Absatz " + HOSTILE, "", Span("content/quelle.md")),
    "p1",
)
MD = create_markdown()


class _AnyPreview(dict[tuple[str, int], PreviewText]):
    def __missing__(self, key: tuple[str, int]) -> PreviewText:
        return preview_text(CITED)


def _problems(fragment: str, *, source: bool) -> list[str]:
    page = html_safety.read(fragment)
    found = html_safety.injected(page, allowed_scripts=[])
    found += page.unbalanced
    for tag, attrs in page.tags:
        if tag not in ELEMENTS:
            found.append(f"element <{tag}>")
        elif set(attrs) - ELEMENTS[tag]:
            found.append(f"<{tag}> with {sorted(set(attrs) - ELEMENTS[tag])}")
        if source and tag == "a" and _relative(attrs):
            found.append(f"unresolved link in a source: {attrs}")
    found += [f"open bidi in {text!r}" for _, text in page.texts if html_safety.open_bidi(text)]
    return found


def _relative(attrs: dict[str, str | None]) -> bool:
    """A link other than a paragraph's permalink that leads nowhere absolute."""
    href = attrs.get("href") or ""
    absolute = href.startswith(("https://", "http://", "mailto:", "tel:"))
    return attrs.get("class") != "permalink" and not absolute


def _cited_in(number: int) -> str:
    return ""


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_any_brief_body_renders_to_safe_html(text: str) -> None:
    link: Any = lambda entry: "/sources/quelle/#p1"  # noqa: E731
    html, runs = brief_body_html(MD.parse(text))
    rendered = render_brief_body(html, runs, _AnyCitation(), link, _AnyPreview())
    entries = "".join(rendered.entries.values())
    assert _problems(rendered.body + entries, source=False) == []


@settings(max_examples=200, deadline=None)
@given(TEXT, st.sampled_from([None, "https://example.org/artikel/1"]))
def test_any_source_body_renders_to_safe_html(text: str, url: str | None) -> None:
    anchors = {n: None for n in range(1, 200)}
    html = render_source_body(source_body_html(MD.parse(text), anchors, url), _cited_in)
    assert _problems(html, source=True) == []
