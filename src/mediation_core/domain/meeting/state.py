"""The meeting aggregate: its state, the one transition table, and the fold handlers.

``TRANSITIONS`` maps (status or ``None``, event type) to the next status; nothing else changes
a meeting's status, and the table in ``docs/meetings.md`` is generated from it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator
from typing import Any

import attrs
from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.meeting.agenda import AgendaItem, OpenItem
from mediation_core.domain.meeting.events import ActionItemCompleted, MeetingCancelled, MeetingHeld, MeetingScheduled
from mediation_core.domain.meeting.kinds import Body, MeetingKind
from mediation_core.domain.meeting.minutes import ActionItem, Attendee, Decision
from mediation_core.domain.values.deadlines import Deadline


class MeetingStatus(enum.Enum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def title_zh(self) -> str:
        return {"scheduled": "已安排", "held": "已召开", "cancelled": "已取消"}[self.value]


@frozen(kw_only=True)
class Meeting:
    """A meeting as the fold of its events."""

    stream_id: str
    version: int
    status: MeetingStatus
    kind: MeetingKind
    org_id: str
    on: dt.date
    place: str
    convener_id: str
    agenda: tuple[AgendaItem, ...]
    bodies: tuple[Body, ...]
    members: tuple[str, ...]
    quorum_needed: int
    due: Deadline
    held_on: dt.date | None = None
    attendees: tuple[Attendee, ...] = ()
    minutes: str = ""
    decisions: tuple[Decision, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    quorum: bool | None = None
    missing: tuple[str, ...] = ()
    item_deadlines: tuple[Deadline, ...] = ()
    cancelled_on: dt.date | None = None
    cancel_reason: str = ""

    @property
    def deadlines(self) -> tuple[Deadline, ...]:
        """Open deadlines: the meeting date while scheduled, then each open action item."""
        if self.status is MeetingStatus.SCHEDULED:
            return (self.due,)
        done = {str(i.item) for i in self.action_items if i.done_on is not None}
        return tuple(d for d in self.item_deadlines if d.ref not in done)

    def open_items(self) -> Iterator[OpenItem]:
        for i in self.action_items:
            if i.done_on is None:
                yield OpenItem(
                    meeting_id=self.stream_id,
                    item=i.item,
                    task=i.task,
                    owner_name=i.owner_name,
                    due=i.due,
                    case_ids=i.case_ids,
                )

    def attended(self, person_id: str) -> bool:
        return any(a.person_id == person_id for a in self.attendees)


S = MeetingStatus
TRANSITIONS = {
    (None, MeetingScheduled): S.SCHEDULED,
    (S.SCHEDULED, MeetingHeld): S.HELD,
    (S.SCHEDULED, MeetingCancelled): S.CANCELLED,
    (S.HELD, ActionItemCompleted): S.HELD,
}


def start(stream_id: str, e: MeetingScheduled) -> Meeting:
    """The meeting its creating event makes."""
    return Meeting(
        stream_id=stream_id,
        version=0,
        status=MeetingStatus.SCHEDULED,
        kind=e.kind,
        org_id=e.org_id,
        on=e.on,
        place=e.place,
        convener_id=e.convener_id,
        agenda=e.agenda,
        bodies=e.bodies,
        members=e.members,
        quorum_needed=e.quorum_needed,
        due=e.due,
    )


def _apply_held(s: Meeting, e: MeetingHeld) -> dict[str, Any]:
    return {
        "held_on": e.on,
        "attendees": e.attendees,
        "minutes": e.minutes,
        "decisions": e.decisions,
        "action_items": e.action_items,
        "quorum": e.quorum,
        "missing": e.missing,
        "item_deadlines": e.deadlines,
    }


def _apply_completed(s: Meeting, e: ActionItemCompleted) -> dict[str, Any]:
    items = tuple(attrs.evolve(i, done_on=e.on, note=e.note) if i.item == e.item else i for i in s.action_items)
    return {"action_items": items}


def _apply_cancelled(s: Meeting, e: MeetingCancelled) -> dict[str, Any]:
    return {"cancelled_on": e.on, "cancel_reason": e.reason}


APPLY: dict[type[DomainEvent], Callable[[Meeting, Any], dict[str, Any]]] = {
    MeetingHeld: _apply_held,
    ActionItemCompleted: _apply_completed,
    MeetingCancelled: _apply_cancelled,
}
"""The field changes each event after the creating one makes."""


FOLD: Fold[Any] = Fold(noun="meeting", transitions=TRANSITIONS, start=start, apply=APPLY)
"""The meeting's one transition table and event handlers."""
