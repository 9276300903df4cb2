"""The one set of builders the tests share: the district's names and actors, dates, parties with
valid identity numbers, and the commands that open cases, referrals, police cases and accidents.

A mediator appears both as an :class:`Actor` (``MEDIATOR``, who sends commands to the service)
and as an id (``MEDIATOR_ID``, what commands name); ``Story`` in ``story.py`` drives the pure
decider with these.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import attrs

from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import Responsibility, WrittenTerms
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.mediability import Assessment, Circumstance, PoliceAct
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.letters import ConsentEvidence, ConsentForm
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic.accident import Determination, DeterminationKind
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.identifiers import resident_id_check_char, uscc_check_char
from mediation_core.domain.values.organisations import Employment, Mediator, Organisation, OrgKind, Registry
from mediation_core.domain.values.parties import NaturalPerson, OrganisationParty, Party, Side
from mediation_core.domain.values.sources import CaseSource, ReferralMode

ROOM = "pengshanlu-room"
STATION = "pengshanlu-station"
REGISTRY = demo_registry()
"""The demo district: the room, the station and their people."""

MEDIATOR_ID = "m-zhang"
OTHER_MEDIATOR_ID = "m-liu"
MEDIATOR = Actor(actor_id=MEDIATOR_ID, role=Role.MEDIATOR, scope_id=ROOM, name="张明")
OFFICER = Actor(actor_id="o-chen", role=Role.POLICE_OFFICER, scope_id=STATION, name="陈警官")
LIAISON = Actor(actor_id="l-police", role=Role.STATION_LIAISON, scope_id=STATION, name="陈警官")
ADMIN = Actor(actor_id="admin", role=Role.ADMINISTRATOR, scope_id="district")

D0 = dt.date(2026, 5, 6)  # a Wednesday


def day(n: int) -> dt.date:
    """``n`` calendar days after D0."""
    return D0 + dt.timedelta(days=n)


def resident_id(birth: str = "19800101", seq: int = 1, area: str = "511102") -> str:
    """A valid resident ID number born on ``birth`` (YYYYMMDD)."""
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def credit_code(body: str = "MA1234567") -> str:
    first17 = f"91511102{body}"
    return first17 + uscc_check_char(first17)


def person(
    party_id: str,
    side: Side,
    *,
    seq: int = 1,
    birth: str = "19800101",
    id_number: str = "",
    name: str = "",
    address: str = "柏杨街道幸福路1号",
    **more: Any,
) -> NaturalPerson:
    """A natural person with a valid ID number born on ``birth`` (or exactly ``id_number``, valid or not)."""
    return NaturalPerson(
        party_id=party_id,
        side=side,
        name=name or f"当事人{party_id}",
        id_number=id_number or resident_id(birth, seq),
        phone=more.pop("phone", "13800138000"),
        address=address,
        **more,
    )


def company(party_id: str, side: Side, *, body: str = "MA1234567") -> OrganisationParty:
    return OrganisationParty(
        party_id=party_id,
        side=side,
        name="某某物业有限公司",
        credit_code=credit_code(body),
        legal_representative="赵总",
        phone="02812345678",
        address="工业园区2号",
    )


def two_people(first: int = 1, second: int = 2) -> tuple[Party, ...]:
    """An applicant and a respondent with distinct ID numbers."""
    return (person("p1", Side.APPLICANT, seq=first), person("p2", Side.RESPONDENT, seq=second))


PARTIES: tuple[Party, ...] = (
    person("p1", Side.APPLICANT, id_number="11010519491231002X", name="王某", address="幸福路1号"),
    person("p2", Side.RESPONDENT, id_number="360426199101010071", name="李某", address="幸福路1号"),
)
"""王某 (p1) against 李某 (p2): fixed, real-looking ID numbers, for tests that look for them in output."""


def terms(on: dt.date = D0, party_ids: Sequence[str] = ("p1", "p2"), **changes: Any) -> WrittenTerms:
    """Complete written terms of an agreement between ``party_ids``, due ten days after ``on``."""
    base = WrittenTerms(
        facts="事实",
        points_in_dispute="争议",
        obligations="赔偿3000元",
        performance_method="现金",
        performance_place="调解室",
        performance_deadline=on + dt.timedelta(days=10),
        responsibilities=tuple(Responsibility(party_id=p, text="责任") for p in party_ids),
    )
    return attrs.evolve(base, **changes)


def intake(
    on: dt.date,
    parties: tuple[Party, ...] | None = None,
    *,
    category: str = "neighbourhood",
    source: CaseSource = CaseSource.WALK_IN,
    case_id: str = "",
) -> c.ReceiveDispute:
    return c.ReceiveDispute(
        case_id=case_id,
        room_id=ROOM,
        received_on=on,
        source=source,
        category=category,
        summary="邻里纠纷",
        parties=parties or two_people(),
    )


def consents(on: dt.date, *party_ids: str, consents: bool = True) -> tuple[ConsentEvidence, ...]:
    return tuple(
        ConsentEvidence(party_id=p, consents=consents, on=on, form=ConsentForm.WRITTEN, reference=f"同意书-{p}")
        for p in party_ids
    )


def referral(
    on: dt.date,
    parties: tuple[Party, ...] | None = None,
    *,
    source: CaseSource = CaseSource.STATION_TRANSFER,
    mode: ReferralMode = ReferralMode.TRANSFER,
    category: str = "neighbourhood",
    consenting: tuple[str, ...] = ("p1", "p2"),
    referral_id: str = "",
) -> rc.IssueReferral:
    """A station's 移送函 with both parties' written consent."""
    return rc.IssueReferral(
        referral_id=referral_id,
        room_id=ROOM,
        source=source,
        mode=mode,
        issuer_id=STATION,
        signed_by="王所长",
        issued_on=on,
        category=category,
        cause="邻里排水纠纷",
        facts="双方因排水沟堵塞发生争执，民警出警后双方同意人民调解",
        parties=parties or two_people(),
        consents=consents(on, *consenting),
    )


def mediable_assessment(**changes: object) -> Assessment:
    base = Assessment(
        act=PoliceAct.ASSAULT,
        from_civil_dispute=True,
        minor=True,
        circumstances=frozenset({Circumstance.RELATIONSHIP_TRIVIAL}),
    )
    return attrs.evolve(base, **changes)


def police_case(
    on: dt.date,
    parties: tuple[Party, ...] | None = None,
    *,
    assessment: Assessment | None = None,
    assessment_needed: bool = False,
    police_case_id: str = "",
    act_on: dt.date | None = None,
) -> pc.OpenPoliceCase:
    """A station's 治安 case: p1 the victim, p2 the suspect, a minor assault between neighbours,
    committed on ``act_on`` (by default the day it is accepted)."""
    return pc.OpenPoliceCase(
        police_case_id=police_case_id,
        station_id=STATION,
        case_number=f"彭公(治)受案字〔{on.year}〕101号",
        accepted_on=on,
        act_on=act_on or on,
        summary="邻里口角引发推搡，致轻微伤",
        parties=parties or two_people(),
        suspect_ids=("p2",),
        assessment=assessment or mediable_assessment(),
        assessment_needed=assessment_needed,
    )


def police_session(police_case_id: str, on: dt.date, **kwargs: object) -> pc.HoldPoliceSession:
    fields: dict[str, object] = {
        "police_case_id": police_case_id,
        "on": on,
        "presiding_officer": "陈警官",
        "place": "彭山路派出所调解室",
        "party_ids": ("p1", "p2"),
        "summary": "双方陈述，民警释法",
        **kwargs,
    }
    return pc.HoldPoliceSession(**fields)  # type: ignore[arg-type]


def entrust(police_case_id: str, on: dt.date, **kwargs: object) -> pc.EntrustToRoom:
    fields: dict[str, object] = {
        "police_case_id": police_case_id,
        "on": on,
        "room_id": ROOM,
        "signed_by": "王所长",
        "category": "damages",
        "cause": "邻里纠纷致轻微伤",
        "facts": "双方因琐事推搡，p1轻微伤，双方同意由调解室调解赔偿",
        "consents": consents(on, "p1", "p2"),
        **kwargs,
    }
    return pc.EntrustToRoom(**fields)  # type: ignore[arg-type]


BRIGADE = "traffic-brigade-1"
JOINT_ROOM = "traffic-joint-room"
TRAFFIC_OFFICER = Actor(actor_id="t-he", role=Role.POLICE_OFFICER, scope_id=BRIGADE, name="何警官")
JOINT_MEDIATOR = Actor(actor_id="m-wang", role=Role.MEDIATOR, scope_id=JOINT_ROOM, name="王调解员")


def traffic_registry() -> Registry:
    """The traffic police brigade and the joint mediation room it hosts ("1+4")."""
    return Registry.of(
        [
            Organisation(org_id=BRIGADE, kind=OrgKind.TRAFFIC_POLICE, name="交警一大队", parent_id="district"),
            Organisation(
                org_id=JOINT_ROOM,
                kind=OrgKind.MEDIATION_ROOM,
                name="交通事故纠纷联合调解室",
                parent_id="district",
                code="交调",
            ),
        ],
        [Mediator(mediator_id="m-wang", name="王调解员", room_id=JOINT_ROOM, employment=Employment.FULL_TIME)],
    )


def accident(
    received_on: dt.date, *, simple: bool = False, insurers: tuple[str, ...] = ("人保财险",)
) -> tc.RegisterAccident:
    return tc.RegisterAccident(
        traffic_id="",
        brigade_id=BRIGADE,
        room_id=JOINT_ROOM,
        accident_number="511102120260501001",
        accident_on=received_on - dt.timedelta(days=5),
        determination=Determination(
            kind=DeterminationKind.DETERMINATION, number="乐公交认字〔2026〕第0501号", received_on=received_on
        ),
        parties=two_people(),
        summary="小型轿车与电动自行车相撞，电动车驾驶人受伤",
        simple_procedure=simple,
        insurers=insurers,
    )


def run_cli(*argv: str) -> tuple[int, str, str]:
    """The ``mediation`` command run in this process: its exit code, stdout and stderr."""
    from mediation_core.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()
