"""``serve`` notices changes through watchfiles (issue 15, point 6) and publishes a scheduled
brief when its moment passes (point 5).

Real files and real watchfiles (inotify here, polling where a test asks for it). Every wait
is bounded by TIMEOUT only to catch a hang, and ends as soon as its condition holds. That
something did *not* happen is shown by order, not by waiting: an ignored change comes
first, then a watched one, and the first rebuild (or notice) must name the watched one only.
"""

from __future__ import annotations

import datetime
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import watchfiles
import watchfiles.main
from watchfiles._rust_notify import WatchfilesRustInternalError

from site_builder.model import Brief
from site_builder.pipeline import BuildOptions
from site_builder.serve import notify
from site_builder.serve.notify import Ignored, Notice, Notifier, Targets, failure_reason
from site_builder.serve.publish_timer import PublishTimer, next_publication
from site_builder.serve.serve import Console, ServeOptions, start_server
from site_builder.serve.watch import (
    WATCHED_FILES,
    WATCHED_FOLDERS,
    Reactions,
    WatchOptions,
    is_ignored_folder,
    is_ignored_name,
    snapshot,
    watch,
)
from tests.sitefiles import brief, write_site
from tests.test_serve import EventStream, Running, _lines_of, fetch

TIMEOUT = 10.0
FAST = WatchOptions(interval=0.02, settle=0.1, quiet=3600)
GOOD = brief("Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n")
EDITED = brief("Peskow sprach von einem „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n")
WATCH_THREADS = ("watch", "watch-site", "watch-folders")


@dataclass
class Watching:
    """A ``watch`` running in a thread on ``site``: what it rebuilt and said."""

    site: Path
    rebuilds: queue.Queue[list[str]] = field(default_factory=queue.Queue)
    said: list[str] = field(default_factory=list)

    def write(self, relative: str, text: str = "x\n") -> None:
        path = self.site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        _save(path, text)

    def next_rebuild(self) -> list[str]:
        return self.rebuilds.get(timeout=TIMEOUT)

    def settle_in(self) -> None:
        """An edit and its rebuild: then the watchers are surely listening."""
        self.write("briefs/einstieg.md", brief("Start [@quelle#p1].\n"))
        assert self.next_rebuild() == ["briefs/einstieg.md"]


@contextmanager
def watching(
    site: Path, options: WatchOptions = FAST, skip: Path | None = None
) -> Iterator[Watching]:
    running = Watching(site)
    stop = threading.Event()
    reactions = Reactions(rebuild=running.rebuilds.put, say=running.said.append)
    thread = threading.Thread(
        target=watch,
        args=(site, snapshot(site, skip), reactions, stop),
        kwargs={"options": options, "skip": skip},
        name="watch",
    )
    thread.start()
    try:
        yield running
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert not thread.is_alive()


def _site(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    return write_site(tmp_path / "site", {"briefs/a.md": GOOD, **(files or {})})


def test_an_edit_is_noticed_and_rebuilt(tmp_path: Path) -> None:
    with watching(_site(tmp_path)) as running:
        running.write("briefs/a.md", EDITED)
        assert running.next_rebuild() == ["briefs/a.md"]
        running.write("content/quelle.md", "---\ntitle: Neu\n---\nText.\n")
        running.write("site.yaml", "title: Neu\nbase_url: https://example.org/\n")
        assert running.next_rebuild() == ["content/quelle.md", "site.yaml"]
    assert running.said == []


def test_changes_in_public_git_the_cache_and_swap_files_make_no_rebuild(tmp_path: Path) -> None:
    site = _site(tmp_path, {"public/index.html": "x", ".git/HEAD": "x", "templates/base.html": ""})
    with watching(site) as running:
        running.settle_in()
        for relative in (
            "public/index.html",
            "public/briefs/neu/index.html",
            ".git/HEAD",
            ".git/objects/ab/cdef",
            ".site-builder-cache/serve/index.html",
            "notes.txt",
            "briefs/.a.md.swp",
            "briefs/.#a.md",
            "briefs/a.md~",
            "briefs/#a.md#",
            "briefs/4913",
            "content/.git/config",
            "templates/.base.html.swp",
        ):
            running.write(relative)
        (site / "briefs/4913").unlink()
        running.write("briefs/a.md", EDITED)
        assert running.next_rebuild() == ["briefs/a.md"]
        running.write("templates/base.html", "<p>neu</p>")
        assert running.next_rebuild() == ["templates/base.html"]


def test_briefs_filed_in_year_folders_are_watched(tmp_path: Path) -> None:
    """A folder named by digits (briefs/2025/) is an input: only a *file* of digits is
    Vim's write probe. Once, such folders were skipped, and serve never saw an edit in
    them (found serving the 20,000-page benchmark site, whose briefs are filed by year)."""
    site = _site(tmp_path, {"briefs/2025/b.md": GOOD})
    assert "briefs/2025/b.md" in snapshot(site)
    with watching(site) as running:
        running.write("briefs/2025/b.md", EDITED)
        assert running.next_rebuild() == ["briefs/2025/b.md"]
        running.write("briefs/2026/neu.md", GOOD)  # a new year's folder
        assert running.next_rebuild() == ["briefs/2026/neu.md"]
        running.write("briefs/2026/4913")  # Vim's probe in it is still no input
        (site / "briefs/2026/4913").unlink()
        running.write("briefs/2026/neu.md", EDITED)
        assert running.next_rebuild() == ["briefs/2026/neu.md"]


def test_the_notifier_reports_no_event_for_ignored_files(tmp_path: Path) -> None:
    """Below the snapshots: watchfiles' events for ignored files are filtered out, so they
    do not even make the watcher look."""
    site = _site(tmp_path, {"public/index.html": "x"})
    said: list[str] = []
    notifier = _notifier(site, said)
    notifier.start()
    try:
        (site / "public/index.html").write_text("y")
        (site / "briefs/.a.md.swp").write_text("y")
        (site / "briefs/a.md~").write_text("y")
        (site / "briefs/a.md").write_text(EDITED)
        reported = _paths_until(notifier, str(site / "briefs/a.md"))
    finally:
        notifier.close()
    assert reported <= {str(site / "briefs/a.md")}
    assert said == []


@pytest.mark.parametrize("poll", [False, True])
def test_only_a_new_folder_or_a_watched_folder_gone_restarts_the_watchers(
    tmp_path: Path, poll: bool
) -> None:
    """Polling reports content/ modified whenever a file in it is: that is no new folder."""
    site = _site(tmp_path, {"pages/impressum.md": "x"})
    os.utime(site / "content", (0, 0))  # polling compares whole seconds: surely changed
    notifier = _notifier(site, [], poll=poll)
    notifier.start()
    try:
        (site / "content/zweite.md").write_text("x")
        assert not _notices_until(notifier, str(site / "content/zweite.md"))[1]
        (site / "content/neu").mkdir()
        assert _notices_until(notifier, str(site / "content/neu"))[1]
        notifier.restart()
        (site / "pages/impressum.md").unlink()
        (site / "pages").rmdir()
        assert _notices_until(notifier, str(site / "pages"))[1]
    finally:
        notifier.close()


def test_a_burst_of_changes_makes_one_rebuild(tmp_path: Path) -> None:
    """A ``git checkout`` of 50 files: one rebuild naming them all, and no second one."""
    options = WatchOptions(interval=0.02, settle=1.0, quiet=3600)
    with watching(_site(tmp_path), options) as running:
        running.settle_in()
        for number in range(50):
            running.write(f"briefs/neu-{number:02}.md", GOOD)
        assert running.next_rebuild() == [f"briefs/neu-{n:02}.md" for n in range(50)]
        running.write("briefs/a.md", EDITED)
        assert running.next_rebuild() == ["briefs/a.md"]


def test_a_change_during_a_rebuild_is_not_lost(tmp_path: Path) -> None:
    site = _site(tmp_path)
    rebuilds: queue.Queue[list[str]] = queue.Queue()

    def rebuild(changed: list[str]) -> None:
        if changed == ["briefs/a.md"]:  # the editor saves another file while it builds
            (site / "briefs/b.md").write_text(GOOD, encoding="utf-8")
        rebuilds.put(changed)

    stop = threading.Event()
    reactions = Reactions(rebuild=rebuild, say=lambda line: None)
    thread = threading.Thread(
        target=watch, args=(site, snapshot(site), reactions, stop), kwargs={"options": FAST}
    )
    thread.start()
    try:
        _save(site / "briefs/a.md", EDITED)
        assert rebuilds.get(timeout=TIMEOUT) == ["briefs/a.md"]
        assert rebuilds.get(timeout=TIMEOUT) == ["briefs/b.md"]
    finally:
        stop.set()
        thread.join(TIMEOUT)


def test_a_folder_created_later_is_watched(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert not (site / "pages").exists() and not (site / "templates").exists()
    with watching(site) as running:
        running.settle_in()
        running.write("pages/impressum.md", "---\ntitle: Impressum\n---\nText.\n")
        assert running.next_rebuild() == ["pages/impressum.md"]
        # Now watched through its own events: an edit inside the new folder is noticed.
        running.write("pages/impressum.md", "---\ntitle: Impressum\n---\nAnderer Text.\n")
        assert running.next_rebuild() == ["pages/impressum.md"]
        running.write("content/neu/tief/zweite.md", "---\ntitle: Zweite\n---\nText.\n")
        assert running.next_rebuild() == ["content/neu/tief/zweite.md"]
        running.write("content/neu/tief/zweite.md", "---\ntitle: Zweite\n---\nMehr.\n")
        assert running.next_rebuild() == ["content/neu/tief/zweite.md"]


def test_a_watched_folder_removed_and_made_again_is_watched(tmp_path: Path) -> None:
    site = _site(tmp_path, {"pages/impressum.md": "---\ntitle: I\n---\nText.\n"})
    with watching(site) as running:
        running.settle_in()
        (site / "pages/impressum.md").unlink()
        (site / "pages").rmdir()
        assert running.next_rebuild() == ["pages/impressum.md"]
        running.write("pages/kontakt.md", "---\ntitle: K\n---\nText.\n")
        assert running.next_rebuild() == ["pages/kontakt.md"]
        running.write("pages/kontakt.md", "---\ntitle: K\n---\nMehr.\n")
        assert running.next_rebuild() == ["pages/kontakt.md"]


def test_an_output_folder_inside_the_site_is_not_watched(tmp_path: Path) -> None:
    """A preview built into pages/vorschau/ must not cause a rebuild of its own."""
    site = _site(tmp_path, {"pages/impressum.md": "---\ntitle: I\n---\nText.\n"})
    out = site / "pages/vorschau"
    with watching(site, skip=out) as running:
        running.settle_in()
        running.write("pages/vorschau/index.html", "<p>neu</p>")
        running.write("pages/vorschau/briefs/a/index.html", "<p>neu</p>")
        running.write("pages/impressum.md", "---\ntitle: I\n---\nMehr.\n")
        assert running.next_rebuild() == ["pages/impressum.md"]
    assert "pages/vorschau/index.html" not in snapshot(site, out)


def test_polling_notices_edits_and_new_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _spy_on_watchfiles(monkeypatch)
    options = WatchOptions(interval=0.05, settle=0.2, quiet=3600, poll=True)
    with watching(_site(tmp_path), options) as running:
        running.write("briefs/a.md", EDITED)
        assert running.next_rebuild() == ["briefs/a.md"]
        running.write("pages/impressum.md", "---\ntitle: Impressum\n---\nText.\n")
        assert running.next_rebuild() == ["pages/impressum.md"]
        running.write("pages/impressum.md", "---\ntitle: Impressum\n---\nMehr Text.\n")
        assert running.next_rebuild() == ["pages/impressum.md"]
    assert asked and all(kwargs["force_polling"] is True for kwargs in asked)
    assert {kwargs["poll_delay_ms"] for kwargs in asked} == {50}


def test_polling_notices_a_save_within_the_same_second(tmp_path: Path) -> None:
    """watchfiles' polling compares modification times in whole seconds (watchfiles#319):
    a save that leaves the second as it was is seen by the watcher's second look."""
    site = _site(tmp_path)
    first = (site / "briefs/a.md").stat().st_mtime_ns
    options = WatchOptions(interval=0.05, settle=0.2, quiet=3600, poll=True)
    with watching(site, options) as running:
        running.settle_in()
        (site / "briefs/a.md").write_text(EDITED, encoding="utf-8")
        same_second = first - first % 1_000_000_000 + (first + 1) % 1_000_000_000
        os.utime(site / "briefs/a.md", ns=(same_second, same_second))
        assert running.next_rebuild() == ["briefs/a.md"]


def test_without_poll_watchfiles_decides_so_its_environment_variable_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``force_polling=None``: ``WATCHFILES_FORCE_POLLING`` (and WSL) make watchfiles poll."""
    asked = _spy_on_watchfiles(monkeypatch)
    with watching(_site(tmp_path)) as running:
        running.write("briefs/a.md", EDITED)
        assert running.next_rebuild() == ["briefs/a.md"]
    assert asked and all(kwargs["force_polling"] is None for kwargs in asked)


# What watchfiles raises when inotify cannot be had (seen for real: the first with
# max_user_watches lowered to 3 in a user namespace, the second with ``ulimit -n`` exhausted,
# which inotify_init reports as max_user_instances exhausted is reported too).
WATCH_LIMIT = OSError(
    'OS file watch limit reached. about ["/site/content/a"] '
    '(Error { kind: MaxFilesWatch, paths: ["/site/content/a"] })'
)
NO_INSTANCE = WatchfilesRustInternalError(
    "Error creating recommended watcher: Too many open files (os error 24)"
)
LIMIT_LINE = (
    "file system events are not available (the system's limit of watched folders is "
    "reached; raise fs.inotify.max_user_watches): polling for changes every 0.02 s instead "
    "(serve --poll does so from the start)"
)
INSTANCE_LINE = (
    "file system events are not available (too many inotify instances or open files; raise "
    "fs.inotify.max_user_instances or ulimit -n): polling for changes every 0.02 s instead "
    "(serve --poll does so from the start)"
)


@pytest.mark.parametrize(
    ("error", "line"), [(WATCH_LIMIT, LIMIT_LINE), (NO_INSTANCE, INSTANCE_LINE)]
)
def test_when_events_cannot_start_serve_says_so_once_and_polls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, line: str
) -> None:
    _events_fail(monkeypatch, error)
    with watching(_site(tmp_path)) as running:
        running.write("briefs/a.md", EDITED)
        assert running.next_rebuild() == ["briefs/a.md"]
        running.write("pages/impressum.md", "---\ntitle: Impressum\n---\nText.\n")
        assert running.next_rebuild() == ["pages/impressum.md"]
    assert running.said == [line]


def test_when_events_fail_while_watching_serve_polls_from_then_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """inotify's limit reached by a new folder: watchfiles raises from ``watch``."""
    real = watchfiles.main.RustNotify
    failing = threading.Event()

    class FailsLater:
        """The Rust notifier, whose ``watch`` fails once ``failing`` unless it polls."""

        def __init__(self, paths: list[str], debug: bool, polling: bool, *rest: Any) -> None:
            self._real, self._polling = real(paths, debug, polling, *rest), polling

        def watch(self, *args: Any) -> Any:
            if failing.is_set() and not self._polling:
                raise WatchfilesRustInternalError("error in underlying watcher: boom")
            return self._real.watch(*args)

        def __enter__(self) -> FailsLater:
            return self

        def __exit__(self, *args: object) -> None:
            self._real.close()

    monkeypatch.setattr(watchfiles.main, "RustNotify", FailsLater)
    with watching(_site(tmp_path)) as running:
        running.settle_in()
        failing.set()
        running.write("briefs/a.md", EDITED)
        assert running.next_rebuild() == ["briefs/a.md"]
        running.write("briefs/a.md", GOOD)
        assert running.next_rebuild() == ["briefs/a.md"]
    assert running.said == [
        "file system events are not available (error in underlying watcher: boom): polling "
        "for changes every 0.02 s instead (serve --poll does so from the start)"
    ]


def test_when_polling_fails_too_serve_says_so_and_goes_on_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Permission denied (os error 13)")

    monkeypatch.setattr(watchfiles.main, "RustNotify", refuse)
    with watching(_site(tmp_path)) as running:
        notice = "cannot watch the site for changes: Permission denied (os error 13); "
        _wait_for(lambda: any(line.startswith(notice) for line in running.said))
    assert running.said == [
        "file system events are not available (Permission denied (os error 13)): polling for "
        "changes every 0.02 s instead (serve --poll does so from the start)",
        notice + "restart serve to try again",
    ]


def test_failure_reasons_are_short_and_printable() -> None:
    long = OSError("bad\x1b[31m name " + "x" * 300 + " (Error { kind: Io, paths: [] })")
    reason = failure_reason(long)
    assert "\x1b" not in reason and "\\x1b" in reason
    assert len(reason) <= 170 and "Error {" not in reason


def test_no_watch_thread_is_left_after_close(tmp_path: Path) -> None:
    with watching(_site(tmp_path)) as running:
        running.settle_in()
        assert any(t.name == "watch-folders" for t in threading.enumerate())
    assert not [t for t in threading.enumerate() if t.name in WATCH_THREADS]


def test_is_ignored_name() -> None:
    for name in (".git", ".a.md.swp", ".#a.md", "a.md~", "#a.md#", "4913", "5036"):
        assert is_ignored_name(name), name
    for name in ("a.md", "2025.md", "base.html", "impressum"):
        assert not is_ignored_name(name), name
    for name in ("2025", "4913", "archiv"):  # folders: a year is no probe
        assert not is_ignored_folder(name), name
    for name in (".git", "alt~", "#x#"):
        assert is_ignored_folder(name), name


# Scheduled briefs in a running serve: the clock is injected and moved by hand.

PLAN = "---\ntitle: Geplant\ndate: 2025-02-27\npublish_at: 2025-03-02T06:00:00+01:00\n---\n"
MOMENT = datetime.datetime(2025, 3, 2, 5, 0, tzinfo=datetime.UTC)


@dataclass
class HandClock:
    now: datetime.datetime

    def __call__(self) -> datetime.datetime:
        return self.now


def test_a_scheduled_brief_appears_once_its_moment_passes(tmp_path: Path) -> None:
    site = _site(tmp_path, {"briefs/plan.md": brief("Plan [@quelle#p1].\n", PLAN)})
    clock = HandClock(MOMENT - datetime.timedelta(days=1))
    messages: list[str] = []
    options = ServeOptions(BuildOptions(search=False), port=0, watch=FAST, clock=clock)
    server = start_server(site, options, Console(say=messages.append))
    try:
        running = Running(site, server, messages)
        assert fetch(running.url("/briefs/plan/"))[0] == 404
        assert fetch(running.url("/briefs/a/"))[0] == 200
        assert (
            "scheduled: briefs/plan.md due at 2025-03-02T06:00:00+01:00 (serve rebuilds then)"
            in (messages)
        )
        events = EventStream(running)
        clock.now = MOMENT
        assert events.next_event()[0] == "reload"
        assert fetch(running.url("/briefs/plan/"))[0] == 200
        assert "publish_at reached: briefs/plan.md; rebuilding" in messages
        events.close()
    finally:
        server.close()
    assert sum(m.startswith("publish_at reached") for m in messages) == 1


def test_next_publication_is_the_earliest_moment_ahead() -> None:
    clock = MOMENT
    briefs = [
        _brief("briefs/a.md", MOMENT + datetime.timedelta(hours=2)),
        _brief("briefs/b.md", MOMENT + datetime.timedelta(hours=1)),
        _brief("briefs/c.md", MOMENT + datetime.timedelta(hours=1)),
        _brief("briefs/d.md", MOMENT),  # due now: published by this build
        _brief("briefs/e.md", None),
        _brief("briefs/f.md", MOMENT + datetime.timedelta(minutes=5), draft=True),
    ]
    found = next_publication(briefs, clock)
    assert found is not None
    assert found.moment == MOMENT + datetime.timedelta(hours=1)
    assert found.paths == ("briefs/b.md", "briefs/c.md")
    with_drafts = next_publication(briefs, clock, drafts=True)
    assert with_drafts is not None and with_drafts.paths == ("briefs/f.md",)
    assert next_publication(briefs[3:5], clock) is None


def test_with_a_fixed_clock_nothing_is_scheduled() -> None:
    """``SOURCE_DATE_EPOCH``: serve gets no clock, builds with the fixed one, never times."""
    timer = PublishTimer(None, drafts=False)
    assert timer.now() is None
    timer.noted([_brief("briefs/a.md", MOMENT)], None)
    assert timer.next is None and timer.due() is None
    timer.noted([_brief("briefs/a.md", MOMENT)], MOMENT - datetime.timedelta(hours=1))
    assert timer.next is None and timer.due() is None


def test_a_build_that_failed_schedules_nothing(tmp_path: Path) -> None:
    """A broken site.yaml must not be rebuilt on every look at the clock."""
    clock = HandClock(MOMENT)
    timer = PublishTimer(clock, drafts=False)
    timer.noted([_brief("briefs/a.md", MOMENT + datetime.timedelta(hours=1))], MOMENT)
    assert timer.next is not None
    clock.now = MOMENT + datetime.timedelta(hours=2)
    assert timer.due() == timer.next
    timer.noted(None, clock.now)
    assert timer.due() is None


# The command as a user runs it.


def test_serve_poll_command_notices_an_edit_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    site = _site(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--site", str(site), *SERVE_OPTIONS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    try:
        lines = _lines_of(process)
        serving = _wait_for_line(lines, "serving ")
        assert serving.endswith("(rebuilds on change, polling every 0.3 s; Ctrl-C stops)")
        (site / "briefs/a.md").write_text(EDITED, encoding="utf-8")
        assert _wait_for_line(lines, "changed: ") == "changed: briefs/a.md; rebuilding"
        assert _wait_for_line(lines, "built ").startswith("built ")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        process.kill()
        process.wait()
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


def test_serve_schedules_by_the_wall_clock_but_not_with_source_date_epoch(
    tmp_path: Path,
) -> None:
    far = PLAN.replace("2025-03-02T06:00:00+01:00", "2099-01-01T06:00:00+01:00")
    site = _site(tmp_path, {"briefs/plan.md": brief("Plan [@quelle#p1].\n", far)})
    scheduled = "scheduled: briefs/plan.md due at 2099-01-01T06:00:00+01:00 (serve rebuilds then)"
    assert scheduled in _said_until_serving(site, {})
    assert not any(line.startswith("scheduled") for line in _said_until_serving(site, {EPOCH: "0"}))


# Helpers.

EPOCH = "SOURCE_DATE_EPOCH"


def _said_until_serving(site: Path, environ: dict[str, str]) -> list[str]:
    """What ``serve`` says up to its "serving" line (then it is stopped)."""
    base = {k: v for k, v in os.environ.items() if k != EPOCH}
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--site", str(site), *SERVE_OPTIONS],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**base, "NO_COLOR": "1", **environ},
    )
    try:
        lines = _lines_of(process)
        said = []
        while not said or not said[-1].startswith("serving "):
            said.append(lines.get(timeout=TIMEOUT * 2))
        return said
    finally:
        process.kill()
        process.wait()


SERVE_OPTIONS = ("--port", "0", "--poll", "--no-search")


def _save(path: Path, text: str) -> None:
    """Save as many editors do: whole, by renaming a new file over the old. A look at a
    file half written would see it change once more (one more rebuild, which a test that
    counts rebuilds would take for a bug)."""
    fresh = path.parent / f".{path.name}.neu"
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, path)


def _notifier(site: Path, said: list[str], poll: bool = False) -> Notifier:
    targets = Targets(os.path.abspath(site), WATCHED_FOLDERS, WATCHED_FILES)
    ignored = Ignored(is_ignored_folder, is_ignored_name)
    return Notifier(targets, ignored, poll=poll, poll_delay_ms=20, say=said.append)


def _paths_until(notifier: Notifier, path: str) -> set[str]:
    """Every path the notifier reported up to and with ``path``."""
    return _notices_until(notifier, path)[0]


def _notices_until(notifier: Notifier, path: str) -> tuple[set[str], bool]:
    """Every path the notifier reported up to and with ``path``, and whether any of those
    notices asked for a restart."""
    reported: set[str] = set()
    restart = False
    while path not in reported:
        notice = notifier.next(TIMEOUT)
        assert isinstance(notice, Notice), f"no notice of {path}; reported {reported}"
        reported.update(notice.paths)
        restart = restart or notice.restart
    return reported, restart


def _spy_on_watchfiles(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    asked: list[dict[str, Any]] = []
    real = watchfiles.watch

    def spy(*paths: Any, **kwargs: Any) -> Any:
        asked.append(kwargs)
        return real(*paths, **kwargs)

    monkeypatch.setattr(notify.watchfiles, "watch", spy)
    return asked


def _events_fail(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """watchfiles' Rust notifier raises ``error`` unless it is asked to poll."""
    real = watchfiles.main.RustNotify

    def made(paths: list[str], debug: bool, polling: bool, *rest: Any) -> Any:
        if not polling:
            raise error
        return real(paths, debug, polling, *rest)

    monkeypatch.setattr(watchfiles.main, "RustNotify", made)


def _brief(path: str, publish_at: datetime.datetime | None, draft: bool = False) -> Brief:
    slug = Path(path).stem
    return Brief(path, slug, "T", None, 1, (), (), publish_at=publish_at, draft=draft)


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def _wait_for_line(lines: queue.Queue[str], prefix: str) -> str:
    while True:
        line = lines.get(timeout=TIMEOUT * 2)
        if line.startswith(prefix):
            return line
