"""Statistical returns (统计报表): a scope's figures for a period, submitted and locked.

A room (or a township, or the district) submits its figures for a period to the coordination
centre (docs/legal-basis.md §10.4: 定期报送区矛盾纠纷多元化解协调中心). Submitting locks them: the ledger
may change afterwards (a late entry dated inside the period), but the submitted figures do
not. A resubmission records a reason and its diff against the locked version, and becomes the
locked version. A nil return (零上报) states that there was nothing to report and is only
accepted when the ledger agrees; a scope that submitted nothing has a *missing* return, which
is a different thing.

The figures are never typed in: the service reads the scope's ledger report for the period
inside the same command (``DecisionContext.report``) and the decision locks exactly that.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from attrs import frozen

from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle, blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.reporting.statistics import FIGURES, ZERO, StatisticsReport, Tally
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy

REPORTING_KINDS = frozenset({OrgKind.MEDIATION_ROOM, OrgKind.POLICE_STATION, OrgKind.TOWNSHIP, OrgKind.DISTRICT})
"""Organisations that submit returns."""


def return_id(org_id: str, period: Period) -> str:
    """The stream id of ``org_id``'s return for ``period``."""
    return f"return:{org_id}:{period.label}"


class ReturnStatus(enum.Enum):
    SUBMITTED = "submitted"  # 已报送（锁定）

    @property
    def title_zh(self) -> str:
        return "已报送"


# -- figures -----------------------------------------------------------------------------------
Lines = Mapping[str, Mapping[str, Tally]]


def _nonzero(figures: Mapping[str, Tally]) -> dict[str, Tally]:
    return {k: v for k, v in figures.items() if not v.is_zero}


@frozen(kw_only=True)
class ReturnFigures:
    """The figures a return locks: the totals and the category, source and month lines,
    zero tallies left out (a missing figure is zero)."""

    total: Mapping[str, Tally]
    by_category: Lines
    by_source: Lines
    by_month: Lines

    SECTIONS: ClassVar[tuple[str, ...]] = ("category", "source", "month")

    @classmethod
    def of(cls, report: StatisticsReport) -> ReturnFigures:
        def lines(sets: Iterable[Any]) -> dict[str, dict[str, Tally]]:
            return {s.key: nz for s in sets if (nz := _nonzero(s.figures))}

        return cls(
            total=_nonzero(report.total.figures),
            by_category=lines(report.by_category),
            by_source=lines(report.by_source),
            by_month=lines(report.by_month),
        )

    @property
    def is_nil(self) -> bool:
        return not self.total

    def get(self, section: str, key: str, figure: str) -> Tally:
        if section == "total":
            return self.total.get(figure, ZERO)
        lines: Lines = getattr(self, f"by_{section}")
        return lines.get(key, {}).get(figure, ZERO)

    def cells(self) -> Iterator[tuple[str, str, str]]:
        """Every (section, key, figure) this return has a non-zero value for."""
        for figure in self.total:
            yield "total", "", figure
        for section in self.SECTIONS:
            lines: Lines = getattr(self, f"by_{section}")
            for key, figures in lines.items():
                for figure in figures:
                    yield section, key, figure


@frozen(kw_only=True)
class FigureChange:
    """One cell that differs between two versions of a return."""

    section: str
    key: str
    figure: str
    before: Tally
    after: Tally


_ORDER = {f.key: i for i, f in enumerate(FIGURES)}


def diff(before: ReturnFigures, after: ReturnFigures) -> tuple[FigureChange, ...]:
    """Every cell whose tally changed, totals first, then by section, key and figure order."""
    cells = set(before.cells()) | set(after.cells())
    changes = [
        FigureChange(section=s, key=k, figure=f, before=before.get(s, k, f), after=after.get(s, k, f))
        for s, k, f in cells
        if before.get(s, k, f) != after.get(s, k, f)
    ]
    sections = ("total", *ReturnFigures.SECTIONS)
    return tuple(
        sorted(changes, key=lambda c: (sections.index(c.section), c.key, _ORDER.get(c.figure, len(_ORDER)), c.figure))
    )


# -- commands, events, state -------------------------------------------------------------------
@frozen(kw_only=True)
class ReturnCommand:
    """Base of the return commands: the submitting organisation and the period."""

    org_id: str
    period: Period

    @property
    def stream_id(self) -> str:
        return return_id(self.org_id, self.period)


@frozen(kw_only=True)
class SubmitReturn(ReturnCommand):
    """报送: lock the scope's figures for the period; ``nil`` states a 零上报."""

    on: dt.date
    nil: bool = False
    note: str = ""


@frozen(kw_only=True)
class ResubmitReturn(ReturnCommand):
    """补报/更正: lock the current figures again, with the reason and the diff recorded."""

    on: dt.date
    reason: str


@frozen(kw_only=True)
class ReturnSubmitted(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "return.submitted"
    org_id: str
    period: Period
    on: dt.date
    nil: bool
    figures: ReturnFigures
    due: dt.date
    note: str = ""


@frozen(kw_only=True)
class ReturnResubmitted(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "return.resubmitted"
    on: dt.date
    reason: str
    figures: ReturnFigures
    changes: tuple[FigureChange, ...]


@frozen(kw_only=True)
class Resubmission:
    on: dt.date
    reason: str
    changes: tuple[FigureChange, ...]


@frozen(kw_only=True)
class StatisticalReturn:
    """A return as the fold of its events; ``figures`` are the locked ones."""

    stream_id: str
    version: int
    status: ReturnStatus
    org_id: str
    period: Period
    nil: bool
    figures: ReturnFigures
    submitted_on: dt.date
    due: dt.date
    note: str = ""
    resubmissions: tuple[Resubmission, ...] = ()

    @property
    def late(self) -> bool:
        return self.submitted_on > self.due


def return_due(period: Period, policy: Policy, calendar: WorkingDayCalendar) -> dt.date:
    """The day a return for ``period`` is due: the policy's working days after the period ends."""
    return calendar.add_working_days(period.end, policy.return_due_working_days, policy.beyond_calendar).date


# -- rules ---------------------------------------------------------------------------------------
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
def nil_return_matches_ledger(cmd: SubmitReturn, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
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
def ledger_report_read(cmd: ReturnCommand, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
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
def resubmission_explained(cmd: ResubmitReturn, state: StatisticalReturn, ctx: DecisionContext) -> Iterator[Violation]:
    if blank(cmd.reason):
        yield resubmission_explained.violation("reason", "须说明重新报送的理由", "the reason must not be blank")
    if ctx.report is not None and not diff(state.figures, ReturnFigures.of(ctx.report)):
        yield resubmission_explained.violation(
            "period", "台账数据与已报送数据一致，无需重新报送", "the ledger still matches the locked figures"
        )


# -- lifecycle ------------------------------------------------------------------------------
def _submitted(cmd: SubmitReturn, state: None, ctx: DecisionContext) -> list[DomainEvent]:
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


def _resubmitted(cmd: ResubmitReturn, state: StatisticalReturn, ctx: DecisionContext) -> list[DomainEvent]:
    assert ctx.report is not None
    figures = ReturnFigures.of(ctx.report)
    return [ReturnResubmitted(on=cmd.on, reason=cmd.reason, figures=figures, changes=diff(state.figures, figures))]


def _start(stream_id: str, e: ReturnSubmitted) -> StatisticalReturn:
    return StatisticalReturn(
        stream_id=stream_id,
        version=0,
        status=ReturnStatus.SUBMITTED,
        org_id=e.org_id,
        period=e.period,
        nil=e.nil,
        figures=e.figures,
        submitted_on=e.on,
        due=e.due,
        note=e.note,
    )


def _apply_resubmitted(s: StatisticalReturn, e: ReturnResubmitted) -> dict[str, Any]:
    return {
        "figures": e.figures,
        "nil": e.figures.is_nil,
        "resubmissions": (*s.resubmissions, Resubmission(on=e.on, reason=e.reason, changes=e.changes)),
    }


TRANSITIONS = {
    (None, ReturnSubmitted): ReturnStatus.SUBMITTED,
    (ReturnStatus.SUBMITTED, ReturnResubmitted): ReturnStatus.SUBMITTED,
}
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
RETURNS = Lifecycle(
    name="return",
    transitions=TRANSITIONS,
    start=_start,
    apply={ReturnResubmitted: _apply_resubmitted},
    deciders=DECIDERS,
)
RETURN_EVENT_TYPES = RETURNS.event_types


# -- compliance ------------------------------------------------------------------------------
class Filing(enum.Enum):
    """How a scope stands for one reporting period."""

    SUBMITTED = "submitted"  # 已报送
    NIL = "nil"  # 零上报
    MISSING = "missing"  # 未报送

    @property
    def title_zh(self) -> str:
        return {"submitted": "已报送", "nil": "零上报", "missing": "未报送"}[self.value]


@frozen(kw_only=True)
class FilingStatus:
    """One scope's return for one period: filed or not, on time or late, and whether the
    ledger still agrees with the locked figures (``drift`` lists the cells that moved)."""

    org_id: str
    org_name: str
    period: Period
    filing: Filing
    due: dt.date
    submitted_on: dt.date | None = None
    late: bool = False
    overdue: bool = False
    resubmissions: int = 0
    drift: tuple[FigureChange, ...] = ()


def filing_status(
    org_id: str,
    period: Period,
    locked: StatisticalReturn | None,
    live: ReturnFigures | None,
    *,
    registry: Registry,
    today: dt.date,
    due: dt.date,
) -> FilingStatus:
    """Where ``org_id``'s return for ``period`` stands; ``live`` is the ledger's figures now."""
    org = registry.org(org_id)
    name = org.name if org else org_id
    if locked is None:
        return FilingStatus(
            org_id=org_id, org_name=name, period=period, filing=Filing.MISSING, due=due, overdue=today > due
        )
    return FilingStatus(
        org_id=org_id,
        org_name=name,
        period=period,
        filing=Filing.NIL if locked.nil else Filing.SUBMITTED,
        due=locked.due,
        submitted_on=locked.submitted_on,
        late=locked.late,
        resubmissions=len(locked.resubmissions),
        drift=diff(locked.figures, live) if live is not None else (),
    )
