"""What a coordination-centre director sees on the dashboard, as plain values (no HTML here).

The statistics report alone is a snapshot of figures; a director also needs to know what needs
doing now (alerts), how the units rank, and how the period compares with the one before and the
same one a year earlier. Alerts carry case ids, organisation names, kinds and dates only: never a
party's name or a case summary, so every reader may see them whatever their personal-data view.
Every alert names the item it is about and an anchor (``#case-<id>``, ``#referral-<id>``,
``#org-<id>``) the page resolves to that item's entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from attrs import frozen

from mediation_core.app.coordination import rooms_in
from mediation_core.app.ports import Store
from mediation_core.domain.meeting.compliance import Compliance, MeetingSlot
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.reporting.statistics import OTHER_UNIT, StatisticsReport, unit_of, units
from mediation_core.domain.statistical_return.filing import Filing, FilingStatus
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period

ALERT_KINDS = {
    "overdue": "期限已过",
    "risk": "未化解的风险",
    "return": "统计报表迟报或未报",
    "meeting": "未按期召开例会",
    "referral": "移送/委托函待签收",
}
"""Alert kinds in the order the panel lists them, with their Chinese headings."""


@frozen(kw_only=True)
class Alert:
    """One thing needing attention: ``target`` is the anchor of the item it is about."""

    kind: str
    target: str
    item_id: str
    org_name: str
    text_zh: str
    due: dt.date | None = None

    @property
    def href(self) -> str:
        return f"#{self.target}"

    @property
    def title_zh(self) -> str:
        return ALERT_KINDS[self.kind]


@frozen(kw_only=True)
class RankingRow:
    """One unit of the scope (a township, a room) with what the ranking sorts on."""

    unit_id: str
    name: str
    cases: int
    settled: int
    concluded: int
    overdue: int
    followed_up: int

    @property
    def success_percent(self) -> float | None:
        return round(100 * self.settled / self.concluded, 1) if self.concluded else None


@frozen(kw_only=True)
class DashboardData:
    """The report, the reports it is compared with, the alerts and the ranking."""

    report: StatisticsReport
    previous: StatisticsReport
    year_ago: StatisticsReport
    alerts: tuple[Alert, ...]
    ranking: tuple[RankingRow, ...]
    generated_at: dt.datetime


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _whole_months(period: Period) -> int | None:
    after = period.end + dt.timedelta(days=1)
    if period.start.day != 1 or after.day != 1:
        return None
    return (after.year - period.start.year) * 12 + after.month - period.start.month


def previous_period(period: Period) -> Period:
    """The period of the same length just before (环比): whole months stay whole months."""
    months = _whole_months(period)
    if months is not None:
        start = _shift_months(period.start, -months)
        return Period(start=start, end=period.start - dt.timedelta(days=1))
    return Period(start=period.start - dt.timedelta(days=period.days), end=period.start - dt.timedelta(days=1))


def year_ago_period(period: Period) -> Period:
    """The same period a year earlier (同比); 29 February becomes the 28th."""
    months = _whole_months(period)
    if months is not None:
        start = _shift_months(period.start, -12)
        return Period(start=start, end=_shift_months(start, months) - dt.timedelta(days=1))

    def back(day: dt.date) -> dt.date:
        return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)

    return Period(start=back(period.start), end=back(period.end))


def _risk_open(row: LedgerRow) -> bool:
    flagged = row.civil_to_criminal_persons or row.mass_incident_persons or row.suicide_persons
    return bool(flagged) and row.outcome is Outcome.OPEN


def alerts(
    store: Store,
    registry: Registry,
    *,
    scope_id: str,
    rows: Sequence[LedgerRow],
    filings: Iterable[FilingStatus],
    meetings: Iterable[MeetingSlot],
    today: dt.date,
) -> tuple[Alert, ...]:
    """Overdue case deadlines (as the sweep finds them), open escalation risks, late or missing
    returns, missed standing meetings and referrals waiting for the room's acknowledgement."""
    by_case = {r.case_id: r for r in rows}

    def room_name(room_id: str) -> str:
        org = registry.org(room_id)
        return org.name if org is not None else room_id

    found: list[Alert] = []
    for stream_id, deadline in store.deadlines_due(today - dt.timedelta(days=1)):
        row = by_case.get(stream_id)
        if row is None:
            continue
        late = (today - deadline.due).days
        found.append(
            Alert(
                kind="overdue",
                target=f"case-{row.case_id}",
                item_id=row.number or row.case_id,
                org_name=room_name(row.room_id),
                text_zh=f"{deadline.kind.title_zh}：{deadline.due.isoformat()} 到期，已超期 {late} 天",
                due=deadline.due,
            )
        )
    for row in rows:
        if _risk_open(row):
            risks = [
                f"{label} {n} 人"
                for label, n in (
                    ("民转刑风险", row.civil_to_criminal_persons),
                    ("群体性事件风险", row.mass_incident_persons),
                    ("自杀风险", row.suicide_persons),
                )
                if n
            ]
            found.append(
                Alert(
                    kind="risk",
                    target=f"case-{row.case_id}",
                    item_id=row.number or row.case_id,
                    org_name=room_name(row.room_id),
                    text_zh=f"{'、'.join(risks)}，案件未办结",
                )
            )
    for filing in filings:
        if filing.late or (filing.filing is Filing.MISSING and filing.overdue):
            submitted = filing.submitted_on
            state = f"迟报（{submitted.isoformat()} 报送）" if filing.late and submitted else "未报送"
            found.append(
                Alert(
                    kind="return",
                    target=f"org-{filing.org_id}",
                    item_id=filing.org_id,
                    org_name=filing.org_name,
                    text_zh=f"{filing.period.label} 统计报表{state}，应于 {filing.due.isoformat()} 前报送",
                    due=filing.due,
                )
            )
    for slot in meetings:
        if slot.compliance is Compliance.MISSED:
            found.append(
                Alert(
                    kind="meeting",
                    target=f"org-{slot.org_id}",
                    item_id=slot.org_id,
                    org_name=slot.org_name,
                    text_zh=f"{slot.kind.title_zh}（{slot.slot.label}）未召开",
                    due=slot.slot.end,
                )
            )
    rooms = set(rooms_in(registry, scope_id))
    for doc in store.documents("referral", {"status": "issued"}):
        room_id = doc.tags.get("room_id", "")
        if room_id not in rooms:
            continue
        found.append(
            Alert(
                kind="referral",
                target=f"referral-{doc.key}",
                item_id=doc.key,
                org_name=room_name(room_id),
                text_zh="移送/委托函已发出，调解室尚未签收",
            )
        )
    order = list(ALERT_KINDS)
    return tuple(sorted(found, key=lambda a: (order.index(a.kind), a.due or dt.date.max, a.item_id)))


def ranking(
    report: StatisticsReport, registry: Registry, rows: Sequence[LedgerRow], found: Sequence[Alert]
) -> tuple[RankingRow, ...]:
    """The report's units with cases received, success, overdue deadlines and follow-ups done.
    A scope with no units below it (a room) ranks as itself, not as one "其他" line."""
    unit_ids = [u for u, _ in units(registry, report.scope_id)]
    unit_of_case = {r.case_id: unit_of(registry, unit_ids, r.room_id) for r in rows}
    overdue: dict[str, int] = {}
    for alert in found:
        if alert.kind == "overdue":
            unit = unit_of_case.get(alert.target.removeprefix("case-"), OTHER_UNIT)
            overdue[unit] = overdue.get(unit, 0) + 1
    lines = report.by_unit
    if not unit_ids:
        lines = (report.total,)
    out = []
    for line in lines:
        key = line.key if unit_ids else OTHER_UNIT
        out.append(
            RankingRow(
                unit_id=key if unit_ids else report.scope_id,
                name=line.title_zh if unit_ids else report.scope_name,
                cases=line["received"].cases,
                settled=line["settled"].cases,
                concluded=line["concluded"].cases,
                overdue=overdue.get(key, 0),
                followed_up=line["followed_up"].cases,
            )
        )
    return tuple(out)


__all__ = [
    "ALERT_KINDS",
    "Alert",
    "DashboardData",
    "RankingRow",
    "alerts",
    "previous_period",
    "ranking",
    "year_ago_period",
]
