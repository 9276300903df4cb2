"""Meeting commands: schedule, hold (with the minutes), complete an action item, cancel.
Not validated in constructors: the decision reports every violation at once."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.minutes import ActionItemDraft, Attendee, Decision


@frozen(kw_only=True)
class MeetingCommand:
    """Base of the meeting commands; ``meeting_id`` names the meeting (the service makes one
    for a new meeting)."""

    meeting_id: str

    @property
    def stream_id(self) -> str:
        return self.meeting_id


@frozen(kw_only=True)
class ScheduleMeeting(MeetingCommand):
    """安排例会: ``on`` is the date, or ``None`` for the policy's proposed working day of the
    current cadence block (the next block's once this one's has passed)."""

    kind: MeetingKind
    org_id: str
    on: dt.date | None = None
    place: str = ""
    convener_id: str = ""


@frozen(kw_only=True)
class HoldMeeting(MeetingCommand):
    """召开并记录: who attended, the minutes, the decisions and the action items."""

    on: dt.date
    attendees: tuple[Attendee, ...]
    minutes: str
    decisions: tuple[Decision, ...] = ()
    action_items: tuple[ActionItemDraft, ...] = ()


@frozen(kw_only=True)
class CompleteActionItem(MeetingCommand):
    """A numbered action item is done."""

    item: int
    on: dt.date
    note: str = ""


@frozen(kw_only=True)
class CancelMeeting(MeetingCommand):
    on: dt.date
    reason: str
