"""The ledger (台账): one row per case, the projection offices keep in Excel.

A row is a pure function of the case state and is written in the same transaction as the
events, so reports never replay streams. Statistics read rows, not events.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import ROUND_HALF_UP, Decimal

from attrs import frozen

from mediation_core.domain.case.state import CaseState, CaseStatus
from mediation_core.domain.reporting.repeats import EarlierCase, PartyKeyer
from mediation_core.domain.values.risks import RiskKind

FEN = Decimal("0.01")
"""Ledger amounts are yuan to the fen, written the same way on every store (3000 → 3000.00)."""


class Outcome(enum.Enum):
    """How the case stands for counting: open, declined, settled or failed."""

    OPEN = "open"
    DECLINED = "declined"
    SETTLED = "settled"  # 调解成功
    FAILED = "failed"  # 调解不成 / 终止


@frozen(kw_only=True)
class LedgerRow:
    """One 台账 row. Risk columns hold the persons involved (0 when not flagged).

    ``term_due`` is the last mediation-term due date set (after any extension) and
    ``follow_up_due`` the 回访 due date set when the agreement took effect; both stay on the
    row after the deadline closes, so timeliness can be judged from rows alone.

    ``referral_mode`` says whether a referred case was transferred or entrusted,
    ``dispatch_id`` names the 110 dispatch a case settled on the scene came from, and
    ``repeat_of`` the earlier case this intake repeats. ``party_keys`` are keyed digests of the
    parties' ID numbers and credit codes (:class:`~mediation_core.domain.reporting.repeats.PartyKeyer`):
    stores index them to find repeats, and they reveal no ID number.

    ``civil_to_criminal_prevented_on`` and ``mass_incident_handled_on`` are the dates the room
    recorded that a flagged risk was kept from escalating (防止民转刑) or an incident handled early
    (预防处置群体性事件), whatever the outcome: the prevention figures count them."""

    case_id: str
    version: int
    room_id: str
    number: str | None
    status: CaseStatus
    outcome: Outcome
    source: str
    category: str
    summary: str
    party_names: tuple[str, ...]
    parties: int
    persons: int
    amount_involved: Decimal
    received_on: dt.date
    accepted_on: dt.date | None
    term_due: dt.date | None
    concluded_on: dt.date | None
    archived_on: dt.date | None
    agreement_form: str | None
    termination_reason: str | None
    decline_reason: str | None
    difficulty: str
    civil_to_criminal_persons: int
    public_order_persons: int
    mass_incident_persons: int
    suicide_persons: int
    presiding_mediator: str | None
    mediators: tuple[str, ...]
    sessions: int
    follow_up_due: dt.date | None
    follow_ups: int
    first_follow_up_on: dt.date | None
    performance: str | None
    satisfaction: str | None
    referral_id: str | None
    referral_mode: str | None
    dispatch_id: str | None
    repeat_of: str | None
    party_keys: tuple[str, ...]
    sensitive: bool = False
    anonymised_on: dt.date | None = None
    civil_to_criminal_prevented_on: dt.date | None = None
    mass_incident_handled_on: dt.date | None = None


def outcome_of(state: CaseState) -> Outcome:
    if state.status is CaseStatus.DECLINED:
        return Outcome.DECLINED
    if state.agreement is not None:
        return Outcome.SETTLED
    if state.termination is not None:
        return Outcome.FAILED
    return Outcome.OPEN


def _risk_persons(state: CaseState, kind: RiskKind) -> int:
    return max((r.persons for r in state.risks if r.kind is kind), default=0)


def _prevented_on(state: CaseState, kind: RiskKind) -> dt.date | None:
    return next((p.on for p in state.preventions if p.kind is kind), None)


def ledger_row(state: CaseState, keyer: PartyKeyer) -> LedgerRow:
    """Project a case onto its ledger row; ``keyer`` digests the parties' identities."""
    last_visit = state.follow_ups[-1] if state.follow_ups else None
    return LedgerRow(
        case_id=state.case_id,
        version=state.version,
        room_id=state.room_id,
        number=state.number,
        status=state.status,
        outcome=outcome_of(state),
        source=state.source.value,
        category=state.category,
        summary=state.summary,
        party_names=tuple(p.name for p in state.parties),
        parties=len(state.parties),
        persons=state.persons,
        amount_involved=state.amount_involved.quantize(FEN, rounding=ROUND_HALF_UP),
        received_on=state.received_on,
        accepted_on=state.accepted_on,
        term_due=state.term_due,
        concluded_on=state.concluded_on,
        archived_on=state.archived_on,
        agreement_form=state.agreement.form.value if state.agreement else None,
        termination_reason=state.termination.value if state.termination else None,
        decline_reason=state.declined.value if state.declined else None,
        difficulty=state.difficulty.value,
        civil_to_criminal_persons=_risk_persons(state, RiskKind.CIVIL_TO_CRIMINAL),
        public_order_persons=_risk_persons(state, RiskKind.PUBLIC_ORDER),
        mass_incident_persons=_risk_persons(state, RiskKind.MASS_INCIDENT),
        suicide_persons=_risk_persons(state, RiskKind.SUICIDE),
        presiding_mediator=state.presiding,
        mediators=tuple(sorted(state.ever_assigned - state.recused)),
        sessions=state.sessions,
        follow_up_due=state.follow_up_due,
        follow_ups=len(state.follow_ups),
        first_follow_up_on=state.follow_ups[0].on if state.follow_ups else None,
        performance=last_visit.performance.value if last_visit and last_visit.performance else None,
        satisfaction=last_visit.satisfaction.value if last_visit else None,
        referral_id=state.referral_id,
        referral_mode=state.referral_mode.value if state.referral_mode else None,
        dispatch_id=state.dispatch_id,
        repeat_of=state.repeat_of,
        party_keys=() if state.anonymised_on is not None else keyer.keys(state.parties),
        sensitive=state.sensitive,
        anonymised_on=state.anonymised_on,
        civil_to_criminal_prevented_on=_prevented_on(state, RiskKind.CIVIL_TO_CRIMINAL),
        mass_incident_handled_on=_prevented_on(state, RiskKind.MASS_INCIDENT),
    )


def earlier_case(row: LedgerRow) -> EarlierCase:
    """What repeat detection reads from a ledger row."""
    return EarlierCase(
        case_id=row.case_id,
        category=row.category,
        party_keys=row.party_keys,
        received_on=row.received_on,
        concluded_on=row.concluded_on,
    )


LEDGER_HEADERS_ZH: dict[str, str] = {
    "room_id": "调解室",
    "number": "案号",
    "status": "状态",
    "outcome": "调解结果",
    "source": "案件来源",
    "category": "纠纷类型",
    "summary": "纠纷简要情况",
    "party_names": "当事人",
    "parties": "当事人数",
    "persons": "涉及人数",
    "amount_involved": "涉及金额（元）",
    "received_on": "登记日期",
    "accepted_on": "受理日期",
    "term_due": "调解期限",
    "concluded_on": "结案日期",
    "archived_on": "归档日期",
    "agreement_form": "协议形式",
    "termination_reason": "终止原因",
    "decline_reason": "不予受理原因",
    "difficulty": "难易程度",
    "civil_to_criminal_persons": "民转刑风险涉及人数",
    "public_order_persons": "治安风险涉及人数",
    "mass_incident_persons": "群体性事件风险涉及人数",
    "suicide_persons": "自杀风险涉及人数",
    "presiding_mediator": "主持调解员",
    "mediators": "调解员",
    "sessions": "调解次数",
    "follow_up_due": "回访期限",
    "follow_ups": "回访次数",
    "first_follow_up_on": "首次回访日期",
    "performance": "履行情况",
    "satisfaction": "满意度",
    "referral_id": "移送/委托编号",
    "referral_mode": "移送/委托",
    "dispatch_id": "110接处警编号",
    "repeat_of": "重复纠纷关联案件",
    "civil_to_criminal_prevented_on": "防止民转刑日期",
    "mass_incident_handled_on": "预防处置群体性事件日期",
    "case_id": "系统案件编号",
    "version": "系统记录版本",
}
"""Chinese column headers of the ledger, in column order: the 调解登记台账's own columns first,
then the system's case id and record version (which an import needs to match rows to cases).
``party_keys`` is an index for repeat detection, not a column anyone reads, and ``sensitive``
and ``anonymised_on`` are the store's personal-data bookkeeping, so exports (and imported files) leave them out."""
