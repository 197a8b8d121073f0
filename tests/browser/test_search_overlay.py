"""``serve``'s search overlay in Chromium: an edit is searchable before the search index is
rebuilt, and the search page then finds what a cold build's finds (the same hits, the
same counts, the same order by date), with the old text gone."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from site_builder.cli import main
from site_builder.pipeline import BuildOptions
from site_builder.serve.serve import Console, DevServer, ServeOptions, start_server
from site_builder.serve.watch import WatchOptions
from tests.browser.conftest import _serve
from tests.browser.support import copy_embedded_site

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
# The index is rebuilt only when the files have been quiet for an hour: the overlay is
# what the test sees.
NEVER_QUIET = WatchOptions(interval=0.02, settle=0.05, quiet=3600)
TIMEOUT = 30.0
QUERIES = (
    "Quasselstrippe",
    "Peskow",
    "Kreml",
    "Ukraine",
    "Gebiete",
    "Verfassung",
    "Riad",
    "Türkei",
    "Trump",
    "Ankara",
)
EDITED = "briefs/kreml-gebiete-nicht-verhandelbar.md"


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    return copy_embedded_site(tmp_path / "site")


# The site at the host's root, and under a path (record addresses then carry it).
@pytest.fixture(params=["", "/news"], ids=["root", "sub-path"])
def prefix(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def serving(site_copy: Path, prefix: str) -> Iterator[tuple[DevServer, list[str]]]:
    said: list[str] = []
    build = BuildOptions(base_url=f"https://example.org{prefix}/")
    options = ServeOptions(build, port=0, watch=NEVER_QUIET)
    server = start_server(site_copy, options, Console(say=said.append))
    try:
        yield server, said
    finally:
        server.close()


def _listing(page: Page, site: str, term: str, order: str = "") -> tuple[str, list[str]]:
    """The status line and the result links of a search, as a reader sees them."""
    suffix = f"&ordnung={order}" if order else ""
    page.goto(f"{site}/search/?q={quote(term)}{suffix}")
    status = page.locator("#suche-status")
    expect(status).to_contain_text("Treffer", timeout=10_000)
    links = page.locator(".search-result h2 a").evaluate_all(
        "(links) => links.map((link) => link.getAttribute('href'))"
    )
    return status.inner_text(), links


def _wait_for(said: list[str], text: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not any(text in line for line in said):
        assert time.monotonic() < deadline, f"serve never said {text!r}: {said}"
        time.sleep(0.02)


def test_an_edit_is_searchable_at_once_and_search_finds_what_a_cold_build_finds(
    new_page: NewPage,
    serving: tuple[DevServer, list[str]],
    site_copy: Path,
    tmp_path: Path,
    prefix: str,
) -> None:
    server, said = serving
    served_at = server.origin + prefix
    page = new_page()
    before = _listing(page, served_at, "Quasselstrippe")
    assert before[0].startswith("Keine Treffer")
    edited = site_copy / EDITED
    text = edited.read_text("utf-8")
    text = re.sub(r"^title: .*$", "title: Quasselstrippe im Kreml", text, count=1, flags=re.M)
    edited.write_text(text.replace("Dmitri Peskow", "Dmitri Sprecher"), "utf-8")
    # A brief removed, and one added on a date other briefs have (their order is the tie's).
    (site_copy / "briefs/trump-kehrtwende-russland.md").unlink()
    added = (site_copy / "briefs/tuerkei-will-vermitteln.md").read_text("utf-8")
    added = re.sub(r"^date: .*$", "date: 2025-02-27", added, count=1, flags=re.M)
    added = re.sub(r"^title: .*$", "title: Ankara bietet sich an", added, count=1, flags=re.M)
    (site_copy / "briefs/ankara-bietet-sich-an.md").write_text(added, "utf-8")
    _wait_for(said, "search finds the edit after")
    assert not any("search index up to date" in line for line in said)  # the overlay, alone

    # The open search page reloads by itself and finds the new title.
    expect(page.locator(".search-result h2 a")).to_have_text(
        ["Quasselstrippe im Kreml"], timeout=10_000
    )

    cold = tmp_path / "cold"
    out = cold / prefix.strip("/")
    base_url = f"https://example.org{prefix}/"
    command = ["build", "--site", str(site_copy), "--out", str(out), "--base-url", base_url]
    assert main([*command, "--no-cache"]) == 0
    with contextlib.contextmanager(_serve)(cold) as reference:
        built_at = reference.url + prefix
        for term in QUERIES:
            served = _listing(page, served_at, term)
            built = _listing(page, built_at, term)
            assert served[0] == built[0], term  # the same counts
            assert sorted(served[1]) == sorted(built[1]), term  # the same hits
            for order in ("neu", "alt"):  # sorted by date: the same order
                assert _listing(page, served_at, term, order) == _listing(
                    page, built_at, term, order
                ), (term, order)
