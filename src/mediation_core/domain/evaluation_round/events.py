"""Round events, each with its stable wire tag; each carries the policy, items and results it
locks."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.evaluation_round.results import GradeChange, ItemSpec
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.reporting.evaluation import MediatorResult


@frozen(kw_only=True)
class EvaluationConcluded(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "evaluation.concluded"
    scope_id: str
    year: int
    on: dt.date
    policy: str
    quota: int
    items: tuple[ItemSpec, ...]
    results: tuple[MediatorResult, ...]


@frozen(kw_only=True)
class EvaluationRevised(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "evaluation.revised"
    on: dt.date
    reason: str
    policy: str
    quota: int
    items: tuple[ItemSpec, ...]
    results: tuple[MediatorResult, ...]
    changes: tuple[GradeChange, ...]
