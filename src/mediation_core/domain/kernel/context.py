"""What ``decide`` may read besides the command and the state: injected, never looked up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from attrs import field, frozen

from mediation_core.domain.values.calendar import WorkingDayCalendar, local_date
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES, Category
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.policy import Policy


@frozen(kw_only=True)
class DecisionContext:
    """What every decision may read: the clock reading, the county's policy and calendar, the
    registry snapshot and the dispute categories. ``sequence`` is the gap-free number the store
    allocated in the same transaction (for an ``AcceptCase``, the room's next case number);
    ``None`` when the command needs none. An aggregate whose decisions need more declares a
    subclass (``CaseContext``, ``ReturnContext``, ``MeetingContext``, ``EvaluationContext``), and
    the shell looks those inputs up."""

    now: dt.datetime
    policy: Policy
    calendar: WorkingDayCalendar
    registry: Registry = field(factory=Registry)
    categories: Mapping[str, Category] = field(factory=lambda: {c.code: c for c in MINISTRY_CATEGORIES})
    sequence: int | None = None

    @property
    def today(self) -> dt.date:
        """Today's date in China."""
        return local_date(self.now)
