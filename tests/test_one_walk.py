"""One walk of the inputs per command: ``discover`` records the ``lstat`` of each plain file
it finds and the input scan (``file_states.scan_site``) uses it instead of ``stat``-ing
every file again, keeping the racy-clean rule (``SETTLE_NS``)."""

from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder import names
from site_builder.cache import open_cache
from site_builder.cli import main
from site_builder.load import document_cache, file_states
from site_builder.load.discover import discover
from site_builder.load.file_states import digest, scan_site
from site_builder.output import previous_build
from tests.sitefiles import brief

from .conftest import MakeSite


def _counting_stat(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path ``os.stat`` is called with from now on."""
    calls: list[str] = []
    real: Callable[..., os.stat_result] = os.stat

    def counted(path: str | os.PathLike[str], *args: object, **kwargs: object) -> os.stat_result:
        calls.append(os.fspath(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", counted)
    return calls


def test_the_scan_takes_each_plain_file_from_the_walk(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"briefs/a.md": brief("Eins. [@quelle#p1]\n")})
    files, problems = discover(site)
    assert problems == []
    assert set(files.lstats) == set(files.every)
    calls = _counting_stat(monkeypatch)
    scan = scan_site(site, files, None)
    assert calls == []
    for path in files.every:
        assert scan.digest(path) == digest((site / path).read_bytes())


def test_a_link_inside_the_site_is_scanned_through_to_its_target(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"briefs/a.md": brief("Eins. [@quelle#p1]\n")})
    (site / "briefs/b.md").symlink_to("a.md")
    files, _ = discover(site)
    assert "briefs/b.md" in files.briefs and "briefs/b.md" not in files.lstats
    calls = _counting_stat(monkeypatch)
    scan = scan_site(site, files, None)
    assert calls == [os.path.join(site, "briefs/b.md")]
    assert scan.digest("briefs/b.md") == scan.digest("briefs/a.md")


def test_the_scan_starts_when_the_walk_did(make_site: MakeSite) -> None:
    """The racy-clean rule compares a file's times with the start of the scan that recorded
    them: that start must not be later than the ``lstat`` the scan trusts."""
    site = make_site({"briefs/a.md": brief("Eins. [@quelle#p1]\n")})
    files, _ = discover(site)
    assert scan_site(site, files, None).started_ns == files.walked_ns


def test_a_file_edited_after_the_walk_is_read_as_it_is_now(make_site: MakeSite) -> None:
    site = make_site({"briefs/a.md": brief("Eins. [@quelle#p1]\n")})
    files, _ = discover(site)
    first = scan_site(site, files, None)
    (site / "briefs/a.md").write_text(brief("Zwei. [@quelle#p1]\n"), "utf-8")
    scan = scan_site(site, files, None)  # the walk's lstat is out of date: not trusted
    assert scan.digest("briefs/a.md") == digest((site / "briefs/a.md").read_bytes())
    # Its recorded state is the file's now, so the next scan may trust it.
    again, _ = discover(site)
    assert scan_site(site, again, scan).files == scan.files != first.files


def test_a_file_edited_within_the_clock_tick_of_the_scan_is_read_again(
    make_site: MakeSite,
) -> None:
    site = make_site({"briefs/a.md": brief("Eins. [@quelle#p1]\n")})
    files, _ = discover(site)
    scan = scan_site(site, files, None)  # the file was written just before: racily clean
    path = site / "briefs/a.md"
    state = scan.files["briefs/a.md"]
    path.write_text(brief("Zwei. [@quelle#p1]\n"), "utf-8")  # the same size
    # As a coarse clock would show it: the same size, times and inode as recorded.
    again, _ = discover(site)
    looked = {p: _as_recorded(again.lstats[p], scan.files[p]) for p in again.lstats}
    rescanned = file_states.scan_files(site, again.every, scan, again.walked_ns, looked)
    assert rescanned.digest("briefs/a.md") == digest(path.read_bytes()) != state[file_states.DIGEST]


def _as_recorded(info: os.stat_result, state: file_states.FileState) -> os.stat_result:
    size, mtime, ctime, inode, _ = state
    fields = (*info[:1], inode, *info[2:6], size, *info[7:10])
    return os.stat_result(fields, {"st_mtime_ns": mtime, "st_ctime_ns": ctime})


def test_a_file_replaced_by_a_pipe_after_the_walk_is_not_read(make_site: MakeSite) -> None:
    site = make_site({"briefs/a.md": brief("Eins. [@quelle#p1]\n")})
    files, _ = discover(site)
    (site / "briefs/a.md").unlink()
    os.mkfifo(site / "briefs/a.md")
    result: list[object] = []
    scanning = threading.Thread(target=lambda: result.append(scan_site(site, files, None)))
    scanning.start()
    scanning.join(10)
    if scanning.is_alive():  # opened for reading and blocked: unblock it to end the test
        with Path(site / "briefs/a.md").open("wb"):
            pass
        scanning.join()
    assert result and "briefs/a.md" not in result[0].files  # type: ignore[attr-defined]


_NAME_CHARACTERS = "abcABC019_-. $:¹éÉ\u0301"


@given(st.text(alphabet=_NAME_CHARACTERS, max_size=12))
def test_the_quick_answers_for_plain_names_are_those_of_the_full_rules(name: str) -> None:
    """``windows_problem``, ``name_key`` and ``is_utf8`` answer ASCII slugs (most names of a
    site, checked on every run) without their full rules: the answers must not differ."""
    if names.PLAIN_NAME.fullmatch(name):
        assert not names.is_reserved_device(name)
        assert not name.endswith((".", " ")) and names._NOT_ON_WINDOWS.search(name) is None
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    assert names.name_key(name) == folded
    assert names.is_utf8(name)
    assert not names.is_utf8(name + "\udcff")


def test_inputs_walked_in_another_order_are_the_same_inputs(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A no-change build compares the inputs with the record's without sorting them first
    (folders list their entries in one order while unchanged): any order must do."""
    site = make_site({"briefs/b.md": brief("Peskow sprach. [@quelle#p1]\n")})
    out = tmp_path / "out"
    monkeypatch.setattr(previous_build, "SETTLE_NS", 0)
    assert main(["lock", "--site", str(site)]) == 0
    assert main(["build", "--frozen", "--no-search", "--site", str(site), "--out", str(out)]) == 0
    record = previous_build.read_record(open_cache(site), out)
    assert record is not None
    inputs = previous_build.input_entries(site)
    turned = replace(record, inputs=tuple(reversed(record.inputs)))
    assert turned.inputs != inputs
    assert previous_build.is_up_to_date(turned, record.options, inputs, out)
    path, mode, size, changed, inode = inputs[0]
    touched = (*inputs[1:], (path, mode, size, changed + 1, inode))
    assert not previous_build.is_up_to_date(turned, record.options, touched, out)
    assert not previous_build.is_up_to_date(turned, record.options, inputs[1:], out)


def test_a_scan_kept_by_an_older_site_builder_is_not_used(make_site: MakeSite) -> None:
    """The scan table holds plain tuples (read in C) under a format tag; one an older
    version pickled with objects for the file states is a cold start, never misread."""
    site = make_site({"briefs/a.md": brief("Eins. [@quelle#p1]\n")})
    cache = open_cache(site)
    assert cache is not None
    files, _ = discover(site)
    scan = scan_site(site, files, None)
    document_cache.write_scan(cache, scan)
    assert document_cache.read_scan(cache) == scan
    # As the table was kept before: the ``Scan`` itself, with objects for the states.
    older = {path: _OlderState(*state) for path, state in scan.files.items()}
    cache.write("document-scan", file_states.Scan(scan.started_ns, older))
    assert document_cache.read_scan(cache) is None
    # ... and the next check reads the file again and keeps a scan it can use.
    assert main(["check", "--site", str(site)]) == 0
    kept = document_cache.read_scan(cache)
    assert kept is not None and kept.digest("briefs/a.md") == scan.digest("briefs/a.md")


@dataclass(frozen=True)
class _OlderState:
    """A file state as site-builder kept it before this round: an object."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    digest: str


def _walked_by_path(folder: Path, prefix: str) -> list[file_states.TreeEntry]:
    """``tree_entries`` as it was written before it listed folders through descriptors:
    ``lstat`` (``stat`` through a link) of each entry's whole path."""
    entries: list[file_states.TreeEntry] = []
    stack = [(str(folder), prefix)]
    while stack:
        here, relative = stack.pop()
        try:
            found = list(os.scandir(here))
        except OSError:
            continue
        for entry in found:
            path = relative + entry.name
            try:
                link = entry.is_symlink()
                info = os.stat(entry.path) if link else os.lstat(entry.path)
            except OSError:
                entries.append((path, -1, 0, 0, 0))
                continue
            changed = max(info.st_mtime_ns, info.st_ctime_ns)
            entries.append((path, info.st_mode, info.st_size, changed, info.st_ino))
            if os.path.isdir(entry.path) and not link:
                stack.append((entry.path, path + "/"))
    return entries


def test_the_walk_through_folder_descriptors_sees_what_paths_see(tmp_path: Path) -> None:
    """Links to files and folders (entered as their targets, never walked into), dangling
    links, nested and empty folders, a folder that is a link at the top, a missing one."""
    top = tmp_path / "site" / "content"
    (top / "a" / "b" / "c").mkdir(parents=True)
    (top / "empty").mkdir()
    for name in ("x.md", "a/y.md", "a/b/z.md", "a/b/c/w.md"):
        (top / name).write_text(name, "utf-8")
    (top / "link-to-file.md").symlink_to("x.md")
    (top / "a" / "link-to-folder").symlink_to("b")
    (top / "a" / "b" / "dangling.md").symlink_to("gone.md")
    (tmp_path / "site" / "linked").symlink_to("content")
    for folder in ("content", "linked", "missing"):
        found = file_states.tree_entries(tmp_path / "site" / folder, f"{folder}/")
        assert found == _walked_by_path(tmp_path / "site" / folder, f"{folder}/")
    assert len(file_states.tree_entries(top)) == 11


def _kept_scan_bytes(site: Path) -> bytes:
    return (site / ".site-builder-cache" / "build" / "document-scan.pickle").read_bytes()


def test_a_check_after_a_few_edits_reads_them_again_without_rewriting_the_scan(
    make_site: MakeSite,
) -> None:
    """Writing the scan of every file costs more than reading a few edited files again:
    the scan kept before the edits stays, and each check sees every edit made since."""
    site = make_site({"briefs/a.md": brief("Eins. [@quelle#p1]\n")})
    assert main(["check", "--site", str(site)]) == 0
    kept = _kept_scan_bytes(site)
    path = site / "briefs/a.md"
    path.write_text(brief("Zwei. [@quelle#p1]\n"), encoding="utf-8")
    assert main(["check", "--site", str(site)]) == 0
    path.write_text(brief("Drei. [@quelle#p99]\n"), encoding="utf-8")  # no such anchor
    assert main(["check", "--site", str(site)]) == 1
    # The same size and times as the edit before (only the change time differs).
    times = path.stat()
    path.write_text(brief("Vier. [@quelle#p1]\n"), encoding="utf-8")
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert main(["check", "--site", str(site)]) == 0
    assert _kept_scan_bytes(site) == kept


def test_a_check_after_many_edits_keeps_a_new_scan(make_site: MakeSite) -> None:
    """Once the kept scan no longer vouches for many files, the check keeps its own."""
    count = 80
    site = make_site(
        {f"briefs/b{n}.md": brief(f"Nummer {n}. [@quelle#p1]\n") for n in range(count)}
    )
    assert main(["check", "--site", str(site)]) == 0
    kept = _kept_scan_bytes(site)
    for n in range(count):
        (site / f"briefs/b{n}.md").write_text(brief(f"Zahl {n}. [@quelle#p1]\n"), encoding="utf-8")
    assert main(["check", "--site", str(site)]) == 0
    assert _kept_scan_bytes(site) != kept
    cache = open_cache(site)
    assert cache is not None
    scan = document_cache.read_scan(cache)
    assert scan is not None
    for n in range(count):
        edited = (site / f"briefs/b{n}.md").read_bytes()
        assert scan.digest(f"briefs/b{n}.md") == digest(edited)
