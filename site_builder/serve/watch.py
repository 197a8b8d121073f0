"""Watch a site's inputs for ``serve``: notice a change (``notify``: watchfiles' events, or
polling), let a burst of changes settle, and say which files changed.

Which files changed is found by comparing snapshots (size and modification time of every
watched file) before and after, never read from the events: an event may be merged, late,
or lost (inotify's queue overflows on a huge checkout), and an event that changed neither
size nor time (a ``chmod``, an editor's probe file made and removed at once) must not cost
a rebuild. A site of thousands of files is snapshot in milliseconds, and only after a notice.

The snapshot is taken by the walk a build makes of its inputs (``previous_build.
input_entries``), and what that walk found is handed to the rebuild (``Reactions.seen``),
which then does not walk the inputs again: neither for its record nor to find the site's
files (``load.discover_look``, which keeps each folder's listing and each file's own
``lstat``). That is as safe as the build's own walk: it is a full walk of every input,
started just before the rebuild, that trusts no event; the build compares it with its
record under the same racy-time rule (``SETTLE_NS``, from the walk's start); a folder
changed since is listed again; and a file changed after it is seen by the watcher's next
look, which rebuilds. What the snapshot leaves out (``is_ignored_folder``,
``is_ignored_name``, ``skip``) is decided once per folder during the walk.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..load.discover_look import Listing
from ..load.file_states import Unwatched
from ..output.previous_build import InputScan, input_entries
from .look import KeptLook
from .notify import Ignored, Notifier, Targets

# What a build reads: the folders and files whose change makes a new site.
WATCHED_FOLDERS = ("content", "briefs", "pages", "templates")
WATCHED_FILES = ("site.yaml", "citations.lock")

Snapshot = Mapping[str, tuple[int, int]]
"""Site-relative path → (modification time in ns, size) of every watched file."""

# Vim probes whether it may write a folder with a file named 4913 (then 5036, 5159, …).
# ``is_ignored_name`` as one match: the look asks it of every file of the site (20,000
# Python calls of ``startswith``, ``endswith`` and a second match were 15 ms of a rebuild).
_IGNORED_NAME = re.compile(r"[.#].*|.*~|[0-9]+", flags=re.ASCII | re.DOTALL)


def is_ignored_folder(name: str) -> bool:
    """True for folders that never hold a site's input: hidden ones (``.git``) and
    editors' leftovers (``x~``, ``#x#``), as ``discover`` skips them. A folder named by
    digits only is an input: newsrooms file briefs by year (``briefs/2025/``)."""
    return name.startswith((".", "#")) or name.endswith("~")


def is_ignored_name(name: str) -> bool:
    """True for files that are never a site's input: hidden files (``.x.swp``, Emacs'
    ``.#x``), backups (``x~``), Emacs' autosaves (``#x#``) and Vim's write probes
    (``4913``, a file). Their coming and going must not cause a rebuild."""
    return _IGNORED_NAME.fullmatch(name) is not None


def snapshot(root: Path, skip: Path | None = None) -> dict[str, tuple[int, int]]:
    """The current state of every watched file of the site at ``root``, but for those in
    ``skip`` (an output folder inside the site)."""
    return look_at_inputs(root, skip)[0]


def look_at_inputs(
    root: Path, skip: Path | None = None
) -> tuple[dict[str, tuple[int, int]], InputScan]:
    """One walk of the site's inputs: the watcher's ``snapshot`` and what a build's walk
    (``previous_build.input_entries``) finds, with the time the walk started and each
    folder's listing (for ``discover_from_look``: the rebuild does not walk them again).
    The watcher looks again and again with a ``kept_look``: the same, sooner."""
    started = time.time_ns()
    files: dict[str, tuple[int, int]] = {}
    listings: dict[str, Listing] = {}
    entries = input_entries(root, files, unwatched=_unwatched(root, skip), listings=listings)
    return files, InputScan(started, entries, listings)


def kept_look(root: Path, skip: Path | None = None) -> KeptLook:
    """``look_at_inputs(root, skip)`` for looking again and again (``KeptLook.look``)."""
    return KeptLook(root, _unwatched(root, skip))


def _unwatched(root: Path, skip: Path | None) -> Unwatched:
    return Unwatched(is_ignored_folder, is_ignored_name, _inside(root, skip))


def _inside(root: Path, folder: Path | None) -> str | None:
    """``folder`` relative to ``root`` with a slash at its end, when it is inside."""
    if folder is None:
        return None
    relative = os.path.relpath(os.path.abspath(folder), os.path.abspath(root))
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    return None if outside else relative.replace(os.sep, "/") + "/"


def changed_paths(old: Snapshot, new: Snapshot) -> list[str]:
    """Paths added, removed or modified between two snapshots, sorted."""
    # The items that differ, found in C (a Python step per path of 20,000 was ≈ 5 ms of
    # every look).
    return sorted({path for path, _ in old.items() ^ new.items()})


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """``poll``: poll for changes every ``interval`` seconds instead of waiting for the
    file system's events (which do not arrive through some network mounts and container
    bind mounts). ``interval`` is also how often the clock is looked at (``publish_due``).
    ``settle``: a change is acted on only once no other came for this long, so saving ten
    files (a ``git checkout``) makes one rebuild, not ten. ``quiet``: after a build, how
    long the files must stay unchanged before deferred work (the search index) is done;
    ``index_quiet``: how long instead while a search overlay makes the edits searchable
    (``search.search_overlay``): rebuilding the index of a large site takes a minute and
    holds up the next rebuild, so it waits for a pause in the editing."""

    interval: float = 0.3
    settle: float = 0.2
    quiet: float = 1.5
    poll: bool = False
    index_quiet: float = 20.0


# watchfiles' polling (notify's PollWatcher) compares modification times in whole seconds:
# a second save within the same second as the change it last saw, or as its first scan,
# goes unreported (samuelcolvin/watchfiles#319). So the watcher looks once more a little
# over a second after every notice and every start: a few milliseconds of stat calls.
SECOND_LOOK = 1.1


def _nothing() -> None:
    return None


def _never() -> bool:
    return False


def _no_catch_up(interrupted: Callable[[], bool]) -> None:
    return None


def _unused(inputs: InputScan) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Reactions:
    """What the watcher does, in its own thread, one thing at a time: ``rebuild`` with the
    changed paths; ``catch_up`` on every look once nothing changed for ``quiet`` seconds
    (it returns at once when it has nothing to do; what takes long in it stops when the
    function it is given says a notice of a change is waiting); ``publish_due`` on every look (True
    when it rebuilt because a scheduled brief's moment passed); ``say`` a line. ``seen``
    is told, just before ``rebuild``, what the look that found the change saw of the
    inputs, for that rebuild (see the module docstring)."""

    rebuild: Callable[[list[str]], None]
    say: Callable[[str], None]
    catch_up: Callable[[Callable[[], bool]], None] = field(default=_no_catch_up)
    publish_due: Callable[[], bool] = field(default=_never)
    seen: Callable[[InputScan], None] = field(default=_unused)
    # When watching ends (``serve`` stores the last build's record: ``Resident.store_record``).
    stopped: Callable[[], None] = field(default=_nothing)


def watch(
    root: Path,
    baseline: Snapshot,
    reactions: Reactions,
    stop: threading.Event,
    *,
    options: WatchOptions,
    skip: Path | None = None,
    written_by_build: tuple[str, ...] = ("citations.lock",),
) -> None:
    """Watch until ``stop`` is set, rebuilding on every settled change since ``baseline``.
    Changes that a rebuild itself makes to ``written_by_build`` (``check`` records new
    citations in the lock) do not count, or every rebuild would cause another. ``skip``:
    an output folder inside the site, never watched."""
    notifier = Notifier(
        Targets(os.path.abspath(root), WATCHED_FOLDERS, WATCHED_FILES, _absolute(skip)),
        Ignored(is_ignored_folder, is_ignored_name),
        poll=options.poll,
        poll_delay_ms=max(1, round(options.interval * 1000)),
        say=reactions.say,
    )
    notifier.start()
    try:
        _Watcher(root, skip, written_by_build, reactions, notifier, dict(baseline)).run(
            stop, options
        )
    finally:
        notifier.close()
        reactions.stopped()


@dataclass
class _Watcher:
    """The site at ``root`` as the last build saw it (``baseline``), and what to do when
    ``notifier`` says it may have changed."""

    root: Path
    skip: Path | None
    written_by_build: tuple[str, ...]
    reactions: Reactions
    notifier: Notifier
    baseline: dict[str, tuple[int, int]]
    # Every look is a full walk; what it made of unchanged entries is kept for the next.
    kept: KeptLook | None = None

    def run(self, stop: threading.Event, options: WatchOptions) -> None:
        # The first look: what changed between the baseline and the watchers' start.
        self.look()
        last_change = time.monotonic()
        second_look: float | None = last_change + SECOND_LOOK
        while not stop.is_set():
            notice = self.notifier.next(options.interval)
            now = time.monotonic()
            if notice is not None:
                restart = _settled(self.notifier, stop, options.settle)
                if restart is None:
                    return
                if restart or notice.restart:
                    self.notifier.restart()  # before the look: what comes after is noticed
                if self.look():
                    last_change = time.monotonic()
                second_look = time.monotonic() + SECOND_LOOK
            elif second_look is not None and now >= second_look:
                second_look = None
                if self.look():
                    last_change = time.monotonic()
            elif self.reactions.publish_due():
                self.baseline = refreshed(self.root, self.baseline, self.written_by_build)
                last_change = time.monotonic()
            elif now - last_change >= options.quiet:
                self.reactions.catch_up(self.change_waiting)

    def change_waiting(self) -> bool:
        """Whether a waiting notice may name a change since the last look: ``catch_up``'s
        work (the whole search index, tens of seconds) stops for it. A notice of files that
        are as the last look saw them does not count: watchfiles may report one save twice,
        the second time after the rebuild, and a save of unchanged bytes changes nothing.
        A restart, a failure, a folder or a file the last look did not see counts."""
        for notice in self.notifier.waiting_notices():
            if notice.restart or not notice.paths:
                return True
            if any(self._differs(path) for path in notice.paths):
                return True
        return False

    def _differs(self, absolute: str) -> bool:
        relative = Path(os.path.relpath(absolute, self.root)).as_posix()
        seen = self.baseline.get(relative)
        try:
            stat = os.stat(absolute)
        except OSError:
            return seen is not None  # gone; a file that came and went changed nothing
        return seen != (stat.st_mtime_ns, stat.st_size)

    def look(self) -> bool:
        """Rebuild if a watched file changed since the baseline; whether it did."""
        if self.kept is None:
            self.kept = kept_look(self.root, self.skip)
        current, inputs = self.kept.look()
        changed = changed_paths(self.baseline, current)
        if not changed:
            return False
        self.reactions.seen(inputs)
        self.reactions.rebuild(changed)
        self.baseline = refreshed(self.root, current, self.written_by_build)
        return True


def _settled(notifier: Notifier, stop: threading.Event, settle: float) -> bool | None:
    """Once no notice came for ``settle`` seconds: whether one asked for a restart. None
    when stopped."""
    restart = False
    while not stop.is_set():
        notice = notifier.next(settle)
        if notice is None:
            return restart
        restart = restart or notice.restart
    return None


def _absolute(path: Path | None) -> str | None:
    return None if path is None else os.path.abspath(path)


def refreshed(root: Path, before: Snapshot, paths: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """``before`` with the current state of ``paths`` (files a build itself writes)."""
    state = dict(before)
    for path in paths:
        try:
            stat = os.stat(root / path)
        except OSError:
            state.pop(path, None)
            continue
        state[path] = (stat.st_mtime_ns, stat.st_size)
    return state
