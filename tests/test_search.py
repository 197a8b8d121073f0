"""The search stage: which records readers can find, and the Pagefind bundle built from
them (paragraph-level results, filters, drafts left out, byte-identical output)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import cbor2
import pytest

from site_builder.cli import main
from site_builder.pipeline import CheckOptions, check_site
from site_builder.render.site_index import SiteIndex, build_index
from site_builder.render.urls import Urls
from site_builder.search import search_bundle
from site_builder.search import search_records as search_records_module
from site_builder.search.page_names import base36, page_names, rank_of
from site_builder.search.search_bundle import (
    SearchIndexError,
    build_search_bundle,
    bundle_page_ids,
    canonical_bundle,
    index_records,
)
from site_builder.search.search_error import SearchInterrupted
from site_builder.search.search_records import SearchRecord, search_records, searchable

GOLDEN_SITE = Path(__file__).parent / "fixtures" / "golden-site"
EMBEDDED_SITE = Path(__file__).parent.parent
BASE = "https://example.org/news/"


@pytest.fixture(scope="module")
def index() -> SiteIndex:
    checked = check_site(GOLDEN_SITE, CheckOptions(frozen=True))
    assert checked.errors == 0
    return build_index(checked.corpus)


@pytest.fixture(scope="module")
def records(index: SiteIndex) -> list[SearchRecord]:
    return search_records(index, Urls(BASE))


def by_url(records: list[SearchRecord]) -> dict[str, SearchRecord]:
    urls = [record.url for record in records]
    assert len(urls) == len(set(urls)), "one record per address"
    return {record.url: record for record in records}


# --- records -------------------------------------------------------------------------------


def test_every_published_brief_has_one_record_and_drafts_none(records: list[SearchRecord]) -> None:
    briefs = sorted(r.url for r in records if r.filters["type"] == ("Meldung",))
    assert briefs == ["/news/briefs/kreml-schliesst-aus/", "/news/briefs/tuerkei/"]
    assert not any("entwurf" in r.url or "Entwurf" in r.content for r in records)


def test_drafts_are_indexed_only_when_published_with_drafts(index: SiteIndex) -> None:
    checked = check_site(GOLDEN_SITE, CheckOptions(frozen=True))
    with_drafts = search_records(build_index(checked.corpus, drafts=True), Urls(BASE))
    assert "/news/briefs/entwurf/" in by_url(with_drafts)


def test_every_source_is_one_record_with_its_paragraphs_and_their_word_counts(
    records: list[SearchRecord], index: SiteIndex
) -> None:
    found = by_url(records)
    assert not [url for url in found if "#" in url]
    for source in index.sources:
        record = found[f"/news/sources/{source.id}/"]
        assert record.content == "\n".join(p.text for p in source.paragraphs if p.text)
        assert record.meta == {"title": source.title}  # the title is found too
        counts = [f"{p.index}:{len(p.text.split())}" for p in source.paragraphs]
        assert record.filters["paragraph_words"] == (" ".join(counts),)
        # Per tag, the paragraphs its briefs cite.
        cited: dict[str, list[int]] = {}
        for p in source.paragraphs:
            briefs = [c.brief for c in index.citing.get((source.id, p.index), ())]
            for tag in sorted({t.name for b in briefs for t in index.tags_of(b)}):
                cited.setdefault(tag, []).append(p.index)
        assert cited  # (the golden site's sources are cited)
        expected = tuple(f"{tag}:{','.join(map(str, cited[tag]))}" for tag in sorted(cited))
        assert record.filters["cited_by_tag"] == expected
        assert record.filters["tag"] == tuple(sorted(cited))


def test_the_marker_and_raw_html_are_text_as_readers_see_them(
    records: list[SearchRecord],
) -> None:
    content = by_url(records)["/news/sources/quelle/"].content.split("\n")
    assert content[1] == "In Istanbul trafen Vertreter der USA und Russlands zusammen."
    assert "<b>lächerlich</b>" in content[3]


def test_only_titles_and_summaries_are_searchable_metadata(records: list[SearchRecord]) -> None:
    # Pagefind searches metadata values: a date or a kind there would match every record.
    for record in records:
        assert set(record.meta) <= {"title", "summary"}, record.url
    brief = by_url(records)["/news/briefs/kreml-schliesst-aus/"]
    assert brief.meta == {
        "title": "Kreml: Gebiete „nicht verhandelbar“",
        "summary": "Moskau schließt eine Rückgabe der annektierten Gebiete aus.",
    }
    assert "[@" not in brief.content and "Reaktionen" not in brief.content
    assert brief.content.startswith("Der Kreml nennt den Status der Gebiete")


def test_filters_name_type_merged_tags_outlets_and_date(records: list[SearchRecord]) -> None:
    found = by_url(records)
    kreml = found["/news/briefs/kreml-schliesst-aus/"]
    assert kreml.filters == {
        "type": ("Meldung",),
        "tag": ("Ukraine", "Russland"),
        "outlet": ("Testagentur",),
        "published": ("27. Februar 2025",),
    }
    assert found["/news/briefs/tuerkei/"].filters["tag"] == ("Ukraine", "Türkei")
    cited = found["/news/sources/quelle/"]
    assert cited.filters["tag"] == ("Russland", "Ukraine")  # from the brief citing it
    # Cited by both briefs: the tags of both.
    assert found["/news/sources/zweite/"].filters["tag"] == ("Russland", "Türkei", "Ukraine")
    assert found["/news/sources/quelle/"].filters["outlet"] == ("Testagentur",)
    assert "outlet" not in found["/news/sources/zweite/"].filters  # it names none


def test_page_names_say_kind_and_place_by_date(records: list[SearchRecord]) -> None:
    # The search page counts and sorts by these names (static/search.js).
    names = page_names(records)
    assert set(names) == {r.url for r in records}
    by_rank = sorted(names, key=lambda url: rank_of(names[url]))
    assert sorted(rank_of(name) for name in names.values()) == list(range(len(records)))
    dates = [by_url(records)[url].sort["date"] for url in by_rank]
    assert dates == sorted(dates)  # oldest first, undated ("0000") before every date
    assert names["/news/sources/quelle/"].startswith("q")
    assert names["/news/briefs/tuerkei/"].startswith("b")


def test_page_names_stay_when_a_newer_brief_is_added(records: list[SearchRecord]) -> None:
    newest = SearchRecord(
        "/news/briefs/neu/", "Text", {}, {"type": ("Meldung",)}, {"date": "2099-01-01"}
    )
    before, after = page_names(records), page_names([newest, *records])
    assert {url: after[url] for url in before} == before
    assert rank_of(after[newest.url]) == max(rank_of(name) for name in before.values()) + 1


def test_equal_dates_rank_in_record_order() -> None:
    def brief(url: str, date: str) -> SearchRecord:
        return SearchRecord(url, "x", {}, {"type": ("Meldung",)}, {"date": date})

    names = page_names(
        [brief("/c/", "2025-02-01"), brief("/a/", "2025-01-01"), brief("/b/", "2025-02-01")]
    )
    assert names == {"/a/": "b0", "/c/": "b1", "/b/": "b2"}
    assert [base36(n) for n in (0, 35, 36, 1295, 1296)] == ["0", "z", "10", "zz", "100"]


def test_sort_dates_order_partial_dates_and_undated_sources(records: list[SearchRecord]) -> None:
    found = by_url(records)
    assert found["/news/briefs/kreml-schliesst-aus/"].sort == {"date": "2025-02-27"}
    # February 2025 sorts before any day of February (page_names compares the text).
    assert found["/news/sources/zweite/"].sort == {"date": "2025-02-00"}


def test_urls_follow_the_base_path() -> None:
    checked = check_site(GOLDEN_SITE, CheckOptions(frozen=True))
    records = search_records(build_index(checked.corpus), Urls("/"))
    assert all(r.url.startswith("/") and not r.url.startswith("/news/") for r in records)


# --- the bundle ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(records: list[SearchRecord]) -> dict[str, bytes]:
    return {f.path: f.data for f in build_search_bundle(records, "de")}


def _decode(data: bytes) -> object:
    return cbor2.loads(gzip.decompress(data)[len(b"pagefind_dcd") :])


def test_the_bundle_is_pagefinds_without_its_ready_made_interfaces(
    bundle: dict[str, bytes], records: list[SearchRecord]
) -> None:
    assert "pagefind/pagefind.js" in bundle and "pagefind/wasm.de.pagefind" in bundle
    assert not [p for p in bundle if "-ui." in p or "highlight" in p]
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])
    assert entry["languages"]["de"]["page_count"] == len(records)
    assert f"pagefind/pagefind.{entry['languages']['de']['hash']}.pf_meta" in bundle


def test_the_bundle_is_byte_identical_on_every_build(
    bundle: dict[str, bytes], records: list[SearchRecord]
) -> None:
    for _ in range(3):
        again = {f.path: f.data for f in build_search_bundle(records, "de")}
        assert again == bundle


def test_records_are_indexed_while_the_next_are_made(
    records: list[SearchRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records may come from a generator (a build makes them in the indexing child):
    Pagefind gets the first batch before the last record is made, and the bundle is the
    one the same records in a list give."""
    copies = -(-3 * search_bundle._BATCH // len(records))  # three batches or more
    many = [replace(r, url=f"{r.url}?{n}") for n in range(copies) for r in records]
    events: list[str] = []

    def made() -> Iterator[SearchRecord]:
        for record in many:
            events.append("made")
            yield record

    real = search_bundle._add

    async def sent(index: Any, record: SearchRecord, language: str) -> None:
        events.append("sent")
        await real(index, record, language)

    monkeypatch.setattr(search_bundle, "_add", sent)
    from_generator = build_search_bundle(made(), "de")
    last_made = len(events) - 1 - events[::-1].index("made")
    assert events.index("sent") < last_made, "every record was made before one was sent"
    assert from_generator == build_search_bundle(many, "de")


def test_making_the_records_stops_when_asked(
    index: SiteIndex, records: list[SearchRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve``'s rebuild of the whole index gives way to an edit while the records are
    made (2 s at 20,000 pages), not only once Pagefind runs."""
    monkeypatch.setattr(search_records_module, "_ASK_EVERY", 1)
    asked: list[int] = []

    def on_the_third_question() -> bool:
        asked.append(1)
        return len(asked) == 3

    with pytest.raises(SearchInterrupted):
        search_records(index, Urls(BASE), on_the_third_question)
    assert len(asked) == 3
    assert search_records(index, Urls(BASE), lambda: False) == records


def test_filter_values_are_sorted_and_files_named_by_content(bundle: dict[str, bytes]) -> None:
    filters = {p: _decode(d) for p, d in bundle.items() if p.startswith("pagefind/filter/")}
    names = sorted(f[0] for f in filters.values())  # type: ignore[index]
    assert names == ["cited_by_tag", "outlet", "paragraph_words", "published", "tag", "type"]
    for data in filters.values():
        values = [value for value, _pages in data[1]]  # type: ignore[index]
        assert values == sorted(values)


def test_canonical_bundle_undoes_pagefinds_hash_map_order(
    bundle: dict[str, bytes], records: list[SearchRecord]
) -> None:
    # What a second Pagefind run may write: the same filter with its values shuffled,
    # under another name, and metadata pointing at that name.
    files = {p.removeprefix("pagefind/"): d for p, d in bundle.items()}
    entry = json.loads(files["pagefind-entry.json"])
    meta_name = f"pagefind.{entry['languages']['de']['hash']}.pf_meta"
    meta = _decode(files.pop(meta_name))
    tag_name = next(h for name, h in meta[3] if name == "tag")  # type: ignore[index]
    tag = _decode(files.pop(f"filter/{tag_name}.pf_filter"))
    tag[1].reverse()  # type: ignore[index]
    files["filter/de_0000000.pf_filter"] = _encode(tag)
    meta[3] = [[n, "de_0000000" if h == tag_name else h] for n, h in meta[3]]  # type: ignore[index]
    files["pagefind.de_shuffled.pf_meta"] = _encode(meta)
    entry["languages"]["de"]["hash"] = "de_shuffled"
    files["pagefind-entry.json"] = json.dumps(entry).encode()
    names = page_names(records)
    assert canonical_bundle(files, names) == {
        p.removeprefix("pagefind/"): d for p, d in bundle.items()
    }


@pytest.mark.parametrize("site", [GOLDEN_SITE, EMBEDDED_SITE], ids=["golden", "embedded"])
def test_a_sources_word_counts_place_each_word_of_its_indexed_content(site: Path) -> None:
    """The search page finds the paragraph of a matched word by the paragraphs' word
    counts: they must count the words of the content as Pagefind stores it (split at
    whitespace, as its own excerpts split it): hostile text, the seeds' odd breaks."""
    checked = check_site(site, CheckOptions(frozen=True))
    site_index = build_index(checked.corpus)
    records = search_records(site_index, Urls("/"))
    bundle = {f.path: f.data for f in build_search_bundle(records, "de")}
    names = page_names(records)
    assert site_index.sources
    for source in site_index.sources:
        name = names[f"/sources/{source.id}/"]
        fragment = json.loads(_fragment(bundle[f"pagefind/fragment/{name}.pf_fragment"]))
        words = _JAVASCRIPT_SPACES.split(fragment["content"])
        assert fragment["word_count"] == len(words)
        start = 0
        for paragraph in source.paragraphs:
            split = searchable(paragraph.text).split()
            assert words[start : start + len(split)] == split, paragraph.anchor
            start += len(split)
        assert start == len(words)


def test_python_pagefind_and_the_search_page_count_the_same_words() -> None:
    """Every Unicode space and the invisible characters sources keep verbatim, between
    two words: the search content's words counted by ``str.split`` (the paragraphs'
    word counts), by Pagefind (``word_count``) and as the search page splits the content
    Pagefind stores (JavaScript's ``\\s``) are the same."""
    characters = [c for c in map(chr, range(0x110000)) if c.isspace()]
    characters += list("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u180e\u00ad\u061c")
    records = [
        SearchRecord(f"/{ord(c):x}/", searchable(f"eins{c}zwei drei"), {}, {}, {})
        for c in characters
    ]
    files = index_records(records, "de")
    ids = bundle_page_ids(files.items())
    for record in records:
        fragment = json.loads(_fragment(files[f"fragment/{ids[record.url]}.pf_fragment"]))
        counts = (
            len(record.content.split()),
            fragment["word_count"],
            len(_JAVASCRIPT_SPACES.split(fragment["content"])),
        )
        assert len(set(counts)) == 1, (record.url, counts)


# What JavaScript's \s matches (ECMA-262: WhiteSpace and LineTerminator).
_JAVASCRIPT_SPACES = re.compile(
    "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"
)


def _fragment(data: bytes) -> bytes:
    return gzip.decompress(data)[len(b"pagefind_dcd") :]


def test_the_bundles_pages_are_named_for_the_search_page_and_unsorted(
    bundle: dict[str, bytes], records: list[SearchRecord]
) -> None:
    files = {p.removeprefix("pagefind/"): d for p, d in bundle.items()}
    assert bundle_page_ids(files.items()) == page_names(records)
    entry = json.loads(files["pagefind-entry.json"])
    meta = _decode(files[f"pagefind.{entry['languages']['de']['hash']}.pf_meta"])
    assert sorted(page for page, _ in meta[1]) == sorted(page_names(records).values())  # type: ignore[index]
    assert meta[4] == []  # type: ignore[index]  # no sort: the names order by date


def _encode(value: object) -> bytes:
    return gzip.compress(b"pagefind_dcd" + cbor2.dumps(value), mtime=0)


def test_an_unknown_metadata_layout_stops_instead_of_breaking_search(
    bundle: dict[str, bytes],
) -> None:
    files = {p.removeprefix("pagefind/"): d for p, d in bundle.items()}
    entry = json.loads(files["pagefind-entry.json"])
    meta_name = f"pagefind.{entry['languages']['de']['hash']}.pf_meta"
    meta = _decode(files[meta_name])
    meta[3] = []  # type: ignore[index]
    files[meta_name] = _encode(meta)
    with pytest.raises(SearchIndexError, match="unknown layout"):
        canonical_bundle(files, {})


# --- build ---------------------------------------------------------------------------------


def test_build_writes_the_search_page_and_bundle_and_no_search_leaves_it_out(
    tmp_path: Path,
) -> None:
    out = tmp_path / "public"
    assert main(["build", "--site", str(GOLDEN_SITE), "--out", str(out), "--check-links"]) == 0
    assert (out / "search" / "index.html").is_file()
    assert (out / "pagefind" / "pagefind.js").is_file()
    page = (out / "search" / "index.html").read_text("utf-8")
    assert 'data-bundle="/news/pagefind/pagefind.js"' in page
    assert re.search(r'<script type="module" src="/news/static/search\.js\?v=\w+"></script>', page)
    args = ["build", "--site", str(GOLDEN_SITE), "--out", str(out), "--no-search"]
    assert main(args) == 0
    assert (out / "search" / "index.html").is_file()
    assert not (out / "pagefind").exists()


def test_every_page_has_a_search_box_leading_to_the_search_page(tmp_path: Path) -> None:
    out = tmp_path / "public"
    args = ["build", "--site", str(GOLDEN_SITE), "--out", str(out), "--no-search"]
    assert main(args) == 0
    for page in sorted(out.rglob("*.html")):
        html = page.read_text("utf-8")
        assert 'role="search" action="/news/search/" method="get"' in html, page
        assert html.count('name="q"') == 1, page


def test_a_failing_pagefind_stops_the_build_and_keeps_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "public"
    assert main(["build", "--site", str(GOLDEN_SITE), "--out", str(out), "--no-search"]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-pagefind-here"))
    capsys.readouterr()
    assert main(["build", "--site", str(GOLDEN_SITE), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "search index: Pagefind failed" in error and "--no-search" in error
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_indexing_works_inside_a_running_event_loop(
    records: list[SearchRecord], bundle: dict[str, bytes]
) -> None:
    # Regression: called from async code (or beside Playwright's sync API), asyncio.run()
    # refused to start and the build failed.
    async def build_from_async_code() -> dict[str, bytes]:
        return {f.path: f.data for f in build_search_bundle(records, "de")}

    # A thread of its own: the browser tests may leave a loop registered in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as caller:
        assert caller.submit(asyncio.run, build_from_async_code()).result() == bundle


def _pagefind_children() -> list[int]:
    """The Pagefind processes this process started that still exist (zombies included)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            name = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[1]) == os.getpid() and "pagefind" in name:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_an_interrupted_indexing_stops_at_once_and_leaves_no_pagefind_behind() -> None:
    """``serve`` rebuilding the whole index gives way to an edit: told to stop, the
    indexing raises SearchInterrupted at the next look, with Pagefind killed and reaped."""
    words = ["Lawrow", "Istanbul", "Verhandlungen", "Kreml", "Gespräche", "Ukraine", "Kiew"]
    texts = [" ".join(words[(n + k) % 7] for k in range(400)) for n in range(4000)]
    records = [SearchRecord(f"/briefs/b{n}/", text, {}, {}, {}) for n, text in enumerate(texts)]
    asked: list[bool] = []

    def interrupted() -> bool:
        asked.append(len(asked) >= 2)  # the third look says stop
        return asked[-1]

    with pytest.raises(SearchInterrupted):
        build_search_bundle(records, "de", interrupted)
    # It asked before starting Pagefind, then while it worked, and stopped when told.
    assert asked == [False, False, True]
    assert _pagefind_children() == []
