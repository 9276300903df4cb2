"""110 dispatch events."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.dispatch.commands import PoliceFinding
from mediation_core.domain.kernel.event import DomainEvent


@frozen(kw_only=True)
class DispatchEvent(DomainEvent):
    """Base of every dispatch event."""


@frozen(kw_only=True)
class DispatchRecorded(DispatchEvent):
    """接处警记录: the call, where, which officers went, and the mediator who went with them."""

    EVENT_TYPE: ClassVar[str] = "dispatch.recorded"
    station_id: str
    room_id: str
    incident_number: str
    call_received_at: dt.datetime
    place: str
    officers: tuple[str, ...]
    summary: str
    mediator_id: str = ""


@frozen(kw_only=True)
class SettledOnScene(DispatchEvent):
    """现场调解成功: the case registered, mediated and concluded on the scene opens with it."""

    EVENT_TYPE: ClassVar[str] = "dispatch.settled_on_scene"
    on: dt.date
    case_id: str
    mediator_id: str
    police_finding: PoliceFinding | None = None
    finding_by: str = ""


@frozen(kw_only=True)
class HandedToRoom(DispatchEvent):
    """现场未能调解: the dispute goes to the room with a 移送函, issued in the same transaction."""

    EVENT_TYPE: ClassVar[str] = "dispatch.handed_to_room"
    on: dt.date
    referral_id: str
    police_finding: PoliceFinding | None = None
    finding_by: str = ""


@frozen(kw_only=True)
class KeptAsPoliceMatter(DispatchEvent):
    """Not a matter for people's mediation: the station handles it (a 治安 or criminal case …)."""

    EVENT_TYPE: ClassVar[str] = "dispatch.kept_as_police_matter"
    on: dt.date
    reason: str
    police_reference: str = ""


EVENT_TYPES: tuple[type[DispatchEvent], ...] = (DispatchRecorded, SettledOnScene, HandedToRoom, KeptAsPoliceMatter)
