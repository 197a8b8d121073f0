"""What site-builder writes, against a site prepared by someone else and a careless setup
(issue 16, points 3, 4, 14, 16, 17): planted symbolic links are never written through,
folders it did not make are never deleted, a read-only site or a full disk is a clear
message, cache tables that are devices or pipes are no cache, two builds into one folder
do not collide."""

from __future__ import annotations

import errno
import fcntl
import io
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from site_builder.cache import CACHE_DIR
from site_builder.cli import main
from site_builder.output import write
from site_builder.output.write import MARKER
from tests.conftest import MakeSite
from tests.sitefiles import brief
from tests.test_build import siblings, tree

ROOT = Path(__file__).parent.parent
B = "briefs/b.md"
BODY = "Text [@quelle#p1].\n"
MORE = "Text [@quelle#p1]. Noch mehr [@quelle#istanbul].\n"
FAKE_PID = 4_000_123  # what os.getpid() says in these tests: links are planted for it
VICTIM_TEXT = "echo harmless\n"


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740787200")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the site that a planted link points to (a shell start-up file)."""
    path = tmp_path / "outside" / ".bashrc"
    path.parent.mkdir()
    path.write_text(VICTIM_TEXT, "utf-8")
    return path


def _fake_pid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "getpid", lambda: FAKE_PID)


def _plant(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def _untouched(victim: Path) -> bool:
    return victim.read_text("utf-8") == VICTIM_TEXT and len(list(victim.parent.iterdir())) == 1


# --- 3. no write follows a planted link ----------------------------------------------------


def test_check_never_writes_the_lock_through_a_planted_temporary_link(
    make_site: MakeSite, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({B: brief(BODY)})
    _plant(site / f".citations.lock.{FAKE_PID}.tmp", victim)
    _fake_pid(monkeypatch)
    assert main(["check", "--site", str(site), "--no-cache"]) == 0
    assert _untouched(victim)
    assert not (site / "citations.lock").is_symlink()
    assert '"quelle#p1"' in (site / "citations.lock").read_text("utf-8")


def test_lock_in_a_subprocess_never_writes_through_links_planted_for_a_range_of_pids(
    make_site: MakeSite, victim: Path
) -> None:
    # The PID of a new process cannot be known: links for the next thousands of PIDs.
    site = make_site({B: brief(BODY)})
    first = os.getpid()
    for pid in range(first, first + 3000):
        (site / f".citations.lock.{pid}.tmp").symlink_to(victim)
    command = [sys.executable, "-m", "site_builder", "lock", "--site", str(site)]
    done = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert _untouched(victim)
    assert '"quelle#p1"' in (site / "citations.lock").read_text("utf-8")


def test_a_lock_that_is_a_link_is_replaced_not_written_through(
    make_site: MakeSite, victim: Path
) -> None:
    site = make_site({B: brief(BODY)})
    _plant(site / "citations.lock", victim)
    assert main(["lock", "--all", "--site", str(site)]) == 0
    assert _untouched(victim)
    assert not (site / "citations.lock").is_symlink()


def test_cache_tables_are_never_written_through_planted_links(
    make_site: MakeSite, victim: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    tables = site / CACHE_DIR / "build"
    for table in list(tables.glob("*.pickle")):
        _plant(tables / f".{table.name}.{FAKE_PID}", victim)
    (site / B).write_text(brief(MORE), "utf-8")  # every cache table is written again
    _fake_pid(monkeypatch)
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    assert _untouched(victim)


def test_a_cache_folder_that_is_a_link_out_of_the_site_is_not_written(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({B: brief(BODY)})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    assert list(elsewhere.iterdir()) == []


def test_an_output_folder_in_the_site_behind_a_link_out_of_it_is_refused(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # serve builds into .site-builder-cache/serve: a planted cache folder would lead there.
    site = make_site({B: brief(BODY)})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    out = site / CACHE_DIR / "serve"
    assert main(["build", "--site", str(site), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"site-builder: error: --out: {out} leads out of the site through a symbolic link; "
        "nothing was written or deleted\n"
    )
    assert list(elsewhere.iterdir()) == []


def test_the_cache_key_is_never_written_through_a_planted_link(
    make_site: MakeSite, victim: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = make_site({B: brief(BODY)})
    keys = tmp_path / "user-cache" / "site-builder"
    _plant(keys / f".cache-key.{FAKE_PID}", victim)
    _fake_pid(monkeypatch)
    assert main(["check", "--site", str(site)]) == 0
    assert _untouched(victim)
    key = keys / "cache-key"
    assert not key.is_symlink() and key.stat().st_mode & 0o077 == 0


def test_new_refuses_a_planted_link_where_the_brief_would_go(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({})
    target = tmp_path / "outside-new.md"  # does not exist: a dangling link
    _plant(site / "briefs" / "kreml-schliesst-aus.md", target)
    assert main(["new", "--site", str(site), "Kreml schließt aus"]) == 2
    assert capsys.readouterr().err == (
        "site-builder: error: briefs/kreml-schliesst-aus.md exists already; "
        "choose another title or edit that file\n"
    )
    assert not target.exists()


def test_new_refuses_a_briefs_folder_that_is_a_link(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({}, defaults=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "briefs").symlink_to(elsewhere, target_is_directory=True)
    assert main(["new", "--site", str(site), "Kreml schließt aus"]) == 2
    assert "briefs/ is a symbolic link" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []


def test_build_never_writes_through_links_planted_for_its_temporary_folders(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine", "utf-8")
    for kind in ("new", "old"):
        (tmp_path / f".public.{kind}-{FAKE_PID}").symlink_to(elsewhere)
    _fake_pid(monkeypatch)
    for _ in range(2):  # the first build, and one that swaps an old output out
        assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
    assert (elsewhere / "keep.txt").read_text("utf-8") == "mine"
    assert (out / MARKER).is_file()


def test_reanchor_is_not_stopped_by_a_file_planted_at_its_temporary_name(
    make_site: MakeSite, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = "---\ntitle: Quelle\noutlet: Testagentur\n---\nErster Absatz.\n\nZweiter Absatz.\n"
    site = make_site({"content/quelle.md": source, B: brief("Zwei [@quelle#p2].\n")})
    assert main(["lock", "--site", str(site)]) == 0
    moved = source.replace("Erster Absatz.\n\n", "Neu davor.\n\nErster Absatz.\n\n")
    (site / "content/quelle.md").write_text(moved, "utf-8")
    _plant(site / "briefs" / f".b.md.{FAKE_PID}.reanchor", victim)
    _fake_pid(monkeypatch)
    assert main(["reanchor", "--site", str(site)]) == 0
    assert "[@quelle#p3]" in (site / B).read_text("utf-8")
    assert _untouched(victim)


# --- 4. build removes only folders it made -------------------------------------------------


def _user_folder(path: Path) -> Path:
    path.mkdir()
    (path / "notiz.txt").write_text("meins", "utf-8")
    return path


@pytest.mark.parametrize("kind", ["new", "old"])
def test_a_users_folder_named_like_a_temporary_one_survives_and_the_build_succeeds(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    users = _user_folder(tmp_path / f".public.{kind}-{FAKE_PID}")
    (site / B).write_text(brief(MORE), "utf-8")
    _fake_pid(monkeypatch)
    capsys.readouterr()
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    # The message is what happened: the new output is in place (and kept nothing back).
    assert capsys.readouterr().out.splitlines()[-1].startswith("built ")
    assert "Noch mehr" in (out / "briefs" / "b" / "index.html").read_text("utf-8")
    assert (users / "notiz.txt").read_text("utf-8") == "meins"
    assert (tmp_path / ".public.spare" / MARKER).is_file()  # the old output, kept as spare
    assert siblings(out) == [users.name]


def test_a_failure_after_the_atomic_swap_is_no_failure_of_the_build(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    (site / B).write_text(brief(MORE), "utf-8")
    real = Path.rename

    def refuse_after_swap(self: Path, target: Path) -> Path:  # type: ignore[override]
        if ".new-" in self.name or ".old-" in self.name:  # moving the old output aside
            raise OSError(errno.EBUSY, "Device or resource busy")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", refuse_after_swap)
    capsys.readouterr()
    status = main(["build", "--site", str(site), "--out", str(out), "--no-search"])
    printed = capsys.readouterr()
    err = printed.err
    new_output = "Noch mehr" in (out / "briefs" / "b" / "index.html").read_text("utf-8")
    # Never "the previous output was left as it was" while public/ holds the new one.
    assert (status, new_output) in ((0, True), (2, False)), err
    if sys.platform == "linux":  # an atomic exchange: the new output is in place
        assert status == 0 and err == "" and "\nbuilt " in printed.out, printed
    assert siblings(out) == []


def test_a_swap_that_cannot_be_undone_says_where_the_previous_output_is(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    before = tree(out)
    (site / B).write_text(brief(MORE), "utf-8")
    monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    real = Path.rename

    def refuse_into_place(self: Path, target: Path) -> Path:  # type: ignore[override]
        if target == out and ".public." in self.name:
            raise OSError(errno.EBUSY, "Device or resource busy")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", refuse_into_place)
    capsys.readouterr()
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 2
    err = capsys.readouterr().err
    assert "the previous output was left as it was" not in err
    assert "the previous output waits in " in err and "(the next build puts it back)" in err
    monkeypatch.setattr(Path, "rename", real)
    (site / B).write_text(brief(BODY), "utf-8")
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    assert tree(out) == before
    assert siblings(out) == []


def test_leftovers_with_random_names_are_removed_only_with_the_marker_or_empty(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    dead = 2**22 + 777  # above the default pid_max: no such process
    shutil.copytree(out, tmp_path / f".public.new-{dead}-0a1b2c")
    (tmp_path / f".public.old-{dead}-3d4e5f").mkdir()  # killed right after making it
    users = _user_folder(tmp_path / f".public.new-{dead}-777777")
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    assert siblings(out) == [users.name]


def test_temporary_folders_follow_the_umask(make_site: MakeSite, tmp_path: Path) -> None:
    # (tempfile.mkdtemp makes 0700 folders: swapped in, the output would be unreadable
    # to the web server.)
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    old = os.umask(0o022)
    try:
        assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o755


# --- 14. read-only site, full disk --------------------------------------------------------


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make every write under a folder fail as on a read-only mount (EROFS). Not ``chmod``:
    root (as in CI containers) writes anyway, and EACCES is not what a read-only mount
    answers (it refuses even removing a file that does not exist)."""

    def refuse(folder: Path) -> None:
        def inside(path: Any) -> bool:
            return isinstance(path, (str, Path)) and Path(path).is_relative_to(folder)

        def guard(real: Callable[..., Any], writes: Callable[..., bool]) -> Callable[..., Any]:
            def guarded(*args: Any, **kwargs: Any) -> Any:
                if args and inside(args[0]) and writes(*args, **kwargs):
                    raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(args[0]))
                return real(*args, **kwargs)

            return guarded

        always = lambda *args, **kwargs: True  # noqa: E731
        written = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC
        for name in ("mkdir", "unlink", "rmdir", "replace", "rename"):
            monkeypatch.setattr(os, name, guard(getattr(os, name), always))
        flags = lambda path, flags, *rest, **kw: bool(flags & written)  # noqa: E731
        monkeypatch.setattr(os, "open", guard(os.open, flags))
        mode = lambda path, mode="r", *rest, **kw: any(c in mode for c in "wax+")  # noqa: E731
        monkeypatch.setattr(io, "open", guard(io.open, mode))

    return refuse


def test_check_of_a_read_only_site_skips_the_cache_without_a_crash(
    make_site: MakeSite,
    read_only: Callable[[Path], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({B: brief(BODY)})
    assert main(["lock", "--site", str(site)]) == 0
    shutil.rmtree(site / CACHE_DIR)  # a fresh clone on a read-only mount
    read_only(site)
    capsys.readouterr()
    assert main(["check", "--frozen", "--site", str(site)]) == 0
    out = capsys.readouterr()
    assert out.out == "ok: 1 brief and 1 source checked, no problems\n"
    assert "Traceback" not in out.err and len(out.err.splitlines()) <= 1


def test_a_full_disk_while_writing_the_lock_is_a_clear_error_and_the_lock_is_kept(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({B: brief(BODY)})
    assert main(["lock", "--site", str(site)]) == 0
    before = (site / "citations.lock").read_bytes()
    (site / B).write_text(brief(MORE), "utf-8")  # a new citation: check records it

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_fdopen = os.fdopen

    def fdopen_full(descriptor: int, *args: Any, **kwargs: Any) -> Any:
        stream = real_fdopen(descriptor, *args, **kwargs)
        if "w" in (args[0] if args else kwargs.get("mode", "r")):
            stream.write = full  # the file write, however it is made
        return stream

    monkeypatch.setattr(os, "write", full)
    monkeypatch.setattr(os, "fdopen", fdopen_full)
    for command in (["check"], ["lock"]):
        capsys.readouterr()
        assert main([*command, "--site", str(site)]) == 2
        assert capsys.readouterr().err == (
            "site-builder: error: could not write citations.lock: No space left on device; "
            "citations.lock is unchanged\n"
        )
        assert (site / "citations.lock").read_bytes() == before
        assert [p.name for p in site.iterdir() if p.name.startswith(".citations")] == []


# --- 16. cache tables that are devices, pipes or huge ---------------------------------------


def _build_in_subprocess(site: Path, out: Path, tmp_path: Path) -> tuple[int, str]:
    """Build in a process whose standard input stays open and empty (a table linked to
    ``/dev/stdin`` then waits for ever if read) and whose memory is limited (``/dev/zero``
    read whole must fail, not take the machine). The timeout only catches a hang."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    command = [sys.executable, "-m", "site_builder", "build", "--site", str(site)]
    err = tmp_path / "stderr.txt"
    with err.open("wb") as stream:
        build = subprocess.Popen(
            [*command, "--out", str(out), "--no-search"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stream,
            preexec_fn=limit_memory,  # noqa: PLW1509 (setrlimit only: no lock is taken)
            env={**os.environ, "SOURCE_DATE_EPOCH": "1740787200"},
        )
        try:
            status = build.wait(timeout=60)
        except subprocess.TimeoutExpired:
            build.kill()
            build.wait()
            status = -1
        finally:
            assert build.stdin is not None
            build.stdin.close()
    return status, err.read_text("utf-8", "replace")


def _replace_tables(site: Path, make: Callable[[Path], None]) -> int:
    tables = sorted((site / CACHE_DIR / "build").glob("*.pickle"))
    for table in tables:
        table.unlink()
        make(table)
    return len(tables)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/stdin", "/dev/urandom"])
def test_cache_tables_linked_to_devices_are_no_cache(
    make_site: MakeSite, tmp_path: Path, device: str
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    before = tree(out)
    assert _replace_tables(site, lambda table: table.symlink_to(device)) > 0
    shutil.rmtree(out)
    status, err = _build_in_subprocess(site, out, tmp_path)
    assert status == 0, err
    assert tree(out) == before


def test_cache_tables_that_are_pipes_or_huge_are_no_cache(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    before = tree(out)

    def pipe_or_huge(table: Path) -> None:
        if table.name.startswith("documents"):
            os.mkfifo(table)
        else:
            with table.open("wb") as stream:
                stream.truncate(8 << 30)  # sparse: 8 GiB that take no disk

    _replace_tables(site, pipe_or_huge)
    shutil.rmtree(out)
    status, err = _build_in_subprocess(site, out, tmp_path)
    assert status == 0, err
    assert tree(out) == before


# --- 17. two builds into one folder --------------------------------------------------------


@pytest.fixture
def held_lock(tmp_path: Path) -> Iterator[Path]:
    """This test process holds the output lock of ``tmp_path/public`` as a build would."""
    path = tmp_path / ".public.lock"
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    os.write(descriptor, f"{os.getpid()}\n".encode())
    try:
        yield path
    finally:
        os.close(descriptor)


def test_a_second_build_into_the_same_folder_says_another_build_is_running(
    make_site: MakeSite, tmp_path: Path, held_lock: Path
) -> None:
    site = make_site({B: brief(BODY)})
    out = tmp_path / "public"
    command = [sys.executable, "-m", "site_builder", "build", "--site", str(site)]
    done = subprocess.run(
        [*command, "--out", str(out), "--no-search"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"site-builder: error: another build is running into {out.resolve()} "
        f"(process {os.getpid()}); try again when it has finished; nothing was written or "
        "deleted\n"
    )
    assert not out.exists()


def test_an_output_lock_planted_as_a_link_is_never_written_through(
    make_site: MakeSite, tmp_path: Path, victim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({B: brief(BODY)})
    lock = tmp_path / ".public.lock"
    lock.symlink_to(victim)
    assert main(["build", "--site", str(site), "--out", str(tmp_path / "public")]) == 2
    assert capsys.readouterr().err == (
        f"site-builder: error: --out: cannot open the lock {lock}: it is a symbolic link; "
        "remove it; nothing was written or deleted\n"
    )
    assert _untouched(victim)


def test_two_builds_at_once_never_fail_with_a_missing_file(
    make_site: MakeSite, tmp_path: Path
) -> None:
    files = {f"briefs/b{n}.md": brief(BODY) for n in range(40)}
    site = make_site(files)
    out = tmp_path / "public"
    command = [sys.executable, "-m", "site_builder", "build", "--site", str(site)]
    command += ["--out", str(out), "--no-search"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1740787200"}
    for round_ in range(3):
        (site / "briefs" / "b0.md").write_text(brief(f"Runde {round_} [@quelle#p1].\n"), "utf-8")
        builds = [
            subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        results = [(build.wait(timeout=120), build.communicate()[1]) for build in builds]
        for status, err in results:
            assert "Traceback" not in err
            assert status == 0 or (status == 2 and "another build is running" in err), err
        assert any(status == 0 for status, _ in results)
        assert (out / MARKER).is_file()
    assert siblings(out) == []
