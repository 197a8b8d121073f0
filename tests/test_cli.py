"""Each command as a user runs it: output, files written and exit status (0/1/2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import MakeSite
from tests.sitefiles import brief

GOOD = brief("Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n")
BAD = brief("Text [@quelle#p9].\n")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    output = capsys.readouterr()
    return code, output.out, output.err


def test_check_json_format(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"briefs/b.md": BAD})
    code, out, _ = run(capsys, "check", "--format", "json", "--site", str(site))
    assert code == 1
    document = json.loads(out)
    assert document["summary"] == {"errors": 1, "warnings": 0, "briefs": 1, "sources": 1}
    [record] = document["diagnostics"]
    assert record == {
        "path": "briefs/b.md",
        "line": 5,
        "column": 7,
        "severity": "error",
        "code": "unknown-anchor",
        "message": "source 'quelle' has no anchor 'p9' (it has p1–p4, istanbul)",
        "hint": "did you mean 'p4'? 'site-builder anchors quelle' lists them",
        "details": [],
    }


def test_check_github_format_escapes_for_workflow_commands(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": BAD})
    code, out, _ = run(capsys, "check", "--format", "github", "--site", str(site))
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=briefs/b.md,line=5,col=7,title=unknown-anchor::source 'quelle' has no "
        "anchor 'p9' (it has p1–p4, istanbul)%0Ahint: did you mean 'p4'? 'site-builder "
        "anchors quelle' lists them"
    )


def test_strict_turns_warnings_into_errors(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": GOOD})
    assert run(capsys, "check", "--site", str(site))[0] == 0
    quelle = site / "content/quelle.md"
    quelle.write_text(quelle.read_text("utf-8").replace("sagte Peskow", "sagte er"), "utf-8")
    code, out, _ = run(capsys, "check", "--site", str(site))
    assert code == 0 and "warning[stale-citation]" in out
    code, out, _ = run(capsys, "check", "--strict", "--site", str(site))
    assert code == 1 and "error[stale-citation]" in out


def test_colour_only_when_asked_or_on_a_terminal(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"briefs/b.md": BAD})
    assert "\033[" not in run(capsys, "check", "--site", str(site))[1]
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\033[1;31merror[unknown-anchor]\033[0m" in run(capsys, "check", "--site", str(site))[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in run(capsys, "check", "--site", str(site))[1]


def test_folder_that_is_no_site_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", "--site", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith(f"{tmp_path}:1:1: error[no-site]: '{tmp_path}' is not a site")


def test_bad_site_yaml_is_a_configuration_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"site.yaml": "title: T\nbase_ulr: https://example.org/\n"})
    code, _, err = run(capsys, "check", "--site", str(site))
    assert code == 2
    assert err.splitlines() == [
        "site.yaml:2:1: error[unknown-field]: unknown field 'base_ulr' in site.yaml",
        "   |",
        " 2 | base_ulr: https://example.org/",
        "   | ^^^^^^^^",
        "   = hint: did you mean 'base_url'? site.yaml fields are: title, description, base_url, "
        "language, require_citation_per_paragraph",
    ]


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--no-such-option"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_anchors_lists_every_anchor_with_line_and_text(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    code, out, _ = run(capsys, "anchors", "quelle", "--site", str(site))
    assert code == 0
    assert out.splitlines() == [
        "quelle: Kreml schließt Rückgabe aus (content/quelle.md, p1–p4, istanbul)",
        '  p1            L6    Der Status der Territorien sei "unbestreitbar und nicht '
        'verhandelbar", s…',
        "  p2 ^istanbul  L8    In Istanbul trafen Vertreter der USA und Russlands zusammen.",
        "  p3            L12   Die Ukraine weist die Erklärung des Kremls zurück.",
        '  p4            L14   Es sei "lächerlich zu sehen, wie die russischen Verantwortlichen '
        "sich au…",
    ]


def test_anchors_grep_shows_matching_paragraphs(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    code, out, _ = run(capsys, "anchors", "quelle", "--grep", "ukraine", "--site", str(site))
    assert code == 0
    assert out.splitlines()[1:] == [
        "  p3            L12   Die Ukraine weist die Erklärung des Kremls zurück."
    ]
    code, out, _ = run(capsys, "anchors", "quelle", "--grep", "Kiew", "--site", str(site))
    assert out.splitlines()[1:] == ["  no paragraph contains 'Kiew'"]


def test_anchors_of_unknown_source_is_a_usage_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "anchors", "quele", "--site", str(make_site()))
    assert code == 2
    assert err == (
        "site-builder: error: there is no source 'quele'; did you mean 'quelle'? sources: quelle\n"
    )


def test_new_creates_a_draft_brief_that_the_checker_reads(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    code, out, _ = run(
        capsys,
        "new",
        "Kreml: Gebiete „nicht verhandelbar“",
        "--date",
        "2025-02-27",
        "--site",
        str(site),
    )
    assert code == 0
    assert out.splitlines()[0] == (
        "created briefs/kreml-gebiete-nicht-verhandelbar.md (a draft: set 'draft: false' "
        "to publish)"
    )
    text = (site / "briefs/kreml-gebiete-nicht-verhandelbar.md").read_text("utf-8")
    assert text.startswith("---\ntitle: 'Kreml: Gebiete „nicht verhandelbar“'\ndate: 2025-02-27\n")
    assert "draft: true\n" in text
    code, out, _ = run(capsys, "check", "--site", str(site))
    assert code == 1
    assert out.splitlines()[0] == (
        "briefs/kreml-gebiete-nicht-verhandelbar.md:8:1: error[no-citations]: brief cites no source"
    )


def test_new_refuses_to_overwrite(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"briefs/meldung.md": GOOD})
    code, _, err = run(capsys, "new", "Meldung", "--site", str(site))
    assert code == 2
    assert "briefs/meldung.md exists already" in err
    assert (site / "briefs/meldung.md").read_text("utf-8") == GOOD


@pytest.mark.parametrize("where", ["missing/site", "empty"])
def test_new_refuses_a_folder_that_is_no_site(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --site used to become a new folder holding one brief."""
    (tmp_path / "empty").mkdir()
    folder = tmp_path / where
    code, _, err = run(capsys, "new", "Meldung", "--site", str(folder))
    assert code == 2
    assert "no-site" in err
    assert not (folder / "briefs").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_new_with_impossible_date_is_a_usage_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "new", "X", "--date", "2024-02-30", "--site", str(make_site()))
    assert code == 2
    assert "Februar 2024 has 29 days" in err


def test_lock_reports_what_it_accepted(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": GOOD})
    code, out, _ = run(capsys, "lock", "--site", str(site))
    assert (code, out) == (
        0,
        "citations.lock: 1 cited paragraph locked (1 new citation recorded)\n",
    )
    code, out, _ = run(capsys, "lock", "--site", str(site))
    assert (code, out) == (0, "citations.lock: 1 cited paragraph locked\n")


def test_lock_still_reports_content_errors(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": BAD})
    code, out, _ = run(capsys, "lock", "--site", str(site))
    assert code == 1
    assert "error[unknown-anchor]" in out


def test_schema_command_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).parent.parent
    for kind in ("brief", "source", "page"):
        code, out, _ = run(capsys, "schema", kind)
        assert code == 0
        assert json.loads(out) == json.loads((root / f"schemas/{kind}.schema.json").read_text())


def test_module_entry_point_runs(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": GOOD})
    completed = subprocess.run(
        [sys.executable, "-m", "site_builder", "check", "--frozen", "--site", str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "error[unlocked-citation]" in completed.stdout


def test_closed_pipe_ends_quietly_with_the_content_status(make_site: MakeSite) -> None:
    briefs = {f"briefs/b{n}.md": BAD for n in range(1000)}  # more than a pipe buffer
    site = make_site(briefs)
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "check", "--site", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # like `site-builder check | head -1`
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 1  # the errors found, not the pipe, decide it
    assert first.startswith(b"briefs/b0.md:5:7: error[unknown-anchor]")
    assert b"Traceback" not in stderr


def test_new_keeps_a_time_of_day(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site()
    code, _, _ = run(capsys, "new", "Eilmeldung", "--date", "2025-02-27T10:30", "--site", str(site))
    assert code == 0
    assert "date: 2025-02-27 10:30:00\n" in (site / "briefs/eilmeldung.md").read_text("utf-8")
