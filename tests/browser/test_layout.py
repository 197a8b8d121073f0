"""Readable on a 360 px phone and a desktop, in light and dark, and printable."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import BRIEF, PAGE_TYPES, Served

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
PHONE, DESKTOP = 360, 1280
_SCROLL_WIDTH = "document.documentElement.scrollWidth"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_page_scrolls_sideways(new_page: NewPage, site: Served, width: int) -> None:
    page = new_page(width=width)
    for name, path in PAGE_TYPES.items():
        page.goto(site.page(path))
        assert page.evaluate(_SCROLL_WIDTH) <= width, f"{name} is wider than {width} px"


@pytest.mark.parametrize("width", [PHONE, 600, DESKTOP])
def test_citation_previews_stay_on_screen(new_page: NewPage, site: Served, width: int) -> None:
    page = new_page(width=width, height=740)
    page.goto(site.page(BRIEF))
    markers = page.locator(".brief-body .citation")
    for index in range(markers.count()):
        marker = markers.nth(index)
        marker.click()
        preview = page.locator(f"[id='{marker.get_attribute('popovertarget')}']")
        expect(preview).to_be_visible()
        box, marker_box = preview.bounding_box(), marker.bounding_box()
        assert box is not None and marker_box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"preview {index + 1}"
        assert box["y"] >= 0 and box["y"] + box["height"] <= 740, f"preview {index + 1}"
        if width == DESKTOP:  # beside its marker; on a phone it is a sheet at the bottom
            below = box["y"] >= marker_box["y"] + marker_box["height"]
            above = box["y"] + box["height"] <= marker_box["y"]
            assert below or above, "the preview hides its marker"
        assert page.evaluate(_SCROLL_WIDTH) <= width
        page.keyboard.press("Escape")
        # Closed, the preview is its paragraph's entry in the source list again.
        expect(page.locator(".citation-preview:popover-open")).to_have_count(0)


def test_dark_mode_follows_the_reader_setting(new_page: NewPage, site: Served) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page = new_page(scheme=scheme)
        page.goto(site.page("/"))
        colours[scheme] = page.evaluate(
            "getComputedStyle(document.documentElement).backgroundColor"
        )
    assert colours["light"] != colours["dark"]


def test_print_shows_the_text_without_navigation(new_page: NewPage, site: Served) -> None:
    page = new_page(width=800)
    page.goto(site.page(BRIEF))
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".sources blockquote").first).to_be_visible()
    assert page.evaluate(_SCROLL_WIDTH) <= 800
    assert page.pdf(format="A4").startswith(b"%PDF")
