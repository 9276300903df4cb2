"""When a meeting is due: the policy's working day of each cadence block, and the deadline a
scheduled meeting carries until it is held or cancelled."""

from __future__ import annotations

import datetime as dt

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.meeting.kinds import MEETING_BASIS, MeetingKind
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy


def proposed_date(slot: Period, policy: Policy, calendar: WorkingDayCalendar) -> dt.date:
    """The policy's working day of a cadence block (``meeting_working_day``-th working day)."""
    counted = calendar.add_working_days(
        slot.start - dt.timedelta(days=1), policy.meeting_working_day, policy.beyond_calendar
    )
    return min(counted.date, slot.end)


def next_proposed_date(kind: MeetingKind, today: dt.date, policy: Policy, calendar: WorkingDayCalendar) -> dt.date:
    """The proposed date of the current cadence block, or of the next once it has passed."""
    slot = Period.containing(today, kind.cadence(policy))
    date = proposed_date(slot, policy, calendar)
    if date < today:
        date = proposed_date(Period.containing(slot.end + dt.timedelta(days=1), kind.cadence(policy)), policy, calendar)
    return date


def meeting_deadline(on: dt.date, ctx: DecisionContext) -> Deadline:
    return Deadline(
        kind=DeadlineKind.MEETING,
        due=on,
        basis=MEETING_BASIS,
        policy=ctx.policy.label,
        calendar=ctx.calendar.version,
        estimated=not ctx.calendar.covers(on),
    )
