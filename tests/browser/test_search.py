"""Search as readers use it, in Chromium against the built embedded site: results that land
on the paragraph, German stemming, filters, every brief findable, keyboard use, a sub-path
site, a strict Content Security Policy and a page that says what to do without JavaScript;
on a phone (360 × 740, touch) and a desktop (1280 × 800, keyboard): results on the first
screen, filters behind a disclosure, no cut-off select, no layout shift, a source's
paragraph hits grouped under it, links carrying the searched words (?markiert=…)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from site_builder.pipeline import CheckOptions, check_site
from site_builder.site_index import build_index
from tests.browser.support import ROOT, SEARCH, Served
from tests.browser.test_content_security import Recorder

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{6,}")


def _words(text: str) -> set[str]:
    return {word.casefold() for word in _WORD.findall(text)}


def _stem(word: str) -> str:
    return word[:7]


@pytest.fixture(scope="module")
def corpus_index():  # type: ignore[no-untyped-def]
    checked = check_site(ROOT, CheckOptions(frozen=True))
    return build_index(checked.corpus)


def _search(page: Page, served: Served, term: str, prefix: str = "", **filters: str) -> Page:
    query = f"?q={quote(term)}" + "".join(f"&{k}={quote(v)}" for k, v in filters.items())
    page.goto(served.page(prefix + SEARCH + query))
    status = page.locator("#suche-status")
    expect(status).to_contain_text("Treffer", timeout=10_000)
    # The announced count is the number of entries, briefs and sources (20 shown at first).
    match = re.match(r"(\d+|Keine) Treffer", status.inner_text())
    assert match, status.inner_text()
    count = 0 if match.group(1) == "Keine" else int(match.group(1))
    assert page.locator(".search-result").count() == min(count, 20)
    return page


def _results(page: Page) -> list[dict[str, Any]]:
    return page.locator(".search-result").evaluate_all(
        """(items) => items.map((item) => ({
          href: item.querySelector('h2 a').getAttribute('href'),
          kicker: item.querySelector('.kicker').textContent,
          excerpt: [...item.querySelectorAll('.excerpt')].map((e) => e.textContent).join(' '),
          marks: [...item.querySelectorAll('.excerpt mark')].map((m) => m.textContent),
          hits: (item.querySelector('.search-hits') || {textContent: ''}).textContent,
          paragraphs: [...item.querySelectorAll('.search-paragraph')].map((p) => ({
            name: p.querySelector('a').textContent,
            href: p.querySelector('a').getAttribute('href'),
          })),
        }))"""
    )


def _marked(path: str, term: str) -> str:
    """The link search.js makes: the searched words as ?markiert=, before the fragment."""
    page, _, fragment = path.partition("#")
    return f"{page}?markiert={quote(term, safe='')}" + (f"#{fragment}" if fragment else "")


def test_a_word_of_one_source_paragraph_finds_that_paragraph(
    new_page: NewPage, site: Served, corpus_index
) -> None:  # type: ignore[no-untyped-def]
    # A word that stands in exactly one source paragraph and in no brief. Pagefind stems
    # German ("Kontrolle" finds "kontrolliert"), so words are told apart by their first
    # seven letters, a stand-in for the stem.
    counts: Counter[str] = Counter()
    where: dict[str, str] = {}
    for source in corpus_index.sources:
        for paragraph in source.paragraphs:
            for stem in {_stem(word) for word in _words(paragraph.text)}:
                counts[stem] += 1
            for word in _words(paragraph.text):
                where[word] = f"/sources/{source.id}/#p{paragraph.index}"
    in_briefs = {
        _stem(word)
        for b in corpus_index.briefs
        for word in _words(b.title + " " + (b.summary or "") + " " + b.body)
    }
    unique = sorted(w for w in where if counts[_stem(w)] == 1 and _stem(w) not in in_briefs)
    assert len(unique) > 20
    page = new_page()
    for word in unique[:: len(unique) // 5][:5]:
        results = _results(_search(page, site, word))
        # One entry, the source, listing the one paragraph and linking to it with the word.
        assert [r["href"] for r in results] == [where[word].partition("#")[0]], word
        number = where[word].rpartition("#p")[2]
        assert results[0]["hits"] == "1 Absatz"
        assert results[0]["paragraphs"] == [
            {"name": f"Absatz {number}", "href": _marked(where[word], word)}
        ]
        assert results[0]["kicker"].startswith("Quelle")
        assert results[0]["marks"], word
        assert all(word in mark.casefold() for mark in results[0]["marks"]), results[0]
        assert word in results[0]["excerpt"].casefold()


def test_following_a_paragraph_result_lands_on_the_paragraph(
    new_page: NewPage, site: Served
) -> None:
    page = _search(new_page(), site, "Generalkonsuls")
    page.locator(".search-paragraph a").first.click()
    expect(page).to_have_url(re.compile(r"/sources/kreml-gebiete/\?markiert=Generalkonsuls#p\d+$"))
    target = page.locator(":target")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("Generalkonsuls")


def test_german_stemming_finds_inflected_forms(new_page: NewPage, site: Served) -> None:
    results = _results(_search(new_page(), site, "Verhandlung"))
    marks = {mark for result in results for mark in result["marks"]}
    assert "Verhandlungen" in marks  # the seed has the plural only
    assert not any(mark.casefold() == "verhandlung" for mark in marks)


def test_a_filter_narrows_the_results(new_page: NewPage, site: Served) -> None:
    page = new_page()
    everything = _results(_search(page, site, "Ukraine"))
    kinds = {r["kicker"].split(" · ")[0] for r in everything}
    assert kinds == {"Meldung", "Quelle"}
    page.locator("#suche-filter summary").click()
    page.locator("#suche-typ").select_option("Meldung")
    expect(page).to_have_url(re.compile(r"typ=Meldung"))
    expect(page.locator(".search-result")).not_to_have_count(len(everything))
    briefs = _results(page)
    assert 0 < len(briefs) < len(everything)
    assert all(r["kicker"].startswith("Meldung") for r in briefs)
    assert all(r["href"].startswith("/briefs/") for r in briefs)
    tagged = _results(_search(page, site, "Ukraine", typ="Meldung", thema="Türkei"))
    assert 0 < len(tagged) < len(briefs)


def test_filters_alone_list_everything_they_match_sorted_by_date(
    new_page: NewPage, site: Served, corpus_index
) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    page.goto(site.page(SEARCH + "?typ=Meldung&ordnung=neu"))
    expect(page.locator(".search-result")).to_have_count(len(corpus_index.briefs))
    dates = [r["kicker"].split(" · ")[-1] for r in _results(page)]
    assert dates == [b.date.german() for b in corpus_index.briefs]  # newest first


def test_every_published_brief_is_found_by_a_word_unique_to_its_title(
    new_page: NewPage, site: Served, corpus_index
) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    titles = {b.slug: _words(b.title) for b in corpus_index.briefs}
    for brief in corpus_index.briefs:
        others = set().union(*(w for slug, w in titles.items() if slug != brief.slug))
        unique = sorted(titles[brief.slug] - others)
        assert unique, f"{brief.title} has no word of its own"
        hrefs = [r["href"] for r in _results(_search(page, site, unique[0]))]
        assert _marked(f"/briefs/{brief.slug}/", unique[0]) in hrefs, (unique[0], hrefs)


def test_brief_results_show_date_and_summary(new_page: NewPage, site: Served) -> None:
    page = _search(new_page(), site, "Peskow", typ="Meldung")
    first = page.locator(".search-result").first
    expect(first.locator(".kicker")).to_have_text(re.compile(r"^Meldung · \d+\. \w+ 2025$"))
    expect(first.locator(".summary")).not_to_be_empty()


def test_the_header_search_box_works_from_the_keyboard(new_page: NewPage, site: Served) -> None:
    page = new_page()
    page.goto(site.page("/"))
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "kopf-suche":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("Istanbul")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Istanbul$"))
    expect(page.locator("#suche-begriff")).to_have_value("Istanbul")
    expect(page.locator("#suche-status")).to_have_text(
        re.compile(r"^\d+ Treffer für „Istanbul“(: [^.]+)?\.$")
    )
    page.locator("#suche-begriff").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.search-result') !== null"):
            break
    else:
        pytest.fail("Tab never reached a result")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/search/"))


def test_typing_searches_and_the_address_keeps_the_query(new_page: NewPage, site: Served) -> None:
    page = new_page()
    page.goto(site.page(SEARCH))
    expect(page.locator("#suche-status")).to_have_text("")
    page.locator("#suche-begriff").fill("Rubio")
    expect(page.locator("#suche-status")).to_contain_text("Treffer für „Rubio“")
    expect(page).to_have_url(re.compile(r"\?q=Rubio$"))
    page.locator("#suche-begriff").fill("Xylophonwort")
    expect(page.locator("#suche-status")).to_have_text("Keine Treffer für „Xylophonwort“.")
    expect(page.locator(".search-result")).to_have_count(0)


def test_search_under_a_strict_policy_has_no_errors_or_foreign_requests(
    new_page: NewPage, site: Served
) -> None:
    page, recorder = new_page(), Recorder()
    recorder.attach(page)
    _search(page, site, "Kreml")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
    assert recorder.console == [] and recorder.failed == []
    assert any("/pagefind/" in url for url in recorder.requests)
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in recorder.requests)


def test_search_works_on_a_sub_path_site(new_page: NewPage, subpath_served: Served) -> None:
    page, recorder = new_page(), Recorder()
    recorder.attach(page)
    results = _results(_search(page, subpath_served, "Generalkonsuls", prefix="/news"))
    hrefs = [r["href"] for r in results]
    assert hrefs and all(href.startswith("/news/") for href in hrefs), hrefs
    paragraphs = [p["href"] for r in results for p in r["paragraphs"]]
    assert paragraphs[0].startswith("/news/sources/kreml-gebiete/?markiert=Generalkonsuls#p")
    page.locator(".search-paragraph a").first.click()
    expect(page.locator(":target")).to_contain_text("Generalkonsuls")
    assert recorder.console == [] and recorder.failed == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_results_have_no_axe_violations(
    new_page: NewPage, site: Served, scheme: str
) -> None:
    page = _search(new_page(scheme=scheme), site, "Verhandlung")
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations] == []


def test_without_javascript_the_page_says_what_to_do(new_page: NewPage, site: Served) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(site.page(SEARCH + "?q=Kreml"))
    message = page.locator(".search-unavailable")
    expect(message).to_be_visible()
    expect(message).to_contain_text("braucht JavaScript")
    expect(message.get_by_role("link", name="Themen")).to_be_visible()


def test_a_site_built_without_search_says_so(
    new_page: NewPage, tmp_path: Path, site: Served
) -> None:
    page = new_page()
    page.route("**/pagefind/**", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(site.page(SEARCH + "?q=Kreml"))
    expect(page.locator("#suche-status")).to_contain_text("Suchindex fehlt")
