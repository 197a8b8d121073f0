"""Notice changes to a site's inputs by polling, for ``serve``.

Polling file sizes and modification times needs no extra dependency and works the same on
every file system (network mounts and containers included, where change events often do
not arrive). A site of thousands of files is polled in milliseconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

# What a build reads: the folders and files whose change makes a new site.
WATCHED_FOLDERS = ("content", "briefs", "pages", "templates")
WATCHED_FILES = ("site.yaml", "citations.lock")

Snapshot = Mapping[str, tuple[int, int]]
"""Site-relative path → (modification time in ns, size) of every watched file."""


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """The current state of every watched file of the site at ``root``."""
    state: dict[str, tuple[int, int]] = {}
    for path in _watched_paths(root):
        try:
            stat = os.stat(root / path)
        except OSError:
            continue  # removed between listing and stat: the next poll sees it gone
        state[path] = (stat.st_mtime_ns, stat.st_size)
    return state


def _watched_paths(root: Path) -> Iterator[str]:
    yield from (name for name in WATCHED_FILES if (root / name).is_file())
    for folder in WATCHED_FOLDERS:
        for parent, folders, files in os.walk(root / folder):
            # Hidden folders and files (.git, editors' swap files) are not site inputs.
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            relative = Path(parent).relative_to(root)
            yield from ((relative / f).as_posix() for f in files if not f.startswith("."))


def changed_paths(old: Snapshot, new: Snapshot) -> list[str]:
    """Paths added, removed or modified between two snapshots, sorted."""
    return sorted(path for path in set(old) | set(new) if old.get(path) != new.get(path))


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """``interval``: seconds between polls. ``settle``: a change is acted on only once the
    files have stayed unchanged this long, so saving ten files (a ``git checkout``) makes
    one rebuild, not ten. ``quiet``: after a build, how long the files must stay unchanged
    before deferred work (the search index) is done."""

    interval: float = 0.3
    settle: float = 0.2
    quiet: float = 1.5


OnChange = Callable[[list[str]], None]
"""Called with the changed paths, in the watching thread; the next poll waits for it."""


def watch(
    root: Path,
    baseline: Snapshot,
    on_change: OnChange,
    stop: threading.Event,
    *,
    options: WatchOptions,
    written_by_build: tuple[str, ...] = ("citations.lock",),
    on_quiet: Callable[[], None] = lambda: None,
) -> None:
    """Poll until ``stop`` is set; call ``on_change`` for every settled change since
    ``baseline``, and ``on_quiet`` on every poll once nothing changed for ``options.quiet``
    seconds (it returns at once when it has nothing to do). Changes that ``on_change``
    itself makes to ``written_by_build`` (``check`` records new citations in the lock) do
    not count, or every rebuild would cause another."""
    last_change = time.monotonic()
    while not stop.wait(options.interval):
        current = snapshot(root)
        if current == baseline:
            if time.monotonic() - last_change >= options.quiet:
                on_quiet()
            continue
        settled = _settled(root, current, stop, options.settle)
        if settled is None:
            return
        on_change(changed_paths(baseline, settled))
        baseline = refreshed(root, settled, written_by_build)
        last_change = time.monotonic()


def _settled(
    root: Path, current: dict[str, tuple[int, int]], stop: threading.Event, settle: float
) -> dict[str, tuple[int, int]] | None:
    """The snapshot once nothing changed for ``settle`` seconds; None when stopped."""
    while not stop.wait(settle):
        latest = snapshot(root)
        if latest == current:
            return current
        current = latest
    return None


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
