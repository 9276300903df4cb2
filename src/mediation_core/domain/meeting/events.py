"""Meeting events, each with its stable wire tag. A scheduled meeting carries what was fixed
when it was scheduled (agenda, bodies, members, quorum), so a later registry change does not
rewrite it."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.meeting.agenda import AgendaItem
from mediation_core.domain.meeting.kinds import Body, MeetingKind
from mediation_core.domain.meeting.minutes import ActionItem, Attendee, Decision
from mediation_core.domain.values.deadlines import Deadline


@frozen(kw_only=True)
class MeetingScheduled(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "meeting.scheduled"
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


@frozen(kw_only=True)
class MeetingHeld(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "meeting.held"
    on: dt.date
    attendees: tuple[Attendee, ...]
    minutes: str
    decisions: tuple[Decision, ...]
    action_items: tuple[ActionItem, ...]
    quorum: bool
    missing: tuple[str, ...]
    deadlines: tuple[Deadline, ...]


@frozen(kw_only=True)
class ActionItemCompleted(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "meeting.action_item_completed"
    item: int
    on: dt.date
    note: str = ""


@frozen(kw_only=True)
class MeetingCancelled(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "meeting.cancelled"
    on: dt.date
    reason: str
