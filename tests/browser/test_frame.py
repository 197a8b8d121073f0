"""The frame around every page: a slim full-width masthead with search in reach, a home
page that leads with the newest brief, and a footer with the site's own pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import PAGE_TYPES, SEARCH, SITE_PAGE, Served

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_masthead_is_slim_on_a_phone_and_leads_to_search(
    new_page: NewPage, site: Served, scheme: str
) -> None:
    page = new_page(**PHONE, scheme=scheme, has_touch=True)
    for name, path in PAGE_TYPES.items():
        page.goto(site.page(path))
        header = _box(page, ".site-header")
        assert header["height"] <= 64, f"{name}: the masthead is {header['height']} px tall"
        assert header["width"] == 360
        title = page.locator(".site-title")
        assert title.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), name  # one line
    page.goto(site.page("/"))
    search = page.locator(".site-header a[href$='/search/']")
    expect(search).to_be_visible()
    link = _box(page, ".site-header a[href$='/search/']")
    assert link["width"] >= 24 and link["height"] >= 24, "too small a target for a thumb"
    search.tap()
    page.wait_for_url("**/search/")
    expect(page.get_by_label("Suchbegriff")).to_be_visible()


def test_the_masthead_spans_a_desktop_in_one_row_with_the_search_box(
    new_page: NewPage, site: Served
) -> None:
    page = new_page(**DESKTOP)
    page.goto(site.page("/briefs/kreml-gebiete-nicht-verhandelbar/"))
    header = _box(page, ".site-header")
    assert header["width"] == 1280 and header["height"] <= 64
    title, box = _box(page, ".site-title"), _box(page, "#kopf-suche")
    # One row: the box sits beside the title, not below it, and wider than the text column.
    assert abs((title["y"] + title["height"] / 2) - (box["y"] + box["height"] / 2)) < 8
    assert box["x"] + box["width"] > _box(page, "main")["x"] + _box(page, "main")["width"]
    page.locator("#kopf-suche").fill("Riad")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Riad")
    expect(page.locator("#suche-begriff")).to_have_value("Riad")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_home_page_leads_with_the_newest_brief(
    new_page: NewPage, site: Served, viewport: dict[str, int]
) -> None:
    page = new_page(**viewport)
    page.goto(site.page("/"))
    lead = page.locator(".lead-story h2")
    expect(lead).to_be_in_viewport()
    lead_size = float(lead.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    other = page.locator(".brief-list .brief-card h3").first
    other_size = float(other.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert lead_size >= other_size * 1.2, "the lead does not stand out"
    expect(page.locator(".lead-story .summary")).to_be_in_viewport()
    first_listed = page.locator(".brief-list h3 a").first.text_content()
    assert first_listed != lead.text_content(), "the lead is listed twice"


def test_every_page_links_how_we_work_from_its_footer(new_page: NewPage, site: Served) -> None:
    page = new_page(**PHONE, has_touch=True)
    for name, path in PAGE_TYPES.items():
        page.goto(site.page(path))
        link = page.locator("footer a", has_text="So arbeiten wir")
        expect(link).to_have_count(1)
        assert link.get_attribute("href") == SITE_PAGE, name
    page.goto(site.page(SEARCH))
    page.locator("footer a", has_text="So arbeiten wir").tap()
    page.wait_for_url(f"**{SITE_PAGE}")
    expect(page.locator("h1")).to_have_text("So arbeiten wir")
    for heading in ("Die Belege in einer Meldung", "Wenn sich eine Quelle ändert", "Korrekturen"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()


@pytest.mark.parametrize("width", [320, 414, 700, 800, 1000, 1100])
def test_the_masthead_stays_one_slim_band_at_every_width(
    new_page: NewPage, site: Served, width: int
) -> None:
    """Between phone and desktop too: the sections never wrap onto a third line and the
    search box never drops below the title."""
    page = new_page(width=width, height=800)
    page.goto(site.page("/briefs/kreml-gebiete-nicht-verhandelbar/"))
    header = _box(page, ".site-header")
    assert header["height"] <= 64, f"{header['height']} px at {width} px"
    search = page.locator(".site-header a[href$='/search/'], #kopf-suche")
    assert search.locator("visible=true").count() == 1, "no way to search from the masthead"
