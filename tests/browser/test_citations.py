"""What readers see of citations, in a real browser: the cited paragraph on hover and on
keyboard focus, links that land on the paragraph, and "cited in" under every cited one."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

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
    return [urlsplit(href).path for href in _hrefs(page, ".brief-card h2 a")]


def _hrefs(page: Page, selector: str) -> list[str]:
    return [str(link.get_attribute("href")) for link in page.locator(selector).all()]


def test_hovering_a_citation_shows_the_cited_paragraph(new_page: NewPage, site: Served) -> None:
    page, source = new_page(), new_page()
    page.goto(site.page(BRIEF))
    links = page.locator(".brief-body .citation-link")
    assert links.count() == 7
    for index in range(links.count()):
        link = links.nth(index)
        preview = page.locator(f"[id='{link.get_attribute('aria-describedby')}']")
        expect(preview).to_be_hidden()
        link.hover()
        expect(preview).to_be_visible()
        target = urlsplit(str(link.get_attribute("href")))
        source.goto(site.page(target.path))
        quote = _words(preview.evaluate(_QUOTE))
        assert quote == f"„{_paragraph_text(source, target.fragment)}“"
        page.mouse.move(0, 0)
        expect(preview).to_be_hidden()


def test_the_preview_stays_while_the_pointer_moves_onto_it(new_page: NewPage, site: Served) -> None:
    page = new_page()
    page.goto(site.page(BRIEF))
    link = page.locator(".brief-body .citation-link").first
    preview = page.locator("[id='cite-1']")
    link.hover()
    box = preview.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    expect(preview).to_be_visible()


def test_keyboard_focus_shows_the_cited_paragraph_with_a_visible_focus_ring(
    new_page: NewPage, site: Served
) -> None:
    page = new_page()
    page.goto(site.page(BRIEF))
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('citation-link')"):
            break
    else:
        pytest.fail("Tab never reached a citation link")
    focused = page.locator(".citation-link:focus")
    preview = page.locator(f"[id='{focused.get_attribute('aria-describedby')}']")
    expect(preview).to_be_visible()
    assert _words(preview.inner_text()).endswith("“")
    outline = focused.evaluate("(link) => getComputedStyle(link).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Tab")
    expect(preview).to_be_hidden()


def test_every_citation_link_lands_on_its_paragraph(new_page: NewPage, site: Served) -> None:
    page = new_page()
    hrefs = set()
    for brief in _brief_pages(page, site):
        page.goto(site.page(brief))
        hrefs |= set(_hrefs(page, ".brief-body .citation-link"))
        hrefs |= set(_hrefs(page, ".sources .source-meta a[href^='/']"))
    assert len(hrefs) > 10
    for href in sorted(hrefs):
        page.goto(site.page(href))
        target = urlsplit(href).fragment
        assert re.fullmatch(r"p\d+", target), href
        expect(page.locator(":target")).to_have_attribute("id", target)
        expect(page.locator(":target")).to_be_in_viewport()


def test_clicking_a_citation_opens_the_source_at_the_paragraph(
    new_page: NewPage, site: Served
) -> None:
    page = new_page()
    page.goto(site.page(BRIEF))
    page.locator(".brief-body .citation-link").nth(2).click()
    expect(page).to_have_url(re.compile(r"/sources/kreml-gebiete/#p3$"))
    expect(page.locator("#p3")).to_be_in_viewport()


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
        """(paragraphs) => {
          const groups = [...document.querySelectorAll('.brief-body .citations')];
          return paragraphs.flatMap((p) => {
            const copy = p.cloneNode(true);
            copy.querySelectorAll('.citations').forEach((node) => node.remove());
            return [...p.querySelectorAll('.citation-link')].map((link) => ({
              href: link.getAttribute('href'), paragraph: copy.textContent,
              group: groups.indexOf(link.closest('.citations'))}));
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
