"""Issue 15, point 4 (second half): text output shows the offending line of the file with
a caret under the column, as rustc and Elm do."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from site_builder import report_lines
from site_builder.cache import BuildCache
from site_builder.cli import main
from site_builder.diagnostics import Span, error, sorted_diagnostics
from site_builder.report import format_text
from site_builder.report_lines import read_lines, text_report
from site_builder.report_snippet import WINDOW, Snippet, snippet
from tests.conftest import MakeSite
from tests.sitefiles import brief

PESKOW = "Peskow sprach von einem „Prozess“ [@quelle#p99].\n"


def _check(site: Path, capsys: pytest.CaptureFixture[str], *options: str) -> str:
    main(["check", "--site", str(site), "--no-cache", *options])
    return capsys.readouterr().out


def _problem(span: Span, hint: str = "fix it") -> str:
    return format_text(error(span, "unknown-anchor", "kaputt", hint=hint))


# --- the example, end to end ---------------------------------------------------


def test_an_unknown_anchor_shows_its_line_with_the_citation_underlined(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/x.md": brief("\n\n\n" + PESKOW)})
    assert _check(site, capsys) == (
        "briefs/x.md:8:36: error[unknown-anchor]: source 'quelle' has no anchor 'p99' "
        "(it has p1–p4, istanbul)\n"
        "   |\n"
        " 8 | Peskow sprach von einem „Prozess“ [@quelle#p99].\n"
        "   |                                    ^^^^^^^^^^^\n"
        "   = hint: 'site-builder anchors quelle' lists them\n"
        "1 error, 0 warnings in 1 brief and 1 source\n"
    )


def test_the_gutter_is_as_wide_as_the_line_number(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/x.md": brief("\n" * 100 + "Text [@quelle#p9].\n")})
    assert _check(site, capsys).splitlines()[1:5] == [
        "     |",
        " 105 | Text [@quelle#p9].",
        "     |       ^^^^^^^^^^",
        "     = hint: did you mean 'p4'? 'site-builder anchors quelle' lists them",
    ]


def test_details_follow_the_snippet_with_an_equals_sign(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "Peskow nannte ihn „unbestreitbar und verhandelbar“ [@quelle#p1].\n"
    shown = _check(make_site({"briefs/x.md": brief(body)}), capsys).splitlines()
    assert shown[1:6] == [
        "   |",
        " 5 | Peskow nannte ihn „unbestreitbar und verhandelbar“ [@quelle#p1].",
        "   |                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "   = closest: quelle#p1: „unbestreitbar und {+nicht+} verhandelbar“",
        "   = hint: quote the source word for word ([…] marks an omission), or cite the "
        "paragraph that says it",
    ]


# --- front matter and body lines both line up -------------------------------------------


def test_front_matter_values_keys_and_tags_are_underlined_where_they_stand(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "---\ntitle: Testmeldung\ndate: 2025-02-30\ntag: [USA]\n---\n"
    other = "---\ntitle: Zwei\ndate: 2025-02-27\ntags: [usa]\n---\nText [@quelle#p1].\n"
    site = make_site({"briefs/x.md": brief("Text [@quelle#p1].\n", head), "briefs/y.md": other})
    lines = _check(site, capsys).splitlines()
    bad_date = lines.index(" 3 | date: 2025-02-30")
    assert lines[bad_date + 1] == "   |       ^^^^^^^^^^"
    unknown_field = lines.index(" 4 | tag: [USA]")
    assert lines[unknown_field + 1] == "   | ^^^"


def test_a_tag_variant_underlines_the_tag(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    one = "---\ntitle: Eins\ndate: 2025-02-27\ntags: [USA, Russland]\n---\nText [@quelle#p1].\n"
    two = "---\ntitle: Zwei\ndate: 2025-02-27\ntags: [Kreml, usa]\n---\nText [@quelle#p1].\n"
    lines = _check(make_site({"briefs/a.md": one, "briefs/b.md": two}), capsys).splitlines()
    assert lines[0].startswith("briefs/b.md:4:15: warning[tag-variant]")
    assert lines[2:4] == [" 4 | tags: [Kreml, usa]", "   |               ^^^"]


def test_a_missing_field_points_at_the_front_matter(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "---\ndate: 2025-02-27\n---\n"
    lines = _check(make_site({"briefs/x.md": brief("Text [@quelle#p1].\n", head)}), capsys)
    assert lines.splitlines()[:4] == [
        "briefs/x.md:1:1: error[missing-field]: brief has no 'title' (Headline of the brief.)",
        "   |",
        " 1 | ---",
        "   | ^",
    ]


def test_a_yaml_syntax_error_points_at_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "---\ntitle: Kreml: nicht verhandelbar\ndate: 2025-02-27\n---\n"
    lines = _check(make_site({"briefs/x.md": brief("Text [@quelle#p1].\n", head)}), capsys)
    first = lines.splitlines()[:4]
    assert first[0].startswith("briefs/x.md:2:13: error[yaml-syntax]")
    assert first[2:] == [" 2 | title: Kreml: nicht verhandelbar", "   |             ^"]


def test_an_invisible_character_is_shown_as_an_escape_with_the_caret_under_it(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/x.md": brief("Pes\u200bkow [@quelle#p1].\n")})
    lines = _check(site, capsys).splitlines()
    assert lines[0].startswith("briefs/x.md:5:4: warning[invisible-character]")
    assert lines[2:4] == [" 5 | Pes\\u200bkow [@quelle#p1].", "   |    ^^^^^^"]


def test_a_stale_citation_shows_the_citation_in_the_brief(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/x.md": brief("Peskow sprach [@quelle#p2].\n")})
    _check(site, capsys)  # records the citation in citations.lock
    source = site / "content/quelle.md"
    source.write_text(source.read_text().replace("Istanbul", "Ankara"), encoding="utf-8")
    lines = _check(site, capsys, "--frozen").splitlines()
    assert lines[0].startswith("briefs/x.md:5:16: error[stale-citation]")
    assert lines[2:4] == [" 5 | Peskow sprach [@quelle#p2].", "   |                ^^^^^^^^^^"]
    assert lines[4].startswith("   = diff: ")


def test_a_diagnostic_on_the_file_as_a_whole_shows_no_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/x.md": brief("Text [@quelle#p1].\n"), "briefs/X.md": "x\n"})
    lines = _check(site, capsys).splitlines()
    collision = next(n for n, line in enumerate(lines) if "file-name-collision" in line)
    assert lines[collision + 1].startswith("  hint: ")


def test_without_a_site_yaml_the_output_is_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--site", str(tmp_path)]) == 2
    shown = capsys.readouterr().err.splitlines()
    assert "error[no-site]" in shown[0]
    assert shown[1].startswith("  hint: ")


def test_lock_shows_the_line_of_a_broken_lock(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    conflict = '{"version": 1,\n<<<<<<< HEAD\n  "citations": {}\n}\n'
    site = make_site({"briefs/b.md": brief("Text [@quelle#p1].\n"), "citations.lock": conflict})
    assert main(["lock", "--site", str(site)]) == 1
    assert capsys.readouterr().out.splitlines()[1:4] == [
        "   |",
        " 2 | <<<<<<< HEAD",
        "   | ^",
    ]


def test_anchors_shows_the_line_of_an_error_in_the_source(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    source = "---\ntitle: Q\noutlet: X\n---\nEins. ^kern\n\nZwei. ^kern\n"
    assert main(["anchors", "q", "--site", str(make_site({"content/q.md": source}))]) == 1
    assert capsys.readouterr().err.splitlines()[:4] == [
        "content/q.md:7:7: error[duplicate-anchor]: anchor '^kern' is already used on line 5",
        "   |",
        " 7 | Zwei. ^kern",
        "   |       ^^^^^",
    ]


# --- the line as a terminal shows it ------------------------------------------------------


def test_a_control_character_is_escaped_and_the_caret_stays_under_it(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "---\ntitle: Kreml\x1b[31m rot\ndate: 2025-02-27\n---\n"
    site = make_site({"briefs/x.md": brief("Text [@quelle#p1].\n", head)})
    assert _check(site, capsys).splitlines()[:5] == [
        "briefs/x.md:2:13: error[control-character]: control character U+001B in the front matter",
        "   |",
        " 2 | title: Kreml\\x1b[31m rot",
        "   |             ^^^^",
        "   = hint: delete it: editors do not show it, and pages, feeds and terminals cannot "
        "carry it",
    ]


def test_a_tab_stays_a_tab_in_the_caret_line() -> None:
    assert snippet("\tTitel:\tx", 9, 1, indent=5) == Snippet("\tTitel:\tx", "\t      \t^")


def test_a_tab_inside_the_span_is_underlined_to_its_tab_stop() -> None:
    # The gutter " 3 | " takes five columns: the tab runs from column 5 to 8.
    assert snippet("\tab", 1, 3, indent=5) == Snippet("\tab", "^^^^^")


def test_wide_characters_take_two_columns() -> None:
    assert snippet("東京で「交渉」 [@a#p9]", 10, 6) == Snippet(
        "東京で「交渉」 [@a#p9]", "                ^^^^^^"
    )
    assert snippet("东京 ok", 1, 2) == Snippet("东京 ok", "^^^^")


def test_a_combining_accent_takes_no_column() -> None:
    assert snippet("Pe\u0301skow x", 8, 1) == Snippet("Pe\u0301skow x", "      ^")


def test_a_long_line_is_shown_as_a_window_around_the_column() -> None:
    line = "".join(f"{n:04d} " for n in range(600))  # 3,000 characters
    shown = snippet(line, 1501, 4)
    assert shown is not None
    assert shown.text.startswith("…") and shown.text.endswith("…")
    assert len(shown.text) <= WINDOW
    caret = shown.marks.index("^")
    assert shown.text[caret : caret + 4] == "0300"
    assert shown.marks[caret:] == "^^^^"


def test_a_long_line_cut_only_at_the_start_near_its_end() -> None:
    line = "x" * 5000 + "[@a#p9]"
    shown = snippet(line, 5001, 7)
    assert shown is not None
    assert shown.text.startswith("…x") and shown.text.endswith("[@a#p9]")
    assert shown.marks.endswith("^^^^^^^") and shown.text[shown.marks.index("^")] == "["


def test_a_long_line_cut_only_at_the_end_near_its_start() -> None:
    shown = snippet("[@a#p9] " + "x" * 5000, 1, 7)
    assert shown is not None
    assert shown.text.startswith("[@a#p9] x") and shown.text.endswith("x…")
    assert shown.marks == "^^^^^^^"


def test_a_line_of_a_mebibyte_is_cut_quickly() -> None:
    shown = snippet("Wort " * 200_000, 500_001, 4)
    assert shown is not None and len(shown.text) <= WINDOW


def test_a_line_of_combining_marks_is_cut_too() -> None:
    marks = "\u0301" * 1_000_000
    first, last = snippet(f"a{marks}", 1, 1), snippet(f"{marks}a", 1_000_001, 1)
    assert first is not None and last is not None
    assert len(first.text) <= 4 * WINDOW + 1 and len(last.text) <= 4 * WINDOW + 1
    # The marks take no column: the caret stands under the "a" (after the "…" of the cut).
    assert first.text.startswith("a") and first.marks == "^"
    assert last.text.startswith("…") and last.text.endswith("a") and last.marks == " ^"


def test_a_span_over_several_lines_is_underlined_to_the_end_of_its_first() -> None:
    assert snippet("summary: Moskau will", 10, 5_000) == Snippet(
        "summary: Moskau will", "         ^^^^^^^^^^^"
    )


def test_a_place_right_after_the_last_character_gets_one_caret() -> None:
    assert snippet("title: x", 9, 1) == Snippet("title: x", "        ^")


def test_an_empty_line_shows_a_caret_and_no_trailing_space() -> None:
    problem = error(Span("x.md", 4, 1), "yaml-syntax", "m", hint="h")
    assert snippet("", 1, 1) == Snippet("", "^")
    assert format_text(problem, False, Snippet("", "^")).splitlines()[1:4] == [
        "   |",
        " 4 |",
        "   | ^",
    ]


def test_a_column_beyond_the_line_shows_no_snippet() -> None:
    assert snippet("kurz", 9, 1) is None


def test_a_lone_surrogate_is_escaped() -> None:
    shown = snippet("ab\ud800cd", 3, 2)
    assert shown == Snippet("ab\\ud800cd", "  ^^^^^^^")
    shown.text.encode("utf-8")  # printable on a UTF-8 stream


# --- colour --------------------------------------------------------------------------------


def test_colour_paints_the_gutter_and_the_carets_and_keeps_the_word_diff() -> None:
    problem = error(
        Span("x.md", 8, 3, 2), "quote-not-found", "m", hint="h", details=(("closest", "[-a-]"),)
    )
    shown = format_text(problem, True, Snippet("a „b“", "  ^^^")).splitlines()
    assert shown[1:] == [
        "  \033[1;34m|\033[0m",
        "\033[1;34m 8 |\033[0m a „b“",
        "  \033[1;34m|\033[0m   \033[1;31m^^^\033[0m",
        "   \033[1;34m=\033[0m closest: \033[31m[-a-]\033[0m",
        "   \033[1;34m=\033[0m \033[2mhint:\033[0m h",
    ]


def test_without_colour_the_output_is_plain() -> None:
    problem = error(Span("x.md", 8, 3, 2), "quote-not-found", "m", hint="h")
    shown = format_text(problem, False, Snippet("a „b“", "  ^^^"))
    assert "\033" not in shown
    assert shown.splitlines()[1:] == ["   |", " 8 | a „b“", "   |   ^^^", "   = hint: h"]


# --- reading the lines --------------------------------------------------------------------


def test_a_file_gone_since_the_check_shows_no_snippet(make_site: MakeSite) -> None:
    site = make_site({"briefs/x.md": brief(PESKOW)})
    problem = error(Span("briefs/gone.md", 5, 1, 4), "unknown-anchor", "m", hint="h")
    assert text_report([problem], site, False) == [format_text(problem)]


def test_a_line_beyond_the_end_of_the_file_shows_no_snippet(make_site: MakeSite) -> None:
    site = make_site({"briefs/x.md": brief(PESKOW)})
    problem = error(Span("briefs/x.md", 50, 1), "unknown-anchor", "m", hint="h")
    assert text_report([problem], site, False) == [format_text(problem)]


def test_each_file_is_read_once_and_only_files_with_diagnostics(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"briefs/x.md": brief(PESKOW * 3), "briefs/y.md": brief(PESKOW)})
    read: list[str] = []
    original = report_lines.read_site_file

    def counting(root: Path, name: str, max_bytes: int) -> bytes | object:
        read.append(name)
        return original(root, name, max_bytes)

    monkeypatch.setattr(report_lines, "read_site_file", counting)
    spans = [Span("briefs/x.md", line, 1) for line in (5, 6, 7, 5)]
    assert list(read_lines(site, spans)) == [("briefs/x.md", n) for n in (5, 6, 7)]
    assert read == ["briefs/x.md"]


def test_no_line_is_read_outside_the_site(make_site: MakeSite, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("geheim\n", encoding="utf-8")
    site = make_site({"briefs/x.md": brief(PESKOW)})
    os.symlink(secret, site / "briefs/link.md")
    spans = [
        Span("briefs/link.md", 1, 1),
        Span("../secret.md", 1, 1),
        Span(str(secret), 1, 1),
        Span(".", 1, 1),
    ]
    assert read_lines(site, spans) == {}


def test_a_link_inside_the_site_is_read(make_site: MakeSite) -> None:
    site = make_site({"briefs/x.md": brief(PESKOW)})
    os.symlink(site / "briefs/x.md", site / "briefs/link.md")
    assert read_lines(site, [Span("briefs/link.md", 5, 1)]) == {
        ("briefs/link.md", 5): PESKOW.rstrip("\n")
    }


def test_a_file_over_a_mebibyte_is_not_read(make_site: MakeSite) -> None:
    site = make_site({"briefs/big.md": "x" * (1024 * 1024 + 1)})
    assert read_lines(site, [Span("briefs/big.md", 1, 1)]) == {}


def test_invalid_utf8_and_a_bom_keep_the_columns_of_the_loader(make_site: MakeSite) -> None:
    site = make_site({"briefs/x.md": b"\xef\xbb\xbf---\nti\xfftle: x\r\nnext\rlast"})
    spans = [Span("briefs/x.md", n, 1) for n in (1, 2, 3, 4)]
    assert read_lines(site, spans) == {
        ("briefs/x.md", 1): "---",
        ("briefs/x.md", 2): "ti\ufffdtle: x",
        ("briefs/x.md", 3): "next",
        ("briefs/x.md", 4): "last",
    }


def test_an_encoding_error_shows_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    not_utf8 = brief("Text\xff [@quelle#p1].\n").encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    site = make_site({"briefs/x.md": not_utf8})
    lines = _check(site, capsys).splitlines()
    assert lines[0].startswith("briefs/x.md:5:5: error[encoding]")
    assert lines[2:4] == [" 5 | Text\ufffd [@quelle#p1].", "   |     ^"]


# --- the span's width ---------------------------------------------------------------------


def test_the_width_takes_no_part_in_equality_order_or_dedupe() -> None:
    narrow, wide = Span("a.md", 3, 4), Span("a.md", 3, 4, 12)
    assert narrow == wide and hash(narrow) == hash(wide)
    assert not narrow < wide and not wide < narrow
    problems = [error(span, "unknown-anchor", "m", hint="h") for span in (narrow, wide)]
    assert len(sorted_diagnostics(problems)) == 1


def test_the_width_survives_pickling() -> None:
    assert pickle.loads(pickle.dumps(Span("a.md", 3, 4, 12))).width == 12


def test_a_cache_written_before_spans_had_a_width_is_a_cold_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = BuildCache(tmp_path / "cache", b"k" * 32, tmp_path)
    # A table pickled by the site-builder before: a span's state was (path, line, col).
    monkeypatch.setattr(Span, "__getstate__", lambda self: (self.path, self.line, self.col))
    cache.write("documents-00", ("old", {"a.md": Span("a.md", 3, 4)}))
    monkeypatch.undo()
    assert cache.read("documents-00") is None
