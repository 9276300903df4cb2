"""Case events: the case file is the ordered list of these (一案一卷).

Every event is a frozen value with a stable wire tag (``EVENT_TYPE``, never derived from the
class name) and a ``SCHEMA_VERSION``. Envelope data (case id, version, time recorded,
actor, hash chain) lives in :class:`mediation_core.domain.records.RecordedEvent`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.case.agreements import AgreementSubject, Signature, WrittenTerms
from mediation_core.domain.case.courts import ConfirmationResult, RefusalRoute
from mediation_core.domain.case.followups import FollowUp
from mediation_core.domain.case.outcomes import DeclineReason, Route, TerminationReason
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.traffic.accident import InsurerNotice, JointBody
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.parties import Party
from mediation_core.domain.values.risks import Difficulty, RiskKind
from mediation_core.domain.values.sources import CaseSource, OnlineConsent, OnScene, ReferralMode


@frozen(kw_only=True)
class CaseEvent(DomainEvent):
    """Base of every case event."""


@frozen(kw_only=True)
class DisputeReceived(CaseEvent):
    """登记: the dispute is registered; the case exists from here. ``referral_id`` and
    ``referral_mode`` link a case opened by accepting a referral, ``dispatch_id`` a case
    settled on the scene of a 110 dispatch, ``repeat_of`` the earlier case it repeats;
    ``sensitive`` says a party was under 14 on the day of intake (个人信息保护法 art. 28), and
    stays when the parties are anonymised. ``requested_by`` names the parties who asked the
    committee to mediate (the limitation period is interrupted on their request);
    ``confidential`` marks a dispute involving privacy or trade secrets (never mediated in public)."""

    EVENT_TYPE: ClassVar[str] = "case.received"
    room_id: str
    received_on: dt.date
    source: CaseSource
    category: str
    summary: str
    parties: tuple[Party, ...]
    amount_involved: Decimal = Decimal(0)
    referral_id: str | None = None
    referral_mode: ReferralMode | None = None
    dispatch_id: str | None = None
    repeat_of: str | None = None
    insurers: tuple[str, ...] = ()
    sensitive: bool = False
    requested_by: tuple[str, ...] = ()
    confidential: bool = False
    on_scene: OnScene | None = None
    online_consents: tuple[OnlineConsent, ...] = ()


@frozen(kw_only=True)
class CaseAccepted(CaseEvent):
    """受理: numbered gap-free per room and year; the mediation term starts."""

    EVENT_TYPE: ClassVar[str] = "case.accepted"
    on: dt.date
    number: str
    year: int
    sequence: int
    term: Deadline


@frozen(kw_only=True)
class CaseDeclined(CaseEvent):
    """不予受理, with a coded reason."""

    EVENT_TYPE: ClassVar[str] = "case.declined"
    on: dt.date
    reason: DeclineReason
    note: str = ""


@frozen(kw_only=True)
class MediatorAssigned(CaseEvent):
    """A mediator joins the case (designated by the committee or chosen by the parties)."""

    EVENT_TYPE: ClassVar[str] = "case.mediator_assigned"
    mediator_id: str
    presiding: bool
    on: dt.date


@frozen(kw_only=True)
class RightsNotified(CaseEvent):
    """权利义务告知: the parties were told their rights and duties before mediation."""

    EVENT_TYPE: ClassVar[str] = "case.rights_notified"
    on: dt.date
    written: bool = True


@frozen(kw_only=True)
class DocumentFiled(CaseEvent):
    """A document put into the case file (identity proof, evidence, back cover …)."""

    EVENT_TYPE: ClassVar[str] = "case.document_filed"
    item: CaseFileItem
    title: str
    on: dt.date


@frozen(kw_only=True)
class ConsentRecorded(CaseEvent):
    """A party's consent to, or explicit refusal of, people's mediation."""

    EVENT_TYPE: ClassVar[str] = "case.consent_recorded"
    party_id: str
    consents: bool
    on: dt.date
    note: str = ""


@frozen(kw_only=True)
class MediationStarted(CaseEvent):
    """调解开始."""

    EVENT_TYPE: ClassVar[str] = "case.mediation_started"
    on: dt.date


@frozen(kw_only=True)
class ParticipantInvited(CaseEvent):
    """An invited participant (relative, neighbour, expert …) with every party's consent."""

    EVENT_TYPE: ClassVar[str] = "case.participant_invited"
    name: str
    relation: str
    consenting_party_ids: tuple[str, ...]
    on: dt.date


@frozen(kw_only=True)
class InvestigationRecorded(CaseEvent):
    """调查记录."""

    EVENT_TYPE: ClassVar[str] = "case.investigation_recorded"
    on: dt.date
    investigator_id: str
    subject: str
    content: str


@frozen(kw_only=True)
class SessionHeld(CaseEvent):
    """调解会 and its 调解记录; a joint session records which other bodies took part ("1+4")
    and when each insurer was told of it."""

    EVENT_TYPE: ClassVar[str] = "case.session_held"
    on: dt.date
    place: str
    mediator_ids: tuple[str, ...]
    party_ids: tuple[str, ...]
    invitees: tuple[str, ...]
    public: bool
    summary: str
    joint_bodies: frozenset[JointBody] = frozenset()
    insurer_notices: tuple[InsurerNotice, ...] = ()


@frozen(kw_only=True)
class SessionScheduled(CaseEvent):
    """A session's date and place fixed with the parties; ``insurers`` were told on ``on``."""

    EVENT_TYPE: ClassVar[str] = "case.session_scheduled"
    on: dt.date
    session_on: dt.date
    place: str
    insurers: tuple[str, ...] = ()


@frozen(kw_only=True)
class MediatorRecused(CaseEvent):
    """回避: the mediator leaves the case for good."""

    EVENT_TYPE: ClassVar[str] = "case.mediator_recused"
    mediator_id: str
    requested_by: str
    reason: str
    on: dt.date


@frozen(kw_only=True)
class RiskFlagged(CaseEvent):
    """A risk of escalation; a 治安 or criminal risk opens a report deadline."""

    EVENT_TYPE: ClassVar[str] = "case.risk_flagged"
    kind: RiskKind
    persons: int
    on: dt.date
    note: str = ""
    report_due: Deadline | None = None


@frozen(kw_only=True)
class DifficultyGraded(CaseEvent):
    """The case's difficulty grade (疑难复杂 / 疑难险重)."""

    EVENT_TYPE: ClassVar[str] = "case.difficulty_graded"
    grade: Difficulty
    on: dt.date
    reason: str = ""


@frozen(kw_only=True)
class EscalationPrevented(CaseEvent):
    """A flagged risk kept from escalating, or an incident handled early (防止民转刑 /
    预防处置群体性事件), whatever the dispute's outcome."""

    EVENT_TYPE: ClassVar[str] = "case.escalation_prevented"
    kind: RiskKind
    on: dt.date
    measures: str


@frozen(kw_only=True)
class PoliceReportRecorded(CaseEvent):
    """A report to the police under 人民调解法 art. 25."""

    EVENT_TYPE: ClassVar[str] = "case.police_report_recorded"
    on: dt.date
    station_id: str
    reference: str
    late: bool = False


@frozen(kw_only=True)
class TermExtended(CaseEvent):
    """The mediation term extended with every party's recorded consent."""

    EVENT_TYPE: ClassVar[str] = "case.term_extended"
    on: dt.date
    consenting_party_ids: tuple[str, ...]
    term: Deadline


@frozen(kw_only=True)
class OralAgreementReached(CaseEvent):
    """口头协议: effective the day reached; its content is recorded. ``term_due`` is set when it
    was reached after the mediation term ended on that day: a warning, with ``late_explanation``."""

    EVENT_TYPE: ClassVar[str] = "case.oral_agreement_reached"
    on: dt.date
    content: str
    subject: AgreementSubject
    immediate_performance: bool
    follow_up: Deadline
    term_due: dt.date | None = None
    late_explanation: str = ""


@frozen(kw_only=True)
class WrittenAgreementDrafted(CaseEvent):
    """调解协议书 drafted; it takes effect only when every mark is on it. ``term_due``: drafted
    after the term ended on that day (a warning, explained in ``late_explanation``)."""

    EVENT_TYPE: ClassVar[str] = "case.written_agreement_drafted"
    on: dt.date
    terms: WrittenTerms
    term_due: dt.date | None = None
    late_explanation: str = ""


@frozen(kw_only=True)
class AgreementSigned(CaseEvent):
    """A party's mark, the mediator's signature or the committee seal. ``term_due``: signed after
    the term ended on that day (a warning, explained in ``late_explanation``)."""

    EVENT_TYPE: ClassVar[str] = "case.agreement_signed"
    signature: Signature
    term_due: dt.date | None = None
    late_explanation: str = ""


@frozen(kw_only=True)
class AgreementTookEffect(CaseEvent):
    """The written agreement took effect on the last of all marks."""

    EVENT_TYPE: ClassVar[str] = "case.agreement_took_effect"
    effective_on: dt.date
    copies: int
    follow_up: Deadline


@frozen(kw_only=True)
class CaseTerminated(CaseEvent):
    """终止调解, always with the notice of other routes."""

    EVENT_TYPE: ClassVar[str] = "case.terminated"
    on: dt.date
    reason: TerminationReason
    routes: tuple[Route, ...]
    notice: str
    note: str = ""
    limitation_interrupted_on: dt.date | None
    """诉讼时效 interrupted on the day a party requested mediation (§9 rule 37); ``None`` when no
    party asked (the committee mediated on its own initiative or on a referral nobody applied to)."""


@frozen(kw_only=True)
class JudicialConfirmationApplied(CaseEvent):
    """Joint application for 司法确认 within the window."""

    EVENT_TYPE: ClassVar[str] = "case.judicial_confirmation_applied"
    on: dt.date
    applicant_ids: tuple[str, ...]
    court: str


@frozen(kw_only=True)
class JudicialConfirmationRuled(CaseEvent):
    """The court ruled on the application: the agreement confirmed (enforceable from here) or the
    application rejected, with the notice of the routes left to the parties."""

    EVENT_TYPE: ClassVar[str] = "case.judicial_confirmation_ruled"
    on: dt.date
    result: ConfirmationResult
    court: str
    court_case_number: str
    routes: tuple[RefusalRoute, ...] = ()
    notice: str = ""
    reason: str = ""


@frozen(kw_only=True)
class FollowUpRecorded(CaseEvent):
    """回访记录."""

    EVENT_TYPE: ClassVar[str] = "case.follow_up_recorded"
    visit: FollowUp


@frozen(kw_only=True)
class CaseArchived(CaseEvent):
    """立卷归档: the file is complete and closed."""

    EVENT_TYPE: ClassVar[str] = "case.archived"
    on: dt.date
    archivist_id: str
    retention_years: int
    index: tuple[CaseFileItem, ...]


@frozen(kw_only=True)
class PartiesAnonymised(CaseEvent):
    """The parties' personal data was rewritten out of the case file after its retention
    period (个人信息保护法 art. 47). ``previous_head`` is the hash of the last record of the
    chain as it stood before, and ``events_rewritten`` how many records (versions 1 to that
    number) were rewritten and sealed again; ``archived_on`` and ``retention_years`` are the
    period that ended."""

    EVENT_TYPE: ClassVar[str] = "case.parties_anonymised"
    on: dt.date
    archived_on: dt.date
    retention_years: int
    previous_head: str
    events_rewritten: int


EVENT_TYPES: tuple[type[CaseEvent], ...] = (
    DisputeReceived,
    CaseAccepted,
    CaseDeclined,
    MediatorAssigned,
    RightsNotified,
    DocumentFiled,
    ConsentRecorded,
    MediationStarted,
    ParticipantInvited,
    InvestigationRecorded,
    SessionScheduled,
    SessionHeld,
    MediatorRecused,
    RiskFlagged,
    EscalationPrevented,
    DifficultyGraded,
    PoliceReportRecorded,
    TermExtended,
    OralAgreementReached,
    WrittenAgreementDrafted,
    AgreementSigned,
    AgreementTookEffect,
    CaseTerminated,
    JudicialConfirmationApplied,
    JudicialConfirmationRuled,
    FollowUpRecorded,
    CaseArchived,
    PartiesAnonymised,
)

EVENT_BY_TAG: dict[str, type[CaseEvent]] = {cls.EVENT_TYPE: cls for cls in EVENT_TYPES}
if len(EVENT_BY_TAG) != len(EVENT_TYPES) or "" in EVENT_BY_TAG:  # pragma: no cover
    msg = "every event class needs its own non-empty EVENT_TYPE"
    raise RuntimeError(msg)
