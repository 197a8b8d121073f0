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


def test_during_index_edits_once_serve_rebuilds_the_whole_index(tmp_path: Path) -> None:
    """``--during-index``: the timed edit comes after ``serve`` said it began rebuilding the
    whole index. (On this small site the rebuild is over in a moment, so whether the edit
    stops it is left to ``tests/test_serve.py``.)"""
    site = copy_embedded_site(tmp_path / "site")
    results = tmp_path / "results.json"
    argv = [str(site), "--edits=1", "--during-index", f"--json={results}", "--timeout=120"]
    command = [sys.executable, "-m", "benchmarks.serve_search", *argv]
    done = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    said = done.stderr
    began = said.find("search index: rebuilding the whole index")
    assert 0 <= began < said.index("edit (Kupferdach)"), said
    seconds = json.loads(results.read_text("utf-8"))["seconds"]
    assert len(seconds) == 1 and 0 < seconds[0] < 120
