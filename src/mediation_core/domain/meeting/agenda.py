"""The agenda of a standing meeting (双例会), filled from the ledger.

docs/meetings.md: the agenda is filled from overdue, escalated, difficult and repeat cases. Each
open case of the meeting's scope appears once, with every reason it is on the agenda; open
action items of the organisation's earlier meetings that are due follow, so that decisions
are followed through (督办). A pure function of rows, open deadlines and earlier items.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from attrs import frozen

from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.risks import Difficulty


class AgendaReason(enum.Enum):
    """Why an item is on the agenda, most pressing first."""

    OVERDUE = "overdue"  # 逾期未办结/未回访/未报告
    ESCALATED = "escalated"  # 有激化风险（民转刑、治安、群体性、自杀）
    DIFFICULT = "difficult"  # 疑难复杂、疑难险重
    REPEAT = "repeat"  # 重复纠纷
    ACTION_ITEM = "action_item"  # 上次会议议定事项到期未办结

    @property
    def title_zh(self) -> str:
        return _TITLES[self]


_TITLES = {
    AgendaReason.OVERDUE: "逾期",
    AgendaReason.ESCALATED: "有激化风险",
    AgendaReason.DIFFICULT: "疑难复杂",
    AgendaReason.REPEAT: "重复纠纷",
    AgendaReason.ACTION_ITEM: "议定事项到期未办结",
}
_ORDER = list(AgendaReason)


@frozen(kw_only=True)
class AgendaItem:
    """One agenda entry: a case (``case_id``) or an earlier meeting's action item
    (``meeting_id`` and ``item``), with why it is there."""

    reasons: tuple[AgendaReason, ...]
    title: str
    detail: str = ""
    case_id: str = ""
    number: str | None = None
    room_id: str = ""
    meeting_id: str = ""
    item: int = 0


@frozen(kw_only=True)
class OpenItem:
    """An earlier meeting's action item that is not done yet."""

    meeting_id: str
    item: int
    task: str
    owner_name: str
    due: dt.date
    case_ids: tuple[str, ...] = ()


REPEAT_DAYS = 31
"""A repeat dispute received this many days before the meeting is on its agenda even when closed."""

RISK_COLUMNS = ("civil_to_criminal_persons", "public_order_persons", "mass_incident_persons", "suicide_persons")


def escalated(row: LedgerRow) -> bool:
    """A risk of escalation is on record (人民调解法 art. 25)."""
    return any(getattr(row, column) > 0 for column in RISK_COLUMNS)


def agenda_for(
    rows: Iterable[LedgerRow],
    overdue: Iterable[tuple[str, Deadline]],
    open_items: Iterable[OpenItem],
    *,
    today: dt.date,
    repeat_days: int = REPEAT_DAYS,
) -> tuple[AgendaItem, ...]:
    """The agenda for a meeting held ``today`` over ``rows`` (the scope's ledger).

    A case is listed when it is open and escalated, difficult or a repeat; when one of its
    deadlines in ``overdue`` has passed; or when it is a repeat received in the last
    ``repeat_days`` days, open or not. Action items come after the cases, due ones only."""
    late: dict[str, list[Deadline]] = {}
    for stream_id, deadline in overdue:
        if deadline.due < today:
            late.setdefault(stream_id, []).append(deadline)
    items = []
    for row in sorted(rows, key=lambda r: (r.room_id, r.number or "", r.case_id)):
        is_open = row.outcome is Outcome.OPEN
        reasons = []
        if row.case_id in late:
            reasons.append(AgendaReason.OVERDUE)
        if is_open and escalated(row):
            reasons.append(AgendaReason.ESCALATED)
        if is_open and Difficulty(row.difficulty).is_difficult:
            reasons.append(AgendaReason.DIFFICULT)
        recent = (today - row.received_on).days <= repeat_days
        if row.repeat_of is not None and (is_open or recent):
            reasons.append(AgendaReason.REPEAT)
        if not reasons:
            continue
        overdue_titles = "、".join(sorted({d.kind.title_zh for d in late.get(row.case_id, [])}))
        items.append(
            AgendaItem(
                reasons=tuple(reasons),
                title=f"{row.number or row.case_id} {row.summary}",
                detail=overdue_titles,
                case_id=row.case_id,
                number=row.number,
                room_id=row.room_id,
            )
        )
    items.sort(key=lambda i: (min(_ORDER.index(r) for r in i.reasons), i.room_id, i.number or "", i.case_id))
    for open_item in sorted(open_items, key=lambda o: (o.due, o.meeting_id, o.item)):
        if open_item.due <= today:
            items.append(
                AgendaItem(
                    reasons=(AgendaReason.ACTION_ITEM,),
                    title=open_item.task,
                    detail=f"责任人 {open_item.owner_name}，期限 {open_item.due.isoformat()}",
                    meeting_id=open_item.meeting_id,
                    item=open_item.item,
                )
            )
    return tuple(items)
