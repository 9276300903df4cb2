"""The screening ledger (纠纷排查台账): one line per dispute found, and one line for a round
that found none, so the ledger shows every round held as well as what came of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
from attrs import frozen

from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.screening.state import Screening
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period

NOTHING_FOUND = "未发现矛盾纠纷"
"""The summary of a round's line when it found no dispute."""


@frozen(kw_only=True)
class ScreeningLine:
    """One line of the screening ledger. ``finding_no`` and the finding's columns are empty
    (``None``) on the line of a round that found nothing."""

    screened_on: dt.date
    room_id: str
    room: str
    area: str
    screeners: tuple[str, ...]
    finding_no: int | None
    found_on: dt.date | None
    summary: str
    party_names: tuple[str, ...]
    risk: str | None
    action: str | None
    acted_on: dt.date | None
    case_id: str | None
    station: str | None
    note: str
    screening_id: str


SCREENING_HEADERS_ZH: dict[str, str] = {
    "screened_on": "排查日期",
    "room": "调解室",
    "area": "排查区域",
    "screeners": "排查人员",
    "finding_no": "序号",
    "found_on": "发现日期",
    "summary": "纠纷简要情况",
    "party_names": "当事人",
    "risk": "风险等级",
    "action": "处置情况",
    "acted_on": "处置日期",
    "case_id": "纳入调解案件",
    "station": "移交派出所",
    "note": "备注",
    "screening_id": "排查记录编号",
}
"""The ledger's Chinese headers in column order: the district's ledger terms, with the system's
record id last (``room_id`` is for scoping and the personal-data view, not a column)."""


def screening_ledger(
    rounds: Iterable[Screening], registry: Registry, scope_id: str, period: Period
) -> list[ScreeningLine]:
    """The ledger lines of the rounds held in ``period`` by the rooms of ``scope_id``, by date,
    room and round, each round's findings in the order found."""
    held = sorted(
        (r for r in rounds if r.on in period and in_scope(registry, scope_id, r.room_id)),
        key=lambda r: (r.on, r.room_id, r.stream_id),
    )
    lines: list[ScreeningLine] = []
    for r in held:
        room = registry.org(r.room_id)
        names = tuple(m.name if (m := registry.mediators.get(s)) else s for s in r.screeners)
        base = ScreeningLine(
            screened_on=r.on,
            room_id=r.room_id,
            room=room.name if room else r.room_id,
            area=r.area,
            screeners=names,
            finding_no=None,
            found_on=None,
            summary=NOTHING_FOUND,
            party_names=(),
            risk=None,
            action=None,
            acted_on=None,
            case_id=None,
            station=None,
            note="",
            screening_id=r.stream_id,
        )
        if not r.findings:
            lines.append(base)
        for f in r.findings:
            station = registry.org(f.station_id) if f.station_id else None
            lines.append(
                attrs.evolve(
                    base,
                    finding_no=f.finding_no,
                    found_on=f.on,
                    summary=f.summary,
                    party_names=f.party_names,
                    risk=f.risk.title_zh,
                    action=f.action.title_zh,
                    acted_on=f.acted_on,
                    case_id=f.case_id,
                    station=station.name if station else f.station_id,
                    note=f.note,
                )
            )
    return lines
