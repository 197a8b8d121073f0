"""Search as readers use it, in Chromium against the built embedded site: results that land
on the paragraph, German stemming, filters, every brief findable, keyboard use, a sub-path
site, a strict Content Security Policy and a page that says what to do without JavaScript;
on a phone (360 × 740, touch) and a desktop (1280 × 800, keyboard): results on the first
screen, filters behind a disclosure, no cut-off select, no layout shift, a source's
paragraph hits grouped under it, links carrying the searched words (?markiert=…)."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from site_builder.pipeline import CheckOptions, check_site
from site_builder.render.site_index import build_index
from tests.browser.support import ROOT, SEARCH, Served, java_and_vnu
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
        for word in _words((ROOT / b.path).read_text("utf-8"))  # front matter and body
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


@pytest.mark.parametrize("order", ["neu", "alt"])
def test_sorted_by_date_briefs_and_sources_stand_by_their_dates(
    new_page: NewPage, site: Served, corpus_index, order: str
) -> None:  # type: ignore[no-untyped-def]
    # The page sorts by the hits' page names (search/page_names.py), not by Pagefind.
    page = _search(new_page(), site, "Ukraine", ordnung=order)
    dates = {f"/briefs/{b.slug}/": b.date.sort_key() for b in corpus_index.briefs}
    for source in corpus_index.sources:
        published = source.published
        dates[f"/sources/{source.id}/"] = published.sort_key() if published else (0, 0, 0, "")
    listed = [dates[r["href"].partition("?")[0]] for r in _results(page)]
    kinds = {r["href"].split("/")[1] for r in _results(page)}
    assert kinds == {"briefs", "sources"} and len(set(listed)) > 2
    assert listed == sorted(listed, reverse=order == "neu")


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


def test_a_search_loads_only_the_filters_it_uses(new_page: NewPage, site: Served) -> None:
    """Pagefind counts, on every search, the hits of every value of every filter it has
    loaded: loading them all (1.3 MB at 20,000 pages) made a search there take 30 s
    instead of 3 s. The page groups, counts and sorts by the hits' page names, so a
    search loads no filter, and a filter the reader sets when it is used."""
    meta = json.loads((site.folder / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert meta["languages"]  # (the bundle is there)
    page, recorder = new_page(), Recorder()
    recorder.attach(page)
    _search(page, site, "Kreml", ordnung="neu")
    page.wait_for_load_state("networkidle")
    assert not [url for url in recorder.requests if "/pagefind/filter/" in url]
    _search(page, site, "Kreml", thema="Ukraine")
    page.wait_for_load_state("networkidle")
    assert len({url for url in recorder.requests if "/pagefind/filter/" in url}) == 1


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


# --- on a phone and a desktop ----------------------------------------------------------------

PHONE, DESKTOP = (360, 740), (1280, 800)
# Sum of layout shifts recorded so far, buffered: shifts before the call count too.
_LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""
# Options whose text does not fit their select: each option is chosen in turn and its text
# measured in the select's font against the room beside the drop-down arrow.
_CUT_OFF_OPTIONS = """(selects) => {
  const ARROW = 24; // Chromium's drop-down arrow and its gap, in px
  const context = document.createElement("canvas").getContext("2d");
  const cut = [];
  for (const select of selects) {
    const style = getComputedStyle(select);
    context.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight) - ARROW;
    const before = select.selectedIndex;
    for (const option of select.options) {
      select.value = option.value;
      const width = context.measureText(option.text).width;
      if (width > room || select.scrollWidth > select.clientWidth) {
        cut.push(`${select.id}: ${option.text} (${Math.round(width)} > ${Math.round(room)})`);
      }
    }
    select.selectedIndex = before;
  }
  return cut;
}"""


@pytest.mark.parametrize("size", [PHONE, DESKTOP])
def test_results_start_on_the_first_screen_after_typing(
    new_page: NewPage, site: Served, size: tuple[int, int]
) -> None:
    width, height = size
    page = new_page(width=width, height=height, has_touch=width == PHONE[0])
    page.goto(site.page(SEARCH))
    box = page.locator("#suche-begriff")
    if width == PHONE[0]:
        box.tap()
    else:
        box.focus()
    page.keyboard.type("Riad")
    expect(page.locator("#suche-status")).to_contain_text("Treffer für „Riad“")
    top = page.locator(".search-result").first.bounding_box()
    assert top is not None and top["y"] + 40 < height, top  # its kicker and title are seen
    # Nothing wider than the screen, nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_filter_disclosure_works_with_the_keyboard(new_page: NewPage, site: Served) -> None:
    page = _search(new_page(width=DESKTOP[0], height=DESKTOP[1]), site, "Ukraine")
    everything = page.locator(".search-result").count()
    disclosure, select = page.locator("#suche-filter"), page.locator("#suche-typ")
    expect(select).to_be_hidden()
    page.locator("#suche-begriff").focus()
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    expect(disclosure).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(select).to_be_focused()
    page.keyboard.press("ArrowDown")  # "Alle" → "Meldungen"
    expect(page).to_have_url(re.compile(r"typ=Meldung"))
    expect(page.locator("#suche-filter-zahl")).to_have_text(" (1 aktiv)")
    expect(page.locator(".search-result")).not_to_have_count(everything)
    assert all(r["kicker"].startswith("Meldung") for r in _results(page))
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(disclosure).not_to_have_attribute("open", "")
    expect(select).to_be_hidden()


def test_the_filter_disclosure_works_by_touch(new_page: NewPage, site: Served) -> None:
    page = new_page(width=PHONE[0], height=PHONE[1], has_touch=True)
    _search(page, site, "Ukraine", typ="Quelle", ordnung="neu")
    summary = page.locator("#suche-filter summary")
    # Closed, it says what is set: the search was narrowed and sorted from the address.
    expect(summary).to_have_text("Filter (1 aktiv, neueste zuerst)")
    summary.tap()
    expect(page.locator("#suche-typ")).to_be_visible()
    expect(page.locator("#suche-typ")).to_have_value("Quelle")
    expect(page.locator("#suche-ordnung")).to_have_value("neu")
    page.locator("#suche-typ").select_option("")
    expect(summary).to_have_text("Filter (neueste zuerst)")
    expect(page).not_to_have_url(re.compile(r"typ="))
    expect(page.locator(".search-result .kicker").first).to_contain_text("Meldung")
    summary.tap()
    expect(page.locator("#suche-typ")).to_be_hidden()


@pytest.mark.parametrize("size", [PHONE, DESKTOP])
def test_no_select_shows_its_choice_cut_off(
    new_page: NewPage, site: Served, size: tuple[int, int]
) -> None:
    page = new_page(width=size[0], height=size[1])
    page.goto(site.page(SEARCH + "?q=Riad"))
    page.locator("#suche-filter summary").click()
    selects = page.locator("#suche select")
    assert selects.count() == 4
    assert selects.evaluate_all(_CUT_OFF_OPTIONS) == []
    # Every control lies within the form, and the form within the screen.
    right = page.locator("#suche").evaluate("(form) => form.getBoundingClientRect().right")
    assert right <= size[0]
    for control in page.locator("#suche select, #suche input, #suche button").all():
        box = control.bounding_box()
        assert box is not None and box["x"] + box["width"] <= right + 0.5


@pytest.mark.parametrize("size", [PHONE, DESKTOP])
def test_results_arrive_without_layout_shift(
    new_page: NewPage, site: Served, size: tuple[int, int]
) -> None:
    page = new_page(width=size[0], height=size[1])
    page.goto(site.page(SEARCH + "?q=Riad"))
    expect(page.locator(".search-result").first).to_be_visible(timeout=10_000)
    assert page.evaluate(_LAYOUT_SHIFT) == 0
    # The footer was below the screen before the results came and still is.
    footer = page.locator(".site-footer").bounding_box()
    assert footer is not None and footer["y"] >= size[1]


def test_a_sources_paragraph_hits_are_grouped_under_it(
    new_page: NewPage, site: Served, corpus_index
) -> None:  # type: ignore[no-untyped-def]
    page = _search(new_page(), site, "Ukraine", typ="Quelle")
    results = _results(page)
    # Pagefind stems "Ukraine" to "ukrain" and finds "ukrainische", "Ukraine-Konflikt".
    expected = {
        f"/sources/{s.id}/": [p.index for p in s.paragraphs if "ukrain" in p.text.casefold()]
        for s in corpus_index.sources
    }
    expected = {page: numbers for page, numbers in expected.items() if numbers}
    assert sorted(r["href"] for r in results) == sorted(expected)  # one entry per source
    expect(page.locator("#suche-status")).to_have_text(
        f"{len(expected)} Treffer für „Ukraine“: {len(expected)} Quellen."
    )
    for index, result in enumerate(results):
        numbers = expected[result["href"]]
        assert result["hits"] == f"{len(numbers)} Absätze"
        entry = page.locator(".search-result").nth(index)
        entry.get_by_role("button", name=f"Alle {len(numbers)} Absätze zeigen").click()
        expect(entry.locator(".search-paragraph")).to_have_count(len(numbers))
        expect(entry.locator(".search-paragraph a").first).to_be_focused()
        listed = _results(page)[index]["paragraphs"]
        assert [p["name"] for p in listed] == [f"Absatz {n}" for n in numbers]  # in order
        assert [p["href"] for p in listed] == [
            _marked(f"{result['href']}#p{n}", "Ukraine") for n in numbers
        ]


def test_sources_and_a_topic_list_the_paragraphs_its_briefs_cite(
    new_page: NewPage, site: Served, corpus_index
) -> None:  # type: ignore[no-untyped-def]
    # „Quelle“ + a topic, no word: what the topic's briefs rest on, paragraph by paragraph.
    topic = "Türkei"
    expected: dict[str, list[int]] = {}
    for source in corpus_index.sources:
        for paragraph in source.paragraphs:
            citing = corpus_index.citing.get((source.id, paragraph.index), ())
            if any(topic in {t.name for t in corpus_index.tags_of(c.brief)} for c in citing):
                expected.setdefault(f"/sources/{source.id}/", []).append(paragraph.index)
    assert expected
    page = new_page()
    page.goto(site.page(SEARCH + f"?typ=Quelle&thema={quote(topic)}"))
    expect(page.locator(".search-result")).to_have_count(len(expected))
    for index, result in enumerate(_results(page)):
        numbers = expected[result["href"]]
        assert result["hits"] == counted(len(numbers))
        entry = page.locator(".search-result").nth(index)
        if len(numbers) > 3:
            entry.get_by_role("button", name=f"Alle {len(numbers)} Absätze zeigen").click()
        listed = _results(page)[index]["paragraphs"]
        assert [p["href"] for p in listed] == [f"{result['href']}#p{n}" for n in numbers]
        assert not _results(page)[index]["marks"]  # no word searched, none marked


def counted(number: int) -> str:
    return f"{number} Absatz" if number == 1 else f"{number} Absätze"


def test_links_carry_the_searched_words_to_the_landing_page(
    new_page: NewPage, site: Served
) -> None:
    term = "Außenminister Rubio"
    page = _search(new_page(), site, term)
    results = _results(page)
    briefs = [r["href"] for r in results if r["kicker"].startswith("Meldung")]
    paragraphs = [p["href"] for r in results for p in r["paragraphs"]]
    assert briefs and paragraphs
    marked = "?markiert=Au%C3%9Fenminister%20Rubio"
    assert all(re.fullmatch(rf"/briefs/[a-z0-9-]+/{re.escape(marked)}", h) for h in briefs)
    assert all(
        re.fullmatch(rf"/sources/[a-z0-9-]+/{re.escape(marked)}#p\d+", h) for h in paragraphs
    )
    page.locator(".search-paragraph a").first.click()
    expect(page.locator(":target")).to_be_in_viewport()
    assert page.evaluate("new URLSearchParams(location.search).get('markiert')") == term
    # A search by filters alone has no words to mark.
    page.goto(site.page(SEARCH + "?typ=Meldung"))
    expect(page.locator(".search-result").first).to_be_visible()
    assert all("markiert" not in r["href"] for r in _results(page))


def test_more_results_continue_the_grouped_list(new_page: NewPage, site: Served) -> None:
    page = new_page()
    # Two entries a page instead of 20: the embedded site has fewer than 20 to page through.
    page.route(
        re.compile(r".*/search/(\?.*)?$"),
        lambda route: route.fulfill(
            response=(answer := route.fetch()),
            body=answer.text().replace("data-bundle=", 'data-page-size="2" data-bundle=', 1),
        ),
    )
    page.goto(site.page(SEARCH + "?q=Ukraine"))
    status = page.locator("#suche-status")
    expect(status).to_contain_text("Treffer für „Ukraine“")
    count = int(status.inner_text().split()[0])
    assert count > 4
    more = page.get_by_role("button", name="Weitere Treffer zeigen")
    expect(page.locator(".search-result")).to_have_count(2)
    for shown in range(4, count + 2, 2):
        more.click()
        expect(page.locator(".search-result")).to_have_count(min(shown, count))
    expect(more).to_be_hidden()
    hrefs = [r["href"] for r in _results(page)]
    assert len(hrefs) == len(set(hrefs)) == count  # each brief and source once
    sources = [r for r in _results(page) if r["kicker"].startswith("Quelle")]
    assert sources and all(r["hits"].endswith(("Absatz", "Absätze")) for r in sources)


@pytest.mark.parametrize("size", [PHONE, DESKTOP])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_with_filters_open_have_no_axe_violations(
    new_page: NewPage, site: Served, scheme: str, size: tuple[int, int]
) -> None:
    page = _search(new_page(width=size[0], height=size[1], scheme=scheme), site, "Ukraine")
    page.locator("#suche-filter summary").click()
    page.locator(".search-all").first.click()
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations] == []


def test_results_with_filters_open_pass_the_nu_html_checker(
    new_page: NewPage, site: Served, tmp_path: Path
) -> None:
    java, jar = java_and_vnu()
    page = _search(new_page(), site, "Ukraine")
    page.locator("#suche-filter summary").click()
    page.locator(".search-all").first.click()
    expect(page.locator("#suche-filter")).to_have_attribute("open", "")
    shown = tmp_path / "search.html"
    shown.write_text(page.content(), "utf-8")
    assert "search-paragraph" in shown.read_text("utf-8")
    command = [java, "-jar", str(jar), "--errors-only", "--format", "json", "--stdout", str(shown)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert [m["message"] for m in json.loads(result.stdout)["messages"]] == []
