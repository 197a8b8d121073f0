"""axe-core finds no accessibility violations (WCAG 2.1 AA and best practices), in light and
dark, on every page type, and with a citation preview open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.support import BRIEF, PAGE_TYPES, Served

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
SCHEMES = ["light", "dark"]


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def _violations(axe: Axe, page: Page) -> list[str]:
    response: dict[str, Any] = axe.run(page).response
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} at "
        + ", ".join(str(node["target"]) for node in rule["nodes"])
        for rule in response["violations"]
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_page_has_no_axe_violations(
    axe: Axe, new_page: NewPage, site: Served, name: str, scheme: str
) -> None:
    page = new_page(scheme=scheme)
    page.goto(site.page(PAGE_TYPES[name]))
    assert _violations(axe, page) == []


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_open_citation_preview_has_no_axe_violations(
    axe: Axe, new_page: NewPage, site: Served, scheme: str, width: int
) -> None:
    page = new_page(scheme=scheme, width=width)
    page.goto(site.page(BRIEF))
    page.locator(".brief-body .citation").nth(3).click()
    expect(page.locator(".citation-preview:popover-open")).to_have_count(1)
    assert _violations(axe, page) == []
