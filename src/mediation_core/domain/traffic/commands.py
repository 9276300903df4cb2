"""Traffic accident mediation commands, issued by the traffic police."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from mediation_core.domain.referral.letters import ConsentEvidence, FeedbackKind
from mediation_core.domain.traffic.accident import (
    Damage,
    DamageKind,
    Determination,
    JointBody,
    Participant,
    TrafficSettlement,
    TrafficTermination,
)
from mediation_core.domain.values.parties import Party


@frozen(kw_only=True)
class TrafficCommand:
    """Base of every traffic command; ``traffic_id`` names the accident's mediation record."""

    traffic_id: str


@frozen(kw_only=True)
class RegisterAccident(TrafficCommand):
    """The accident's compensation dispute at the joint mediation room (联合调解室)."""

    brigade_id: str
    room_id: str
    accident_number: str
    accident_on: dt.date
    determination: Determination
    parties: tuple[Party, ...]
    summary: str
    simple_procedure: bool = False
    insurers: tuple[str, ...] = ()


@frozen(kw_only=True)
class MediateAccidentOnTheSpot(TrafficCommand):
    """简易程序: the officer mediates on the spot at the parties' joint request."""

    on: dt.date
    officer: str
    requested_by: tuple[str, ...]
    signed_by: tuple[str, ...]
    determination_disputed: bool
    content: str


@frozen(kw_only=True)
class ApplyPoliceMediation(TrafficCommand):
    on: dt.date
    applicant_ids: tuple[str, ...]
    written: bool


@frozen(kw_only=True)
class AcceptPoliceMediation(TrafficCommand):
    """``damages`` lists every kind of damage, each with its trigger date when already known."""

    on: dt.date
    damages: tuple[Damage, ...]


@frozen(kw_only=True)
class RecordDamageDetermined(TrafficCommand):
    on: dt.date
    kind: DamageKind


@frozen(kw_only=True)
class ScheduleTrafficSession(TrafficCommand):
    """Fix a session with the parties, notified ``on`` (orally notices go on the record)."""

    on: dt.date
    session_on: dt.date
    place: str


@frozen(kw_only=True)
class RequestSessionChange(TrafficCommand):
    on: dt.date
    requested_by: str
    reason: str


@frozen(kw_only=True)
class HoldTrafficSession(TrafficCommand):
    on: dt.date
    place: str
    bodies: frozenset[JointBody]
    participants: tuple[Participant, ...]
    summary: str
    public: bool = True
    private_requested_by: tuple[str, ...] = ()


@frozen(kw_only=True)
class IssueMediationDocument(TrafficCommand):
    on: dt.date
    settlement: TrafficSettlement
    signed_by: tuple[str, ...]


@frozen(kw_only=True)
class TerminateTrafficMediation(TrafficCommand):
    on: dt.date
    reason: TrafficTermination
    party_id: str = ""
    note: str = ""


@frozen(kw_only=True)
class SendToPeoplesMediation(TrafficCommand):
    """The parties chose people's mediation (公通字〔2010〕29号): a transfer letter to the room."""

    on: dt.date
    room_id: str
    letter_number: str
    signed_by: str
    consents: tuple[ConsentEvidence, ...] = ()
    referral_id: str = ""


@frozen(kw_only=True)
class ReceivePeoplesMediationReport(TrafficCommand):
    """The room's answer. Issued only by the service, as a follow-on."""

    referral_id: str
    on: dt.date
    kind: FeedbackKind
    case_id: str = ""
    note: str = ""


COMMAND_TYPES: tuple[type[TrafficCommand], ...] = (
    RegisterAccident,
    MediateAccidentOnTheSpot,
    ApplyPoliceMediation,
    AcceptPoliceMediation,
    RecordDamageDetermined,
    ScheduleTrafficSession,
    RequestSessionChange,
    HoldTrafficSession,
    IssueMediationDocument,
    TerminateTrafficMediation,
    SendToPeoplesMediation,
    ReceivePeoplesMediationReport,
)
INTERNAL: tuple[type[TrafficCommand], ...] = (ReceivePeoplesMediationReport,)
