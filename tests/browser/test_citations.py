"""What readers see of citations, in a real browser: a marker after the punctuation opens
the cited paragraph in a preview (tap, click, keyboard; hover with a mouse) that stays on
the screen, links that land on the paragraph, a source list with one entry per source, and
"cited in" under every cited paragraph of a source."""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import BRIEF, MARKED_SOURCE, SOURCE, Served

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]

# The text a reader sees, without the ¶ permalinks, citation numbers and previews.
_VISIBLE_TEXT = """(element, drop) => {
  const copy = element.cloneNode(true);
  copy.querySelectorAll(drop).forEach((node) => node.remove());
  return copy.textContent;
}"""
_QUOTE = """(preview) => [...preview.childNodes]
  .filter((node) => !(node.classList && node.classList.contains('citation-source')))
  .map((node) => node.textContent).join('')"""


def _words(text: str) -> str:
    """Text as a reader compares it: whitespace runs are one space, none before punctuation."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))


def _paragraph_text(page: Page, anchor: str) -> str:
    paragraph = page.locator(f"[id='{anchor}']")
    return _words(paragraph.evaluate(_VISIBLE_TEXT, ".permalink"))


def _brief_pages(page: Page, site: Served) -> list[str]:
    page.goto(site.page("/"))
    return [urlsplit(href).path for href in _hrefs(page, ".lead-story h2 a, .brief-card h3 a")]


def _hrefs(page: Page, selector: str) -> list[str]:
    return [str(link.get_attribute("href")) for link in page.locator(selector).all()]


PHONE = {"width": 360, "height": 740, "has_touch": True}
DESKTOP = {"width": 1280, "height": 800}
SCHEMES = ["light", "dark"]
# The brief's markers by label, in text order (see briefs/kreml-gebiete-nicht-verhandelbar.md).
LABELS = ["1a", "1a", "1b", "1c", "1c", "2", "1d"]


def _preview(page: Page, marker: Locator) -> Locator:
    return page.locator(f"[id='{marker.get_attribute('popovertarget')}']")


def _expect_closed(preview: Locator) -> None:
    """A closed preview is not shown over the page: the element is the paragraph's entry
    in the source list, shown there without the preview's close button."""
    expect(
        preview.page.locator(f"[id='{preview.get_attribute('id')}']:popover-open")
    ).to_have_count(0)
    expect(preview.locator(".citation-close")).to_be_hidden()
    assert preview.evaluate("(p) => p.closest('.sources') !== null")


def _expect_open(preview: Locator) -> None:
    expect(
        preview.page.locator(f"[id='{preview.get_attribute('id')}']:popover-open")
    ).to_have_count(1)
    expect(preview.locator(".citation-close")).to_be_visible()


def _inside_viewport(page: Page, element: Locator) -> None:
    box, viewport = element.bounding_box(), page.viewport_size
    assert box is not None and viewport is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= viewport["width"] + 0.5, box
    assert box["y"] + box["height"] <= viewport["height"] + 0.5, box


def _focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id"))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_tapping_a_marker_opens_its_preview_on_the_phone_screen(
    new_page: NewPage, site: Served, scheme: str
) -> None:
    page, source = new_page(scheme=scheme, **PHONE), new_page()
    page.goto(site.page(BRIEF))
    markers = page.locator(".brief-body .citation")
    assert [m.inner_text() for m in markers.all()] == LABELS
    for index in range(markers.count()):
        marker = markers.nth(index)
        preview = _preview(page, marker)
        _expect_closed(preview)
        marker.tap()
        _expect_open(preview)
        expect(page).to_have_url(site.page(BRIEF))  # the tap did not navigate away
        _inside_viewport(page, preview)
        target = urlsplit(str(preview.get_by_role("link", name="Zur Quelle").get_attribute("href")))
        source.goto(site.page(target.path))
        quote = _words(preview.locator(".citation-preview-quote").inner_text())
        assert quote == f"„{_paragraph_text(source, target.fragment)}“"
        preview.get_by_role("button", name="Schließen").tap()
        _expect_closed(preview)
        assert _focused_id(page) == marker.get_attribute("id")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_keyboard_opens_a_preview_and_escape_closes_it_back_to_the_marker(
    new_page: NewPage, site: Served, scheme: str
) -> None:
    page = new_page(scheme=scheme, **DESKTOP)
    page.goto(site.page(BRIEF))
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('citation')"):
            break
    else:
        pytest.fail("Tab never reached a citation marker")
    marker = page.locator(".citation:focus")
    assert marker.evaluate("(m) => getComputedStyle(m).outlineStyle") not in ("none", "")
    preview = _preview(page, marker)
    page.keyboard.press("Enter")
    _expect_open(preview)
    _inside_viewport(page, preview)
    page.keyboard.press("Tab")  # into the preview: it follows its marker in the tab order
    assert preview.evaluate("(p) => p.contains(document.activeElement)")
    page.keyboard.press("Escape")
    _expect_closed(preview)
    assert _focused_id(page) == marker.get_attribute("id")


def test_hover_shows_a_preview_and_a_click_keeps_it_open(new_page: NewPage, site: Served) -> None:
    page = new_page(**DESKTOP)
    page.goto(site.page(BRIEF))
    marker = page.locator(".brief-body .citation").nth(3)
    preview = _preview(page, marker)
    marker.hover()
    _expect_open(preview)
    _inside_viewport(page, preview)
    page.mouse.move(0, 0)
    _expect_closed(preview)  # leaving closes a preview opened by hovering
    marker.hover()
    _expect_open(preview)
    marker.click()
    page.wait_for_timeout(400)
    _expect_open(preview)  # the click did not toggle it shut
    page.mouse.move(0, 0)
    page.wait_for_timeout(600)
    _expect_open(preview)  # clicked: it stays until dismissed
    page.keyboard.press("Escape")
    _expect_closed(preview)


def test_the_preview_stays_while_the_pointer_moves_onto_it(new_page: NewPage, site: Served) -> None:
    page = new_page(**DESKTOP)
    page.goto(site.page(BRIEF))
    marker = page.locator(".brief-body .citation").first
    preview = _preview(page, marker)
    marker.hover()
    _expect_open(preview)
    box = preview.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    page.wait_for_timeout(600)
    _expect_open(preview)


@pytest.mark.parametrize("options", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_zur_quelle_opens_the_paragraph_and_says_which_brief(
    new_page: NewPage, site: Served, options: dict[str, Any]
) -> None:
    page = new_page(**options)
    page.goto(site.page(BRIEF))
    marker = page.locator(".brief-body .citation").nth(3)
    marker.tap() if options.get("has_touch") else marker.click()
    _preview(page, marker).get_by_role("link", name="Zur Quelle").click()
    slug = BRIEF.strip("/").split("/")[-1]
    expect(page).to_have_url(re.compile(rf"/sources/kreml-gebiete/\?von={slug}#p4$"))
    expect(page.locator("#p4")).to_be_in_viewport()


def _marker_geometry(page: Page) -> list[dict[str, Any]]:
    """Per marker: the text just before and after its run, its box, and the area where it
    is what a tap hits (scanned with elementFromPoint)."""
    return page.locator(".brief-body .citation").evaluate_all(
        """(markers) => markers.map((marker) => {
          const run = marker.parentElement;
          marker.scrollIntoView({block: "center"});  // elementFromPoint sees the viewport
          const box = marker.getBoundingClientRect();
          const hits = (x, y) => document.elementFromPoint(x, y) === marker;
          const cx = box.left + box.width / 2;
          let top = box.top, bottom = box.bottom, left = box.left, right = box.right;
          while (hits(cx, top - 0.5)) top -= 0.5;
          while (hits(cx, bottom + 0.5)) bottom += 0.5;
          const cy = (top + bottom) / 2;
          while (hits(left - 0.5, cy)) left -= 0.5;
          while (hits(right + 0.5, cy)) right += 0.5;
          return {
            before: run.previousSibling ? run.previousSibling.textContent : "",
            after: run.nextSibling ? run.nextSibling.textContent : "",
            box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
            hit: {width: right - left, height: bottom - top},
          };
        })"""
    )


@pytest.mark.parametrize("options", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_markers_follow_the_punctuation_with_targets_of_24_px(
    new_page: NewPage, site: Served, options: dict[str, Any]
) -> None:
    page = new_page(**options)
    page.goto(site.page(BRIEF))
    markers = _marker_geometry(page)
    assert len(markers) == len(LABELS)
    for marker in markers:
        assert marker["before"] and not marker["before"][-1].isspace(), marker
        assert not marker["after"] or marker["after"][0] not in ".,;:!?…)“”", marker
        assert marker["hit"]["width"] >= 24 and marker["hit"]["height"] >= 24, marker
    for first, second in itertools.pairwise(markers):
        if first["box"]["top"] == second["box"]["top"]:
            assert first["box"]["right"] <= second["box"]["left"], (first, second)
    text = page.locator(".brief-body").inner_text().replace("\u2060", "")
    assert "will der Kreml nicht verhandeln.1a Ihr Status" in text
    assert "„unbestreitbar und nicht verhandelbar“,1a sagte" in text
    assert "für illegal.1c2" in text  # the comma between markers is drawn by CSS


_LINES = """(paragraph) => {
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
  const tops = new Set();
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.citations')) continue;
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
  }
  return {lines: tops.size, height: paragraph.getBoundingClientRect().height,
          lineHeight: parseFloat(getComputedStyle(paragraph).lineHeight)};
}"""


@pytest.mark.parametrize("options", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_markers_leave_the_line_height_alone(
    new_page: NewPage, site: Served, options: dict[str, Any]
) -> None:
    page = new_page(**options)
    page.goto(site.page(BRIEF))
    paragraphs = page.locator(".brief-body p")
    assert paragraphs.count() == 4
    for paragraph in paragraphs.all():
        assert paragraph.locator(".citation").count() > 0
        measured = paragraph.evaluate(_LINES)
        # Every line as high as the line height: a marker would make its line taller.
        assert abs(measured["height"] - measured["lines"] * measured["lineHeight"]) < 1, measured


def test_every_citation_link_lands_on_its_paragraph(new_page: NewPage, site: Served) -> None:
    page = new_page()
    hrefs = set()
    for brief in _brief_pages(page, site):
        page.goto(site.page(brief))
        hrefs |= set(_hrefs(page, ".citation-preview a[href^='/']"))
        hrefs |= set(_hrefs(page, ".sources .source-paragraphs a[href^='/']"))
    assert len(hrefs) > 10
    for href in sorted(hrefs):
        page.goto(site.page(href))
        target = urlsplit(href)
        assert re.fullmatch(r"p\d+", target.fragment), href
        assert re.fullmatch(r"von=[a-z0-9-]+", target.query), href
        expect(page.locator(":target")).to_have_attribute("id", target.fragment)
        expect(page.locator(":target")).to_be_in_viewport()


def test_the_source_list_has_one_entry_per_source_and_links_both_ways(
    new_page: NewPage, site: Served
) -> None:
    page = new_page()
    page.goto(site.page("/"))
    counts = page.locator(".lead-story, .brief-card").evaluate_all(
        """(cards) => cards.map((card) => [card.querySelector(':is(h2, h3) a').getAttribute('href'),
            Number(card.textContent.match(/(\\d+) Quellen?/)[1])])"""
    )
    assert len(counts) == 7
    for brief, count in counts:
        page.goto(site.page(urlsplit(brief).path))
        entries = page.locator(".sources > ol > li")
        sources = {urlsplit(h).path for h in _hrefs(page, ".citation-preview a[href^='/']")}
        assert entries.count() == len(sources) == count, brief
        for marker in page.locator(".brief-body .citation").all():
            preview = _preview(page, marker)
            item = str(preview.locator("a[href^='#quelle-']").get_attribute("href"))
            assert item == f"#quelle-{marker.inner_text()}"
            listed = page.locator(f".sources [id='{item[1:]}']")
            expect(listed).to_have_count(1)
            back = [h[1:] for h in _hrefs(listed.locator(".backlink").first.locator(".."), "a")]
            assert marker.get_attribute("id") in back
    page.goto(site.page(BRIEF))
    assert page.locator(".sources > ol > li").count() == 2
    assert page.locator(".source-paragraphs > li").count() == 5
    provenance = page.locator("#quelle-2 .source-provenance").inner_text()
    assert provenance.startswith("Nachrichtenaggregator · stützt sich auf www.tagesschau.de")
    page.locator("#quelle-1c .backlink").nth(1).click()
    expect(page.locator(":target")).to_have_attribute("id", "zitat-5")
    expect(page.locator("#zitat-5")).to_be_in_viewport()


def test_a_cited_paragraph_is_in_a_brief_page_once(site: Served) -> None:
    """In its source list entry, which is also its preview; JSON-LD names the work, no text."""
    sources = {s.stem: s for s in site.folder.joinpath("sources").glob("*/index.html")}
    assert sources
    pages = sorted(site.folder.joinpath("briefs").glob("*/index.html"))
    assert len(pages) == 7
    for path in pages:
        text = html.unescape(path.read_text("utf-8"))
        previews = re.findall(r"<blockquote class=\"citation-preview-quote\"><p>„(.*?)“</p>", text)
        assert previews, path
        for paragraph in previews:
            assert text.count(paragraph) == 1, (path, paragraph[:40])
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        assert ld is not None
        citations = json.loads(ld.group(1))["citation"]
        assert citations and all(
            set(c) <= {"@type", "name", "url", "publisher", "datePublished"} for c in citations
        )
        assert not any(p[:30] in ld.group(1) for p in previews)


def test_third_party_html_in_a_source_is_shown_as_text(new_page: NewPage, site: Served) -> None:
    page = new_page()
    page.goto(site.page(SOURCE))
    expect(page.get_by_text('Quellen <ul style="list-style-type: none">•')).to_be_visible()
    assert page.locator("ul[style], [style]").count() == 0
    # The page around it is intact: later paragraphs, "cited in" blocks and the footer.
    expect(page.locator(".source-body > #p7")).to_have_text(re.compile("Besuchen Sie uns auf"))
    assert page.locator(".source-body > .cited-in").count() == 4
    expect(page.locator("body > footer.site-footer")).to_be_visible()
    expect(page.locator("body > main > article.source")).to_have_count(1)


def test_paragraph_markers_are_never_shown(new_page: NewPage, site: Served) -> None:
    page = new_page()
    for path in (MARKED_SOURCE, BRIEF):
        page.goto(site.page(path))
        assert "^peskow-verfassung" not in page.locator("body").inner_text()
        assert "^" not in page.locator(".source-body, .brief-body").first.inner_text()
    page.goto(site.page(MARKED_SOURCE + "#peskow-verfassung"))
    paragraph = page.locator("#p3")
    expect(paragraph).to_be_in_viewport()
    assert _paragraph_text(page, "p3").endswith("sagte er.")


def _citations(page: Page) -> list[dict[str, Any]]:
    """Every citation of the brief on ``page``: its target, the sentence's paragraph it
    stands in and which citation group (``[@a#p1; @b#p2]``) of the page it belongs to."""
    return page.locator(".brief-body p").evaluate_all(
        r"""(paragraphs) => {
          const groups = [...document.querySelectorAll('.brief-body .citations')];
          return paragraphs.flatMap((p) => {
            const copy = p.cloneNode(true);
            copy.querySelectorAll('.citations').forEach((node) => node.remove());
            return [...p.querySelectorAll('.citation')].map((marker) => ({
              href: document.getElementById(marker.getAttribute('popovertarget'))
                .querySelector("a[href^='/']").getAttribute('href').replace(/\?[^#]*/, ''),
              paragraph: copy.textContent,
              group: groups.indexOf(marker.closest('.citations'))}));
          });
        }"""
    )


def _cited_in(page: Page) -> dict[str, list[tuple[str, str, str]]]:
    """For each paragraph of the source on ``page``, the (brief link, sentence, "+n weitere
    Stellen") listed under it."""
    entries = page.locator(".source-body .cited-in").evaluate_all(
        """(blocks) => blocks.map((block) => [
          block.previousElementSibling.id,
          [...block.querySelectorAll('li')].map((li) => [
            li.querySelector('a').getAttribute('href'),
            li.querySelector('.cited-context').textContent,
            li.querySelector('.cited-more')?.textContent ?? ''])])"""
    )
    return {anchor: [tuple(item) for item in items] for anchor, items in entries}


def _same_quotes(text: str) -> str:
    """Text with every quotation mark alike: the list nests the brief's „…“ as ‚…‘."""
    return re.sub("[„“‚‘]", '"', text)


def test_every_cited_paragraph_lists_each_citing_brief_once_with_its_first_sentence(
    new_page: NewPage, site: Served
) -> None:
    page = new_page()
    # (brief, href) → the paragraph of each citation, in the brief's order, and its groups
    citing: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for brief in _brief_pages(page, site):
        page.goto(site.page(brief))
        for c in _citations(page):
            citing.setdefault((brief, c["href"]), []).append((_words(c["paragraph"]), c["group"]))
    cited_in = {}
    for source in sorted({urlsplit(href).path for _, href in citing}):
        page.goto(site.page(source))
        expect(page.get_by_text("Zitiert in:").first).to_be_visible()
        for anchor, entries in _cited_in(page).items():
            links = [link for link, _, _ in entries]
            assert len(links) == len(set(links)), f"{source}#{anchor} lists a brief twice"
            cited_in[f"{source}#{anchor}"] = {link: rest for link, *rest in entries}
    assert len(citing) > 15
    for (brief, href), citations in citing.items():
        assert brief in cited_in.get(href, {}), f"{href} does not list {brief}"
        context, more = cited_in[href][brief]
        # ': „sentence“' — the brief's first sentence citing it, without its citations.
        sentence = _words(context).removeprefix(":").strip().removeprefix("„").removesuffix("“")
        assert sentence and _same_quotes(sentence) in _same_quotes(citations[0][0])
        others = len({group for _, group in citations}) - 1
        expected = f"+{others} weitere Stelle{'n' if others > 1 else ''}" if others else ""
        assert more == expected, (href, brief)
