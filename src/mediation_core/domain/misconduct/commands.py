"""Finding commands: record a finding, or revoke one overturned on review."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from mediation_core.domain.misconduct.kinds import MisconductKind, Sanction


@frozen(kw_only=True)
class FindingCommand:
    finding_id: str

    @property
    def stream_id(self) -> str:
        return self.finding_id


@frozen(kw_only=True)
class RecordMisconduct(FindingCommand):
    """认定违纪: the mediator and their room, the act, the facts, whether it is serious, and
    the sanction."""

    mediator_id: str
    room_id: str
    kind: MisconductKind
    on: dt.date
    facts: str
    case_id: str = ""
    serious: bool = False
    sanction: Sanction = Sanction.CRITICISM


@frozen(kw_only=True)
class RevokeFinding(FindingCommand):
    """撤销: the finding was overturned on review."""

    on: dt.date
    reason: str
