"""A small district with two townships, each with a station and a room, and a traffic brigade
with its joint room; cases, referrals, 治安 cases, dispatches, a traffic record, meetings,
returns, training and an inspection in each, recorded through the public API. Every case has
its own party names and numbers, so a query's answer can be searched for another room's cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs
from attrs import frozen

from builders import ADMIN, D0, accident, entrust, mediable_assessment, resident_id
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.inspection.commands import RecordInspection
from mediation_core.domain.meeting.commands import ScheduleMeeting
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.letters import ConsentEvidence, ConsentForm
from mediation_core.domain.statistical_return.commands import SubmitReturn
from mediation_core.domain.training.commands import RecordTraining
from mediation_core.domain.training.trainees import Trainee, TrainingKind
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.organisations import Employment, Liaison, Mediator, Organisation, OrgKind, Registry
from mediation_core.domain.values.parties import NaturalPerson, Side
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.sources import CaseSource, ReferralMode


@frozen(kw_only=True)
class Unit:
    """A township with its station, room and offices."""

    township: str
    station: str
    room: str
    justice: str
    governance: str
    mediator: str


A = Unit(
    township="baiyang",
    station="pengshanlu-station",
    room="pengshanlu-room",
    justice="baiyang-justice",
    governance="baiyang-governance",
    mediator="m-zhang",
)
B = Unit(
    township="xinhua",
    station="xinhua-station",
    room="xinhua-room",
    justice="xinhua-justice",
    governance="xinhua-governance",
    mediator="m-sun",
)
BRIGADE, JOINT_ROOM, JOINT_MEDIATOR = "traffic-brigade-1", "traffic-joint-room", "m-wang"
ROOMS = (A.room, B.room, JOINT_ROOM)


def registry() -> Registry:
    orgs = [
        Organisation(org_id="xinhua", kind=OrgKind.TOWNSHIP, name="新华街道", parent_id="district"),
        Organisation(org_id="xinhua-justice", kind=OrgKind.JUSTICE_OFFICE, name="新华司法所", parent_id="xinhua"),
        Organisation(org_id="xinhua-governance", kind=OrgKind.GOVERNANCE_OFFICE, name="新华综治办", parent_id="xinhua"),
        Organisation(
            org_id="xinhua-station", kind=OrgKind.POLICE_STATION, name="新华派出所", parent_id="xinhua", code="新公"
        ),
        Organisation(
            org_id="xinhua-room",
            kind=OrgKind.MEDIATION_ROOM,
            name="新华派出所调解室",
            parent_id="xinhua",
            code="新调",
            station_id="xinhua-station",
        ),
        Organisation(org_id=BRIGADE, kind=OrgKind.TRAFFIC_POLICE, name="交警一大队", parent_id="district"),
        Organisation(
            org_id=JOINT_ROOM,
            kind=OrgKind.MEDIATION_ROOM,
            name="交通事故纠纷联合调解室",
            parent_id="district",
            code="交调",
        ),
    ]
    mediators = [
        Mediator(
            mediator_id="m-sun", name="孙调解员", room_id="xinhua-room", employment=Employment.FULL_TIME, director=True
        ),
        Mediator(mediator_id=JOINT_MEDIATOR, name="王调解员", room_id=JOINT_ROOM, employment=Employment.FULL_TIME),
    ]
    liaisons = [Liaison(person_id="l-xinhua", name="周警官", room_id="xinhua-room", from_org_id="xinhua-station")]
    return demo_registry().merged(Registry.of(orgs, mediators, liaisons))


@frozen(kw_only=True)
class Facts:
    """What the world holds, as the test knows it (not as the service reports it)."""

    case_room: dict[str, str]
    """case id → room"""
    case_names: dict[str, tuple[str, ...]]
    case_ids_numbers: dict[str, tuple[str, ...]]
    """case id → the parties' ID numbers and phones"""
    records: dict[str, tuple[str, str]]
    """linked record id (referral, 治安 case, dispatch, traffic) → (room, police unit)"""
    record_cases: dict[str, str]
    """linked record id → the case it opened (if any)"""


class Recorder:
    """Runs commands with a clock, remembering what each case is."""

    def __init__(self, service: MediationService, clock: StoryClock) -> None:
        self.service = service
        self.clock = clock
        self.serial = 0
        self.case_room: dict[str, str] = {}
        self.case_names: dict[str, tuple[str, ...]] = {}
        self.case_numbers: dict[str, tuple[str, ...]] = {}
        self.records: dict[str, tuple[str, str]] = {}
        self.record_cases: dict[str, str] = {}

    def do(self, command: object, actor: Actor, on: dt.date = D0) -> object:
        self.clock.set(on)
        return self.service.handle(command, actor)

    def parties(self, tag: str) -> tuple[NaturalPerson, NaturalPerson]:
        """Two people with names and numbers no other case has."""
        self.serial += 1
        n = self.serial
        phone_1, phone_2 = f"1390000{n:04d}", f"1370000{n:04d}"
        return (
            NaturalPerson(
                party_id="p1",
                side=Side.APPLICANT,
                name=f"{tag}甲{n:02d}",
                id_number=resident_id("19800101", 100 + n),
                phone=phone_1,
                address="幸福路1号",
            ),
            NaturalPerson(
                party_id="p2",
                side=Side.RESPONDENT,
                name=f"{tag}乙{n:02d}",
                id_number=resident_id("19810202", 100 + n),
                phone=phone_2,
                address="幸福路2号",
            ),
        )

    def remember(self, case_id: str, room: str, people: tuple[NaturalPerson, ...]) -> None:
        self.case_room[case_id] = room
        self.case_names[case_id] = tuple(p.name for p in people)
        self.case_numbers[case_id] = tuple(x for p in people for x in (p.id_number, p.phone))

    def case(self, unit_room: str, mediator: str, tag: str, *, steps: int) -> str:
        people = self.parties(tag)
        actor = Actor(actor_id=mediator, role=Role.MEDIATOR, scope_id=unit_room)
        case_id = f"case-{tag}-{self.serial:02d}"
        summary = f"{people[0].name}与{people[1].name}因排水沟堵塞争执，电话{people[0].phone}"
        self.do(
            c.ReceiveDispute(
                case_id=case_id,
                room_id=unit_room,
                received_on=D0,
                source=CaseSource.WALK_IN,
                category="neighbourhood",
                summary=summary,
                parties=people,
                amount_involved=Decimal(1000),
            ),
            actor,
        )
        self.remember(case_id, unit_room, people)
        script = [
            c.AcceptCase(case_id=case_id, on=D0),
            c.AssignMediator(case_id=case_id, mediator_id=mediator, presiding=True, on=D0),
            c.NotifyRights(case_id=case_id, on=D0),
            c.StartMediation(case_id=case_id, on=D0),
        ]
        for command in script[:steps]:
            self.do(command, actor)
        return case_id

    def referral(self, unit: Unit, tag: str, *, accept: bool, court: bool = False) -> str:
        """A station's letter to its room, or (``court``) a court's letter the room records."""
        people = self.parties(tag)
        issuer = Actor(
            actor_id="l" if not court else unit.mediator,
            role=Role.STATION_LIAISON if not court else Role.MEDIATOR,
            scope_id=unit.station if not court else unit.room,
        )
        state = self.do(
            rc.IssueReferral(
                referral_id=f"ref-{tag}-{self.serial:02d}",
                room_id=unit.room,
                source=CaseSource.COURT if court else CaseSource.STATION_TRANSFER,
                mode=ReferralMode.TRANSFER,
                issuer_id="court-1" if court else unit.station,
                issuer_name="区人民法院" if court else "",
                letter_number=f"（2026）法委调字第{self.serial}号" if court else "",
                signed_by="所长",
                issued_on=D0,
                category="neighbourhood",
                cause="邻里排水纠纷",
                facts=f"{people[0].name}与{people[1].name}争执",
                parties=people,
                consents=tuple(
                    ConsentEvidence(party_id=p, consents=True, on=D0, form=ConsentForm.WRITTEN, reference=f"同意书-{p}")
                    for p in ("p1", "p2")
                ),
            ),
            issuer,
        )
        referral_id = str(state.referral_id)  # type: ignore[attr-defined]
        self.records[referral_id] = (unit.room, "" if court else unit.station)
        if accept:
            mediator = Actor(actor_id=unit.mediator, role=Role.MEDIATOR, scope_id=unit.room)
            case_id = f"rcase-{tag}-{self.serial:02d}"
            self.do(rc.AcceptReferral(referral_id=referral_id, on=D0, case_id=case_id), mediator)
            self.remember(case_id, unit.room, people)
            self.record_cases[referral_id] = case_id
        return referral_id

    def police_case(self, unit: Unit, tag: str) -> str:
        people = self.parties(tag)
        officer = Actor(actor_id="o", role=Role.POLICE_OFFICER, scope_id=unit.station)
        police_case_id = f"pc-{tag}-{self.serial:02d}"
        self.do(
            pc.OpenPoliceCase(
                police_case_id=police_case_id,
                station_id=unit.station,
                case_number=f"{tag}(治)受案字〔2026〕{self.serial}号",
                accepted_on=D0,
                act_on=D0,
                summary=f"{people[0].name}与{people[1].name}推搡",
                parties=people,
                suspect_ids=("p2",),
                assessment=mediable_assessment(),
            ),
            officer,
        )
        self.records[police_case_id] = (unit.room, unit.station)
        referral_id = f"ref-{police_case_id}"
        self.do(entrust(police_case_id, D0, room_id=unit.room, referral_id=referral_id), officer)
        self.records[referral_id] = (unit.room, unit.station)
        return police_case_id

    def dispatch(self, unit: Unit, tag: str) -> str:
        officer = Actor(actor_id="o", role=Role.POLICE_OFFICER, scope_id=unit.station)
        dispatch_id = f"disp-{tag}-{self.serial:02d}"
        self.serial += 1
        self.clock.set(D0)
        self.service.handle(
            dc.RecordDispatch(
                dispatch_id=dispatch_id,
                station_id=unit.station,
                room_id=unit.room,
                incident_number=f"JJ{self.serial:04d}",
                call_received_at=dt.datetime.combine(D0, dt.time(9), CHINA_TZ),
                place="幸福路",
                officers=("民警",),
                summary="邻里争吵",
                mediator_id=unit.mediator,
            ),
            officer,
        )
        self.records[dispatch_id] = (unit.room, unit.station)
        return dispatch_id

    def facts(self) -> Facts:
        return Facts(
            case_room=dict(self.case_room),
            case_names=dict(self.case_names),
            case_ids_numbers=dict(self.case_numbers),
            records=dict(self.records),
            record_cases=dict(self.record_cases),
        )


def build(service: MediationService, clock: StoryClock) -> Facts:
    """Fill ``service`` with the world; return what it holds."""
    service.register(registry(), ADMIN)
    w = Recorder(service, clock)
    for unit, tag in ((A, "甲"), (B, "乙")):
        w.case(unit.room, unit.mediator, tag, steps=4)
        w.case(unit.room, unit.mediator, tag, steps=1)
        w.referral(unit, tag, accept=True)
        w.referral(unit, tag, accept=False)
        w.referral(unit, tag, accept=True, court=True)
        w.police_case(unit, tag)
        w.dispatch(unit, tag)
        director = Actor(actor_id=unit.mediator, role=Role.ROOM_DIRECTOR, scope_id=unit.room)
        w.do(
            ScheduleMeeting(meeting_id=f"meet-{unit.room}", kind=MeetingKind.CASE_ANALYSIS, org_id=unit.room), director
        )
        w.do(
            RecordTraining(
                training_id=f"train-{unit.township}",
                org_id=unit.township,
                on=D0,
                title="人民调解法专题培训",
                kind=TrainingKind.LEGAL_COURSE,
                hours=Decimal(2),
                trainees=(Trainee(person_id=unit.mediator, name="调解员", org_id=unit.room),),
            ),
            Actor(actor_id="t", role=Role.TOWNSHIP, scope_id=unit.township),
        )
        w.do(
            RecordInspection(
                inspection_id=f"insp-{unit.room}",
                org_id=unit.room,
                by_org_id=unit.justice,
                on=D0,
                inspectors=("司法所长",),
                findings="卷宗齐全",
            ),
            Actor(actor_id="j", role=Role.JUSTICE_OFFICE, scope_id=unit.township),
        )
    traffic = w.service.handle(
        attrs.evolve(accident(D0), traffic_id="traffic-1"),
        Actor(actor_id="t-he", role=Role.POLICE_OFFICER, scope_id=BRIGADE),
    )
    w.records[str(traffic.traffic_id)] = (JOINT_ROOM, BRIGADE)
    w.case(JOINT_ROOM, JOINT_MEDIATOR, "丙", steps=2)
    clock.set(dt.date(2026, 6, 2))
    for room in ROOMS:
        service.handle(
            SubmitReturn(org_id=room, period=Period.month(2026, 5), on=dt.date(2026, 6, 2)),
            Actor(actor_id="x", role=Role.ROOM_DIRECTOR, scope_id=room),
        )
    return w.facts()


def scopes(registry_: Registry) -> Iterator[str]:
    """Every organisation id, and two that do not exist."""
    yield from sorted(registry_.organisations)
    yield "nowhere"
    yield "*"
