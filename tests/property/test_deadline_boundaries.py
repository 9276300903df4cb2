"""Deadline counting at its boundaries, on the national calendar: working-day windows across a
weekend, the October 2026 holiday and a 调休 Saturday; calendar-day periods rolled past rest
days; one-month terms across month ends of 28–31 days; the police time limit before and after
an assessment stops it."""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
from typing import Any

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

from builders import REGISTRY, accident, police_case, traffic_registry
from mediation_core.calendars import national_calendar
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.decide import execute as police_execute
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic.accident import Damage, DamageKind
from mediation_core.domain.traffic.decide import execute as traffic_execute
from mediation_core.domain.values.calendar import CHINA_TZ, add_calendar_months
from mediation_core.domain.values.deadlines import DeadlineKind, period_end
from mediation_core.domain.values.policy import Policy
from story import Story

CAL = national_calendar()
POLICY = Policy()
IN_RANGE = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 11, 15))
OCTOBER_2026 = st.dates(min_value=dt.date(2026, 9, 10), max_value=dt.date(2026, 10, 12))
"""The October 2026 holiday (1–7 October) with its 调休 Sunday (20 September) and Saturday (10 October)."""


def ctx(today: dt.date) -> DecisionContext:
    return DecisionContext(
        now=dt.datetime.combine(today, dt.time(18), CHINA_TZ),
        policy=POLICY,
        calendar=CAL,
        registry=REGISTRY.merged(traffic_registry()),
    )


def allowed(execute: Any, command: Any, state: Any, today: dt.date) -> bool:
    try:
        execute(command, state, ctx(today))
    except RuleViolationError:
        return False
    return True


def working(day: dt.date, n: int) -> dt.date:
    return CAL.add_working_days(day, n).date


# -- 民法典 arts. 202–203 ----------------------------------------------------------------------


@given(start=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)), months=st.integers(0, 24))
@example(start=dt.date(2026, 1, 31), months=1)  # → 28 February
@example(start=dt.date(2024, 1, 31), months=1)  # → 29 February (leap year)
@example(start=dt.date(2026, 3, 31), months=1)  # → 30 April
@example(start=dt.date(2026, 8, 31), months=1)  # → 30 September
@example(start=dt.date(2026, 12, 31), months=2)  # across the year → 28 February
def test_a_month_ends_on_the_corresponding_day_or_the_months_last_day(start: dt.date, months: int) -> None:
    end = add_calendar_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    last = gregorian.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, last)


@given(start=IN_RANGE, days=st.integers(0, 60))
def test_a_period_ends_on_its_own_last_day_or_the_first_working_day_after_it(start: dt.date, days: int) -> None:
    own = start + dt.timedelta(days=days)
    end = period_end(start, CAL, POLICY, days=days).date
    beyond = POLICY.beyond_calendar  # a period may end after the calendar's published range
    assert CAL.is_working_day(end, beyond)
    assert own <= end
    gap = [own + dt.timedelta(days=n) for n in range((end - own).days)]
    assert not any(CAL.is_working_day(d, beyond) for d in gap)  # only rest days are skipped


@given(accepted=IN_RANGE)
@example(accepted=dt.date(2026, 1, 31))  # 28 February 2026 is a 调休 Saturday: a working day, no roll-over
@example(accepted=dt.date(2026, 8, 31))  # 30 September, a Wednesday
@example(accepted=dt.date(2026, 9, 3))  # 3 October, in the holiday → 8 October
@example(accepted=dt.date(2026, 9, 10))  # 10 October, a 调休 Saturday: stays
def test_the_mediation_term_is_a_calendar_month_rolled_past_rest_days(accepted: dt.date) -> None:
    story = Story().receive(on=accepted).accept(accepted)
    term = story.s.term
    assert term is not None
    own = add_calendar_months(accepted, 1)
    assert term.runs_to == own
    assert term.due == CAL.rolled_over(own).date
    if accepted == dt.date(2026, 1, 31):
        assert term.due == dt.date(2026, 2, 28)
    if accepted == dt.date(2026, 9, 3):
        assert term.due == dt.date(2026, 10, 8)


# -- judicial confirmation: 30 days, rolled (人民调解法 art. 33; 民法典 art. 203) -------------------


@given(effective=OCTOBER_2026.filter(lambda d: d <= dt.date(2026, 9, 30)), extra=st.integers(0, 1))
@example(effective=dt.date(2026, 9, 3), extra=0)  # 30th day 3 October → last day 8 October
@example(effective=dt.date(2026, 9, 3), extra=1)
def test_the_confirmation_window_ends_on_a_working_day(effective: dt.date, extra: int) -> None:
    story = Story().receive(on=effective - dt.timedelta(days=2)).accept(effective - dt.timedelta(days=2))
    story.prepare(effective - dt.timedelta(days=2)).start(effective - dt.timedelta(days=2)).written(effective)
    last_day = CAL.rolled_over(effective + dt.timedelta(days=30)).date
    on = last_day + dt.timedelta(days=extra)
    cmd = c.ApplyJudicialConfirmation(case_id="c1", on=on, applicant_ids=("p1", "p2"), court="法院")
    if extra == 0:
        story.do(cmd, today=on)
    else:
        assert "confirmation_window" in story.refuse(cmd, today=on).rules


# -- traffic: S9's days are working days (art. 111(4)) ------------------------------------------


@given(received=OCTOBER_2026)
@example(received=dt.date(2026, 9, 28))  # counts 9-29, 9-30, 10-8, 10-9, 10-10 (Sat, worked) … → 10-16
@example(received=dt.date(2026, 10, 9))  # a Friday: the weekend after it counts only the worked Saturday
def test_the_application_window_ends_on_its_tenth_working_day(received: dt.date) -> None:
    state = traffic_execute(attrs.evolve(accident(received), traffic_id="t1"), None, ctx(received))[1]
    last_day = working(received, 10)
    if received == dt.date(2026, 9, 28):
        assert last_day == dt.date(2026, 10, 16)

    def apply(on: dt.date) -> bool:
        command = tc.ApplyPoliceMediation(traffic_id="t1", on=on, applicant_ids=("p1", "p2"), written=True)
        return allowed(traffic_execute, command, state, on)

    assert apply(last_day)
    assert not apply(last_day + dt.timedelta(days=1))


@given(session_on=OCTOBER_2026.filter(lambda d: d >= dt.date(2026, 9, 20)))
@example(session_on=dt.date(2026, 10, 8))  # three working days ahead of 8 October is 28 September
@example(session_on=dt.date(2026, 10, 12))  # the worked Saturday counts: notice on 8 October
def test_a_session_is_notified_three_working_days_ahead(session_on: dt.date) -> None:
    received = dt.date(2026, 9, 10)
    state = traffic_execute(attrs.evolve(accident(received), traffic_id="t1"), None, ctx(received))[1]
    apply = tc.ApplyPoliceMediation(traffic_id="t1", on=received, applicant_ids=("p1", "p2"), written=True)
    state = traffic_execute(apply, state, ctx(received))[1]
    damages = (Damage(kind=DamageKind.PROPERTY, trigger_on=received),)
    state = traffic_execute(
        tc.AcceptPoliceMediation(traffic_id="t1", on=received, damages=damages), state, ctx(received)
    )[1]
    latest = CAL.latest_start(session_on, 3)
    assert working(latest, 3) <= session_on < working(latest + dt.timedelta(days=1), 3)
    if session_on == dt.date(2026, 10, 8):
        assert latest == dt.date(2026, 9, 28)
    if session_on == dt.date(2026, 10, 12):
        assert latest == dt.date(2026, 10, 8)

    def schedule(on: dt.date) -> bool:
        command = tc.ScheduleTrafficSession(traffic_id="t1", on=on, session_on=session_on, place="室")
        return allowed(traffic_execute, command, state, on)

    assert schedule(latest)
    assert not schedule(latest + dt.timedelta(days=1))


# -- the police time limit: 30 days rolled (art. 35), stopped by an assessment (art. 165) ----------


@given(
    accepted=st.dates(min_value=dt.date(2026, 1, 5), max_value=dt.date(2026, 9, 30)),
    started_after=st.integers(0, 30),
    took=st.integers(0, 40),
)
@example(accepted=dt.date(2026, 9, 3), started_after=4, took=14)  # 3 Oct → 17 Oct (Sat) → 19 Oct
@example(accepted=dt.date(2026, 9, 3), started_after=4, took=0)  # a result the same day changes nothing
@example(accepted=dt.date(2026, 8, 3), started_after=10, took=40)  # the result comes after the limit would have ended
def test_the_time_limit_runs_on_by_the_days_the_assessment_took(
    accepted: dt.date, started_after: int, took: int
) -> None:
    state = police_execute(attrs.evolve(police_case(accepted), police_case_id="pc1"), None, ctx(accepted))[1]
    limit = state.deadlines[DeadlineKind.POLICE_TIME_LIMIT]
    assert limit.runs_to == accepted + dt.timedelta(days=30)
    assert limit.due == CAL.rolled_over(limit.runs_to).date
    started_on = accepted + dt.timedelta(days=started_after)
    issued_on = started_on + dt.timedelta(days=took)
    start = pc.StartAssessment(police_case_id="pc1", on=started_on, kind="伤情鉴定")
    state = police_execute(start, state, ctx(started_on))[1]
    assert DeadlineKind.POLICE_TIME_LIMIT not in state.deadlines
    assert state.paused_time_limit == limit
    result = pc.RecordAssessment(police_case_id="pc1", on=issued_on, kind="伤情鉴定", result="轻微伤")
    state = police_execute(result, state, ctx(issued_on))[1]
    resumed = state.deadlines[DeadlineKind.POLICE_TIME_LIMIT]
    assert resumed.runs_to == limit.runs_to + dt.timedelta(days=took)
    assert resumed.due == CAL.rolled_over(resumed.runs_to).date
    if took == 0:
        assert resumed.due == limit.due
    if (accepted, took) == (dt.date(2026, 9, 3), 14):
        assert resumed.due == dt.date(2026, 10, 19)
