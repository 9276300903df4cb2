"""治安 cases: police mediation (程序规定 arts. 178–185) and entrustment with feedback (art. 186)."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from builders import (
    ADMIN,
    LIAISON,
    MEDIATOR,
    OFFICER,
    ROOM,
    entrust,
    mediable_assessment,
    person,
    police_case,
    police_session,
)
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import Mark, Responsibility, SignatoryKind, WrittenTerms
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.outcomes import DeclineReason, TerminationReason
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import AuthorisationError, NotFoundError, RuleViolationError
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.mediability import (
    Delegate,
    Exclusion,
    Incident,
    OnTheSpotConditions,
    PoliceAct,
    PoliceAgreementTerms,
    Punishment,
    SessionReason,
)
from mediation_core.domain.police_case.state import PoliceCaseState, PoliceCaseStatus
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.letters import FeedbackKind
from mediation_core.domain.referral.state import ReferralStatus
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.editions import LawEdition
from mediation_core.domain.values.notices import NoticeKind
from mediation_core.domain.values.parties import Side

MON = dt.date(2026, 5, 11)  # a Monday with no holiday nearby


def do(service: MediationService, clock: StoryClock, command: object, actor: object = OFFICER) -> object:
    on = getattr(command, "on", None) or getattr(command, "accepted_on", None)
    assert isinstance(on, dt.date)
    clock.set(on)
    return service.handle(command, actor)  # type: ignore[arg-type]


def refused(
    service: MediationService, clock: StoryClock, command: object, actor: object = OFFICER
) -> set[tuple[str, str]]:
    before = {sid: service.store.read(sid) for sid in service.store.stream_ids()}
    with pytest.raises(RuleViolationError) as caught:
        do(service, clock, command, actor)
    assert {sid: service.store.read(sid) for sid in service.store.stream_ids()} == before
    return {(v.rule, v.field) for v in caught.value.violations}


def opened(service: MediationService, clock: StoryClock, on: dt.date = MON, **kwargs: object) -> PoliceCaseState:
    state = do(service, clock, police_case(on, **kwargs))  # type: ignore[arg-type]
    assert isinstance(state, PoliceCaseState)
    return state


def agreement_terms(on: dt.date, **changes: object) -> PoliceAgreementTerms:
    base = PoliceAgreementTerms(
        organ_name="彭山路派出所",
        presiding_officer="陈警官",
        present_party_ids=("p1", "p2"),
        incident=Incident(
            time="2026年5月10日20时",
            place="幸福路12号门前",
            persons="王建国、李海",
            cause="排水沟堵塞",
            course="双方争执后推搡",
            circumstances="情节轻微",
            result="王建国手臂擦伤",
        ),
        terms="李海赔偿王建国医药费500元并赔礼道歉",
        performance_deadline=on + dt.timedelta(days=3),
        performance_method="现金当面支付",
    )
    return attrs.evolve(base, **changes)


# -- opening and assessing ----------------------------------------------------------------


@pytest.mark.rule("police_case_registered")
def test_a_case_is_registered_by_a_known_station_with_its_suspects(
    service: MediationService, clock: StoryClock
) -> None:
    bad = attrs.evolve(police_case(MON), station_id="nowhere", case_number=" ", suspect_ids=("p1", "p2", "p9"))
    assert refused(service, clock, bad, ADMIN) == {
        ("police_case_registered", "station_id"),
        ("police_case_registered", "case_number"),
        ("police_case_registered", "suspect_ids[2]"),
        ("police_case_registered", "suspect_ids"),
    }
    state = opened(service, clock)
    assert state.status is PoliceCaseStatus.OPEN
    assert state.deadlines[DeadlineKind.POLICE_TIME_LIMIT].due == MON + dt.timedelta(days=30)
    assert state.deadlines[DeadlineKind.POLICE_FIRST_SESSION].due == dt.date(2026, 5, 14)
    with pytest.raises(AuthorisationError):
        do(service, clock, police_case(MON), MEDIATOR)


@pytest.mark.rule("police_case_lifecycle")
def test_a_decided_case_takes_no_more_mediation(service: MediationService, clock: StoryClock) -> None:
    state = opened(service, clock, assessment=mediable_assessment(act=PoliceAct.OTHER))
    do(
        service,
        clock,
        pc.DecidePunishment(
            police_case_id=state.police_case_id, on=MON, decision=Punishment.PUNISHMENT, reference="彭公(治)决字1号"
        ),
    )
    assert refused(service, clock, police_session(state.police_case_id, MON)) >= {("police_case_lifecycle", "status")}
    with pytest.raises(NotFoundError):
        do(service, clock, police_session("nope", MON))


@pytest.mark.rule("police_date_order")
def test_nothing_happens_before_the_case_was_accepted(service: MediationService, clock: StoryClock) -> None:
    state = opened(service, clock)
    assert refused(service, clock, police_session(state.police_case_id, MON - dt.timedelta(days=1))) == {
        ("police_date_order", "on")
    }


# -- mediability ----------------------------------------------------------------------------


@pytest.mark.rule("police_mediable")
def test_only_listed_minor_acts_from_civil_disputes_with_a_circumstance_are_mediable(
    service: MediationService, clock: StoryClock
) -> None:
    """An act outside art. 178's list (「等」) without a recorded reason is not mediable."""
    assessment = mediable_assessment(
        act=PoliceAct.OTHER, from_civil_dispute=False, minor=False, circumstances=frozenset()
    )
    state = opened(service, clock, assessment=assessment)
    assert refused(service, clock, police_session(state.police_case_id, MON)) == {
        ("police_mediable", "assessment.other_act_reason"),
        ("police_mediable", "assessment.from_civil_dispute"),
        ("police_mediable", "assessment.minor"),
        ("police_mediable", "assessment.circumstances"),
    }
    assert ("police_mediable", "assessment.other_act_reason") in refused(
        service, clock, entrust(state.police_case_id, MON)
    )


@pytest.mark.rule("police_not_excluded")
def test_an_exclusion_found_during_mediation_ends_it_and_restarts_the_time_limit(
    service: MediationService, clock: StoryClock
) -> None:
    state = opened(service, clock, assessment=mediable_assessment(exclusions=frozenset({Exclusion.GROUP_FIGHT})))
    assert refused(service, clock, police_session(state.police_case_id, MON)) == {
        ("police_not_excluded", "assessment.exclusions[group_fight]")
    }
    other = opened(service, clock)
    do(service, clock, police_session(other.police_case_id, MON))
    later = MON + dt.timedelta(days=2)
    after = do(
        service,
        clock,
        pc.RecordExclusion(police_case_id=other.police_case_id, on=later, exclusion=Exclusion.SUSPECT_FLED),
    )
    assert isinstance(after, PoliceCaseState)
    assert after.status is PoliceCaseStatus.FAILED
    assert after.deadlines[DeadlineKind.POLICE_TIME_LIMIT].due == later + dt.timedelta(days=30)
    assert not after.mediable
    assert service.store.outbox()[-1].notice.kind is NoticeKind.POLICE_DECISION_DUE


# -- sessions -------------------------------------------------------------------------------


@pytest.mark.rule("police_parties_present")
def test_a_session_names_its_officer_place_and_parties(service: MediationService, clock: StoryClock) -> None:
    state = opened(service, clock)
    bad = police_session(state.police_case_id, MON, presiding_officer="", place=" ", party_ids=("p1", "p7"))
    assert refused(service, clock, bad) == {
        ("police_parties_present", "presiding_officer"),
        ("police_parties_present", "place"),
        ("police_parties_present", "party_ids[1]"),
    }


@pytest.mark.rule("police_sessions_at_most_two")
def test_at_most_two_sessions_the_second_with_a_reason_within_seven_working_days(
    service: MediationService, clock: StoryClock
) -> None:
    state = opened(service, clock)
    pid = state.police_case_id
    do(service, clock, police_session(pid, MON))
    assert refused(service, clock, police_session(pid, MON + dt.timedelta(days=1))) == {
        ("police_sessions_at_most_two", "reason")
    }
    too_late = MON + dt.timedelta(days=10)  # Thursday of the next week: 8 working days later
    assert refused(service, clock, police_session(pid, too_late, reason=SessionReason.POLICE_NECESSARY)) == {
        ("police_sessions_at_most_two", "on")
    }
    asked = police_session(pid, MON + dt.timedelta(days=9), reason=SessionReason.PARTY_REQUEST, requested_by="p1")
    do(service, clock, asked)
    third = police_session(pid, MON + dt.timedelta(days=9), reason=SessionReason.POLICE_NECESSARY)
    assert refused(service, clock, third) == {("police_sessions_at_most_two", "sessions")}


@pytest.mark.rule("police_first_session_timely")
def test_the_first_session_waits_for_the_assessment_and_explains_a_delay(
    service: MediationService, clock: StoryClock
) -> None:
    state = opened(service, clock, assessment_needed=True)
    pid = state.police_case_id
    assert DeadlineKind.POLICE_FIRST_SESSION not in state.deadlines
    assert refused(service, clock, police_session(pid, MON)) == {
        ("police_first_session_timely", "assessment_issued_on")
    }
    issued = MON + dt.timedelta(days=1)
    after = do(service, clock, pc.RecordAssessment(police_case_id=pid, on=issued, kind="伤情鉴定", result="轻微伤"))
    assert isinstance(after, PoliceCaseState)
    due = after.deadlines[DeadlineKind.POLICE_FIRST_SESSION].due
    assert due == dt.date(2026, 5, 15)
    late = due + dt.timedelta(days=3)  # the next Monday
    assert refused(service, clock, police_session(pid, late)) == {("police_first_session_timely", "late_reason")}
    held = do(service, clock, police_session(pid, late, late_reason="当事人住院"))
    assert isinstance(held, PoliceCaseState)
    assert held.sessions[0].late
    assert DeadlineKind.POLICE_TIME_LIMIT not in held.deadlines  # waits while mediation runs


@pytest.mark.rule("police_minors_and_agents")
def test_minors_need_their_guardians_and_only_victims_may_delegate(
    service: MediationService, clock: StoryClock
) -> None:
    fifteen = person("p1", Side.APPLICANT, seq=3, birth="20101001")
    seventeen = attrs.evolve(person("p2", Side.RESPONDENT, seq=4, birth="20090101"), self_supporting=True)
    state = opened(service, clock, parties=(fifteen, seventeen))
    pid = state.police_case_id
    waived_both = police_session(pid, MON, guardian_waivers=("p1", "p2"))
    assert refused(service, clock, waived_both) == {("police_minors_and_agents", "guardians_notified[p1]")}
    delegates = (
        Delegate(party_id="p2", name="李父", written_authority=True, scope="全权"),
        Delegate(party_id="p1", name="王母", written_authority=False),
    )
    bad = police_session(pid, MON, guardians_notified=("p1",), guardian_waivers=("p2",), delegates=delegates)
    assert refused(service, clock, bad) == {
        ("police_minors_and_agents", "delegates[0]"),
        ("police_minors_and_agents", "delegates[1].written_authority"),
    }
    do(service, clock, police_session(pid, MON, guardians_notified=("p1",), guardian_waivers=("p2",)))


# -- agreement and outcome ------------------------------------------------------------------


@pytest.mark.rule("police_agreement_fields")
def test_the_agreement_states_the_incident_and_is_signed_by_both(service: MediationService, clock: StoryClock) -> None:
    state = opened(service, clock)
    pid = state.police_case_id
    do(service, clock, police_session(pid, MON))
    terms = agreement_terms(MON, organ_name="", incident=attrs.evolve(agreement_terms(MON).incident, course=""))
    bad = pc.RecordPoliceAgreement(police_case_id=pid, on=MON, terms=terms, signed_by=("p1",))
    assert refused(service, clock, bad) == {
        ("police_agreement_fields", "terms.organ_name"),
        ("police_agreement_fields", "terms.incident.course"),
        ("police_agreement_fields", "signed_by[p2]"),
    }
    agreed = do(
        service,
        clock,
        pc.RecordPoliceAgreement(police_case_id=pid, on=MON, terms=agreement_terms(MON), signed_by=("p1", "p2")),
    )
    assert isinstance(agreed, PoliceCaseState)
    assert agreed.status is PoliceCaseStatus.AGREED


@pytest.mark.rule("punishment_follows_outcome")
def test_a_performed_agreement_means_no_punishment_and_an_unperformed_one_punishment(
    service: MediationService, clock: StoryClock
) -> None:
    state = opened(service, clock)
    pid = state.police_case_id
    do(service, clock, police_session(pid, MON))
    do(
        service,
        clock,
        pc.RecordPoliceAgreement(police_case_id=pid, on=MON, terms=agreement_terms(MON), signed_by=("p1", "p2")),
    )
    do(service, clock, pc.RecordPolicePerformance(police_case_id=pid, on=MON + dt.timedelta(days=2), performed=True))
    punish = pc.DecidePunishment(
        police_case_id=pid, on=MON + dt.timedelta(days=2), decision=Punishment.PUNISHMENT, reference="x"
    )
    assert refused(service, clock, punish) == {("punishment_follows_outcome", "decision")}
    do(service, clock, attrs.evolve(punish, decision=Punishment.NO_PUNISHMENT))

    other = opened(service, clock).police_case_id
    do(service, clock, police_session(other, MON))
    do(
        service,
        clock,
        pc.RecordPoliceAgreement(police_case_id=other, on=MON, terms=agreement_terms(MON), signed_by=("p1", "p2")),
    )
    unpaid = MON + dt.timedelta(days=5)
    back = do(service, clock, pc.RecordPolicePerformance(police_case_id=other, on=unpaid, performed=False))
    assert isinstance(back, PoliceCaseState)
    assert back.status is PoliceCaseStatus.FAILED
    assert back.deadlines[DeadlineKind.POLICE_TIME_LIMIT].due == unpaid + dt.timedelta(days=30)
    spare = pc.DecidePunishment(police_case_id=other, on=unpaid, decision=Punishment.NO_PUNISHMENT, reference="y")
    assert refused(service, clock, spare) == {("punishment_follows_outcome", "decision")}
    silent = attrs.evolve(spare, decision=Punishment.PUNISHMENT)
    assert refused(service, clock, silent) == {("punishment_follows_outcome", "civil_suit_notified")}
    decided = do(service, clock, attrs.evolve(silent, civil_suit_notified=True))
    assert isinstance(decided, PoliceCaseState)
    assert decided.deadlines == {}


@pytest.mark.rule("on_the_spot_conditions")
def test_on_the_spot_mediation_needs_every_condition_and_a_record(service: MediationService, clock: StoryClock) -> None:
    state = opened(service, clock)
    pid = state.police_case_id
    conditions = OnTheSpotConditions(
        minor=True, facts_clear=True, causation_clear=True, losses_undisputed=False,
        agree_on_the_spot=True, perform_on_the_spot=True,
    )  # fmt: skip
    bad = pc.MediateOnTheSpot(
        police_case_id=pid,
        on=MON,
        officer="陈警官",
        party_ids=("p1",),
        conditions=conditions,
        content="道歉",
        written=False,
    )
    assert refused(service, clock, bad) == {
        ("on_the_spot_conditions", "conditions.losses_undisputed"),
        ("on_the_spot_conditions", "body_camera_ref"),
        ("on_the_spot_conditions", "party_ids"),
    }
    good = attrs.evolve(
        bad,
        party_ids=("p1", "p2"),
        conditions=attrs.evolve(conditions, losses_undisputed=True),
        body_camera_ref="执法记录仪 DSJ-0511-01",
    )
    settled = do(service, clock, good)
    assert isinstance(settled, PoliceCaseState)
    assert (settled.status, settled.performed, settled.on_the_spot) == (PoliceCaseStatus.AGREED, True, True)
    do(
        service,
        clock,
        pc.DecidePunishment(police_case_id=pid, on=MON, decision=Punishment.NO_PUNISHMENT, reference="z"),
    )


@pytest.mark.rule("police_time_limit_extension")
def test_the_time_limit_is_extended_once_with_approval(service: MediationService, clock: StoryClock) -> None:
    """An act of 2025: the 2012 text allows one extension."""
    pid = opened(service, clock, act_on=dt.date(2025, 12, 31)).police_case_id
    bad = pc.ExtendTimeLimit(police_case_id=pid, on=MON, approved_by="", reason="案情复杂")
    assert refused(service, clock, bad) == {("police_time_limit_extension", "approved_by")}
    extended = do(service, clock, attrs.evolve(bad, approved_by="市中区公安分局"))
    assert isinstance(extended, PoliceCaseState)
    assert extended.deadlines[DeadlineKind.POLICE_TIME_LIMIT].due == MON + dt.timedelta(days=60)
    assert refused(service, clock, attrs.evolve(bad, approved_by="市中区公安分局")) == {
        ("police_time_limit_extension", "extensions")
    }


@pytest.mark.rule("police_time_limit_extension")
def test_an_act_of_2026_may_have_its_time_limit_extended_twice(service: MediationService, clock: StoryClock) -> None:
    """治安管理处罚法（2025年修订）第118条: 「期限延长以二次为限」."""
    state = opened(service, clock, act_on=dt.date(2026, 1, 1))
    assert state.edition is LawEdition.PSAPL_2025
    extend = pc.ExtendTimeLimit(
        police_case_id=state.police_case_id, on=MON, approved_by="市中区公安分局", reason="复杂"
    )
    do(service, clock, extend)
    twice = do(service, clock, extend)
    assert isinstance(twice, PoliceCaseState)
    # ninety days on is Sunday 2026-08-09: the limit ends on the next working day (程序规定 art. 35)
    assert MON + dt.timedelta(days=90) == dt.date(2026, 8, 9)
    assert (twice.extensions, twice.deadlines[DeadlineKind.POLICE_TIME_LIMIT].due) == (2, dt.date(2026, 8, 10))
    assert refused(service, clock, extend) == {("police_time_limit_extension", "extensions")}
    recorded = {(r.event_type, r.body.get("edition")) for r in service.store.read(state.police_case_id)}
    assert ("police_case.time_limit_extended", "2025") in recorded
    assert ("police_case.opened", "2025") in recorded


# -- entrustment: the room's report comes back (art. 186) -------------------------------------


def mediate_to_written_agreement(service: MediationService, clock: StoryClock, case_id: str, on: dt.date) -> None:
    clock.set(on)
    for command in (
        c.AssignMediator(case_id=case_id, mediator_id="m-zhang", presiding=True, on=on),
        c.NotifyRights(case_id=case_id, on=on),
        c.FileDocument(case_id=case_id, item=CaseFileItem.IDENTITY_PROOF, title="身份证", on=on),
        c.StartMediation(case_id=case_id, on=on),
        c.HoldSession(
            case_id=case_id, on=on, place="调解室", mediator_ids=("m-zhang",), party_ids=("p1", "p2"), summary="调解"
        ),
        c.DraftWrittenAgreement(
            case_id=case_id,
            on=on,
            terms=WrittenTerms(
                facts="推搡致轻微伤",
                points_in_dispute="医药费",
                responsibilities=(Responsibility(party_id="p1", text="无"), Responsibility(party_id="p2", text="全部")),
                obligations="李海赔偿500元",
                performance_method="现金",
                performance_place="调解室",
                performance_deadline=on + dt.timedelta(days=7),
            ),
        ),
        c.SignAgreement(case_id=case_id, kind=SignatoryKind.PARTY, signer_id="p1", on=on, mark=Mark.FINGERPRINT),
        c.SignAgreement(case_id=case_id, kind=SignatoryKind.PARTY, signer_id="p2", on=on, mark=Mark.FINGERPRINT),
        c.SignAgreement(case_id=case_id, kind=SignatoryKind.MEDIATOR, signer_id="m-zhang", on=on),
        c.SignAgreement(case_id=case_id, kind=SignatoryKind.COMMITTEE_SEAL, on=on, mark=Mark.SEAL),
    ):
        service.handle(command, MEDIATOR)


@pytest.mark.rule("peoples_mediation_substitute")
def test_an_entrusted_case_settled_performed_applied_and_approved_is_not_punished(
    service: MediationService, clock: StoryClock
) -> None:
    pid = opened(service, clock).police_case_id
    entrusted = do(service, clock, entrust(pid, MON))
    assert isinstance(entrusted, PoliceCaseState)
    assert entrusted.status is PoliceCaseStatus.ENTRUSTED
    assert DeadlineKind.POLICE_TIME_LIMIT not in entrusted.deadlines
    letter = service.referral(entrusted.referral_id or "", LIAISON)
    assert (letter.mode.value, letter.source.value, letter.letter_number) == (
        "entrustment",
        "station_entrustment",
        "彭公委调〔2026〕1号",
    )
    assert letter.police_case_number == entrusted.case_number

    tue = MON + dt.timedelta(days=1)
    accepted = do(service, clock, rc.AcceptReferral(referral_id=letter.referral_id, on=tue), MEDIATOR)
    case_id = accepted.case_id  # type: ignore[attr-defined]
    mediate_to_written_agreement(service, clock, case_id, tue)
    assert service.referral(letter.referral_id, MEDIATOR).status is ReferralStatus.REPORTED
    station_view = service.load("police_case", pid, LIAISON)
    assert (station_view.status, station_view.peoples_settled, station_view.peoples_case_id) == (
        PoliceCaseStatus.ENTRUSTED, True, case_id,
    )  # fmt: skip

    decide = pc.DecidePunishment(
        police_case_id=pid, on=tue, decision=Punishment.NO_PUNISHMENT, reference="彭公(治)不罚字1号"
    )
    assert refused(service, clock, decide) == {
        ("peoples_mediation_substitute", "peoples_performed"),
        ("peoples_mediation_substitute", "joint_application"),
        ("peoples_mediation_substitute", "approved_by"),
    }
    visit = MON + dt.timedelta(days=9)
    do(
        service,
        clock,
        c.RecordFollowUp(
            case_id=case_id,
            on=visit,
            visitor_id="m-zhang",
            party_id="p1",
            satisfaction=Satisfaction.SATISFIED,
            performance=Performance.PERFORMED,
        ),
        MEDIATOR,
    )
    do(
        service,
        clock,
        pc.RecordJointApplication(police_case_id=pid, on=visit, applicant_ids=("p1", "p2"), written=True),
    )
    decided = do(service, clock, attrs.evolve(decide, on=visit, approved_by="王所长"))
    assert isinstance(decided, PoliceCaseState)
    assert (decided.status, decided.decision) == (PoliceCaseStatus.DECIDED, Punishment.NO_PUNISHMENT)
    assert service.case_file(case_id, MEDIATOR).state.status is CaseStatus.FOLLOWING_UP


@pytest.mark.rule("joint_written_application")
def test_the_application_not_to_punish_is_joint_and_written(service: MediationService, clock: StoryClock) -> None:
    pid = opened(service, clock).police_case_id
    do(service, clock, entrust(pid, MON))
    bad = pc.RecordJointApplication(police_case_id=pid, on=MON, applicant_ids=("p1", "p5"), written=False)
    assert refused(service, clock, bad) == {
        ("joint_written_application", "written"),
        ("joint_written_application", "applicant_ids"),
        ("party_known", "applicant_ids[1]"),
    }


def test_a_failed_entrusted_case_goes_back_to_the_station_and_the_time_limit_restarts(
    service: MediationService, clock: StoryClock
) -> None:
    pid = opened(service, clock).police_case_id
    referral_id = do(service, clock, entrust(pid, MON)).referral_id  # type: ignore[attr-defined]
    case_id = do(service, clock, rc.AcceptReferral(referral_id=referral_id, on=MON), MEDIATOR).case_id  # type: ignore[attr-defined]
    ended = MON + dt.timedelta(days=6)
    do(service, clock, c.TerminateCase(case_id=case_id, on=ended, reason=TerminationReason.FAILED), MEDIATOR)
    back = service.load("police_case", pid, LIAISON)
    assert (back.status, back.failed_on, back.peoples_settled) == (PoliceCaseStatus.FAILED, ended, False)
    assert back.deadlines[DeadlineKind.POLICE_TIME_LIMIT].due == ended + dt.timedelta(days=30)
    kinds = [e.notice.kind for e in service.store.outbox()][-2:]
    assert kinds == [NoticeKind.ENTRUSTED_CASE_CONCLUDED, NoticeKind.POLICE_DECISION_DUE]
    recorded = {r.stream_id: r.recorded_at for r in (*service.store.read(case_id), *service.store.read(pid))}
    assert recorded[case_id] == recorded[pid]  # one unit of work


def test_a_declined_entrustment_returns_the_case_to_the_station(service: MediationService, clock: StoryClock) -> None:
    pid = opened(service, clock).police_case_id
    referral_id = do(service, clock, entrust(pid, MON)).referral_id  # type: ignore[attr-defined]
    do(
        service,
        clock,
        rc.DeclineReferral(referral_id=referral_id, on=MON, reason=DeclineReason.OUTSIDE_SCOPE),
        MEDIATOR,
    )
    back = service.load("police_case", pid, LIAISON)
    assert back.status is PoliceCaseStatus.FAILED
    assert back.deadlines[DeadlineKind.POLICE_TIME_LIMIT].due == MON + dt.timedelta(days=30)
    again = do(service, clock, entrust(pid, MON + dt.timedelta(days=1), room_id=ROOM))
    assert isinstance(again, PoliceCaseState)
    assert again.referral_id != referral_id


def test_the_station_reads_its_cases_and_the_room_reads_what_it_was_entrusted(
    service: MediationService, clock: StoryClock
) -> None:
    pid = opened(service, clock).police_case_id
    with pytest.raises(AuthorisationError):
        service.load("police_case", pid, MEDIATOR)
    do(service, clock, entrust(pid, MON))
    assert service.load("police_case", pid, MEDIATOR).room_id == ROOM
    docs = service.documents("police_case", LIAISON, status="entrusted")
    assert [d.key for d in docs] == [pid]
    assert "id_number" not in str(docs[0].body)
    with pytest.raises(AuthorisationError):
        service.handle(
            pc.ReceiveReferralFeedback(police_case_id=pid, referral_id="r", on=MON, kind=FeedbackKind.SETTLED), OFFICER
        )
