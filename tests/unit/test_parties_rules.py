"""Parties without a resident ID, phone numbers, guardians signing for minors, the committee as an
entity, lawsuits ending mediation, the limitation notice, confidential disputes and the county
values that used to be constants (issue 14 items 2–5, 7–10; issue 15 item 12)."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from builders import D0, MEDIATOR_ID, PARTIES, REGISTRY, ROOM, day, person, resident_id
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import Mark, SignatoryKind
from mediation_core.domain.case.outcomes import Route, TerminationReason
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.identifiers import IdKind, NoIdReason
from mediation_core.domain.values.organisations import Organisation, OrgKind, Registry
from mediation_core.domain.values.parties import GroupParty, Guardian, OrganisationParty, Side
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.sources import CaseSource
from mediation_core.exports.forms import DocumentForm, case_document
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


def foreigner(kind: IdKind, number: str, party_id: str = "p2") -> object:
    return person(party_id, Side.RESPONDENT, id_number=number, id_kind=kind)


# -- identity documents -----------------------------------------------------------------------


@pytest.mark.rule("resident_id_valid")
def test_other_documents_are_accepted_and_checked_by_their_own_format() -> None:
    good = {
        IdKind.PASSPORT: "E12345678",
        IdKind.HK_MACAO_PERMIT: "H1234567800",
        IdKind.TAIWAN_PERMIT: "12345678",
        IdKind.HMT_RESIDENCE_PERMIT: resident_id("19900101", 3, area="830000"),
        IdKind.FOREIGN_PERMANENT_RESIDENCE: "USA123456789012",
    }
    for kind, number in good.items():
        story = Story().receive(parties=(PARTIES[0], foreigner(kind, number)))  # type: ignore[arg-type]
        assert story.s.status is CaseStatus.RECEIVED, kind
    bad = {
        IdKind.PASSPORT: "e-1",
        IdKind.HK_MACAO_PERMIT: "X12345678",
        IdKind.TAIWAN_PERMIT: "1234",
        IdKind.HMT_RESIDENCE_PERMIT: resident_id("19900101", 3),  # a mainland address code
        IdKind.FOREIGN_PERMANENT_RESIDENCE: "912345678901234567",
    }
    for kind, number in bad.items():
        err = Story().refuse(receive(parties=(PARTIES[0], foreigner(kind, number))))
        assert fields_of(err, "resident_id_valid") == ["parties[1].id_number"], kind
        assert kind.title_zh in err.violations[0].message_zh


@pytest.mark.rule("resident_id_valid")
def test_a_party_without_a_number_records_why_and_the_issues_ids_are_refused() -> None:
    nobody = attrs.evolve(PARTIES[1], id_number="")
    err = Story().refuse(receive(parties=(PARTIES[0], nobody)))
    assert fields_of(err, "resident_id_valid") == ["parties[1].id_number"]
    refused = attrs.evolve(nobody, no_id_reason=NoIdReason.REFUSED)
    assert Story().receive(parties=(PARTIES[0], refused)).s.status is CaseStatus.RECEIVED
    both = attrs.evolve(PARTIES[1], no_id_reason=NoIdReason.NONE_HELD)
    err = Story().refuse(receive(parties=(PARTIES[0], both)))
    assert fields_of(err, "resident_id_valid") == ["parties[1].no_id_reason"]
    future = person("p1", Side.APPLICANT, id_number="110105203001010052")
    ancient = person("p2", Side.RESPONDENT, id_number="110105000101010017")
    err = Story().refuse(receive(parties=(future, ancient)))
    assert fields_of(err, "resident_id_valid") == ["parties[0].id_number", "parties[1].id_number"]


def test_a_written_agreement_takes_a_party_without_a_number() -> None:
    refused = attrs.evolve(PARTIES[1], id_number="", no_id_reason=NoIdReason.REFUSED)
    story = Story().receive(parties=(PARTIES[0], refused)).accept().prepare().start().session().draft()
    assert story.s.draft is not None
    story.sign_all()
    assert story.s.status is CaseStatus.AGREED
    text = case_document(DocumentForm.AGREEMENT, story.s, story.events, REGISTRY, {}, masked=False).text()
    assert "身份证件号码 未提供（拒绝提供）" in text


# -- phones -----------------------------------------------------------------------------------


@pytest.mark.rule("phone_valid")
def test_a_phone_number_is_validated_and_the_field_named() -> None:
    org = OrganisationParty(
        party_id="o1",
        side=Side.RESPONDENT,
        name="某公司",
        credit_code="91110000600037341L",
        legal_representative="赵某",
        phone="12345",
    )
    child = attrs.evolve(PARTIES[0], guardian=Guardian(name="家长", relation="父亲", phone="abc"), phone="abc")
    err = Story().refuse(receive(parties=(child, org)))
    assert fields_of(err, "phone_valid") == ["parties[1].phone", "parties[0].phone", "parties[0].guardian.phone"]
    assert "phone" in err.violations[0].message_en
    for phone in (
        "13800138000",
        "0833-2123456",
        "02812345678",
        "010-87654321-801",
        "+852 2123 4567",
        "+1-202-555-0143",
    ):
        ok = attrs.evolve(PARTIES[0], phone=phone)
        assert Story().receive(parties=(ok, PARTIES[1])).s.status is CaseStatus.RECEIVED, phone


# -- the guardian signs for a minor -----------------------------------------------------------


def _minor(born: dt.date) -> object:
    number = resident_id(f"{born:%Y%m%d}", 7)
    return person("p2", Side.RESPONDENT, id_number=number, guardian=Guardian(name="王父", relation="父亲"))


@pytest.mark.rule("minor_signed_by_guardian")
def test_a_minors_agreement_takes_effect_only_with_the_guardians_mark() -> None:
    minor = _minor(dt.date(2010, 1, 1))  # 16 on D0
    story = Story().receive(parties=(PARTIES[0], minor)).accept().prepare().start().session().draft().sign_all()  # type: ignore[arg-type]
    assert story.s.status is CaseStatus.MEDIATING  # the minor's own mark is not enough
    err = story.refuse(c.SignAgreement(case_id="c1", kind=SignatoryKind.GUARDIAN, signer_id="p1", on=D0))
    assert fields_of(err, "minor_signed_by_guardian") == ["signer_id"]
    story.do(c.SignAgreement(case_id="c1", kind=SignatoryKind.GUARDIAN, signer_id="p2", on=D0, mark=Mark.SIGNATURE))
    assert story.s.status is CaseStatus.AGREED
    text = case_document(DocumentForm.AGREEMENT, story.s, story.events, REGISTRY, {}, masked=False).text()
    assert "监护人（法定代理人）（签名、盖章或按指印）：王父（当事人p2的父亲）" in text


def test_the_guardian_alone_signs_for_a_young_child() -> None:
    child = attrs.evolve(
        _minor(dt.date(2020, 1, 1)), guardian=Guardian(name="王父", relation="父亲", consents_to_processing=True)
    )
    story = Story().receive(parties=(PARTIES[0], child)).accept().prepare().start().session().draft()  # type: ignore[arg-type]
    for kind, signer in (
        (SignatoryKind.PARTY, "p1"),
        (SignatoryKind.GUARDIAN, "p2"),
        (SignatoryKind.MEDIATOR, MEDIATOR_ID),
        (SignatoryKind.COMMITTEE_SEAL, ""),
    ):
        story.do(c.SignAgreement(case_id="c1", kind=kind, signer_id=signer, on=day(1)))
    assert story.s.status is CaseStatus.AGREED


# -- the committee ----------------------------------------------------------------------------


@pytest.mark.rule("room_known")
def test_documents_carry_the_committees_name_and_seal() -> None:
    story = Story().mediating().session().draft().sign_all()
    for form in (DocumentForm.AGREEMENT, DocumentForm.RIGHTS_NOTICE):
        doc = case_document(form, story.s, story.events, REGISTRY, {}, masked=False)
        assert doc.organisation == "柏杨街道人民调解委员会"
        assert "（柏杨街道人民调解委员会印章）" in doc.text()
        assert "彭山路派出所联合调解室" not in doc.organisation
    room = REGISTRY.org(ROOM)
    assert room is not None
    orphan = Registry.of(
        organisations=[
            *(o for o in REGISTRY.organisations.values() if o.kind is not OrgKind.COMMITTEE and o.org_id != ROOM),
            attrs.evolve(room, committee_id="nowhere"),
        ],
        mediators=REGISTRY.mediators.values(),
    )
    assert orphan.committee_name(ROOM) == room.name
    legacy = Registry.of(organisations=[Organisation(org_id="r", kind=OrgKind.MEDIATION_ROOM, name="某调解室")])
    assert legacy.committee_name("r") == "某调解室"


def test_a_rooms_unknown_committee_is_refused() -> None:
    from mediation_core.calendars import national_calendar
    from mediation_core.domain.case.decide import execute
    from mediation_core.domain.errors import RuleViolationError
    from mediation_core.domain.kernel.context import DecisionContext

    room = REGISTRY.org(ROOM)
    assert room is not None
    broken = REGISTRY.merged(Registry.of(organisations=[attrs.evolve(room, committee_id="nowhere")]))
    ctx = DecisionContext(
        now=dt.datetime(2026, 5, 6, 12, tzinfo=dt.UTC), policy=Policy(), calendar=national_calendar(), registry=broken
    )
    with pytest.raises(RuleViolationError) as refused:
        execute(receive(), None, ctx)
    assert [(v.rule, v.field) for v in refused.value.violations] == [("room_known", "room_id")]


# -- the rights notice names 回避 ----------------------------------------------------------------


def test_the_rights_notice_names_recusal() -> None:
    story = Story().mediating()
    text = case_document(DocumentForm.RIGHTS_NOTICE, story.s, story.events, REGISTRY, {}, masked=False).text()
    assert "回避" in text


# -- a lawsuit or arbitration ends mediation --------------------------------------------------


@pytest.mark.rule("proceedings_end_mediation")
def test_a_party_who_sues_ends_the_mediation_with_the_termination_notice() -> None:
    story = Story().mediating().session()
    err = story.refuse(c.EndForProceedings(case_id="c1", on=day(1), party_id="p2", route=Route.ADMINISTRATIVE))
    assert fields_of(err, "proceedings_end_mediation") == ["route"]
    err = story.refuse(c.EndForProceedings(case_id="c1", on=day(1), party_id="p9", route=Route.LITIGATION))
    assert fields_of(err, "party_known") == ["party_id"]
    story.do(
        c.EndForProceedings(
            case_id="c1",
            on=day(1),
            party_id="p2",
            route=Route.LITIGATION,
            body="市中区人民法院",
            reference="(2026)川1102民初9号",
        )
    )
    assert story.s.status is CaseStatus.TERMINATED
    assert story.s.termination is TerminationReason.LITIGATION
    notice = case_document(DocumentForm.TERMINATION_NOTICE, story.s, story.events, REGISTRY, {}, masked=False)
    assert notice.title == "终止人民调解告知书"
    assert "当事人李某已向人民法院起诉（市中区人民法院，(2026)川1102民初9号）" in notice.text()
    arbitration = Story().mediating()
    arbitration.do(c.EndForProceedings(case_id="c1", on=D0, party_id="p1", route=Route.ARBITRATION))
    assert arbitration.s.termination is TerminationReason.ARBITRATION


# -- the limitation notice --------------------------------------------------------------------


@pytest.mark.rule("requesters_are_parties")
def test_the_limitation_notice_follows_a_partys_request() -> None:
    err = Story().refuse(receive(source=CaseSource.INITIATIVE, requested_by=("p9",)))
    assert fields_of(err, "requesters_are_parties") == ["requested_by[0]"]
    own = Story().receive(source=CaseSource.INITIATIVE).accept().prepare().start()
    own.do(c.TerminateCase(case_id="c1", on=day(2), reason=TerminationReason.FAILED))
    assert own.s.limitation_interrupted_on is None
    assert "诉讼时效" not in own.events[-1].notice  # type: ignore[attr-defined]
    asked = Story().receive(source=CaseSource.STATION_TRANSFER, requested_by=("p1",)).accept().prepare().start()
    asked.do(c.TerminateCase(case_id="c1", on=day(2), reason=TerminationReason.FAILED))
    assert asked.s.limitation_interrupted_on == D0
    assert "诉讼时效中断" in asked.events[-1].notice  # type: ignore[attr-defined]


# -- confidential disputes --------------------------------------------------------------------


@pytest.mark.rule("confidential_never_public")
def test_privacy_or_trade_secrets_are_never_mediated_in_public() -> None:
    story = Story().receive(confidential=True).accept().prepare().start()
    err = story.refuse(
        c.HoldSession(
            case_id="c1",
            on=D0,
            place="调解室",
            mediator_ids=(MEDIATOR_ID,),
            party_ids=("p1", "p2"),
            summary="x",
            public=True,
        )
    )
    assert fields_of(err, "confidential_never_public") == ["public"]
    story.session()  # in private it goes ahead
    open_case = Story().mediating()
    err = open_case.refuse(
        c.HoldSession(
            case_id="c1",
            on=D0,
            place="调解室",
            mediator_ids=(MEDIATOR_ID,),
            party_ids=("p1", "p2"),
            summary="x",
            public=True,
            confidential=True,
        )
    )
    assert fields_of(err, "confidential_never_public") == ["public"]
    open_case.session(public=True)


# -- county values ----------------------------------------------------------------------------


def test_the_representative_limit_is_county_policy() -> None:
    reps = tuple(attrs.evolve(PARTIES[0], party_id=f"r{i}") for i in range(7))
    group = GroupParty(party_id="g1", side=Side.APPLICANT, name="村民", headcount=30, representatives=reps)
    err = Story().refuse(receive(parties=(group, PARTIES[1])))
    assert fields_of(err, "representatives_at_most_five") == ["parties[0].representatives"]
    assert "1至5名" in err.violations[0].message_zh
    story = Story(policy=Policy(max_representatives=7)).receive(parties=(group, PARTIES[1]))
    assert story.s.persons == 31


def _archived(policy: Policy, years: int | None) -> int | None:
    story = Story(policy=policy).mediating().session().oral().follow_up(day(1))
    story.do(c.FileDocument(case_id="c1", item=CaseFileItem.BACK_COVER, title="封底", on=day(20)))
    story.do(c.ArchiveCase(case_id="c1", on=day(30), archivist_id=MEDIATOR_ID, retention_years=years))
    return story.s.retention_years


def test_the_retention_period_defaults_to_county_policy() -> None:
    assert _archived(Policy(), None) == 10
    assert _archived(Policy(retention_years=30), None) == 30
    assert _archived(Policy(retention_years=30), 5) == 5
    with pytest.raises(ValueError, match="retention_years"):
        Policy(retention_years=0)


# -- stored records from before -----------------------------------------------------------------


def test_records_stored_before_these_fields_load_as_they_were() -> None:
    """A party, an intake and a termination as 0.1 stored them (no document kind, no reason, no
    request, a limitation date on every termination) still load, as a resident ID holder."""
    from mediation_core.domain.case import events as ev
    from mediation_core.serialization import event_from_body

    party = {
        "party_id": "p1",
        "side": "applicant",
        "name": "王某",
        "id_number": "11010519491231002X",
        "phone": "13800138000",
        "address": "幸福路1号",
        "ethnicity": "",
        "occupation": "",
        "guardian": {"name": "王父", "relation": "父亲", "id_number": "", "phone": "", "consents_to_processing": False},
        "self_supporting": False,
        "birth_date": None,
        "kind": "person",
    }
    received = event_from_body(
        "case.received",
        ev.DisputeReceived.SCHEMA_VERSION,
        {
            "room_id": ROOM,
            "received_on": "2026-05-06",
            "source": "initiative",
            "category": "neighbourhood",
            "summary": "x",
            "parties": [party],
            "amount_involved": "0",
            "referral_id": None,
            "referral_mode": None,
            "dispatch_id": None,
            "repeat_of": None,
            "insurers": [],
            "sensitive": False,
        },
    )
    assert isinstance(received, ev.DisputeReceived)
    person_ = received.parties[0]
    assert person_.id_kind is IdKind.RESIDENT_ID  # type: ignore[union-attr]
    assert person_.no_id_reason is None  # type: ignore[union-attr]
    assert person_.id_info is not None  # type: ignore[union-attr]
    assert (received.requested_by, received.confidential) == ((), False)
    terminated = event_from_body(
        "case.terminated",
        ev.CaseTerminated.SCHEMA_VERSION,
        {
            "on": "2026-05-20",
            "reason": "failed",
            "routes": ["arbitration", "administrative", "litigation"],
            "notice": "本次人民调解已终止。",
            "note": "",
            "limitation_interrupted_on": "2026-05-06",
        },
    )
    assert terminated.limitation_interrupted_on == dt.date(2026, 5, 6)  # type: ignore[attr-defined]
