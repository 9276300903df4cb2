"""Inspection commands: record an inspection, then its rectification."""

from __future__ import annotations

import datetime as dt

from attrs import frozen


@frozen(kw_only=True)
class InspectionCommand:
    inspection_id: str

    @property
    def stream_id(self) -> str:
        return self.inspection_id


@frozen(kw_only=True)
class RecordInspection(InspectionCommand):
    """督导检查: ``by_org_id`` inspected ``org_id``; problems need ``rectification_due``."""

    org_id: str
    by_org_id: str
    on: dt.date
    inspectors: tuple[str, ...]
    findings: str
    problems: tuple[str, ...] = ()
    rectification_due: dt.date | None = None


@frozen(kw_only=True)
class RecordRectification(InspectionCommand):
    on: dt.date
    note: str
