"""Supervision inspections (督导检查) of rooms and townships, and their rectification (整改).

District practice (docs/legal-basis.md §10.7) is routine supervision of the 公调对接 rooms by the justice
bureau, solving their problems as they are found. An inspection records who inspected whom,
what was found and the problems; problems need a rectification date, which becomes a
deadline until the rectification is recorded (late ones are marked).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from attrs import frozen

from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle, blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period

INSPECTION_BASIS = "「公调对接」工作督导检查 (地方实践; see docs/legal-basis.md §10.7)"


class InspectionStatus(enum.Enum):
    RECORDED = "recorded"  # 已检查
    RECTIFIED = "rectified"  # 已整改

    @property
    def title_zh(self) -> str:
        return "已检查" if self is InspectionStatus.RECORDED else "已整改"


@frozen(kw_only=True)
class InspectionCommand:
    inspection_id: str

    @property
    def stream_id(self) -> str:
        return self.inspection_id


@frozen(kw_only=True)
class RecordInspection(InspectionCommand):
    """督导检查: ``by_org_id`` inspected ``org_id``; problems need ``rectification_due``."""

    org_id: str
    by_org_id: str
    on: dt.date
    inspectors: tuple[str, ...]
    findings: str
    problems: tuple[str, ...] = ()
    rectification_due: dt.date | None = None


@frozen(kw_only=True)
class RecordRectification(InspectionCommand):
    on: dt.date
    note: str


@frozen(kw_only=True)
class InspectionRecorded(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "inspection.recorded"
    org_id: str
    by_org_id: str
    on: dt.date
    inspectors: tuple[str, ...]
    findings: str
    problems: tuple[str, ...]
    rectification: Deadline | None


@frozen(kw_only=True)
class InspectionRectified(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "inspection.rectified"
    on: dt.date
    note: str
    late: bool


@frozen(kw_only=True)
class Inspection:
    """An inspection as the fold of its events."""

    stream_id: str
    version: int
    status: InspectionStatus
    org_id: str
    by_org_id: str
    on: dt.date
    inspectors: tuple[str, ...]
    findings: str
    problems: tuple[str, ...]
    rectification: Deadline | None
    rectified_on: dt.date | None = None
    rectification_note: str = ""
    rectified_late: bool = False

    @property
    def deadlines(self) -> tuple[Deadline, ...]:
        if self.rectification is None or self.status is InspectionStatus.RECTIFIED:
            return ()
        return (self.rectification,)


@rule(
    "inspection_recorded",
    basis=INSPECTION_BASIS,
    kind=RuleKind.STANDARD,
    zh="督导检查须记录检查单位、被检查单位、检查人员和检查情况",
    en="an inspection records the inspecting and inspected bodies, the inspectors and the findings",
)
def inspection_recorded(cmd: RecordInspection, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    for field in ("org_id", "by_org_id"):
        org_id = getattr(cmd, field)
        if ctx.registry.org(org_id) is None:
            yield inspection_recorded.violation(field, f"{org_id} 不是登记的单位", f"{org_id} is not registered")
    if not cmd.inspectors or any(blank(i) for i in cmd.inspectors):
        yield inspection_recorded.violation("inspectors", "须记录检查人员", "the inspectors must be named")
    if blank(cmd.findings):
        yield inspection_recorded.violation("findings", "检查情况不得为空", "the findings must not be blank")
    if any(blank(p) for p in cmd.problems):
        yield inspection_recorded.violation("problems", "问题描述不得为空", "a problem must be described")


@rule(
    "rectification_dated",
    basis=f"{INSPECTION_BASIS}; 限期整改",
    kind=RuleKind.STANDARD,
    zh="发现问题须限期整改（期限不早于检查日期）；未发现问题不设整改期限",
    en="problems get a rectification date on or after the inspection; no problems, no date",
)
def rectification_dated(cmd: RecordInspection, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    due = cmd.rectification_due
    if cmd.problems and (due is None or due < cmd.on):
        yield rectification_dated.violation(
            "rectification_due", "发现问题须设定不早于检查日期的整改期限", "problems need a rectification date"
        )
    if not cmd.problems and due is not None:
        yield rectification_dated.violation("rectification_due", "未发现问题，无需整改期限", "nothing to rectify")


@rule(
    "rectification_reported",
    basis=f"{INSPECTION_BASIS}; 整改情况报告",
    kind=RuleKind.STANDARD,
    zh="只有发现问题的检查才需整改，整改须说明情况且不早于检查日期",
    en="only an inspection with problems is rectified, with a note, on or after the inspection",
)
def rectification_reported(cmd: RecordRectification, state: Inspection, ctx: DecisionContext) -> Iterator[Violation]:
    if not state.problems:
        yield rectification_reported.violation("inspection_id", "该检查未发现问题", "the inspection found no problems")
    if blank(cmd.note):
        yield rectification_reported.violation("note", "须说明整改情况", "the note must not be blank")
    if cmd.on < state.on:
        yield rectification_reported.violation("on", "整改日期早于检查日期", "rectified before the inspection")


def _recorded(cmd: RecordInspection, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    due = None
    if cmd.rectification_due is not None:
        due = Deadline(
            kind=DeadlineKind.RECTIFICATION,
            due=cmd.rectification_due,
            basis=INSPECTION_BASIS,
            policy=ctx.policy.label,
            calendar=ctx.calendar.version,
        )
    return [
        InspectionRecorded(
            org_id=cmd.org_id,
            by_org_id=cmd.by_org_id,
            on=cmd.on,
            inspectors=cmd.inspectors,
            findings=cmd.findings,
            problems=cmd.problems,
            rectification=due,
        )
    ]


def _rectified(cmd: RecordRectification, state: Inspection, ctx: DecisionContext) -> list[DomainEvent]:
    late = state.rectification is not None and cmd.on > state.rectification.due
    return [InspectionRectified(on=cmd.on, note=cmd.note, late=late)]


def _start(stream_id: str, e: InspectionRecorded) -> Inspection:
    return Inspection(
        stream_id=stream_id,
        version=0,
        status=InspectionStatus.RECORDED,
        org_id=e.org_id,
        by_org_id=e.by_org_id,
        on=e.on,
        inspectors=e.inspectors,
        findings=e.findings,
        problems=e.problems,
        rectification=e.rectification,
    )


TRANSITIONS = {
    (None, InspectionRecorded): InspectionStatus.RECORDED,
    (InspectionStatus.RECORDED, InspectionRectified): InspectionStatus.RECTIFIED,
}
DECIDERS: dict[type, Decider] = {}
inspection_lifecycle = lifecycle_rule(
    "inspection_lifecycle",
    what_zh="督导检查",
    what_en="inspection",
    id_field="inspection_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=InspectionRecorded,
    basis=INSPECTION_BASIS,
)
DECIDERS.update(
    {
        RecordInspection: Decider(
            emits=InspectionRecorded,
            rules=(inspection_lifecycle, date_not_in_future, inspection_recorded, rectification_dated),
            build=_recorded,
        ),
        RecordRectification: Decider(
            emits=InspectionRectified,
            rules=(inspection_lifecycle, date_not_in_future, rectification_reported),
            build=_rectified,
        ),
    }
)
INSPECTIONS = Lifecycle(
    name="inspection",
    transitions=TRANSITIONS,
    start=_start,
    apply={
        InspectionRectified: lambda s, e: {
            "rectified_on": e.on,
            "rectification_note": e.note,
            "rectified_late": e.late,
        }
    },
    deciders=DECIDERS,
)


@frozen(kw_only=True)
class InspectionLine:
    """Inspections of one organisation in a period and where their rectification stands."""

    org_id: str
    org_name: str
    inspections: int
    problems: int
    rectified_on_time: int
    rectified_late: int
    open: int
    overdue: int


def inspection_report(
    inspections: Iterable[Inspection], registry: Registry, scope_id: str, period: Period, today: dt.date
) -> list[InspectionLine]:
    """Per inspected organisation in scope: inspections held in the period, problems found,
    rectifications on time or late, still open, and open past their date."""
    lines: dict[str, list[Inspection]] = {}
    for i in inspections:
        if i.on in period and in_scope(registry, scope_id, i.org_id):
            lines.setdefault(i.org_id, []).append(i)
    out = []
    for org_id, found in sorted(lines.items()):
        with_problems = [i for i in found if i.problems]
        rectified = [i for i in with_problems if i.status is InspectionStatus.RECTIFIED]
        still_open = [i for i in with_problems if i.status is InspectionStatus.RECORDED]
        org = registry.org(org_id)
        out.append(
            InspectionLine(
                org_id=org_id,
                org_name=org.name if org else org_id,
                inspections=len(found),
                problems=sum(len(i.problems) for i in found),
                rectified_on_time=sum(1 for i in rectified if not i.rectified_late),
                rectified_late=sum(1 for i in rectified if i.rectified_late),
                open=len(still_open),
                overdue=sum(1 for i in still_open if i.rectification is not None and i.rectification.due < today),
            )
        )
    return out
