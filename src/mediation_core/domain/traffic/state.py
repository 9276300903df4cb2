"""The traffic accident mediation aggregate: its state, the one transition table, ``evolve``."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.traffic import events as ev
from mediation_core.domain.traffic.accident import (
    Damage,
    Determination,
    ScheduledSession,
    TrafficRoute,
    TrafficSession,
    TrafficSettlement,
    TrafficTermination,
)
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.parties import Party


class TrafficStatus(enum.Enum):
    REGISTERED = "registered"  # 已登记
    APPLIED = "applied"  # 已申请交警调解
    MEDIATING = "mediating"  # 交警调解中
    REFERRED = "referred"  # 人民调解中
    AGREED = "agreed"  # 达成协议
    TERMINATED = "terminated"  # 调解终结

    @property
    def title_zh(self) -> str:
        return _TITLES[self]


_TITLES = {
    TrafficStatus.REGISTERED: "已登记",
    TrafficStatus.APPLIED: "已申请交警调解",
    TrafficStatus.MEDIATING: "交警调解中",
    TrafficStatus.REFERRED: "人民调解中",
    TrafficStatus.AGREED: "达成协议",
    TrafficStatus.TERMINATED: "调解终结",
}

T = TrafficStatus
TRANSITIONS: Mapping[tuple[TrafficStatus | None, type[ev.TrafficEvent]], TrafficStatus] = MappingProxyType(
    {
        (None, ev.AccidentRegistered): T.REGISTERED,
        (T.REGISTERED, ev.AccidentSettledOnTheSpot): T.AGREED,
        (T.REGISTERED, ev.PoliceMediationApplied): T.APPLIED,
        (T.REGISTERED, ev.SentToPeoplesMediation): T.REFERRED,
        (T.APPLIED, ev.PoliceMediationAccepted): T.MEDIATING,
        (T.APPLIED, ev.TrafficMediationTerminated): T.TERMINATED,
        (T.MEDIATING, ev.DamageDetermined): T.MEDIATING,
        (T.MEDIATING, ev.SessionScheduled): T.MEDIATING,
        (T.MEDIATING, ev.SessionChangeRequested): T.MEDIATING,
        (T.MEDIATING, ev.TrafficSessionHeld): T.MEDIATING,
        (T.MEDIATING, ev.MediationDocumentIssued): T.AGREED,
        (T.MEDIATING, ev.TrafficMediationTerminated): T.TERMINATED,
        (T.REFERRED, ev.PeoplesMediationDeclined): T.REGISTERED,
        (T.REFERRED, ev.PeoplesMediationSettled): T.AGREED,
        (T.REFERRED, ev.PeoplesMediationTerminated): T.TERMINATED,
        (T.TERMINATED, ev.PoliceMediationApplied): T.APPLIED,
        (T.TERMINATED, ev.SentToPeoplesMediation): T.REFERRED,
    }
)
"""(status, event type) → next status. AccidentRegistered creates a record in ``registered``."""

INITIAL_EVENT = ev.AccidentRegistered
TERMINAL = frozenset(s for s in TrafficStatus if not any(k[0] is s for k in TRANSITIONS))


@frozen(kw_only=True)
class TrafficState:
    traffic_id: str
    version: int
    status: TrafficStatus
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
    route: TrafficRoute | None = None
    applied_on: dt.date | None = None
    accepted_on: dt.date | None = None
    damages: tuple[Damage, ...] = ()
    start_on: dt.date | None = None
    deadlines: Mapping[DeadlineKind, Deadline] = field(factory=dict)
    scheduled: ScheduledSession | None = None
    sessions: tuple[TrafficSession, ...] = ()
    settlement: TrafficSettlement | None = None
    agreed_on: dt.date | None = None
    on_the_spot: bool = False
    terminated_on: dt.date | None = None
    termination: TrafficTermination | None = None
    peoples_terminated_on: dt.date | None = None
    police_mediation_failed: bool = False
    referral_id: str | None = None
    peoples_case_id: str | None = None

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.party_id for p in self.parties)

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.party_id == party_id), None)

    @property
    def document_due(self) -> dt.date | None:
        deadline = self.deadlines.get(DeadlineKind.TRAFFIC_MEDIATION)
        return deadline.due if deadline else None


def _started(s: TrafficState, start_on: dt.date | None, due: Deadline | None) -> dict[str, Any]:
    if start_on is None or due is None:
        return {}
    return {"start_on": start_on, "deadlines": {**s.deadlines, due.kind: due}}


def _closed(s: TrafficState) -> dict[DeadlineKind, Deadline]:
    return {k: v for k, v in s.deadlines.items() if k is not DeadlineKind.TRAFFIC_MEDIATION}


def _terminated(s: TrafficState, e: ev.TrafficMediationTerminated) -> dict[str, Any]:
    return {
        "terminated_on": e.on,
        "termination": e.reason,
        "police_mediation_failed": True,
        "scheduled": None,
        "deadlines": _closed(s),
    }


def _applied(s: TrafficState, e: ev.PoliceMediationApplied) -> dict[str, Any]:
    fresh = {"accepted_on": None, "damages": (), "start_on": None, "scheduled": None, "sessions": ()}
    return {**fresh, "route": TrafficRoute.POLICE, "applied_on": e.on, "termination": None}


_APPLY: dict[type[ev.TrafficEvent], Callable[[TrafficState, Any], dict[str, Any]]] = {
    ev.AccidentSettledOnTheSpot: lambda s, e: {"route": TrafficRoute.POLICE, "agreed_on": e.on, "on_the_spot": True},
    ev.PoliceMediationApplied: _applied,
    ev.PoliceMediationAccepted: lambda s, e: {
        "accepted_on": e.on,
        "damages": e.damages,
        **_started(s, e.start_on, e.document_due),
    },
    ev.DamageDetermined: lambda s, e: {
        "damages": tuple(e.damage if d.kind is e.damage.kind else d for d in s.damages),
        **_started(s, e.start_on, e.document_due),
    },
    ev.SessionScheduled: lambda s, e: {"scheduled": e.session},
    ev.SessionChangeRequested: lambda s, e: {"scheduled": None},
    ev.TrafficSessionHeld: lambda s, e: {"sessions": (*s.sessions, e.session), "scheduled": None},
    ev.MediationDocumentIssued: lambda s, e: {"settlement": e.settlement, "agreed_on": e.on, "deadlines": _closed(s)},
    ev.TrafficMediationTerminated: _terminated,
    ev.SentToPeoplesMediation: lambda s, e: {
        "route": TrafficRoute.PEOPLES,
        "referral_id": e.referral_id,
        "termination": None,
    },
    ev.PeoplesMediationDeclined: lambda s, e: {"route": None, "referral_id": None},
    ev.PeoplesMediationSettled: lambda s, e: {"peoples_case_id": e.case_id, "agreed_on": e.on},
    ev.PeoplesMediationTerminated: lambda s, e: {
        "peoples_case_id": e.case_id,
        "peoples_terminated_on": e.on,
        "terminated_on": e.on,
    },
}


def start(traffic_id: str, event: ev.AccidentRegistered) -> TrafficState:
    """The traffic record its first event makes."""
    return TrafficState(
        traffic_id=traffic_id,
        version=1,
        status=TrafficStatus.REGISTERED,
        brigade_id=event.brigade_id,
        brigade_name=event.brigade_name,
        room_id=event.room_id,
        accident_number=event.accident_number,
        accident_on=event.accident_on,
        determination=event.determination,
        simple_procedure=event.simple_procedure,
        parties=event.parties,
        insurers=event.insurers,
        summary=event.summary,
    )


def evolve(state: TrafficState | None, event: ev.TrafficEvent, *, traffic_id: str = "") -> TrafficState:
    """The record after ``event``. Pure; raises for an event the table does not allow."""
    return FOLD(state, event, traffic_id)


FOLD: Fold[TrafficState] = Fold(
    noun="traffic record",
    transitions=TRANSITIONS,
    start=start,
    apply=_APPLY,
    event_types=ev.EVENT_TYPES,
)
