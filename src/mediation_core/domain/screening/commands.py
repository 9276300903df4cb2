"""Screening commands: record a round, the disputes it found, what followed, and close it."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from mediation_core.domain.screening.kinds import ScreeningAction, ScreeningRisk


@frozen(kw_only=True)
class ScreeningCommand:
    screening_id: str

    @property
    def stream_id(self) -> str:
        return self.screening_id


@frozen(kw_only=True)
class RecordScreening(ScreeningCommand):
    """纠纷排查: the room's ``screeners`` (mediator ids) went round ``area`` on ``on``."""

    room_id: str
    on: dt.date
    area: str
    screeners: tuple[str, ...]


@frozen(kw_only=True)
class RecordFinding(ScreeningCommand):
    """A dispute the round found: its summary, the parties' names when known, its risk and
    what was done: ``case_id`` of the case opened (source 纠纷排查) when mediated,
    ``station_id`` when handed to the police, neither when watched."""

    on: dt.date
    summary: str
    risk: ScreeningRisk
    action: ScreeningAction
    party_names: tuple[str, ...] = ()
    case_id: str | None = None
    station_id: str | None = None
    note: str = ""


@frozen(kw_only=True)
class ActOnFinding(ScreeningCommand):
    """A watched dispute (``finding_no``, counted from 1) is later mediated or handed over."""

    finding_no: int
    on: dt.date
    action: ScreeningAction
    case_id: str | None = None
    station_id: str | None = None
    note: str = ""


@frozen(kw_only=True)
class CloseScreening(ScreeningCommand):
    """The round's entries are complete; no more findings are added to it."""

    on: dt.date
