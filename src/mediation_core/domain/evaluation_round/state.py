"""The round aggregate: its state, the one transition table, and the fold handlers.

A round has one status, concluded (locked); a revision replaces the locked results and keeps
what changed in ``revisions``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

from attrs import frozen

from mediation_core.domain.evaluation_round.events import EvaluationConcluded, EvaluationRevised
from mediation_core.domain.evaluation_round.results import GradeChange, ItemSpec
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.reporting.evaluation import MediatorResult


class RoundStatus(enum.Enum):
    CONCLUDED = "concluded"

    @property
    def title_zh(self) -> str:
        return "已考评"


@frozen(kw_only=True)
class Revision:
    on: dt.date
    reason: str
    changes: tuple[GradeChange, ...]


@frozen(kw_only=True)
class EvaluationRound:
    """A round as the fold of its events; ``results`` are the locked ones, in rank order."""

    stream_id: str
    version: int
    status: RoundStatus
    scope_id: str
    year: int
    concluded_on: dt.date
    policy: str
    quota: int
    items: tuple[ItemSpec, ...]
    results: tuple[MediatorResult, ...]
    revisions: tuple[Revision, ...] = ()

    def result(self, mediator_id: str) -> MediatorResult | None:
        return next((r for r in self.results if r.mediator_id == mediator_id), None)


TRANSITIONS = {
    (None, EvaluationConcluded): RoundStatus.CONCLUDED,
    (RoundStatus.CONCLUDED, EvaluationRevised): RoundStatus.CONCLUDED,
}


def start(stream_id: str, e: EvaluationConcluded) -> EvaluationRound:
    """The round its creating event makes."""
    return EvaluationRound(
        stream_id=stream_id,
        version=0,
        status=RoundStatus.CONCLUDED,
        scope_id=e.scope_id,
        year=e.year,
        concluded_on=e.on,
        policy=e.policy,
        quota=e.quota,
        items=e.items,
        results=e.results,
    )


def _apply_revised(s: EvaluationRound, e: EvaluationRevised) -> dict[str, Any]:
    return {
        "policy": e.policy,
        "quota": e.quota,
        "items": e.items,
        "results": e.results,
        "revisions": (*s.revisions, Revision(on=e.on, reason=e.reason, changes=e.changes)),
    }


APPLY: dict[type[DomainEvent], Callable[[EvaluationRound, Any], dict[str, Any]]] = {EvaluationRevised: _apply_revised}
"""The field changes each event after the creating one makes."""


FOLD: Fold[Any] = Fold(noun="evaluation", transitions=TRANSITIONS, start=start, apply=APPLY)
"""The evaluation's one transition table and event handlers."""
