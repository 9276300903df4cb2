"""What a meeting's decision reads besides the common inputs: what the ledger holds for it."""

from __future__ import annotations

from attrs import frozen

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.meeting.agenda import AgendaItem


@frozen(kw_only=True)
class MeetingContext(DecisionContext):
    """``agenda`` is the agenda a scheduled meeting takes from the ledger, and ``scope_cases``
    the case ids of the meeting's scope that its decisions and action items may name."""

    agenda: tuple[AgendaItem, ...] = ()
    scope_cases: frozenset[str] = frozenset()
