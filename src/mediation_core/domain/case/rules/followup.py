"""Follow-up visits (回访): performance is recorded for agreed cases only."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.domain.case.commands import RecordFollowUp
from mediation_core.domain.case.rules.common import text_required
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule


@rule(
    "follow_up_records_performance",
    basis="人民调解法 第31条; 人民调解回访记录 (see docs/legal-basis.md §1.4.8)",
    kind=RuleKind.STANDARD,
    zh="回访达成协议的案件须记录履行情况；终止调解的案件不记录履行情况",
    en="a visit to an agreed case records performance; a terminated case has none to record",
)
def follow_up_records_performance(cmd: RecordFollowUp, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    yield from text_required(cmd, ("visitor_id",), follow_up_records_performance)
    if state.agreement is not None and cmd.performance is None:
        yield follow_up_records_performance.violation(
            "performance", "须记录协议履行情况", "record how the agreement was performed"
        )
    if state.agreement is None and cmd.performance is not None:
        yield follow_up_records_performance.violation(
            "performance", "本案无协议，不记录履行情况", "the case has no agreement to perform"
        )
    if state.concluded_on is not None and cmd.on < state.concluded_on:
        yield follow_up_records_performance.violation("on", "回访日期早于结案日期", "the visit predates the conclusion")
