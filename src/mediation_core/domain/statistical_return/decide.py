"""The return decisions: per command the rules that guard it and the events it records, and
:data:`RETURNS`, the lifecycle the service runs them through."""

from __future__ import annotations

from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.statistical_return.commands import ResubmitReturn, SubmitReturn
from mediation_core.domain.statistical_return.context import ReturnContext
from mediation_core.domain.statistical_return.events import ReturnResubmitted, ReturnSubmitted
from mediation_core.domain.statistical_return.figures import ReturnFigures, diff
from mediation_core.domain.statistical_return.filing import return_due
from mediation_core.domain.statistical_return.rules import (
    ledger_report_read,
    nil_return_matches_ledger,
    resubmission_explained,
    return_period_ended,
    return_scope_known,
)
from mediation_core.domain.statistical_return.state import FOLD, TRANSITIONS, StatisticalReturn


def _submitted(cmd: SubmitReturn, state: None, ctx: ReturnContext) -> list[DomainEvent]:
    assert ctx.report is not None
    return [
        ReturnSubmitted(
            org_id=cmd.org_id,
            period=cmd.period,
            on=cmd.on,
            nil=cmd.nil,
            figures=ReturnFigures.of(ctx.report),
            due=return_due(cmd.period, ctx.policy, ctx.calendar),
            note=cmd.note,
        )
    ]


def _resubmitted(cmd: ResubmitReturn, state: StatisticalReturn, ctx: ReturnContext) -> list[DomainEvent]:
    assert ctx.report is not None
    figures = ReturnFigures.of(ctx.report)
    return [ReturnResubmitted(on=cmd.on, reason=cmd.reason, figures=figures, changes=diff(state.figures, figures))]


DECIDERS: dict[type, Decider] = {}
return_lifecycle = lifecycle_rule(
    "return_lifecycle",
    what_zh="统计报表",
    what_en="return",
    id_field="period",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=ReturnSubmitted,
    basis="统计报表报送流程 (docs/statistics.md, transition table)",
)
_COMMON = (return_lifecycle, date_not_in_future, return_scope_known, return_period_ended, ledger_report_read)
DECIDERS.update(
    {
        SubmitReturn: Decider(emits=ReturnSubmitted, rules=(*_COMMON, nil_return_matches_ledger), build=_submitted),
        ResubmitReturn: Decider(emits=ReturnResubmitted, rules=(*_COMMON, resubmission_explained), build=_resubmitted),
    }
)
RETURNS = Lifecycle(name="return", fold=FOLD, deciders=DECIDERS, context=ReturnContext)
RETURN_EVENT_TYPES = RETURNS.event_types
