"""Archived cases of every origin, for the retention tests: each case comes from a walk-in, a
station's transfer letter, an entrusted 治安 case, a 110 dispatch handed to the room, or a
traffic accident sent to the joint room; each runs intake to archive with a risk flagged on
the way (a risk notice in the outbox) while a case-analysis meeting takes it on its agenda.
Every case has its own names, ID numbers, phones and addresses, written into the free text
of every stream too, so a scan of the store can tell whose data is left.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
from attrs import frozen
from world import JOINT_MEDIATOR, JOINT_ROOM, registry

from builders import D0, LIAISON, OFFICER, TRAFFIC_OFFICER, accident, consents, entrust, police_case, referral
from builders import resident_id as resident_id_of
from mediation_core.app.service import MediationService
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import SignatoryKind
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.meeting.commands import ScheduleMeeting
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.parties import Guardian, NaturalPerson, Side
from mediation_core.domain.values.risks import RiskKind
from mediation_core.testing import scenarios as sc

ROOM = sc.ROOM
MEDIATOR = sc.MEDIATOR
JOINT = Actor(actor_id=JOINT_MEDIATOR, role=Role.MEDIATOR, scope_id=JOINT_ROOM)
DIRECTOR = Actor(actor_id="m-zhang", role=Role.ROOM_DIRECTOR, scope_id=ROOM)
JOINT_DIRECTOR = Actor(actor_id=JOINT_MEDIATOR, role=Role.ROOM_DIRECTOR, scope_id=JOINT_ROOM)
TEN_YEARS_ON = dt.datetime(2036, 7, 1, 10, tzinfo=CHINA_TZ)

_SURNAMES = "欧柯贺钟龚邵嵇缪蒯"
_GIVEN = "澄湛濯漪渥潆瀚沅泓"


class Origin(enum.Enum):
    WALK_IN = "walk_in"
    STATION = "station"
    POLICE = "police"
    DISPATCH = "dispatch"
    TRAFFIC = "traffic"


@frozen(kw_only=True)
class Built:
    case_id: str
    origin: Origin
    secrets: frozenset[str]
    """Every name, ID number, phone and address of the case's people."""
    names: frozenset[str]
    """Every name of the case's people (parties and the guardian)."""


def _name(n: int, side: int) -> str:
    return f"{_SURNAMES[n % 9]}{_GIVEN[n // 9 % 9]}{'甲乙丙'[side]}"


def people(n: int, *, child: bool) -> tuple[NaturalPerson, NaturalPerson]:
    """Case ``n``'s parties: p2 a ten-year-old with a guardian when ``child``."""
    first = NaturalPerson(
        party_id="p1",
        side=Side.APPLICANT,
        name=_name(n, 0),
        id_number=resident_id_of("19800101", 100 + n),
        phone=f"1390000{n:04d}",
        address=f"青石巷{n}号院东",
    )
    second = NaturalPerson(
        party_id="p2",
        side=Side.RESPONDENT,
        name=_name(n, 1),
        id_number=resident_id_of("20160301" if child else "19810202", 100 + n),
        phone="" if child else f"1370000{n:04d}",
        address=f"青石巷{n}号院西",
        guardian=Guardian(
            name=_name(n, 2),
            relation="父亲",
            id_number=resident_id_of("19790303", 100 + n),
            phone=f"1360000{n:04d}",
            consents_to_processing=True,
        )
        if child
        else None,
    )
    return first, second


def secrets_of(parties: tuple[NaturalPerson, ...]) -> frozenset[str]:
    out = set()
    for p in parties:
        out |= {p.name, p.id_number, p.phone, p.address}
        if p.guardian is not None:
            out |= {p.guardian.name, p.guardian.id_number, p.guardian.phone}
    return frozenset(s for s in out if s)


def _at(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(D0 + dt.timedelta(days=days), dt.time(hour, minute), CHINA_TZ)


Step = tuple[dt.datetime, Any, Actor]


def _swap(command: Any, old: str, new: str) -> Any:
    """``command`` with the mediator id ``old`` replaced by ``new`` wherever it stands."""
    changes = {}
    for f in attrs.fields(type(command)):
        value = getattr(command, f.name)
        if value == old:
            changes[f.name] = new
        elif isinstance(value, tuple) and old in value:
            changes[f.name] = tuple(new if v == old else v for v in value)
    return attrs.evolve(command, **changes) if changes else command


def _lifecycle(case_id: str, n: int, parties: tuple[NaturalPerson, NaturalPerson], joint: bool) -> list[Step]:
    """Intake (walk-ins only) to archive, the parties' names and numbers in its free text, a
    risk flagged once mediation has started."""
    a, b = parties
    actor = JOINT if joint else MEDIATOR
    out: list[Step] = []
    for moment, scripted in sc.lifecycle(case_id, serial=n):
        command = scripted
        if isinstance(command, c.ReceiveDispute):
            summary = f"{a.name}（{a.id_number}，{a.phone}，住{a.address}）与{b.name}因排水沟发生争执"
            if b.guardian is not None:
                summary += f"，{b.name}的监护人{b.guardian.name}（{b.guardian.phone}）到场"
            command = attrs.evolve(command, parties=parties, summary=summary)
        elif isinstance(command, c.DraftWrittenAgreement):
            facts = f"{b.name}堵塞排水沟，{a.name}联系电话{a.phone}"
            command = attrs.evolve(command, terms=attrs.evolve(command.terms, facts=facts))
        elif isinstance(command, c.HoldSession):
            command = attrs.evolve(command, summary=f"{a.name}、{b.name}同意协商")
        elif isinstance(command, c.SignAgreement) and command.signer_id == "p2" and b.guardian is not None:
            # a child's agreement is the guardian's to sign
            command = attrs.evolve(command, kind=SignatoryKind.GUARDIAN)
        if joint:
            command = _swap(command, "m-zhang", JOINT_MEDIATOR)
        out.append((moment, command, actor))
        if isinstance(command, c.StartMediation):
            risk = c.FlagRisk(
                case_id=case_id, kind=RiskKind.PUBLIC_ORDER, persons=2, on=moment.date(), note=f"{b.name}扬言报复"
            )
            report = c.ReportToPolice(
                case_id=case_id, on=moment.date(), station_id="pengshanlu-station", reference=f"报告-{n}"
            )
            out += [(moment, risk, actor), (moment, report, actor)]
    return out


def _linked(case_id: str, n: int, origin: Origin, parties: tuple[NaturalPerson, NaturalPerson]) -> list[Step]:
    """The steps before the case exists: the letter (and the record that issued it) and the
    room's acceptance, which opens the case."""
    a, b = parties
    facts = f"{a.name}（电话{a.phone}）与{b.name}（住{b.address}）因琐事争执"
    early = _at(0, 9, 0)
    ref_id = f"ref-{n}"
    if origin is Origin.STATION:
        letter = attrs.evolve(referral(D0, parties, referral_id=ref_id), facts=facts)
        steps = [(early, letter, LIAISON)]
    elif origin is Origin.POLICE:
        pid = f"pc-{n}"
        opened = attrs.evolve(
            police_case(D0, parties, police_case_id=pid),
            case_number=f"彭公(治)受案字〔2026〕{200 + n}号",
            summary=f"{a.name}与{b.name}推搡，{b.name}身份证{b.id_number}",
        )
        steps = [(early, opened, OFFICER), (early, entrust(pid, D0, referral_id=ref_id, facts=facts), OFFICER)]
    elif origin is Origin.DISPATCH:
        did = f"disp-{n}"
        recorded = dc.RecordDispatch(
            dispatch_id=did,
            station_id="pengshanlu-station",
            room_id=ROOM,
            incident_number=f"JJ20260506-{n:04d}",
            call_received_at=_at(0, 8, 30),
            place=a.address,
            officers=("陈警官",),
            summary=f"{a.name}报警称与{b.name}争吵",
            mediator_id="m-zhang",
        )
        handed = dc.HandDispatchToRoom(
            dispatch_id=did,
            on=D0,
            signed_by="王所长",
            category="neighbourhood",
            cause="邻里排水纠纷",
            facts=facts,
            parties=parties,
            consents=consents(D0, "p1", "p2"),
            referral_id=ref_id,
            police_finding=dc.PoliceFinding.CIVIL_ONLY,
            finding_by="陈警官",
        )
        steps = [(early, recorded, OFFICER), (early, handed, OFFICER)]
    else:
        tid = f"traffic-{n}"
        registered = attrs.evolve(
            accident(D0, insurers=()),
            traffic_id=tid,
            parties=parties,
            accident_number=f"5111021202605{n:06d}",
            summary=f"{a.name}驾驶小型轿车与{b.name}的电动自行车相撞",
        )
        sent = tc.SendToPeoplesMediation(
            traffic_id=tid,
            on=D0,
            room_id=JOINT_ROOM,
            letter_number=f"乐公交移调〔2026〕{n + 1}号",
            signed_by="张大队长",
            consents=consents(D0, "p1", "p2"),
            referral_id=ref_id,
        )
        steps = [(early, registered, TRAFFIC_OFFICER), (early, sent, TRAFFIC_OFFICER)]
    accepter = JOINT if origin is Origin.TRAFFIC else MEDIATOR
    return [*steps, (_at(0, 9, 30), rc.AcceptReferral(referral_id=ref_id, on=D0, case_id=case_id), accepter)]


def build(
    service: MediationService,
    clock: sc.ScriptClock,
    plan: list[tuple[Origin, bool]],
    *,
    until: dt.datetime | None = None,
) -> list[Built]:
    """Register the district and run one case per ``plan`` entry (its origin, whether p2 is a
    child) from its origin to its archive (or the steps up to ``until``), the cases' steps
    interleaved by time, with a case-analysis meeting of each room scheduled on day 1 at 15:00,
    while the cases are open and their risks flagged."""
    service.register(registry(), sc.ADMIN)
    steps: list[Step] = []
    built = []
    for n, (origin, child) in enumerate(plan):
        case_id = f"case-{n}"
        parties = people(n, child=child)
        joint = origin is Origin.TRAFFIC
        lifecycle = _lifecycle(case_id, n, parties, joint)
        if origin is not Origin.WALK_IN:
            lifecycle = [s for s in lifecycle if not isinstance(s[1], c.ReceiveDispute | c.AcceptCase)]
            steps += _linked(case_id, n, origin, parties)
        steps += lifecycle
        names = frozenset(n for p in parties for n in (p.name, p.guardian.name if p.guardian else ""))
        built.append(Built(case_id=case_id, origin=origin, secrets=secrets_of(parties), names=names - {""}))
    meetings = [
        (_at(1, 15), ScheduleMeeting(meeting_id="meet-room", kind=MeetingKind.CASE_ANALYSIS, org_id=ROOM), DIRECTOR),
        (
            _at(1, 15),
            ScheduleMeeting(meeting_id="meet-joint", kind=MeetingKind.CASE_ANALYSIS, org_id=JOINT_ROOM),
            JOINT_DIRECTOR,
        ),
    ]
    for moment, command, actor in sorted([*steps, *meetings], key=lambda s: s[0]):
        if until is not None and moment > until:
            break
        clock.now = moment
        service.handle(command, actor)
    return built
