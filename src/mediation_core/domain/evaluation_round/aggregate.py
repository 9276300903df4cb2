"""An evaluation round: the year-end evaluation of a scope's mediators, concluded and locked.

The justice office or the coordination centre concludes the round for a district (or a
township, or a room) after the year ends. The service reads every mediator's recorded facts
inside the same command (``DecisionContext.evaluation``); the decision scores and grades them
together (the 优秀 quota is shared), works out the per-case subsidies and staffing flags, and
locks the result. A revision (after a finding is revoked on review, say) recomputes from the
facts as they stand and records what changed and why.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar

from attrs import frozen

from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle, blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.reporting.evaluation import Dimension, Grade, MediatorResult, evaluate, excellent_quota
from mediation_core.domain.values.organisations import OrgKind

EVALUATION_BASIS = "公务员法 第35–39条 (参照); 年终考评 (地方实践; see docs/legal-basis.md §6.2, §10.5)"
EVALUATING_KINDS = frozenset({OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.MEDIATION_ROOM})


def round_id(scope_id: str, year: int) -> str:
    return f"evaluation:{scope_id}:{year}"


class RoundStatus(enum.Enum):
    CONCLUDED = "concluded"

    @property
    def title_zh(self) -> str:
        return "已考评"


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


@frozen(kw_only=True)
class RoundCommand:
    scope_id: str
    year: int

    @property
    def stream_id(self) -> str:
        return round_id(self.scope_id, self.year)


@frozen(kw_only=True)
class ConcludeEvaluation(RoundCommand):
    on: dt.date


@frozen(kw_only=True)
class ReviseEvaluation(RoundCommand):
    on: dt.date
    reason: str


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


# -- rules ---------------------------------------------------------------------------------------
@rule(
    "evaluation_after_year_end",
    basis=EVALUATION_BASIS,
    kind=RuleKind.STANDARD,
    zh="年终考评须在考评年度结束后进行",
    en="a year is evaluated after it has ended",
)
def evaluation_after_year_end(cmd: RoundCommand, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    if ctx.today <= dt.date(cmd.year, 12, 31):
        yield evaluation_after_year_end.violation("year", f"{cmd.year} 年度尚未结束", f"{cmd.year} has not ended")


@rule(
    "evaluation_scope_known",
    basis=EVALUATION_BASIS,
    kind=RuleKind.STANDARD,
    zh="考评范围须为登记的区、乡镇（街道）或调解室，且有调解员",
    en="a round covers a registered district, township or room with mediators",
)
def evaluation_scope_known(cmd: RoundCommand, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    org = ctx.registry.org(cmd.scope_id)
    if org is None or org.kind not in EVALUATING_KINDS:
        yield evaluation_scope_known.violation("scope_id", f"{cmd.scope_id} 不能作为考评范围", "not a scope")
    elif ctx.evaluation is not None and not ctx.evaluation.facts:
        yield evaluation_scope_known.violation("scope_id", f"{org.name} 没有调解员", f"{cmd.scope_id} has no mediators")


@rule(
    "evaluation_facts_read",
    basis="考评依据记录的事实 (docs/evaluation.md)",
    kind=RuleKind.STANDARD,
    zh="考评须依据本范围本年度记录的事实",
    en="a round scores the facts recorded for its scope and year",
)
def evaluation_facts_read(cmd: RoundCommand, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    inputs = ctx.evaluation
    if inputs is None or inputs.scope_id != cmd.scope_id or inputs.year != cmd.year:
        yield evaluation_facts_read.violation("year", "未读取本范围本年度的考评事实", "no facts read for this round")


@rule(
    "one_grade_per_mediator_year",
    basis=EVALUATION_BASIS,
    kind=RuleKind.POLICY,
    zh="每名调解员每年度只评定一个等次",
    en="each mediator gets exactly one grade a year",
    section9=(36,),
)
def one_grade_per_mediator_year(cmd: RoundCommand, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    inputs = ctx.evaluation
    if inputs is None:
        return
    for mediator_id, other in sorted(inputs.graded_elsewhere.items()):
        yield one_grade_per_mediator_year.violation(
            "scope_id",
            f"调解员 {mediator_id} 已在 {other} 中评定 {cmd.year} 年度等次",
            f"mediator {mediator_id} was graded for {cmd.year} in {other}",
        )


@rule(
    "one_subsidy_per_dispute",
    basis=(
        "砚山县以案定补规定 第3条 (地方实践, S20): 以案定补「一案一补」, 同一纠纷多次调解只补助一次 (see "
        "docs/legal-basis.md §6.4)"
    ),
    kind=RuleKind.POLICY,
    zh="同一纠纷只发放一次以案定补，已补助的纠纷不再补助",
    en="a dispute earns one per-case subsidy, and none once an earlier round paid it",
    section9=(35,),
)
def one_subsidy_per_dispute(cmd: RoundCommand, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    inputs = ctx.evaluation
    if inputs is None:
        return
    seen: set[str] = set()
    for line in inputs.subsidies:
        if line.dispute_id in inputs.paid_disputes or line.dispute_id in seen:
            yield one_subsidy_per_dispute.violation(
                "year",
                f"纠纷 {line.dispute_id} 已补助，案件 {line.case_id} 不得再次补助",
                f"dispute {line.dispute_id} was paid already; case {line.case_id} cannot be paid again",
            )
        seen.add(line.dispute_id)


@rule(
    "revision_explained",
    basis=f"{EVALUATION_BASIS}; 更正留痕",
    kind=RuleKind.STANDARD,
    zh="重新考评须说明理由，且结果确有变化",
    en="a revision gives its reason and changes a result",
)
def revision_explained(cmd: ReviseEvaluation, state: EvaluationRound, ctx: DecisionContext) -> Iterator[Violation]:
    if blank(cmd.reason):
        yield revision_explained.violation("reason", "须说明重新考评的理由", "the reason must not be blank")
    if ctx.evaluation is not None and not changes_between(state.results, _results(ctx)):
        yield revision_explained.violation("year", "考评结果没有变化", "the results would not change")


# -- builders ------------------------------------------------------------------------------------
def _results(ctx: DecisionContext) -> tuple[MediatorResult, ...]:
    inputs = ctx.evaluation
    assert inputs is not None
    return evaluate(
        inputs.facts, ctx.evaluation_items, ctx.policy, previous=inputs.previous, subsidies=inputs.subsidies
    )


def _specs(ctx: DecisionContext) -> tuple[ItemSpec, ...]:
    return tuple(
        ItemSpec(code=i.code, dimension=i.dimension, title_zh=i.title_zh, max_points=i.points_available(ctx.policy))
        for i in ctx.evaluation_items.values()
        if i.points_available(ctx.policy) > 0
    )


def _concluded(cmd: ConcludeEvaluation, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    results = _results(ctx)
    return [
        EvaluationConcluded(
            scope_id=cmd.scope_id,
            year=cmd.year,
            on=cmd.on,
            policy=ctx.policy.label,
            quota=excellent_quota(len(results), ctx.policy),
            items=_specs(ctx),
            results=results,
        )
    ]


def _revised(cmd: ReviseEvaluation, state: EvaluationRound, ctx: DecisionContext) -> list[DomainEvent]:
    results = _results(ctx)
    return [
        EvaluationRevised(
            on=cmd.on,
            reason=cmd.reason,
            policy=ctx.policy.label,
            quota=excellent_quota(len(results), ctx.policy),
            items=_specs(ctx),
            results=results,
            changes=changes_between(state.results, results),
        )
    ]


def _start(stream_id: str, e: EvaluationConcluded) -> EvaluationRound:
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


TRANSITIONS = {
    (None, EvaluationConcluded): RoundStatus.CONCLUDED,
    (RoundStatus.CONCLUDED, EvaluationRevised): RoundStatus.CONCLUDED,
}
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
EVALUATION_ROUNDS = Lifecycle(
    name="evaluation",
    transitions=TRANSITIONS,
    start=_start,
    apply={EvaluationRevised: _apply_revised},
    deciders=DECIDERS,
)
