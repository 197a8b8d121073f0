"""Source pages as readers use them: numbered paragraphs in the margin, a followed citation
landing with room above it and the way back to the brief (``?von=``), the searched words
marked (``?markiert=``), and a compact "Zitiert in" naming each brief once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.support import BRIEF, MARKED_SOURCE, SOURCE, Served

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
SIZES = [(360, 740), (1280, 800)]
SCHEMES = ["light", "dark"]
FROM = "kreml-gebiete-nicht-verhandelbar"  # cites MARKED_SOURCE, p4 among others
FROM_TITLE = "Kreml: Status annektierter Gebiete „nicht verhandelbar“"
_SCROLL_WIDTH = "document.documentElement.scrollWidth"
_ANCHORED = ".source-body p[id^='p']"


def _errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def _numbers(page: Page) -> list[dict[str, Any]]:
    """Per anchored paragraph: its id, the number a reader sees, where it and the text are."""
    return page.locator(_ANCHORED).evaluate_all(
        """(paragraphs) => paragraphs.map((p) => {
          const link = p.querySelector(':scope > a.permalink');
          const shown = getComputedStyle(link, '::before').content;
          const range = document.createRange();
          range.selectNodeContents(p);
          range.setStartAfter(link);
          const text = range.getClientRects()[0];
          const box = link.getBoundingClientRect();
          return {id: p.id, href: link.getAttribute('href'), shown,
                  colour: getComputedStyle(link).color,
                  link: {left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                         width: box.width, height: box.height},
                  text: {left: text.left, top: text.top, bottom: text.bottom}};
        })"""
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("path", [SOURCE, MARKED_SOURCE])
def test_every_paragraph_shows_its_number_beside_its_first_line(
    new_page: NewPage, site: Served, width: int, height: int, path: str
) -> None:
    page = new_page(width=width, height=height)
    page.goto(site.page(path))
    numbers = _numbers(page)
    assert len(numbers) >= 7
    for number, seen in enumerate(numbers, start=1):
        assert seen["id"] == f"p{number}" and seen["href"] == f"#p{number}"
        assert seen["shown"] == f'"{number}"', seen
        link, text = seen["link"], seen["text"]
        assert link["width"] > 4 and link["height"] > 10, seen  # there, not collapsed
        assert link["left"] >= 0 and link["right"] <= text["left"], seen  # in the margin
        assert link["top"] < text["bottom"] and text["top"] < link["bottom"], seen  # same line
    assert page.evaluate(_SCROLL_WIDTH) <= width


def test_the_number_is_a_link_to_its_paragraph_by_keyboard_mouse_and_touch(
    new_page: NewPage, site: Served
) -> None:
    page = new_page()
    page.goto(site.page(MARKED_SOURCE))
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('permalink')"):
            break
    else:
        pytest.fail("Tab never reached a paragraph number")
    focused = page.locator(".permalink:focus")
    expect(focused).to_have_accessible_name("Absatz 1")
    assert focused.evaluate("(a) => getComputedStyle(a).outlineStyle") not in ("none", "")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/sources/kreml-gebiete/#p1$"))
    page.locator("#p5 > .permalink").click()
    expect(page).to_have_url(re.compile(r"#p5$"))
    expect(page.locator(":target")).to_have_attribute("id", "p5")
    phone = new_page(width=360, height=740, has_touch=True, is_mobile=True)
    phone.goto(site.page(MARKED_SOURCE))
    phone.locator("#p2 > .permalink").tap()
    expect(phone).to_have_url(re.compile(r"#p2$"))


def test_copying_paragraphs_copies_their_words_without_numbers(
    new_page: NewPage, site: Served
) -> None:
    page = new_page()
    page.goto(site.page(MARKED_SOURCE))
    selected = page.evaluate(
        """() => {
          const range = document.createRange();
          range.setStartBefore(document.getElementById('p1'));
          range.setEndAfter(document.getElementById('p2'));
          getSelection().removeAllRanges();
          getSelection().addRange(range);
          return getSelection().toString();
        }"""
    )
    lines = [line for line in selected.splitlines() if line.strip()]
    assert lines[0].startswith("date 2025-02 Der Kreml hat"), selected
    assert any(line.startswith("In Istanbul trafen") for line in lines), selected


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_citation_followed_from_a_brief_lands_with_room_and_a_way_back(
    new_page: NewPage, site: Served, width: int, height: int, scheme: str
) -> None:
    page = new_page(width=width, height=height, scheme=scheme)
    errors = _errors(page)
    page.goto(site.page(f"{MARKED_SOURCE}?von={FROM}#p4"))
    target = page.locator("#p4")
    expect(target).to_be_in_viewport()
    root_em = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    box = target.bounding_box()
    assert box is not None and 3 * root_em <= box["y"] <= height / 3, box
    background = target.evaluate("(p) => getComputedStyle(p).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    back = page.locator(".back-to-brief a")
    expect(back).to_have_count(1)
    expect(back).to_be_in_viewport()
    expect(back).to_have_text(f"← zurück zur Meldung: {FROM_TITLE}")
    assert page.evaluate(_SCROLL_WIDTH) <= width
    bar = page.locator(".back-to-brief").bounding_box()
    assert bar is not None and bar["x"] >= 0 and bar["x"] + bar["width"] <= width
    back.click()
    expect(page).to_have_url(site.page(f"/briefs/{FROM}/"))
    assert errors == []


def test_the_way_back_does_not_move_the_paragraph(new_page: NewPage, site: Served) -> None:
    tops = []
    for query in ("", f"?von={FROM}"):
        page = new_page()
        page.goto(site.page(f"{MARKED_SOURCE}{query}#p4"))
        page.wait_for_load_state("load")
        tops.append(page.locator("#p4").evaluate("(p) => p.getBoundingClientRect().top"))
    assert tops[0] == tops[1]


@pytest.mark.parametrize(
    ("path", "von"),
    [
        (MARKED_SOURCE, "javascript:alert(1)"),
        (MARKED_SOURCE, "../../x"),
        (MARKED_SOURCE, f"../{FROM}"),
        (MARKED_SOURCE, "https://evil.example/"),
        (MARKED_SOURCE, '"]<img src=x>'),
        (MARKED_SOURCE, ""),
        (SOURCE, "kiew-weist-kreml-erklaerung-zurueck"),  # a brief, but not citing SOURCE
    ],
)
def test_an_unknown_or_hostile_von_shows_no_link(
    new_page: NewPage, site: Served, path: str, von: str
) -> None:
    page = new_page()
    errors = _errors(page)
    page.goto(site.page(f"{path}?von={quote(von, safe='')}#p4"))
    expect(page.locator("#p4")).to_be_in_viewport()
    page.wait_for_load_state("load")
    assert page.locator(".back-to-brief, img").count() == 0
    hrefs = page.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert not [h for h in hrefs if "evil" in h or h.startswith(("javascript:", "../"))]
    assert errors == []


def _marks(page: Page) -> list[dict[str, str]]:
    return page.locator("mark").evaluate_all(
        """(marks) => marks.map((m) => ({text: m.textContent,
          paragraph: m.closest('p') ? m.closest('p').id : ''}))"""
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_searched_words_are_marked_in_the_target_paragraph_only(
    new_page: NewPage, site: Served, scheme: str
) -> None:
    page = new_page(scheme=scheme)
    page.goto(site.page(f"{MARKED_SOURCE}?markiert=Riad#p9"))
    expect(page.locator("#p9 mark")).to_have_count(1)
    assert _marks(page) == [{"text": "Riad", "paragraph": "p9"}]
    # "Riad" stands in the "Zitiert in" under p9 too: only the paragraph is marked.
    expect(page.locator("#p9 + .cited-in")).to_contain_text("Riad")
    mark = page.locator("#p9 mark")
    colours = mark.evaluate(
        "(m) => [getComputedStyle(m).backgroundColor, getComputedStyle(m).color]"
    )
    paragraph = page.locator("#p9").evaluate("(p) => getComputedStyle(p).backgroundColor")
    assert colours[0] != paragraph and colours[0] != colours[1]


def test_marking_finds_word_starts_in_any_case_with_umlauts(
    new_page: NewPage, site: Served
) -> None:
    page = new_page()
    words = quote("annex ÜBERRASCHEND außenminister Ukraine-Konflikt")
    page.goto(site.page(f"{MARKED_SOURCE}?markiert={words}#p9"))
    assert [m["text"] for m in _marks(page)] == [
        "Ukraine",
        "überraschenden",
        "Außenminister",
        "Außenminister",
        "Ukraine",
        "Konflikt",
    ]
    page.goto(site.page(f"{MARKED_SOURCE}?markiert={quote('annex')}#p4"))
    assert [m["text"] for m in _marks(page)] == ["Annexion", "Annexionen"]
    page.goto(site.page(f"{MARKED_SOURCE}?markiert=Riad"))  # no target paragraph: nothing
    assert _marks(page) == []


def test_marking_keeps_the_text_and_the_layout(new_page: NewPage, site: Served) -> None:
    measured = []
    for query in ("", "?markiert=Riad%20Trump%20Gespr"):
        page = new_page()
        page.goto(site.page(f"{MARKED_SOURCE}{query}#p9"))
        page.wait_for_load_state("load")
        measured.append(
            page.locator("#p9").evaluate(
                "(p) => [p.textContent, p.getBoundingClientRect().height, scrollY]"
            )
        )
    assert measured[0] == measured[1]


def test_hostile_searched_words_stay_text(new_page: NewPage, site: Served) -> None:
    page = new_page()
    errors = _errors(page)
    hostile = quote('<img src=x onerror=alert(1)> ") ( [ \\ * Riad')
    page.goto(site.page(f"{MARKED_SOURCE}?markiert={hostile}#p9"))
    page.wait_for_load_state("load")
    assert page.locator("img").count() == 0
    assert [m["text"] for m in _marks(page)] == ["Riad"]
    assert errors == []


def test_searched_words_are_marked_in_a_brief_text(new_page: NewPage, site: Served) -> None:
    """On a brief page the words are marked in the brief's text, not in the citation
    numbers or previews."""
    page = new_page()
    page.goto(site.page(f"{BRIEF}?markiert=Peskow"))
    expect(page.locator(".brief-body mark").first).to_be_visible()
    marks = page.locator("mark").evaluate_all(
        "(marks) => marks.map((m) => [m.textContent, !!m.closest('.brief-body'),"
        " !!m.closest('.citations')])"
    )
    assert marks and all(m == ["Peskow", True, False] for m in marks), marks


def test_cited_in_names_each_brief_once_per_paragraph_in_german_quotes(
    new_page: NewPage, site: Served
) -> None:
    page = new_page()
    contexts = []
    for path in (SOURCE, MARKED_SOURCE):
        page.goto(site.page(path))
        for block in page.locator(".source-body .cited-in").all():
            links = [
                str(urlsplit(str(a.get_attribute("href"))).path) for a in block.locator("a").all()
            ]
            assert len(links) == len(set(links)), links
            contexts += block.locator(".cited-context").all_text_contents()
    assert len(contexts) > 15
    for context in contexts:
        inner = context.removeprefix(": „").removesuffix("“")
        assert context == f": „{inner}“" and not re.search("[„“]", inner), context
    assert any("‚" in c for c in contexts)  # "einen ‚Prozess‘, der ‚mit dem …‘"


@pytest.mark.parametrize("width", [360, 1280])
def test_cited_in_is_set_smaller_than_the_paragraph(
    new_page: NewPage, site: Served, width: int
) -> None:
    page = new_page(width=width)
    page.goto(site.page(MARKED_SOURCE))
    sizes = page.locator("#p5, #p5 + .cited-in li").evaluate_all(
        "(nodes) => nodes.map((n) => parseFloat(getComputedStyle(n).fontSize))"
    )
    assert all(size < sizes[0] * 0.9 for size in sizes[1:]), sizes


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", [360, 1280])
def test_a_landing_with_way_back_and_marks_has_no_axe_violations(
    new_page: NewPage, site: Served, scheme: str, width: int
) -> None:
    page = new_page(width=width, scheme=scheme)
    page.goto(site.page(f"{MARKED_SOURCE}?von={FROM}&markiert=Riad#p9"))
    expect(page.locator(".back-to-brief")).to_be_visible()
    expect(page.locator("#p9 mark")).to_have_count(1)
    response: dict[str, Any] = Axe().run(page).response
    assert [rule["id"] for rule in response["violations"]] == []


def test_print_keeps_the_paragraph_numbers_before_the_text(new_page: NewPage, site: Served) -> None:
    page = new_page(width=800)
    page.goto(site.page(f"{MARKED_SOURCE}?von={FROM}#p4"))
    page.emulate_media(media="print")
    expect(page.locator("#p4 > .permalink")).to_be_visible()
    expect(page.locator(".back-to-brief")).to_be_hidden()
    assert page.evaluate(_SCROLL_WIDTH) <= 800


def test_the_way_back_returns_to_the_sentence_the_reader_left(
    new_page: NewPage, site: Served
) -> None:
    """Tap a citation low in a brief, go on to the source, come back: the reader is at that
    citation again, not at the brief's top (the browser's own Back, when the reader came
    straight from the brief)."""
    page = new_page(width=360, height=740, has_touch=True)
    page.goto(site.page(BRIEF))
    marker = page.locator(".brief-body .citation").last
    marker.scroll_into_view_if_needed()
    marker.tap()
    page.locator(".citation-preview:popover-open a", has_text="Zur Quelle").tap()
    page.wait_for_url("**/sources/**")
    page.locator(".back-to-brief a").tap()
    page.wait_for_url(f"**{BRIEF}")
    expect(page.locator(".brief-body .citation").last).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 200, "back at the top of the brief"
