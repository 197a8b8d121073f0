"""``serve``'s resident rebuilds: documents and what was made of them stay in memory, and
the output is still a cold build's, byte for byte, after any sequence of edits."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from site_builder.check import incremental
from site_builder.cli import main
from site_builder.load import file_states
from site_builder.load.discover import SiteFiles
from site_builder.model import Brief
from site_builder.output import previous_build
from site_builder.pipeline import BuildOptions, build_site
from site_builder.render import render
from site_builder.render.pages import Page
from site_builder.report_lines import text_report
from site_builder.serve import resident
from site_builder.serve.resident import Resident
from tests.test_build import tree
from tests.test_incremental import EDITS, brief_word, pristine  # noqa: F401  (a fixture)


def _resident_build(site: Path, out: Path, kept: Resident) -> tuple[bool, list[str]]:
    result = build_site(site, BuildOptions(out=out), resident=kept)
    # As the command line prints them, with the lines shown: the spans' widths (not part
    # of a diagnostic's equality) must be a cold build's too.
    return result.written, text_report(result.check.diagnostics, site, colour=False)


def _cold_build(site: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    status = main(["build", "--site", str(site), "--out", str(out), "--no-cache"])
    return status == 0, capsys.readouterr().out


@pytest.mark.parametrize("case", [(3, None), (4, 0)], ids=["seed-3", "seed-4-stat-trusted"])
def test_resident_rebuilds_equal_cold_builds_after_random_edits(
    pristine: Path,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    case: tuple[int, int | None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed, settle_ns = case
    if settle_ns is not None:  # trust stat at once, so unchanged files are never read
        monkeypatch.setattr(file_states, "SETTLE_NS", settle_ns)
        monkeypatch.setattr(previous_build, "SETTLE_NS", settle_ns)
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    served, cold = tmp_path / "served", tmp_path / "cold"
    kept = Resident()
    rng = random.Random(seed)
    edits = rng.sample(EDITS, len(EDITS)) + rng.choices(EDITS, k=4)
    history = []
    for step, edit in enumerate(edits):
        history.append(edit(site, rng))
        written, diagnostics = _resident_build(site, served, kept)
        cold_written, printed = _cold_build(site, cold, capsys)
        assert written == cold_written, f"step {step}: {history}"
        for line in diagnostics:
            assert line in printed, f"step {step}: {history}"
        if written:
            assert tree(served) == tree(cold), f"step {step}: {history}"


def test_a_rebuild_loads_only_the_edited_file_and_reuses_what_was_made(
    pristine: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    keyed: list[str] = []
    page_key = render.page_key

    def counted(page: Page, *args: object, **kwargs: object) -> str | None:
        keyed.append(page.page)
        return page_key(page, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "page_key", counted)
    checked: list[str] = []
    check_one = incremental.checked_brief

    def recorded_check(path: str, *args: object) -> object:
        checked.append(path)
        return check_one(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "checked_brief", recorded_check)
    kept = Resident()
    build_site(site, BuildOptions(out=tmp_path / "out"), resident=kept)
    keyed.clear()
    checked.clear()
    loaded: list[str] = []
    load_documents = resident.load_documents

    def recorded(root: Path, files: SiteFiles, **kwargs: object) -> object:
        loaded.extend(files.every)
        return load_documents(root, files, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(resident, "load_documents", recorded)
    before = dict(kept.documents)
    edited = brief_word(site, random.Random(5))
    assert build_site(site, BuildOptions(out=tmp_path / "out"), resident=kept).written
    changed = [path for path in kept.documents if kept.documents[path] is not before[path]]
    assert loaded == changed, edited
    assert len(changed) == 1 and changed[0].startswith("briefs/")
    # Only the pages made anew are keyed anew: of the briefs' pages, the edited one's.
    brief = kept.documents[changed[0]].document
    assert isinstance(brief, Brief)
    assert [page for page in keyed if page.startswith("briefs/")] == [f"briefs/{brief.slug}/"]
    assert checked == changed  # only the edited brief is checked again
    unchanged = [path for path in before if path not in changed]
    assert all(kept.documents[path].document is before[path].document for path in unchanged)
