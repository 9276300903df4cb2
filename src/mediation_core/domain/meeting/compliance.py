"""The compliance report: per township and room in scope and per cadence block, whether its
meeting was held with its quorum; and a mediator's attendance, which the evaluation counts.

A pure function of the meetings' states, so the service and the tests read the same answer.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from attrs import frozen

from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.state import Meeting, MeetingStatus
from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy


class Compliance(enum.Enum):
    """How an organisation stands for one cadence block."""

    HELD = "held"  # 按期召开，出席达标
    NO_QUORUM = "no_quorum"  # 召开但出席不达标
    MISSED = "missed"  # 未召开
    PENDING = "pending"  # 本期尚未结束，尚未召开

    @property
    def title_zh(self) -> str:
        return {"held": "按期召开", "no_quorum": "出席不达标", "missed": "未召开", "pending": "待召开"}[self.value]


@frozen(kw_only=True)
class MeetingSlot:
    """One organisation's meeting obligation for one cadence block, and how it was met."""

    kind: MeetingKind
    org_id: str
    org_name: str
    slot: Period
    compliance: Compliance
    meeting_ids: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    overdue_items: int = 0


def compliance(
    meetings: Iterable[Meeting],
    *,
    registry: Registry,
    scope_id: str,
    period: Period,
    policy: Policy,
    today: dt.date,
) -> list[MeetingSlot]:
    """For every township (joint meeting) and room (case-analysis meeting) in scope and every
    cadence block of ``period``: held with quorum, held without it, missed, or still pending.

    A block counts as held when at least one meeting of that kind was held in it with its
    quorum; cancelled meetings do not count. ``overdue_items`` counts the open action items
    past due of the meetings held in the block."""
    by_org: dict[tuple[MeetingKind, str], list[Meeting]] = {}
    for m in meetings:
        by_org.setdefault((m.kind, m.org_id), []).append(m)
    out = []
    for kind in MeetingKind:
        holders = sorted(
            (
                o
                for o in registry.organisations.values()
                if o.kind is kind.held_by and in_scope(registry, scope_id, o.org_id)
            ),
            key=lambda o: o.org_id,
        )
        for org in holders:
            for slot in period.slots(kind.cadence(policy)):
                held = [
                    m
                    for m in by_org.get((kind, org.org_id), [])
                    if m.status is MeetingStatus.HELD and m.held_on in slot
                ]
                overdue = sum(1 for m in held for i in m.open_items() if i.due < today)
                missing: tuple[str, ...] = ()
                if any(m.quorum for m in held):
                    state = Compliance.HELD
                elif held:
                    state = Compliance.NO_QUORUM
                    missing = tuple(dict.fromkeys(x for m in held for x in m.missing))
                else:
                    state = Compliance.PENDING if slot.end >= today else Compliance.MISSED
                out.append(
                    MeetingSlot(
                        kind=kind,
                        org_id=org.org_id,
                        org_name=org.name,
                        slot=slot,
                        compliance=state,
                        meeting_ids=tuple(m.stream_id for m in held),
                        missing=missing,
                        overdue_items=overdue,
                    )
                )
    return out


def attendance(meetings: Iterable[Meeting], mediator_id: str, room_id: str, period: Period) -> tuple[int, int]:
    """(held case-analysis meetings of the room in ``period``, those the mediator attended)."""
    held = [
        m
        for m in meetings
        if m.kind is MeetingKind.CASE_ANALYSIS
        and m.org_id == room_id
        and m.status is MeetingStatus.HELD
        and m.held_on in period
    ]
    return len(held), sum(1 for m in held if m.attended(mediator_id))
