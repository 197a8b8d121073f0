"""Run a pure function over many items on every core, in forked copies of this process;
or one long job beside whatever this process does next (``Forked``).

Rendering needs the whole site index, which would cost more to pickle to a worker than to
render; a forked child has it already (the memory is shared, copy-on-write), so only the
results travel back, pickled through a pipe in small batches, handed on as they come (so
no process holds them all). Where forking is not possible or not safe (no ``fork``,
threads running, as under ``serve``), or a child fails, the items are done in this process
instead: slower, never different.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import struct
import sys
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may run on
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


_LENGTH = struct.Struct("!Q")
_READ_SIZE = 1 << 20


def stream_forked(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int | None = None,
    minimum: int = 2,
    *,
    batch: int = 32,
    nice: int = 0,
) -> Iterator[Result]:
    """``function(item)`` for every item, yielded as soon as it is made, in no fixed order:
    ``workers`` forked children (default: the usable cores) each do every ``workers``-th
    item (interleaved, so each gets as many of every kind: a site's page list is grouped
    by kind, briefs first, and contiguous halves finished a second apart at 20,000 pages)
    and send their results in batches of ``batch``, while this process only hands them on. So
    neither a child nor this process ever holds more than a few batches (a 20,000-page
    site's rendered pages are ~700 MB). A child that fails has the rest of its share done
    here; fewer than ``minimum`` items, or no fork, and everything is done here. The
    children lower their priority by ``nice`` (``os.nice``): work running beside them
    that ends later (Pagefind's indexing) then gets the cores first."""
    workers = workers or _usable_cores()
    if workers < 2 or len(items) < max(2, minimum) or not _can_fork():
        yield from map(function, items)
        return
    children = [
        _start_streaming(function, items[start::workers], batch, nice) for start in range(workers)
    ]
    try:
        yield from _gather(children, function)
    finally:
        for child in children:  # stopped early, or done: no child is left as a zombie
            child.close()


@dataclass
class _Child(Generic[Item, Result]):
    pid: int
    reader: int
    share: Sequence[Item]
    done: int = 0
    buffer: bytearray = field(default_factory=bytearray)
    open: bool = True

    def close(self) -> int:
        """Close the pipe and reap the child; its exit status (0 when it finished)."""
        if not self.open:
            return 0
        self.open = False
        os.close(self.reader)
        _, status = os.waitpid(self.pid, 0)
        return status

    def batches(self) -> Iterator[list[Result]]:
        """The complete batches in the buffer, removed from it."""
        while len(self.buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self.buffer)
            end = _LENGTH.size + length
            if len(self.buffer) < end:
                return
            results: list[Result] = pickle.loads(self.buffer[_LENGTH.size : end])
            del self.buffer[:end]
            self.done += len(results)
            yield results


def _gather(
    children: list[_Child[Item, Result]], function: Callable[[Item], Result]
) -> Iterator[Result]:
    with selectors.DefaultSelector() as selector:
        for started in children:
            selector.register(started.reader, selectors.EVENT_READ, started)
        waiting = len(children)
        while waiting:
            for key, _ in selector.select():
                child: _Child[Item, Result] = key.data
                data = os.read(child.reader, _READ_SIZE)
                if data:
                    child.buffer += data
                    for results in child.batches():
                        yield from results
                    continue
                selector.unregister(child.reader)
                waiting -= 1
                status = child.close()
                if status != 0 or child.done < len(child.share):
                    yield from map(function, child.share[child.done :])  # do its rest here


def _start_streaming(
    function: Callable[[Item], Result], share: Sequence[Item], batch: int, nice: int
) -> _Child[Item, Result]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the share batch by batch, leave without clean-up code
        os.close(reader)
        status = 0
        try:
            if nice:
                os.nice(nice)
            with os.fdopen(writer, "wb") as pipe:
                for start in range(0, len(share), batch):
                    results = [function(item) for item in share[start : start + batch]]
                    payload = pickle.dumps(results, pickle.HIGHEST_PROTOCOL)
                    pipe.write(_LENGTH.pack(len(payload)) + payload)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(writer)
    return _Child(pid, reader, share)


class Forked(Generic[Result]):
    """``function()`` begun at once in a forked child, so that it runs beside what this
    process does next (Pagefind's indexing uses one core; the pages render on both).
    ``result()`` waits for the child and returns what it made, or raises what it raised.
    Where forking is not possible or not safe (see the module docstring) ``function``
    runs here, at once; a child that dies has it run here too: slower, never different.
    Dropped without ``result()``, the child is stopped and reaped (``weakref.finalize``),
    so none is left behind."""

    def __init__(self, function: Callable[[], Result]) -> None:
        self._function = function
        self._done: tuple[Result] | None = None
        if not _can_fork():
            self._done = (function(),)
            return
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: the outcome pickled into the pipe, no clean-up code
            os.close(reader)
            status = 0
            try:
                try:
                    outcome: tuple[bool, object] = (True, function())
                except Exception as problem:  # raised again in the parent
                    outcome = (False, problem)
                with os.fdopen(writer, "wb") as pipe:
                    pickle.dump(outcome, pipe, pickle.HIGHEST_PROTOCOL)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(writer)
        self._pid, self._reader = pid, reader
        self._abandon = weakref.finalize(self, _stop_child, pid, reader)

    def result(self) -> Result:
        if self._done is not None:
            return self._done[0]
        self._abandon.detach()
        with os.fdopen(self._reader, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        if status != 0 or not data:
            self._done = (self._function(),)  # the child died: done here
            return self._done[0]
        succeeded, value = pickle.loads(data)
        if not succeeded:
            raise value
        self._done = (cast(Result, value),)
        return self._done[0]


def _stop_child(pid: int, reader: int) -> None:
    os.close(reader)
    with contextlib.suppress(ProcessLookupError):  # (it may have ended meanwhile)
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
