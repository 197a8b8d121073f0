"""Notices that a site's inputs may have changed, from ``watchfiles``, for ``serve``.

``watchfiles`` hears the operating system's file events (inotify on Linux, FSEvents on
macOS, ReadDirectoryChangesW on Windows) and can poll instead. Two threads feed one queue:
one watches the site's top folder alone (``site.yaml``, ``citations.lock``, and the
watched folders appearing or going), one watches the watched folders that exist, with
everything below them. Nothing else is watched: ``public/``, ``.git/`` and the cache could
hold more folders than the site itself, and inotify spends a watch on every folder.

A notice says only "look now": which files changed, and whether they changed at all, is
decided by comparing snapshots (``watch``), so a missed or merged event cannot make a
wrong rebuild. Where events cannot be had (inotify's limits reached, no inotify at all)
the notifier says so in one line and polls instead.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import watchfiles
from watchfiles.main import FileChange

from ..messages import msg
from ..names import shown
from ..report import printable

# watchfiles waits for this long without a new event before it hands over what it has,
# and never longer than the debounce: the watcher settles a burst further (``settle``).
STEP_MS = 50
DEBOUNCE_MS = 1_600


@dataclass(frozen=True, slots=True)
class Targets:
    """What to watch in the site at ``root`` (an absolute path): ``files`` and ``folders``
    by name at its top, and nothing inside ``skip`` (an output folder inside the site)."""

    root: str
    folders: tuple[str, ...]
    files: tuple[str, ...]
    skip: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """Something may have changed: ``paths`` (absolute) were reported, maybe not all.
    ``restart``: a folder appeared or a watched folder went, so the watchers must start
    again to cover the site as it now is (inotify adds a watch for a new folder on its
    own, but says nothing when its limit refuses one)."""

    paths: tuple[str, ...] = ()
    restart: bool = False


@dataclass(frozen=True, slots=True)
class _Failure:
    """A watcher stopped: ``reason`` says why, for the editor."""

    reason: str


@dataclass(frozen=True, slots=True)
class Ignored:
    """Which names are no input: ``folder`` for each folder on a path, ``file`` for its
    last name unless that is a folder (a digits-only name is Vim's probe as a file, a
    year as a folder)."""

    folder: Callable[[str], bool]
    file: Callable[[str], bool]

    def path(self, relative: str, absolute: str) -> bool:
        *folders, name = relative.split(os.sep)
        if any(self.folder(part) for part in folders):
            return True
        if self.folder(name):
            return True
        return self.file(name) and not os.path.isdir(absolute)


class Notifier:
    """Notices of changes to ``targets`` (``next``), from watchfiles' events, or by polling
    every ``poll_delay_ms`` when ``poll`` is set, when ``WATCHFILES_FORCE_POLLING`` asks
    for it, or once events failed (``say`` tells the editor, once). ``ignored`` names the
    files and folders that are no input (editors' swap files)."""

    def __init__(
        self,
        targets: Targets,
        ignored: Ignored,
        *,
        poll: bool,
        poll_delay_ms: int,
        say: Callable[[str], None],
    ):
        self._targets, self._ignored, self._say = targets, ignored, say
        self._poll, self._poll_delay_ms = poll, poll_delay_ms
        self._notices: queue.Queue[Notice | _Failure] = queue.Queue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._gave_up = False

    def start(self) -> None:
        """Start watching the site as it is now; return once the watchers are listening
        (or have failed: ``next`` says so), so a change made after this is noticed."""
        self._stop = threading.Event()
        folders = tuple(name for name in self._targets.folders if os.path.isdir(self._path(name)))
        watched: list[tuple[str, tuple[str, ...], bool]] = [
            ("watch-site", (self._targets.root,), False)
        ]
        if folders:
            watched.append(("watch-folders", tuple(self._path(f) for f in folders), True))
        readiness = [threading.Event() for _ in watched]
        self._threads = [
            self._thread(name, paths, recursive, ready)
            for (name, paths, recursive), ready in zip(watched, readiness, strict=True)
        ]
        for thread in self._threads:
            thread.start()
        for ready in readiness:
            ready.wait()

    def restart(self) -> None:
        """Start again: new folders are then watched, or the failure is reported at once."""
        if not self._gave_up:
            self.close()
            self.start()

    def close(self) -> None:
        """Stop the threads; each notices within ``STEP_MS``."""
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self._threads = []

    def next(self, timeout: float) -> Notice | None:
        """The next notice, or None when none came within ``timeout`` seconds. A watcher's
        failure comes as a notice to look (something may have been missed) after falling
        back to polling."""
        try:
            notice = self._notices.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(notice, Notice):
            return notice
        self._failed(notice.reason)
        return Notice()

    def waiting(self) -> bool:
        """Whether a notice is waiting for ``next`` (safe from any thread): work that
        ``next`` would interrupt can stop early."""
        return not self._notices.empty()

    def waiting_notices(self) -> list[Notice]:
        """The notices waiting for ``next``, left there (safe from any thread); a failure
        counts as a notice to look at everything (``Notice()``)."""
        with self._notices.mutex:
            waiting = list(self._notices.queue)
        return [notice if isinstance(notice, Notice) else Notice() for notice in waiting]

    def _failed(self, reason: str) -> None:
        if self._gave_up:
            return
        self.close()
        # The other watcher's failure or notices: the watcher looks at everything anyway.
        self._drain()
        if self._poll:
            self._gave_up = True
            self._say(
                msg(
                    "cannot watch the site for changes: {reason}; restart serve to try again",
                    reason=reason,
                )
            )
            return
        self._poll = True
        seconds = self._poll_delay_ms / 1000
        self._say(
            msg(
                "file system events are not available ({reason}): polling for changes every "
                "{seconds:g} s instead (serve --poll does so from the start)",
                reason=reason,
                seconds=seconds,
            )
        )
        self.start()

    def _drain(self) -> None:
        while True:
            try:
                self._notices.get_nowait()
            except queue.Empty:
                return

    def _path(self, name: str) -> str:
        return os.path.join(self._targets.root, name)

    def _thread(
        self, name: str, paths: tuple[str, ...], recursive: bool, ready: threading.Event
    ) -> threading.Thread:
        accepts = self._below if recursive else self._at_top
        pump = _Pump(paths, recursive, accepts, self._notice, self._poll, self._poll_delay_ms)
        arguments = (self._stop, self._notices, ready)
        return threading.Thread(target=pump.run, args=arguments, name=name)

    def _notice(self, changes: set[FileChange]) -> Notice:
        restart = any(self._restarts(change, path) for change, path in changes)
        return Notice(tuple(sorted(path for _, path in changes)), restart)

    def _restarts(self, change: watchfiles.Change, path: str) -> bool:
        """A new folder anywhere, or a watched folder gone from the site's top."""
        if change == watchfiles.Change.added:
            return os.path.isdir(path)
        # Not on "modified": polling reports a folder modified whenever a file in it is.
        parent, name = os.path.split(path)
        gone = change == watchfiles.Change.deleted
        return gone and parent == self._targets.root and name in self._targets.folders

    def _at_top(self, change: watchfiles.Change, path: str) -> bool:
        """The watched files and folders at the site's top; not ``public/``, ``.git/``."""
        parent, name = os.path.split(path)
        watched = name in self._targets.files or name in self._targets.folders
        return parent == self._targets.root and watched

    def _below(self, change: watchfiles.Change, path: str) -> bool:
        """Anything in the watched folders but editors' leftovers, hidden folders and the
        output folder (a build writing into it must not cause another)."""
        skip = self._targets.skip
        if skip is not None and (path == skip or path.startswith(skip + os.sep)):
            return False
        return not self._ignored.path(os.path.relpath(path, self._targets.root), path)


@dataclass(frozen=True, slots=True)
class _Pump:
    """One ``watchfiles.watch`` of ``paths``, its changes turned into notices."""

    paths: tuple[str, ...]
    recursive: bool
    accepts: Callable[[watchfiles.Change, str], bool]
    notice: Callable[[set[FileChange]], Notice]
    poll: bool
    poll_delay_ms: int

    def run(
        self, stop: threading.Event, notices: queue.Queue[Notice | _Failure], ready: threading.Event
    ) -> None:
        """Put a notice on ``notices`` for every batch of changes until ``stop``; set
        ``ready`` once watchfiles is listening (its first look found nothing yet, or
        something), or has failed."""
        try:
            for changes in watchfiles.watch(
                *self.paths,
                watch_filter=self.accepts,
                recursive=self.recursive,
                stop_event=stop,
                # None, not False: watchfiles then polls on WSL and when
                # WATCHFILES_FORCE_POLLING is set, where events are known not to arrive.
                force_polling=True if self.poll else None,
                poll_delay_ms=self.poll_delay_ms,
                step=STEP_MS,
                debounce=DEBOUNCE_MS,
                # An empty batch after each quiet step: the first one says "listening".
                rust_timeout=STEP_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                ready.set()
                if changes:
                    notices.put(self.notice(changes))
        except FileNotFoundError:
            notices.put(Notice((), restart=True))  # a folder went between listing and watching
        except (OSError, RuntimeError) as exc:  # WatchfilesRustInternalError: RuntimeError
            notices.put(_Failure(failure_reason(exc)))
        finally:
            ready.set()


def failure_reason(exc: BaseException) -> str:
    """Why watchfiles failed, in a few words with the fix where there is one."""
    text = str(exc)
    if "MaxFilesWatch" in text or "watch limit" in text:
        return "the system's limit of watched folders is reached; raise fs.inotify.max_user_watches"
    if "os error 24" in text or "Too many open files" in text:
        return (
            "too many inotify instances or open files; raise fs.inotify.max_user_instances "
            "or ulimit -n"
        )
    # watchfiles appends a Rust debug dump of the error: the words before it say enough.
    return printable(shown(re.sub(r" \(Error \{.*\}\)$", "", text, flags=re.DOTALL), 160))
