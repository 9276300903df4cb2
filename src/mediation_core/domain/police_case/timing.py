"""How the 治安 case's time limit is counted: calendar days whose last day moves past a rest day
(公安机关办理行政案件程序规定 art. 35), stopped while an assessment runs (art. 165)
(docs/legal-basis.md §2.7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from mediation_core.domain.case.rules.common import text_required
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.police_case.commands import RecordAssessment, StartAssessment
from mediation_core.domain.police_case.state import PoliceCaseState
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind, period_deadline

PROCEDURE_EDITION = "公安机关办理行政案件程序规定（2020年修正）"
"""The edition of the procedure rule whose arts. 35 and 165 the counting follows."""

COUNTING_BASIS = f"{PROCEDURE_EDITION} 第35条 (期间的最后一日是节假日的，以节假日后的第一日为期满日期)"
PAUSE_BASIS = f"{PROCEDURE_EDITION} 第165条第2款 (为了查明案情进行鉴定的期间，不计入办案期限)"


def limit_from(start: dt.date, days: int, basis: str, ctx: DecisionContext) -> Deadline:
    """The time limit ``days`` calendar days after ``start``, rolled past a rest day (art. 35)."""
    return period_deadline(
        DeadlineKind.POLICE_TIME_LIMIT,
        start=start,
        days=days,
        basis=f"{basis}; {COUNTING_BASIS}",
        policy=ctx.policy,
        calendar=ctx.calendar,
    )


def assessment_days(started_on: dt.date, issued_on: dt.date) -> int:
    """Days the assessment took: from the day it was commissioned to the day the result came.
    The limit stopped on ``started_on`` and runs again from ``issued_on``."""
    return max((issued_on - started_on).days, 0)


def resumed(paused: Deadline, started_on: dt.date, issued_on: dt.date, ctx: DecisionContext) -> Deadline:
    """The stopped limit running on: its own last day (before any roll-over) moved on by the days
    the assessment took, then rolled past a rest day again (arts. 35, 165)."""
    return period_deadline(
        DeadlineKind.POLICE_TIME_LIMIT,
        start=paused.runs_to,
        days=assessment_days(started_on, issued_on),
        basis=f"{paused.basis}; {PAUSE_BASIS}",
        policy=ctx.policy,
        calendar=ctx.calendar,
    )


@rule(
    "police_assessment_pause",
    basis=f"{PAUSE_BASIS}; 同规定 第35条 (期满日为节假日的顺延); see docs/legal-basis.md §2.7",
    kind=RuleKind.HARD,
    zh="委托鉴定须写明鉴定种类，同一时间只能有一项未出结果的鉴定；鉴定结果日期不得早于委托日期",
    en="a commissioned assessment names its kind, one at a time; its result cannot come before it was commissioned",
)
def police_assessment_pause(
    cmd: StartAssessment | RecordAssessment, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    started = state.assessment_started_on
    if isinstance(cmd, StartAssessment):
        yield from text_required(cmd, ("kind",), police_assessment_pause)
        if started is not None:
            yield police_assessment_pause.violation(
                "on",
                f"{started.isoformat()} 委托的鉴定尚未出结果",
                f"the assessment commissioned on {started.isoformat()} has no result yet",
            )
    elif started is not None and cmd.on < started:
        yield police_assessment_pause.violation(
            "on",
            f"鉴定结果日期早于委托日期 {started.isoformat()}",
            f"the result is dated before the assessment was commissioned on {started.isoformat()}",
        )
