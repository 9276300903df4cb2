"""Chinese working days: weekends, statutory holidays and 调休 (weekend days worked).

The calendar is data with a published range. Counting past the range is decided by policy
(:class:`BeyondRange`): refuse with :class:`CalendarRangeError`, or count weekends only and
flag the result so the deadline shows it was estimated (docs/adr/0005-calendar-past-its-range.md).
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
import enum

from attrs import field, frozen

from mediation_core.domain.errors import CalendarRangeError

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time. China keeps no daylight saving, so a fixed offset is exact."""


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in China of an aware ``moment``."""
    if moment.tzinfo is None:
        msg = "datetimes must be timezone-aware"
        raise ValueError(msg)
    return moment.astimezone(CHINA_TZ).date()


class BeyondRange(enum.Enum):
    """What to do when a count leaves the calendar's published range."""

    REFUSE = "refuse"
    WEEKENDS_ONLY = "weekends_only"


@frozen(kw_only=True)
class CountResult:
    """A counted date; ``estimated`` is true when weekends-only counting was used."""

    date: dt.date
    estimated: bool


@frozen(kw_only=True)
class WorkingDayCalendar:
    """Versioned working-day data for one region.

    ``holidays`` are statutory rest days (weekdays and weekends inside holiday periods);
    ``working_weekends`` are weekend days that are working days (调休);
    ``closures`` are local non-working days a county adds (a flood, a local holiday).
    """

    version: str
    region: str
    first_day: dt.date
    last_day: dt.date
    holidays: frozenset[dt.date] = field(factory=frozenset, repr=False)
    working_weekends: frozenset[dt.date] = field(factory=frozenset, repr=False)
    closures: frozenset[dt.date] = field(factory=frozenset, repr=False)

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` lies inside the published range."""
        return self.first_day <= day <= self.last_day

    def is_working_day(self, day: dt.date, beyond: BeyondRange = BeyondRange.REFUSE) -> bool:
        """Whether staff work on ``day``; outside the range, ``beyond`` decides."""
        if not self.covers(day):
            if beyond is BeyondRange.REFUSE:
                raise CalendarRangeError(
                    f"{day.isoformat()} 超出工作日历 {self.version} 的发布范围 "
                    f"({self.first_day.isoformat()}–{self.last_day.isoformat()}) / "
                    f"{day.isoformat()} is outside calendar {self.version}'s published range"
                )
            return day.weekday() < 5
        if day in self.closures:
            return False
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: dt.date, days: int, beyond: BeyondRange = BeyondRange.REFUSE) -> CountResult:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        if days < 0:
            msg = "days must be >= 0"
            raise ValueError(msg)
        day, left, estimated = start, days, False
        while left:
            day += dt.timedelta(days=1)
            estimated = estimated or not self.covers(day)
            if self.is_working_day(day, beyond):
                left -= 1
        return CountResult(date=day, estimated=estimated)

    def rolled_over(self, day: dt.date, beyond: BeyondRange = BeyondRange.REFUSE) -> CountResult:
        """``day`` if staff work on it, else the first working day after it: a period whose last
        day is a rest day ends on the day the rest ends (民法典 art. 203; 公安机关办理行政案件程序规定
        art. 35). A 调休 Saturday is a working day, so a period ending on one does not move."""
        estimated = not self.covers(day)
        while not self.is_working_day(day, beyond):
            day += dt.timedelta(days=1)
            estimated = estimated or not self.covers(day)
        return CountResult(date=day, estimated=estimated)

    def latest_start(self, end: dt.date, days: int, beyond: BeyondRange = BeyondRange.REFUSE) -> dt.date:
        """The last day from which ``days`` working days still end on or before ``end``: the
        latest day to give notice "``days`` days ahead" of ``end`` when days are working days."""
        day = end
        while self.add_working_days(day, days, beyond).date > end:
            day -= dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date, beyond: BeyondRange = BeyondRange.REFUSE) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start, beyond)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day, beyond)
        return count

    def with_closures(self, closures: frozenset[dt.date], version_suffix: str) -> WorkingDayCalendar:
        """A copy with local closures added; the version says so."""
        return WorkingDayCalendar(
            version=f"{self.version}+{version_suffix}",
            region=self.region,
            first_day=self.first_day,
            last_day=self.last_day,
            holidays=self.holidays,
            working_weekends=self.working_weekends,
            closures=self.closures | closures,
        )


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    """Calendar-day arithmetic, named so rules read like their legal text."""
    return start + dt.timedelta(days=days)


def add_calendar_months(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months from ``start`` (民法典 art. 202): the day of
    the closing month that corresponds to ``start``, or that month's last day when it has none
    (accepted 31 January: one month ends 28 or 29 February)."""
    if months < 0:
        msg = "months must be >= 0"
        raise ValueError(msg)
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, gregorian.monthrange(year, month)[1]))
