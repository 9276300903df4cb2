"""One test per rule about agreements, judicial confirmation, follow-up and archiving."""

from __future__ import annotations

import pathlib
import re

import attrs
import pytest

import mediation_core.app.service  # noqa: F401 - declares every aggregate's rules
from builders import D0, MEDIATOR_ID, day, terms
from mediation_core.domain.aggregates import RULEBOOK
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import AgreementForm, AgreementSubject, Mark, SignatoryKind
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.risks import Difficulty
from story import Story


def fields_of(err: Exception, rule: str) -> list[str]:
    return [v.field for v in err.violations if v.rule == rule]  # type: ignore[attr-defined]


@pytest.mark.rule("session_before_agreement")
def test_an_agreement_needs_a_recorded_session() -> None:
    story = Story().mediating()
    err = story.refuse(c.ReachOralAgreement(case_id="c1", on=D0, content="赔偿"))
    assert err.rules == {"session_before_agreement"}


@pytest.mark.rule("oral_content_recorded")
def test_an_oral_agreement_records_its_content_and_is_effective_that_day() -> None:
    story = Story().mediating().session(day(1))
    err = story.refuse(c.ReachOralAgreement(case_id="c1", on=day(1), content=" "))
    assert fields_of(err, "oral_content_recorded") == ["content"]
    story.oral(day(2))
    agreement = story.s.agreement
    assert agreement is not None
    assert agreement.form is AgreementForm.ORAL
    assert agreement.effective_on == day(2) == story.s.concluded_on
    assert story.s.deadlines[DeadlineKind.FOLLOW_UP].due > day(2)


@pytest.mark.rule("written_form_required")
def test_written_form_is_required_by_law_on_request_or_rights_and_duties() -> None:
    story = Story().mediating().session()
    err = story.refuse(
        c.ReachOralAgreement(case_id="c1", on=D0, content="x", written_requested_by=("p2",), rights_and_duties=True)
    )
    assert fields_of(err, "written_form_required") == ["written_requested_by", "rights_and_duties"]
    with pytest.raises(ValueError, match="written_form_on_party_request"):
        Policy(written_form_on_party_request=False)
    relaxed = Policy(written_form_when_deferred_performance=False, written_form_when_difficult=False)
    err = (
        Story(policy=relaxed)
        .mediating()
        .session()
        .refuse(c.ReachOralAgreement(case_id="c1", on=D0, content="x", written_requested_by=("p2",)))
    )
    assert err.rules == {"written_form_required"}
    Story().mediating().session().oral(content="赔礼道歉")


@pytest.mark.rule("written_form_local_triggers")
def test_the_countys_extra_triggers_are_policy() -> None:
    story = Story().mediating().session()
    story.do(c.GradeDifficulty(case_id="c1", grade=Difficulty.DIFFICULT, on=D0))
    err = story.refuse(c.ReachOralAgreement(case_id="c1", on=D0, content="x", immediate_performance=False))
    assert fields_of(err, "written_form_local_triggers") == ["immediate_performance", "difficulty"]
    relaxed = Policy(written_form_when_deferred_performance=False, written_form_when_difficult=False)
    lenient = Story(policy=relaxed).mediating().session()
    lenient.do(c.GradeDifficulty(case_id="c1", grade=Difficulty.DIFFICULT, on=D0))
    lenient.oral(immediate_performance=False)
    assert lenient.s.status is CaseStatus.AGREED


@pytest.mark.rule("written_agreement_fields")
def test_a_written_agreement_names_every_missing_field() -> None:
    story = Story().mediating().session()
    err = story.refuse(
        c.DraftWrittenAgreement(
            case_id="c1",
            on=day(1),
            terms=attrs.evolve(terms(day(1), ("p1",)), facts="", performance_place="", performance_deadline=D0),
        )
    )
    assert fields_of(err, "written_agreement_fields") == [
        "terms.facts",
        "terms.performance_place",
        "terms.performance_deadline",
        "terms.responsibilities[p2]",
    ]
    no_place = Story(policy=Policy(performance_place_required=False)).mediating().session()
    no_place.draft(performance_place="")
    assert no_place.s.draft is not None


@pytest.mark.rule("signature_valid")
def test_signatures_follow_the_draft_once_each_and_the_presiding_mediator_signs() -> None:
    story = Story().mediating().session()
    err = story.refuse(c.SignAgreement(case_id="c1", kind=SignatoryKind.PARTY, signer_id="p1", on=D0))
    assert fields_of(err, "signature_valid") == ["draft"]
    story.draft(day(1))
    story.do(c.SignAgreement(case_id="c1", kind=SignatoryKind.PARTY, signer_id="p1", on=day(1), mark=Mark.SEAL))
    err = story.refuse(c.SignAgreement(case_id="c1", kind=SignatoryKind.PARTY, signer_id="p1", on=day(1)))
    assert fields_of(err, "signature_valid") == ["signer_id"]
    err = story.refuse(c.SignAgreement(case_id="c1", kind=SignatoryKind.MEDIATOR, signer_id="m-liu", on=day(1)))
    assert fields_of(err, "signature_valid") == ["signer_id"]
    err = story.refuse(c.SignAgreement(case_id="c1", kind=SignatoryKind.PARTY, signer_id="p2", on=D0), today=day(1))
    assert fields_of(err, "signature_valid") == ["on"]


def test_the_written_agreement_takes_effect_on_the_last_mark_with_copies_per_party() -> None:
    story = Story().mediating().session().draft()
    story.do(c.SignAgreement(case_id="c1", kind=SignatoryKind.COMMITTEE_SEAL, on=day(3), mark=Mark.SEAL))
    story.do(c.SignAgreement(case_id="c1", kind=SignatoryKind.PARTY, signer_id="p2", on=day(3)))
    story.do(c.SignAgreement(case_id="c1", kind=SignatoryKind.MEDIATOR, signer_id=MEDIATOR_ID, on=day(4)))
    assert story.s.status is CaseStatus.MEDIATING
    events = story.do(c.SignAgreement(case_id="c1", kind=SignatoryKind.PARTY, signer_id="p1", on=day(5)))
    assert [type(e).__name__ for e in events] == ["AgreementSigned", "AgreementTookEffect"]
    agreement = story.s.agreement
    assert agreement is not None
    assert (agreement.effective_on, agreement.copies) == (day(5), 3)


@pytest.mark.rule("confirmation_window")
def test_confirmation_needs_a_joint_application_within_thirty_days() -> None:
    story = Story().mediating().written(D0)
    err = story.refuse(c.ApplyJudicialConfirmation(case_id="c1", on=day(31), applicant_ids=("p1",), court=""))
    assert fields_of(err, "confirmation_window") == ["court", "applicant_ids", "on"]
    story.do(c.ApplyJudicialConfirmation(case_id="c1", on=day(30), applicant_ids=("p1", "p2"), court="市中区人民法院"))
    assert story.s.confirmation_applied_on == day(30)
    oral = Story().mediating().session().oral()
    err = oral.refuse(c.ApplyJudicialConfirmation(case_id="c1", on=D0, applicant_ids=("p1", "p2"), court="法院"))
    assert fields_of(err, "confirmation_window") == ["agreement"]


@pytest.mark.rule("confirmation_excluded_subjects")
def test_identity_and_ownership_agreements_are_never_confirmed() -> None:
    story = Story().mediating().session().draft(subject=AgreementSubject.IDENTITY_RELATION).sign_all()
    err = story.refuse(c.ApplyJudicialConfirmation(case_id="c1", on=D0, applicant_ids=("p1", "p2"), court="法院"))
    assert fields_of(err, "confirmation_excluded_subjects") == ["agreement.subject"]


@pytest.mark.rule("follow_up_records_performance")
def test_follow_up_records_performance_for_agreements_only() -> None:
    story = Story().mediating().written()
    err = story.refuse(
        c.RecordFollowUp(
            case_id="c1", on=day(5), visitor_id=MEDIATOR_ID, party_id="p1", satisfaction=Satisfaction.SATISFIED
        )
    )
    assert fields_of(err, "follow_up_records_performance") == ["performance"]
    failed = Story().mediating().terminate()
    err = failed.refuse(
        c.RecordFollowUp(
            case_id="c1",
            on=day(5),
            visitor_id=MEDIATOR_ID,
            party_id="p1",
            performance=Performance.PERFORMED,
            satisfaction=Satisfaction.SATISFIED,
        )
    )
    assert fields_of(err, "follow_up_records_performance") == ["performance"]
    failed.follow_up(day(5), performance=None)
    assert failed.s.status is CaseStatus.FOLLOWING_UP


def archive(story: Story, on: object = None) -> c.ArchiveCase:
    return c.ArchiveCase(case_id="c1", on=on or day(20), archivist_id=MEDIATOR_ID)


@pytest.mark.rule("follow_up_before_archive")
def test_agreed_cases_are_followed_up_before_archiving() -> None:
    story = Story().mediating().written()
    story.do(c.FileDocument(case_id="c1", item=CaseFileItem.BACK_COVER, title="封底", on=day(20)))
    err = story.refuse(archive(story))
    assert err.rules == {"follow_up_before_archive"}
    relaxed = Story(policy=Policy(follow_up_required_for_archive=False)).mediating().written()
    relaxed.do(c.FileDocument(case_id="c1", item=CaseFileItem.BACK_COVER, title="封底", on=day(20)))
    relaxed.do(archive(relaxed))
    assert relaxed.s.status is CaseStatus.ARCHIVED


@pytest.mark.rule("case_file_minimum")
def test_the_statutory_minimum_file_is_required() -> None:
    story = Story().receive().accept().prepare().start().terminate()  # no session: no mediation record
    err = story.refuse(archive(story))
    assert fields_of(err, "case_file_minimum") == ["documents.mediation_record"]


@pytest.mark.rule("case_file_policy_items")
def test_the_policy_list_of_file_items_is_required() -> None:
    story = Story().receive().accept()
    story.do(c.AssignMediator(case_id="c1", mediator_id=MEDIATOR_ID, presiding=True, on=D0))
    story.do(c.NotifyRights(case_id="c1", on=D0))
    story.start().session().terminate()
    err = story.refuse(c.ArchiveCase(case_id="c1", on=day(20), archivist_id=MEDIATOR_ID, retention_years=0))
    assert fields_of(err, "case_file_policy_items") == [
        "documents.identity_proof",
        "documents.back_cover",
        "retention_years",
    ]
    story.do(c.FileDocument(case_id="c1", item=CaseFileItem.IDENTITY_PROOF, title="身份证", on=day(20)))
    story.do(c.FileDocument(case_id="c1", item=CaseFileItem.BACK_COVER, title="封底", on=day(20)))
    story.do(archive(story))
    assert story.s.status is CaseStatus.ARCHIVED
    index = story.events[-1].index  # type: ignore[attr-defined]
    assert index[0] is CaseFileItem.REGISTRATION
    assert index[-1] is CaseFileItem.BACK_COVER


def test_every_rule_has_a_unit_test() -> None:
    """The rulebook and the marked tests must match: no rule goes untested."""
    marked = set()
    for path in pathlib.Path(__file__).parents[1].rglob("test_*.py"):
        marked |= set(re.findall(r'@pytest\.mark\.rule\("([a-z0-9_]+)"\)', path.read_text(encoding="utf-8")))
    untested = sorted(set(RULEBOOK) - marked)
    assert untested == [], f'mark a unit test of each with @pytest.mark.rule("<name>"): {untested}'
    assert sorted(marked - set(RULEBOOK)) == [], "a @pytest.mark.rule names no rule of the rulebook"
