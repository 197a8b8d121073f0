"""The ``reader_search`` benchmark: a built site served by a counting server, a first
search in a new Chromium, its bytes by kind and its seconds."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.browser.support import run_benchmark

pytestmark = pytest.mark.browser


def test_a_first_search_is_counted_by_kind_as_a_host_sends_it(
    built_site: Path, tmp_path: Path
) -> None:
    results = tmp_path / "results.json"
    argv = [str(built_site), "--query=Kreml", "--runs=2", f"--json={results}", "--timeout=60"]
    run_benchmark("reader_search", *argv)
    (result,) = json.loads(results.read_text("utf-8"))
    assert result["query"] == "Kreml" and "Treffer für „Kreml“" in result["status"]
    assert len(result["runs"]) == 2 and 0 < result["seconds"] < 60
    kinds = result["kb_by_kind"]
    # The page, its script, Pagefind's metadata, WebAssembly, index chunk and records.
    assert {"html", "js", "pf_meta", "pagefind", "pf_index", "pf_fragment"} <= set(kinds)
    assert "pf_filter" not in kinds  # no filter unless the reader sets one
    # Pagefind's files count as stored (compressed already), text as gzip sends it.
    meta = next((built_site / "pagefind").glob("*.pf_meta"))
    assert kinds["pf_meta"] == round(meta.stat().st_size / 1024, 1)
    page = (built_site / "search" / "index.html").read_bytes()
    assert kinds["html"] == round(len(gzip.compress(page, 6, mtime=0)) / 1024, 1)
    assert result["kb"] == pytest.approx(sum(kinds.values()), abs=0.5)
