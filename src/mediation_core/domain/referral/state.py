"""The referral aggregate: its state, the one transition table, and the pure ``evolve``."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.referral import events as ev
from mediation_core.domain.referral.letters import (
    ConsentEvidence,
    DeclinationLetter,
    Feedback,
    Origin,
)
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.parties import Party
from mediation_core.domain.values.sources import CaseSource, ReferralMode


class ReferralStatus(enum.Enum):
    """Where a referral stands."""

    ISSUED = "issued"  # 已移送/委托，待调解室签收
    ACCEPTED = "accepted"  # 已受理，案件办理中
    DECLINED = "declined"  # 不予调解
    RETURNED = "returned"  # 退回
    WITHDRAWN = "withdrawn"  # 撤回
    REPORTED = "reported"  # 已反馈调解结果

    @property
    def title_zh(self) -> str:
        return _TITLES[self]


_TITLES = {
    ReferralStatus.ISSUED: "待签收",
    ReferralStatus.ACCEPTED: "已受理",
    ReferralStatus.DECLINED: "不予调解",
    ReferralStatus.RETURNED: "已退回",
    ReferralStatus.WITHDRAWN: "已撤回",
    ReferralStatus.REPORTED: "已反馈",
}

R = ReferralStatus
TRANSITIONS: Mapping[tuple[ReferralStatus | None, type[ev.ReferralEvent]], ReferralStatus] = MappingProxyType(
    {
        (None, ev.ReferralIssued): R.ISSUED,
        (R.ISSUED, ev.ReferralAccepted): R.ACCEPTED,
        (R.ISSUED, ev.ReferralDeclined): R.DECLINED,
        (R.ISSUED, ev.ReferralReturned): R.RETURNED,
        (R.ISSUED, ev.ReferralWithdrawn): R.WITHDRAWN,
        (R.ACCEPTED, ev.ReferralOutcomeReported): R.REPORTED,
        (R.REPORTED, ev.ReferralPerformanceReported): R.REPORTED,
    }
)
"""(status, event type) → next status. ReferralIssued creates a referral in ``issued``."""

INITIAL_EVENT = ev.ReferralIssued
TERMINAL = frozenset(s for s in ReferralStatus if not any(k[0] is s for k in TRANSITIONS))


@frozen(kw_only=True)
class ReferralState:
    """A referral as the fold of its events."""

    referral_id: str
    version: int
    status: ReferralStatus
    room_id: str
    source: CaseSource
    mode: ReferralMode
    issuer_id: str
    issuer_name: str
    letter_number: str
    signed_by: str
    issued_on: dt.date
    category: str
    cause: str
    facts: str
    parties: tuple[Party, ...]
    consents: tuple[ConsentEvidence, ...]
    amount_involved: Decimal = Decimal(0)
    police_case_number: str = ""
    insurers: tuple[str, ...] = ()
    origin: Origin | None = None
    deadlines: Mapping[DeadlineKind, Deadline] = field(factory=dict)
    acknowledged_on: dt.date | None = None
    acknowledged_late: bool = False
    case_id: str | None = None
    declination: DeclinationLetter | None = None
    closing_reason: str = ""
    feedback: tuple[Feedback, ...] = ()

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.party_id for p in self.parties)

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.party_id == party_id), None)

    @property
    def entrusted_by_police(self) -> bool:
        """The police keep their own case and entrust the dispute (the exception of §9 rule 15)."""
        return self.mode is ReferralMode.ENTRUSTMENT and self.source.from_police

    @property
    def outcome(self) -> Outcome | None:
        """The linked case's reported result, once reported."""
        return self.feedback[0].outcome if self.feedback else None


def _without(state: ReferralState, *kinds: DeadlineKind) -> dict[DeadlineKind, Deadline]:
    return {k: v for k, v in state.deadlines.items() if k not in kinds}


_Apply = Callable[[ReferralState, Any], dict[str, Any]]
_APPLY: dict[type[ev.ReferralEvent], _Apply] = {}


def _on(event_type: type[ev.ReferralEvent]) -> Callable[[_Apply], _Apply]:
    def register(fn: _Apply) -> _Apply:
        _APPLY[event_type] = fn
        return fn

    return register


def _acknowledged(s: ReferralState, on: dt.date, late: bool) -> dict[str, Any]:
    return {
        "acknowledged_on": on,
        "acknowledged_late": late,
        "deadlines": _without(s, DeadlineKind.REFERRAL_ACKNOWLEDGEMENT),
    }


@_on(ev.ReferralAccepted)
def _accepted(s: ReferralState, e: ev.ReferralAccepted) -> dict[str, Any]:
    changes = _acknowledged(s, e.on, e.late)
    if e.feedback_due is not None:
        changes["deadlines"] = {**changes["deadlines"], e.feedback_due.kind: e.feedback_due}
    return {**changes, "case_id": e.case_id, "consents": (*s.consents, *e.consents)}


@_on(ev.ReferralDeclined)
def _declined(s: ReferralState, e: ev.ReferralDeclined) -> dict[str, Any]:
    return {**_acknowledged(s, e.on, e.late), "declination": e.letter, "closing_reason": e.letter.reason.value}


@_on(ev.ReferralReturned)
def _returned(s: ReferralState, e: ev.ReferralReturned) -> dict[str, Any]:
    return {**_acknowledged(s, e.on, e.late), "closing_reason": e.reason}


@_on(ev.ReferralWithdrawn)
def _withdrawn(s: ReferralState, e: ev.ReferralWithdrawn) -> dict[str, Any]:
    return {"deadlines": {}, "closing_reason": e.reason}


@_on(ev.ReferralOutcomeReported)
def _outcome(s: ReferralState, e: ev.ReferralOutcomeReported) -> dict[str, Any]:
    feedback = Feedback(
        on=e.on,
        case_id=e.case_id,
        outcome=e.outcome,
        agreement_form=e.agreement_form,
        termination_reason=e.termination_reason,
    )
    return {"feedback": (*s.feedback, feedback), "deadlines": _without(s, DeadlineKind.REFERRAL_FEEDBACK)}


@_on(ev.ReferralPerformanceReported)
def _performance(s: ReferralState, e: ev.ReferralPerformanceReported) -> dict[str, Any]:
    outcome = s.feedback[0].outcome if s.feedback else Outcome.SETTLED
    feedback = Feedback(on=e.on, case_id=e.case_id, outcome=outcome, performance=e.performance)
    return {"feedback": (*s.feedback, feedback)}


def start(referral_id: str, e: ev.ReferralIssued) -> ReferralState:
    """The state a ReferralIssued event creates."""
    return ReferralState(
        referral_id=referral_id,
        version=1,
        status=ReferralStatus.ISSUED,
        room_id=e.room_id,
        source=e.source,
        mode=e.mode,
        issuer_id=e.issuer_id,
        issuer_name=e.issuer_name,
        letter_number=e.letter_number,
        signed_by=e.signed_by,
        issued_on=e.issued_on,
        category=e.category,
        cause=e.cause,
        facts=e.facts,
        parties=e.parties,
        consents=e.consents,
        amount_involved=e.amount_involved,
        police_case_number=e.police_case_number,
        insurers=e.insurers,
        origin=e.origin,
        deadlines={e.acknowledgement.kind: e.acknowledgement},
    )


def evolve(state: ReferralState | None, event: ev.ReferralEvent, *, referral_id: str = "") -> ReferralState:
    """The referral after ``event``. Pure; raises :class:`InvalidTransitionError` for an event
    the transition table does not allow."""
    return FOLD(state, event, referral_id)


FOLD: Fold[ReferralState] = Fold(
    noun="referral",
    transitions=TRANSITIONS,
    start=start,
    apply=_APPLY,
    event_types=ev.EVENT_TYPES,
)
