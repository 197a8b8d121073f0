"""The ``serve_search`` benchmark: ``serve`` in a process of its own, edits timed until the
open search page in Chromium lists the edited brief, the brief put back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.support import ROOT, copy_embedded_site

pytestmark = pytest.mark.browser


def test_each_edit_is_timed_until_search_finds_it_and_the_brief_is_put_back(
    tmp_path: Path,
) -> None:
    site = copy_embedded_site(tmp_path / "site")
    before = {path: path.read_bytes() for path in sorted(site.rglob("*.md"))}
    results = tmp_path / "results.json"
    argv = [str(site), "--edits=2", f"--json={results}", "--timeout=120"]
    # As a user runs it, in a process of its own (this one runs Playwright already).
    command = [sys.executable, "-m", "benchmarks.serve_search", *argv]
    done = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    seconds = json.loads(results.read_text("utf-8"))["seconds"]
    assert len(seconds) == 2 and all(0 < value < 120 for value in seconds)
    assert {path: path.read_bytes() for path in sorted(site.rglob("*.md"))} == before
