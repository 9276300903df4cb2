"""治安 case events: the station's case file is the ordered list of these."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.police_case.mediability import (
    Assessment,
    Exclusion,
    OnTheSpotConditions,
    PoliceAgreementTerms,
    PoliceSession,
    Punishment,
    SettlementRoute,
)
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.editions import LawEdition
from mediation_core.domain.values.parties import Party


@frozen(kw_only=True)
class PoliceCaseEvent(DomainEvent):
    """Base of every 治安 case event."""


@frozen(kw_only=True)
class PoliceCaseOpened(PoliceCaseEvent):
    """The station accepted a 治安 case (受案); the 30-day time limit starts. ``edition`` is the
    text of 治安管理处罚法 in force on ``act_on``; a case recorded before editions were kept has
    neither and is read by its acceptance date."""

    EVENT_TYPE: ClassVar[str] = "police_case.opened"
    station_id: str
    case_number: str
    accepted_on: dt.date
    summary: str
    parties: tuple[Party, ...]
    suspect_ids: tuple[str, ...]
    assessment: Assessment
    assessment_needed: bool
    time_limit: Deadline
    first_session: Deadline | None = None
    act_on: dt.date | None = None
    edition: LawEdition | None = None


@frozen(kw_only=True)
class AssessmentStarted(PoliceCaseEvent):
    """委托鉴定: the time limit stops while the assessment runs (程序规定 art. 165); ``paused`` is
    the limit as it stood, ``None`` when none was running (mediation under way)."""

    EVENT_TYPE: ClassVar[str] = "police_case.assessment_started"
    on: dt.date
    kind: str
    paused: Deadline | None = None


@frozen(kw_only=True)
class AssessmentIssued(PoliceCaseEvent):
    """伤情鉴定 / 价格认定 issued: the first session is due within the policy's working days. When
    the assessment stopped the time limit, ``time_limit`` is the limit running on, longer by the
    days the assessment took, and ``started_on`` the day it was commissioned."""

    EVENT_TYPE: ClassVar[str] = "police_case.assessment_issued"
    on: dt.date
    kind: str
    result: str
    first_session: Deadline
    started_on: dt.date | None = None
    time_limit: Deadline | None = None


@frozen(kw_only=True)
class ExclusionFound(PoliceCaseEvent):
    """An art. 179 exclusion came to light (a party refuses, the suspect fled …)."""

    EVENT_TYPE: ClassVar[str] = "police_case.exclusion_found"
    on: dt.date
    exclusion: Exclusion
    note: str = ""


@frozen(kw_only=True)
class PoliceSessionHeld(PoliceCaseEvent):
    """A police mediation session; the time limit waits while mediation runs (art. 185)."""

    EVENT_TYPE: ClassVar[str] = "police_case.session_held"
    session: PoliceSession


@frozen(kw_only=True)
class PoliceAgreementReached(PoliceCaseEvent):
    """治安调解协议书 signed by both parties (art. 184)."""

    EVENT_TYPE: ClassVar[str] = "police_case.agreement_reached"
    on: dt.date
    terms: PoliceAgreementTerms
    signed_by: tuple[str, ...]


@frozen(kw_only=True)
class SettledOnTheSpot(PoliceCaseEvent):
    """当场调解 and performed on the spot (art. 178 para. 3)."""

    EVENT_TYPE: ClassVar[str] = "police_case.settled_on_the_spot"
    on: dt.date
    officer: str
    conditions: OnTheSpotConditions
    content: str
    written: bool
    body_camera_ref: str = ""


@frozen(kw_only=True)
class PoliceMediationFailed(PoliceCaseEvent):
    """调解未达成协议: the time limit restarts from today (art. 185)."""

    EVENT_TYPE: ClassVar[str] = "police_case.mediation_failed"
    on: dt.date
    reason: str
    time_limit: Deadline


@frozen(kw_only=True)
class AgreementPerformed(PoliceCaseEvent):
    """The police agreement was performed."""

    EVENT_TYPE: ClassVar[str] = "police_case.agreement_performed"
    on: dt.date


@frozen(kw_only=True)
class AgreementNotPerformed(PoliceCaseEvent):
    """达成协议不履行: the time limit restarts from today (art. 185)."""

    EVENT_TYPE: ClassVar[str] = "police_case.agreement_not_performed"
    on: dt.date
    time_limit: Deadline


@frozen(kw_only=True)
class EntrustedToRoom(PoliceCaseEvent):
    """委托人民调解: the station keeps the case; the time limit waits for the room's report."""

    EVENT_TYPE: ClassVar[str] = "police_case.entrusted"
    on: dt.date
    referral_id: str
    room_id: str


@frozen(kw_only=True)
class EntrustmentEnded(PoliceCaseEvent):
    """The room declined or returned the entrustment (or the station withdrew it)."""

    EVENT_TYPE: ClassVar[str] = "police_case.entrustment_ended"
    on: dt.date
    referral_id: str
    time_limit: Deadline
    note: str = ""


@frozen(kw_only=True)
class PeoplesMediationSettled(PoliceCaseEvent):
    """反馈: the entrusted dispute was settled by people's mediation."""

    EVENT_TYPE: ClassVar[str] = "police_case.peoples_mediation_settled"
    on: dt.date
    referral_id: str
    case_id: str
    note: str = ""


@frozen(kw_only=True)
class PeoplesMediationFailed(PoliceCaseEvent):
    """反馈: people's mediation failed; back to the station, the time limit restarts (art. 185)."""

    EVENT_TYPE: ClassVar[str] = "police_case.peoples_mediation_failed"
    on: dt.date
    referral_id: str
    case_id: str
    time_limit: Deadline
    note: str = ""


@frozen(kw_only=True)
class PeoplesAgreementPerformed(PoliceCaseEvent):
    """反馈: the people's-mediation agreement was performed (an element of art. 186)."""

    EVENT_TYPE: ClassVar[str] = "police_case.peoples_agreement_performed"
    on: dt.date
    referral_id: str
    case_id: str


@frozen(kw_only=True)
class PeoplesAgreementNotPerformed(PoliceCaseEvent):
    """反馈: the people's-mediation agreement was not (fully) performed; the time limit restarts."""

    EVENT_TYPE: ClassVar[str] = "police_case.peoples_agreement_not_performed"
    on: dt.date
    referral_id: str
    case_id: str
    time_limit: Deadline


@frozen(kw_only=True)
class JointApplicationRecorded(PoliceCaseEvent):
    """The parties' joint written application not to punish (art. 186)."""

    EVENT_TYPE: ClassVar[str] = "police_case.joint_application_recorded"
    on: dt.date
    applicant_ids: tuple[str, ...]
    written: bool


@frozen(kw_only=True)
class TimeLimitExtended(PoliceCaseEvent):
    """30 more days with approval (处罚法 2012 text art. 99: once; 2025 text art. 118: at most twice);
    ``edition`` is the text the case is handled under."""

    EVENT_TYPE: ClassVar[str] = "police_case.time_limit_extended"
    on: dt.date
    approved_by: str
    reason: str
    time_limit: Deadline
    edition: LawEdition | None = None


@frozen(kw_only=True)
class OwnSettlementReached(PoliceCaseEvent):
    """The parties settled themselves or before a people's mediation committee (程序规定 art. 186;
    处罚法（2025年修订）art. 9 para. 4)."""

    EVENT_TYPE: ClassVar[str] = "police_case.own_settlement_reached"
    on: dt.date
    route: SettlementRoute
    party_ids: tuple[str, ...]
    content: str
    mediation_body: str = ""
    edition: LawEdition | None = None


@frozen(kw_only=True)
class OwnSettlementPerformed(PoliceCaseEvent):
    """The parties' own settlement was performed."""

    EVENT_TYPE: ClassVar[str] = "police_case.own_settlement_performed"
    on: dt.date
    evidence: str


@frozen(kw_only=True)
class PunishmentDecided(PoliceCaseEvent):
    """The station's decision; the case is closed."""

    EVENT_TYPE: ClassVar[str] = "police_case.decided"
    on: dt.date
    decision: Punishment
    reference: str
    approved_by: str = ""
    civil_suit_notified: bool = False
    edition: LawEdition | None = None


EVENT_TYPES: tuple[type[PoliceCaseEvent], ...] = (
    PoliceCaseOpened,
    AssessmentStarted,
    AssessmentIssued,
    ExclusionFound,
    PoliceSessionHeld,
    PoliceAgreementReached,
    SettledOnTheSpot,
    PoliceMediationFailed,
    AgreementPerformed,
    AgreementNotPerformed,
    EntrustedToRoom,
    EntrustmentEnded,
    PeoplesMediationSettled,
    PeoplesMediationFailed,
    PeoplesAgreementPerformed,
    PeoplesAgreementNotPerformed,
    JointApplicationRecorded,
    OwnSettlementReached,
    OwnSettlementPerformed,
    TimeLimitExtended,
    PunishmentDecided,
)
