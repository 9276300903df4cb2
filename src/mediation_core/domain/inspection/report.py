"""The inspection report: per inspected body in scope, the inspections of a period and where
their rectification stands (on time, late, open, overdue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from attrs import frozen

from mediation_core.domain.inspection.state import Inspection, InspectionStatus
from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period


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
