"""Partial dates as editors write them: YYYY, YYYY-MM, YYYY-MM-DD, ISO date-times."""

from __future__ import annotations

import datetime

import pytest

from site_builder.dates import PartialDate, parse_partial_date


def parsed(text: str) -> PartialDate:
    result = parse_partial_date(text)
    assert isinstance(result, PartialDate), result
    return result


def test_year_alone_is_a_date() -> None:
    assert parse_partial_date("2025") == PartialDate(2025)


def test_year_and_month_is_a_date() -> None:
    assert parse_partial_date("2025-02") == PartialDate(2025, 2)


def test_full_date() -> None:
    assert parse_partial_date("2025-02-27") == PartialDate(2025, 2, 27)


def test_surrounding_whitespace_is_ignored() -> None:
    assert parse_partial_date("  2025-02-27 ") == PartialDate(2025, 2, 27)


def test_leap_day_in_a_leap_year_is_a_date() -> None:
    assert parse_partial_date("2024-02-29") == PartialDate(2024, 2, 29)


def test_iso_date_time_with_offset_keeps_the_moment() -> None:
    date = parsed("2025-02-27T14:30:00+01:00")
    offset = datetime.timezone(datetime.timedelta(hours=1))
    assert date == PartialDate(2025, 2, 27, datetime.datetime(2025, 2, 27, 14, 30, tzinfo=offset))
    assert date.has_day


def test_date_time_with_space_and_without_seconds() -> None:
    date = parsed("2025-02-27 14:30")
    assert date.moment == datetime.datetime(2025, 2, 27, 14, 30)


def test_date_time_in_utc_with_z() -> None:
    date = parsed("2025-02-27T14:30:00Z")
    assert date.isoformat() == "2025-02-27T14:30:00+00:00"


def test_february_30_in_a_leap_year_names_29_days() -> None:
    assert (
        parse_partial_date("2024-02-30")
        == "'2024-02-30' is not a day in the calendar: Februar 2024 has 29 days"
    )


def test_february_29_outside_a_leap_year_names_28_days() -> None:
    assert (
        parse_partial_date("2023-02-29")
        == "'2023-02-29' is not a day in the calendar: Februar 2023 has 28 days"
    )


def test_month_13_is_not_a_month() -> None:
    assert parse_partial_date("2025-13") == "'2025-13' has no month 13: months run from 01 to 12"


def test_month_00_is_not_a_month() -> None:
    assert (
        parse_partial_date("2025-00-10") == "'2025-00-10' has no month 0: months run from 01 to 12"
    )


def test_day_00_is_not_a_day() -> None:
    assert (
        parse_partial_date("2025-01-00")
        == "'2025-01-00' is not a day in the calendar: Januar 2025 has 31 days"
    )


def test_april_31_is_not_a_day() -> None:
    assert (
        parse_partial_date("2025-04-31")
        == "'2025-04-31' is not a day in the calendar: April 2025 has 30 days"
    )


@pytest.mark.parametrize("text", ["2025-2", "27.02.2025", "Februar 2025", "", "25-02-27"])
def test_other_formats_are_not_dates(text: str) -> None:
    assert parse_partial_date(text) == (
        f"'{text}' is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY, an ISO date-time)"
    )


def test_impossible_day_in_a_date_time_is_reported_for_the_date() -> None:
    assert (
        parse_partial_date("2025-02-30T10:00")
        == "'2025-02-30' is not a day in the calendar: Februar 2025 has 28 days"
    )


def test_impossible_time_is_not_a_date_time() -> None:
    assert (
        parse_partial_date("2025-02-27T25:00")
        == "'2025-02-27T25:00' is not an ISO date-time such as 2025-02-27T14:30:00+01:00"
    )


@pytest.mark.parametrize(
    ("text", "german"),
    [
        ("2025", "2025"),
        ("2025-02", "Februar 2025"),
        ("2025-03-01", "1. März 2025"),
        ("2025-02-27", "27. Februar 2025"),
        ("2025-12-31T23:59:00+01:00", "31. Dezember 2025"),
    ],
)
def test_german_form_for_readers(text: str, german: str) -> None:
    assert parsed(text).german() == german


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2025", "2025"),
        ("2025-02", "2025-02"),
        ("2025-02-07", "2025-02-07"),
        ("2025-02-27T14:30:00+01:00", "2025-02-27T14:30:00+01:00"),
        ("2025-02-27 14:30", "2025-02-27T14:30:00"),
    ],
)
def test_isoformat_is_as_precise_as_written(text: str, iso: str) -> None:
    assert parsed(text).isoformat() == iso


def test_has_day_only_with_a_day() -> None:
    assert not parsed("2025").has_day
    assert not parsed("2025-02").has_day
    assert parsed("2025-02-27").has_day


def test_sort_key_values() -> None:
    assert parsed("2025").sort_key() == (2025, 0, 0, "")
    assert parsed("2025-02").sort_key() == (2025, 2, 0, "")
    assert parsed("2025-02-27").sort_key() == (2025, 2, 27, "")
    assert parsed("2025-02-27T14:30:00+01:00").sort_key() == (2025, 2, 27, "13:30:00")  # UTC


def test_sort_key_orders_less_precise_dates_first_and_times_within_a_day() -> None:
    texts = [
        "2025-02-27T14:30",
        "2025-03",
        "2025-02-27",
        "2024-12-31",
        "2025",
        "2025-02-27T09:05",
        "2025-02",
    ]
    ordered = sorted(texts, key=lambda text: parsed(text).sort_key())
    assert ordered == [
        "2024-12-31",
        "2025",
        "2025-02",
        "2025-02-27",
        "2025-02-27T09:05",
        "2025-02-27T14:30",
        "2025-03",
    ]
