"""Hostile front matter and files: each gives a clear diagnostic at the right place, or
safe output; never a traceback, a hang, or a file read from outside the site.

Readable cases live in ``tests/cases/hostile_front_matter.txt`` and ``hostile_files.txt``;
here are those a case file cannot hold: raw control characters, CRLF, huge or deep
inputs, symbolic links, names that differ only in Unicode form, timing bounds.
"""

from __future__ import annotations

import os
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from site_builder.check.passages import closest_passage
from site_builder.cli import main
from site_builder.diagnostics import Diagnostic
from site_builder.load import front_matter
from site_builder.load.front_matter import decode
from site_builder.load.limits import MAX_FILE_BYTES
from site_builder.load.load_briefs import load_brief
from site_builder.load.load_sources import load_source
from site_builder.load.markdown import create_markdown
from site_builder.pipeline import CheckOptions, check_site
from tests.conftest import MakeSite
from tests.sitefiles import brief


@pytest.fixture(scope="module")
def md() -> MarkdownIt:
    return create_markdown()


def found(problems: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[tuple[str, str]]:
    return [(str(p.span), p.code) for p in problems]


def head(*lines: str) -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n"


BODY = "Text [@quelle#p1].\n"

# --- front matter ---------------------------------------------------------------------


def test_a_10000_character_title_is_too_long_and_not_quoted(md: MarkdownIt) -> None:
    text = head("title: " + "x" * 10_000, "date: 2025-02-27") + BODY
    result, problems = load_brief("briefs/b.md", text.encode(), md)
    assert found(problems) == [("briefs/b.md:2:8", "value-too-long")]
    assert problems[0].message == "'title' has 10,000 characters; at most 200 are allowed"
    assert result is not None and result.title == "b"


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"],
    ids=["NUL", "SOH", "BS", "VT", "FF", "ESC", "DEL", "NEL", "CSI", "LS", "PS"],
)
def test_a_raw_control_character_is_reported_where_it_stands(md: MarkdownIt, char: str) -> None:
    """YAML refused most of these with a message without a line, and read NEL, U+2028 and
    U+2029 as line breaks, which moved every later diagnostic of the file one line down."""
    text = head(f"title: Kreml{char}Gebiete", "date: 2025-02-27", "tags: Ukraine") + BODY
    result, problems = load_brief("briefs/b.md", text.encode(), md)
    assert found(problems) == [
        ("briefs/b.md:2:13", "control-character"),
        ("briefs/b.md:4:7", "field-type"),
    ]
    assert result is not None and result.title == "Kreml Gebiete"


def test_tab_and_line_breaks_in_values_are_fine(md: MarkdownIt) -> None:
    text = head('title: "Kreml\\tGebiete"', "summary: |", "  Zeile eins", "  Zeile zwei")
    result, problems = load_brief("briefs/b.md", (text + BODY).encode(), md)
    assert found(problems) == [("briefs/b.md:1:1", "missing-field")]  # date
    assert result is not None
    assert (result.title, result.summary) == ("Kreml\tGebiete", "Zeile eins\nZeile zwei")


def test_control_characters_in_site_yaml_are_reported(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": "title: Test\x1bseite\n", "briefs/b.md": brief(BODY)})
    assert main(["check", "--site", str(site)]) == 2


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return head("title: B", "date: 2025-02-27", *lines, f"tags: *a{levels}")


def test_an_alias_bomb_is_refused_quickly(md: MarkdownIt) -> None:
    text = billion_laughs() + BODY  # 9**10 "lol"s if anything expanded it
    started = time.perf_counter()
    result, problems = load_brief("briefs/b.md", text.encode(), md)
    assert time.perf_counter() - started < 1
    assert {p.code for p in problems} == {"yaml-alias", "unknown-field", "field-type"}
    assert [str(p.span) for p in problems if p.code == "yaml-alias"][:2] == [
        "briefs/b.md:5:10",
        "briefs/b.md:6:10",
    ]
    assert result is not None and result.tags == ()


def test_an_alias_bomb_in_a_site_is_checked_quickly(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": billion_laughs() + BODY})
    started = time.perf_counter()
    result = check_site(site, CheckOptions())
    assert time.perf_counter() - started < 5
    assert "yaml-alias" in {d.code for d in result.diagnostics}


def deep_documents() -> dict[str, str]:
    depth = 10_000
    return {
        "flow lists": "title: " + "[" * depth + "]" * depth,
        "flow mappings": "title: " + "{a: " * depth + "b" + "}" * depth,
        "block lists": "title:\n" + "".join(" " * i + "-\n" for i in range(1, 400)),
    }


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
@pytest.mark.parametrize("shape", sorted(deep_documents()))
def test_nesting_10000_deep_is_a_diagnostic_not_a_recursion_error(
    md: MarkdownIt, monkeypatch: pytest.MonkeyPatch, loader: str, shape: str
) -> None:
    """libyaml stops at 1,000 levels; PyYAML's pure-Python composer recurses once per
    level and raised RecursionError, which the YAML error handling did not catch."""
    if loader == "pure-python":
        monkeypatch.setattr(front_matter, "_Loader", yaml.SafeLoader)
    text = head(deep_documents()[shape], "date: 2025-02-27") + BODY
    result, problems = load_brief("briefs/b.md", text.encode(), md)
    assert result is not None
    codes = {p.code for p in problems}
    assert codes <= {"yaml-syntax", "field-type"}, problems
    if "yaml-syntax" in codes:
        [problem] = problems
        assert problem.message == "front matter is nested too deeply"


@pytest.mark.parametrize("value", ["NO", "yes", "010", "12:30:00", "0x1F", "1e3", ".inf", "0o17"])
def test_yaml_1_1_values_stay_text(md: MarkdownIt, value: str) -> None:
    text = head(f"title: {value}", "date: 2025-02-27", f"tags: [{value}]", f"summary: {value}")
    result, problems = load_brief("briefs/b.md", (text + BODY).encode(), md)
    assert problems == []
    assert result is not None
    assert (result.title, result.tags, result.summary) == (value, (value,), value)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("title: ~", "empty-field"),
        ("draft: yes", "field-type"),
        ("draft: NO", "field-type"),
        ("date: 12:30:00", "bad-date"),
        ("date: 0x1F", "bad-date"),
        ("tags: [a, ~]", "field-type"),
    ],
)
def test_yaml_1_1_values_where_a_kind_is_required_are_reported(
    md: MarkdownIt, line: str, code: str
) -> None:
    key = line.split(":", maxsplit=1)[0]
    fields = [f for f in ("title: T", "date: 2025-02-27") if not f.startswith(key)]
    _, problems = load_brief("briefs/b.md", (head(*fields, line) + BODY).encode(), md)
    assert [p.code for p in problems] == [code]


def test_a_file_over_1_mib_is_not_read(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = brief("Text [@quelle#p1].\n" + "x" * MAX_FILE_BYTES)
    site = make_site({"briefs/big.md": big, "briefs/b.md": brief(BODY)})
    real = Path.read_bytes

    def only_small(self: Path) -> bytes:
        assert self.name != "big.md", "a file over the cap must not be read"
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", only_small)
    result = check_site(site, CheckOptions())
    assert [(str(d.span), d.code, d.message) for d in result.diagnostics] == [
        (
            "briefs/big.md:1:1",
            "file-too-large",
            "the file has 1.0 MiB (1,048,639 bytes); files over 1 MiB are not read",
        )
    ]
    assert [b.path for b in result.corpus.briefs] == ["briefs/b.md"]


def test_the_loaders_refuse_more_than_1_mib_too(md: MarkdownIt) -> None:
    data = b"x" * (MAX_FILE_BYTES + 1)
    assert found(load_source("content/s.md", data, md)[1]) == [
        ("content/s.md:1:1", "file-too-large")
    ]
    assert decode(b"x" * MAX_FILE_BYTES, "x.md")[0] is not None


MESSY = (
    "---\ntitle: T\ndate: 2025-02-30\ntags: x\n---\n"
    "Erster Satz [@quelle#p1] und\nzweiter „Zitat“ [@quelle#p9].\n\n- Punkt [@x]\n"
)


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_crlf_and_cr_line_endings_keep_every_position(md: MarkdownIt, ending: str) -> None:
    expected_result, expected = load_brief("briefs/b.md", MESSY.encode(), md)
    text = MESSY.replace("\n", ending)
    result, problems = load_brief("briefs/b.md", text.encode(), md)
    assert found(problems) == found(expected)
    assert found(problems) == [
        ("briefs/b.md:3:7", "bad-date"),
        ("briefs/b.md:4:7", "field-type"),
    ]
    assert result is not None and expected_result is not None
    assert [(g.span, g.quotes) for g in result.citations] == [
        (g.span, g.quotes) for g in expected_result.citations
    ]
    assert [str(g.span) for g in result.citations] == [
        "briefs/b.md:6:13",
        "briefs/b.md:7:17",
        "briefs/b.md:9:9",
    ]


def test_crlf_with_a_bom_keeps_every_position(md: MarkdownIt) -> None:
    data = b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode()
    _, problems = load_brief("briefs/b.md", data, md)
    assert found(problems) == [
        ("briefs/b.md:1:1", "bom"),
        ("briefs/b.md:3:7", "bad-date"),
        ("briefs/b.md:4:7", "field-type"),
    ]


def test_an_encoding_error_after_cr_line_ends_is_on_its_line() -> None:
    """Only LF was counted: with CR line ends the whole file was line 1 (found by fuzzing)."""
    _, problems = decode(b"---\rtitle: K\xe4se\r---\r", "briefs/b.md")
    assert found(problems) == [("briefs/b.md:2:9", "encoding")]


def test_a_tab_indenting_front_matter_points_at_the_tab(md: MarkdownIt) -> None:
    text = head("title: T", "date: 2025-02-27", "tags:", "  - a", " \t- b") + BODY
    _, problems = load_brief("briefs/b.md", text.encode(), md)
    assert [(str(p.span), p.message) for p in problems] == [
        ("briefs/b.md:6:2", "front matter is indented with a tab")
    ]


def test_a_date_time_outside_utc_years_is_a_diagnostic_not_a_crash_in_build(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It passed check, then sorting the briefs (UTC) raised OverflowError during build."""
    site = make_site(
        {"briefs/b.md": brief(BODY, head("title: T", "date: 0001-01-01T00:30:00+01:00"))}
    )
    assert main(["build", "--site", str(site), "--out", str(tmp_path / "out"), "--no-search"]) == 1
    assert "error[bad-date]: 'date': '0001-01-01T00:30:00+01:00' lies outside" in (
        capsys.readouterr().out
    )


def test_a_huge_value_is_quoted_shortly(md: MarkdownIt) -> None:
    text = head("title: T", "date: 2025-02-27", "draft: " + "y" * 5000, "z" * 1000 + ": 1")
    _, problems = load_brief("briefs/b.md", (text + BODY).encode(), md)
    assert [p.code for p in problems] == ["field-type", "unknown-field"]
    assert all(len(p.message) < 200 and len(p.hint or "") < 300 for p in problems)


def test_a_terminal_escape_in_a_file_is_printed_as_text(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": brief("Er sagte „\x1b]0;pwned\x07“ [@quelle#p1].\n")})
    assert main(["check", "--site", str(site)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "„\\x1b]0;pwned\\x07“ does not stand in quelle#p1" in out


def test_the_closest_passage_of_a_failed_quote_is_found_quickly() -> None:
    """Every window of the paragraph was compared with difflib: a minute for this one."""
    paragraph = " ".join(f"wort{i % 97}" for i in range(20_000))
    started = time.perf_counter()
    passage = closest_passage("wort5 wort6 wort7 wort8 xort9 wort10", paragraph)
    assert time.perf_counter() - started < 2
    assert passage.text == "wort5 wort6 wort7 wort8 wort9 wort10"
    assert closest_passage("wort1 " * 100, paragraph).text == ""  # over 500 characters


# --- files ----------------------------------------------------------------------------


def test_a_link_to_a_file_outside_the_site_is_not_read(make_site: MakeSite, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Geheim\n---\nGeheimer Absatz.\n", "utf-8")
    site = make_site({"briefs/b.md": brief(BODY)})
    (site / "content" / "x.md").symlink_to(secret)
    if Path("/etc/passwd").exists():
        (site / "content" / "passwd.md").symlink_to("/etc/passwd")
    result = check_site(site, CheckOptions())
    outside = [str(d.span) for d in result.diagnostics if d.code == "outside-site"]
    assert outside == ["content/passwd.md:1:1", "content/x.md:1:1"][-len(outside) :]
    assert "content/x.md:1:1" in outside
    assert [s.path for s in result.corpus.sources] == ["content/quelle.md"]


def test_a_content_folder_linking_outside_the_site_is_not_read(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """Only linked files were checked: a linked content/ itself was walked and read."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "geheim.md").write_text("---\ntitle: Geheim\n---\nAbsatz.\n", "utf-8")
    site = make_site({"briefs/b.md": brief("Text [@geheim#p1].\n")}, defaults=False)
    (site / "site.yaml").write_text("title: T\n", "utf-8")
    (site / "content").symlink_to(elsewhere)
    result = check_site(site, CheckOptions())
    assert found(result.diagnostics) == [
        ("briefs/b.md:5:7", "unknown-source"),
        ("content:1:1", "outside-site"),
    ]


def test_a_link_loop_or_a_dangling_link_is_a_diagnostic(make_site: MakeSite) -> None:
    """A link loop raised RuntimeError in discover: a traceback instead of a report."""
    site = make_site({"briefs/b.md": brief(BODY)})
    (site / "content" / "loop.md").symlink_to("loop.md")
    (site / "content" / "nothing.md").symlink_to("missing.md")
    result = check_site(site, CheckOptions())
    assert found(result.diagnostics) == [
        ("content/loop.md:1:1", "unreadable-file"),
        ("content/nothing.md:1:1", "unreadable-file"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_never_opened(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": brief(BODY)})
    os.mkfifo(site / "content" / "pipe.md")
    result = check_site(site, CheckOptions())  # opening it would block forever
    assert found(result.diagnostics) == [("content/pipe.md:1:1", "unreadable-file")]


@pytest.mark.skipif(sys.platform != "linux", reason="Linux stores any bytes as a name")
def test_a_file_name_that_is_not_utf8_is_reported_printably(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": brief(BODY)})
    with open(os.fsencode(site / "briefs") + b"/K\xe4se.md", "wb") as stream:
        stream.write(brief(BODY).encode())
    assert main(["check", "--site", str(site)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "briefs/K\\xe4se.md:1:1: error[bad-file-name]: the name is not UTF-8 (made on a "
        "system with another encoding); it is not read"
    )


def test_names_equal_after_nfc_and_case_folding_are_one_error_naming_both(
    make_site: MakeSite,
) -> None:
    composed, decomposed = "briefs/Über.md", unicodedata.normalize("NFD", "briefs/über.md")
    site = make_site(
        {composed: brief(BODY), decomposed: brief(BODY), "briefs/A.md": brief(BODY)}
        | {"briefs/a.md": brief(BODY)}
    )
    result = check_site(site, CheckOptions())
    assert [(d.span.path, d.code, d.message) for d in result.diagnostics] == [
        (
            "briefs/a.md",
            "file-name-collision",
            "this file and briefs/A.md differ only in case or Unicode form: macOS and "
            "Windows keep only one of them",
        ),
        (
            composed,
            "file-name-collision",
            f"this file and {decomposed} differ only in case or Unicode form: macOS and "
            "Windows keep only one of them",
        ),
    ]
    assert len(result.corpus.briefs) == 2


def test_the_same_name_in_two_unicode_forms_is_explained(make_site: MakeSite) -> None:
    name = "briefs/Übergabe.md"
    site = make_site({name: brief(BODY), unicodedata.normalize("NFD", name): brief(BODY)})
    [problem] = check_site(site, CheckOptions()).diagnostics
    assert problem.code == "file-name-collision"
    assert "are one name in two Unicode forms" in problem.message


@pytest.mark.parametrize(
    "name", ["con.md", "aux.md", "nul.md", "com1.md", "lpt1.md", "CON.md", "Nul.tar.md"]
)
def test_windows_device_names_are_errors(make_site: MakeSite, name: str) -> None:
    site = make_site({f"briefs/{name}": brief(BODY)})
    assert found(check_site(site, CheckOptions()).diagnostics) == [
        (f"briefs/{name}:1:1", "reserved-file-name")
    ]


@pytest.mark.parametrize("folder", ["entwurf.", "entwurf "])
def test_a_folder_ending_in_a_dot_or_space_is_an_error(make_site: MakeSite, folder: str) -> None:
    site = make_site({f"briefs/{folder}/b.md": brief(BODY)})
    assert found(check_site(site, CheckOptions()).diagnostics) == [
        (f"briefs/{folder}:1:1", "reserved-file-name")
    ]


def test_a_250_character_file_name_is_a_diagnostic(make_site: MakeSite) -> None:
    name = "x" * 250
    site = make_site({f"briefs/{name}.md": brief(BODY)})
    [problem] = check_site(site, CheckOptions()).diagnostics
    assert (problem.code, problem.span.path) == ("name-too-long", f"briefs/{name}.md")
    assert problem.message == (
        f"the file name makes the URL slug '{'x' * 59}…' of 250 characters; at most 200 are allowed"
    )


@pytest.mark.parametrize("where", ["file name", "tag"])
def test_a_slug_over_255_bytes_stops_the_build_with_a_diagnostic_not_an_oserror(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """A "㎯" has 3 bytes in a file name and 6 in a slug ("rad-s2"): the build wrote a
    folder name of 500 bytes and stopped with "File name too long" (exit 2)."""
    wide = "㎯" * 84  # 252 bytes: a valid file name
    files = {f"briefs/{wide}.md": brief(BODY)}
    if where == "tag":
        files = {
            "briefs/b.md": brief(BODY, head("title: T", "date: 2025-02-27", f"tags: [{wide}]"))
        }
    site = make_site(files)
    assert main(["build", "--site", str(site), "--out", str(tmp_path / "out"), "--no-search"]) == 1
    assert "error[name-too-long]" in capsys.readouterr().out
