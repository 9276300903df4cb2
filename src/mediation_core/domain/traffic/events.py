"""Traffic accident mediation events."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.traffic.accident import (
    Damage,
    Determination,
    ScheduledSession,
    TrafficSession,
    TrafficSettlement,
    TrafficTermination,
)
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.parties import Party


@frozen(kw_only=True)
class TrafficEvent(DomainEvent):
    """Base of every traffic accident mediation event."""


@frozen(kw_only=True)
class AccidentRegistered(TrafficEvent):
    """The compensation dispute of one accident, with the determination the parties received."""

    EVENT_TYPE: ClassVar[str] = "traffic.registered"
    brigade_id: str
    brigade_name: str
    room_id: str
    accident_number: str
    accident_on: dt.date
    determination: Determination
    simple_procedure: bool
    parties: tuple[Party, ...]
    insurers: tuple[str, ...]
    summary: str


@frozen(kw_only=True)
class AccidentSettledOnTheSpot(TrafficEvent):
    """简易程序当场调解, recorded on the 认定书 (S9 arts. 23–26)."""

    EVENT_TYPE: ClassVar[str] = "traffic.settled_on_the_spot"
    on: dt.date
    officer: str
    content: str


@frozen(kw_only=True)
class PoliceMediationApplied(TrafficEvent):
    """The parties' joint written application for traffic police mediation."""

    EVENT_TYPE: ClassVar[str] = "traffic.police_mediation_applied"
    on: dt.date
    applicant_ids: tuple[str, ...]


@frozen(kw_only=True)
class PoliceMediationAccepted(TrafficEvent):
    """Accepted; mediation starts on the later of acceptance and every damage's trigger."""

    EVENT_TYPE: ClassVar[str] = "traffic.police_mediation_accepted"
    on: dt.date
    damages: tuple[Damage, ...]
    start_on: dt.date | None = None
    document_due: Deadline | None = None


@frozen(kw_only=True)
class DamageDetermined(TrafficEvent):
    """A damage's trigger happened (funeral over, treatment ended, disability assessed, loss fixed)."""

    EVENT_TYPE: ClassVar[str] = "traffic.damage_determined"
    damage: Damage
    start_on: dt.date | None = None
    document_due: Deadline | None = None


@frozen(kw_only=True)
class SessionScheduled(TrafficEvent):
    EVENT_TYPE: ClassVar[str] = "traffic.session_scheduled"
    session: ScheduledSession


@frozen(kw_only=True)
class SessionChangeRequested(TrafficEvent):
    EVENT_TYPE: ClassVar[str] = "traffic.session_change_requested"
    on: dt.date
    requested_by: str
    reason: str


@frozen(kw_only=True)
class TrafficSessionHeld(TrafficEvent):
    """A joint session and which of the four bodies took part."""

    EVENT_TYPE: ClassVar[str] = "traffic.session_held"
    session: TrafficSession


@frozen(kw_only=True)
class MediationDocumentIssued(TrafficEvent):
    """调解书, signed by every party and served on each."""

    EVENT_TYPE: ClassVar[str] = "traffic.mediation_document_issued"
    on: dt.date
    settlement: TrafficSettlement
    signed_by: tuple[str, ...]


@frozen(kw_only=True)
class TrafficMediationTerminated(TrafficEvent):
    """调解终结书: a lawsuit, an unexcused absence, a withdrawal, or no agreement."""

    EVENT_TYPE: ClassVar[str] = "traffic.mediation_terminated"
    on: dt.date
    reason: TrafficTermination
    party_id: str = ""
    note: str = ""
    late: bool = False


@frozen(kw_only=True)
class SentToPeoplesMediation(TrafficEvent):
    """The parties chose people's mediation; the transfer letter is issued in the same transaction."""

    EVENT_TYPE: ClassVar[str] = "traffic.sent_to_peoples_mediation"
    on: dt.date
    referral_id: str
    room_id: str


@frozen(kw_only=True)
class PeoplesMediationDeclined(TrafficEvent):
    """The room did not take the dispute; back to where it was."""

    EVENT_TYPE: ClassVar[str] = "traffic.peoples_mediation_declined"
    on: dt.date
    referral_id: str
    note: str = ""


@frozen(kw_only=True)
class PeoplesMediationSettled(TrafficEvent):
    EVENT_TYPE: ClassVar[str] = "traffic.peoples_mediation_settled"
    on: dt.date
    referral_id: str
    case_id: str


@frozen(kw_only=True)
class PeoplesMediationTerminated(TrafficEvent):
    """The room's termination opens the 3-day window for police mediation (S9 art. 85)."""

    EVENT_TYPE: ClassVar[str] = "traffic.peoples_mediation_terminated"
    on: dt.date
    referral_id: str
    case_id: str
    note: str = ""


EVENT_TYPES: tuple[type[TrafficEvent], ...] = (
    AccidentRegistered,
    AccidentSettledOnTheSpot,
    PoliceMediationApplied,
    PoliceMediationAccepted,
    DamageDetermined,
    SessionScheduled,
    SessionChangeRequested,
    TrafficSessionHeld,
    MediationDocumentIssued,
    TrafficMediationTerminated,
    SentToPeoplesMediation,
    PeoplesMediationDeclined,
    PeoplesMediationSettled,
    PeoplesMediationTerminated,
)
