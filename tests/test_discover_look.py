"""``serve`` finds a site's files in its watcher's look (``discover.discover_from_look``)
instead of walking the inputs a second time: the same files, ``lstat`` of each,
diagnostics and order as ``discover`` on disk, whatever the folders hold; and the look's
``snapshot`` leaves out what it always did, decided once per folder."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.load import discover_look
from site_builder.load.discover import SiteFiles, discover
from site_builder.load.discover_look import Discovered, discover_again, discover_from_look
from site_builder.output import previous_build
from site_builder.serve.watch import is_ignored_folder, is_ignored_name, look_at_inputs, snapshot

# A listing trusted whatever its times say, and one never trusted (every folder listed again).
TRUST_EVERY_LISTING = 1 << 62
TRUST_NO_LISTING = 0


def _own(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What the scan reads of an ``lstat`` (the access time is no part of it)."""
    return info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _from_look(site: Path, steady_ns: int) -> tuple[SiteFiles, list[object]]:
    _, looked = look_at_inputs(site)
    assert looked.listings is not None
    files, problems = discover_from_look(site, looked.started, looked.listings, steady_ns)
    assert files.walked_ns == looked.started  # no later than the look's first lstat
    return files, list(problems)


def _assert_as_on_disk(site: Path, steady_ns: int) -> None:
    walked, said = discover(site)
    looked, told = _from_look(site, steady_ns)
    assert looked == walked
    assert looked.every == walked.every  # the same order
    assert told == said  # the same diagnostics in the same order
    assert {path: _own(info) for path, info in looked.lstats.items()} == {
        path: _own(info) for path, info in walked.lstats.items()
    }


def _files(site: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


PLAIN = {
    "content/quelle.md": "q",
    "content/agentur/dpa.md": "q",
    "briefs/2025/a.md": "b",
    "briefs/2025/b.md": "b",
    "briefs/2026/03/c.md": "b",
    "briefs/notiz.txt": "not Markdown",
    "pages/impressum.md": "p",
    "templates/base.html": "t",
}


def _with_links(site: Path) -> None:
    outside = site.parent / "geheim.md"
    outside.write_text("secret", "utf-8")
    (site / "content/aussen.md").symlink_to(outside)
    (site / "content/innen.md").symlink_to("quelle.md")
    (site / "briefs/2025/nichts.md").symlink_to("fehlt.md")
    (site / "briefs/2025/kreis.md").symlink_to("kreis.md")
    (site / "briefs/verlinkt").symlink_to("2025")


def _with_a_pipe(site: Path) -> None:
    os.mkfifo(site / "briefs/2025/rohr.md")


def _with_a_folder_named_md(site: Path) -> None:
    _files(site, {"briefs/ordner.md/d.md": "b", "pages/leer.md/.keep": ""})


def _with_an_undecodable_name(site: Path) -> None:
    with open(os.fsencode(site / "briefs/2025") + b"/caf\xe9.md", "wb") as file:
        file.write(b"b")


def _with_an_undecodable_folder(site: Path) -> None:
    folder = os.fsencode(site / "content") + b"/\xff"
    os.mkdir(folder)
    with open(folder + b"/x.md", "wb") as file:
        file.write(b"q")


def _with_windows_names(site: Path) -> None:
    _files(site, {"briefs/con.md": "b", "briefs/entwurf./e.md": "b", "pages/aux/x.md": "p"})


def _with_collisions(site: Path) -> None:
    _files(site, {"briefs/2025/A.md": "b", "briefs/2025/B.MD.md": "b", "briefs/2025/b.md.md": "b"})
    _files(site, {"content/" + "u\u0308ber.md": "q", "content/" + "\u00fcber.md": "q"})


def _with_hidden_and_ignored(site: Path) -> None:
    _files(
        site,
        {
            "briefs/.versteckt.md": "b",
            "briefs/2025/a.md~": "b",
            "briefs/2025/#a.md#": "b",
            "briefs/2025/.#a.md": "b",
            "briefs/.git/x.md": "b",
            "briefs/alt~/x.md": "b",
            "content/#ordner#/x.md": "q",
            "briefs/4913": "",
        },
    )
    # What an ignored folder holds is never looked at: a link there changes nothing.
    (site / "briefs/.git/aussen.md").symlink_to("/etc/passwd")


def _with_a_linked_top_folder(site: Path) -> None:
    elsewhere = site.parent / "anderswo"
    (site / "pages").rename(elsewhere)
    (site / "pages").symlink_to(elsewhere)


def _with_a_top_folder_that_is_a_file(site: Path) -> None:
    for path in sorted((site / "pages").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (site / "pages").rmdir()
    (site / "pages").write_text("no folder", "utf-8")


def _without_pages(site: Path) -> None:
    for path in sorted((site / "pages").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (site / "pages").rmdir()


def _nothing(site: Path) -> None:
    return None


HOSTILE: dict[str, Callable[[Path], None]] = {
    "plain": _nothing,
    "links": _with_links,
    "a folder named x.md": _with_a_folder_named_md,
    "windows names": _with_windows_names,
    "collisions": _with_collisions,
    "hidden and ignored": _with_hidden_and_ignored,
    "a linked top folder": _with_a_linked_top_folder,
    "a top folder that is a file": _with_a_top_folder_that_is_a_file,
    "no pages": _without_pages,
}
if hasattr(os, "mkfifo"):
    HOSTILE["a pipe"] = _with_a_pipe
if sys.platform == "linux":  # Linux stores any bytes as a name
    HOSTILE["an undecodable name"] = _with_an_undecodable_name
    HOSTILE["an undecodable folder"] = _with_an_undecodable_folder


@pytest.mark.parametrize("steady_ns", [TRUST_EVERY_LISTING, TRUST_NO_LISTING])
@pytest.mark.parametrize("plant", HOSTILE.values(), ids=list(HOSTILE))
def test_the_look_finds_what_discover_finds_on_disk(
    tmp_path: Path, plant: Callable[[Path], None], steady_ns: int
) -> None:
    site = tmp_path / "site"
    _files(site, PLAIN)
    plant(site)
    _assert_as_on_disk(site, steady_ns)


def test_a_plain_site_is_found_in_the_look_without_walking_or_lstat_ing_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    _files(site, PLAIN)
    _, looked = look_at_inputs(site)
    assert looked.listings is not None
    walked, _ = discover(site)
    real_lstat = os.lstat

    def no_walk(*args: object, **kwargs: object) -> None:
        raise AssertionError("the inputs were walked again")

    def folders_only(path: str | os.PathLike[str], *args: object, **kwargs: object) -> object:
        assert not os.fspath(path).endswith(".md"), "a file was lstat-ed again"
        return real_lstat(path)

    monkeypatch.setattr(os, "scandir", no_walk)
    monkeypatch.setattr(os, "walk", no_walk)
    monkeypatch.setattr(os, "lstat", folders_only)
    files, problems = discover_from_look(site, looked.started, looked.listings, TRUST_EVERY_LISTING)
    assert files == walked and problems == []


def test_a_folder_changed_since_the_look_is_listed_again(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _files(site, PLAIN)
    _, looked = look_at_inputs(site)
    assert looked.listings is not None
    (site / "briefs/2025/a.md").rename(site / "briefs/2025/z.md")
    _files(site, {"briefs/2026/03/neu.md": "b"})
    (site / "content/agentur/dpa.md").unlink()
    files, problems = discover_from_look(site, looked.started, looked.listings, TRUST_EVERY_LISTING)
    assert (files, problems) == discover(site)
    assert "briefs/2025/z.md" in files.briefs and "briefs/2026/03/neu.md" in files.briefs


def test_a_folder_changed_just_before_the_look_is_listed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second change in the same tick of the file clock leaves a folder's times as they
    were: a folder changed so recently is not trusted by its times."""
    site = tmp_path / "site"
    _files(site, PLAIN)
    _, looked = look_at_inputs(site)
    assert looked.listings is not None
    listed: list[str] = []
    real_scandir = os.scandir

    def counted(path: str) -> object:
        listed.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    discover_from_look(site, looked.started, looked.listings, looked.started)
    assert listed == []  # each folder last changed before the look started
    discover_from_look(site, looked.started, looked.listings, TRUST_NO_LISTING)
    assert len(listed) == len(
        [
            folder
            for folder in looked.listings
            if folder.split("/")[0] in ("content", "briefs", "pages")
        ]
    )


# Names that trip one rule or another: hidden, leftovers, Windows, case, Unicode form, ".md".
_NAMES = st.sampled_from(
    [
        "a.md",
        "A.md",
        "b.md",
        "\u00fc.md",
        "u\u0308.md",
        "con.md",
        "x. md",
        ".h.md",
        "a.md~",
        "#a.md#",
        "4913",
        "n.txt",
        "d.md",
        "2025",
        "alt~",
        ".git",
        "Aux",
    ]
)
_TREES = st.recursive(
    st.just("file"),
    lambda inner: st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=12,
)


def _plant(folder: Path, tree: object) -> None:
    """``tree`` below ``folder``, over what is there (a name that is there as the other
    kind, file or folder, is left as it is)."""
    assert isinstance(tree, dict)
    folder.mkdir(parents=True, exist_ok=True)
    for name, inner in tree.items():
        path = folder / name
        if inner == "file" and not path.is_dir():
            path.write_text("x", "utf-8")
        elif inner != "file" and not path.is_file():
            _plant(path, inner)


def _plant_site(site: Path, tree: dict[str, object]) -> None:
    for top, inner in tree.items():
        if isinstance(inner, dict):
            _plant(site / top, inner)
    site.mkdir(exist_ok=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries({"content": _TREES, "briefs": _TREES, "pages": _TREES}),
    st.sampled_from([TRUST_EVERY_LISTING, TRUST_NO_LISTING]),
)
def test_any_tree_is_found_in_the_look_as_on_disk(tree: dict[str, object], steady: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        _plant_site(site, tree)
        _assert_as_on_disk(site, steady)
        _assert_snapshot_as_before(site, site / "briefs" / "2025")


def _assert_snapshot_as_before(site: Path, skip: Path) -> None:
    """The look's snapshot leaves out what the rule per path left out (the rule before the
    look decided it per folder): files in hidden or leftover folders, hidden or leftover
    names, Vim's probe files, and what is in ``skip``."""
    files: dict[str, tuple[int, int]] = {}
    previous_build.input_entries(site, files)
    skipped = os.path.relpath(skip, site).replace(os.sep, "/") + "/"

    def watched(path: str) -> bool:
        *folders, name = path.split("/")
        return (
            not path.startswith(skipped)
            and not is_ignored_name(name)
            and not any(map(is_ignored_folder, folders))
        )

    assert snapshot(site, skip) == {path: state for path, state in files.items() if watched(path)}


def test_the_look_keeps_each_folders_own_lstat_and_its_entries(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _files(site, PLAIN)
    (site / "briefs/2025/innen.md").symlink_to("a.md")
    _, looked = look_at_inputs(site)
    assert looked.listings is not None
    listing = looked.listings["briefs/2025/"]
    assert listing.folder.st_ino == os.lstat(site / "briefs/2025").st_ino
    own = dict(listing.entries)
    assert own["innen.md"] is None  # a link: the look holds its target's mode, not its own
    info = own["a.md"]
    assert info is not None and stat.S_ISREG(info.st_mode)
    assert sorted(own) == sorted(os.listdir(site / "briefs/2025"))


def test_the_fallback_walks_only_the_top_folder_that_is_not_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    _files(site, PLAIN)
    (site / "content/innen.md").symlink_to("quelle.md")
    _, looked = look_at_inputs(site)
    assert looked.listings is not None
    walked: list[str] = []
    real = discover_look._markdown_files

    def counted(root: Path, folder: str, *args: object) -> tuple[str, ...]:
        walked.append(folder)
        return real(root, folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(discover_look, "_markdown_files", counted)
    discover_from_look(site, looked.started, looked.listings, TRUST_EVERY_LISTING)
    assert walked == ["content"]


def _discovered_again(site: Path, known: Discovered) -> tuple[SiteFiles, list[object], Discovered]:
    _, looked = look_at_inputs(site)
    assert looked.listings is not None
    return discover_again(site, looked.started, looked.listings, TRUST_EVERY_LISTING, known)


_TOPS = st.fixed_dictionaries({"content": _TREES, "briefs": _TREES, "pages": _TREES})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TOPS, _TOPS)
def test_a_discovery_taking_unchanged_folders_from_the_last_finds_what_is_on_disk(
    first: dict[str, object], then: dict[str, object]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        _plant_site(site, first)
        _, _, known = _discovered_again(site, Discovered())
        _plant_site(site, then)  # files and folders added (those folders change)
        files, problems, _ = _discovered_again(site, known)
        assert (files, problems) == discover(site)


def test_an_unchanged_folder_is_taken_from_the_last_discovery_with_the_new_lstats(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    _files(site, PLAIN)
    _files(site, {"briefs/2025/con.md": "b", "briefs/2025/A.md": "b"})  # with problems
    _, said, known = _discovered_again(site, Discovered())
    assert len(said) == 2  # con.md; A.md beside a.md
    (site / "briefs/2025/b.md").write_text("edited in place", "utf-8")  # the folder stays
    _files(site, {"briefs/2026/03/neu.md": "b"})  # the folder changes
    files, problems, again = _discovered_again(site, known)
    assert (files, problems) == discover(site)
    assert again.folders["briefs/2025/"] is known.folders["briefs/2025/"]
    assert again.folders["briefs/2026/03/"] is not known.folders["briefs/2026/03/"]
    assert files.lstats["briefs/2025/b.md"].st_size == len("edited in place")
