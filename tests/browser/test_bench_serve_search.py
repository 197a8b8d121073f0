"""The ``serve_search`` benchmark: ``serve`` in a process of its own, edits timed until the
open search page in Chromium lists the edited brief, the brief put back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.support import copy_embedded_site, run_benchmark

pytestmark = pytest.mark.browser


def _timed_edits(site: Path, tmp_path: Path, *options: str) -> tuple[list[float], str]:
    """The seconds ``serve_search`` timed on ``site`` with ``options``, and what it said."""
    results = tmp_path / "results.json"
    done = run_benchmark("serve_search", str(site), *options, f"--json={results}", "--timeout=120")
    seconds: list[float] = json.loads(results.read_text("utf-8"))["seconds"]
    return seconds, done.stderr


def test_each_edit_is_timed_until_search_finds_it_and_the_brief_is_put_back(
    tmp_path: Path,
) -> None:
    site = copy_embedded_site(tmp_path / "site")
    before = {path: path.read_bytes() for path in sorted(site.rglob("*.md"))}
    seconds, _ = _timed_edits(site, tmp_path, "--edits=2")
    assert len(seconds) == 2 and all(0 < value < 120 for value in seconds)
    assert {path: path.read_bytes() for path in sorted(site.rglob("*.md"))} == before


def test_during_index_edits_once_serve_rebuilds_the_whole_index(tmp_path: Path) -> None:
    """``--during-index``: the timed edit comes after ``serve`` said it began rebuilding the
    whole index. (On this small site the rebuild is over in a moment, so whether the edit
    stops it is left to ``tests/test_serve.py``.)"""
    site = copy_embedded_site(tmp_path / "site")
    seconds, said = _timed_edits(site, tmp_path, "--edits=1", "--during-index")
    began = said.find("search index: updating")
    assert 0 <= began < said.index("edit (Kupferdach)"), said
    assert len(seconds) == 1 and 0 < seconds[0] < 120
