"""Issue 15, point 6: small things a user trips over (a closed pipe, a relative base_url,
the first failed build, which stream gets what)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.pipeline import BuildOptions, build_site
from tests.conftest import MakeSite
from tests.sitefiles import brief

BAD = brief("Text [@quelle#p9].\n")


def _read_first_line_then_close(*args: str) -> tuple[int, bytes, bytes]:
    """Run ``site-builder ARGS | head -1``: read one line of stdout, close the pipe, wait.
    The exit status, the first line and stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=60), first, stderr


@pytest.fixture
def many_errors(make_site: MakeSite) -> Path:
    # More diagnostics than a pipe buffer holds (64 KiB): the writer meets the closed pipe.
    return make_site({f"briefs/b{n}.md": BAD for n in range(1000)})


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_closed_pipe_keeps_the_exit_status_of_content_errors(
    many_errors: Path, command: str
) -> None:
    status, first, stderr = _read_first_line_then_close(command, "--site", str(many_errors))
    assert first.startswith(b"briefs/b0.md:5:7: error[unknown-anchor]")
    assert status == 1
    assert b"Traceback" not in stderr
    assert b"BrokenPipeError" not in stderr


def test_a_closed_pipe_after_a_clean_listing_is_success(make_site: MakeSite) -> None:
    paragraphs = "\n\n".join(f"Absatz {n} mit etwas Text darin." for n in range(4000))
    site = make_site({"content/lang.md": f"---\ntitle: Lang\noutlet: X\n---\n{paragraphs}\n"})
    status, first, stderr = _read_first_line_then_close("anchors", "lang", "--site", str(site))
    assert first.startswith(b"lang: Lang")
    assert status == 0
    assert stderr == b""


def test_anchors_of_a_source_with_errors_keep_exit_1_through_a_closed_pipe(
    make_site: MakeSite,
) -> None:
    paragraphs = "\n\n".join(f"Absatz {n} mit etwas Text darin." for n in range(4000))
    # Too deep a nesting is an error of the source file; its other paragraphs still list.
    deep = ">" * 200 + " tief"
    text = f"---\ntitle: Lang\noutlet: X\n---\n{paragraphs}\n\n{deep}\n"
    site = make_site({"content/lang.md": text})
    assert main(["anchors", "lang", "--site", str(site)]) == 1  # the premise
    status, _, stderr = _read_first_line_then_close("anchors", "lang", "--site", str(site))
    assert status == 1
    assert b"Traceback" not in stderr


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    output = capsys.readouterr()
    return code, output.out, output.err


NO_BASE_URL = "title: Testseite\nlanguage: de\n"


def test_a_build_without_base_url_warns_at_site_yaml(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"site.yaml": NO_BASE_URL})
    code, out, _ = _run(capsys, "build", "--no-search", "--site", str(site))
    assert code == 0  # a warning: the site is still built
    assert (site / "public/index.html").is_file()
    assert out.startswith(
        "site.yaml:1:1: warning[relative-base-url]: the site has no 'base_url' in site.yaml, "
        "not an absolute URL: the feed and the sitemap cannot give full addresses\n"
        "  hint: set base_url in site.yaml"
    )


def test_a_build_with_a_path_as_base_url_warns_and_strict_refuses_it(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()  # base_url: https://example.org/ on line 2, overridden by a path
    out_dir = site / "out"
    args = ("build", "--no-search", "--site", str(site), "--out", str(out_dir))
    code, out, _ = _run(capsys, *args, "--base-url", "/news/", "--strict")
    assert code == 1
    assert out.startswith(
        "site.yaml:2:11: error[relative-base-url]: --base-url /news/ is a path, not an absolute URL"
    )
    assert not out_dir.exists()
    code, out, _ = _run(capsys, *args, "--base-url", "/news/")
    assert code == 0
    assert "warning[relative-base-url]" in out


def test_an_absolute_base_url_from_the_command_line_needs_none_in_site_yaml(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"site.yaml": NO_BASE_URL})
    args = ("build", "--no-search", "--strict", "--site", str(site))
    code, out, _ = _run(capsys, *args, "--base-url", "https://example.org/")
    assert code == 0
    assert "relative-base-url" not in out


def test_check_and_serve_do_not_warn_of_a_relative_base_url(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"site.yaml": NO_BASE_URL})
    code, out, _ = _run(capsys, "check", "--strict", "--site", str(site))
    assert (code, "relative-base-url" in out) == (0, False)
    options = BuildOptions(out=site / "preview", search=False, warn_relative_base_url=False)
    result = build_site(site, options)  # what serve builds with (see run_serve)
    assert result.written and result.check.diagnostics == ()


def test_the_first_failed_build_says_nothing_was_written(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": BAD})
    out = site / "public"
    code, out_text, err = _run(capsys, "build", "--no-search", "--site", str(site))
    assert code == 1
    assert not out.exists()
    assert "was left as it was" not in out_text + err
    assert out_text.endswith(f"not built: nothing was written to {out}\n")


def test_a_failed_write_of_a_first_build_says_nothing_was_written(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site()
    out = site / "public"

    def full(self: Path, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    code, _, err = _run(capsys, "build", "--no-search", "--site", str(site))
    assert code == 2
    assert not out.exists()
    assert err.endswith(f"No space left on device; nothing was written to {out}\n")


GOOD = brief("Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n")


def test_success_lines_go_to_stdout_after_the_report(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": GOOD})
    code, out, err = _run(capsys, "check", "--site", str(site))
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "ok: 1 brief and 1 source checked, no problems",
        "citations.lock: recorded 1 citation change; commit it with the briefs",
    ]
    code, out, err = _run(capsys, "build", "--no-search", "--site", str(site))
    assert code == 0 and err == ""
    ok, built = out.splitlines()
    assert ok == "ok: 1 brief and 1 source checked, no problems"
    assert re.fullmatch(f"built [0-9]+ files into {re.escape(str(site / 'public'))}", built)


def test_beside_json_stdout_holds_the_document_alone(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": GOOD})
    for command in (["check"], ["build", "--no-search"]):
        code, out, err = _run(capsys, *command, "--format", "json", "--site", str(site))
        assert code == 0
        assert json.loads(out)["summary"]["errors"] == 0
        assert err.splitlines()[-1].startswith(("citations.lock: recorded", "built "))
