"""``serve``'s resident rebuilds: documents and what was made of them stay in memory, and
the output is still a cold build's, byte for byte, after any sequence of edits."""

from __future__ import annotations

import random
import re
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
from site_builder.render import pages, render
from site_builder.render.pages import Page
from site_builder.report_lines import text_report
from site_builder.serve import resident
from site_builder.serve.resident import Resident
from site_builder.serve.watch import look_at_inputs
from tests.test_build import tree
from tests.test_incremental import (  # noqa: F401  (pristine: a fixture)
    EDITS,
    _briefs,
    brief_delete,
    brief_new,
    brief_word,
    pristine,
)


def brief_date(site: Path, rng: random.Random) -> str:
    """A brief moved in the site's order: its date set to another (maybe another brief's)."""
    path = rng.choice(_briefs(site))
    day = f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    text = re.sub(r"\ndate: [^\n]*", f"\ndate: {day}", path.read_text("utf-8"), count=1)
    path.write_text(text, "utf-8")
    return f"date {day} of {path.name}"


def brief_tag_spelling(site: Path, rng: random.Random) -> str:
    """A tag of a brief spelled otherwise (same slug): enough of them rename the tag on
    every page that shows it, also on cards of briefs that were not edited."""
    path = rng.choice([p for p in _briefs(site) if '\ntags: ["' in p.read_text("utf-8")])
    text = path.read_text("utf-8")
    found = re.search(r'\ntags: \["([^"]+)"', text)
    assert found is not None
    spelling = rng.choice([str.upper, str.lower, str.title])(found.group(1))
    path.write_text(text[: found.start(1)] + spelling + text[found.end(1) :], "utf-8")
    return f"tag {spelling} on {path.name}"


# What moves briefs across the pages of a paragraph's citing list, besides EDITS; and
# tags renamed by the spelling most of their briefs use.
LIST_EDITS = [brief_date, brief_date, brief_new, brief_delete, brief_word]
LIST_EDITS += [brief_tag_spelling] * 4


def _resident_build(
    site: Path, out: Path, kept: Resident, looked: bool = False
) -> tuple[bool, list[str]]:
    """A resident build; ``looked``: handed the watcher's look at the inputs, as ``serve``
    hands it (then the site's files are found in the look: ``discover_look``)."""
    kept.inputs = look_at_inputs(site, out)[1] if looked else None
    try:
        result = build_site(site, BuildOptions(out=out), resident=kept)
    finally:
        kept.inputs = None
    # As the command line prints them, with the lines shown: the spans' widths (not part
    # of a diagnostic's equality) must be a cold build's too.
    return result.written, text_report(result.check.diagnostics, site, colour=False)


def _cold_build(site: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    status = main(["build", "--site", str(site), "--out", str(out), "--no-cache"])
    return status == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    "case",
    [
        (3, None, False, False),
        (4, 0, False, False),
        (5, None, True, False),
        (6, 0, False, True),
        (7, None, True, True),
    ],
    ids=[
        "seed-3",
        "seed-4-stat-trusted",
        "seed-5-short-citing-lists",
        "seed-6-looked-stat-trusted",
        "seed-7-looked-short-citing-lists",
    ],
)
def test_resident_rebuilds_equal_cold_builds_after_random_edits(
    pristine: Path,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    case: tuple[int, int | None, bool, bool],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed, settle_ns, short_lists, looked = case
    edits_to_make = EDITS
    if short_lists:
        # Boxes of one brief and listings of two a page: the generated site's citing
        # lists then span pages, and edits move briefs across their boundaries.
        monkeypatch.setattr(pages, "CITED_IN_SHOWN", 1)
        monkeypatch.setattr(pages, "CITING_PER_PAGE", 2)
        edits_to_make = EDITS + LIST_EDITS
    if settle_ns is not None:  # trust stat at once, so unchanged files are never read
        monkeypatch.setattr(file_states, "SETTLE_NS", settle_ns)
        monkeypatch.setattr(previous_build, "SETTLE_NS", settle_ns)
        monkeypatch.setattr(resident, "SETTLE_NS", settle_ns)  # (a look's folders too)
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    served, cold = tmp_path / "served", tmp_path / "cold"
    kept = Resident()
    rng = random.Random(seed)
    edits = rng.sample(edits_to_make, len(edits_to_make)) + rng.choices(edits_to_make, k=4)
    history = []
    spanned = 0  # pages 2, 3 … of paragraphs' citing lists seen
    for step, edit in enumerate(edits):
        history.append(edit(site, rng))
        written, diagnostics = _resident_build(site, served, kept, looked)
        cold_written, printed = _cold_build(site, cold, capsys)
        assert written == cold_written, f"step {step}: {history}"
        for line in diagnostics:
            assert line in printed, f"step {step}: {history}"
        if written:
            built = tree(served)
            assert built == tree(cold), f"step {step}: {history}"
            spanned += sum(bool(_LATER_CITING.fullmatch(path)) for path in built)
    # The short lists did what they are for: citing lists of more than one page.
    assert spanned or not short_lists


_LATER_CITING = re.compile(r"sources/[^/]+/p\d+/page/\d+/index\.html")


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


def _changed_by_last_build(out: Path) -> list[Path]:
    """Pages of ``out`` that are not the spare's file (the last build wrote them)."""
    spare = out.parent / f".{out.name}.spare"
    return sorted(
        path
        for path in out.rglob("index.html")
        if not (spare / path.relative_to(out)).exists()
        or (spare / path.relative_to(out)).stat().st_ino != path.stat().st_ino
    )


@pytest.mark.parametrize("damage", ["edit", "delete", "delete-output", "delete-spare"])
def test_output_changed_by_hand_while_serving_is_rebuilt_as_cold(
    pristine: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: str,
) -> None:
    """A resident build trusts its record of the output without ``lstat`` for the pages
    it takes from there; a page changed by hand is found when it is about to be linked,
    and the build starts again checking every file."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    served, cold = tmp_path / "served", tmp_path / "cold"
    kept = Resident()
    rng = random.Random(7)
    for _ in range(2):  # the second build leaves a spare that differs from the output
        brief_word(site, rng)
        assert _resident_build(site, served, kept)[0]
    changed = _changed_by_last_build(served)
    assert changed
    if damage == "edit":  # in place: the spare's link to the same file is changed too
        for page in changed:
            page.write_text("von Hand", "utf-8")
    elif damage == "delete":
        for page in changed:
            page.unlink()
        (served / "sources" / "index.html").unlink()  # the spare still holds it
    elif damage == "delete-output":
        shutil.rmtree(served)
    else:
        shutil.rmtree(served.parent / f".{served.name}.spare")
    brief_word(site, rng)  # another brief, most likely: the damaged pages keep their keys
    assert _resident_build(site, served, kept)[0]
    assert _cold_build(site, cold, capsys)[0]
    assert tree(served) == tree(cold)
