"""How deadlines are counted: traffic days are working days (道路交通事故处理程序规定 art. 111(4)),
a period whose last day is a rest day ends on the next working day (民法典 art. 203; 公安机关办理
行政案件程序规定 art. 35), an assessment stops the police time limit (art. 165), and the mediation
term is a calendar month whose late agreement is explained, not refused. Dates are in the
national calendar's 2026: the October holiday runs 1–7 October, with 20 September (a Sunday) and
10 October (a Saturday) worked (调休)."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import D0, OFFICER, police_case
from mediation_core.app.service import MediationService
from mediation_core.calendars import national_calendar
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.events import OralAgreementReached
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.state import PoliceCaseState
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.policy import Policy
from story import Story

CALENDAR = national_calendar()


def police_do(service: MediationService, clock: StoryClock, command: object) -> PoliceCaseState:
    on = getattr(command, "on", None) or getattr(command, "accepted_on", None)
    assert isinstance(on, dt.date)
    clock.set(on)
    state = service.handle(command, OFFICER)  # type: ignore[arg-type]
    assert isinstance(state, PoliceCaseState)
    return state


def police_refused(service: MediationService, clock: StoryClock, command: pc.PoliceCaseCommand) -> set[str]:
    clock.set(command.on)  # type: ignore[attr-defined]
    with pytest.raises(RuleViolationError) as caught:
        service.handle(command, OFFICER)
    return {v.rule for v in caught.value.violations}


def test_the_2026_arrangement_is_in_the_national_calendar() -> None:
    """国务院办公厅关于2026年部分节假日安排的通知: the October holiday and its 调休 working days."""
    assert all(not CALENDAR.is_working_day(dt.date(2026, 10, d)) for d in range(1, 8))
    assert CALENDAR.is_working_day(dt.date(2026, 9, 20))  # a Sunday worked
    assert CALENDAR.is_working_day(dt.date(2026, 10, 10))  # a Saturday worked
    assert not CALENDAR.is_working_day(dt.date(2026, 10, 11))
    assert CALENDAR.is_working_day(dt.date(2026, 2, 28))  # Spring Festival 调休 Saturday
    assert not CALENDAR.is_working_day(dt.date(2026, 9, 25))  # Mid-Autumn
    assert CALENDAR.last_day == dt.date(2026, 12, 31)


def test_a_last_day_on_a_rest_day_moves_to_the_next_working_day() -> None:
    assert CALENDAR.rolled_over(dt.date(2026, 10, 3)).date == dt.date(2026, 10, 8)  # in the holiday
    assert CALENDAR.rolled_over(dt.date(2026, 10, 10)).date == dt.date(2026, 10, 10)  # a 调休 Saturday stays
    assert CALENDAR.rolled_over(dt.date(2026, 10, 11)).date == dt.date(2026, 10, 12)  # a plain Sunday
    assert CALENDAR.rolled_over(dt.date(2026, 10, 12)).date == dt.date(2026, 10, 12)


@pytest.mark.rule("police_assessment_pause")
def test_an_assessment_stops_the_police_time_limit_for_the_days_it_took(
    service: MediationService, clock: StoryClock
) -> None:
    accepted = dt.date(2026, 9, 3)
    opened = police_do(service, clock, police_case(accepted))
    limit = opened.deadlines[DeadlineKind.POLICE_TIME_LIMIT]
    # 30 days end on 3 October, inside the holiday: the limit ends on the 8th (程序规定 art. 35)
    assert (limit.due, limit.rolled_from) == (dt.date(2026, 10, 8), dt.date(2026, 10, 3))
    case_id = opened.police_case_id
    blank = pc.StartAssessment(police_case_id=case_id, on=dt.date(2026, 9, 7), kind=" ")
    assert police_refused(service, clock, blank) == {"police_assessment_pause"}
    started = police_do(
        service, clock, pc.StartAssessment(police_case_id=case_id, on=dt.date(2026, 9, 7), kind="伤情鉴定")
    )
    assert DeadlineKind.POLICE_TIME_LIMIT not in started.deadlines  # stopped: nothing falls due
    assert started.paused_time_limit == limit
    assert started.assessment_started_on == dt.date(2026, 9, 7)
    stored = service.store.deadlines_due(dt.date(2027, 12, 31))
    assert [
        d for sid, d in stored if sid == case_id and d.kind is DeadlineKind.POLICE_TIME_LIMIT
    ] == []  # the sweep sends no reminder while it is stopped
    twice = pc.StartAssessment(police_case_id=case_id, on=dt.date(2026, 9, 8), kind="价格认定")
    assert police_refused(service, clock, twice) == {"police_assessment_pause"}
    result = pc.RecordAssessment(police_case_id=case_id, on=dt.date(2026, 9, 21), kind="伤情鉴定", result="轻微伤")
    back = police_do(service, clock, result)
    resumed = back.deadlines[DeadlineKind.POLICE_TIME_LIMIT]
    # 14 days of assessment: the limit's own end (3 October) moves to the 17th, a Saturday → the 19th
    assert (resumed.due, resumed.rolled_from) == (dt.date(2026, 10, 19), dt.date(2026, 10, 17))
    assert "第165条" in resumed.basis
    assert (back.assessment_started_on, back.paused_time_limit) == (None, None)
    listed = service.store.document("police_case", case_id)  # the station's list shows the running limit
    assert listed is not None
    assert listed.body["time_limit_due"] == "2026-10-19"
    stored = service.store.deadlines_due(dt.date(2027, 12, 31))
    assert [d.due for sid, d in stored if sid == case_id and d.kind is DeadlineKind.POLICE_TIME_LIMIT] == [
        dt.date(2026, 10, 19)
    ]


def test_an_assessment_without_a_recorded_start_changes_no_time_limit(
    service: MediationService, clock: StoryClock
) -> None:
    opened = police_do(service, clock, police_case(dt.date(2026, 5, 11), assessment_needed=True))
    result = pc.RecordAssessment(
        police_case_id=opened.police_case_id, on=dt.date(2026, 5, 20), kind="伤情鉴定", result="轻微伤"
    )
    back = police_do(service, clock, result)
    assert back.deadlines[DeadlineKind.POLICE_TIME_LIMIT] == opened.deadlines[DeadlineKind.POLICE_TIME_LIMIT]


@pytest.mark.rule("agreement_after_term_explained")
def test_an_agreement_after_the_term_is_explained_and_warned_about_never_refused() -> None:
    story = Story().mediating()
    assert story.s.term is not None
    ended = story.s.term.due  # accepted 6 May: 6 June is a Saturday, so the term runs to 8 June
    assert ended == dt.date(2026, 6, 8)
    late = ended + dt.timedelta(days=1)
    story.session(ended)
    err = story.refuse(c.ReachOralAgreement(case_id="c1", on=late, content="赔偿500元"))
    assert {(v.rule, v.field) for v in err.violations} == {("agreement_after_term_explained", "late_explanation")}
    story.do(c.ReachOralAgreement(case_id="c1", on=late, content="赔偿500元", late_explanation=" 等待伤情鉴定结果 "))
    reached = story.events[-1]
    assert isinstance(reached, OralAgreementReached)
    assert (reached.term_due, reached.late_explanation) == (ended, "等待伤情鉴定结果")


def test_an_agreement_inside_the_term_carries_no_warning() -> None:
    story = Story().mediating().session(D0)
    story.do(c.ReachOralAgreement(case_id="c1", on=D0, content="赔偿500元", late_explanation="无"))
    reached = story.events[-1]
    assert isinstance(reached, OralAgreementReached)
    assert (reached.term_due, reached.late_explanation) == (None, "")


def test_a_county_term_in_days_still_rolls_past_a_rest_day() -> None:
    story = Story(policy=Policy(mediation_term_days=20)).mediating()
    assert story.s.term is not None
    # 6 May + 20 days = 26 May, a Tuesday
    assert story.s.term.due == D0 + dt.timedelta(days=20)
    with pytest.raises(ValueError, match="mediation_term_months"):
        Policy(mediation_term_days=0, mediation_term_months=0)
