"""One test per intake rule: registration, acceptance and declining."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from builders import D0, PARTIES, ROOM, day, person
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.decide import execute
from mediation_core.domain.case.outcomes import DeclineReason
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.values.identifiers import resident_id_check_char
from mediation_core.domain.values.parties import GroupParty, Guardian, OrganisationParty, Side
from mediation_core.domain.values.sources import CaseSource
from story import Story


def receive(**changes: object) -> c.ReceiveDispute:
    base = c.ReceiveDispute(
        case_id="c1",
        room_id=ROOM,
        received_on=D0,
        source=CaseSource.WALK_IN,
        category="neighbourhood",
        summary="邻里纠纷",
        parties=PARTIES,
    )
    return attrs.evolve(base, **changes)


def fields_of(err: Exception, rule: str) -> list[str]:
    return [v.field for v in err.violations if v.rule == rule]  # type: ignore[attr-defined]


@pytest.mark.rule("room_known")
def test_unknown_room_is_refused() -> None:
    err = Story().refuse(receive(room_id="nowhere"))
    assert fields_of(err, "room_known") == ["room_id"]
    err = Story().refuse(receive(room_id="pengshanlu-station"))  # a station is not a room
    assert fields_of(err, "room_known") == ["room_id"]


@pytest.mark.rule("category_known")
def test_unknown_category_is_refused() -> None:
    err = Story().refuse(receive(category="alien"))
    assert fields_of(err, "category_known") == ["category"]


@pytest.mark.rule("registration_complete")
def test_blank_summary_and_negative_amount_are_refused() -> None:
    err = Story().refuse(receive(summary="  ", amount_involved=Decimal("-1")))
    assert fields_of(err, "registration_complete") == ["summary", "amount_involved"]


@pytest.mark.rule("two_sides")
def test_a_dispute_needs_both_sides_and_distinct_party_ids() -> None:
    err = Story().refuse(receive(parties=(PARTIES[0],)))
    assert fields_of(err, "two_sides") == ["parties"]
    twin = attrs.evolve(PARTIES[1], party_id="p1")
    err = Story().refuse(receive(parties=(PARTIES[0], twin)))
    assert "parties[1].party_id" in fields_of(err, "two_sides")


@pytest.mark.rule("resident_id_valid")
def test_invalid_resident_ids_are_each_named() -> None:
    bad_check = person("p1", Side.APPLICANT, id_number="110105194912310021")
    bad_date = person("p2", Side.RESPONDENT, id_number="11010519490231002X")
    err = Story().refuse(receive(parties=(bad_check, bad_date)))
    assert fields_of(err, "resident_id_valid") == ["parties[0].id_number", "parties[1].id_number"]


@pytest.mark.rule("credit_code_valid")
def test_invalid_credit_code_and_missing_representative_are_refused() -> None:
    org = OrganisationParty(
        party_id="o1", side=Side.RESPONDENT, name="某公司", credit_code="91110000600037341A", legal_representative=""
    )
    err = Story().refuse(receive(parties=(PARTIES[0], org)))
    assert fields_of(err, "credit_code_valid") == ["parties[1].credit_code", "parties[1].legal_representative"]
    ok = attrs.evolve(org, credit_code="91110000600037341L", legal_representative="赵某")
    assert Story().receive(parties=(PARTIES[0], ok)).s.status is CaseStatus.RECEIVED


@pytest.mark.rule("minor_has_guardian")
def test_a_minor_needs_a_guardian_unless_sixteen_and_self_supporting() -> None:
    child = person("p2", Side.RESPONDENT, id_number="11010520120101001X")  # born 2012: 14 on D0
    child = attrs.evolve(child, id_number=child.id_number[:17] + resident_id_check_char(child.id_number[:17]))
    err = Story().refuse(receive(parties=(PARTIES[0], child)))
    assert fields_of(err, "minor_has_guardian") == ["parties[1].guardian"]
    guarded = attrs.evolve(child, guardian=Guardian(name="家长", relation="父亲"))
    assert Story().receive(parties=(PARTIES[0], guarded)).s.status is CaseStatus.RECEIVED


@pytest.mark.rule("representatives_at_most_five")
def test_a_numerous_side_has_one_to_five_representatives() -> None:
    reps = tuple(attrs.evolve(PARTIES[0], party_id=f"r{i}") for i in range(6))
    group = GroupParty(party_id="g1", side=Side.APPLICANT, name="村民", headcount=30, representatives=reps)
    err = Story().refuse(receive(parties=(group, PARTIES[1])))
    assert fields_of(err, "representatives_at_most_five") == ["parties[0].representatives"]
    five = attrs.evolve(group, representatives=reps[:5])
    story = Story().receive(parties=(five, PARTIES[1]))
    assert story.s.persons == 31


@pytest.mark.rule("mediation_is_free")
def test_a_fee_is_refused() -> None:
    story = Story().receive()
    err = story.refuse(c.AcceptCase(case_id="c1", on=D0, fee_charged=Decimal("50")))
    assert fields_of(err, "mediation_is_free") == ["fee_charged"]


@pytest.mark.rule("acceptance_not_excluded")
def test_disputes_handled_elsewhere_are_refused_except_police_entrustment() -> None:
    court = c.PriorProceeding(authority=c.Authority.COURT)
    police = c.PriorProceeding(authority=c.Authority.POLICE, decided=False)
    story = Story().receive()
    err = story.refuse(
        c.AcceptCase(case_id="c1", on=D0, prior_proceedings=(court, police), reserved_to_specialised_organ=True)
    )
    assert fields_of(err, "acceptance_not_excluded") == [
        "prior_proceedings[0]",
        "prior_proceedings[1]",
        "reserved_to_specialised_organ",
    ]
    entrusted = Story().receive(source=CaseSource.STATION_ENTRUSTMENT)
    entrusted.do(c.AcceptCase(case_id="c1", on=D0, prior_proceedings=(police,)))
    assert entrusted.s.status is CaseStatus.ACCEPTED


@pytest.mark.rule("acceptance_numbered")
def test_acceptance_needs_an_allocated_number() -> None:
    story = Story().receive()
    with pytest.raises(RuleViolationError) as caught:
        execute(c.AcceptCase(case_id="c1", on=D0), story.state, story.context(D0, sequence=None))
    assert caught.value.rules == {"acceptance_numbered"}


def test_accepted_number_follows_policy_format_and_opens_the_term() -> None:
    story = Story().receive().accept()
    assert story.s.number == "（2026）彭调人调字第001号"
    assert story.s.term is not None
    # one calendar month from 6 May ends on Saturday 6 June, so the term runs to Monday 8 June
    assert (story.s.term.runs_to, story.s.term.due) == (day(31), day(33))


def test_declining_records_the_coded_reason() -> None:
    story = Story().receive()
    story.do(c.DeclineCase(case_id="c1", on=D0, reason=DeclineReason.ALREADY_HANDLED))
    assert story.s.status is CaseStatus.DECLINED
    assert story.s.declined is DeclineReason.ALREADY_HANDLED


@pytest.mark.rule("date_not_in_future")
def test_dates_after_today_are_refused() -> None:
    err = Story().refuse(receive(received_on=day(1)), today=D0)
    assert fields_of(err, "date_not_in_future") == ["received_on"]


@pytest.mark.rule("date_in_case_order")
def test_dates_before_registration_or_acceptance_are_refused() -> None:
    story = Story().receive(on=day(2))
    err = story.refuse(c.AcceptCase(case_id="c1", on=day(1)), today=day(3))
    assert fields_of(err, "date_in_case_order") == ["on"]


@pytest.mark.rule("transition_allowed")
def test_commands_out_of_order_name_the_status() -> None:
    story = Story().receive()
    err = story.refuse(c.StartMediation(case_id="c1", on=D0))
    assert fields_of(err, "transition_allowed") == ["status"]
    err = Story().refuse(c.AcceptCase(case_id="c1", on=D0))
    assert err.rules == {"transition_allowed"}
    err = story.refuse(receive())
    assert "transition_allowed" in err.rules


def test_all_violations_are_reported_at_once() -> None:
    err = Story().refuse(receive(room_id="x", category="y", summary="", parties=()), today=dt.date(2026, 5, 1))
    assert {"room_known", "category_known", "registration_complete", "two_sides", "date_not_in_future"} <= err.rules
    assert all(v.basis and v.message_zh and v.message_en for v in err.violations)
