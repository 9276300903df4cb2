"""The rules of docs/legal-basis.md §9 numbered 12, 15–31 and 39 as hypothesis properties over the pure deciders.

Windows are checked as boundary properties: the decision on the exact last day of a window and
on the day after it, on calendars with statutory holidays and 调休 working weekends (drawn at
random, and the national calendar around its real holiday periods)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from builders import (
    JOINT_ROOM,
    REGISTRY,
    STATION,
    accident,
    entrust,
    mediable_assessment,
    person,
    police_case,
    police_session,
    referral,
    traffic_registry,
    two_people,
)
from mediation_core.calendars import national_calendar
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.commands import Authority, PriorProceeding
from mediation_core.domain.case.decide import execute as case_execute
from mediation_core.domain.case.outcomes import DeclineReason
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.decide import execute as police_execute
from mediation_core.domain.police_case.mediability import (
    Circumstance,
    Exclusion,
    Incident,
    PoliceAct,
    PoliceAgreementTerms,
    Punishment,
    SessionReason,
    art178_gaps,
    mediable,
)
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.decide import execute as referral_execute
from mediation_core.domain.referral.letters import ConsentEvidence, ConsentForm, FeedbackKind, Origin, OriginKind
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic.accident import (
    CompensationItem,
    Damage,
    DamageKind,
    InsurerNotice,
    JointBody,
    Liability,
    Participant,
    TrafficSettlement,
    TrafficTermination,
)
from mediation_core.domain.traffic.decide import execute as traffic_execute
from mediation_core.domain.traffic.decide import start_of
from mediation_core.domain.values.calendar import CHINA_TZ, BeyondRange, WorkingDayCalendar
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.parties import Side
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.risks import RiskKind
from mediation_core.domain.values.sources import CaseSource, ReferralMode
from mediation_core.testing.strategies import working_day_calendars
from story import Story

NATIONAL = national_calendar()
TRAFFIC_REGISTRY = REGISTRY.merged(traffic_registry())
ANY_DAY = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 6, 30))
HOLIDAY_SEASONS = st.sampled_from(
    [
        (dt.date(2025, 9, 20), dt.date(2025, 10, 15)),  # National Day with 调休 on 9-28 and 10-11
        (dt.date(2026, 1, 28), dt.date(2026, 3, 5)),  # Spring Festival with 调休 on 2-14 and 2-28
        (dt.date(2026, 4, 25), dt.date(2026, 5, 15)),  # Labour Day with 调休 on 5-9
        (dt.date(2026, 9, 15), dt.date(2026, 10, 15)),
    ]
).flatmap(lambda season: st.dates(*season))


def calendars_and_days() -> st.SearchStrategy[tuple[WorkingDayCalendar, dt.date]]:
    """A random calendar with any day, or the national calendar with a day in a holiday season."""
    drawn = st.tuples(working_day_calendars(), ANY_DAY)
    national = st.tuples(st.just(NATIONAL), HOLIDAY_SEASONS)
    return st.one_of(drawn, national)


def ctx(
    today: dt.date,
    calendar: WorkingDayCalendar = NATIONAL,
    policy: Policy | None = None,
    sequence: int | None = None,
) -> DecisionContext:
    return DecisionContext(
        now=dt.datetime.combine(today, dt.time(18), CHINA_TZ),
        policy=policy or Policy(),
        calendar=calendar,
        registry=TRAFFIC_REGISTRY,
        sequence=sequence,
    )


def run(execute: Any, steps: list[tuple[Any, DecisionContext]], state: Any = None) -> Any:
    for command, context in steps:
        state = execute(command, state, context)[1]
    return state


def refusal(execute: Any, command: Any, state: Any, context: DecisionContext) -> set[tuple[str, str]]:
    """The (rule, field) pairs that refuse ``command``; empty when it is allowed."""
    try:
        execute(command, state, context)
    except RuleViolationError as err:
        return {(v.rule, v.field) for v in err.violations}
    return set()


def plus(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


def working(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` on the national calendar (weekends only past its
    range, as the default policy counts): S9's days are working days (art. 111(4))."""
    return NATIONAL.add_working_days(day, n, BeyondRange.WEEKENDS_ONLY).date


# -- rule 12: the escalation report -----------------------------------------------------------


@given(flagged=ANY_DAY, days=st.integers(0, 5), offset=st.integers(0, 8))
def test_rule12_a_report_after_the_due_day_is_late_and_the_file_waits_for_it(
    flagged: dt.date, days: int, offset: int
) -> None:
    story = Story(policy=Policy(escalation_report_days=days)).receive(on=flagged).accept(flagged)
    story.do(c.FlagRisk(case_id="c1", kind=RiskKind.PUBLIC_ORDER, persons=2, on=flagged))
    due = story.s.deadlines[DeadlineKind.ESCALATION_REPORT].due
    assert due == plus(flagged, days)
    reported_on = plus(flagged, offset)
    story.do(c.ReportToPolice(case_id="c1", on=reported_on, station_id=STATION, reference="报告1"))
    assert story.s.police_reports[-1].late is (reported_on > due)
    assert DeadlineKind.ESCALATION_REPORT not in story.s.deadlines


# -- rule 15: acceptance exclusions, on a case and on a referral ------------------------------

proceedings = st.lists(
    st.builds(PriorProceeding, authority=st.sampled_from(Authority), decided=st.booleans()), max_size=3
).map(tuple)


@given(prior=proceedings, reserved=st.booleans(), entrusted=st.booleans())
def test_rule15_prior_handling_bars_acceptance_except_the_polices_own_entrustment(
    prior: tuple[PriorProceeding, ...], reserved: bool, entrusted: bool
) -> None:
    day = dt.date(2026, 5, 6)
    source = CaseSource.STATION_ENTRUSTMENT if entrusted else CaseSource.STATION_TRANSFER
    story = Story().receive(on=day, source=source)
    barred = {
        f"prior_proceedings[{i}]" for i, p in enumerate(prior) if not (p.authority is Authority.POLICE and entrusted)
    }
    if reserved:
        barred.add("reserved_to_specialised_organ")
    command = c.AcceptCase(case_id="c1", on=day, prior_proceedings=prior, reserved_to_specialised_organ=reserved)
    case_fields = {
        f for r, f in refusal(case_execute, command, story.s, story.context(day, 1)) if r == "acceptance_not_excluded"
    }
    assert case_fields == barred

    issued = run(referral_execute, [(attrs.evolve(referral(day), referral_id="r1"), ctx(day))])
    if entrusted:  # a station's entrustment, issued from its 治安 case
        letter = rc.IssueLinkedReferral(
            **{
                **attrs.asdict(referral(day, source=source, mode=ReferralMode.ENTRUSTMENT), recurse=False),
                "referral_id": "r1",
            },
            origin=Origin(kind=OriginKind.POLICE_CASE, stream_id="pc1"),
        )
        issued = run(referral_execute, [(letter, ctx(day))])
    accept = rc.AcceptReferral(
        referral_id="r1", on=day, prior_proceedings=prior, reserved_to_specialised_organ=reserved
    )
    found = {f for r, f in refusal(referral_execute, accept, issued, ctx(day)) if r == "acceptance_not_excluded"}
    assert found == barred


# -- rules 16 and 17: mediability and its exclusions ------------------------------------------

assessments = st.builds(
    mediable_assessment,
    act=st.sampled_from(PoliceAct),
    from_civil_dispute=st.booleans(),
    minor=st.booleans(),
    circumstances=st.frozensets(st.sampled_from(Circumstance)),
    exclusions=st.frozensets(st.sampled_from(Exclusion), max_size=2),
    other_act_reason=st.sampled_from(("", "  ", "与所列行为情节相当")),
)


@given(assessment=assessments)
def test_rule16_17_police_mediation_needs_art178_and_no_art179_exclusion(assessment: Any) -> None:
    day = dt.date(2026, 5, 11)
    opened = run(
        police_execute, [(attrs.evolve(police_case(day, assessment=assessment), police_case_id="pc1"), ctx(day))]
    )
    found = refusal(police_execute, police_session("pc1", day), opened, ctx(day))
    expected_178 = {(("police_mediable", f)) for f, _, _ in art178_gaps(assessment)}
    expected_179 = {("police_not_excluded", f"assessment.exclusions[{x.value}]") for x in assessment.exclusions}
    assert found == expected_178 | expected_179
    assert (not found) is mediable(assessment)
    assert mediable(assessment) is (
        (assessment.act is not PoliceAct.OTHER or bool(assessment.other_act_reason.strip()))
        and assessment.from_civil_dispute
        and assessment.minor
        and bool(assessment.circumstances)
        and not assessment.exclusions
    )


@given(assessment=assessments, extra=st.frozensets(st.sampled_from(Exclusion), min_size=1))
def test_rule17_adding_an_exclusion_never_makes_a_case_mediable(assessment: Any, extra: frozenset[Exclusion]) -> None:
    worse = attrs.evolve(assessment, exclusions=assessment.exclusions | extra)
    assert not mediable(worse)
    assert not (mediable(worse) and not mediable(assessment))


# -- rules 18 and 19: sessions on the working-day calendar ------------------------------------


@given(cal_day=calendars_and_days(), gap=st.integers(0, 25), reason=st.sampled_from(SessionReason))
def test_rule18_the_second_session_is_held_within_seven_working_days(
    cal_day: tuple[WorkingDayCalendar, dt.date], gap: int, reason: SessionReason
) -> None:
    calendar, first = cal_day
    second = plus(first, gap)
    assume(calendar.covers(second) and calendar.covers(plus(first, 40)))
    opened = run(police_execute, [(attrs.evolve(police_case(first), police_case_id="pc1"), ctx(first, calendar))])
    held = run(police_execute, [(police_session("pc1", first), ctx(first, calendar))], opened)
    last_day = calendar.add_working_days(first, 7).date
    assert calendar.working_days_between(first, last_day) == 7
    command = police_session("pc1", second, reason=reason, requested_by="p1")
    found = refusal(police_execute, command, held, ctx(second, calendar))
    assert (("police_sessions_at_most_two", "on") in found) is (second > last_day)
    if not found:
        twice = police_execute(command, held, ctx(second, calendar))[1]
        assert ("police_sessions_at_most_two", "sessions") in refusal(
            police_execute, command, twice, ctx(second, calendar)
        )


@given(cal_day=calendars_and_days(), gap=st.integers(0, 15), days=st.integers(1, 5), assessed=st.booleans())
def test_rule19_the_first_session_is_due_working_days_after_acceptance_or_assessment(
    cal_day: tuple[WorkingDayCalendar, dt.date], gap: int, days: int, assessed: bool
) -> None:
    calendar, accepted = cal_day
    policy = Policy(police_first_session_working_days=days)
    start = plus(accepted, 2) if assessed else accepted
    session_on = plus(start, gap)
    assume(calendar.covers(plus(start, 40)))
    steps: list[tuple[Any, DecisionContext]] = [
        (
            attrs.evolve(police_case(accepted, assessment_needed=assessed), police_case_id="pc1"),
            ctx(accepted, calendar, policy),
        )
    ]
    if assessed:
        steps.append(
            (
                pc.RecordAssessment(police_case_id="pc1", on=start, kind="伤情鉴定", result="轻微伤"),
                ctx(start, calendar, policy),
            )
        )
    state = run(police_execute, steps)
    due = calendar.add_working_days(start, days).date
    assert state.deadlines[DeadlineKind.POLICE_FIRST_SESSION].due == due
    found = refusal(police_execute, police_session("pc1", session_on), state, ctx(session_on, calendar, policy))
    assert (("police_first_session_timely", "late_reason") in found) is (session_on > due)
    explained = police_execute(
        police_session("pc1", session_on, late_reason="当事人住院"), state, ctx(session_on, calendar, policy)
    )[1]
    assert explained.sessions[0].late is (session_on > due)


# -- rule 20: the police agreement ------------------------------------------------------------

AGREEMENT_FIELDS = ("organ_name", "presiding_officer", "terms", "performance_method")
INCIDENT_FIELDS = ("time", "place", "persons", "cause", "course", "circumstances", "result")


@given(
    blank=st.sets(st.sampled_from(AGREEMENT_FIELDS)),
    blank_incident=st.sets(st.sampled_from(INCIDENT_FIELDS)),
    signers=st.sets(st.sampled_from(["p1", "p2"])),
)
def test_rule20_every_missing_part_of_the_police_agreement_is_named(
    blank: set[str], blank_incident: set[str], signers: set[str]
) -> None:
    day = dt.date(2026, 5, 11)
    state = run(
        police_execute,
        [(attrs.evolve(police_case(day), police_case_id="pc1"), ctx(day)), (police_session("pc1", day), ctx(day))],
    )
    incident = Incident(**{f: ("" if f in blank_incident else "有") for f in INCIDENT_FIELDS})
    terms = PoliceAgreementTerms(
        **{f: ("" if f in blank else "有") for f in AGREEMENT_FIELDS},
        present_party_ids=("p1", "p2"),
        incident=incident,
        performance_deadline=plus(day, 3),
    )
    command = pc.RecordPoliceAgreement(police_case_id="pc1", on=day, terms=terms, signed_by=tuple(sorted(signers)))
    found = {f for r, f in refusal(police_execute, command, state, ctx(day)) if r == "police_agreement_fields"}
    expected = {f"terms.{f}" for f in blank} | {f"terms.incident.{f}" for f in blank_incident}
    expected |= {f"signed_by[{p}]" for p in {"p1", "p2"} - signers}
    assert found == expected


# -- rules 21 and 22: the punishment decision -------------------------------------------------


def _agreement(day: dt.date) -> PoliceAgreementTerms:
    return PoliceAgreementTerms(
        organ_name="派出所", presiding_officer="陈", present_party_ids=("p1", "p2"),
        incident=Incident(**dict.fromkeys(INCIDENT_FIELDS, "有")), terms="赔偿", performance_deadline=plus(day, 3),
        performance_method="现金",
    )  # fmt: skip


@given(agreed=st.booleans(), performed=st.booleans(), decision=st.sampled_from(Punishment), notified=st.booleans())
def test_rule21_agreed_and_performed_means_no_punishment_otherwise_punishment_and_a_suit_notice(
    agreed: bool, performed: bool, decision: Punishment, notified: bool
) -> None:
    day = dt.date(2026, 5, 11)
    steps: list[Any] = [attrs.evolve(police_case(day), police_case_id="pc1"), police_session("pc1", day)]
    if agreed:
        steps += [
            pc.RecordPoliceAgreement(police_case_id="pc1", on=day, terms=_agreement(day), signed_by=("p1", "p2")),
            pc.RecordPolicePerformance(police_case_id="pc1", on=day, performed=performed),
        ]
    else:
        steps.append(pc.RecordPoliceMediationFailed(police_case_id="pc1", on=day, reason="分歧较大"))
    state = run(police_execute, [(s, ctx(day)) for s in steps])
    command = pc.DecidePunishment(
        police_case_id="pc1", on=day, decision=decision, reference="决定书", civil_suit_notified=notified
    )
    found = refusal(police_execute, command, state, ctx(day))
    settled = agreed and performed
    if decision is Punishment.NO_PUNISHMENT:
        assert (not found) is settled
    else:
        assert (not found) is (not settled and notified)
    if not settled:
        assert DeadlineKind.POLICE_TIME_LIMIT in state.deadlines
        assert state.deadlines[DeadlineKind.POLICE_TIME_LIMIT].due == plus(day, 30)


@given(
    settled=st.booleans(),
    performed=st.booleans(),
    applied=st.booleans(),
    written=st.booleans(),
    approved=st.booleans(),
    assessment=assessments,
)
def test_rule22_no_punishment_after_peoples_mediation_needs_every_element(
    settled: bool, performed: bool, applied: bool, written: bool, approved: bool, assessment: Any
) -> None:
    day = dt.date(2026, 5, 11)
    entrusted_ok = mediable(assessment)
    opened = run(
        police_execute, [(attrs.evolve(police_case(day, assessment=assessment), police_case_id="pc1"), ctx(day))]
    )
    if not entrusted_ok:  # a case that is not mediable cannot be entrusted at all
        assert refusal(police_execute, entrust("pc1", day, referral_id="r1"), opened, ctx(day))
        return
    steps: list[Any] = [
        entrust("pc1", day, referral_id="r1"),
        pc.ReceiveReferralFeedback(
            police_case_id="pc1",
            referral_id="r1",
            on=day,
            kind=FeedbackKind.SETTLED if settled else FeedbackKind.FAILED,
            case_id="c1",
        ),
    ]
    if settled:
        kind = FeedbackKind.PERFORMED if performed else FeedbackKind.NOT_PERFORMED
        steps.append(
            pc.ReceiveReferralFeedback(police_case_id="pc1", referral_id="r1", on=day, kind=kind, case_id="c1")
        )
    if applied:
        steps.append(pc.RecordJointApplication(police_case_id="pc1", on=day, applicant_ids=("p1", "p2"), written=True))
    state = run(police_execute, [(s, ctx(day)) for s in steps], opened)
    command = pc.DecidePunishment(
        police_case_id="pc1",
        on=day,
        decision=Punishment.NO_PUNISHMENT,
        reference="不罚",
        approved_by="王所长" if approved else "",
    )
    found = refusal(police_execute, command, state, ctx(day))
    assert (not found) is (settled and performed and applied and approved)
    refused_form = refusal(
        police_execute,
        pc.RecordJointApplication(police_case_id="pc1", on=day, applicant_ids=("p1",), written=written),
        state,
        ctx(day),
    )
    assert ("joint_written_application", "applicant_ids") in refused_form
    assert (("joint_written_application", "written") in refused_form) is (not written)


# -- rule 23: minors ----------------------------------------------------------------------------


@given(
    age_days=st.integers(14 * 365, 19 * 365),
    self_supporting=st.booleans(),
    notified=st.booleans(),
    waived=st.booleans(),
)
def test_rule23_a_minors_guardian_is_notified_unless_a_self_supporting_sixteen_year_old_waives(
    age_days: int, self_supporting: bool, notified: bool, waived: bool
) -> None:
    day = dt.date(2026, 5, 11)
    born = day - dt.timedelta(days=age_days)
    minor = attrs.evolve(person("p1", Side.APPLICANT, seq=7, birth=f"{born:%Y%m%d}"), self_supporting=self_supporting)
    parties = (minor, two_people()[1])
    state = run(police_execute, [(attrs.evolve(police_case(day, parties=parties), police_case_id="pc1"), ctx(day))])
    command = police_session(
        "pc1", day, guardians_notified=("p1",) if notified else (), guardian_waivers=("p1",) if waived else ()
    )
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    allowed = age >= 18 or notified or (waived and self_supporting and age >= 16)
    found = refusal(police_execute, command, state, ctx(day))
    assert (("police_minors_and_agents", "guardians_notified[p1]") not in found) is allowed


# -- rules 24 to 31: traffic accidents ----------------------------------------------------------


def registered(received: dt.date, **kwargs: Any) -> Any:
    return run(traffic_execute, [(attrs.evolve(accident(received, **kwargs), traffic_id="t1"), ctx(received))])


@given(received=ANY_DAY, offset=st.integers(-2, 22), joint=st.booleans(), written=st.booleans())
def test_rule24_police_mediation_is_applied_for_within_ten_days_jointly_in_writing(
    received: dt.date, offset: int, joint: bool, written: bool
) -> None:
    state = registered(received)
    on = plus(received, offset)
    assume(on >= state.accident_on)
    command = tc.ApplyPoliceMediation(
        traffic_id="t1", on=on, applicant_ids=("p1", "p2") if joint else ("p1",), written=written
    )
    found = refusal(traffic_execute, command, state, ctx(max(on, received)))
    assert (not found) is (received <= on <= working(received, 10) and joint and written)


def _terminated_by_the_room(received: dt.date, ended: dt.date) -> Any:
    state = registered(received)
    send = tc.SendToPeoplesMediation(
        traffic_id="t1", on=received, room_id=JOINT_ROOM, letter_number="移7", signed_by="张", referral_id="r1"
    )
    report = tc.ReceivePeoplesMediationReport(
        traffic_id="t1", referral_id="r1", on=ended, kind=FeedbackKind.FAILED, case_id="c1"
    )
    return run(traffic_execute, [(send, ctx(received)), (report, ctx(ended))], state)


@given(received=ANY_DAY, after=st.integers(5, 40), offset=st.integers(-1, 12))
def test_rule25_after_peoples_mediation_ends_police_mediation_follows_within_three_days(
    received: dt.date, after: int, offset: int
) -> None:
    ended = plus(received, after)
    state = _terminated_by_the_room(received, ended)
    on = plus(ended, offset)
    command = tc.ApplyPoliceMediation(traffic_id="t1", on=on, applicant_ids=("p1", "p2"), written=True)
    found = refusal(traffic_execute, command, state, ctx(max(on, ended)))
    assert (not found) is (ended <= on <= working(ended, 3))


@given(
    received=ANY_DAY,
    accepted_after=st.integers(0, 5),
    triggers=st.dictionaries(st.sampled_from(DamageKind), st.integers(-5, 30), min_size=1),
)
def test_rule26_mediation_starts_at_the_latest_of_acceptance_and_triggers_with_ten_days(
    received: dt.date, accepted_after: int, triggers: dict[DamageKind, int]
) -> None:
    accepted = plus(received, accepted_after)
    state = run(
        traffic_execute,
        [
            (
                tc.ApplyPoliceMediation(traffic_id="t1", on=received, applicant_ids=("p1", "p2"), written=True),
                ctx(received),
            )
        ],
        registered(received),
    )
    known = {k: v for k, v in triggers.items() if v <= accepted_after}
    damages = tuple(Damage(kind=k, trigger_on=plus(received, v) if k in known else None) for k, v in triggers.items())
    assume(all(d.trigger_on is None or d.trigger_on >= state.accident_on for d in damages))
    state = run(
        traffic_execute,
        [(tc.AcceptPoliceMediation(traffic_id="t1", on=accepted, damages=damages), ctx(accepted))],
        state,
    )
    for kind, offset in sorted(triggers.items(), key=lambda kv: kv[1]):
        if kind not in known:
            on = plus(received, offset)
            state = run(
                traffic_execute, [(tc.RecordDamageDetermined(traffic_id="t1", on=on, kind=kind), ctx(on))], state
            )
    expected = max([accepted, *(plus(received, v) for v in triggers.values())])
    assert state.start_on == expected == start_of(accepted, state.damages)
    assert state.deadlines[DeadlineKind.TRAFFIC_MEDIATION].due == working(expected, 10)


def _mediating(received: dt.date) -> Any:
    apply = tc.ApplyPoliceMediation(traffic_id="t1", on=received, applicant_ids=("p1", "p2"), written=True)
    accept = tc.AcceptPoliceMediation(
        traffic_id="t1", on=received, damages=(Damage(kind=DamageKind.PROPERTY, trigger_on=received),)
    )
    return run(traffic_execute, [(apply, ctx(received)), (accept, ctx(received))], registered(received))


@given(received=ANY_DAY, notice=st.integers(0, 6), change=st.integers(0, 3), per_side=st.integers(1, 5))
def test_rule27_notice_three_days_ahead_change_a_day_ahead_three_per_side(
    received: dt.date, notice: int, change: int, per_side: int
) -> None:
    state = _mediating(received)
    session_on = plus(received, 8)
    told = plus(session_on, -notice)
    schedule = tc.ScheduleTrafficSession(traffic_id="t1", on=told, session_on=session_on, place="室")
    found = refusal(traffic_execute, schedule, state, ctx(max(told, received)))
    assert (("traffic_session_logistics", "session_on") in found) is (session_on < working(told, 3))
    latest = NATIONAL.latest_start(session_on, 3, BeyondRange.WEEKENDS_ONLY)
    assume(latest >= received)
    fixed = traffic_execute(attrs.evolve(schedule, on=latest), state, ctx(latest))[1]
    asked = plus(session_on, -change)
    request = tc.RequestSessionChange(traffic_id="t1", on=asked, requested_by="p2", reason="出差")
    late_change = session_on < working(asked, 1)
    assert (("traffic_session_logistics", "on") in refusal(traffic_execute, request, fixed, ctx(asked))) is late_change
    people = tuple(Participant(side=Side.APPLICANT, name=f"人{n}", role="当事人") for n in range(per_side))
    hold = tc.HoldTrafficSession(
        traffic_id="t1",
        on=session_on,
        place="室",
        bodies=frozenset({JointBody.TRAFFIC_POLICE}),
        participants=people,
        summary="调解",
    )
    crowded = ("traffic_session_logistics", "participants[applicant]") in refusal(
        traffic_execute, hold, fixed, ctx(session_on)
    )
    assert crowded is (per_side > 3)


@given(shares=st.lists(st.integers(0, 100), min_size=1, max_size=2))
def test_rule28_liability_shares_add_up_to_a_hundred(shares: list[int]) -> None:
    received = dt.date(2026, 5, 6)
    state = _mediating(received)
    liabilities = tuple(Liability(party_id=f"p{i + 1}", share=Decimal(s)) for i, s in enumerate(shares))
    settlement = TrafficSettlement(
        basis="依据", facts_and_losses="损失", items=(CompensationItem(name="修车", amount=Decimal(100)),),
        liabilities=liabilities, performance_method="转账", performance_deadline=plus(received, 5),
    )  # fmt: skip
    command = tc.IssueMediationDocument(traffic_id="t1", on=received, settlement=settlement, signed_by=("p1", "p2"))
    found = refusal(traffic_execute, command, state, ctx(received))
    assert (("traffic_document_fields", "settlement.liabilities") not in found) is (sum(shares) == 100)


@given(reason=st.sampled_from(TrafficTermination), named=st.booleans())
def test_rule29_a_terminated_mediation_never_reaches_agreement(reason: TrafficTermination, named: bool) -> None:
    received = dt.date(2026, 5, 6)
    state = _mediating(received)
    end = tc.TerminateTrafficMediation(traffic_id="t1", on=received, reason=reason, party_id="p1" if named else "")
    found = refusal(traffic_execute, end, state, ctx(received))
    assert (not found) is (named or reason is TrafficTermination.NO_AGREEMENT)
    if found:
        return
    ended = traffic_execute(end, state, ctx(received))[1]
    settlement = TrafficSettlement(
        basis="依据", facts_and_losses="损失", items=(CompensationItem(name="修车", amount=Decimal(100)),),
        liabilities=(Liability(party_id="p2", share=Decimal(100)),), performance_method="转账",
        performance_deadline=plus(received, 5),
    )  # fmt: skip
    issue = tc.IssueMediationDocument(traffic_id="t1", on=received, settlement=settlement, signed_by=("p1", "p2"))
    assert ("traffic_lifecycle", "status") in refusal(traffic_execute, issue, ended, ctx(received))


@given(
    simple=st.booleans(),
    disputed=st.booleans(),
    requested=st.sets(st.sampled_from(["p1", "p2"])),
    signed=st.sets(st.sampled_from(["p1", "p2"])),
)
def test_rule30_on_the_spot_traffic_mediation_needs_the_simple_procedure_request_and_signatures(
    simple: bool, disputed: bool, requested: set[str], signed: set[str]
) -> None:
    received = dt.date(2026, 5, 6)
    state = registered(received, simple=simple)
    command = tc.MediateAccidentOnTheSpot(
        traffic_id="t1",
        on=received,
        officer="何",
        requested_by=tuple(sorted(requested)),
        signed_by=tuple(sorted(signed)),
        determination_disputed=disputed,
        content="赔偿",
    )
    found = refusal(traffic_execute, command, state, ctx(received))
    assert (not found) is (simple and not disputed and requested == {"p1", "p2"} and signed == {"p1", "p2"})


@given(session=ANY_DAY, ahead=st.integers(0, 6), days=st.integers(0, 5))
def test_rule31_the_insurer_is_notified_the_policys_days_before_each_session(
    session: dt.date, ahead: int, days: int
) -> None:
    policy = Policy(insurer_notice_days=days)
    story = (
        Story(policy=policy).receive(on=session, insurers=("人保财险",)).accept(session).prepare(session).start(session)
    )
    notice = InsurerNotice(insurer="人保财险", notified_on=plus(session, -ahead))
    command = c.HoldSession(
        case_id="c1", on=session, place="室", mediator_ids=("m-zhang",), party_ids=("p1", "p2"), summary="调解",
        insurer_notices=(notice,), joint_bodies=frozenset({JointBody.INSURER}),
    )  # fmt: skip
    found = refusal(case_execute, command, story.s, story.context(session))
    late = session < working(plus(session, -ahead), days)  # the policy's days are working days
    assert (("insurer_notified_in_time", "insurer_notices[人保财险]") in found) is late


# -- rule 39 and the acknowledgement deadline: entrusted referrals ------------------------------

consent_histories = st.lists(st.tuples(st.sampled_from(["p1", "p2"]), st.booleans(), st.integers(0, 3)), max_size=6)


@given(history=consent_histories, reason=st.sampled_from(DeclineReason))
def test_rule39_an_entrustment_needs_every_partys_consent_and_a_refusal_writes_to_all(
    history: list[tuple[str, bool, int]], reason: DeclineReason
) -> None:
    day = dt.date(2026, 5, 6)
    evidence = tuple(
        ConsentEvidence(party_id=p, consents=yes, on=plus(day, k), form=ConsentForm.WRITTEN) for p, yes, k in history
    )
    issued = run(
        referral_execute,
        [(attrs.evolve(referral(day, consenting=()), referral_id="r1", consents=evidence), ctx(plus(day, 3)))],
    )
    latest: dict[str, tuple[int, int, bool]] = {}
    for i, (p, yes, k) in enumerate(history):
        latest[p] = max(latest.get(p, (-1, -1, False)), (k, i, yes))
    accept = rc.AcceptReferral(referral_id="r1", on=plus(day, 3))
    found = refusal(referral_execute, accept, issued, ctx(plus(day, 3)))
    consenting = {p for p, (_, _, yes) in latest.items() if yes}
    assert (not found) is (consenting == {"p1", "p2"})
    note = "另有原因" if reason is DeclineReason.OTHER else ""
    declined = referral_execute(
        rc.DeclineReferral(referral_id="r1", on=plus(day, 3), reason=reason, note=note), issued, ctx(plus(day, 3))
    )[1]
    letter = declined.declination
    assert {(a.party_id, a.org_id) for a in letter.addressees} == {("p1", ""), ("p2", ""), ("", STATION)}
    assert letter.reason is reason


@given(cal_day=calendars_and_days(), offset=st.integers(0, 12), days=st.integers(1, 4))
def test_the_acknowledgement_is_due_working_days_after_the_letter_and_late_after_that(
    cal_day: tuple[WorkingDayCalendar, dt.date], offset: int, days: int
) -> None:
    calendar, issued_on = cal_day
    assume(calendar.covers(plus(issued_on, 30)))
    policy = Policy(referral_ack_working_days=days)
    issued = run(
        referral_execute, [(attrs.evolve(referral(issued_on), referral_id="r1"), ctx(issued_on, calendar, policy))]
    )
    due = issued.deadlines[DeadlineKind.REFERRAL_ACKNOWLEDGEMENT].due
    assert due == calendar.add_working_days(issued_on, days).date
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(issued_on, due) == days
    on = plus(issued_on, offset)
    accepted = referral_execute(
        rc.AcceptReferral(referral_id="r1", on=on, case_id="c1"), issued, ctx(on, calendar, policy)
    )[1]
    assert accepted.acknowledged_late is (on > due)


@given(settled=st.booleans(), day=ANY_DAY)
def test_the_linked_case_reports_its_result_once_and_an_entrustment_closes_its_feedback_deadline(
    settled: bool, day: dt.date
) -> None:
    letter = rc.IssueLinkedReferral(
        **{
            **attrs.asdict(
                referral(day, source=CaseSource.STATION_ENTRUSTMENT, mode=ReferralMode.ENTRUSTMENT), recurse=False
            ),
            "referral_id": "r1",
        },
        origin=Origin(kind=OriginKind.POLICE_CASE, stream_id="pc1"),
    )
    accepted = run(
        referral_execute, [(letter, ctx(day)), (rc.AcceptReferral(referral_id="r1", on=day, case_id="c1"), ctx(day))]
    )
    assert accepted.deadlines[DeadlineKind.REFERRAL_FEEDBACK].due == plus(day, 30)
    outcome = Outcome.SETTLED if settled else Outcome.FAILED
    report = rc.ReportReferralOutcome(referral_id="r1", case_id="c1", on=day, outcome=outcome)
    reported = referral_execute(report, accepted, ctx(day))[1]
    assert DeadlineKind.REFERRAL_FEEDBACK not in reported.deadlines
    assert ("referral_lifecycle", "status") in refusal(referral_execute, report, reported, ctx(day))


def test_the_national_calendar_has_the_holiday_seasons_the_properties_sample() -> None:
    assert NATIONAL.is_working_day(dt.date(2026, 2, 14))  # a Saturday worked (调休)
    assert not NATIONAL.is_working_day(dt.date(2026, 2, 17))  # Spring Festival
    assert NATIONAL.add_working_days(dt.date(2026, 2, 13), 1).date == dt.date(2026, 2, 14)
