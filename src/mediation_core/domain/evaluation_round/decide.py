"""The round decisions: per command the rules that guard it and the events it records, and
:data:`EVALUATION_ROUNDS`, the lifecycle the service runs them through."""

from __future__ import annotations

from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.evaluation_round.commands import ConcludeEvaluation, ReviseEvaluation
from mediation_core.domain.evaluation_round.context import EvaluationContext
from mediation_core.domain.evaluation_round.events import EvaluationConcluded, EvaluationRevised
from mediation_core.domain.evaluation_round.results import changes_between, item_specs, results_for
from mediation_core.domain.evaluation_round.rules import (
    EVALUATION_BASIS,
    evaluation_after_year_end,
    evaluation_facts_read,
    evaluation_scope_known,
    one_grade_per_mediator_year,
    one_subsidy_per_dispute,
    revision_explained,
)
from mediation_core.domain.evaluation_round.state import FOLD, TRANSITIONS, EvaluationRound
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.reporting.evaluation import excellent_quota


def _concluded(cmd: ConcludeEvaluation, state: None, ctx: EvaluationContext) -> list[DomainEvent]:
    results = results_for(ctx)
    return [
        EvaluationConcluded(
            scope_id=cmd.scope_id,
            year=cmd.year,
            on=cmd.on,
            policy=ctx.policy.label,
            quota=excellent_quota(len(results), ctx.policy),
            items=item_specs(ctx),
            results=results,
        )
    ]


def _revised(cmd: ReviseEvaluation, state: EvaluationRound, ctx: EvaluationContext) -> list[DomainEvent]:
    results = results_for(ctx)
    return [
        EvaluationRevised(
            on=cmd.on,
            reason=cmd.reason,
            policy=ctx.policy.label,
            quota=excellent_quota(len(results), ctx.policy),
            items=item_specs(ctx),
            results=results,
            changes=changes_between(state.results, results),
        )
    ]


DECIDERS: dict[type, Decider] = {}
evaluation_lifecycle = lifecycle_rule(
    "evaluation_lifecycle",
    what_zh="年度考评",
    what_en="evaluation round",
    id_field="year",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=EvaluationConcluded,
    basis=EVALUATION_BASIS,
)
_COMMON = (evaluation_lifecycle, date_not_in_future, evaluation_after_year_end, evaluation_facts_read)
DECIDERS.update(
    {
        ConcludeEvaluation: Decider(
            emits=EvaluationConcluded,
            rules=(*_COMMON, evaluation_scope_known, one_grade_per_mediator_year, one_subsidy_per_dispute),
            build=_concluded,
        ),
        ReviseEvaluation: Decider(
            emits=EvaluationRevised,
            rules=(
                *_COMMON,
                evaluation_scope_known,
                one_grade_per_mediator_year,
                one_subsidy_per_dispute,
                revision_explained,
            ),
            build=_revised,
        ),
    }
)
EVALUATION_ROUNDS = Lifecycle(name="evaluation", fold=FOLD, deciders=DECIDERS, context=EvaluationContext)
