"""The 治安 case aggregate: its state, the one transition table, and the pure ``evolve``.

The 30-day time limit (治安管理处罚法 2012 text art. 99, 2025 text art. 118; 程序规定 art. 165)
runs from acceptance, waits while police or people's mediation runs, and restarts from the day
mediation fails or an agreement goes unperformed (程序规定 art. 185). It stops while an
assessment runs (``paused_time_limit``, art. 165) and runs on longer by the days the
assessment took.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs
from attrs import field, frozen

from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.police_case import events as ev
from mediation_core.domain.police_case.mediability import (
    Assessment,
    PoliceAgreementTerms,
    PoliceSession,
    Punishment,
    SettlementRoute,
    mediable,
)
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.editions import LawEdition, edition_for
from mediation_core.domain.values.parties import Party


class PoliceCaseStatus(enum.Enum):
    OPEN = "open"  # 已受案
    MEDIATING = "mediating"  # 治安调解中
    AGREED = "agreed"  # 达成治安调解协议
    ENTRUSTED = "entrusted"  # 委托人民调解中
    FAILED = "failed"  # 调解不成或未履行，待处理决定
    DECIDED = "decided"  # 已作出处理决定

    @property
    def title_zh(self) -> str:
        return _TITLES[self]


_TITLES = {
    PoliceCaseStatus.OPEN: "已受案",
    PoliceCaseStatus.MEDIATING: "治安调解中",
    PoliceCaseStatus.AGREED: "达成调解协议",
    PoliceCaseStatus.ENTRUSTED: "委托人民调解中",
    PoliceCaseStatus.FAILED: "待作出处理决定",
    PoliceCaseStatus.DECIDED: "已作出处理决定",
}

P = PoliceCaseStatus
_FEEDBACK = (
    ev.PeoplesMediationSettled,
    ev.PeoplesAgreementPerformed,
    ev.PeoplesMediationFailed,
    ev.PeoplesAgreementNotPerformed,
    ev.EntrustmentEnded,
)
TRANSITIONS: Mapping[tuple[PoliceCaseStatus | None, type[ev.PoliceCaseEvent]], PoliceCaseStatus] = MappingProxyType(
    {
        (None, ev.PoliceCaseOpened): P.OPEN,
        (P.OPEN, ev.AssessmentStarted): P.OPEN,
        (P.OPEN, ev.AssessmentIssued): P.OPEN,
        (P.OPEN, ev.ExclusionFound): P.OPEN,
        (P.OPEN, ev.PoliceSessionHeld): P.MEDIATING,
        (P.OPEN, ev.SettledOnTheSpot): P.AGREED,
        (P.OPEN, ev.EntrustedToRoom): P.ENTRUSTED,
        (P.OPEN, ev.TimeLimitExtended): P.OPEN,
        (P.OPEN, ev.OwnSettlementReached): P.OPEN,
        (P.OPEN, ev.OwnSettlementPerformed): P.OPEN,
        (P.OPEN, ev.JointApplicationRecorded): P.OPEN,
        (P.OPEN, ev.PunishmentDecided): P.DECIDED,
        (P.MEDIATING, ev.PoliceSessionHeld): P.MEDIATING,
        (P.MEDIATING, ev.ExclusionFound): P.MEDIATING,
        (P.MEDIATING, ev.PoliceAgreementReached): P.AGREED,
        (P.MEDIATING, ev.PoliceMediationFailed): P.FAILED,
        (P.MEDIATING, ev.EntrustedToRoom): P.ENTRUSTED,
        (P.AGREED, ev.AgreementPerformed): P.AGREED,
        (P.AGREED, ev.AgreementNotPerformed): P.FAILED,
        (P.AGREED, ev.PunishmentDecided): P.DECIDED,
        (P.ENTRUSTED, ev.PeoplesMediationSettled): P.ENTRUSTED,
        (P.ENTRUSTED, ev.PeoplesAgreementPerformed): P.ENTRUSTED,
        (P.ENTRUSTED, ev.PeoplesMediationFailed): P.FAILED,
        (P.ENTRUSTED, ev.PeoplesAgreementNotPerformed): P.FAILED,
        (P.ENTRUSTED, ev.EntrustmentEnded): P.FAILED,
        (P.ENTRUSTED, ev.JointApplicationRecorded): P.ENTRUSTED,
        (P.ENTRUSTED, ev.PunishmentDecided): P.DECIDED,
        (P.FAILED, ev.EntrustedToRoom): P.ENTRUSTED,
        (P.FAILED, ev.JointApplicationRecorded): P.FAILED,
        (P.FAILED, ev.OwnSettlementReached): P.FAILED,
        (P.FAILED, ev.OwnSettlementPerformed): P.FAILED,
        (P.FAILED, ev.TimeLimitExtended): P.FAILED,
        (P.FAILED, ev.PunishmentDecided): P.DECIDED,
        **{(P.FAILED, e): P.FAILED for e in (ev.PeoplesAgreementPerformed, ev.PeoplesAgreementNotPerformed)},
        **{(P.DECIDED, e): P.DECIDED for e in _FEEDBACK},
    }
)
"""(status, event type) → next status. PoliceCaseOpened creates a case in ``open``. The room's
reports are kept after the decision too, so a late follow-up never fails for the station."""

INITIAL_EVENT = ev.PoliceCaseOpened
TERMINAL = frozenset(s for s in PoliceCaseStatus if not any(k[0] is s and v is not s for k, v in TRANSITIONS.items()))


@frozen(kw_only=True)
class PoliceCaseState:
    """A 治安 case as the fold of its events."""

    police_case_id: str
    version: int
    status: PoliceCaseStatus
    station_id: str
    case_number: str
    accepted_on: dt.date
    summary: str
    parties: tuple[Party, ...]
    suspect_ids: tuple[str, ...]
    assessment: Assessment
    assessment_needed: bool
    deadlines: Mapping[DeadlineKind, Deadline] = field(factory=dict)
    assessment_issued_on: dt.date | None = None
    assessment_started_on: dt.date | None = None
    paused_time_limit: Deadline | None = None
    sessions: tuple[PoliceSession, ...] = ()
    agreement: PoliceAgreementTerms | None = None
    agreed_on: dt.date | None = None
    on_the_spot: bool = False
    performed: bool | None = None
    failed_on: dt.date | None = None
    referral_id: str | None = None
    room_id: str | None = None
    peoples_case_id: str | None = None
    peoples_settled: bool | None = None
    peoples_performed: bool | None = None
    joint_application_on: dt.date | None = None
    joint_applicants: tuple[str, ...] = ()
    joint_application_written: bool = False
    extensions: int = 0
    decision: Punishment | None = None
    decided_on: dt.date | None = None
    act_on: dt.date | None = None
    edition: LawEdition = LawEdition.PSAPL_2012
    own_settlement_route: SettlementRoute | None = None
    own_settlement_on: dt.date | None = None
    own_settlement_party_ids: tuple[str, ...] = ()
    own_settlement_performed_on: dt.date | None = None

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.party_id for p in self.parties)

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.party_id == party_id), None)

    @property
    def mediable(self) -> bool:
        """Arts. 178–179 hold on the current assessment (§9 rules 16–17)."""
        return mediable(self.assessment)

    @property
    def edition_title_zh(self) -> str:
        """The text of 治安管理处罚法 the case is handled under, as an office reads it."""
        return self.edition.title_zh


def _without(s: PoliceCaseState, *kinds: DeadlineKind) -> dict[DeadlineKind, Deadline]:
    return {k: v for k, v in s.deadlines.items() if k not in kinds}


def _restart(s: PoliceCaseState, on: dt.date, time_limit: Deadline) -> dict[str, Any]:
    """Art. 185: back to the station; the time limit counts from ``on``. A case already back
    (or decided) keeps the date it came back on."""
    if s.status in {P.FAILED, P.DECIDED}:
        return {}
    return {
        "failed_on": on,
        "deadlines": {**_without(s, DeadlineKind.POLICE_FIRST_SESSION), time_limit.kind: time_limit},
    }


def _waiting(s: PoliceCaseState) -> dict[DeadlineKind, Deadline]:
    """Mediation is running: the time limit and the first-session deadline wait."""
    return _without(s, DeadlineKind.POLICE_TIME_LIMIT, DeadlineKind.POLICE_FIRST_SESSION)


_Apply = Callable[[PoliceCaseState, Any], dict[str, Any]]
_APPLY: dict[type[ev.PoliceCaseEvent], _Apply] = {
    ev.AssessmentStarted: lambda s, e: {
        "assessment_started_on": e.on,
        "paused_time_limit": e.paused,
        "deadlines": _without(s, DeadlineKind.POLICE_TIME_LIMIT),
    },
    ev.AssessmentIssued: lambda s, e: {
        "assessment_issued_on": e.on,
        "assessment_started_on": None,
        "paused_time_limit": None,
        "deadlines": {
            **s.deadlines,
            e.first_session.kind: e.first_session,
            **({e.time_limit.kind: e.time_limit} if e.time_limit is not None else {}),
        },
    },
    ev.ExclusionFound: lambda s, e: {
        "assessment": attrs.evolve(s.assessment, exclusions=s.assessment.exclusions | {e.exclusion})
    },
    ev.PoliceSessionHeld: lambda s, e: {"sessions": (*s.sessions, e.session), "deadlines": _waiting(s)},
    ev.PoliceAgreementReached: lambda s, e: {"agreement": e.terms, "agreed_on": e.on},
    ev.SettledOnTheSpot: lambda s, e: {
        "agreed_on": e.on,
        "on_the_spot": True,
        "performed": True,
        "deadlines": _waiting(s),
    },
    ev.PoliceMediationFailed: lambda s, e: _restart(s, e.on, e.time_limit),
    ev.AgreementPerformed: lambda s, e: {"performed": True},
    ev.AgreementNotPerformed: lambda s, e: {"performed": False, **_restart(s, e.on, e.time_limit)},
    ev.EntrustedToRoom: lambda s, e: {
        "referral_id": e.referral_id,
        "room_id": e.room_id,
        "peoples_case_id": None,
        "peoples_settled": None,
        "peoples_performed": None,
        "deadlines": _waiting(s),
    },
    ev.EntrustmentEnded: lambda s, e: _restart(s, e.on, e.time_limit),
    ev.PeoplesMediationSettled: lambda s, e: {"peoples_case_id": e.case_id, "peoples_settled": True},
    ev.PeoplesMediationFailed: lambda s, e: {
        "peoples_case_id": e.case_id,
        "peoples_settled": False,
        **_restart(s, e.on, e.time_limit),
    },
    ev.PeoplesAgreementPerformed: lambda s, e: {"peoples_performed": True},
    ev.PeoplesAgreementNotPerformed: lambda s, e: {"peoples_performed": False, **_restart(s, e.on, e.time_limit)},
    ev.JointApplicationRecorded: lambda s, e: {
        "joint_application_on": e.on,
        "joint_applicants": e.applicant_ids,
        "joint_application_written": e.written,
    },
    ev.OwnSettlementReached: lambda s, e: {
        "own_settlement_route": e.route,
        "own_settlement_on": e.on,
        "own_settlement_party_ids": e.party_ids,
        "own_settlement_performed_on": None,
    },
    ev.OwnSettlementPerformed: lambda s, e: {"own_settlement_performed_on": e.on},
    ev.TimeLimitExtended: lambda s, e: {
        "extensions": s.extensions + 1,
        "deadlines": {**s.deadlines, e.time_limit.kind: e.time_limit},
    },
    ev.PunishmentDecided: lambda s, e: {"decision": e.decision, "decided_on": e.on, "deadlines": {}},
}


def start(police_case_id: str, e: ev.PoliceCaseOpened) -> PoliceCaseState:
    deadlines = {e.time_limit.kind: e.time_limit}
    if e.first_session is not None:
        deadlines[e.first_session.kind] = e.first_session
    return PoliceCaseState(
        police_case_id=police_case_id,
        version=1,
        status=PoliceCaseStatus.OPEN,
        station_id=e.station_id,
        case_number=e.case_number,
        accepted_on=e.accepted_on,
        summary=e.summary,
        parties=e.parties,
        suspect_ids=e.suspect_ids,
        assessment=e.assessment,
        assessment_needed=e.assessment_needed,
        deadlines=deadlines,
        act_on=e.act_on,
        edition=e.edition or edition_for(e.act_on or e.accepted_on),
    )


def evolve(state: PoliceCaseState | None, event: ev.PoliceCaseEvent, *, police_case_id: str = "") -> PoliceCaseState:
    """The 治安 case after ``event``. Pure; raises :class:`InvalidTransitionError` for an event
    the transition table does not allow."""
    return FOLD(state, event, police_case_id)


FOLD: Fold[PoliceCaseState] = Fold(
    noun="治安 case",
    transitions=TRANSITIONS,
    start=start,
    apply=_APPLY,
    event_types=ev.EVENT_TYPES,
)
