"""Traffic accident compensation: traffic police mediation (S9), people's mediation with the
insurer notified (S11), and "1+4" joint sessions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from builders import (
    ADMIN,
    JOINT_MEDIATOR,
    JOINT_ROOM,
    TRAFFIC_OFFICER,
    accident,
    consents,
    traffic_registry,
)
from mediation_core.app.service import MediationService
from mediation_core.calendars import national_calendar
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.outcomes import TerminationReason
from mediation_core.domain.errors import AuthorisationError, RuleViolationError
from mediation_core.domain.referral import commands as rc
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
from mediation_core.domain.traffic.state import TrafficState, TrafficStatus
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.parties import Side

RECEIVED = dt.date(2026, 5, 6)
CALENDAR = national_calendar()


def working_days_after(start: dt.date, days: int) -> dt.date:
    """S9 art. 111(4): the regulation's days are working days."""
    return CALENDAR.add_working_days(start, days).date


def notice_for(session_on: dt.date, days: int = 3) -> dt.date:
    """The last day a notice ``days`` working days ahead of ``session_on`` can be given."""
    return CALENDAR.latest_start(session_on, days)


@pytest.fixture
def svc(service: MediationService) -> MediationService:
    service.register(traffic_registry(), ADMIN)
    return service


def do(svc: MediationService, clock: StoryClock, command: object, actor: object = TRAFFIC_OFFICER) -> object:
    on = getattr(command, "on", None)
    clock.set(on if isinstance(on, dt.date) else RECEIVED)
    return svc.handle(command, actor)  # type: ignore[arg-type]


def refused(
    svc: MediationService, clock: StoryClock, command: object, actor: object = TRAFFIC_OFFICER
) -> set[tuple[str, str]]:
    before = {sid: svc.store.read(sid) for sid in svc.store.stream_ids()}
    with pytest.raises(RuleViolationError) as caught:
        do(svc, clock, command, actor)
    assert {sid: svc.store.read(sid) for sid in svc.store.stream_ids()} == before
    return {(v.rule, v.field) for v in caught.value.violations}


def registered(svc: MediationService, clock: StoryClock, **kwargs: object) -> str:
    state = do(svc, clock, accident(RECEIVED, **kwargs))  # type: ignore[arg-type]
    assert isinstance(state, TrafficState)
    return state.traffic_id


def applied(svc: MediationService, clock: StoryClock, tid: str, on: dt.date = RECEIVED) -> None:
    do(svc, clock, tc.ApplyPoliceMediation(traffic_id=tid, on=on, applicant_ids=("p1", "p2"), written=True))


def started(svc: MediationService, clock: StoryClock, tid: str, on: dt.date = RECEIVED) -> TrafficState:
    applied(svc, clock, tid, on)
    state = do(
        svc,
        clock,
        tc.AcceptPoliceMediation(traffic_id=tid, on=on, damages=(Damage(kind=DamageKind.PROPERTY, trigger_on=on),)),
    )
    assert isinstance(state, TrafficState)
    return state


def scheduled(svc: MediationService, clock: StoryClock, tid: str, session_on: dt.date) -> None:
    notice = notice_for(session_on)
    do(svc, clock, tc.ScheduleTrafficSession(traffic_id=tid, on=notice, session_on=session_on, place="联合调解室"))


def held(tid: str, on: dt.date, **changes: object) -> tc.HoldTrafficSession:
    base = tc.HoldTrafficSession(
        traffic_id=tid,
        on=on,
        place="联合调解室",
        bodies=frozenset({JointBody.TRAFFIC_POLICE, JointBody.PEOPLES_MEDIATION, JointBody.INSURER}),
        participants=(
            Participant(side=Side.APPLICANT, name="王建国", role="当事人"),
            Participant(side=Side.RESPONDENT, name="李海", role="当事人"),
            Participant(side=Side.RESPONDENT, name="人保财险理赔员", role="保险公司"),
        ),
        summary="各方就赔偿数额协商",
    )
    return attrs.evolve(base, **changes)


def settlement(on: dt.date, **changes: object) -> TrafficSettlement:
    base = TrafficSettlement(
        basis="道路交通安全法第76条；认定书",
        facts_and_losses="李海负主要责任，王建国车辆损失3200元",
        items=(CompensationItem(name="车辆维修费", amount=Decimal("3200")),),
        liabilities=(
            Liability(party_id="p2", share=Decimal("70")),
            Liability(party_id="p1", share=Decimal("30")),
        ),
        performance_method="保险公司直接赔付",
        performance_deadline=on + dt.timedelta(days=15),
    )
    return attrs.evolve(base, **changes)


@pytest.mark.rule("accident_registered")
def test_a_dispute_is_registered_by_the_traffic_police_with_its_determination(
    svc: MediationService, clock: StoryClock
) -> None:
    bad = attrs.evolve(accident(RECEIVED), brigade_id="pengshanlu-station", summary="")
    assert refused(svc, clock, bad, ADMIN) == {
        ("accident_registered", "brigade_id"),
        ("accident_registered", "summary"),
    }
    with pytest.raises(AuthorisationError):
        do(svc, clock, accident(RECEIVED), JOINT_MEDIATOR)
    tid = registered(svc, clock)
    (doc,) = svc.documents("traffic", JOINT_MEDIATOR, status="registered")
    assert doc.key == tid


@pytest.mark.rule("traffic_lifecycle")
def test_a_terminated_police_mediation_takes_no_agreement(svc: MediationService, clock: StoryClock) -> None:
    tid = registered(svc, clock)
    started(svc, clock, tid)
    do(
        svc,
        clock,
        tc.TerminateTrafficMediation(traffic_id=tid, on=RECEIVED, reason=TrafficTermination.LAWSUIT, party_id="p1"),
    )
    issue = tc.IssueMediationDocument(
        traffic_id=tid, on=RECEIVED, settlement=settlement(RECEIVED), signed_by=("p1", "p2")
    )
    assert ("traffic_lifecycle", "status") in refused(svc, clock, issue)


@pytest.mark.rule("traffic_date_order")
def test_nothing_is_dated_before_the_accident(svc: MediationService, clock: StoryClock) -> None:
    tid = registered(svc, clock)
    early = RECEIVED - dt.timedelta(days=10)
    command = tc.ApplyPoliceMediation(traffic_id=tid, on=early, applicant_ids=("p1", "p2"), written=True)
    assert ("traffic_date_order", "on") in refused(svc, clock, command)


@pytest.mark.rule("simple_procedure_bar")
def test_on_the_spot_mediation_needs_a_joint_request_no_dispute_and_signatures(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock, simple=True)
    bad = tc.MediateAccidentOnTheSpot(
        traffic_id=tid, on=RECEIVED, officer="何警官", requested_by=("p1",), signed_by=("p1",),
        determination_disputed=True, content="当场赔偿500元",
    )  # fmt: skip
    assert refused(svc, clock, bad) == {
        ("simple_procedure_bar", "determination_disputed"),
        ("simple_procedure_bar", "requested_by"),
        ("simple_procedure_bar", "signed_by"),
    }
    done = do(
        svc, clock, attrs.evolve(bad, requested_by=("p1", "p2"), signed_by=("p1", "p2"), determination_disputed=False)
    )
    assert isinstance(done, TrafficState)
    assert done.status is TrafficStatus.AGREED
    ordinary = registered(svc, clock)
    assert ("simple_procedure_bar", "simple_procedure") in refused(svc, clock, attrs.evolve(bad, traffic_id=ordinary))


@pytest.mark.rule("traffic_application_window")
def test_police_mediation_is_applied_for_jointly_in_writing_within_ten_days(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock)
    late = working_days_after(RECEIVED, 11)
    bad = tc.ApplyPoliceMediation(traffic_id=tid, on=late, applicant_ids=("p1",), written=False)
    assert refused(svc, clock, bad) == {
        ("traffic_application_window", "written"),
        ("traffic_application_window", "applicant_ids"),
        ("traffic_application_window", "on"),
    }
    applied(svc, clock, tid, working_days_after(RECEIVED, 10))


@pytest.mark.rule("traffic_mediation_start")
def test_mediation_starts_when_the_last_damage_is_determined_and_has_ten_days(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock)
    applied(svc, clock, tid)
    damages = (
        Damage(kind=DamageKind.INJURY),
        Damage(kind=DamageKind.PROPERTY, trigger_on=RECEIVED - dt.timedelta(days=2)),
    )
    accepted = do(svc, clock, tc.AcceptPoliceMediation(traffic_id=tid, on=RECEIVED, damages=damages))
    assert isinstance(accepted, TrafficState)
    assert accepted.start_on is None
    assert refused(
        svc,
        clock,
        tc.ScheduleTrafficSession(traffic_id=tid, on=RECEIVED, session_on=RECEIVED + dt.timedelta(days=4), place="室"),
    ) == {("traffic_mediation_start", "start_on")}
    treated = RECEIVED + dt.timedelta(days=20)
    begun = do(svc, clock, tc.RecordDamageDetermined(traffic_id=tid, on=treated, kind=DamageKind.INJURY))
    assert isinstance(begun, TrafficState)
    assert begun.start_on == treated
    assert begun.deadlines[DeadlineKind.TRAFFIC_MEDIATION].due == working_days_after(treated, 10)
    again = tc.RecordDamageDetermined(traffic_id=tid, on=treated, kind=DamageKind.INJURY)
    assert refused(svc, clock, again) == {("traffic_mediation_start", "kind")}
    too_late = working_days_after(treated, 11)
    scheduled(svc, clock, tid, too_late)
    do(svc, clock, held(tid, too_late))
    issue = tc.IssueMediationDocument(
        traffic_id=tid, on=too_late, settlement=settlement(too_late), signed_by=("p1", "p2")
    )
    assert refused(svc, clock, issue) == {("traffic_mediation_start", "on")}
    ended = do(
        svc, clock, tc.TerminateTrafficMediation(traffic_id=tid, on=too_late, reason=TrafficTermination.NO_AGREEMENT)
    )
    assert isinstance(ended, TrafficState)
    assert ended.status is TrafficStatus.TERMINATED
    assert svc.store.read(tid)[-1].body["late"] is True


@pytest.mark.rule("traffic_session_logistics")
def test_sessions_are_notified_three_days_ahead_with_three_people_per_side(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock)
    started(svc, clock, tid)
    day = RECEIVED + dt.timedelta(days=5)
    short = tc.ScheduleTrafficSession(traffic_id=tid, on=day - dt.timedelta(days=2), session_on=day, place="室")
    assert refused(svc, clock, short) == {("traffic_session_logistics", "session_on")}
    assert refused(svc, clock, held(tid, day)) == {("traffic_session_logistics", "on")}
    scheduled(svc, clock, tid, day)
    change = tc.RequestSessionChange(traffic_id=tid, on=day, requested_by="p2", reason="出差")
    assert refused(svc, clock, change) == {("traffic_session_logistics", "on")}
    crowd = tuple(Participant(side=Side.APPLICANT, name=f"亲属{n}", role="代理人") for n in range(4))
    assert refused(svc, clock, held(tid, day, participants=crowd)) == {
        ("traffic_session_logistics", "participants[applicant]")
    }
    do(svc, clock, attrs.evolve(change, on=day - dt.timedelta(days=1)))
    assert refused(svc, clock, held(tid, day)) == {("traffic_session_logistics", "on")}


@pytest.mark.rule("traffic_joint_bodies")
def test_a_joint_session_is_led_by_the_traffic_police_and_records_the_bodies(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock, insurers=())
    started(svc, clock, tid)
    day = RECEIVED + dt.timedelta(days=4)
    scheduled(svc, clock, tid, day)
    bad = held(tid, day, bodies=frozenset({JointBody.COURT, JointBody.INSURER}))
    assert refused(svc, clock, bad) == {("traffic_joint_bodies", "bodies")}
    session = do(svc, clock, held(tid, day, bodies=frozenset({JointBody.TRAFFIC_POLICE, JointBody.COURT})))
    assert isinstance(session, TrafficState)
    assert session.sessions[0].bodies == {JointBody.TRAFFIC_POLICE, JointBody.COURT}


@pytest.mark.rule("traffic_document_fields")
def test_the_mediation_document_states_liabilities_adding_up_to_a_hundred(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock)
    started(svc, clock, tid)
    day = RECEIVED + dt.timedelta(days=4)
    scheduled(svc, clock, tid, day)
    do(svc, clock, held(tid, day))
    lopsided = settlement(day, liabilities=(Liability(party_id="p2", share=Decimal("70")),), basis="")
    bad = tc.IssueMediationDocument(traffic_id=tid, on=day, settlement=lopsided, signed_by=("p2",))
    assert refused(svc, clock, bad) == {
        ("traffic_document_fields", "settlement.basis"),
        ("traffic_document_fields", "settlement.liabilities"),
        ("traffic_document_fields", "signed_by"),
    }
    agreed = do(
        svc,
        clock,
        tc.IssueMediationDocument(traffic_id=tid, on=day, settlement=settlement(day), signed_by=("p1", "p2")),
    )
    assert isinstance(agreed, TrafficState)
    assert agreed.status is TrafficStatus.AGREED
    assert DeadlineKind.TRAFFIC_MEDIATION not in agreed.deadlines


@pytest.mark.rule("traffic_termination_grounds")
def test_a_lawsuit_absence_or_withdrawal_names_the_party(svc: MediationService, clock: StoryClock) -> None:
    tid = registered(svc, clock)
    started(svc, clock, tid)
    bad = tc.TerminateTrafficMediation(traffic_id=tid, on=RECEIVED, reason=TrafficTermination.ABSENT)
    assert refused(svc, clock, bad) == {("traffic_termination_grounds", "party_id")}
    assert refused(svc, clock, attrs.evolve(bad, party_id="p9")) == {("party_known", "party_id")}
    do(svc, clock, attrs.evolve(bad, party_id="p2"))
    again = tc.ApplyPoliceMediation(traffic_id=tid, on=RECEIVED, applicant_ids=("p1", "p2"), written=True)
    assert refused(svc, clock, again) == {("traffic_application_window", "status")}


# -- people's mediation ("1+4"), the insurer, and re-entry to police mediation ------------------


def to_room(svc: MediationService, clock: StoryClock, tid: str, on: dt.date) -> str:
    sent = do(
        svc,
        clock,
        tc.SendToPeoplesMediation(
            traffic_id=tid, on=on, room_id=JOINT_ROOM, letter_number="乐公交移调〔2026〕7号", signed_by="张大队长",
            consents=consents(on, "p1", "p2"),
        ),
    )  # fmt: skip
    assert isinstance(sent, TrafficState)
    letter = svc.referral(sent.referral_id or "", JOINT_MEDIATOR)
    assert letter.insurers == ("人保财险",)
    accepted = do(svc, clock, rc.AcceptReferral(referral_id=letter.referral_id, on=on), JOINT_MEDIATOR)
    return str(accepted.case_id)  # type: ignore[attr-defined]


def prepared_case(svc: MediationService, clock: StoryClock, case_id: str, on: dt.date) -> None:
    clock.set(on)
    for command in (
        c.AssignMediator(case_id=case_id, mediator_id="m-wang", presiding=True, on=on),
        c.NotifyRights(case_id=case_id, on=on),
        c.FileDocument(case_id=case_id, item=CaseFileItem.IDENTITY_PROOF, title="身份证", on=on),
        c.StartMediation(case_id=case_id, on=on),
    ):
        svc.handle(command, JOINT_MEDIATOR)


def case_session(case_id: str, on: dt.date, **changes: object) -> c.HoldSession:
    base = c.HoldSession(
        case_id=case_id,
        on=on,
        place="交通事故纠纷联合调解室",
        mediator_ids=("m-wang",),
        party_ids=("p1", "p2"),
        summary="联合调解",
        joint_bodies=frozenset({JointBody.TRAFFIC_POLICE, JointBody.INSURER}),
        insurer_notices=(InsurerNotice(insurer="人保财险", notified_on=notice_for(on)),),
    )
    return attrs.evolve(base, **changes)


@pytest.mark.rule("insurer_notified_in_time")
def test_the_insurer_is_told_of_each_peoples_mediation_session_three_days_ahead(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock)
    case_id = to_room(svc, clock, tid, RECEIVED)
    assert svc.case_file(case_id, JOINT_MEDIATOR).state.insurers == ("人保财险",)
    prepared_case(svc, clock, case_id, RECEIVED)
    day = RECEIVED + dt.timedelta(days=5)
    late_notice = (InsurerNotice(insurer="人保财险", notified_on=day - dt.timedelta(days=2)),)
    assert refused(svc, clock, case_session(case_id, day, insurer_notices=late_notice), JOINT_MEDIATOR) == {
        ("insurer_notified_in_time", "insurer_notices[人保财险]")
    }
    do(svc, clock, case_session(case_id, day), JOINT_MEDIATOR)
    assert svc.store.read(case_id)[-1].body["joint_bodies"] == ["insurer", "traffic_police"]


@pytest.mark.rule("session_scheduled_within_term")
def test_scheduling_a_session_tells_the_insurers_and_counts_as_their_notice(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock)
    case_id = to_room(svc, clock, tid, RECEIVED)
    prepared_case(svc, clock, case_id, RECEIVED)
    session_on = RECEIVED + dt.timedelta(days=5)
    too_soon = c.ScheduleSession(
        case_id=case_id, on=RECEIVED + dt.timedelta(days=3), session_on=session_on, place="交通事故纠纷联合调解室"
    )
    clock.set(RECEIVED + dt.timedelta(days=3))
    assert refused(svc, clock, too_soon, JOINT_MEDIATOR) == {("insurer_notified_in_time", "session_on")}
    backwards = attrs.evolve(too_soon, session_on=RECEIVED)
    assert ("session_scheduled_within_term", "session_on") in refused(svc, clock, backwards, JOINT_MEDIATOR)
    outbox_before = {e.notice.key for e in svc.store.outbox()}
    do(svc, clock, attrs.evolve(too_soon, on=notice_for(session_on)), JOINT_MEDIATOR)
    (notice,) = [e.notice for e in svc.store.outbox() if e.notice.key not in outbox_before]
    assert notice.kind.value == "insurer_session"
    assert {r.org_id for r in notice.recipients} >= {"人保财险"}
    assert notice.payload["session_on"] == session_on.isoformat()
    # the scheduled notice satisfies the 3-day rule when the session is held
    do(svc, clock, case_session(case_id, session_on, insurer_notices=()), JOINT_MEDIATOR)


@pytest.mark.rule("joint_session_bodies")
def test_an_insurer_joins_a_case_session_only_when_it_insures_the_case(
    service: MediationService, clock: StoryClock
) -> None:
    from story import Story

    story = Story().mediating().session()
    err = story.refuse(case_session("c1", story.s.received_on, mediator_ids=("m-zhang",), insurer_notices=()))
    assert err.rules == {"joint_session_bodies"}


@pytest.mark.rule("traffic_reentry_window")
def test_after_peoples_mediation_fails_police_mediation_may_follow_within_three_days(
    svc: MediationService, clock: StoryClock
) -> None:
    tid = registered(svc, clock)
    case_id = to_room(svc, clock, tid, RECEIVED)
    prepared_case(svc, clock, case_id, RECEIVED)
    ended = RECEIVED + dt.timedelta(days=12)  # past the 10-day window of the determination
    do(svc, clock, c.TerminateCase(case_id=case_id, on=ended, reason=TerminationReason.FAILED), JOINT_MEDIATOR)
    back = svc.load("traffic", tid, TRAFFIC_OFFICER)
    assert (back.status, back.peoples_terminated_on, back.peoples_case_id) == (TrafficStatus.TERMINATED, ended, case_id)
    late = tc.ApplyPoliceMediation(
        traffic_id=tid, on=ended + dt.timedelta(days=4), applicant_ids=("p1", "p2"), written=True
    )
    assert refused(svc, clock, late) == {("traffic_reentry_window", "on")}
    applied(svc, clock, tid, ended + dt.timedelta(days=3))
    assert svc.load("traffic", tid, TRAFFIC_OFFICER).status is TrafficStatus.APPLIED


def test_a_fixed_session_notifies_the_insurers_and_the_room(svc: MediationService, clock: StoryClock) -> None:
    from mediation_core.domain.values.notices import NoticeKind
    from mediation_core.domain.values.organisations import Organisation, OrgKind, Registry
    from mediation_core.domain.values.recipients import resolve

    svc.register(
        Registry.of([Organisation(org_id="picc-leshan", kind=OrgKind.INSURER, name="人保财险", phone="0833-95518")]),
        ADMIN,
    )
    tid = registered(svc, clock)
    started(svc, clock, tid)
    scheduled(svc, clock, tid, RECEIVED + dt.timedelta(days=10))
    [entry] = [e for e in svc.store.outbox() if e.notice.kind is NoticeKind.INSURER_SESSION]
    notice = entry.notice
    assert notice.key.endswith(":insurer_session")
    assert "2026-05-16" in notice.subject
    assert "距调解 4 日" in notice.body  # a Saturday session: notified on Tuesday, three working days ahead
    resolution = resolve(notice.recipients, svc.registry())
    assert next((a.name, a.role, a.phone) for a in resolution.addressees) == ("人保财险", "insurer", "0833-95518")
    assert {a.role for a in resolution.addressees} == {"insurer", "mediator"}
    assert resolution.unresolved == ()


def test_an_accident_without_insurers_sends_no_insurer_notice(svc: MediationService, clock: StoryClock) -> None:
    from mediation_core.domain.values.notices import NoticeKind

    tid = registered(svc, clock, insurers=())
    started(svc, clock, tid)
    scheduled(svc, clock, tid, RECEIVED + dt.timedelta(days=10))
    assert not [e for e in svc.store.outbox() if e.notice.kind is NoticeKind.INSURER_SESSION]
