"""Boundaries of the party rules as properties: an ID's birth date (1899-12-31 / 1900-01-01 /
today / tomorrow), the guardian's signature at 17 and 18, phone forms, the limitation notice by
who asked for mediation, public sessions of confidential disputes, the representative limit."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given
from hypothesis import strategies as st

from builders import D0, MEDIATOR_ID, PARTIES, day, person, resident_id
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import SignatoryKind
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.values.identifiers import (
    IdKind,
    id_document_problem,
    phone_problem,
    resident_id_check_char,
    resident_id_problem,
)
from mediation_core.domain.values.parties import GroupParty, Guardian, Side, needs_guardian_signature
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.sources import CaseSource
from story import Story


def _id_born(born: dt.date, seq: int = 5, area: str = "511102") -> str:
    first17 = f"{area}{born.year:04d}{born.month:02d}{born.day:02d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


@given(born=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), today=st.dates(dt.date(1950, 1, 1), dt.date(2100, 1, 1)))
def test_an_id_is_valid_exactly_when_born_from_1900_to_today(born: dt.date, today: dt.date) -> None:
    problem = resident_id_problem(_id_born(born), today)
    assert (problem is None) == (dt.date(1900, 1, 1) <= born <= today)


@given(today=st.dates(dt.date(1950, 1, 1), dt.date(2100, 1, 1)))
def test_the_birth_date_boundaries(today: dt.date) -> None:
    assert resident_id_problem(_id_born(dt.date(1899, 12, 31)), today) is not None
    assert resident_id_problem(_id_born(dt.date(1900, 1, 1)), today) is None
    assert resident_id_problem(_id_born(today), today) is None
    assert resident_id_problem(_id_born(today + dt.timedelta(days=1)), today) is not None


@given(offset=st.integers(-2, 2))
def test_intake_refuses_an_id_born_after_the_day_it_is_recorded(offset: int) -> None:
    """The rule runs with the context's today: tomorrow's birth date is refused, today's is not."""
    born = D0 + dt.timedelta(days=offset)
    newborn = person(
        "p2",
        Side.RESPONDENT,
        id_number=_id_born(born),
        guardian=Guardian(name="家长", relation="母亲", consents_to_processing=True),
    )
    cmd = c.ReceiveDispute(
        case_id="c1",
        room_id="pengshanlu-room",
        received_on=D0,
        source=CaseSource.WALK_IN,
        category="neighbourhood",
        summary="x",
        parties=(PARTIES[0], newborn),
    )
    if offset > 0:
        assert "resident_id_valid" in Story().refuse(cmd, today=D0).rules
    else:
        Story().do(cmd, today=D0)


@given(born=st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)), area=st.sampled_from(["810000", "820000", "830000"]))
def test_an_hmt_residence_permit_is_gb11643_with_its_own_address_codes(born: dt.date, area: str) -> None:
    number = _id_born(born, area=area)
    assert id_document_problem(IdKind.HMT_RESIDENCE_PERMIT, number, dt.date(2026, 1, 1)) is None
    assert id_document_problem(IdKind.RESIDENT_ID, number, dt.date(2026, 1, 1)) is not None


@given(st.from_regex(r"9[0-9]{16}", fullmatch=True), st.sampled_from("0123456789X"))
def test_a_2023_permanent_residence_number_checks_like_a_resident_id(first17: str, check: str) -> None:
    ok = id_document_problem(IdKind.FOREIGN_PERMANENT_RESIDENCE, first17 + check) is None
    assert ok == (check == resident_id_check_char(first17))


@given(age=st.integers(0, 40), self_supporting=st.booleans())
def test_the_guardian_signs_exactly_for_a_minor_not_self_supporting(age: int, self_supporting: bool) -> None:
    on = dt.date(2026, 5, 6)
    someone = person(
        "p2",
        Side.RESPONDENT,
        id_number=_id_born(dt.date(on.year - age, on.month, on.day)),
        self_supporting=self_supporting,
    )
    assert needs_guardian_signature(someone, on) == (age < 18 and not (age >= 16 and self_supporting))
    the_day_before = on - dt.timedelta(days=1)
    if age == 18:
        assert needs_guardian_signature(someone, the_day_before) == (not self_supporting)


@given(age=st.sampled_from([17, 18]))
def test_an_agreement_at_17_waits_for_the_guardian_and_at_18_does_not(age: int) -> None:
    born = dt.date(D0.year - age, D0.month, D0.day)
    party = person(
        "p2",
        Side.RESPONDENT,
        id_number=resident_id(f"{born:%Y%m%d}", 9),
        guardian=Guardian(name="监护人", relation="母亲") if age < 18 else None,
    )
    story = Story().receive(parties=(PARTIES[0], party)).accept().prepare().start().session().draft().sign_all()
    if age < 18:
        assert story.s.status is CaseStatus.MEDIATING
        story.do(c.SignAgreement(case_id="c1", kind=SignatoryKind.GUARDIAN, signer_id="p2", on=D0))
    else:
        assert (
            "minor_signed_by_guardian"
            in story.refuse(c.SignAgreement(case_id="c1", kind=SignatoryKind.GUARDIAN, signer_id="p2", on=D0)).rules
        )
    assert story.s.status is CaseStatus.AGREED


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mainland_mobile_is_a_phone(phone: str) -> None:
    assert phone_problem(phone) is None


@given(st.from_regex(r"0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}", fullmatch=True))
def test_every_landline_with_area_code_is_a_phone(phone: str) -> None:
    assert phone_problem(phone) is None


@given(st.text(min_size=1, max_size=20))
def test_text_with_a_letter_is_never_a_phone(text: str) -> None:
    if any(ch.isalpha() for ch in text):
        assert phone_problem(text) is not None


@given(st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True))
def test_an_overseas_number_is_accepted_within_e164_length(phone: str) -> None:
    assert phone_problem(phone) is None


@given(
    source=st.sampled_from(list(CaseSource)),
    requested=st.sampled_from([(), ("p1",), ("p1", "p2")]),
    ended=st.integers(0, 30),
)
def test_the_limitation_notice_appears_exactly_when_a_party_asked(
    source: CaseSource, requested: tuple[str, ...], ended: int
) -> None:
    story = Story().receive(source=source, requested_by=requested).accept().prepare().start()
    story.terminate(on=day(ended))
    # a party's own application: at the room's door or through the online platform
    asked = bool(requested) or source in {CaseSource.WALK_IN, CaseSource.ONLINE_APPLICATION}
    assert story.s.limitation_interrupted_on == (D0 if asked else None)
    assert ("诉讼时效中断" in story.events[-1].notice) == asked  # type: ignore[attr-defined]


@given(case_flag=st.booleans(), session_flag=st.booleans(), public=st.booleans())
def test_a_confidential_dispute_never_has_a_public_session(case_flag: bool, session_flag: bool, public: bool) -> None:
    story = Story().receive(confidential=case_flag).accept().prepare().start()
    cmd = c.HoldSession(
        case_id="c1",
        on=D0,
        place="调解室",
        mediator_ids=(MEDIATOR_ID,),
        party_ids=("p1", "p2"),
        summary="x",
        public=public,
        confidential=session_flag,
    )
    if public and (case_flag or session_flag):
        assert story.refuse(cmd).rules == {"confidential_never_public"}
    else:
        story.do(cmd)
        assert story.s.sessions == 1


@given(limit=st.integers(1, 8), n=st.integers(1, 9))
def test_the_representative_limit_is_the_policys(limit: int, n: int) -> None:
    reps = tuple(attrs.evolve(PARTIES[0], party_id=f"r{i}") for i in range(n))
    group = GroupParty(party_id="g1", side=Side.APPLICANT, name="村民", headcount=30, representatives=reps)
    story = Story(policy=Policy(max_representatives=limit))
    cmd = c.ReceiveDispute(
        case_id="c1",
        room_id="pengshanlu-room",
        received_on=D0,
        source=CaseSource.WALK_IN,
        category="neighbourhood",
        summary="x",
        parties=(group, PARTIES[1]),
    )
    if n <= limit:
        story.do(cmd)
    else:
        assert "representatives_at_most_five" in story.refuse(cmd).rules
