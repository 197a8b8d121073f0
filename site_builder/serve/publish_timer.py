"""When a running ``serve`` must rebuild by the clock: the next ``publish_at`` moment.

A brief with ``publish_at`` is left out of every build made before that moment. ``build``
reads the clock once; ``serve`` reads it for each build and, after each build, notes the
earliest moment still ahead, so the watcher can rebuild once it passes. With a fixed clock
(``SOURCE_DATE_EPOCH``) nothing is ever due later: the preview shows what ``build`` makes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Brief

Clock = Callable[[], datetime.datetime]
"""Now, as an aware date-time (``cli.wall_clock``; tests give one they move by hand)."""


@dataclass(frozen=True, slots=True)
class Publication:
    """The next moment a scheduled brief is due, and the briefs due then (by path)."""

    moment: datetime.datetime
    paths: tuple[str, ...]


def next_publication(
    briefs: Iterable[Brief], clock: datetime.datetime, *, drafts: bool = False
) -> Publication | None:
    """The earliest ``publish_at`` after ``clock``, or None. Drafts count only when shown
    (``drafts``): their mark „geplant“ must go at the moment; otherwise they stay unpublished."""
    waiting = [
        (brief.publish_at, brief.path)
        for brief in briefs
        if brief.publish_at is not None and brief.publish_at > clock and (drafts or not brief.draft)
    ]
    if not waiting:
        return None
    moment = min(at for at, _ in waiting)
    return Publication(moment, tuple(sorted(path for at, path in waiting if at == moment)))


class PublishTimer:
    """Whether the next scheduled brief is due (``due``), by ``clock``; ``noted`` after each
    build with the briefs it loaded and the clock it used."""

    def __init__(self, clock: Clock | None, drafts: bool):
        self._clock, self._drafts = clock, drafts
        self.next: Publication | None = None

    def now(self) -> datetime.datetime | None:
        """The clock for a build; None when the clock is fixed (``SOURCE_DATE_EPOCH``)."""
        return None if self._clock is None else self._clock()

    def noted(self, briefs: Iterable[Brief] | None, clock: datetime.datetime | None) -> None:
        """After a build at ``clock`` that loaded ``briefs`` (None: the build failed before
        loading; then nothing is scheduled until the next edit, or a broken ``site.yaml``
        would be rebuilt on every look at the clock). A fixed clock schedules nothing."""
        if briefs is None or clock is None or self._clock is None:
            self.next = None
            return
        self.next = next_publication(briefs, clock, drafts=self._drafts)

    def due(self) -> Publication | None:
        """The publication whose moment has passed, if any."""
        if self.next is None or self._clock is None or self._clock() < self.next.moment:
            return None
        return self.next
