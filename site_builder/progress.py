"""Progress of long stages, shown as one updating line on a terminal and nowhere else.

Pipeline functions take a ``Progress`` callback (default: ``no_progress``) and call it as a
stage advances; what is shown, and whether anything is, is the caller's choice. No state is
kept outside the objects passed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Protocol, TextIO


class Progress(Protocol):
    """Told how far a stage is: ``done`` of ``total`` steps; a stage is over when
    ``done >= total``. A stage that cannot count its steps reports ``0`` then ``1`` of 1."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...


def no_progress(stage: str, done: int, total: int) -> None:
    """The default: show nothing (tests, pipes, CI logs)."""


class TerminalProgress:
    """One ``\\r``-updated line such as ``loading files 4200/12000`` on a terminal.

    Quiet for quick work: nothing is drawn until ``delay`` seconds after the first call, so a
    small site builds without flicker. Redraws at most every ``interval`` seconds, and the
    line is erased when a stage ends, so later output starts on a clean line.
    """

    def __init__(
        self,
        stream: TextIO,
        delay: float = 0.5,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._delay = delay
        self._interval = interval
        self._clock = clock
        self._started: float | None = None
        self._drawn_at: float | None = None
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        if self._started is None:
            self._started = now
        if done >= total:
            self._erase()
            return
        if now - self._started < self._delay:
            return
        # The first line of a stage is always drawn; after that, redraws are rate-limited
        # because writing to a terminal thousands of times slows the build it reports on.
        if self._shown and self._drawn_at is not None and now - self._drawn_at < self._interval:
            return
        text = f"{stage} {done}/{total}" if total > 1 else f"{stage}…"
        self._stream.write(f"\r\033[K{text}")
        self._stream.flush()
        self._drawn_at, self._shown = now, True

    def _erase(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._shown = False


def is_ci(environ: Mapping[str, str]) -> bool:
    """CI services set ``CI`` (GitHub Actions, GitLab, …); their logs want no ``\\r`` lines."""
    return environ.get("CI", "").lower() not in ("", "0", "false")


def progress_for(stream: TextIO, environ: Mapping[str, str]) -> Progress:
    """A terminal line when ``stream`` is an interactive terminal outside CI, else nothing."""
    if stream.isatty() and not is_ci(environ):
        return TerminalProgress(stream)
    return no_progress
