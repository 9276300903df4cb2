"""Working days with statutory holidays and 调休, and the published range."""

from __future__ import annotations

import datetime as dt

import pytest

from mediation_core.calendars import national_calendar
from mediation_core.domain.errors import CalendarRangeError
from mediation_core.domain.values.calendar import BeyondRange, WorkingDayCalendar, local_date

CAL = national_calendar()


def test_national_calendar_knows_holidays_and_adjusted_working_weekends() -> None:
    assert not CAL.is_working_day(dt.date(2026, 10, 1))  # National Day
    assert CAL.is_working_day(dt.date(2026, 10, 10))  # Saturday worked (调休)
    assert CAL.is_working_day(dt.date(2026, 2, 14))  # Saturday worked before Spring Festival
    assert CAL.is_working_day(dt.date(2026, 5, 9))  # Saturday worked after Labour Day
    assert not CAL.is_working_day(dt.date(2026, 5, 10))  # an ordinary Sunday
    assert CAL.first_day == dt.date(2004, 1, 1)
    assert CAL.last_day == dt.date(2026, 12, 31)


def test_working_days_skip_the_national_day_week_and_count_the_adjusted_saturday() -> None:
    # Sept 30 2026 (Wed) + 3 working days: Oct 1-7 are holidays, Oct 8 (Thu), Oct 9 (Fri), Oct 10 (Sat, worked)
    assert CAL.add_working_days(dt.date(2026, 9, 30), 3).date == dt.date(2026, 10, 10)
    assert CAL.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 10)) == 3
    assert CAL.working_days_between(dt.date(2026, 10, 10), dt.date(2026, 9, 30)) == -3


def test_past_the_range_policy_refuses_or_flags() -> None:
    with pytest.raises(CalendarRangeError, match="2027-01-01"):
        CAL.add_working_days(dt.date(2026, 12, 31), 1, BeyondRange.REFUSE)
    counted = CAL.add_working_days(dt.date(2026, 12, 31), 1, BeyondRange.WEEKENDS_ONLY)
    assert (counted.date, counted.estimated) == (dt.date(2027, 1, 1), True)
    inside = CAL.add_working_days(dt.date(2026, 12, 1), 5)
    assert not inside.estimated


def test_local_closures_are_added_under_a_new_version() -> None:
    flooded = CAL.with_closures(frozenset({dt.date(2026, 6, 1)}), "flood-2026")
    assert not flooded.is_working_day(dt.date(2026, 6, 1))
    assert CAL.is_working_day(dt.date(2026, 6, 1))
    assert flooded.version.endswith("+flood-2026")


def test_local_date_is_china_time_and_rejects_naive_datetimes() -> None:
    assert local_date(dt.datetime(2026, 5, 6, 17, tzinfo=dt.UTC)) == dt.date(2026, 5, 7)
    with pytest.raises(ValueError, match="aware"):
        local_date(dt.datetime(2026, 5, 6, 17))


def test_counting_rejects_negative_days() -> None:
    small = WorkingDayCalendar(version="t", region="t", first_day=dt.date(2026, 1, 1), last_day=dt.date(2026, 12, 31))
    with pytest.raises(ValueError, match="days"):
        small.add_working_days(dt.date(2026, 1, 1), -1)
