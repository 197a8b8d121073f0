"""Run a pure function over many items on every core, in forked copies of this process.

Rendering needs the whole site index, which would cost more to pickle to a worker than to
render; a forked child has it already (the memory is shared, copy-on-write), so only the
results travel back, pickled through a pipe. Where forking is not possible or not safe (no
``fork``, threads running, as under ``serve``), or a child fails, the items are done in
this process instead: slower, never different.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_forked(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int | None = None,
    minimum: int = 2,
) -> list[Result]:
    """``[function(item) for item in items]``, the items shared out over ``workers``
    processes (default: the cores this process may use) in contiguous chunks; in this
    process alone for fewer than ``minimum`` items (forking has its cost)."""
    workers = workers or _usable_cores()
    if workers < 2 or len(items) < max(2, minimum) or not _can_fork():
        return [function(item) for item in items]
    size = -(-len(items) // workers)
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    children = [_start(function, chunk) for chunk in chunks[1:]]
    try:
        results = [function(item) for item in chunks[0]]
    except BaseException:
        for pid, reader in children:  # no child is left behind as a zombie
            os.close(reader)
            os.waitpid(pid, 0)
        raise
    for (pid, reader), chunk in zip(children, chunks[1:], strict=True):
        results += _collect(pid, reader, function, chunk)
    return results


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may run on
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


def _start(function: Callable[[Item], Result], chunk: Sequence[Item]) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the chunk, send the results, leave without clean-up code
        os.close(reader)
        status = 0
        try:
            payload = pickle.dumps([function(item) for item in chunk], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(payload)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(writer)
    return pid, reader


def _collect(
    pid: int, reader: int, function: Callable[[Item], Result], chunk: Sequence[Item]
) -> list[Result]:
    with os.fdopen(reader, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return [function(item) for item in chunk]  # the child failed: do its part here
    results: list[Result] = pickle.loads(payload)
    return results
