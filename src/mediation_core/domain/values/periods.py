"""Reporting periods: a month, a quarter, a half-year, a year or any closed range of days.

Statistics, returns (统计报表), meeting cadences and evaluation years all speak of periods.
A period is inclusive at both ends and has a stable label (``2026-05``, ``2026-Q2``,
``2026-H1``, ``2026``, ``2026-05-01..2026-06-15``) that keys returns and documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from attrs import field, frozen


def _ordered(instance: Period, attribute: object, end: dt.date) -> None:
    if end < instance.start:
        msg = f"period ends ({end.isoformat()}) before it starts ({instance.start.isoformat()})"
        raise ValueError(msg)


def _month_end(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


@frozen(kw_only=True, order=True)
class Period:
    """Days ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date = field(validator=_ordered)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(start=dt.date(year, month, 1), end=_month_end(year, month))

    @classmethod
    def months_from(cls, year: int, month: int, count: int) -> Period:
        """``count`` whole months starting with ``year``-``month``."""
        last = month - 1 + count - 1
        return cls(start=dt.date(year, month, 1), end=_month_end(year + last // 12, last % 12 + 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            msg = f"quarter must be 1–4, got {quarter}"
            raise ValueError(msg)
        return cls.months_from(year, 3 * quarter - 2, 3)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            msg = f"half must be 1 or 2, got {half}"
            raise ValueError(msg)
        return cls.months_from(year, 6 * half - 5, 6)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))

    @classmethod
    def containing(cls, day: dt.date, months: int = 1) -> Period:
        """The block of ``months`` months (counted from January) that holds ``day``."""
        if months < 1 or 12 % months:
            msg = f"a cadence of {months} months does not divide the year"
            raise ValueError(msg)
        first = (day.month - 1) // months * months + 1
        return cls.months_from(day.year, first, months)

    @classmethod
    def parse(cls, label: str) -> Period:
        """The period a label names (the inverse of :attr:`label`)."""
        text = label.strip()
        for pattern, build in _PARSERS:
            found = pattern.fullmatch(text)
            if found:
                return build(found)
        msg = f"not a period label: {label!r} (expected 2026-05, 2026-Q2, 2026-H1, 2026 or 2026-05-01..2026-06-15)"
        raise ValueError(msg)

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        whole_months = s.day == 1 and e == _month_end(e.year, e.month) and s.year == e.year
        if whole_months:
            span = e.month - s.month + 1
            if span == 1:
                return f"{s.year}-{s.month:02d}"
            if span == 3 and s.month % 3 == 1:
                return f"{s.year}-Q{s.month // 3 + 1}"
            if span == 6 and s.month in (1, 7):
                return f"{s.year}-H{1 if s.month == 1 else 2}"
            if span == 12:
                return str(s.year)
        return f"{s.isoformat()}..{e.isoformat()}"

    @property
    def title_zh(self) -> str:
        """The period as a return's title names it: ``2026年5月``, ``2026年第二季度``,
        ``2025年下半年``, ``2026年``; any other period as :attr:`span_zh` says it."""
        s, e = self.start, self.end
        if s.year == e.year and s.day == 1 and e == _month_end(e.year, e.month):
            span = e.month - s.month + 1
            if span == 3 and s.month % 3 == 1:
                return f"{s.year}年第{_QUARTERS_ZH[s.month // 3]}季度"
            if span == 6 and s.month in (1, 7):
                return f"{s.year}年{'上' if s.month == 1 else '下'}半年"
            if span == 12:
                return f"{s.year}年"
        return self.span_zh

    @property
    def span_zh(self) -> str:
        """The months (or days) the period covers: ``2026年5月``, ``2025年7月–12月``,
        ``2025年11月–2026年2月``; a period not of whole months ``2026年5月3日–6月15日``."""
        s, e = self.start, self.end
        if s.day == 1 and e == _month_end(e.year, e.month):
            if (s.year, s.month) == (e.year, e.month):
                return f"{s.year}年{s.month}月"
            last = f"{e.month}月" if e.year == s.year else f"{e.year}年{e.month}月"
            return f"{s.year}年{s.month}月–{last}"
        last = f"{e.month}月{e.day}日" if e.year == s.year else f"{e.year}年{e.month}月{e.day}日"
        return f"{s.year}年{s.month}月{s.day}日–{last}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> Iterator[Period]:
        """The calendar months the period touches, each clipped to the period."""
        year, month = self.start.year, self.start.month
        while dt.date(year, month, 1) <= self.end:
            whole = Period.month(year, month)
            yield Period(start=max(whole.start, self.start), end=min(whole.end, self.end))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def slots(self, months: int) -> Iterator[Period]:
        """The cadence blocks of ``months`` months (counted from January) that overlap the period."""
        slot = Period.containing(self.start, months)
        while slot.start <= self.end:
            yield slot
            slot = Period.containing(slot.end + dt.timedelta(days=1), months)

    def __str__(self) -> str:
        return self.label


_QUARTERS_ZH = ("一", "二", "三", "四")


def month_label(day: dt.date) -> str:
    """``2026-05`` for any day of May 2026."""
    return f"{day.year}-{day.month:02d}"


_Parser = tuple[re.Pattern[str], Callable[[re.Match[str]], Period]]
_PARSERS: tuple[_Parser, ...] = (
    (re.compile(r"(\d{4})-(\d{2})"), lambda m: Period.month(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})-Q([1-4])"), lambda m: Period.quarter(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})-H([12])"), lambda m: Period.half(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})"), lambda m: Period.year(int(m[1]))),
    (
        re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})"),
        lambda m: Period(start=dt.date.fromisoformat(m[1]), end=dt.date.fromisoformat(m[2])),
    ),
)
