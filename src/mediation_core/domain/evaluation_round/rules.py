"""The round rules, each with its legal basis: after the year, for a known scope, from the
facts read, one grade per mediator a year, one subsidy per dispute, revisions explained."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from mediation_core.domain.evaluation_round.commands import ReviseEvaluation, RoundCommand
from mediation_core.domain.evaluation_round.context import EvaluationContext
from mediation_core.domain.evaluation_round.results import changes_between, results_for
from mediation_core.domain.evaluation_round.state import EvaluationRound
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.lifecycle import blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.values.organisations import OrgKind

EVALUATION_BASIS = "公务员法 第35–39条 (参照); 年终考评 (地方实践; see docs/legal-basis.md §6.2, §10.5)"
EVALUATING_KINDS = frozenset({OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.MEDIATION_ROOM})


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
def evaluation_scope_known(cmd: RoundCommand, state: Any, ctx: EvaluationContext) -> Iterator[Violation]:
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
def evaluation_facts_read(cmd: RoundCommand, state: Any, ctx: EvaluationContext) -> Iterator[Violation]:
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
def one_grade_per_mediator_year(cmd: RoundCommand, state: Any, ctx: EvaluationContext) -> Iterator[Violation]:
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
def one_subsidy_per_dispute(cmd: RoundCommand, state: Any, ctx: EvaluationContext) -> Iterator[Violation]:
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
def revision_explained(cmd: ReviseEvaluation, state: EvaluationRound, ctx: EvaluationContext) -> Iterator[Violation]:
    if blank(cmd.reason):
        yield revision_explained.violation("reason", "须说明重新考评的理由", "the reason must not be blank")
    if ctx.evaluation is not None and not changes_between(state.results, results_for(ctx)):
        yield revision_explained.violation("year", "考评结果没有变化", "the results would not change")
