"""``serve`` hands the watcher's walk of the inputs to the rebuild (``watch.look_at_inputs``
→ ``Resident.inputs``), which then does not walk them again. The disk may differ from that
walk by the time the build reads it: the output must still be a cold build's, and the record
must not let a later build take the output for up to date."""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder import pipeline
from site_builder.cache import open_cache
from site_builder.cli import main
from site_builder.output import previous_build
from site_builder.output.previous_build import InputScan
from site_builder.pipeline import BuildOptions, build_site
from site_builder.serve import resident
from site_builder.serve.resident import Resident
from site_builder.serve.watch import Reactions, _Watcher, changed_paths, look_at_inputs, snapshot
from tests.test_build import tree
from tests.test_incremental import _briefs, pristine  # noqa: F401  (pristine: a fixture)


def _cold(site: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    argv = ["build", "--site", str(site), "--out", str(out), "--no-cache", "--no-search"]
    assert main(argv) == 0
    return tree(out)


def test_the_watchers_look_is_the_builds_walk(
    pristine: Path,  # noqa: F811  (the fixture imported above)
) -> None:
    before = time.time_ns()
    snapshot_now, (started, entries, _) = look_at_inputs(pristine)
    assert before <= started  # taken before the walk's first stat (the racy-time rule)
    assert sorted(entries) == sorted(previous_build.input_entries(pristine))
    assert snapshot_now == snapshot(pristine)
    files = {path for path, mode, *_ in entries if not stat.S_ISDIR(mode)}
    assert set(snapshot_now) == files and "site.yaml" in files


def _edit_again_within_the_tick(site: Path) -> None:
    """The brief the look saw edited, rewritten at once with the same size and its
    modification time set back (only the change time tells)."""
    path = _briefs(site)[0]
    info = path.stat()
    text = path.read_text("utf-8")
    path.write_text(text.replace("Der ", "Das ", 1) if "Der " in text else text.swapcase(), "utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _replace_by_a_link(site: Path) -> None:
    """A brief replaced by a link to a copy elsewhere in the site, with another word."""
    path = _briefs(site)[1]
    elsewhere = site / "drafts" / path.name
    elsewhere.parent.mkdir(exist_ok=True)
    elsewhere.write_text(path.read_text("utf-8").replace("\n\n", "\n\nVerlinkt. ", 1), "utf-8")
    path.unlink()
    path.symlink_to(os.path.relpath(elsewhere, path.parent))


def _rename_a_folder(site: Path) -> None:
    folder = _briefs(site)[0].parent
    assert folder != site / "briefs", "the generated site files briefs by year"
    folder.rename(folder.with_name(folder.name + "-alt"))


def _save_another_by_renaming(site: Path) -> None:
    """Another brief saved as many editors save: a new file renamed over the old one."""
    path = _briefs(site)[2]
    saved = path.with_name(path.name + ".tmp")
    saved.write_text(path.read_text("utf-8").replace("\n\n", "\n\nErsetzt. ", 1), "utf-8")
    os.replace(saved, path)


def _add_a_brief(site: Path) -> None:
    path = _briefs(site)[3]
    added = path.with_name("zz-" + path.name)
    added.write_text(path.read_text("utf-8").replace("\n\n", "\n\nHinzu. ", 1), "utf-8")


def _remove_a_brief(site: Path) -> None:
    _briefs(site)[4].unlink()


def _served_then_edited(copied: Path, site: Path, served: Path) -> tuple[BuildOptions, Resident]:
    """A copy of ``copied`` at ``site``, built resident into ``served`` as ``serve``
    does, then its first brief edited: the options and the resident state to rebuild with."""
    shutil.copytree(copied, site)
    options = BuildOptions(out=served, search=False)
    kept = Resident()
    assert build_site(site, options, resident=kept).written
    first = _briefs(site)[0]
    first.write_text(first.read_text("utf-8").replace("\n\n", "\n\nNeu. ", 1), "utf-8")
    return options, kept


@pytest.mark.parametrize(
    "change",
    [
        _edit_again_within_the_tick,
        _replace_by_a_link,
        _rename_a_folder,
        _save_another_by_renaming,
        _add_a_brief,
        _remove_a_brief,
    ],
)
def test_a_rebuild_handed_an_old_look_still_builds_what_the_disk_holds(
    pristine: Path,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    change: Callable[[Path], None],
) -> None:
    site, served, cold = tmp_path / "site", tmp_path / "served", tmp_path / "cold"
    options, kept = _served_then_edited(pristine, site, served)
    # The watcher's look finds the edit …
    _, inputs = look_at_inputs(site)
    # … and the disk changes again before the rebuild it asks for reads it.
    change(site)
    kept.inputs = inputs
    try:
        result = build_site(site, options, resident=kept)
    finally:
        kept.inputs = None
    assert result.written
    assert tree(served) == _cold(site, cold)
    # The record holds the look, not the disk: no later build may take the output for up
    # to date (the watcher's next look sees the change too, and rebuilds).
    record = previous_build.read_record(open_cache(site), served)
    assert record is not None
    assert not previous_build.is_up_to_date(
        record, record.options, previous_build.input_entries(site), served
    )
    # The next rebuild, handed a look of the disk as it is, still equals a cold build.
    kept.inputs = look_at_inputs(site)[1]
    build_site(site, options, resident=kept)
    kept.inputs = None
    assert tree(served) == tree(cold)


def test_a_rebuild_handed_a_look_does_not_walk_the_inputs_again(
    pristine: Path,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site, served = tmp_path / "site", tmp_path / "served"
    options, kept = _served_then_edited(pristine, site, served)
    looked: list[InputScan] = []
    calls: list[str] = []

    def rebuild(changed: list[str]) -> None:
        calls.append("rebuild")
        kept.inputs = looked[-1]
        try:
            assert build_site(site, options, resident=kept).written
        finally:
            kept.inputs = None

    def seen(inputs: InputScan) -> None:
        calls.append("seen")
        looked.append(inputs)

    reactions = Reactions(rebuild, print, seen=seen)
    watcher = _Watcher(site, None, (), reactions, None, snapshot(site))  # type: ignore[arg-type]
    first = _briefs(site)[0]
    first.write_text(first.read_text("utf-8").replace("\n\n", "\n\nNoch. ", 1), "utf-8")

    def no_walk(root: Path) -> None:
        raise AssertionError("the inputs were walked again")

    monkeypatch.setattr(pipeline, "input_entries", no_walk)
    assert watcher.look()
    assert calls == ["seen", "rebuild"]
    assert any(b"Noch." in page for page in tree(served).values())


def test_a_rebuild_handed_a_look_neither_lists_a_folder_nor_lstats_a_file_again(
    pristine: Path,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``discover`` takes the site's files from the look (``discover_from_look``): below
    ``content/`` and ``briefs/`` no folder is listed and no file ``lstat``-ed again; only
    each folder's own ``lstat`` says that its listing still stands."""
    site, served, cold = tmp_path / "site", tmp_path / "served", tmp_path / "cold"
    options, kept = _served_then_edited(pristine, site, served)
    inputs = (os.fspath(site / "content"), os.fspath(site / "briefs"))
    # Folders changed less than ``SETTLE_NS`` before the look are listed again (the copy
    # was just made): here any folder changed before the look counts as steady.
    monkeypatch.setattr(resident, "SETTLE_NS", 0, raising=False)
    _, looked = look_at_inputs(site)
    real_scandir, real_walk, real_lstat, real_stat = os.scandir, os.walk, os.lstat, os.stat

    def inside(path: object) -> bool:
        return isinstance(path, str | os.PathLike) and os.fspath(path).startswith(inputs)

    def no_listing(path: str = ".") -> object:
        assert not inside(path), f"{path} was listed again"
        return real_scandir(path)

    def no_walk(top: str, *args: object, **kwargs: object) -> object:
        assert not inside(top), f"{top} was walked again"
        return real_walk(top, *args, **kwargs)  # type: ignore[arg-type]

    edited = os.fspath(_briefs(site)[0])  # read, as it must be

    def only_folders(stat_of: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        def checked(path: str, *args: object, **kwargs: object) -> os.stat_result:
            again = inside(path) and os.fspath(path).endswith(".md")
            assert not again or os.fspath(path) == edited, f"{path} was stat-ed again"
            return stat_of(path, *args, **kwargs)

        return checked

    monkeypatch.setattr(os, "scandir", no_listing)
    monkeypatch.setattr(os, "walk", no_walk)
    monkeypatch.setattr(os, "lstat", only_folders(real_lstat))
    monkeypatch.setattr(os, "stat", only_folders(real_stat))
    kept.inputs = looked
    try:
        assert build_site(site, options, resident=kept).written
    finally:
        kept.inputs = None
    monkeypatch.undo()
    assert tree(served) == _cold(site, cold)


def test_a_file_edited_in_place_after_the_look_is_built_by_the_next_look(
    pristine: Path,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    """The rebuild takes each file's ``lstat`` from the look (``discover_look``): a file
    edited in place after it (its folder unchanged) is as the look saw it, and the
    watcher's next look sees the edit and rebuilds, as for any change after a build."""
    site, served, cold = tmp_path / "site", tmp_path / "served", tmp_path / "cold"
    options, kept = _served_then_edited(pristine, site, served)
    seen, looked = look_at_inputs(site, served)
    later = _briefs(site)[5]
    later.write_text(later.read_text("utf-8").replace("\n\n", "\n\nSpäter. ", 1), "utf-8")
    kept.inputs = looked
    try:
        assert build_site(site, options, resident=kept).written
    finally:
        kept.inputs = None
    now, looked_again = look_at_inputs(site, served)
    assert changed_paths(seen, now) == [later.relative_to(site).as_posix()]
    kept.inputs = looked_again
    try:
        assert build_site(site, options, resident=kept).written
    finally:
        kept.inputs = None
    assert tree(served) == _cold(site, cold)
