"""Deadlines derived from events, and the pure ``due(today)`` sweep.

A deadline records the policy and calendar versions that produced it, so a later change
of policy or calendar never moves a deadline already set (docs/architecture.md, "Time").
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from attrs import field, frozen

from mediation_core.domain.values.calendar import (
    CountResult,
    WorkingDayCalendar,
    add_calendar_days,
    add_calendar_months,
)
from mediation_core.domain.values.policy import Policy

CALENDAR_DAYS = "calendar-days"
"""The calendar label of a deadline counted in plain calendar days."""


class DeadlineKind(enum.Enum):
    """What falls due."""

    MEDIATION_TERM = "mediation_term"  # 调解期限
    ESCALATION_REPORT = "escalation_report"  # 向公安机关报告
    FOLLOW_UP = "follow_up"  # 回访
    REFERRAL_ACKNOWLEDGEMENT = "referral_acknowledgement"  # 调解室签收移送/委托函
    REFERRAL_FEEDBACK = "referral_feedback"  # 委托调解结果反馈
    POLICE_TIME_LIMIT = "police_time_limit"  # 治安案件办案期限
    POLICE_FIRST_SESSION = "police_first_session"  # 治安调解首次调解
    TRAFFIC_MEDIATION = "traffic_mediation"  # 交通事故调解书或调解终结书
    MEETING = "meeting"  # 例会召开
    ACTION_ITEM = "action_item"  # 会议议定事项办理
    RECTIFICATION = "rectification"  # 督导检查整改

    @property
    def title_zh(self) -> str:
        return _TITLES[self]


_TITLES = {
    DeadlineKind.MEDIATION_TERM: "调解期限届满",
    DeadlineKind.ESCALATION_REPORT: "向公安机关报告期限",
    DeadlineKind.FOLLOW_UP: "回访期限",
    DeadlineKind.REFERRAL_ACKNOWLEDGEMENT: "移送/委托函签收期限",
    DeadlineKind.REFERRAL_FEEDBACK: "委托调解结果反馈期限",
    DeadlineKind.POLICE_TIME_LIMIT: "治安案件办案期限",
    DeadlineKind.POLICE_FIRST_SESSION: "治安调解首次调解期限",
    DeadlineKind.TRAFFIC_MEDIATION: "交通事故调解书/调解终结书制作期限",
    DeadlineKind.MEETING: "例会召开日期",
    DeadlineKind.ACTION_ITEM: "会议议定事项办理期限",
    DeadlineKind.RECTIFICATION: "督导检查整改期限",
}


@frozen(kw_only=True)
class Deadline:
    """A due date with its provenance. ``estimated``: counted past the calendar's range.
    ``ref`` says which item of the stream falls due when a stream has several of one kind (a
    meeting's action item number); empty when the kind alone says. ``rolled_from`` is the
    period's own last day when it was a rest day and ``due`` moved past it (民法典 art. 203): a
    period that is later lengthened counts on from that day, not from the moved one. It is a
    note on how ``due`` was found, so two deadlines due the same day compare equal without it."""

    kind: DeadlineKind
    due: dt.date
    basis: str
    policy: str
    calendar: str
    estimated: bool = False
    ref: str = ""
    rolled_from: dt.date | None = field(default=None, eq=False)

    @property
    def runs_to(self) -> dt.date:
        """The period's own last day, before any roll-over past a rest day."""
        return self.rolled_from or self.due


def calendar_deadline(kind: DeadlineKind, start: dt.date, days: int, basis: str, policy: Policy) -> Deadline:
    """A deadline ``days`` calendar days after ``start``."""
    return Deadline(
        kind=kind,
        due=add_calendar_days(start, days),
        basis=basis,
        policy=policy.label,
        calendar=CALENDAR_DAYS,
    )


def period_end(
    start: dt.date, calendar: WorkingDayCalendar, policy: Policy, *, days: int = 0, months: int = 0
) -> CountResult:
    """The last day of a period of ``months`` calendar months and then ``days`` calendar days
    after ``start`` (the start day is not counted, 民法典 art. 201; months end on the
    corresponding day, art. 202), moved to the next working day when it is a rest day (art. 203;
    公安机关办理行政案件程序规定 art. 35). Holidays inside the period are not skipped."""
    if days < 0:
        msg = "days must be >= 0"
        raise ValueError(msg)
    return calendar.rolled_over(add_calendar_days(add_calendar_months(start, months), days), policy.beyond_calendar)


def period_deadline(
    kind: DeadlineKind,
    *,
    start: dt.date,
    basis: str,
    policy: Policy,
    calendar: WorkingDayCalendar,
    days: int = 0,
    months: int = 0,
) -> Deadline:
    """A deadline counted in calendar days or months whose last day rolls over a rest day
    (:func:`period_end`), on ``calendar``."""
    counted = period_end(start, calendar, policy, days=days, months=months)
    own = add_calendar_days(add_calendar_months(start, months), days)
    return Deadline(
        kind=kind,
        due=counted.date,
        basis=basis,
        policy=policy.label,
        calendar=calendar.version,
        estimated=counted.estimated,
        rolled_from=own if own != counted.date else None,
    )


def working_day_deadline(
    kind: DeadlineKind,
    *,
    start: dt.date,
    days: int,
    basis: str,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> Deadline:
    """A deadline ``days`` working days after ``start``, on ``calendar``."""
    counted = calendar.add_working_days(start, days, policy.beyond_calendar)
    return Deadline(
        kind=kind,
        due=counted.date,
        basis=basis,
        policy=policy.label,
        calendar=calendar.version,
        estimated=counted.estimated,
    )


class Urgency(enum.Enum):
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"


@frozen(kw_only=True)
class DueItem:
    """A deadline found by the sweep, with how urgent it is today. ``stream_id`` is the
    case (or referral, meeting …) the deadline belongs to."""

    stream_id: str
    deadline: Deadline
    urgency: Urgency
    days_left: int


def due(open_deadlines: Iterable[tuple[str, Deadline]], today: dt.date, warning_days: int) -> list[DueItem]:
    """Every open deadline that is overdue, due today, or due within ``warning_days``.

    Sorted most urgent first, then by stream id, so repeated sweeps list the same order.
    """
    found = []
    for stream_id, deadline in open_deadlines:
        days_left = (deadline.due - today).days
        if days_left > warning_days:
            continue
        if days_left < 0:
            urgency = Urgency.OVERDUE
        elif days_left == 0:
            urgency = Urgency.DUE_TODAY
        else:
            urgency = Urgency.DUE_SOON
        found.append(DueItem(stream_id=stream_id, deadline=deadline, urgency=urgency, days_left=days_left))
    return sorted(found, key=lambda item: (item.days_left, item.stream_id, item.deadline.kind.value, item.deadline.ref))
