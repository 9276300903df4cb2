"""When a return is due, and where each scope stands for a period: filed, nil or missing, on
time or late, and whether the ledger still agrees with what was locked.

A missing return is not a nil return (零上报): the report keeps the two apart.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen

from mediation_core.domain.statistical_return.figures import FigureChange, ReturnFigures, diff
from mediation_core.domain.statistical_return.state import StatisticalReturn
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy


def return_due(period: Period, policy: Policy, calendar: WorkingDayCalendar) -> dt.date:
    """The day a return for ``period`` is due: the policy's working days after the period ends."""
    return calendar.add_working_days(period.end, policy.return_due_working_days, policy.beyond_calendar).date


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
