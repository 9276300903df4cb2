"""Retention (保管期限) and anonymisation of archived case files (个人信息保护法 arts. 19, 47)."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.domain.case.commands import AnonymiseParties
from mediation_core.domain.case.retention import retention_ends
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule


@rule(
    "retention_period_ended",
    basis="个人信息保护法 第19条、第47条; 卷宗保管期限 (see docs/legal-basis.md §5.1.3, §7.3)",
    kind=RuleKind.HARD,
    zh="案卷保管期限届满前，当事人个人信息只作存储，不得匿名化或删除",
    en="the parties of an archived case are anonymised only once its retention period has ended",
    section9=(38,),
)
def retention_period_ended(cmd: AnonymiseParties, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if state.archived_on is None or state.retention_years is None:
        yield retention_period_ended.violation("status", "案卷尚未归档", "the case file is not archived")
        return
    ends = retention_ends(state.archived_on, state.retention_years)
    if cmd.on < ends:
        yield retention_period_ended.violation(
            "on",
            f"案卷保管期限（{state.retention_years}年）至{ends.isoformat()}届满",
            f"the retention period of {state.retention_years} years runs until {ends.isoformat()}",
        )


@rule(
    "anonymised_once",
    basis="个人信息保护法 第47条 (see docs/legal-basis.md §7.3)",
    kind=RuleKind.HARD,
    zh="当事人信息已匿名化",
    en="the parties of a case are anonymised once",
    section9=(38,),
)
def anonymised_once(cmd: AnonymiseParties, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if state.anonymised_on is not None:
        yield anonymised_once.violation(
            "case_id",
            f"当事人信息已于{state.anonymised_on.isoformat()}匿名化",
            f"the parties were anonymised on {state.anonymised_on.isoformat()}",
        )
