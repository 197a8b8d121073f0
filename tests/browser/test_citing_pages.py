"""A paragraph cited more often than its "Zitiert in" shows: the box and the listing of all
citing briefs (``sources/<id>/p1/``, paginated) are valid HTML, accessible in light and dark,
fit a phone, and lead a reader from the paragraph to every brief."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from site_builder.cli import main
from site_builder.render import pages
from tests.browser.conftest import _serve
from tests.browser.support import Served, java_and_vnu
from tests.sitefiles import brief, write_site

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
CITING = 14  # more than the box shows; with 5 a page, three listing pages
LISTING = ["/sources/quelle/p1/", "/sources/quelle/p1/page/2/", "/sources/quelle/p1/page/3/"]


def _brief(number: int) -> str:
    head = f"---\ntitle: Meldung {number}\ndate: 2025-02-{number:02d}\n---\n"
    return brief(f"Satz {number} zitiert „nicht verhandelbar“ [@quelle#p1].\n", head)


@pytest.fixture(scope="module")
def citing_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("citing")
    site = write_site(root / "site", {f"briefs/m{n:02d}.md": _brief(n) for n in range(1, 15)})
    out = root / "public"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "CITING_PER_PAGE", 5)
        argv = ["build", "--site", str(site), "--out", str(out), "--check-links", "--no-search"]
        assert main(argv) == 0
    yield from _serve(out)


def test_the_box_and_the_listing_pass_the_nu_html_checker(citing_site: Served) -> None:
    java, jar = java_and_vnu()
    folder = citing_site.folder
    files = [folder / "sources/quelle/index.html"]
    files += [folder / page.strip("/") / "index.html" for page in LISTING]
    command = [java, "-jar", str(jar), "--errors-only", "--format", "json", "--stdout"]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, check=False
    )
    assert json.loads(result.stdout)["messages"] == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/sources/quelle/", LISTING[0], LISTING[1]])
def test_no_axe_violations_and_no_sideways_scrolling_on_a_phone(
    new_page: NewPage, citing_site: Served, path: str, scheme: str
) -> None:
    page = new_page(width=360, height=740, scheme=scheme)
    page.goto(citing_site.page(path))
    if path == "/sources/quelle/":
        page.locator("#p1 + .cited-in summary").click()
    response = Axe().run(page).response
    assert [rule["id"] for rule in response["violations"]] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_reader_reaches_every_citing_brief_from_the_paragraph(
    new_page: NewPage, citing_site: Served
) -> None:
    page = new_page(width=1280, height=800)
    page.goto(citing_site.page("/sources/quelle/#p1"))
    box = page.locator("#p1 + .cited-in")
    box.locator("summary").click()
    expect(box.locator("ul a")).to_have_count(pages.CITED_IN_SHOWN)
    box.get_by_role("link", name=f"Alle {CITING} Meldungen, die Absatz 1 zitieren").click()
    expect(page).to_have_url(citing_site.page(LISTING[0]))
    seen: list[str] = []
    while True:
        seen += page.locator(".brief-list h2 a").all_text_contents()
        following = page.locator(".pager a[rel=next]")
        if following.count() == 0:
            break
        following.click()
    assert seen == [f"Meldung {n}" for n in range(CITING, 0, -1)]
    page.get_by_role("link", name="Zur Quelle").click()
    expect(page).to_have_url(citing_site.page("/sources/quelle/"))


def test_from_an_older_brief_than_the_box_shows_the_way_back_is_the_page_left(
    new_page: NewPage, citing_site: Served
) -> None:
    """Meldung 1 is not among the ten newest under p1: its citation still leads back."""
    page = new_page(width=1280, height=800)
    page.goto(citing_site.page("/briefs/m01/"))
    page.locator(".brief-body .citation").first.click()
    page.locator(".citation-preview:popover-open").get_by_role("link", name="Zur Quelle").click()
    expect(page).to_have_url(re.compile(r"/sources/quelle/\?von=m01#p1$"))
    back = page.locator(".back-to-brief a")
    expect(back).to_have_text("← zurück zur Meldung")
    back.click()
    expect(page).to_have_url(citing_site.page("/briefs/m01/"))


def test_without_a_referrer_an_unlisted_brief_gets_no_way_back(
    new_page: NewPage, citing_site: Served
) -> None:
    """Typed or forged (``?von=m01`` without coming from it): nothing is built from ``von``."""
    page = new_page(width=1280, height=800)
    page.goto(citing_site.page("/sources/quelle/?von=m01#p1"))
    expect(page.locator("#p1")).to_be_visible()
    expect(page.locator(".back-to-brief")).to_have_count(0)
    claimed = citing_site.page("/sources/quelle/?von=m01#p1")
    page.goto(claimed, referer=citing_site.page("/briefs/m02/"))  # from m02, claiming m01
    expect(page.locator("#p1")).to_be_visible()
    expect(page.locator(".back-to-brief")).to_have_count(0)
    page.goto(claimed, referer="https://example.org/briefs/m01/")  # another site's m01
    expect(page.locator("#p1")).to_be_visible()
    expect(page.locator(".back-to-brief")).to_have_count(0)
