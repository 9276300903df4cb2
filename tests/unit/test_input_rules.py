"""The input rules every command passes before it is decided, and the shape check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from builders import ADMIN
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import CommandFormatError, RuleViolationError
from mediation_core.domain.training.commands import RecordTraining
from mediation_core.domain.training.trainees import Trainee, TrainingKind
from mediation_core.domain.values.parties import GroupParty, Side
from mediation_core.domain.values.policy import Policy
from mediation_core.testing import scenarios as sc

INTAKE = sc.lifecycle("case-1")[0][1]
MAY_6 = dt.date(2026, 5, 6)


def refused(service: MediationService, command: object) -> set[tuple[str, str]]:
    """The (rule, field) pairs the service refuses ``command`` with; nothing is written."""
    before = list(service.store.stream_ids())
    with pytest.raises(RuleViolationError) as caught:
        service.handle(command, ADMIN)
    assert list(service.store.stream_ids()) == before
    return {(v.rule, v.field) for v in caught.value.violations}


@pytest.mark.rule("text_within_limit")
def test_a_line_holds_200_characters_and_a_narrative_5000(service: MediationService, clock: StoryClock) -> None:
    long_name = attrs.evolve(INTAKE.parties[0], name="王" * 201)
    command = attrs.evolve(INTAKE, summary="纠" * 5001, parties=(long_name, INTAKE.parties[1]))
    assert refused(service, command) == {
        ("text_within_limit", "summary"),
        ("text_within_limit", "parties[0].name"),
    }
    at_limit = attrs.evolve(
        INTAKE, summary="纠" * 5000, parties=(attrs.evolve(long_name, name="王" * 200), INTAKE.parties[1])
    )
    assert service.handle(at_limit, ADMIN).summary == "纠" * 5000


def test_a_county_sets_its_own_limits(service: MediationService) -> None:
    service.policy = attrs.evolve(service.policy, long_text_max_chars=10)
    assert refused(service, attrs.evolve(INTAKE, summary="纠" * 11)) == {("text_within_limit", "summary")}
    with pytest.raises(ValueError, match="must be > 0"):
        Policy(short_text_max_chars=0)


@pytest.mark.rule("list_within_limit")
def test_a_list_holds_at_most_500_items(service: MediationService) -> None:
    trainees = tuple(Trainee(person_id=f"t{n}", name="学员", org_id="pengshanlu-room") for n in range(501))
    command = RecordTraining(
        training_id="",
        org_id="baiyang",
        on=MAY_6,
        title="培训",
        kind=TrainingKind.LEGAL_COURSE,
        hours=Decimal(2),
        trainees=trainees,
    )
    assert refused(service, command) == {("list_within_limit", "trainees")}


@pytest.mark.rule("text_printable")
def test_control_characters_are_refused_newlines_only_in_narratives(service: MediationService) -> None:
    command = attrs.evolve(
        INTAKE,
        summary="第一行\n第二行\t（制表）",
        category="neighbour\x00hood",
        parties=(attrs.evolve(INTAKE.parties[0], address="幸福路\u202e21号"), INTAKE.parties[1]),
    )
    assert refused(service, command) == {
        ("text_printable", "category"),
        ("text_printable", "parties[0].address"),
    }
    lone_surrogate = attrs.evolve(INTAKE, summary="纠纷\ud800")
    assert refused(service, lone_surrogate) == {("text_printable", "summary")}


@pytest.mark.rule("identifier_well_formed")
def test_identifiers_are_words_without_spaces_or_separators(service: MediationService) -> None:
    assert refused(service, attrs.evolve(INTAKE, case_id="c'; DROP TABLE events;--")) == {
        ("identifier_well_formed", "case_id")
    }
    assert refused(service, attrs.evolve(INTAKE, case_id="../c")) == {("identifier_well_formed", "case_id")}
    assert refused(service, attrs.evolve(INTAKE, case_id="c" * 65)) == {("identifier_well_formed", "case_id")}
    assert service.handle(attrs.evolve(INTAKE, case_id="案件-2026:001@彭调"), ADMIN).case_id == "案件-2026:001@彭调"


def test_a_blank_identifier_of_a_record_that_must_exist_names_the_field(service: MediationService) -> None:
    assert refused(service, c.AcceptCase(case_id="", on=MAY_6)) == {("identifier_well_formed", "case_id")}


@pytest.mark.rule("value_in_range")
def test_numbers_and_dates_stay_in_range(service: MediationService) -> None:
    group = GroupParty(party_id="g", side=Side.RESPONDENT, name="幸福村村民", headcount=10**7)
    command = attrs.evolve(
        INTAKE,
        received_on=dt.date(1900, 1, 1),
        amount_involved=Decimal("1e13"),
        parties=(INTAKE.parties[0], group),
    )
    assert refused(service, command) == {
        ("value_in_range", "received_on"),
        ("value_in_range", "amount_involved"),
        ("value_in_range", "parties[1].headcount"),
    }
    for amount in (Decimal("0.001"), Decimal("-5")):  # money is counted to the fen, never below zero
        assert refused(service, attrs.evolve(INTAKE, amount_involved=amount)) == {("value_in_range", "amount_involved")}
    assert service.handle(attrs.evolve(INTAKE, amount_involved=Decimal("3000.50")), ADMIN).amount_involved == Decimal(
        "3000.50"
    )


def test_a_command_of_the_wrong_shape_is_refused_naming_each_field(service: MediationService) -> None:
    bad = attrs.evolve(INTAKE, received_on="2026-05-06", amount_involved=3000.0, parties=INTAKE.parties[0])  # type: ignore[arg-type]
    with pytest.raises(CommandFormatError) as caught:
        service.handle(bad, ADMIN)
    assert caught.value.problems == [
        "expected date, got str @ $.received_on",
        "expected tuple, got NaturalPerson @ $.parties",
        "expected Decimal, got float @ $.amount_involved",
    ]
    with pytest.raises(CommandFormatError, match=r"dict is not a command this service handles @ \$"):
        service.handle({"command": "AcceptCase"}, ADMIN)
    assert list(service.store.stream_ids()) == []


def test_a_command_naming_a_record_of_another_kind_finds_nothing(service: MediationService) -> None:
    from mediation_core.domain.errors import CaseNotFoundError
    from mediation_core.domain.meeting.commands import ScheduleMeeting
    from mediation_core.domain.meeting.kinds import MeetingKind

    service.handle(ScheduleMeeting(meeting_id="m-1", kind=MeetingKind.CASE_ANALYSIS, org_id="pengshanlu-room"), ADMIN)
    with pytest.raises(CaseNotFoundError, match="names a meeting record"):
        service.handle(c.AcceptCase(case_id="m-1", on=MAY_6), ADMIN)
