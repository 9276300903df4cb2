"""One test per rule that guards mediation: consent, mediators, sessions, terms, risks."""

from __future__ import annotations

import pytest

from builders import D0, MEDIATOR_ID, OTHER_MEDIATOR_ID, STATION, day
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.outcomes import ALL_ROUTES, TerminationReason
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.risks import RiskKind
from story import Story


def fields_of(err: Exception, rule: str) -> list[str]:
    return [v.field for v in err.violations if v.rule == rule]  # type: ignore[attr-defined]


@pytest.mark.rule("consent_gate")
def test_no_mediation_while_a_refusal_stands() -> None:
    story = Story().receive().accept().prepare()
    story.do(c.RecordConsent(case_id="c1", party_id="p2", consents=False, on=D0))
    err = story.refuse(c.StartMediation(case_id="c1", on=D0))
    assert fields_of(err, "consent_gate") == ["parties[p2]"]
    story.do(c.RecordConsent(case_id="c1", party_id="p2", consents=True, on=D0))
    story.start()
    assert story.s.status is CaseStatus.MEDIATING


def test_a_refusal_during_mediation_terminates_with_the_routes_notice() -> None:
    story = Story().mediating()
    events = story.do(c.RecordConsent(case_id="c1", party_id="p1", consents=False, on=D0))
    assert [type(e).__name__ for e in events] == ["ConsentRecorded", "CaseTerminated"]
    assert story.s.status is CaseStatus.TERMINATED
    assert story.s.termination is TerminationReason.PARTY_REFUSED
    assert story.s.routes_notified == ALL_ROUTES


@pytest.mark.rule("party_known")
def test_strangers_are_not_parties() -> None:
    story = Story().receive().accept()
    err = story.refuse(c.RecordConsent(case_id="c1", party_id="p9", consents=False, on=D0))
    assert fields_of(err, "party_known") == ["party_id"]


@pytest.mark.rule("rights_notified_first")
def test_rights_are_notified_before_mediation_starts() -> None:
    story = Story().receive().accept()
    story.do(c.AssignMediator(case_id="c1", mediator_id=MEDIATOR_ID, presiding=True, on=D0))
    err = story.refuse(c.StartMediation(case_id="c1", on=D0))
    assert err.rules == {"rights_notified_first"}


@pytest.mark.rule("presiding_mediator_assigned")
def test_a_presiding_mediator_is_needed_to_start() -> None:
    story = Story().receive().accept()
    story.do(c.NotifyRights(case_id="c1", on=D0))
    err = story.refuse(c.StartMediation(case_id="c1", on=D0))
    assert err.rules == {"presiding_mediator_assigned"}


@pytest.mark.rule("mediator_of_room")
def test_only_the_rooms_mediators_are_assigned() -> None:
    story = Story().receive().accept()
    err = story.refuse(c.AssignMediator(case_id="c1", mediator_id="m-elsewhere", on=D0))
    assert fields_of(err, "mediator_of_room") == ["mediator_id"]


@pytest.mark.rule("recusal_of_assigned_mediator")
def test_recusal_targets_an_assigned_mediator() -> None:
    story = Story().mediating()
    err = story.refuse(
        c.RequestRecusal(case_id="c1", party_id="p1", mediator_id=OTHER_MEDIATOR_ID, reason="亲属", on=D0)
    )
    assert fields_of(err, "recusal_of_assigned_mediator") == ["mediator_id"]


@pytest.mark.rule("recused_never_active")
def test_a_recused_mediator_never_returns() -> None:
    story = Story().mediating()
    story.do(c.RequestRecusal(case_id="c1", party_id="p2", mediator_id=MEDIATOR_ID, reason="与申请人系亲属", on=D0))
    assert MEDIATOR_ID not in story.s.mediators
    assert story.s.presiding is None
    err = story.refuse(c.AssignMediator(case_id="c1", mediator_id=MEDIATOR_ID, presiding=True, on=D0))
    assert fields_of(err, "recused_never_active") == ["mediator_id"]
    err = story.refuse(
        c.HoldSession(case_id="c1", on=D0, place="室", mediator_ids=(MEDIATOR_ID,), party_ids=("p1",), summary="x")
    )
    assert fields_of(err, "recused_never_active") == ["mediator_ids[0]"]


@pytest.mark.rule("mediators_active")
def test_sessions_and_investigations_are_run_by_assigned_mediators() -> None:
    story = Story().mediating()
    err = story.refuse(
        c.HoldSession(
            case_id="c1", on=D0, place="室", mediator_ids=(OTHER_MEDIATOR_ID,), party_ids=("p1",), summary="x"
        )
    )
    assert fields_of(err, "mediators_active") == ["mediator_ids[0]"]
    err = story.refuse(c.HoldSession(case_id="c1", on=D0, place="室", mediator_ids=(), party_ids=(), summary="x"))
    assert fields_of(err, "mediators_active") == ["mediator_ids"]
    err = story.refuse(
        c.RecordInvestigation(case_id="c1", on=D0, investigator_id=OTHER_MEDIATOR_ID, subject="s", content="x")
    )
    assert fields_of(err, "mediators_active") == ["investigator_id"]


@pytest.mark.rule("record_complete")
def test_records_need_their_text() -> None:
    story = Story().mediating()
    err = story.refuse(
        c.HoldSession(case_id="c1", on=D0, place="", mediator_ids=(MEDIATOR_ID,), party_ids=(), summary=" ")
    )
    assert fields_of(err, "record_complete") == ["place", "summary"]


@pytest.mark.rule("invitees_need_consent")
def test_invited_participants_need_every_partys_consent() -> None:
    story = Story().mediating()
    err = story.refuse(
        c.InviteParticipant(case_id="c1", name="村主任", relation="村干部", consenting_party_ids=("p1",), on=D0)
    )
    assert fields_of(err, "invitees_need_consent") == ["consenting_party_ids"]
    err = story.refuse(
        c.HoldSession(
            case_id="c1",
            on=D0,
            place="室",
            mediator_ids=(MEDIATOR_ID,),
            party_ids=("p1", "p2"),
            summary="x",
            invitees=("村主任",),
        )
    )
    assert fields_of(err, "invitees_need_consent") == ["invitees[0]"]
    story.do(
        c.InviteParticipant(case_id="c1", name="村主任", relation="村干部", consenting_party_ids=("p1", "p2"), on=D0)
    )
    story.session(invitees=("村主任",))
    assert story.s.sessions == 1


@pytest.mark.rule("publicity_choice")
def test_a_session_is_private_when_a_party_asks() -> None:
    story = Story().mediating()
    err = story.refuse(
        c.HoldSession(
            case_id="c1",
            on=D0,
            place="室",
            mediator_ids=(MEDIATOR_ID,),
            party_ids=("p1", "p2"),
            summary="x",
            public=True,
            private_requested_by=("p2",),
        )
    )
    assert fields_of(err, "publicity_choice") == ["public"]


@pytest.mark.rule("within_mediation_term")
def test_nothing_continues_after_the_term_without_extension() -> None:
    story = Story().mediating()
    assert story.s.term is not None
    # accepted 2026-05-06: one month ends on Saturday 6 June, so the term runs to Monday 8 June
    assert (story.s.term.due, story.s.term.rolled_from) == (day(33), day(31))
    story.session(day(33))
    err = story.refuse(
        c.HoldSession(case_id="c1", on=day(34), place="室", mediator_ids=(MEDIATOR_ID,), party_ids=("p1",), summary="x")
    )
    assert fields_of(err, "within_mediation_term") == ["on"]
    err = story.refuse(c.ReachOralAgreement(case_id="c1", on=day(34), content="x"))
    assert err.rules == {"agreement_after_term_explained"}


@pytest.mark.rule("extension_needs_every_party")
def test_extension_needs_every_party_and_respects_the_limit() -> None:
    story = Story().mediating()
    err = story.refuse(c.ExtendTerm(case_id="c1", on=day(20), consenting_party_ids=("p1",)))
    assert fields_of(err, "extension_needs_every_party") == ["consenting_party_ids"]
    story.do(c.ExtendTerm(case_id="c1", on=day(20), consenting_party_ids=("p1", "p2")))
    assert story.s.term is not None
    assert story.s.term.due == day(61)  # 30 days on from the month's own end (6 June), a Monday
    story.session(day(45))
    err = story.refuse(c.ExtendTerm(case_id="c1", on=day(50), consenting_party_ids=("p1", "p2")))
    assert fields_of(err, "extension_needs_every_party") == ["extensions"]


@pytest.mark.rule("expiry_needs_expired_term")
def test_termination_for_expiry_needs_an_expired_term() -> None:
    story = Story().mediating()
    err = story.refuse(c.TerminateCase(case_id="c1", on=day(33), reason=TerminationReason.TIME_LIMIT_EXPIRED))
    assert fields_of(err, "expiry_needs_expired_term") == ["reason"]
    story.do(c.TerminateCase(case_id="c1", on=day(34), reason=TerminationReason.TIME_LIMIT_EXPIRED))
    assert story.s.status is CaseStatus.TERMINATED
    assert story.s.term is None


@pytest.mark.rule("termination_explained")
def test_other_reasons_are_explained() -> None:
    story = Story().mediating()
    err = story.refuse(c.TerminateCase(case_id="c1", on=D0, reason=TerminationReason.OTHER))
    assert fields_of(err, "termination_explained") == ["note"]


@pytest.mark.rule("risk_persons_counted")
def test_a_risk_counts_at_least_one_person() -> None:
    story = Story().mediating()
    err = story.refuse(c.FlagRisk(case_id="c1", kind=RiskKind.MASS_INCIDENT, persons=0, on=D0))
    assert fields_of(err, "risk_persons_counted") == ["persons"]


@pytest.mark.rule("report_to_a_station")
def test_reports_go_to_a_registered_station_with_a_reference() -> None:
    story = Story().mediating()
    err = story.refuse(c.ReportToPolice(case_id="c1", on=D0, station_id="pengshanlu-room", reference=""))
    assert fields_of(err, "report_to_a_station") == ["station_id", "reference"]


@pytest.mark.rule("escalation_reported")
def test_a_criminal_risk_opens_a_report_deadline_that_blocks_archiving() -> None:
    story = Story().mediating()
    story.do(c.FlagRisk(case_id="c1", kind=RiskKind.CIVIL_TO_CRIMINAL, persons=3, on=D0))
    report = story.s.deadlines[DeadlineKind.ESCALATION_REPORT]
    assert report.due == day(1)
    story.session().oral().follow_up(day(2))
    story.do(c.FileDocument(case_id="c1", item=CaseFileItem.BACK_COVER, title="封底", on=day(3)))
    err = story.refuse(c.ArchiveCase(case_id="c1", on=day(3), archivist_id=MEDIATOR_ID))
    assert fields_of(err, "escalation_reported") == ["police_reports"]
    story.do(c.ReportToPolice(case_id="c1", on=day(3), station_id=STATION, reference="报告001"))
    assert story.s.police_reports[0].late
    story.do(c.ArchiveCase(case_id="c1", on=day(3), archivist_id=MEDIATOR_ID))
    assert story.s.status is CaseStatus.ARCHIVED


def test_a_mass_incident_risk_needs_no_police_report() -> None:
    story = Story().mediating()
    story.do(c.FlagRisk(case_id="c1", kind=RiskKind.MASS_INCIDENT, persons=12, on=D0))
    assert DeadlineKind.ESCALATION_REPORT not in story.s.deadlines
