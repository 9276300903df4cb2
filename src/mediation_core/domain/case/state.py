"""The case aggregate: its state, the one transition table, and the pure ``evolve``.

``TRANSITIONS`` maps (status, event type) to the next status; nothing else changes a
case's status, and ``docs/lifecycle.md`` is generated from it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

from mediation_core.domain.case import events as ev
from mediation_core.domain.case.agreements import (
    Agreement,
    AgreementForm,
    Signature,
    WrittenTerms,
)
from mediation_core.domain.case.courts import ConfirmationRuling
from mediation_core.domain.case.followups import FollowUp
from mediation_core.domain.case.outcomes import DeclineReason, Route, TerminationReason
from mediation_core.domain.errors import InvalidTransitionError
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.traffic.accident import ScheduledSession
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.parties import Party, holds_sensitive_data, persons
from mediation_core.domain.values.privacy import anonymised_party, anonymised_text, person_names
from mediation_core.domain.values.risks import Difficulty, PoliceReport, Prevention, RiskFlag
from mediation_core.domain.values.sources import CaseSource, OnlineConsent, OnScene, ReferralMode


class CaseStatus(enum.Enum):
    """Lifecycle states of a case (docs/lifecycle.md)."""

    RECEIVED = "received"  # 已登记
    ACCEPTED = "accepted"  # 已受理
    DECLINED = "declined"  # 不予受理
    MEDIATING = "mediating"  # 调解中
    AGREED = "agreed"  # 达成协议
    TERMINATED = "terminated"  # 终止调解
    FOLLOWING_UP = "following_up"  # 回访中
    ARCHIVED = "archived"  # 已归档

    @property
    def title_zh(self) -> str:
        return _STATUS_TITLES[self]

    @property
    def concluded(self) -> bool:
        """Mediation is over (agreed or terminated), whatever came after."""
        return self in {
            CaseStatus.AGREED,
            CaseStatus.TERMINATED,
            CaseStatus.FOLLOWING_UP,
            CaseStatus.ARCHIVED,
        }


_STATUS_TITLES = {
    CaseStatus.RECEIVED: "已登记",
    CaseStatus.ACCEPTED: "已受理",
    CaseStatus.DECLINED: "不予受理",
    CaseStatus.MEDIATING: "调解中",
    CaseStatus.AGREED: "达成协议",
    CaseStatus.TERMINATED: "终止调解",
    CaseStatus.FOLLOWING_UP: "回访中",
    CaseStatus.ARCHIVED: "已归档",
}

S = CaseStatus
_KEEP = {
    S.RECEIVED: (
        ev.ConsentRecorded,
        ev.DocumentFiled,
        ev.RiskFlagged,
        ev.EscalationPrevented,
        ev.DifficultyGraded,
        ev.PoliceReportRecorded,
    ),
    S.ACCEPTED: (
        ev.MediatorAssigned,
        ev.RightsNotified,
        ev.DocumentFiled,
        ev.ConsentRecorded,
        ev.InvestigationRecorded,
        ev.ParticipantInvited,
        ev.MediatorRecused,
        ev.RiskFlagged,
        ev.EscalationPrevented,
        ev.DifficultyGraded,
        ev.PoliceReportRecorded,
        ev.TermExtended,
        ev.SessionScheduled,
    ),
    S.MEDIATING: (
        ev.MediatorAssigned,
        ev.RightsNotified,
        ev.DocumentFiled,
        ev.ConsentRecorded,
        ev.ParticipantInvited,
        ev.InvestigationRecorded,
        ev.SessionScheduled,
        ev.SessionHeld,
        ev.MediatorRecused,
        ev.RiskFlagged,
        ev.EscalationPrevented,
        ev.DifficultyGraded,
        ev.PoliceReportRecorded,
        ev.TermExtended,
        ev.WrittenAgreementDrafted,
        ev.AgreementSigned,
    ),
    S.AGREED: (
        ev.DocumentFiled,
        ev.JudicialConfirmationApplied,
        ev.JudicialConfirmationRuled,
        ev.PoliceReportRecorded,
        ev.EscalationPrevented,
    ),
    S.TERMINATED: (ev.DocumentFiled, ev.PoliceReportRecorded, ev.EscalationPrevented),
    S.FOLLOWING_UP: (
        ev.DocumentFiled,
        ev.JudicialConfirmationApplied,
        ev.JudicialConfirmationRuled,
        ev.FollowUpRecorded,
        ev.PoliceReportRecorded,
        ev.EscalationPrevented,
    ),
    S.ARCHIVED: (ev.PartiesAnonymised,),
}
_MOVE: dict[tuple[CaseStatus | None, type[ev.CaseEvent]], CaseStatus] = {
    (S.RECEIVED, ev.CaseAccepted): S.ACCEPTED,
    (S.RECEIVED, ev.CaseDeclined): S.DECLINED,
    (S.ACCEPTED, ev.MediationStarted): S.MEDIATING,
    (S.ACCEPTED, ev.CaseTerminated): S.TERMINATED,
    (S.MEDIATING, ev.OralAgreementReached): S.AGREED,
    (S.MEDIATING, ev.AgreementTookEffect): S.AGREED,
    (S.MEDIATING, ev.CaseTerminated): S.TERMINATED,
    (S.AGREED, ev.FollowUpRecorded): S.FOLLOWING_UP,
    (S.AGREED, ev.CaseArchived): S.ARCHIVED,
    (S.TERMINATED, ev.FollowUpRecorded): S.FOLLOWING_UP,
    (S.TERMINATED, ev.CaseArchived): S.ARCHIVED,
    (S.FOLLOWING_UP, ev.CaseArchived): S.ARCHIVED,
}

TRANSITIONS: Mapping[tuple[CaseStatus | None, type[ev.CaseEvent]], CaseStatus] = MappingProxyType(
    {(None, ev.DisputeReceived): S.RECEIVED, **{(s, e): s for s, kept in _KEEP.items() for e in kept}, **_MOVE}
)
"""(status, event type) → next status; the creating event, DisputeReceived, from ``None``."""

INITIAL_EVENT = ev.DisputeReceived
TERMINAL = frozenset(s for s in CaseStatus if not any(k[0] is s and v is not s for k, v in TRANSITIONS.items()))
"""Statuses a case never leaves (an archived file is still anonymised in place)."""


@frozen(kw_only=True)
class CaseState:
    """A case as the fold of its events. Never built by hand outside ``evolve``."""

    case_id: str
    version: int
    status: CaseStatus
    room_id: str
    source: CaseSource
    category: str
    summary: str
    parties: tuple[Party, ...]
    received_on: dt.date
    amount_involved: Decimal = Decimal(0)
    referral_id: str | None = None
    referral_mode: ReferralMode | None = None
    dispatch_id: str | None = None
    repeat_of: str | None = None
    insurers: tuple[str, ...] = ()
    on_scene: OnScene | None = None
    online_consents: tuple[OnlineConsent, ...] = ()
    scheduled: tuple[ScheduledSession, ...] = ()
    number: str | None = None
    accepted_on: dt.date | None = None
    declined: DeclineReason | None = None
    mediators: frozenset[str] = frozenset()
    presiding: str | None = None
    recused: frozenset[str] = frozenset()
    ever_assigned: frozenset[str] = frozenset()
    refusals: frozenset[str] = frozenset()
    rights_notified: bool = False
    invitees: tuple[str, ...] = ()
    started_on: dt.date | None = None
    sessions: int = 0
    last_activity_on: dt.date | None = None
    risks: tuple[RiskFlag, ...] = ()
    preventions: tuple[Prevention, ...] = ()
    difficulty: Difficulty = Difficulty.ORDINARY
    police_reports: tuple[PoliceReport, ...] = ()
    extensions: int = 0
    deadlines: Mapping[DeadlineKind, Deadline] = field(factory=dict)
    term_due: dt.date | None = None
    follow_up_due: dt.date | None = None
    draft: WrittenTerms | None = None
    drafted_on: dt.date | None = None
    signatures: tuple[Signature, ...] = ()
    agreement: Agreement | None = None
    termination: TerminationReason | None = None
    routes_notified: tuple[Route, ...] = ()
    limitation_interrupted_on: dt.date | None = None
    concluded_on: dt.date | None = None
    confirmation_applied_on: dt.date | None = None
    confirmation_court: str | None = None
    confirmation: ConfirmationRuling | None = None
    """The court's ruling on the application for 司法确认, once recorded."""
    follow_ups: tuple[FollowUp, ...] = ()
    documents: frozenset[CaseFileItem] = frozenset()
    archived_on: dt.date | None = None
    retention_years: int | None = None
    anonymised_on: dt.date | None = None
    sensitive: bool = False
    """A party was under 14 at intake: sensitive personal information (个人信息保护法 art. 28)."""
    requested_by: tuple[str, ...] = ()
    confidential: bool = False
    """The dispute involves privacy or trade secrets: never mediated in public (若干规定 art. 29)."""

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.party_id for p in self.parties)

    @property
    def persons(self) -> int:
        return persons(self.parties)

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.party_id == party_id), None)

    @property
    def term(self) -> Deadline | None:
        return self.deadlines.get(DeadlineKind.MEDIATION_TERM)

    @property
    def entrusted_by_police(self) -> bool:
        """The police keep their own case and entrusted this dispute (the exception of §9 rule 15)."""
        return self.source is CaseSource.STATION_ENTRUSTMENT or (
            self.referral_mode is ReferralMode.ENTRUSTMENT and self.source.from_police
        )

    @property
    def enforceable(self) -> bool:
        """The court confirmed the agreement: a party may apply for its enforcement (民事诉讼法 第206条)."""
        return self.confirmation is not None and self.confirmation.enforceable

    @property
    def settled(self) -> bool:
        """An agreement took effect (调解成功)."""
        return self.agreement is not None


def _with_deadline(state: CaseState, deadline: Deadline) -> dict[DeadlineKind, Deadline]:
    return {**state.deadlines, deadline.kind: deadline}


def _without(state: CaseState, *kinds: DeadlineKind) -> dict[DeadlineKind, Deadline]:
    return {k: v for k, v in state.deadlines.items() if k not in kinds}


def _file(state: CaseState, *items: CaseFileItem) -> frozenset[CaseFileItem]:
    return state.documents | frozenset(items)


def _conclude(state: CaseState, on: dt.date) -> dict[str, Any]:
    return {
        "concluded_on": on,
        "deadlines": _without(state, DeadlineKind.MEDIATION_TERM),
        "last_activity_on": on,
    }


_Apply = Callable[[CaseState, Any], dict[str, Any]]
_APPLY: dict[type[ev.CaseEvent], _Apply] = {}


def _on(event_type: type[ev.CaseEvent]) -> Callable[[_Apply], _Apply]:
    def register(fn: _Apply) -> _Apply:
        _APPLY[event_type] = fn
        return fn

    return register


@_on(ev.CaseAccepted)
def _accepted(s: CaseState, e: ev.CaseAccepted) -> dict[str, Any]:
    return {"number": e.number, "accepted_on": e.on, "deadlines": _with_deadline(s, e.term), "term_due": e.term.due}


@_on(ev.CaseDeclined)
def _declined(s: CaseState, e: ev.CaseDeclined) -> dict[str, Any]:
    return {"declined": e.reason, "concluded_on": e.on}


@_on(ev.MediatorAssigned)
def _assigned(s: CaseState, e: ev.MediatorAssigned) -> dict[str, Any]:
    return {
        "mediators": s.mediators | {e.mediator_id},
        "ever_assigned": s.ever_assigned | {e.mediator_id},
        "presiding": e.mediator_id if e.presiding else s.presiding,
    }


@_on(ev.RightsNotified)
def _notified(s: CaseState, e: ev.RightsNotified) -> dict[str, Any]:
    return {"rights_notified": True, "documents": _file(s, CaseFileItem.RIGHTS_NOTICE)}


@_on(ev.DocumentFiled)
def _filed(s: CaseState, e: ev.DocumentFiled) -> dict[str, Any]:
    return {"documents": _file(s, e.item)}


@_on(ev.ConsentRecorded)
def _consent(s: CaseState, e: ev.ConsentRecorded) -> dict[str, Any]:
    refusals = s.refusals - {e.party_id} if e.consents else s.refusals | {e.party_id}
    return {"refusals": refusals}


@_on(ev.MediationStarted)
def _started(s: CaseState, e: ev.MediationStarted) -> dict[str, Any]:
    return {"started_on": e.on, "last_activity_on": e.on}


@_on(ev.ParticipantInvited)
def _invited(s: CaseState, e: ev.ParticipantInvited) -> dict[str, Any]:
    return {"invitees": (*s.invitees, e.name)}


@_on(ev.InvestigationRecorded)
def _investigated(s: CaseState, e: ev.InvestigationRecorded) -> dict[str, Any]:
    return {"documents": _file(s, CaseFileItem.INVESTIGATION_RECORD), "last_activity_on": e.on}


@_on(ev.SessionScheduled)
def _scheduled(s: CaseState, e: ev.SessionScheduled) -> dict[str, Any]:
    session = ScheduledSession(session_on=e.session_on, place=e.place, notified_on=e.on)
    return {"scheduled": (*s.scheduled, session)}


@_on(ev.SessionHeld)
def _session(s: CaseState, e: ev.SessionHeld) -> dict[str, Any]:
    return {
        "sessions": s.sessions + 1,
        "documents": _file(s, CaseFileItem.MEDIATION_RECORD),
        "last_activity_on": e.on,
    }


@_on(ev.MediatorRecused)
def _recused(s: CaseState, e: ev.MediatorRecused) -> dict[str, Any]:
    return {
        "mediators": s.mediators - {e.mediator_id},
        "recused": s.recused | {e.mediator_id},
        "presiding": None if s.presiding == e.mediator_id else s.presiding,
    }


@_on(ev.RiskFlagged)
def _risk(s: CaseState, e: ev.RiskFlagged) -> dict[str, Any]:
    flag = RiskFlag(kind=e.kind, persons=e.persons, on=e.on, note=e.note)
    deadlines = _with_deadline(s, e.report_due) if e.report_due else s.deadlines
    return {"risks": (*s.risks, flag), "deadlines": deadlines}


@_on(ev.EscalationPrevented)
def _prevented(s: CaseState, e: ev.EscalationPrevented) -> dict[str, Any]:
    return {"preventions": (*s.preventions, Prevention(kind=e.kind, on=e.on, measures=e.measures))}


@_on(ev.DifficultyGraded)
def _graded(s: CaseState, e: ev.DifficultyGraded) -> dict[str, Any]:
    return {"difficulty": e.grade}


@_on(ev.PoliceReportRecorded)
def _reported(s: CaseState, e: ev.PoliceReportRecorded) -> dict[str, Any]:
    report = PoliceReport(on=e.on, station_id=e.station_id, reference=e.reference, late=e.late)
    return {
        "police_reports": (*s.police_reports, report),
        "deadlines": _without(s, DeadlineKind.ESCALATION_REPORT),
    }


@_on(ev.TermExtended)
def _extended(s: CaseState, e: ev.TermExtended) -> dict[str, Any]:
    return {"extensions": s.extensions + 1, "deadlines": _with_deadline(s, e.term), "term_due": e.term.due}


@_on(ev.OralAgreementReached)
def _oral(s: CaseState, e: ev.OralAgreementReached) -> dict[str, Any]:
    agreement = Agreement(
        form=AgreementForm.ORAL,
        effective_on=e.on,
        subject=e.subject,
        content=e.content,
        immediate_performance=e.immediate_performance,
    )
    changes = _conclude(s, e.on)
    changes["deadlines"] = {**changes["deadlines"], e.follow_up.kind: e.follow_up}
    changes["follow_up_due"] = e.follow_up.due
    return {**changes, "agreement": agreement, "documents": _file(s, CaseFileItem.AGREEMENT)}


@_on(ev.WrittenAgreementDrafted)
def _drafted(s: CaseState, e: ev.WrittenAgreementDrafted) -> dict[str, Any]:
    return {"draft": e.terms, "drafted_on": e.on, "signatures": ()}


@_on(ev.AgreementSigned)
def _signed(s: CaseState, e: ev.AgreementSigned) -> dict[str, Any]:
    return {"signatures": (*s.signatures, e.signature)}


@_on(ev.AgreementTookEffect)
def _effective(s: CaseState, e: ev.AgreementTookEffect) -> dict[str, Any]:
    if s.draft is None:
        msg = "an agreement took effect without a draft"
        raise InvalidTransitionError(msg)
    agreement = Agreement(
        form=AgreementForm.WRITTEN,
        effective_on=e.effective_on,
        subject=s.draft.subject,
        terms=s.draft,
        signatures=s.signatures,
        copies=e.copies,
        immediate_performance=False,
    )
    changes = _conclude(s, e.effective_on)
    changes["deadlines"] = {**changes["deadlines"], e.follow_up.kind: e.follow_up}
    changes["follow_up_due"] = e.follow_up.due
    return {**changes, "agreement": agreement, "documents": _file(s, CaseFileItem.AGREEMENT)}


@_on(ev.CaseTerminated)
def _terminated(s: CaseState, e: ev.CaseTerminated) -> dict[str, Any]:
    return {
        **_conclude(s, e.on),
        "termination": e.reason,
        "routes_notified": e.routes,
        "limitation_interrupted_on": e.limitation_interrupted_on,
        "documents": _file(s, CaseFileItem.TERMINATION_RECORD),
    }


@_on(ev.JudicialConfirmationApplied)
def _confirmation(s: CaseState, e: ev.JudicialConfirmationApplied) -> dict[str, Any]:
    return {
        "confirmation_applied_on": e.on,
        "confirmation_court": e.court,
        "documents": _file(s, CaseFileItem.JUDICIAL_CONFIRMATION),
    }


@_on(ev.JudicialConfirmationRuled)
def _ruled(s: CaseState, e: ev.JudicialConfirmationRuled) -> dict[str, Any]:
    ruling = ConfirmationRuling(
        result=e.result,
        court=e.court,
        court_case_number=e.court_case_number,
        on=e.on,
        routes=e.routes,
        notice=e.notice,
        reason=e.reason,
    )
    return {"confirmation": ruling, "documents": _file(s, CaseFileItem.JUDICIAL_CONFIRMATION)}


@_on(ev.FollowUpRecorded)
def _followed_up(s: CaseState, e: ev.FollowUpRecorded) -> dict[str, Any]:
    return {
        "follow_ups": (*s.follow_ups, e.visit),
        "deadlines": _without(s, DeadlineKind.FOLLOW_UP),
        "documents": _file(s, CaseFileItem.FOLLOW_UP_RECORD),
    }


@_on(ev.CaseArchived)
def _archived(s: CaseState, e: ev.CaseArchived) -> dict[str, Any]:
    return {"archived_on": e.on, "retention_years": e.retention_years, "deadlines": {}}


@_on(ev.PartiesAnonymised)
def _anonymised(s: CaseState, e: ev.PartiesAnonymised) -> dict[str, Any]:
    """The earlier records are rewritten in the same transaction (their replay yields the
    anonymised parties); folding the event onto a state that still holds them anonymises
    it the same way."""
    names = person_names(s.parties) + s.invitees
    return {
        "anonymised_on": e.on,
        "parties": tuple(anonymised_party(p) for p in s.parties),
        "summary": anonymised_text(s.summary, names),
        "invitees": tuple(anonymised_text(n, names) for n in s.invitees),
    }


def start(case_id: str, version: int, event: ev.DisputeReceived) -> CaseState:
    """The state a DisputeReceived event creates."""
    return CaseState(
        case_id=case_id,
        version=version,
        status=CaseStatus.RECEIVED,
        room_id=event.room_id,
        source=event.source,
        category=event.category,
        summary=event.summary,
        parties=event.parties,
        received_on=event.received_on,
        amount_involved=event.amount_involved,
        referral_id=event.referral_id,
        referral_mode=event.referral_mode,
        dispatch_id=event.dispatch_id,
        repeat_of=event.repeat_of,
        insurers=event.insurers,
        on_scene=event.on_scene,
        online_consents=event.online_consents,
        sensitive=event.sensitive or holds_sensitive_data(event.parties, event.received_on),
        requested_by=event.requested_by,
        confidential=event.confidential,
        documents=frozenset({CaseFileItem.REGISTRATION}),
        last_activity_on=event.received_on,
    )


def evolve(state: CaseState | None, event: ev.CaseEvent, *, case_id: str = "") -> CaseState:
    """The case after ``event``. Pure and total over the transition table; raises
    :class:`InvalidTransitionError` for an event the table does not allow."""
    return FOLD(state, event, case_id)


def replay(case_id: str, events: Iterable[ev.CaseEvent]) -> CaseState | None:
    """Fold a stream into the case state; ``None`` for an empty stream."""
    return FOLD.replay(case_id, events)


def _start(case_id: str, event: ev.DisputeReceived) -> CaseState:
    return start(case_id, 1, event)


FOLD: Fold[CaseState] = Fold(
    noun="case",
    transitions=TRANSITIONS,
    start=_start,
    apply=_APPLY,
    event_types=ev.EVENT_TYPES,
)
