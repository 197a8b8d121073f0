"""Served with a strict Content Security Policy, every page type loads without console
errors or policy violations, and the browser asks nothing of any host but the site's."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

from tests.browser.support import CSP, HOME, PAGE_TYPES, Served

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]

# Runs before the page's own content (Playwright injects it outside the page's policy).
_RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@dataclass
class Recorder:
    """Everything a page load reported: console errors, script errors, requests, failures."""

    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.add_init_script(_RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text}")

    def _failed(self, request: Request) -> None:
        self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")


def _load(page: Page, url: str) -> list[str]:
    """Open ``url``; the policy violations it caused."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    assert response.headers["content-security-policy"] == CSP
    page.wait_for_load_state("networkidle")
    violations: list[str] = page.evaluate("window.__violations")
    return violations


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_page_loads_cleanly_under_a_strict_policy(
    new_page: NewPage, site: Served, name: str
) -> None:
    page, recorder = new_page(), Recorder()
    recorder.attach(page)
    assert _load(page, site.page(PAGE_TYPES[name])) == []
    assert recorder.console == []
    assert recorder.failed == []
    assert recorder.requests, "nothing was loaded"
    elsewhere = [url for url in recorder.requests if urlsplit(url).hostname != "127.0.0.1"]
    assert elsewhere == []
    # The stylesheet applied: it is the only place the layout comes from.
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"


def test_an_unknown_address_shows_the_not_found_page(new_page: NewPage, site: Served) -> None:
    page = new_page()
    response = page.goto(site.page("/briefs/gibt-es-nicht/"))
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Seite nicht gefunden")
    expect(page.get_by_role("link", name="Zu den neuesten Meldungen")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"


@pytest.mark.parametrize("name", ["home", "brief", "source", "tag", "404"])
def test_a_site_under_a_sub_path_loads_and_links_within_it(
    new_page: NewPage, subpath_served: Served, name: str
) -> None:
    page, recorder = new_page(), Recorder()
    recorder.attach(page)
    assert _load(page, subpath_served.page("/news" + PAGE_TYPES[name])) == []
    assert recorder.failed == []
    assert recorder.console == []
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
    links = page.locator("a[href^='/']").evaluate_all("(a) => a.map((l) => l.getAttribute('href'))")
    assert links and all(link.startswith("/news/") for link in links), links


def test_following_links_on_a_sub_path_site_reaches_pages(
    new_page: NewPage, subpath_served: Served
) -> None:
    page = new_page()
    page.goto(subpath_served.page("/news" + HOME))
    page.locator(".lead-story h2 a").first.click()
    expect(page).to_have_url(re.compile(r"/news/briefs/[^/]+/$"))
    page.locator(".brief-body .citation").first.click()
    page.locator(".citation-preview:popover-open").get_by_role("link", name="Zur Quelle").click()
    expect(page.locator(":target")).to_be_in_viewport()
    page.get_by_role("link", name="Themen").click()
    expect(page.locator("h1")).to_have_text("Themen")
