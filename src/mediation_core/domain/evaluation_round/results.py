"""What a round locks and how a revision compares results.

The items are locked as they were scored, so a later policy change does not rewrite a
concluded round; the rules and the builders compute the results the same way, from the facts
the command read.
"""

from __future__ import annotations

from decimal import Decimal

from attrs import frozen

from mediation_core.domain.evaluation_round.context import EvaluationContext
from mediation_core.domain.reporting.evaluation import Dimension, Grade, MediatorResult, evaluate


@frozen(kw_only=True)
class ItemSpec:
    """An item as it was scored in the round (so later policy changes do not rewrite it)."""

    code: str
    dimension: Dimension
    title_zh: str
    max_points: int


@frozen(kw_only=True)
class GradeChange:
    mediator_id: str
    before: Grade | None
    after: Grade | None
    score_before: Decimal | None
    score_after: Decimal | None
    subsidy_before: Decimal
    subsidy_after: Decimal


def changes_between(before: tuple[MediatorResult, ...], after: tuple[MediatorResult, ...]) -> tuple[GradeChange, ...]:
    """The mediators whose grade, score or subsidy moved."""
    old = {r.mediator_id: r for r in before}
    new = {r.mediator_id: r for r in after}
    out = []
    for mediator_id in sorted(set(old) | set(new)):
        a, b = old.get(mediator_id), new.get(mediator_id)
        change = GradeChange(
            mediator_id=mediator_id,
            before=a.grade if a else None,
            after=b.grade if b else None,
            score_before=a.score.total if a else None,
            score_after=b.score.total if b else None,
            subsidy_before=a.subsidy_total if a else Decimal(0),
            subsidy_after=b.subsidy_total if b else Decimal(0),
        )
        if (change.before, change.score_before, change.subsidy_before) != (
            change.after,
            change.score_after,
            change.subsidy_after,
        ):
            out.append(change)
    return tuple(out)


def results_for(ctx: EvaluationContext) -> tuple[MediatorResult, ...]:
    """Every mediator's result from the facts the command read (``ctx.evaluation``)."""
    inputs = ctx.evaluation
    assert inputs is not None
    return evaluate(
        inputs.facts, ctx.evaluation_items, ctx.policy, previous=inputs.previous, subsidies=inputs.subsidies
    )


def item_specs(ctx: EvaluationContext) -> tuple[ItemSpec, ...]:
    """The items the round scores under its policy, as it locks them."""
    return tuple(
        ItemSpec(code=i.code, dimension=i.dimension, title_zh=i.title_zh, max_points=i.points_available(ctx.policy))
        for i in ctx.evaluation_items.values()
        if i.points_available(ctx.policy) > 0
    )
