"""The ``serve-edit-brief`` benchmark: one process, the site loaded once, each edit timed,
the brief put back."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import serve_edit
from benchmarks.corpus import generate
from site_builder.cli import main


def test_each_edit_is_timed_and_the_brief_is_put_back(tmp_path: Path) -> None:
    site = tmp_path / "site"
    generate(site, briefs=12, seed=3)
    assert main(["lock", "--site", str(site)]) == 0
    before = {path: path.read_bytes() for path in sorted(site.rglob("*.md"))}
    results = tmp_path / "results.json"
    argv = [str(site), str(tmp_path / "out"), "--edits=2", f"--json={results}"]
    assert serve_edit.main(argv) == 0
    found = json.loads(results.read_text("utf-8"))
    assert len(found["seconds"]) == len(found["cpu_seconds"]) == 2
    assert all(seconds > 0 for seconds in found["seconds"]) and found["peak_kib"] > 0
    assert {path: path.read_bytes() for path in sorted(site.rglob("*.md"))} == before
    assert (tmp_path / "out" / "index.html").exists()
