"""``build``: output written all or nothing, refused output folders, reproducible bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.output import write
from site_builder.output.write import MARKER
from tests.conftest import MakeSite
from tests.sitefiles import brief

GOLDEN_SITE = Path(__file__).parent / "fixtures" / "golden-site"
B = "briefs/b.md"
BODY = "Text [@quelle#p1].\n"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (the output as a reader gets it)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def siblings(folder: Path) -> list[str]:
    """Hidden folders beside ``folder``: where temporary output would be left behind. (The
    spare, ``.NAME.spare``, is the previous output kept on purpose: not counted.)"""
    spare = f".{folder.name}.spare"
    lock = f".{folder.name}.lock"  # held by the build writing it, kept on purpose
    return sorted(
        p.name
        for p in folder.parent.iterdir()
        if p.name.startswith(".") and p.name not in (spare, lock)
    )


def build(site: Path, out: Path, *extra: str) -> int:
    return main(["build", "--site", str(site), "--out", str(out), *extra])


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740787200")


# --- atomic output -------------------------------------------------------------------------


def test_build_writes_the_site_with_the_marker(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "out" / "public"
    assert build(site, out) == 0
    assert {"index.html", "briefs/b/index.html", "sources/quelle/index.html", MARKER} <= set(
        tree(out)
    )
    assert siblings(out) == []


def test_content_errors_leave_the_previous_output_byte_identical(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert build(site, out) == 0
    before = tree(out)
    (site / B).write_text(brief("Text [@quelle#p9].\n"), "utf-8")
    capsys.readouterr()
    assert build(site, out) == 1
    assert tree(out) == before
    assert capsys.readouterr().out.endswith(f"not built: {out} was left as it was\n")
    assert siblings(out) == []


def test_a_removed_brief_is_gone_after_the_next_build(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({B: brief(BODY), "briefs/weg.md": brief("Weg [@quelle#p2].\n")})
    out = tmp_path / "public"
    assert build(site, out) == 0
    assert (out / "briefs/weg/index.html").is_file()
    (site / "briefs/weg.md").unlink()
    assert build(site, out) == 0
    assert not (out / "briefs/weg").exists()
    assert b"/briefs/weg/" not in b"".join(tree(out).values())


def test_a_failure_while_writing_leaves_the_previous_output_and_no_temporary_folder(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert build(site, out) == 0
    before = tree(out)
    (site / B).write_text(brief("Neuer Text [@quelle#p2].\n"), "utf-8")
    real = Path.write_bytes
    written: list[Path] = []

    def fails_halfway(self: Path, data: bytes) -> int:  # type: ignore[override]
        if ".site-builder-cache" in self.parts:  # the cache's tables: not the output
            return real(self, data)
        written.append(self)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", fails_halfway)
    capsys.readouterr()
    assert build(site, out) == 2
    assert len(written) == 3
    assert tree(out) == before
    assert siblings(out) == []
    assert capsys.readouterr().err == (
        f"site-builder: error: could not write {out}: [Errno 28] No space left on device; "
        "the previous output was left as it was\n"
    )


def test_a_failure_while_swapping_puts_the_previous_output_back(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert build(site, out) == 0
    before = tree(out)
    real = Path.rename

    def refuse_new_into_place(self: Path, target: Path) -> Path:  # type: ignore[override]
        if ".new-" in self.name:
            raise OSError(16, "Device or resource busy")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", refuse_new_into_place)
    # The two-rename swap (after an atomic exchange the new output is in place: a failure
    # then is no failure of the build, see test_hostile_writes.py).
    monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    assert build(site, out) == 2
    assert tree(out) == before
    assert siblings(out) == []


def test_leftovers_of_a_killed_build_are_removed(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert build(site, out) == 0
    dead = 2**22 + 12345  # above the default pid_max: no such process
    for name in (f".public.new-{dead}", f".public.old-{dead}"):
        shutil.copytree(out, tmp_path / name)
    foreign = tmp_path / f".public.new-{dead + 1}"  # no marker: not ours, kept
    foreign.mkdir()
    (foreign / "notiz.txt").write_text("meins", "utf-8")
    assert build(site, out) == 0
    assert siblings(out) == [foreign.name]
    assert (foreign / "notiz.txt").read_text("utf-8") == "meins"


def test_the_temporary_folder_of_a_running_build_is_not_touched(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    running = tmp_path / f".public.new-{os.getppid()}"  # a live process: maybe a parallel build
    running.mkdir()
    (running / MARKER).write_text("", "utf-8")
    assert build(site, out) == 0
    assert siblings(out) == [running.name]


# --- refused output folders ----------------------------------------------------------------


def _refused(site: Path, out: Path, capsys: pytest.CaptureFixture[str], reason: str) -> None:
    capsys.readouterr()
    assert build(site, out) == 2
    err = capsys.readouterr().err
    assert err.startswith("site-builder: error: --out: "), err
    assert reason in err
    assert err.endswith("; nothing was written or deleted\n")


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        (".", "holds the site itself"),
        ("content", "inside the site's content/ folder"),
        ("content/sub", "inside the site's content/ folder"),
        ("briefs", "inside the site's briefs/ folder"),
        ("pages/x", "inside the site's pages/ folder"),
        ("templates/static", "inside the site's templates/ folder"),
    ],
)
def test_out_inside_the_site_sources_is_refused_and_nothing_deleted(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], relative: str, reason: str
) -> None:
    site = make_site({B: brief(BODY), "templates/static/x.css": "a{}", "content/sub/.keep": ""})
    before = tree(site)
    _refused(site, site / relative, capsys, reason)
    assert tree(site) == before


def test_out_holding_the_site_is_refused(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({B: brief(BODY)})
    before = tree(site.parent)
    _refused(site, site.parent, capsys, "holds the site itself")
    assert tree(site.parent) == before


def test_root_folder_is_refused(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({B: brief(BODY)})
    _refused(site, Path("/"), capsys, "is /")
    assert Path("/").is_dir() and any(Path("/").iterdir())


def test_home_folder_is_refused(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({B: brief(BODY)})
    home = tmp_path / "home" / "redaktion"
    home.mkdir(parents=True)
    (home / MARKER).write_text("", "utf-8")  # even a home that looks like our output
    (home / ".bashrc").write_text("# mine\n", "utf-8")
    monkeypatch.setenv("HOME", str(home))
    assert Path.home() == home
    _refused(site, home, capsys, "is the home folder")
    assert (home / ".bashrc").read_text("utf-8") == "# mine\n"


def test_non_empty_folder_without_marker_is_refused(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "fotos"
    out.mkdir()
    (out / "urlaub.jpg").write_bytes(b"\xff\xd8")
    _refused(site, out, capsys, "was not written by site-builder")
    assert tree(out) == {"urlaub.jpg": b"\xff\xd8"}


def test_symlink_to_a_folder_is_refused(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({B: brief(BODY)})
    real = tmp_path / "echt"
    assert build(site, real) == 0
    before = tree(real)
    link = tmp_path / "public"
    link.symlink_to(real, target_is_directory=True)
    _refused(site, link, capsys, "is a symbolic link")
    assert link.is_symlink() and tree(real) == before


def test_a_file_is_refused(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "notiz.txt"
    out.write_text("x", "utf-8")
    _refused(site, out, capsys, "is not a folder")
    assert out.read_text("utf-8") == "x"


def test_empty_or_missing_folder_is_fine(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({B: brief(BODY)})
    empty = tmp_path / "leer"
    empty.mkdir()
    assert build(site, empty) == 0
    assert build(site, tmp_path / "neu" / "tief") == 0
    assert (empty / MARKER).is_file() and (tmp_path / "neu/tief" / MARKER).is_file()


def test_a_folder_with_the_marker_is_replaced(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    out.mkdir()
    (out / MARKER).write_text("", "utf-8")
    (out / "alt.html").write_text("alt", "utf-8")
    assert build(site, out) == 0
    assert not (out / "alt.html").exists()
    assert (out / "index.html").is_file()


def test_default_out_is_public_in_the_site(make_site: MakeSite) -> None:
    site = make_site({B: brief(BODY)})
    assert main(["build", "--site", str(site)]) == 0
    assert (site / "public" / "briefs/b/index.html").is_file()


def test_the_installed_default_theme_is_refused(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({B: brief(BODY)})
    theme = write.DEFAULT_THEME.resolve()
    _refused(site, theme / "static", capsys, "default theme")
    assert (theme / "static").is_dir()


# --- reproducible output -------------------------------------------------------------------


def _build_in_subprocess(site: Path, out: Path, env: dict[str, str]) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "TZ")}
    environment.update(env, SOURCE_DATE_EPOCH="1740787200")
    command = [sys.executable, "-m", "site_builder", "build", "--frozen", "--check-links"]
    subprocess.run(
        [*command, "--site", str(site), "--out", str(out)],
        env=environment,
        check=True,
        capture_output=True,
    )


def test_same_input_gives_byte_identical_output_anywhere(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "site", tmp_path / "b" / "tief" / "anders"
    shutil.copytree(GOLDEN_SITE, first)
    shutil.copytree(GOLDEN_SITE, second)
    _build_in_subprocess(
        first,
        tmp_path / "out1",
        {"PYTHONHASHSEED": "1", "TZ": "Pacific/Kiritimati", "LANG": "C", "LC_ALL": "C"},
    )
    _build_in_subprocess(
        second,
        tmp_path / "out2",
        {
            "PYTHONHASHSEED": "4242",
            "TZ": "America/Los_Angeles",
            "LANG": "de_DE.UTF-8",
            "LC_ALL": "C.UTF-8",
        },
    )
    one, two = tree(tmp_path / "out1"), tree(tmp_path / "out2")
    assert len(one) > 10
    # The Pagefind bundle is part of it, filter and metadata files included.
    assert any(name.startswith("pagefind/filter/") for name in one)
    assert "pagefind/pagefind-entry.json" in one
    assert one == two


@pytest.mark.parametrize("value", ["", "yesterday", "1.5", "-1", "²", "99999999999999999999"])
def test_malformed_source_date_epoch_is_a_usage_error(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str,
) -> None:
    site = make_site({B: brief(BODY)})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert build(site, tmp_path / "public") == 2
    assert capsys.readouterr().err == (
        f"site-builder: error: SOURCE_DATE_EPOCH must be whole seconds since 1970, not '{value}'\n"
    )
    assert not (tmp_path / "public").exists()


def test_source_date_epoch_dates_an_empty_feed(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({B: brief(BODY, "---\ntitle: T\ndate: 2025-01-01\ndraft: true\n---\n")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740787200")
    assert build(site, tmp_path / "public") == 0
    assert b"<updated>2025-03-01T00:00:00Z</updated>" in (tmp_path / "public/feed.xml").read_bytes()
