"""Dates as editors write them in front matter: as precise as the source says, and real."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from .messages import Message, msg
from .names import shown
from .pickling import quick_pickle

# ASCII digits only: Python's \d also matches "２０２５" or "٢٠٢٥", which the JSON Schema
# (and every other tool) rejects.
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", re.ASCII)

_GERMAN_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


@quick_pickle
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A year, month or day, optionally with a time of day (``moment``)."""

    year: int
    month: int | None = None
    day: int | None = None
    moment: datetime.datetime | None = None

    @property
    def has_day(self) -> bool:
        return self.day is not None

    def isoformat(self) -> str:
        if self.moment is not None:
            return self.moment.isoformat()
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def sort_key(self) -> tuple[int, int, int, str]:
        """Chronological order; a time with a UTC offset counts as the moment it happened."""
        if self.moment is None:
            return (self.year, self.month or 0, self.day or 0, "")
        moment = self.moment
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC)
        return (moment.year, moment.month, moment.day, moment.time().isoformat())

    def german(self) -> str:
        """``27. Februar 2025``, ``Februar 2025`` or ``2025``: for readers."""
        if self.month is None:
            return str(self.year)
        month = _GERMAN_MONTHS[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day}. {month} {self.year}"


def parse_partial_date(text: str) -> PartialDate | Message:
    """A ``PartialDate``, or the reason ``text`` is not one (as an error message)."""
    text = text.strip()
    if _DATETIME.match(text) and text.isascii():
        return _parse_datetime(text)
    match = _PARTIAL.match(text)
    if not match:
        return msg(
            "'{text}' is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY, an ISO date-time)",
            text=shown(text),
        )
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        return msg(
            "'{text}' has no month {month}: months run from 01 to 12", text=text, month=month
        )
    if month is not None and day is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return msg(
                "'{text}' is not a day in the calendar: {month} {year} has {days} days",
                text=text,
                month=_GERMAN_MONTHS[month - 1],
                year=year,
                days=days,
            )
    return PartialDate(year, month, day)


def _parse_datetime(text: str) -> PartialDate | Message:
    date_part = parse_partial_date(text[:10])
    if isinstance(date_part, str):
        return date_part
    try:
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is not None:  # sorting needs the moment in UTC: it must exist
            moment.astimezone(datetime.UTC)
    except ValueError:
        return msg(
            "'{text}' is not an ISO date-time such as 2025-02-27T14:30:00+01:00", text=shown(text)
        )
    except OverflowError:
        return msg("'{text}' lies outside the years 1 to 9999 in UTC", text=text)
    return PartialDate(moment.year, moment.month, moment.day, moment)


def parse_moment(text: str) -> datetime.datetime | Message:
    """An exact moment with its UTC offset (``publish_at``), or why ``text`` is not one.
    A time without a zone is refused: it would mean another moment on each machine."""
    parsed = parse_partial_date(text)
    if isinstance(parsed, str):
        return parsed
    if parsed.moment is None:
        return msg("'{text}' is a date without a time of day", text=shown(text.strip()))
    if parsed.moment.tzinfo is None:
        return msg("'{text}' has no time zone", text=shown(text.strip()))
    return parsed.moment


def german_moment(moment: datetime.datetime) -> str:
    """``1. Dezember 2026, 06:00 Uhr`` in the zone it was written in: for readers."""
    month = _GERMAN_MONTHS[moment.month - 1]
    return f"{moment.day}. {month} {moment.year}, {moment.hour:02d}:{moment.minute:02d} Uhr"
