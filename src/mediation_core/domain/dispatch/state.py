"""The 110 dispatch aggregate: its state, the one transition table, and the pure ``evolve``."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from attrs import frozen

from mediation_core.domain.dispatch import events as ev
from mediation_core.domain.dispatch.commands import PoliceFinding
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.values.calendar import local_date


class DispatchStatus(enum.Enum):
    OPEN = "open"  # 已出警
    SETTLED_ON_SCENE = "settled_on_scene"  # 现场调解成功
    HANDED_TO_ROOM = "handed_to_room"  # 移送调解室
    POLICE_MATTER = "police_matter"  # 公安机关依法处理

    @property
    def title_zh(self) -> str:
        return _TITLES[self]


_TITLES = {
    DispatchStatus.OPEN: "已出警",
    DispatchStatus.SETTLED_ON_SCENE: "现场调解成功",
    DispatchStatus.HANDED_TO_ROOM: "移送调解室",
    DispatchStatus.POLICE_MATTER: "公安机关依法处理",
}

D = DispatchStatus
TRANSITIONS: Mapping[tuple[DispatchStatus | None, type[ev.DispatchEvent]], DispatchStatus] = MappingProxyType(
    {
        (None, ev.DispatchRecorded): D.OPEN,
        (D.OPEN, ev.SettledOnScene): D.SETTLED_ON_SCENE,
        (D.OPEN, ev.HandedToRoom): D.HANDED_TO_ROOM,
        (D.OPEN, ev.KeptAsPoliceMatter): D.POLICE_MATTER,
    }
)
"""(status, event type) → next status. DispatchRecorded creates a dispatch in ``open``."""

INITIAL_EVENT = ev.DispatchRecorded
TERMINAL = frozenset(s for s in DispatchStatus if not any(k[0] is s for k in TRANSITIONS))


@frozen(kw_only=True)
class DispatchState:
    dispatch_id: str
    version: int
    status: DispatchStatus
    station_id: str
    room_id: str
    incident_number: str
    call_received_at: dt.datetime
    place: str
    officers: tuple[str, ...]
    summary: str
    mediator_id: str = ""
    concluded_on: dt.date | None = None
    case_id: str | None = None
    referral_id: str | None = None
    reason: str = ""
    police_reference: str = ""
    police_finding: PoliceFinding | None = None
    finding_by: str = ""

    @property
    def call_date(self) -> dt.date:
        """The day of the call in China."""
        return local_date(self.call_received_at)


_APPLY: dict[type[ev.DispatchEvent], Callable[[DispatchState, Any], dict[str, Any]]] = {
    ev.SettledOnScene: lambda s, e: {
        "concluded_on": e.on,
        "case_id": e.case_id,
        "mediator_id": e.mediator_id,
        "police_finding": e.police_finding,
        "finding_by": e.finding_by,
    },
    ev.HandedToRoom: lambda s, e: {
        "concluded_on": e.on,
        "referral_id": e.referral_id,
        "police_finding": e.police_finding,
        "finding_by": e.finding_by,
    },
    ev.KeptAsPoliceMatter: lambda s, e: {
        "concluded_on": e.on,
        "reason": e.reason,
        "police_reference": e.police_reference,
    },
}


def start(dispatch_id: str, event: ev.DispatchRecorded) -> DispatchState:
    """The dispatch its first event makes."""
    return DispatchState(
        dispatch_id=dispatch_id,
        version=1,
        status=DispatchStatus.OPEN,
        station_id=event.station_id,
        room_id=event.room_id,
        incident_number=event.incident_number,
        call_received_at=event.call_received_at,
        place=event.place,
        officers=event.officers,
        summary=event.summary,
        mediator_id=event.mediator_id,
    )


def evolve(state: DispatchState | None, event: ev.DispatchEvent, *, dispatch_id: str = "") -> DispatchState:
    """The dispatch after ``event``. Pure; raises for an event the table does not allow."""
    return FOLD(state, event, dispatch_id)


FOLD: Fold[DispatchState] = Fold(
    noun="dispatch",
    transitions=TRANSITIONS,
    start=start,
    apply=_APPLY,
    event_types=ev.EVENT_TYPES,
)
