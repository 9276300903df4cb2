"""110 dispatches: the record, settlement on the scene, hand-over to the room, police matters."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import ADMIN, MEDIATOR, OFFICER, REGISTRY, ROOM, STATION, consents, two_people
from mediation_core.app.service import MediationService
from mediation_core.calendars import national_calendar
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case.agreements import AgreementForm
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.dispatch.rules import settled_on_the_scene
from mediation_core.domain.dispatch.state import DispatchState, DispatchStatus
from mediation_core.domain.errors import AuthorisationError, RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.letters import OriginKind
from mediation_core.domain.referral.state import ReferralStatus
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.parties import NaturalPerson
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.sources import CaseSource

CALL = dt.datetime(2026, 5, 6, 21, 40, tzinfo=CHINA_TZ)
DAY = CALL.date()


def record(**changes: object) -> dc.RecordDispatch:
    base = dc.RecordDispatch(
        dispatch_id="",
        station_id=STATION,
        room_id=ROOM,
        incident_number="JJ20260506-0187",
        call_received_at=CALL,
        place="幸福路12号门前",
        officers=("陈警官", "刘辅警"),
        summary="邻里因排水沟堵塞争吵",
        mediator_id="m-zhang",
    )
    return attrs.evolve(base, **changes)


def settle(dispatch_id: str, on: dt.date = DAY, **changes: object) -> dc.SettleOnScene:
    base = dc.SettleOnScene(
        dispatch_id=dispatch_id,
        on=on,
        mediator_id="m-zhang",
        category="neighbourhood",
        summary="排水沟堵塞致院内进水",
        parties=two_people(),
        content="李海当场清理排水沟并赔偿200元，王建国不再追究",
        police_finding=dc.PoliceFinding.CIVIL_ONLY,
        finding_by="陈警官",
    )
    return attrs.evolve(base, **changes)


def dispatched(service: MediationService, clock: StoryClock, **changes: object) -> DispatchState:
    clock.set(DAY, hour=23)
    state = service.handle(record(**changes), OFFICER)
    assert isinstance(state, DispatchState)
    return state


def refused(service: MediationService, command: object, actor: object) -> set[tuple[str, str]]:
    before = {sid: service.store.read(sid) for sid in service.store.stream_ids()}
    with pytest.raises(RuleViolationError) as caught:
        service.handle(command, actor)  # type: ignore[arg-type]
    assert {sid: service.store.read(sid) for sid in service.store.stream_ids()} == before
    return {(v.rule, v.field) for v in caught.value.violations}


@pytest.mark.rule("dispatch_recorded")
def test_a_dispatch_record_names_the_call_the_officers_and_the_mediator(
    service: MediationService, clock: StoryClock
) -> None:
    clock.set(DAY, hour=23)
    bad = record(
        room_id="elsewhere",
        incident_number=" ",
        officers=(" ",),
        call_received_at=CALL + dt.timedelta(days=1),
        mediator_id="m-nobody",
    )
    assert refused(service, bad, OFFICER) == {
        ("dispatch_recorded", "room_id"),
        ("dispatch_recorded", "incident_number"),
        ("dispatch_recorded", "officers"),
        ("dispatch_recorded", "call_received_at"),
        ("dispatch_recorded", "mediator_id"),
    }
    assert refused(service, record(station_id="nowhere"), ADMIN) >= {("dispatch_recorded", "station_id")}
    with pytest.raises(AuthorisationError):
        service.handle(record(), MEDIATOR)
    state = dispatched(service, clock)
    assert state.status is DispatchStatus.OPEN
    (doc,) = service.documents("dispatch", MEDIATOR, call_date="2026-05-06", with_mediator="yes")
    assert doc.key == state.dispatch_id


@pytest.mark.rule("settled_on_the_scene")
def test_settling_on_the_scene_registers_and_concludes_a_case_the_same_day(
    service: MediationService, clock: StoryClock
) -> None:
    state = dispatched(service, clock)
    next_day = DAY + dt.timedelta(days=1)
    clock.set(next_day + dt.timedelta(days=1))
    late = settle(state.dispatch_id, on=next_day + dt.timedelta(days=1), mediator_id="m-liu", content=" ")
    assert refused(service, late, MEDIATOR) == {
        ("settled_on_the_scene", "mediator_id"),
        ("settled_on_the_scene", "on"),
        ("settled_on_the_scene", "content"),
    }
    with pytest.raises(AuthorisationError):
        service.handle(settle(state.dispatch_id, on=next_day), OFFICER)
    settled = service.handle(settle(state.dispatch_id, on=next_day), MEDIATOR)
    assert settled.status is DispatchStatus.SETTLED_ON_SCENE
    case = service.case_file(settled.case_id, MEDIATOR)
    assert case.state.status is CaseStatus.AGREED
    assert case.state.agreement is not None
    assert case.state.agreement.form is AgreementForm.ORAL
    row = case.row
    assert (row.source, row.dispatch_id, row.outcome) == (
        CaseSource.DISPATCH_110.value,
        state.dispatch_id,
        Outcome.SETTLED,
    )
    assert row.received_on == row.accepted_on == row.concluded_on == next_day
    assert row.number == "（2026）彭调人调字第001号"
    assert row.presiding_mediator == "m-zhang"
    assert row.sessions == 1


def test_a_case_rule_refusing_the_settlement_leaves_the_dispatch_open(
    service: MediationService, clock: StoryClock
) -> None:
    state = dispatched(service, clock)
    p1, p2 = two_people()
    assert isinstance(p1, NaturalPerson)
    broken = (attrs.evolve(p1, id_number=p1.id_number[:-1] + ("0" if p1.id_number[-1] != "0" else "1")), p2)
    assert refused(service, settle(state.dispatch_id, parties=broken), MEDIATOR) == {
        ("resident_id_valid", "parties[0].id_number")
    }
    assert service.load("dispatch", state.dispatch_id, OFFICER).status is DispatchStatus.OPEN
    assert list(service.store.ledger()) == []


@pytest.mark.rule("dispatch_lifecycle")
def test_a_dispatch_has_one_outcome(service: MediationService, clock: StoryClock) -> None:
    state = dispatched(service, clock)
    service.handle(
        dc.KeepAsPoliceMatter(dispatch_id=state.dispatch_id, on=DAY, reason="涉嫌故意伤害，依法立案"), OFFICER
    )
    assert refused(service, settle(state.dispatch_id), MEDIATOR) == {("dispatch_lifecycle", "status")}


@pytest.mark.rule("dispatch_date_order")
def test_nothing_is_dated_before_the_call(service: MediationService, clock: StoryClock) -> None:
    state = dispatched(service, clock)
    earlier = DAY - dt.timedelta(days=1)
    assert refused(service, dc.KeepAsPoliceMatter(dispatch_id=state.dispatch_id, on=earlier, reason="x"), OFFICER) == {
        ("dispatch_date_order", "on")
    }


@pytest.mark.rule("police_matter_reasoned")
def test_a_police_matter_states_why(service: MediationService, clock: StoryClock) -> None:
    state = dispatched(service, clock)
    assert refused(service, dc.KeepAsPoliceMatter(dispatch_id=state.dispatch_id, on=DAY, reason=""), OFFICER) == {
        ("police_matter_reasoned", "reason")
    }
    kept = service.handle(
        dc.KeepAsPoliceMatter(
            dispatch_id=state.dispatch_id, on=DAY, reason="结伙斗殴", police_reference="彭公(治)受案字1号"
        ),
        OFFICER,
    )
    assert (kept.status, kept.police_reference) == (DispatchStatus.POLICE_MATTER, "彭公(治)受案字1号")


def test_a_dispute_not_settled_on_the_scene_goes_to_the_room_with_a_letter(
    service: MediationService, clock: StoryClock
) -> None:
    state = dispatched(service, clock, mediator_id="")
    handed = service.handle(
        dc.HandDispatchToRoom(
            dispatch_id=state.dispatch_id,
            on=DAY,
            signed_by="王所长",
            category="neighbourhood",
            cause="邻里排水纠纷",
            facts="现场未能调解，双方同意到调解室调解",
            parties=two_people(),
            consents=consents(DAY, "p1", "p2"),
            police_finding=dc.PoliceFinding.CIVIL_ONLY,
            finding_by="陈警官",
        ),
        OFFICER,
    )
    assert handed.status is DispatchStatus.HANDED_TO_ROOM
    letter = service.referral(handed.referral_id, MEDIATOR)
    assert (letter.source, letter.status, letter.letter_number) == (
        CaseSource.DISPATCH_110,
        ReferralStatus.ISSUED,
        "彭公移调〔2026〕1号",
    )
    assert letter.origin is not None
    assert (letter.origin.kind, letter.origin.stream_id) == (OriginKind.DISPATCH, state.dispatch_id)
    accepted = service.handle(rc.AcceptReferral(referral_id=letter.referral_id, on=DAY), MEDIATOR)
    assert service.case_file(accepted.case_id, MEDIATOR).row.source == "dispatch_110"


@pytest.mark.rule("no_public_order_matter")
def test_only_a_dispute_the_officers_judged_no_public_order_matter_is_settled_or_handed_over(
    service: MediationService, clock: StoryClock
) -> None:
    """A minor assault is a 治安 case: the police accept it and mediate or entrust it themselves;
    a room never closes it with an oral agreement on the scene (程序规定 art. 178 para. 2)."""
    state = dispatched(service, clock)
    unjudged = settle(state.dispatch_id, police_finding=None, finding_by="")
    assert refused(service, unjudged, MEDIATOR) == {("no_public_order_matter", "police_finding")}
    assault = settle(state.dispatch_id, police_finding=dc.PoliceFinding.PUBLIC_ORDER)
    assert refused(service, assault, MEDIATOR) == {("no_public_order_matter", "police_finding")}
    not_an_officer = settle(state.dispatch_id, finding_by="张明")
    assert refused(service, not_an_officer, MEDIATOR) == {("no_public_order_matter", "finding_by")}
    hand_over = dc.HandDispatchToRoom(
        dispatch_id=state.dispatch_id,
        on=DAY,
        signed_by="王所长",
        category="neighbourhood",
        cause="邻里推搡",
        facts="一方推搡致对方轻微伤",
        parties=two_people(),
        consents=consents(DAY, "p1", "p2"),
        police_finding=dc.PoliceFinding.PUBLIC_ORDER,
        finding_by="陈警官",
    )
    assert refused(service, hand_over, OFFICER) == {("no_public_order_matter", "police_finding")}
    assert list(service.store.ledger()) == []
    settled = service.handle(settle(state.dispatch_id), MEDIATOR)
    assert (settled.police_finding, settled.finding_by) == (dc.PoliceFinding.CIVIL_ONLY, "陈警官")


@pytest.mark.rule("settled_on_the_scene")
@given(days=st.integers(min_value=0, max_value=3), after=st.integers(min_value=0, max_value=5))
def test_how_late_a_settlement_on_the_scene_may_be_is_county_policy(days: int, after: int) -> None:
    """The same or the next day is the district's practice, not law: `Policy.on_scene_days`
    sets it, and a settlement dated exactly that many days after the call still counts."""
    state = DispatchState(
        dispatch_id="d-1",
        version=1,
        status=DispatchStatus.OPEN,
        station_id=STATION,
        room_id=ROOM,
        incident_number="JJ20260506-0187",
        call_received_at=CALL,
        place="幸福路12号门前",
        officers=("陈警官",),
        summary="邻里因排水沟堵塞争吵",
        mediator_id="m-zhang",
    )
    ctx = DecisionContext(
        now=CALL + dt.timedelta(days=7),
        policy=Policy(on_scene_days=days),
        calendar=national_calendar(),
        registry=REGISTRY,
    )
    command = settle("d-1", on=DAY + dt.timedelta(days=after))
    late = {v.field for v in settled_on_the_scene.check(command, state, ctx)} == {"on"}
    assert late == (after > days)
