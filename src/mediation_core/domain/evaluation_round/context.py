"""What an evaluation round's decision reads besides the common inputs: the scoring items and
the recorded facts of the year."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.reporting.evaluation import EvaluationInputs, EvaluationItem, item_table


@frozen(kw_only=True)
class EvaluationContext(DecisionContext):
    """``evaluation_items`` are the scoring items (built in and the county's, from
    ``mediation_evaluation_items``) and ``evaluation`` the facts the round reads (``None`` when
    they were not read)."""

    evaluation_items: Mapping[str, EvaluationItem] = field(factory=item_table)
    evaluation: EvaluationInputs | None = None
