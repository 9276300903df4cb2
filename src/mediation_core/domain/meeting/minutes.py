"""What a held meeting records: who came, what was decided, and who does what by when.

Action items are numbered when the meeting is held; their due dates become deadlines and the
agenda of the next meeting lists those still open (督办).
"""

from __future__ import annotations

import datetime as dt

from attrs import frozen


@frozen(kw_only=True)
class Attendee:
    """Someone at the meeting, and the organisation they came for."""

    person_id: str
    name: str
    org_id: str


@frozen(kw_only=True)
class Decision:
    """A decision in the minutes (会议议定), with the cases it concerns."""

    text: str
    case_ids: tuple[str, ...] = ()


@frozen(kw_only=True)
class ActionItemDraft:
    """An action item as the minutes record it: who does what by when, for which cases."""

    owner_id: str
    owner_name: str
    owner_org_id: str
    task: str
    due: dt.date
    case_ids: tuple[str, ...] = ()


@frozen(kw_only=True)
class ActionItem:
    """A numbered action item of a held meeting; ``done_on`` once completed."""

    item: int
    owner_id: str
    owner_name: str
    owner_org_id: str
    task: str
    due: dt.date
    case_ids: tuple[str, ...] = ()
    done_on: dt.date | None = None
    note: str = ""

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due
