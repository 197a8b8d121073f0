"""Dates against the build's clock: a brief dated in the future must say when it may appear.

The clock is read once per run (``cli.build_clock``: ``SOURCE_DATE_EPOCH`` or now) and
handed in, so these checks stay pure and a reproducible build stays reproducible.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..dates import PartialDate
from ..diagnostics import Diagnostic, Span, warning
from ..messages import msg
from ..pickling import quick_pickle

if TYPE_CHECKING:  # (a type only: ``pipeline`` imports this module on every build)
    from ..model import Brief

# A date without a zone is "today" somewhere until it is today in UTC+14, the zone the day
# reaches first: only a date after that is surely in the future, wherever the desk sits.
_EARLIEST_ZONE = datetime.timedelta(hours=14)


@quick_pickle
@dataclass(frozen=True, slots=True)
class Dating:
    """What the clock is checked against in a brief: kept in the file summaries, so the
    quick ``check`` (which loads no unchanged brief) warns the same as a full one. Only
    briefs published on their date have one: not drafts, not scheduled briefs."""

    date: PartialDate
    span: Span


def dating(brief: Brief) -> Dating | None:
    """The brief's ``Dating``; None for drafts and for briefs with a ``publish_at``
    (drafts are not published, and a scheduled brief appears at its own moment)."""
    if brief.draft or brief.publish_at is not None or brief.date is None:
        return None
    return Dating(brief.date, brief.date_span or Span(brief.path))


def future_date_warnings(
    datings: Iterable[Dating | None], clock: datetime.datetime
) -> list[Diagnostic]:
    """``future-date`` for each brief dated after ``clock`` that would be published now."""
    return [_future_date(d) for d in datings if d is not None and is_dated_later(d.date, clock)]


def is_dated_later(date: PartialDate, clock: datetime.datetime) -> bool:
    """True when ``date`` lies after ``clock`` (see ``_EARLIEST_ZONE``)."""
    if date is None or date.day is None or date.month is None:
        return False
    moment = date.moment
    if moment is not None and moment.tzinfo is not None:
        return moment > clock
    local = (clock + _EARLIEST_ZONE).replace(tzinfo=None)
    if moment is not None:
        return moment > local
    return datetime.date(date.year, date.month, date.day) > local.date()


def _future_date(dated: Dating) -> Diagnostic:
    day = dated.date.isoformat()
    return warning(
        dated.span,
        "future-date",
        msg("the brief is dated {day}, in the future, and would be published at once", day=day),
        hint=msg(
            "to publish it at a later moment, add e.g. 'publish_at: {day}T06:00:00+01:00'"
            "; otherwise correct the date",
            day=day[:10],
        ),
    )
