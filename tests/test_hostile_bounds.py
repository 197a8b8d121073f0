"""Bounded work in check and search (issue 16, points 10, 11 and 13): inputs within the
1 MiB file cap cost work near-linear in their size, never a product of two sizes.

Work is counted (calls through a seam), or a whole command runs in a subprocess whose
generous timeout only catches the minutes-long case: no test here measures a tight time.
``benchmarks/hostile_check.py`` times the same vectors.
"""

from __future__ import annotations

import difflib
import heapq
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

import site_builder
from site_builder.check import check, check_quotes, passages, quotes
from site_builder.check.passages import closest_passage
from site_builder.check.quotes import on_word_bounds, piece_places, quote_matches_normalised
from site_builder.cli import main
from site_builder.corpus import Corpus
from site_builder.diagnostics import Span
from site_builder.model import CitationRef, Paragraph, Source
from site_builder.render.site_index import build_index
from site_builder.render.urls import Urls
from site_builder.search.search_records import SearchRecord, search_records
from tests.conftest import MakeSite
from tests.sitefiles import brief

# The checkout whose package is imported: the one under test, also when run against another.
REPOSITORY = Path(site_builder.__file__).resolve().parent.parent
HANG = 60  # seconds: only a hang or the minutes-long unbounded case reaches it


def counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (one list item per call)."""
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def run_check(site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    argv = [sys.executable, "-m", "site_builder", "check", "--site", str(site), "--no-cache"]
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=HANG, check=False)


def words(count: int) -> list[str]:
    """German-looking words from a vocabulary of 500, deterministic."""
    syllables = ["ver", "hand", "el", "bar", "kreml", "ter", "ri", "to", "en", "sag"]
    vocabulary = [
        "".join(syllables[(n // 10**k) % 10] for k in range(1 + n % 3)) + str(n % 7)
        for n in range(500)
    ]
    return [vocabulary[(n * 7919) % 500] for n in range(count)]


# --- 10: quotes -------------------------------------------------------------------------


def test_a_quote_standing_everywhere_off_word_bounds_is_searched_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "aaa…" stands at every place of a one-word paragraph, never on word bounds: checking
    # each place cost the quote's length each time (a 1 MB word: minutes).
    haystack = "a" * 200_000
    calls = counting(monkeypatch, quotes, "on_word_bounds")
    assert not quote_matches_normalised("a" * 2_000, haystack)
    assert piece_places(haystack, "a" * 50, 0, 65) == []
    assert len(calls) <= 100


@pytest.mark.parametrize(
    ("haystack", "needle", "start"),
    [
        ("unverhandelbar und verhandelbar", "verhandelbar", 0),
        ("Haq\u0301 Haq", "Haq", 0),
        ('sagte "nein", sagte "ja"', '"ja"', 0),
        ("aaa aa aaaa aa", "aa", 5),
        ("ab ab ab", "ab", 3),
        ("x-y x-yz", "x-y", 1),
    ],
)
def test_the_marked_search_finds_what_the_plain_one_does(
    haystack: str, needle: str, start: int
) -> None:
    plain = haystack.find(needle, start)
    while plain >= 0 and not on_word_bounds(haystack, plain, plain + len(needle)):
        plain = haystack.find(needle, plain + 1)
    assert quotes._marked(haystack).find(needle, start) == plain


def test_a_quote_is_found_on_word_bounds_past_many_places_inside_words() -> None:
    haystack = "xab " * 5_000 + "ab"
    assert piece_places(haystack, "ab", 0, 3) == [len(haystack) - 2]


def test_the_closest_passage_indexes_a_long_paragraph_once_for_all_its_quotes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = " ".join(words(60_000))
    calls = counting(monkeypatch, passages, "core")
    for number in range(10):
        quote = " ".join([*words(60_000)[1000 * number : 1000 * number + 5], "falsch"])
        assert closest_passage(quote, text).shared == 5
    # Each paragraph word once, plus the quotes' own words; unbounded: ten times 60,000.
    assert len(calls) <= 60_000 + 10 * 20


def test_the_closest_passage_of_a_long_paragraph_scores_a_bounded_number_of_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    many = words(100_000)
    text = " ".join(many)
    closest_passage("erstes wort", text)  # the paragraph is indexed once
    scored: list[int] = []
    original = heapq.nsmallest

    def counted(n: int, iterable: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        items = list(iterable)
        scored.append(len(items))
        return original(n, items, *args, **kwargs)

    monkeypatch.setattr(heapq, "nsmallest", counted)
    for number in range(20):
        quote = " ".join([*many[3_000 * number : 3_000 * number + 6], "falsch"])
        assert closest_passage(quote, text).shared == 6
    # Unbounded: every window of the paragraph was scored, 100,000 per quote.
    assert scored and max(scored) <= 1_000


def test_the_closest_passage_in_a_long_paragraph_is_the_one_meant() -> None:
    many = words(20_000)
    meant = ["Der", "Status", "der", "Territorien", "sei", "unbestreitbar"]
    text = " ".join([*many[:12_000], *meant, *many[12_000:]])
    passage = closest_passage("Der Status der Gebiete sei unbestreitbar", text)
    assert (passage.text, passage.shared) == ("Der Status der Territorien sei unbestreitbar", 5)


def test_200_missing_quotes_against_a_1_mb_paragraph_are_checked_without_a_hang(
    make_site: MakeSite,
) -> None:
    # 132 s before (a closest passage computed over the whole paragraph per quote).
    text = " ".join(words(120_000))
    assert len(text) < 1_000_000
    body = "".join(
        f"Er sagte „{' '.join(words(120_000)[500 * n : 500 * n + 5])} falsch{n}“ [@gross#p1].\n\n"
        for n in range(200)
    )
    head = "---\ntitle: Groß\noutlet: Testagentur\npublished: 2025-02\n---\n"
    site = make_site({"content/gross.md": head + text + "\n", "briefs/b.md": brief(body)})
    done = run_check(site)
    assert done.returncode == 1, done.stderr
    assert done.stdout.count("error[quote-not-found]") == 200
    assert done.stdout.count("closest: gross#p1:") == 200
    assert "Traceback" not in done.stderr


def test_a_long_quote_against_a_1_mb_word_is_checked_without_a_hang(make_site: MakeSite) -> None:
    # Minutes before: a 20,000-letter quote compared at each of a million places.
    head = "---\ntitle: Groß\noutlet: Testagentur\npublished: 2025-02\n---\n"
    site = make_site(
        {
            "content/gross.md": head + "a" * 1_000_000 + "\n",
            "briefs/b.md": brief(f"Er sagte „{'a' * 20_000}“ [@gross#p1].\n"),
        }
    )
    done = run_check(site)
    assert done.returncode == 1, done.stderr
    assert "error[quote-not-found]" in done.stdout


# --- 11: did you mean ---------------------------------------------------------------------


def big_source(paragraphs: int, names: Sequence[str] = ()) -> Source:
    """A source of ``paragraphs`` one-word paragraphs, the first ones named ``names``."""
    span = Span("content/viele.md", 6)
    items = tuple(
        Paragraph(index, names[index - 1] if index <= len(names) else None, "a", "a", span)
        for index in range(1, paragraphs + 1)
    )
    anchors: dict[str, int] = {}
    for item in items:
        anchors.update(dict.fromkeys(item.anchors, item.index))
    return Source("viele", "content/viele.md", "Viele", 6, items, anchors, span)


def compared(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of names difflib compares, per suggestion."""
    sizes: list[int] = []
    original = difflib.get_close_matches

    def counted(word: str, possibilities: Iterable[str], *args: Any, **kwargs: Any) -> Any:
        possibilities = list(possibilities)
        sizes.append(len(possibilities))
        return original(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    return sizes


def hint_for(anchor: str, source: Source) -> str:
    ref = CitationRef("viele", anchor, Span("briefs/b.md", 5, 7))
    hint = check._unknown_anchor(ref, anchor, source).hint
    assert hint is not None
    return hint


@pytest.mark.parametrize(
    ("anchor", "meant"),
    [("p300100", "p30100"), ("p1000000", "p100000"), ("p99999x", "p99999")],
)
def test_did_you_mean_in_a_source_of_300000_paragraphs_compares_few_names(
    monkeypatch: pytest.MonkeyPatch, anchor: str, meant: str
) -> None:
    source = big_source(300_000)
    sizes = compared(monkeypatch)
    assert hint_for(anchor, source).startswith(f"did you mean '{meant}'? ")
    assert sizes and max(sizes) <= 1_200


def test_did_you_mean_finds_a_named_anchor_among_many(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [f"abschnitt-{n}" for n in range(5_000)] + ["istanbul"]
    source = big_source(10_000, names)
    sizes = compared(monkeypatch)
    assert hint_for("instanbul", source).startswith("did you mean 'istanbul'? ")
    assert hint_for("abschnitt-4999x", source).startswith("did you mean 'abschnitt-4999'? ")
    assert max(sizes) <= 1_200


def test_did_you_mean_in_a_normal_source_is_unchanged() -> None:
    source = big_source(14, ["istanbul"])
    assert hint_for("p15", source).startswith("did you mean 'p5'? ")  # as difflib always chose
    assert hint_for("instanbul", source).startswith("did you mean 'istanbul'? ")


# --- 13: search records -------------------------------------------------------------------


def records_of(source: Source) -> list[SearchRecord]:
    corpus = Corpus((source,), (), {source.id: source})
    return search_records(build_index(corpus), Urls("https://example.org/"))


def test_a_source_of_300000_tiny_paragraphs_is_one_record() -> None:
    # With a record per paragraph: 300,001 records, which Pagefind did not index in 15
    # minutes. One record, whose word counts place every word in its paragraph.
    source = big_source(300_000)
    (record,) = records_of(source)
    assert record.url == "/sources/viele/"
    assert len(record.content.split("\n")) == 300_000
    counts = record.filters["paragraph_words"][0].split(" ")
    assert len(counts) == 300_000 and counts[-1].startswith("300000:")


def test_a_site_with_a_source_of_24000_paragraphs_builds_with_search_without_a_hang(
    make_site: MakeSite, tmp_path: Path
) -> None:
    # 60,000 paragraphs took 80 s in Pagefind alone with one record per paragraph; a file
    # holds at most 50,000 lines now, so 24,000 paragraphs is the most one source has.
    head = "---\ntitle: Viele\noutlet: Testagentur\npublished: 2025-02\n---\n"
    paragraphs = "".join(f"{chr(97 + n % 26)}{n}\n\n" for n in range(24_000))
    site = make_site(
        {"content/viele.md": head + paragraphs, "briefs/b.md": brief("Satz [@viele#p1].\n")}
    )
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    out = tmp_path / "public"
    argv = [sys.executable, "-m", "site_builder", "build", "--site", str(site), "--out", str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=HANG, check=False)
    assert done.returncode == 0, done.stderr
    assert (out / "pagefind" / "pagefind-entry.json").is_file()


# --- the help of quote-not-found, bounded per brief ---------------------------------------


def _group_site(make_site: MakeSite, sources: int, paragraph_words: int, quotes: int) -> Path:
    """``quotes`` missing quotes, each citing one group of ``sources`` long paragraphs."""
    head = "---\ntitle: Groß\noutlet: Testagentur\npublished: 2025-02\n---\n"
    files = {
        f"content/q{n}.md": head + " ".join(words(paragraph_words + n)) + "\n"
        for n in range(sources)
    }
    group = "; ".join(f"@q{n}#p1" for n in range(sources))
    body = "".join(f"Er sagte „falsch{n} gesagt hier{n}“ [{group}].\n\n" for n in range(quotes))
    return make_site({**files, "briefs/b.md": brief(body)})


def indexed_characters(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The characters of every paragraph whose word index is built (one item per build)."""
    built: list[int] = []
    original = passages._cores

    def counted(text: str, paragraph_words: list[str]) -> list[str]:
        built.append(len(text))
        return original(text, paragraph_words)

    monkeypatch.setattr(passages, "_cores", counted)
    return built


def test_closest_passages_of_a_group_of_long_paragraphs_index_a_bounded_text(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nine long paragraphs cited together thrashed the eight kept indexes: every quote
    # built all nine again (20 quotes × 9 paragraphs of 1 MB: 41 s). The help a brief's
    # quote diagnostics may read is bounded: here lowered to 1 MB of indexed text.
    monkeypatch.setattr(check_quotes, "CLOSEST_CHARACTERS", 1_000_000)
    site = _group_site(make_site, sources=9, paragraph_words=20_000, quotes=40)
    built = indexed_characters(monkeypatch)
    assert main(["check", "--site", str(site), "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert out.count("error[quote-not-found]") == 40  # every quote is still checked
    assert "closest: q" in out  # the first ones still get their closest passage
    longest = max(built)
    assert sum(built) <= 1_000_000 + longest  # unbounded: 40 × 9 paragraphs of 150 KB


def test_a_long_paragraph_kept_indexed_serves_every_quote_without_spending_the_budget(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(check_quotes, "CLOSEST_CHARACTERS", 1_000_000)
    site = _group_site(make_site, sources=1, paragraph_words=60_000, quotes=30)
    built = indexed_characters(monkeypatch)
    assert main(["check", "--site", str(site), "--no-cache"]) == 1
    assert capsys.readouterr().out.count("closest: q0#p1:") == 30
    assert len(built) == 1


def test_the_search_for_a_quote_elsewhere_reads_a_bounded_text_per_brief(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every missing quote scanned every paragraph of the site for where else it stands:
    # a brief of thousands of wrong quotes times megabytes of sources.
    monkeypatch.setattr(check_quotes, "ELSEWHERE_CHARACTERS", 2_000_000)
    site = _group_site(make_site, sources=6, paragraph_words=20_000, quotes=60)
    scanned: list[int] = []
    original = check_quotes.quote_matches_normalised

    def counted(quote: str, text: str) -> bool:
        scanned.append(len(text))
        return original(quote, text)

    monkeypatch.setattr(check_quotes, "quote_matches_normalised", counted)
    assert main(["check", "--site", str(site), "--no-cache"]) == 1
    assert capsys.readouterr().out.count("error[quote-not-found]") == 60
    # Each quote's own check reads its six paragraphs; the help at most 2 MB in all.
    own = 60 * sum(sorted(scanned)[-6:])
    assert sum(scanned) <= own + 2_000_000


# --- lines per file -------------------------------------------------------------------------


def test_a_file_of_over_50000_lines_is_not_read(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1 MiB of one-letter paragraphs (600,000 lines) took 20 s to load, markdown-it's block
    # parser most of it: within the byte cap, but no article.
    head = "---\ntitle: Viele\noutlet: Testagentur\npublished: 2025-02\n---\n"
    body = "a\n\n" * 300_000
    site = make_site(
        {"content/viele.md": head + body, "briefs/b.md": brief("Satz [@quelle#p1].\n")}
    )
    assert main(["check", "--site", str(site), "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert (
        "content/viele.md:50001:1: error[too-many-lines]: the file has 600,005 lines; files "
        "of over 50,000 lines are not read"
    ) in out
    assert "1 error, 0 warnings in 1 brief and 1 source" in out  # (quelle): not parsed


def test_a_file_of_50000_lines_is_read(make_site: MakeSite) -> None:
    head = "---\ntitle: Viele\noutlet: Testagentur\npublished: 2025-02\n---\n"
    body = "a\n\n" * ((50_000 - 5) // 2)
    site = make_site({"content/viele.md": head + body, "briefs/b.md": brief("Satz [@viele#p1].\n")})
    assert main(["check", "--site", str(site), "--no-cache"]) == 0
