"""A child's personal information (个人信息保护法 arts. 28 and 31): the case is flagged sensitive,
the guardian's separate consent is recorded at intake, and only those who handle the case read
the child's name."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import D0, MEDIATOR, PARTIES, ROOM, resident_id
from mediation_core.app.service import MediationService
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.parties import Guardian, NaturalPerson, Side, holds_sensitive_data
from mediation_core.domain.values.sources import CaseSource
from mediation_core.serialization import unstructure
from mediation_core.testing import scenarios as sc
from story import Story

JUSTICE = Actor(actor_id="j", role=Role.JUSTICE_OFFICE, scope_id="baiyang-justice")
CHILD_ID = resident_id("20160301", 7)  # ten years old on D0 (2026-05-06)
GUARDIAN = Guardian(name="王建国", relation="父亲", id_number=resident_id("19800101", 9), consents_to_processing=True)
CHILD = NaturalPerson(party_id="p2", side=Side.RESPONDENT, name="王小明", id_number=CHILD_ID, guardian=GUARDIAN)


def receive(*parties: NaturalPerson) -> c.ReceiveDispute:
    return c.ReceiveDispute(
        case_id="c1",
        room_id=ROOM,
        received_on=D0,
        source=CaseSource.WALK_IN,
        category="neighbourhood",
        summary="邻里纠纷",
        parties=(PARTIES[0], *parties),
    )


@pytest.mark.rule("child_data_guardian_consent")
def test_a_child_party_needs_the_guardians_separate_consent_recorded() -> None:
    unconsented = attrs.evolve(CHILD, guardian=attrs.evolve(GUARDIAN, consents_to_processing=False))
    err = Story().refuse(receive(unconsented))
    found = [v.field for v in err.violations if v.rule == "child_data_guardian_consent"]  # type: ignore[attr-defined]
    assert found == ["parties[1].guardian.consents_to_processing"]
    assert Story().receive(parties=(PARTIES[0], CHILD)).s.sensitive


def test_a_fourteen_year_old_is_not_a_child_for_personal_information() -> None:
    teen = attrs.evolve(
        CHILD, id_number=resident_id("20120506", 7), guardian=attrs.evolve(GUARDIAN, consents_to_processing=False)
    )
    story = Story().receive(parties=(PARTIES[0], teen))  # 14 on D0 exactly: no separate consent needed
    assert not story.s.sensitive


@given(born=st.dates(dt.date(1990, 1, 1), D0), seq=st.integers(0, 999))
def test_a_case_is_sensitive_exactly_when_a_party_is_under_14_on_intake(born: dt.date, seq: int) -> None:
    person = attrs.evolve(CHILD, id_number=resident_id(f"{born:%Y%m%d}", seq))
    under_14 = (D0.year - born.year - ((D0.month, D0.day) < (born.month, born.day))) < 14
    assert holds_sensitive_data((PARTIES[0], person), D0) is under_14


@pytest.fixture
def child_case(service: MediationService) -> MediationService:
    clock = sc.ScriptClock()
    service.clock = clock
    (at, first), (at2, second) = sc.lifecycle("case-1")[:2]
    first = attrs.evolve(first, parties=(first.parties[0], CHILD))
    sc.run(service.handle, clock, [(at, first), (at2, second)])
    return service


def test_only_those_who_handle_the_case_read_a_childs_name(child_case: MediationService) -> None:
    own = child_case.case_file("case-1", MEDIATOR)
    assert own.row.sensitive
    assert own.row.party_names == ("王建国", "王小明")
    assert own.state.parties[1].id_number == CHILD_ID  # type: ignore[union-attr]

    office = child_case.case_file("case-1", JUSTICE)  # reads an adult's case masked, a child's withheld
    assert office.row.party_names == ("王某", "王某")
    text = str(unstructure(office))
    for secret in ("王小明", "王建国", CHILD_ID, GUARDIAN.id_number):
        assert secret not in text
    assert [r.room_id for r in child_case.ledger(JUSTICE)] == [ROOM]
    assert [r.party_names for r in child_case.ledger(JUSTICE)] == [("王某", "王某")]
