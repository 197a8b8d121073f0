"""Issue 15, point 6: small things a user trips over (a closed pipe, a relative base_url,
the first failed build, which stream gets what)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main
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
