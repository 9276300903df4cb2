"""Scheduling a mediation session: a date ahead, inside the mediation term."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.domain.case.commands import ScheduleSession
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule


@rule(
    "session_scheduled_within_term",
    basis="人民调解工作若干规定 第33条 (调解期限); 人民调解法 第21条 (及时调解)",
    kind=RuleKind.POLICY,
    zh="调解会须定在安排之日以后、调解期限届满之前",
    en="a session is fixed for a day on or after the scheduling day and within the mediation term",
    section9=(14,),
)
def session_scheduled_within_term(cmd: ScheduleSession, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.session_on < cmd.on:
        yield session_scheduled_within_term.violation(
            "session_on", "调解日期早于安排日期", "the session is fixed for a day before it was scheduled"
        )
    term = state.term
    if term is not None and cmd.session_on > term.due:
        yield session_scheduled_within_term.violation(
            "session_on",
            f"调解期限于 {term.due.isoformat()} 届满",
            f"the mediation term ends on {term.due.isoformat()}",
        )
