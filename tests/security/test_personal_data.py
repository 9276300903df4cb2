"""Personal data: each reader's view of the parties, notices and logs that never carry numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import LIAISON, MEDIATOR, OFFICER, ROOM, police_case, referral, resident_id
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.parties import Guardian, NaturalPerson, Side
from mediation_core.domain.values.privacy import (
    PersonalDataView,
    mask_name,
    mask_text,
    strike_names,
    view_json,
)
from mediation_core.domain.values.risks import RiskKind
from mediation_core.domain.values.sources import CaseSource
from mediation_core.serialization import unstructure
from mediation_core.testing import scenarios as sc

JUSTICE = Actor(actor_id="j", role=Role.JUSTICE_OFFICE, scope_id="baiyang-justice")
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="centre")
ID_1, ID_2 = sc.resident_id(0), sc.resident_id(1)
PHONE_1 = "13800138000"


@pytest.fixture
def archived(service: MediationService) -> MediationService:
    """The scenario's case, received through archive, in the demo district."""
    clock = sc.ScriptClock()
    service.clock = clock
    sc.run(service.handle, clock, sc.lifecycle("case-1"))
    return service


# -- the three views -----------------------------------------------------------------------------------
def test_the_mediator_reads_the_case_file_as_recorded(archived: MediationService) -> None:
    case = archived.case_file("case-1", MEDIATOR)
    assert [p.id_number for p in case.state.parties] == [ID_1, ID_2]  # type: ignore[union-attr]
    assert ID_1 in str(case.records[0].body)
    assert case.row.party_names == ("王建国", "李海")


def test_the_justice_office_reads_it_with_numbers_masked(archived: MediationService) -> None:
    case = archived.case_file("case-1", JUSTICE)
    assert [p.name for p in case.state.parties] == ["王建国", "李海"]
    assert case.state.parties[0].id_number == ID_1[:6] + "********" + ID_1[-4:]  # type: ignore[union-attr]
    assert case.state.parties[0].phone == "138****8000"  # type: ignore[union-attr]
    text = str(unstructure(case))
    assert ID_1 not in text
    assert ID_2 not in text
    assert PHONE_1 not in text
    assert case.records[0].hash == archived.store.read("case-1")[0].hash  # a viewed copy keeps the stored hash


def test_the_coordination_centre_reads_no_party_personal_data(archived: MediationService) -> None:
    case = archived.case_file("case-1", CENTRE)
    assert [p.name for p in case.state.parties] == ["王某", "李某"]
    assert {p.id_number for p in case.state.parties} == {""}  # type: ignore[union-attr]
    text = str(unstructure(case))
    for secret in ("王建国", "李海", ID_1[:10], "138****", PHONE_1, "13900139000", "幸福路12号"):
        assert secret not in text, secret
    assert "李某堆放建筑垃圾" in text  # the names are struck from the free text too
    (row,) = archived.ledger(CENTRE)
    assert row.party_names == ("王某", "李某")
    assert row.party_keys == ()
    assert row.persons == 2  # the counts stay
    assert archived.ledger(MEDIATOR)[0].party_keys != ()


def test_a_county_may_let_the_centre_see_masked_names(service: MediationService) -> None:
    import attrs

    service.policy = attrs.evolve(service.policy, party_data_withheld_roles=())
    clock = sc.ScriptClock()
    service.clock = clock
    sc.run(service.handle, clock, sc.lifecycle("case-1")[:2])
    assert [p.name for p in service.case_file("case-1", CENTRE).state.parties] == ["王建国", "李海"]


def test_referrals_and_linked_records_are_viewed_too(service: MediationService, clock: StoryClock) -> None:
    clock.set(dt.date(2026, 5, 6))
    issued = service.handle(referral(dt.date(2026, 5, 6)), LIAISON)
    assert service.referral(issued.referral_id, MEDIATOR).parties[0].id_number == resident_id("19800101", 1)
    seen = service.referral(issued.referral_id, LIAISON)
    assert seen.parties[0].id_number.count("*") == 8
    assert seen.parties[0].name == "当事人p1"
    (doc,) = service.documents("referral", CENTRE)
    assert doc.body["party_names"] == ["当某", "当某"]
    opened = service.handle(police_case(dt.date(2026, 5, 6)), OFFICER)
    withheld = service.load("police_case", opened.police_case_id, CENTRE)
    assert {p.id_number for p in withheld.parties} == {""}


def test_every_notice_leaves_with_numbers_masked(service: MediationService, clock: StoryClock) -> None:
    clock.set(dt.date(2026, 5, 6))
    case = service.handle(
        c.ReceiveDispute(
            case_id="",
            room_id=ROOM,
            received_on=dt.date(2026, 5, 6),
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary=f"当事人王建国（身份证 {ID_1}，电话 {PHONE_1}）称邻居堵塞排水沟",
            parties=sc.lifecycle("x")[0][1].parties,
        ),
        MEDIATOR,
    )
    service.handle(
        c.FlagRisk(case_id=case.case_id, kind=RiskKind.CIVIL_TO_CRIMINAL, persons=3, on=dt.date(2026, 5, 6)), MEDIATOR
    )
    (entry,) = service.store.outbox()
    assert "排水沟" in entry.notice.body
    assert ID_1 not in entry.notice.body
    assert PHONE_1 not in entry.notice.body
    assert "138****8000" in entry.notice.body


# -- text ------------------------------------------------------------------------------------------------
def test_names_are_struck_longest_first_and_masked_names_stay() -> None:
    assert mask_name("王建国") == "王某"
    assert mask_name("王某") == "王某"
    assert strike_names("王建国和王建找王建国", ["王建", "王建国"]) == "王某和王某找王某"


@given(ident=st.uuids().map(lambda u: u.hex) | st.text("0123456789abcdef", min_size=11, max_size=64))
def test_masking_text_never_touches_an_identifier(ident: str) -> None:
    """Hex ids and hashes that happen to hold eleven digits are not phone numbers."""
    if re.fullmatch(r"1[3-9]\d{9}", ident) or re.fullmatch(r"0\d{9,11}", ident):
        return
    framed = f"case {ident}"
    if re.search(r"[a-f]", ident) is None:
        return  # digits (and hyphens): a real number however it is written, masked on purpose
    assert mask_text(framed) == framed


def test_view_json_keeps_identifiers_and_counts() -> None:
    body = {
        "case_id": "13800138000abc",
        "hash": "1" * 64,
        "parties": [
            {
                "kind": "person",
                "party_id": "p1",
                "side": "applicant",
                "name": "王建国",
                "id_number": ID_1,
                "phone": PHONE_1,
                "address": "幸福路12号",
                "guardian": {"name": "王父", "relation": "父亲", "id_number": ID_2, "phone": "13900139000"},
            },
            {"kind": "group", "party_id": "g", "side": "respondent", "name": "幸福村村民", "headcount": 30},
        ],
        "summary": f"王建国电话{PHONE_1}",
    }
    out = view_json(body, PersonalDataView.WITHHELD, ["王建国", "王父"])
    assert out["case_id"] == body["case_id"]
    assert out["hash"] == body["hash"]
    person = out["parties"][0]
    assert (person["name"], person["id_number"], person["phone"], person["address"]) == ("王某", "", "", "")
    assert person["guardian"] == {"name": "王某", "relation": "父亲", "id_number": "", "phone": ""}
    assert out["parties"][1]["headcount"] == 30
    assert out["summary"] == "王某电话138****8000"


def test_a_guardian_is_masked_in_a_state_round_trip() -> None:
    from mediation_core.domain.values.privacy import viewed_party

    child = NaturalPerson(
        party_id="p3",
        side=Side.APPLICANT,
        name="王小明",
        id_number=resident_id("20150101", 3),
        guardian=Guardian(name="王建国", relation="父亲", id_number=ID_1, phone=PHONE_1),
    )
    masked = viewed_party(child, PersonalDataView.MASKED)
    assert isinstance(masked, NaturalPerson)
    assert masked.guardian is not None
    assert masked.guardian.phone == "138****8000"
