"""The national working-day calendar, built from the ``chinese_calendar`` package's data.

The data's published range ends with the last year it covers; past it, policy decides
(:class:`~mediation_core.domain.values.calendar.BeyondRange`). Built once, on first use.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import metadata

from mediation_core.domain.values.calendar import WorkingDayCalendar

NATIONAL = "CN"


@functools.cache
def national_calendar() -> WorkingDayCalendar:
    """State Council holiday arrangements with 调休 working weekends, as published."""
    from chinese_calendar import constants  # noqa: PLC0415 - data loaded on first use

    holidays = frozenset(constants.holidays)
    working = frozenset(constants.workdays)
    first_year = min(d.year for d in holidays)
    last_year = max(d.year for d in holidays | working)
    return WorkingDayCalendar(
        version=f"chinese-calendar-{metadata.version('chinese-calendar')}",
        region=NATIONAL,
        first_day=dt.date(first_year, 1, 1),
        last_day=dt.date(last_year, 12, 31),
        holidays=holidays,
        working_weekends=working,
    )
