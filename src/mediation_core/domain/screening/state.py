"""The screening round: its state, the one transition table, and the fold handlers.

A round is open while its entries are being made and closed once complete; a watched dispute
can still be acted on after the round is closed (what became of it belongs in the ledger).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

import attrs
from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.screening.events import DisputeFound, FindingActedOn, ScreeningClosed, ScreeningRecorded
from mediation_core.domain.screening.kinds import ScreeningAction, ScreeningRisk


class ScreeningStatus(enum.Enum):
    OPEN = "open"  # 排查中
    CLOSED = "closed"  # 已完成

    @property
    def title_zh(self) -> str:
        return "排查中" if self is ScreeningStatus.OPEN else "已完成"


@frozen(kw_only=True)
class ScreeningFinding:
    """One dispute a round found, as it stands: ``acted_on`` is the date of the latest action
    (the finding's own date when it was acted on at once)."""

    finding_no: int
    on: dt.date
    summary: str
    party_names: tuple[str, ...]
    risk: ScreeningRisk
    action: ScreeningAction
    case_id: str | None
    station_id: str | None
    note: str
    acted_on: dt.date


@frozen(kw_only=True)
class Screening:
    """A screening round as the fold of its events."""

    stream_id: str
    version: int
    status: ScreeningStatus
    room_id: str
    on: dt.date
    area: str
    screeners: tuple[str, ...]
    findings: tuple[ScreeningFinding, ...] = ()
    closed_on: dt.date | None = None

    def finding(self, finding_no: int) -> ScreeningFinding | None:
        return next((f for f in self.findings if f.finding_no == finding_no), None)


TRANSITIONS = {
    (None, ScreeningRecorded): ScreeningStatus.OPEN,
    (ScreeningStatus.OPEN, DisputeFound): ScreeningStatus.OPEN,
    (ScreeningStatus.OPEN, FindingActedOn): ScreeningStatus.OPEN,
    (ScreeningStatus.OPEN, ScreeningClosed): ScreeningStatus.CLOSED,
    (ScreeningStatus.CLOSED, FindingActedOn): ScreeningStatus.CLOSED,
}


def start(stream_id: str, e: ScreeningRecorded) -> Screening:
    """The round its creating event makes."""
    return Screening(
        stream_id=stream_id,
        version=0,
        status=ScreeningStatus.OPEN,
        room_id=e.room_id,
        on=e.on,
        area=e.area,
        screeners=e.screeners,
    )


def _found(s: Screening, e: DisputeFound) -> dict[str, Any]:
    finding = ScreeningFinding(
        finding_no=e.finding_no,
        on=e.on,
        summary=e.summary,
        party_names=e.party_names,
        risk=e.risk,
        action=e.action,
        case_id=e.case_id,
        station_id=e.station_id,
        note=e.note,
        acted_on=e.on,
    )
    return {"findings": (*s.findings, finding)}


def _acted(s: Screening, e: FindingActedOn) -> dict[str, Any]:
    changed = tuple(
        attrs.evolve(
            f,
            action=e.action,
            case_id=e.case_id,
            station_id=e.station_id,
            note=e.note or f.note,
            acted_on=e.on,
        )
        if f.finding_no == e.finding_no
        else f
        for f in s.findings
    )
    return {"findings": changed}


APPLY: dict[type[DomainEvent], Callable[[Screening, Any], dict[str, Any]]] = {
    DisputeFound: _found,
    FindingActedOn: _acted,
    ScreeningClosed: lambda s, e: {"closed_on": e.on},
}
"""The field changes each event after the creating one makes."""


FOLD: Fold[Any] = Fold(noun="screening", transitions=TRANSITIONS, start=start, apply=APPLY)
"""The screening round's one transition table and event handlers."""
