"""Referrals through the service: letters, acceptance opening the case, declination, feedback."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from builders import ADMIN, LIAISON, MEDIATOR, OFFICER, ROOM, STATION, consents, referral, two_people
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.commands import Authority, PriorProceeding
from mediation_core.domain.case.outcomes import DeclineReason, TerminationReason
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import AuthorisationError, NotFoundError, RuleViolationError
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.letters import ExcludedMatter
from mediation_core.domain.referral.state import ReferralStatus
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.notices import NoticeKind
from mediation_core.domain.values.sources import CaseSource, ReferralMode

MAY_6 = dt.date(2026, 5, 6)  # a Wednesday


def issue(service: MediationService, clock: StoryClock, on: dt.date = MAY_6, **kwargs: object) -> str:
    clock.set(on)
    return str(service.handle(referral(on, **kwargs), LIAISON).referral_id)  # type: ignore[arg-type]


def refuse(service: MediationService, command: object, actor: Actor) -> RuleViolationError:
    """Assert the service refuses ``command`` and writes nothing; return the error."""
    before = snapshot(service)
    with pytest.raises(RuleViolationError) as refused:
        service.handle(command, actor)
    assert snapshot(service) == before
    return refused.value


def snapshot(service: MediationService) -> tuple[object, ...]:
    store = service.store
    streams = {sid: store.read(sid) for sid in store.stream_ids()}
    return streams, list(store.ledger()), store.documents("referral"), store.outbox(), store.deadlines_due(dt.date.max)


def test_a_station_letter_is_numbered_and_awaits_acknowledgement(service: MediationService, clock: StoryClock) -> None:
    first = service.referral(issue(service, clock), LIAISON)
    second = service.referral(issue(service, clock), MEDIATOR)
    assert first.letter_number == "彭公移调〔2026〕1号"
    assert second.letter_number == "彭公移调〔2026〕2号"
    assert first.status is ReferralStatus.ISSUED
    due = first.deadlines[DeadlineKind.REFERRAL_ACKNOWLEDGEMENT]
    assert due.due == dt.date(2026, 5, 7)  # one working day
    assert due.calendar == service.calendar.version
    elsewhere = Actor(actor_id="o-x", role=Role.POLICE_OFFICER, scope_id="another-station")
    assert service.documents("referral", elsewhere) == []
    assert service.documents("referral", LIAISON, status="accepted") == []
    docs = service.documents("referral", MEDIATOR, station_id=STATION, status="issued")
    assert [d.key for d in docs] == sorted([first.referral_id, second.referral_id])
    assert "id_number" not in str(docs[0].body)
    kinds = [e.notice.kind for e in service.store.outbox()]
    assert kinds == [NoticeKind.REFERRAL_RECEIVED, NoticeKind.REFERRAL_RECEIVED]


def test_accepting_opens_and_numbers_the_linked_case_in_the_same_unit_of_work(
    service: MediationService, clock: StoryClock
) -> None:
    referral_id = issue(service, clock)
    accepted = service.handle(rc.AcceptReferral(referral_id=referral_id, on=MAY_6), MEDIATOR)
    assert accepted.status is ReferralStatus.ACCEPTED
    assert not accepted.acknowledged_late
    case = service.case_file(accepted.case_id, MEDIATOR)
    assert case.state.status is CaseStatus.ACCEPTED
    assert case.state.number == "（2026）彭调人调字第001号"
    assert (case.row.referral_id, case.row.referral_mode, case.row.source) == (
        referral_id,
        "transfer",
        "station_transfer",
    )
    assert case.state.parties == two_people()
    assert DeadlineKind.REFERRAL_ACKNOWLEDGEMENT not in accepted.deadlines
    assert DeadlineKind.REFERRAL_FEEDBACK not in accepted.deadlines  # a transfer owes no feedback deadline
    recorded = [r.actor for r in service.store.read(accepted.case_id)]
    assert recorded == [str(MEDIATOR), str(MEDIATOR)]


@pytest.mark.rule("acceptance_not_excluded")
def test_every_acceptance_check_is_reported_at_once_and_nothing_is_written(
    service: MediationService, clock: StoryClock
) -> None:
    referral_id = issue(service, clock, consenting=("p1",))
    before = snapshot(service)
    command = rc.AcceptReferral(
        referral_id=referral_id,
        on=MAY_6,
        prior_proceedings=(PriorProceeding(authority=Authority.COURT, reference="(2026)川1102民初1号"),),
        excluded_matters=(ExcludedMatter.ADMINISTRATIVE_DISPUTE,),
        consents=consents(MAY_6, "p1", consents=False),
    )
    with pytest.raises(RuleViolationError) as refused:
        service.handle(command, MEDIATOR)
    got = {(v.rule, v.field) for v in refused.value.violations}
    assert got == {
        ("acceptance_not_excluded", "prior_proceedings[0]"),
        ("referral_matter_not_excluded", "excluded_matters[0]"),
        ("every_party_consents", "consents[p1]"),
        ("consent_on_record", "consents[p2]"),
    }
    assert all(v.basis for v in refused.value.violations)
    assert snapshot(service) == before


def test_a_refused_case_intake_leaves_the_referral_unaccepted(service: MediationService, clock: StoryClock) -> None:
    referral_id = issue(service, clock)
    clock.set(MAY_6)
    service.handle(
        c.ReceiveDispute(
            case_id="taken",
            room_id=ROOM,
            received_on=MAY_6,
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary="另一纠纷",
            parties=two_people(7, 8),
        ),
        MEDIATOR,
    )
    before = snapshot(service)
    with pytest.raises(RuleViolationError) as refused:
        service.handle(rc.AcceptReferral(referral_id=referral_id, on=MAY_6, case_id="taken"), MEDIATOR)
    assert refused.value.rules == {"transition_allowed"}
    assert snapshot(service) == before
    assert service.referral(referral_id, MEDIATOR).status is ReferralStatus.ISSUED


def test_police_staff_issue_and_the_room_acknowledges(service: MediationService, clock: StoryClock) -> None:
    referral_id = issue(service, clock)
    with pytest.raises(AuthorisationError):
        service.handle(referral(MAY_6), MEDIATOR)
    with pytest.raises(AuthorisationError):
        service.handle(rc.AcceptReferral(referral_id=referral_id, on=MAY_6), OFFICER)
    with pytest.raises(AuthorisationError):
        service.handle(
            rc.ReportReferralOutcome(referral_id=referral_id, case_id="x", on=MAY_6, outcome=Outcome.SETTLED), MEDIATOR
        )
    with pytest.raises(AuthorisationError):
        service.handle(rc.WithdrawReferral(referral_id=referral_id, on=MAY_6, reason="误发"), MEDIATOR)
    withdrawn = service.handle(rc.WithdrawReferral(referral_id=referral_id, on=MAY_6, reason="误发"), OFFICER)
    assert withdrawn.status is ReferralStatus.WITHDRAWN
    assert withdrawn.deadlines == {}


def test_a_declination_letter_goes_to_every_party_and_the_station(service: MediationService, clock: StoryClock) -> None:
    referral_id = issue(service, clock)
    clock.set(dt.date(2026, 5, 8))
    declined = service.handle(
        rc.DeclineReferral(referral_id=referral_id, on=dt.date(2026, 5, 8), reason=DeclineReason.ALREADY_HANDLED),
        MEDIATOR,
    )
    letter = declined.declination
    assert letter is not None
    assert {(a.party_id, a.org_id) for a in letter.addressees} == {("p1", ""), ("p2", ""), ("", STATION)}
    assert "不予调解" in letter.text
    assert declined.letter_number in letter.text
    assert declined.acknowledged_late  # due 2026-05-07
    notice = service.store.outbox()[-1].notice
    assert notice.kind is NoticeKind.REFERRAL_DECLINED
    assert {r.person_id for r in notice.recipients} >= {"p1", "p2"}


def test_a_concluded_transfer_reports_its_result_with_the_conclusion(
    service: MediationService, clock: StoryClock
) -> None:
    referral_id = issue(service, clock)
    case_id = service.handle(rc.AcceptReferral(referral_id=referral_id, on=MAY_6), MEDIATOR).case_id
    clock.set(dt.date(2026, 5, 7))
    service.handle(
        c.TerminateCase(case_id=case_id, on=dt.date(2026, 5, 7), reason=TerminationReason.WITHDRAWN), MEDIATOR
    )
    reported = service.referral(referral_id, LIAISON)
    assert reported.status is ReferralStatus.REPORTED
    assert [(f.outcome, f.termination_reason) for f in reported.feedback] == [(Outcome.FAILED, "withdrawn")]
    case_version = len(service.store.read(case_id))
    assert service.store.read(referral_id)[-1].recorded_at == service.store.read(case_id)[case_version - 1].recorded_at
    assert service.store.outbox()[-1].notice.kind is NoticeKind.REFERRAL_RESULT


def test_an_entrusted_letter_cannot_bypass_the_police_case(service: MediationService, clock: StoryClock) -> None:
    clock.set(MAY_6)
    command = referral(MAY_6, source=CaseSource.STATION_ENTRUSTMENT, mode=ReferralMode.ENTRUSTMENT)
    with pytest.raises(RuleViolationError) as refused:
        service.handle(command, LIAISON)
    assert {(v.rule, v.field) for v in refused.value.violations} == {("referral_source_and_mode", "mode")}


@pytest.mark.rule("referral_lifecycle")
def test_a_referral_is_acknowledged_once(service: MediationService, clock: StoryClock) -> None:
    referral_id = issue(service, clock)
    service.handle(rc.ReturnReferral(referral_id=referral_id, on=MAY_6, reason="非本室辖区"), MEDIATOR)
    with pytest.raises(RuleViolationError) as refused:
        service.handle(rc.AcceptReferral(referral_id=referral_id, on=MAY_6), MEDIATOR)
    assert [(v.rule, v.field) for v in refused.value.violations] == [("referral_lifecycle", "status")]
    with pytest.raises(NotFoundError):
        service.handle(rc.AcceptReferral(referral_id="nope", on=MAY_6), MEDIATOR)


@pytest.mark.rule("referral_date_order")
def test_the_room_cannot_act_before_the_letter_is_dated(service: MediationService, clock: StoryClock) -> None:
    referral_id = issue(service, clock)
    err = refuse(service, rc.AcceptReferral(referral_id=referral_id, on=MAY_6 - dt.timedelta(days=1)), MEDIATOR)
    assert [(v.rule, v.field) for v in err.violations] == [("referral_date_order", "on")]


@pytest.mark.rule("referral_issuer_known")
def test_a_letter_names_a_registered_station_or_the_outside_body(service: MediationService, clock: StoryClock) -> None:
    clock.set(MAY_6)
    unknown = attrs.evolve(referral(MAY_6), issuer_id="nowhere")
    admin_err = refuse(service, unknown, ADMIN)
    assert [(v.rule, v.field) for v in admin_err.violations] == [("referral_issuer_known", "issuer_id")]
    court = attrs.evolve(
        referral(MAY_6, source=CaseSource.COURT, mode=ReferralMode.ENTRUSTMENT),
        issuer_id="court-shizhong",
        letter_number="(2026)川1102民诉前调1号",
    )
    err = refuse(service, court, MEDIATOR)
    assert [(v.rule, v.field) for v in err.violations] == [("referral_issuer_known", "issuer_name")]
    entrusted = service.handle(attrs.evolve(court, issuer_name="市中区人民法院"), MEDIATOR)
    assert entrusted.letter_number == "(2026)川1102民诉前调1号"
    accepted = service.handle(rc.AcceptReferral(referral_id=entrusted.referral_id, on=MAY_6), MEDIATOR)
    assert accepted.deadlines[DeadlineKind.REFERRAL_FEEDBACK].due == MAY_6 + dt.timedelta(days=30)


@pytest.mark.rule("referral_letter_complete")
def test_a_letter_states_cause_and_facts_and_is_signed(service: MediationService, clock: StoryClock) -> None:
    clock.set(MAY_6)
    blank = attrs.evolve(referral(MAY_6), signed_by=" ", cause="", facts="")
    err = refuse(service, blank, LIAISON)
    assert {(v.rule, v.field) for v in err.violations} == {
        ("referral_letter_complete", "signed_by"),
        ("referral_letter_complete", "cause"),
        ("referral_letter_complete", "facts"),
    }
    agency = attrs.evolve(
        referral(MAY_6, source=CaseSource.PETITION_OFFICE), issuer_id="xinfang", issuer_name="区信访局"
    )
    err = refuse(service, agency, MEDIATOR)
    assert [(v.rule, v.field) for v in err.violations] == [("referral_letter_complete", "letter_number")]


@pytest.mark.rule("referral_source_and_mode")
def test_the_source_must_be_a_referral_channel_matching_the_mode(service: MediationService, clock: StoryClock) -> None:
    clock.set(MAY_6)
    err = refuse(service, referral(MAY_6, source=CaseSource.INITIATIVE), ADMIN)
    assert {v.field for v in err.violations if v.rule == "referral_source_and_mode"} == {"source"}
    err = refuse(service, referral(MAY_6, source=CaseSource.STATION_TRANSFER, mode=ReferralMode.ENTRUSTMENT), LIAISON)
    assert [v.field for v in err.violations if v.rule == "referral_source_and_mode"] == ["mode", "mode"]


@pytest.mark.rule("consent_evidence_valid")
def test_consent_evidence_belongs_to_a_named_party(service: MediationService, clock: StoryClock) -> None:
    clock.set(MAY_6)
    command = attrs.evolve(
        referral(MAY_6), consents=consents(MAY_6, "p1", "p9") + consents(MAY_6 + dt.timedelta(1), "p2")
    )
    err = refuse(service, command, LIAISON)
    assert [(v.rule, v.field) for v in err.violations] == [
        ("consent_evidence_valid", "consents[1].party_id"),
        ("consent_evidence_valid", "consents[2].on"),
    ]


@pytest.mark.rule("consent_on_record")
def test_a_later_consent_recorded_by_the_room_completes_the_consents(
    service: MediationService, clock: StoryClock
) -> None:
    referral_id = issue(service, clock, consenting=("p1",))
    err = refuse(service, rc.AcceptReferral(referral_id=referral_id, on=MAY_6), MEDIATOR)
    assert [(v.rule, v.field) for v in err.violations] == [("consent_on_record", "consents[p2]")]
    accepted = service.handle(
        rc.AcceptReferral(referral_id=referral_id, on=MAY_6, consents=consents(MAY_6, "p2")), MEDIATOR
    )
    assert {c.party_id for c in accepted.consents} == {"p1", "p2"}


@pytest.mark.rule("referral_matter_not_excluded")
def test_excluded_matters_are_not_accepted_even_with_consent(service: MediationService, clock: StoryClock) -> None:
    referral_id = issue(service, clock)
    command = rc.AcceptReferral(
        referral_id=referral_id,
        on=MAY_6,
        excluded_matters=(ExcludedMatter.SUSPECTED_CRIME, ExcludedMatter.STATUTORY_PROCEDURE),
    )
    err = refuse(service, command, MEDIATOR)
    assert [(v.rule, v.field) for v in err.violations] == [
        ("referral_matter_not_excluded", "excluded_matters[0]"),
        ("referral_matter_not_excluded", "excluded_matters[1]"),
    ]


@pytest.mark.rule("referral_reason_given")
def test_declining_returning_and_withdrawing_give_reasons(service: MediationService, clock: StoryClock) -> None:
    referral_id = issue(service, clock)
    for command, actor in (
        (rc.DeclineReferral(referral_id=referral_id, on=MAY_6, reason=DeclineReason.OTHER), MEDIATOR),
        (rc.ReturnReferral(referral_id=referral_id, on=MAY_6, reason=" "), MEDIATOR),
        (rc.WithdrawReferral(referral_id=referral_id, on=MAY_6, reason=""), LIAISON),
    ):
        err = refuse(service, command, actor)
        assert [v.rule for v in err.violations] == ["referral_reason_given"]
    declined = service.handle(
        rc.DeclineReferral(referral_id=referral_id, on=MAY_6, reason=DeclineReason.OTHER, note="当事人已起诉"), MEDIATOR
    )
    assert declined.declination is not None
    assert "当事人已起诉" in declined.declination.text


@pytest.mark.rule("feedback_for_linked_case")
def test_feedback_comes_only_from_the_linked_case() -> None:
    from builders import REGISTRY  # the pure decider, without the service
    from mediation_core.calendars import national_calendar
    from mediation_core.domain.kernel.context import DecisionContext
    from mediation_core.domain.referral.decide import execute
    from mediation_core.domain.values.policy import Policy

    ctx = DecisionContext(
        now=dt.datetime(2026, 5, 6, 12, tzinfo=dt.UTC), policy=Policy(), calendar=national_calendar(), registry=REGISTRY
    )
    issued = execute(attrs.evolve(referral(MAY_6), referral_id="r1"), None, ctx)[1]
    accepted = execute(rc.AcceptReferral(referral_id="r1", on=MAY_6, case_id="c1"), issued, ctx)[1]
    with pytest.raises(RuleViolationError) as refused:
        execute(
            rc.ReportReferralOutcome(referral_id="r1", case_id="c2", on=MAY_6, outcome=Outcome.SETTLED), accepted, ctx
        )
    assert [(v.rule, v.field) for v in refused.value.violations] == [("feedback_for_linked_case", "case_id")]
    reported = execute(
        rc.ReportReferralOutcome(referral_id="r1", case_id="c1", on=MAY_6, outcome=Outcome.SETTLED), accepted, ctx
    )[1]
    assert reported.status is ReferralStatus.REPORTED


@pytest.mark.rule("every_party_consents")
def test_recorded_consent_is_policy_and_an_explicit_refusal_is_law() -> None:
    """人民调解法 art. 17 bars mediation against a refusal; a record of every party's consent is a
    county's practice (Policy.referral_consent_recorded, on by default)."""
    from builders import REGISTRY
    from mediation_core.calendars import national_calendar
    from mediation_core.domain.kernel.context import DecisionContext
    from mediation_core.domain.referral.decide import execute
    from mediation_core.domain.values.policy import Policy

    def ctx(policy: Policy) -> DecisionContext:
        now = dt.datetime(2026, 5, 6, 12, tzinfo=dt.UTC)
        return DecisionContext(now=now, policy=policy, calendar=national_calendar(), registry=REGISTRY)

    lenient = ctx(Policy(referral_consent_recorded=False))
    issued = execute(attrs.evolve(referral(MAY_6, consenting=()), referral_id="r1"), None, lenient)[1]
    with pytest.raises(RuleViolationError) as refused:
        execute(rc.AcceptReferral(referral_id="r1", on=MAY_6), issued, ctx(Policy()))
    assert {v.rule for v in refused.value.violations} == {"consent_on_record"}
    accepted = execute(rc.AcceptReferral(referral_id="r1", on=MAY_6, case_id="c1"), issued, lenient)[1]
    assert accepted.status is ReferralStatus.ACCEPTED
    with pytest.raises(RuleViolationError) as refused:
        execute(
            rc.AcceptReferral(referral_id="r1", on=MAY_6, consents=consents(MAY_6, "p2", consents=False)),
            issued,
            lenient,
        )
    assert [(v.rule, v.field) for v in refused.value.violations] == [("every_party_consents", "consents[p2]")]
