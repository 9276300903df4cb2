"""Police-side figures checked against mediation-side figures (公调对接 reconciliation).

The station counts the letters it sent (移送函 / 委托函) and the 110 dispatches its officers took a
mediator on; the room counts the cases those letters and dispatches opened. The two sides are
kept by different offices and must agree: every accepted referral has exactly one case in the
ledger, in the referral's room; every case that cites a referral or a dispatch cites one the
station recorded; every dispatch settled on the scene has its case. The check is a pure
function of the station-side records (read from the referral and dispatch Documents) and the
ledger rows, for a period (by the letter's date or the call's date) and a scope.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping

from attrs import frozen

from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period

ANSWERED_WITH_CASE = frozenset({"accepted", "reported"})
"""Referral statuses under which the room opened a case."""


@frozen(kw_only=True)
class ReferralRecord:
    """A station's letter as the station side lists it."""

    referral_id: str
    station_id: str
    room_id: str
    issued_on: dt.date
    status: str
    case_id: str | None = None
    acknowledgement_due: dt.date | None = None


@frozen(kw_only=True)
class DispatchRecord:
    """A 110 dispatch a mediator went out on, as the station lists it."""

    dispatch_id: str
    station_id: str
    room_id: str
    call_date: dt.date
    status: str
    case_id: str | None = None


class Discrepancy(enum.Enum):
    ACCEPTED_WITHOUT_CASE = "accepted_without_case"  # 派出所显示已受理，台账无案件
    CASE_IN_OTHER_ROOM = "case_in_other_room"  # 案件不在移送指定的调解室
    CASE_NOT_LINKED_BACK = "case_not_linked_back"  # 台账案件未记载该移送/出警编号
    CASE_WITHOUT_RECORD = "case_without_record"  # 台账记载的移送/出警编号派出所无记录
    CASE_OF_OPEN_RECORD = "case_of_open_record"  # 派出所尚未显示受理/现场调解，台账已有案件
    SETTLED_WITHOUT_CASE = "settled_without_case"  # 现场调解成功但台账无案件

    @property
    def title_zh(self) -> str:
        return _TITLES[self]


_TITLES = {
    Discrepancy.ACCEPTED_WITHOUT_CASE: "派出所显示已受理，台账无对应案件",
    Discrepancy.CASE_IN_OTHER_ROOM: "案件不在移送指定的调解室",
    Discrepancy.CASE_NOT_LINKED_BACK: "台账案件未记载对应的移送或出警编号",
    Discrepancy.CASE_WITHOUT_RECORD: "台账记载的移送或出警编号在派出所无记录",
    Discrepancy.CASE_OF_OPEN_RECORD: "派出所记录尚未受理或办结，台账已有案件",
    Discrepancy.SETTLED_WITHOUT_CASE: "派出所显示现场调解成功，台账无对应案件",
}


@frozen(kw_only=True)
class Finding:
    """One disagreement between the two sides."""

    kind: Discrepancy
    station_id: str
    record_id: str
    case_id: str | None = None


@frozen(kw_only=True)
class StationCheck:
    """One station's letters and dispatches in the period, and what the rooms' ledger shows."""

    station_id: str
    station_name: str
    letters_sent: int
    letters_by_status: Mapping[str, int]
    awaiting_acknowledgement: int
    acknowledgement_overdue: int
    cases_from_letters: int
    case_outcomes: Mapping[str, int]
    dispatches_with_mediator: int
    settled_on_scene: int
    cases_from_dispatches: int

    @property
    def agrees(self) -> bool:
        accepted = sum(n for s, n in self.letters_by_status.items() if s in ANSWERED_WITH_CASE)
        return accepted == self.cases_from_letters and self.settled_on_scene == self.cases_from_dispatches


@frozen(kw_only=True)
class CrossCheck:
    """The police side and the mediation side of a scope for a period, and every finding."""

    scope_id: str
    period: Period
    stations: tuple[StationCheck, ...]
    findings: tuple[Finding, ...]

    @property
    def agrees(self) -> bool:
        return not self.findings and all(s.agrees for s in self.stations)


def cross_check(  # noqa: PLR0912 - one branch per kind of disagreement
    referrals: Iterable[ReferralRecord],
    dispatches: Iterable[DispatchRecord],
    rows: Iterable[LedgerRow],
    *,
    registry: Registry,
    scope_id: str,
    period: Period,
    today: dt.date,
    other_letters: Iterable[str] = (),
) -> CrossCheck:
    """Compare the stations' letters and dispatches of ``period`` (by letter or call date) with
    the ledger rows that cite them, for the stations and rooms in ``scope_id``.
    ``other_letters`` are the ids of referrals no station issued (a court's, an agency's): a
    case citing one of them is not a case without a record."""

    def covered(org_id: str) -> bool:
        return in_scope(registry, scope_id, org_id)

    letters = [r for r in referrals if r.issued_on in period and (covered(r.station_id) or covered(r.room_id))]
    calls = [d for d in dispatches if d.call_date in period and (covered(d.station_id) or covered(d.room_id))]
    all_rows = list(rows)
    by_case = {r.case_id: r for r in all_rows}
    by_referral: dict[str, list[LedgerRow]] = {}
    by_dispatch: dict[str, list[LedgerRow]] = {}
    for row in all_rows:
        if row.referral_id:
            by_referral.setdefault(row.referral_id, []).append(row)
        if row.dispatch_id:
            by_dispatch.setdefault(row.dispatch_id, []).append(row)
    findings: list[Finding] = []
    for letter in letters:
        cases = by_referral.get(letter.referral_id, [])
        answered = letter.status in ANSWERED_WITH_CASE
        if answered and not cases:
            linked = by_case.get(letter.case_id or "")
            kind = Discrepancy.CASE_NOT_LINKED_BACK if linked else Discrepancy.ACCEPTED_WITHOUT_CASE
            findings.append(
                Finding(kind=kind, station_id=letter.station_id, record_id=letter.referral_id, case_id=letter.case_id)
            )
        if cases and not answered:
            findings += [
                Finding(
                    kind=Discrepancy.CASE_OF_OPEN_RECORD,
                    station_id=letter.station_id,
                    record_id=letter.referral_id,
                    case_id=c.case_id,
                )
                for c in cases
            ]
        findings += [
            Finding(
                kind=Discrepancy.CASE_IN_OTHER_ROOM,
                station_id=letter.station_id,
                record_id=letter.referral_id,
                case_id=c.case_id,
            )
            for c in cases
            if c.room_id != letter.room_id
        ]
    for call in calls:
        cases = by_dispatch.get(call.dispatch_id, [])
        if call.status == "settled_on_scene" and not cases:
            findings.append(
                Finding(
                    kind=Discrepancy.SETTLED_WITHOUT_CASE,
                    station_id=call.station_id,
                    record_id=call.dispatch_id,
                    case_id=call.case_id,
                )
            )
    known_letters = {r.referral_id for r in referrals} | set(other_letters)
    known_calls = {d.dispatch_id for d in dispatches}
    for row in all_rows:
        if not covered(row.room_id) or row.received_on not in period:
            continue
        if row.referral_id and row.referral_id not in known_letters:
            findings.append(
                Finding(
                    kind=Discrepancy.CASE_WITHOUT_RECORD, station_id="", record_id=row.referral_id, case_id=row.case_id
                )
            )
        if row.dispatch_id and row.dispatch_id not in known_calls:
            findings.append(
                Finding(
                    kind=Discrepancy.CASE_WITHOUT_RECORD, station_id="", record_id=row.dispatch_id, case_id=row.case_id
                )
            )
    stations = sorted({r.station_id for r in letters} | {d.station_id for d in calls})
    checks = []
    for station_id in stations:
        mine = [r for r in letters if r.station_id == station_id]
        my_calls = [d for d in calls if d.station_id == station_id]
        statuses: dict[str, int] = {}
        for r in mine:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        opened = [c for r in mine for c in by_referral.get(r.referral_id, [])]
        outcomes: dict[str, int] = {}
        for c in opened:
            outcomes[c.outcome.value] = outcomes.get(c.outcome.value, 0) + 1
        waiting = [r for r in mine if r.status == "issued"]
        org = registry.org(station_id)
        checks.append(
            StationCheck(
                station_id=station_id,
                station_name=org.name if org else station_id,
                letters_sent=len(mine),
                letters_by_status=dict(sorted(statuses.items())),
                awaiting_acknowledgement=len(waiting),
                acknowledgement_overdue=sum(
                    1 for r in waiting if r.acknowledgement_due is not None and r.acknowledgement_due < today
                ),
                cases_from_letters=len(opened),
                case_outcomes=dict(sorted(outcomes.items())),
                dispatches_with_mediator=len(my_calls),
                settled_on_scene=sum(1 for d in my_calls if d.status == "settled_on_scene"),
                cases_from_dispatches=sum(len(by_dispatch.get(d.dispatch_id, [])) for d in my_calls),
            )
        )
    ordered = sorted(findings, key=lambda f: (f.kind.value, f.station_id, f.record_id, f.case_id or ""))
    return CrossCheck(scope_id=scope_id, period=period, stations=tuple(checks), findings=tuple(ordered))
