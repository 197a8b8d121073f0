"""``serve``'s search overlay (``search.search_overlay``): what changed since the served
index, the words it holds for the base, the words the base lacks, what each overlay
record is and where it stands by date, and
the overlay bundle Pagefind makes (the search page's side is tested in Chromium:
tests/browser/test_search_overlay.py)."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest

from site_builder.pipeline import CheckOptions, check_site
from site_builder.render.site_index import build_index
from site_builder.render.urls import Urls
from site_builder.search.page_names import page_names
from site_builder.search.search_bundle import build_search_bundle, bundle_page_ids
from site_builder.search.search_overlay import (
    DICTIONARY_URL,
    OVERLAY_FILE,
    IndexedRecords,
    build_overlay,
    bundle_words,
    dictionary_records,
    fresh_words,
    overlay_change,
    overlay_places,
    page_ranks,
)
from site_builder.search.search_records import DATE, SearchRecord, search_records

GOLDEN_SITE = Path(__file__).parent / "fixtures" / "golden-site"


def record(url: str, content: str = "Text", date: str | None = None, **meta: str) -> SearchRecord:
    sort = {DATE: date} if date is not None else {}
    return SearchRecord(url, content, meta, {"type": ("Meldung",)}, sort)


def test_the_change_holds_what_is_new_or_edited_and_names_what_went_stale() -> None:
    base = {r.url: r for r in (record("/a/"), record("/b/"), record("/c/"))}
    now = [record("/a/"), record("/b/", "Neuer Text"), record("/d/")]
    change = overlay_change(base, now)
    assert [r.url for r in change.records] == ["/b/", "/d/"]
    assert change.stale == ("/b/", "/c/")  # edited, gone
    assert change.order == {"/a/": 0, "/b/": 1, "/d/": 2}
    # The base without what went stale, with the change, is the records now.
    kept = {url: r for url, r in base.items() if url not in change.stale}
    assert kept | {r.url: r for r in change.records} == {r.url: r for r in now}
    assert overlay_change(base, list(base.values())).empty


def test_the_dictionary_holds_every_word_in_records_of_the_average_length() -> None:
    records = [
        record(f"/{n}/", " ".join(f"wort{n}x{k}" for k in range(20)), title=f"Titel{n}")
        for n in range(10)
    ]
    dictionary = dictionary_records(records)
    words = [word for entry in dictionary for word in entry.content.split()]
    assert sorted(words) == sorted(
        {*(w for r in records for w in r.content.split()), *(f"Titel{n}" for n in range(10))}
    )
    assert all(len(entry.content.split()) <= 20 for entry in dictionary)
    assert all(entry.url.startswith(DICTIONARY_URL) for entry in dictionary)
    assert all(not entry.sort and not entry.filters for entry in dictionary)  # never listed


def test_fresh_words_carry_the_shortest_start_the_base_lacks() -> None:
    base = sorted(["an", "ankunft", "kreml", "ukrain"])
    fresh = fresh_words(base, {"ankara", "kreml", "neuwort", "ukrainekonflikt"})
    assert fresh == [("ankara", "anka"), ("neuwort", "n"), ("ukrainekonflikt", "ukraine")]


def based_on(records: list[SearchRecord]) -> IndexedRecords:
    by_url = {r.url: r for r in records}
    return IndexedRecords(by_url, page_names(records), page_ranks(records), ())


def test_an_overlay_record_is_placed_among_the_base_by_date_and_by_record_order() -> None:
    # The base's ranks: /old/ 0 (01), /x/ 1 and /y/ 2 (02, in that record order), /new/ 3.
    base_records = [
        record("/new/", date="2025-03"),
        record("/x/", date="2025-02"),
        record("/y/", date="2025-02"),
        record("/old/", date="2025-01"),
    ]
    base = based_on(base_records)
    assert base.page_ids == {"/old/": "b0", "/x/": "b1", "/y/": "b2", "/new/": "b3"}
    # Now: a brief between /x/ and /y/ in record order on their date, two on /old/'s date
    # after it, one newer than all, and /x/ edited (same date: it keeps its place).
    now = [
        record("/newest/", date="2025-04"),
        base_records[0],
        record("/x/", "Neuer Text", date="2025-02"),
        record("/tie/", date="2025-02"),
        base_records[2],
        base_records[3],
        record("/o1/", date="2025-01"),
        record("/o2/", date="2025-01"),
    ]
    places = overlay_places(base, overlay_change(base.records, now))
    assert places["/x/"] == ("b", "b1", 1.0)  # the base's brief, where it was
    assert places["/tie/"][:2] == ("b", "+/tie/")  # a group of its own
    assert 1 < places["/tie/"][2] < 2  # after /x/ (rank 1), before /y/ (2)
    assert 0 < places["/o1/"][2] < places["/o2/"][2] < 1  # after /old/ (0), before /x/ (1)
    assert places["/newest/"][2] > 3  # after /new/ (3)


def test_an_edited_source_keeps_its_base_name_unless_its_date_moved() -> None:
    def source(url: str, date: str, text: str = "eins zwei") -> SearchRecord:
        return SearchRecord(url, text, {}, {"type": ("Quelle",)}, {DATE: date})

    base_records = [source("/s/", "2025-02"), record("/b/", date="2025-01")]
    base = based_on(base_records)
    assert base.page_ids == {"/b/": "b0", "/s/": "q1"}
    now = [source("/s/", "2025-02", "eins drei"), base_records[1], source("/t/", "2025-02")]
    places = overlay_places(base, overlay_change(base.records, now))
    assert places["/s/"] == ("q", "q1", 1.0)  # the page treats it as the base's source
    assert places["/t/"][:2] == ("q", "+/t/") and places["/t/"][2] > 1
    moved = [source("/s/", "2024-12"), base_records[1]]
    places = overlay_places(base, overlay_change(base.records, moved))
    assert places["/s/"][:2] == ("q", "+/s/") and places["/s/"][2] < 0  # before /b/ (0)


@pytest.fixture(scope="module")
def golden_records() -> list[SearchRecord]:
    checked = check_site(GOLDEN_SITE, CheckOptions(frozen=True))
    return search_records(build_index(checked.corpus), Urls("/"))


def test_the_overlay_bundle_names_what_the_search_page_leaves_out(
    golden_records: list[SearchRecord],
) -> None:
    bundle = {
        f.path.removeprefix("pagefind/"): f.data for f in build_search_bundle(golden_records, "de")
    }
    page_ids = bundle_page_ids(bundle.items())
    assert page_ids == page_names(golden_records)  # the bundle's pages have the names
    base = dataclasses.replace(
        based_on(golden_records), words=tuple(sorted(bundle_words(bundle.items())))
    )
    edited = dataclasses.replace(golden_records[0], content="Quasselstrippe Zwiebelturm")
    gone = golden_records[1]
    now = [edited, *golden_records[2:]]
    change = overlay_change(base.records, now)
    files = build_overlay(base, change, dictionary_records(golden_records), "de")
    overlay = json.loads(files[OVERLAY_FILE])

    ids = bundle_page_ids(files.items())
    assert set(overlay["hidden"]) == {i for url, i in ids.items() if url.startswith(DICTIONARY_URL)}
    assert overlay["hidden"]  # the base's words are there
    assert overlay["stale"] == [page_ids[edited.url], page_ids[gone.url]]
    # The edited brief is described as its base page name says it: kind, group, rank, number.
    name = page_ids[edited.url]
    assert overlay["records"] == {ids[edited.url]: ["b", name, int(name[1:], 36)]}
    assert {word for word, _ in overlay["fresh"]} >= {"quasselstripp", "zwiebelturm"}
    # Only the index: Pagefind's scripts and WebAssembly come with the base bundle.
    assert not any(path.endswith((".js", ".pagefind")) for path in files)


def test_a_fragments_address_is_read_from_its_start_or_else_from_the_whole() -> None:
    def fragment(page: dict[str, str]) -> bytes:
        return gzip.compress(b"pagefind_dcd" + json.dumps(page).encode())

    long_url = "/briefs/" + "ä" * 3000 + "/"  # longer than the head that is unpacked
    fragments = [
        ("fragment/de_1.pf_fragment", fragment({"url": "/a/", "content": "x" * 9000})),
        ("fragment/de_2.pf_fragment", fragment({"url": long_url, "content": "x"})),
        ("fragment/de_3.pf_fragment", fragment({"content": "x", "url": "/later/"})),
        ("fragment/de_4.pf_fragment", gzip.compress(b"something else")),
        ("index/de_5.pf_index", b"not a fragment"),
    ]
    assert bundle_page_ids(fragments) == {"/a/": "de_1", long_url: "de_2", "/later/": "de_3"}
