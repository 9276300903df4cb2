"""What a screening decision reads besides the common inputs: the room's cases."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen

from mediation_core.domain.kernel.context import DecisionContext


@frozen(kw_only=True)
class ScreeningContext(DecisionContext):
    """``room_cases`` maps the case ids of the round's room to their source (a
    :class:`~mediation_core.domain.values.sources.CaseSource` value): a mediated finding
    names one of them, opened from screening."""

    room_cases: Mapping[str, str] = field(factory=dict)
