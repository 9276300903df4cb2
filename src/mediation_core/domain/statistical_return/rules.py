"""The return rules, each with its legal basis: after the period, by a reporting body, the
figures read from the ledger, a nil return only when the ledger agrees, resubmissions explained."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.lifecycle import blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.statistical_return.commands import ResubmitReturn, ReturnCommand, SubmitReturn
from mediation_core.domain.statistical_return.context import ReturnContext
from mediation_core.domain.statistical_return.figures import ReturnFigures, diff
from mediation_core.domain.statistical_return.state import StatisticalReturn
from mediation_core.domain.values.organisations import OrgKind

REPORTING_KINDS = frozenset({OrgKind.MEDIATION_ROOM, OrgKind.POLICE_STATION, OrgKind.TOWNSHIP, OrgKind.DISTRICT})
"""Organisations that submit returns."""


@rule(
    "return_period_ended",
    basis="统计报表按期报送 (定期报送协调中心, 地方实践; see docs/legal-basis.md §5.3, §10.4)",
    kind=RuleKind.STANDARD,
    zh="统计期结束后方可报送",
    en="a return is submitted only after its period has ended",
)
def return_period_ended(cmd: ReturnCommand, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.period.end >= ctx.today:
        yield return_period_ended.violation(
            "period",
            f"统计期 {cmd.period.label} 至 {cmd.period.end.isoformat()} 才结束",
            f"period {cmd.period.label} ends on {cmd.period.end.isoformat()}",
        )


@rule(
    "return_scope_known",
    basis="统计报表按组织层级报送 (调解室、派出所、乡镇街道、区)",
    kind=RuleKind.STANDARD,
    zh="报送单位须为登记的调解室、派出所、乡镇（街道）或区",
    en="returns are submitted by a registered room, station, township or district",
)
def return_scope_known(cmd: ReturnCommand, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    org = ctx.registry.org(cmd.org_id)
    if org is None or org.kind not in REPORTING_KINDS:
        yield return_scope_known.violation("org_id", f"{cmd.org_id} 不是报送单位", f"{cmd.org_id} does not report")


@rule(
    "nil_return_matches_ledger",
    basis="零上报 (nil return) ≠ 未报送 (统计一致性; see docs/legal-basis.md §5.3)",
    kind=RuleKind.STANDARD,
    zh="零上报须台账确无数据；台账无数据时应零上报",
    en="a nil return only when the ledger has nothing for the period, and then a nil return",
    section9=(34,),
)
def nil_return_matches_ledger(cmd: SubmitReturn, state: Any, ctx: ReturnContext) -> Iterator[Violation]:
    if ctx.report is None:
        return
    nothing = ctx.report.is_nil
    if cmd.nil and not nothing:
        yield nil_return_matches_ledger.violation(
            "nil",
            f"台账显示本期登记 {ctx.report['received'].cases} 件、办结 {ctx.report['concluded'].cases} 件，不能零上报",
            "the ledger has figures for the period; submit them instead of a nil return",
        )
    elif not cmd.nil and nothing:
        yield nil_return_matches_ledger.violation(
            "nil", "台账本期无数据，应零上报", "the ledger has nothing for the period: submit a nil return"
        )


@rule(
    "ledger_report_read",
    basis="报表数据取自台账 (人民调解统计报表; see docs/legal-basis.md §5.3, docs/statistics.md)",
    kind=RuleKind.STANDARD,
    zh="报表数据须取自台账",
    en="a return locks the figures read from the ledger",
)
def ledger_report_read(cmd: ReturnCommand, state: Any, ctx: ReturnContext) -> Iterator[Violation]:
    report = ctx.report
    if report is None or report.scope_id != cmd.org_id or report.period != cmd.period:
        yield ledger_report_read.violation(
            "period", "未读取本单位本期台账数据", "no ledger report for this scope and period"
        )


@rule(
    "resubmission_explained",
    basis="更正须说明理由并留痕 (统计数据质量)",
    kind=RuleKind.STANDARD,
    zh="重新报送须说明理由，且数据确有变化",
    en="a resubmission gives its reason and changes the figures",
)
def resubmission_explained(cmd: ResubmitReturn, state: StatisticalReturn, ctx: ReturnContext) -> Iterator[Violation]:
    if blank(cmd.reason):
        yield resubmission_explained.violation("reason", "须说明重新报送的理由", "the reason must not be blank")
    if ctx.report is not None and not diff(state.figures, ReturnFigures.of(ctx.report)):
        yield resubmission_explained.violation(
            "period", "台账数据与已报送数据一致，无需重新报送", "the ledger still matches the locked figures"
        )
