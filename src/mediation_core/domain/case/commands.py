"""Commands: what staff ask the system to do. Imperative names; every field a plain value.

Commands are not validated in their constructors: ``decide`` runs every rule and reports all
violations at once, each naming the field (docs/architecture.md, "Rules, invariants and policy").
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from attrs import field, frozen

from mediation_core.domain.case.agreements import (
    AgreementSubject,
    Mark,
    SignatoryKind,
    SignatureEvidence,
    WrittenTerms,
)
from mediation_core.domain.case.courts import ConfirmationResult
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.outcomes import DeclineReason, Route, TerminationReason
from mediation_core.domain.traffic.accident import InsurerNotice, JointBody
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.parties import Party
from mediation_core.domain.values.risks import Difficulty, RiskKind
from mediation_core.domain.values.sources import CaseSource, OnlineConsent, OnScene, ReferralMode


@frozen(kw_only=True)
class CaseCommand:
    """Base of every case command; ``case_id`` names the case."""

    case_id: str


@frozen(kw_only=True)
class ReceiveDispute(CaseCommand):
    """登记 a dispute. ``case_id`` is chosen by the caller (the service makes one when blank).

    A repeat of an earlier case is detected, not declared: the service looks up earlier
    cases of the same parties and the decision links the most recent one within the policy
    window. ``referral_id``/``referral_mode`` and ``dispatch_id`` are set when accepting a
    referral or settling a 110 dispatch opens the case; ``insurers`` are the insurers of the
    vehicles in a traffic accident dispute, to be notified of every session. ``requested_by``
    names the parties who asked for mediation (a walk-in application counts as the applicants'
    request); ``confidential`` marks a dispute involving a party's privacy or trade secrets;
    ``on_scene`` is the mediator who went to the scene on their own (source
    ``MEDIATOR_ON_SCENE``); ``online_consents`` the applicants' consent captured online (source
    ``ONLINE_APPLICATION``)."""

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
    insurers: tuple[str, ...] = ()
    requested_by: tuple[str, ...] = ()
    confidential: bool = False
    on_scene: OnScene | None = None
    online_consents: tuple[OnlineConsent, ...] = ()


class Authority(enum.Enum):
    """Bodies whose prior handling bars people's mediation (docs/legal-basis.md §1.3.11 (b))."""

    COURT = "court"
    POLICE = "police"
    ADMINISTRATIVE = "administrative"


@frozen(kw_only=True)
class PriorProceeding:
    """A court, police or agency that already accepted (or decided) the same dispute."""

    authority: Authority
    decided: bool = False
    reference: str = ""


@frozen(kw_only=True)
class AcceptCase(CaseCommand):
    """受理. The number is allocated gap-free by the store inside the same transaction."""

    on: dt.date
    prior_proceedings: tuple[PriorProceeding, ...] = ()
    reserved_to_specialised_organ: bool = False
    fee_charged: Decimal = Decimal(0)


@frozen(kw_only=True)
class DeclineCase(CaseCommand):
    on: dt.date
    reason: DeclineReason
    note: str = ""


@frozen(kw_only=True)
class AssignMediator(CaseCommand):
    mediator_id: str
    on: dt.date
    presiding: bool = False


@frozen(kw_only=True)
class NotifyRights(CaseCommand):
    on: dt.date
    written: bool = True


@frozen(kw_only=True)
class FileDocument(CaseCommand):
    item: CaseFileItem
    title: str
    on: dt.date


@frozen(kw_only=True)
class RecordConsent(CaseCommand):
    """A party consents (or withdraws an earlier refusal) or explicitly refuses."""

    party_id: str
    consents: bool
    on: dt.date
    note: str = ""


@frozen(kw_only=True)
class StartMediation(CaseCommand):
    on: dt.date


@frozen(kw_only=True)
class InviteParticipant(CaseCommand):
    name: str
    relation: str
    consenting_party_ids: tuple[str, ...]
    on: dt.date


@frozen(kw_only=True)
class RecordInvestigation(CaseCommand):
    on: dt.date
    investigator_id: str
    subject: str
    content: str


@frozen(kw_only=True)
class HoldSession(CaseCommand):
    on: dt.date
    place: str
    mediator_ids: tuple[str, ...]
    party_ids: tuple[str, ...]
    summary: str
    invitees: tuple[str, ...] = ()
    public: bool = False
    private_requested_by: tuple[str, ...] = ()
    confidential: bool = False
    """The session's matter involves a party's privacy or trade secrets (若干规定 art. 29)."""
    joint_bodies: frozenset[JointBody] = frozenset()
    insurer_notices: tuple[InsurerNotice, ...] = ()


@frozen(kw_only=True)
class ScheduleSession(CaseCommand):
    """Fix a session's date and place with the parties; on a case with insurers, each insurer
    is told the time and place in the same transaction (公通字〔2010〕29号)."""

    on: dt.date
    session_on: dt.date
    place: str


@frozen(kw_only=True)
class RequestRecusal(CaseCommand):
    party_id: str
    mediator_id: str
    reason: str
    on: dt.date


@frozen(kw_only=True)
class FlagRisk(CaseCommand):
    kind: RiskKind
    persons: int
    on: dt.date
    note: str = ""


@frozen(kw_only=True)
class RecordPrevention(CaseCommand):
    """防止民转刑 / 预防处置群体性事件: the flagged risk ``kind`` did not escalate, or the incident
    was handled early, because of the ``measures`` the room took; recorded whether or not the
    dispute is finally settled."""

    kind: RiskKind
    on: dt.date
    measures: str


@frozen(kw_only=True)
class GradeDifficulty(CaseCommand):
    grade: Difficulty
    on: dt.date
    reason: str = ""


@frozen(kw_only=True)
class ReportToPolice(CaseCommand):
    on: dt.date
    station_id: str
    reference: str


@frozen(kw_only=True)
class ExtendTerm(CaseCommand):
    on: dt.date
    consenting_party_ids: tuple[str, ...]


@frozen(kw_only=True)
class ReachOralAgreement(CaseCommand):
    """口头协议. ``rights_and_duties`` is true when the agreement sets civil rights and duties between
    the parties (a payment, a transfer, an act to be done), not only an apology or a reconciliation:
    such an agreement, or one a party asks to have in writing, must be written (若干规定 art. 34)."""

    on: dt.date
    content: str
    subject: AgreementSubject = AgreementSubject.CIVIL_RIGHTS
    immediate_performance: bool = True
    written_requested_by: tuple[str, ...] = ()
    late_explanation: str = ""
    rights_and_duties: bool = False


@frozen(kw_only=True)
class DraftWrittenAgreement(CaseCommand):
    on: dt.date
    terms: WrittenTerms
    late_explanation: str = ""


@frozen(kw_only=True)
class SignAgreement(CaseCommand):
    """A party's mark, the presiding mediator's signature, or the committee seal; ``evidence``
    what proves it (a handwritten or electronic signature, an electronic seal, a fingerprint)."""

    kind: SignatoryKind
    on: dt.date
    signer_id: str = ""
    mark: Mark = Mark.SIGNATURE
    late_explanation: str = ""
    evidence: SignatureEvidence | None = None


@frozen(kw_only=True)
class TerminateCase(CaseCommand):
    on: dt.date
    reason: TerminationReason
    note: str = ""


@frozen(kw_only=True)
class EndForProceedings(CaseCommand):
    """A party sued (起诉) or applied for arbitration (申请仲裁) on the dispute during mediation:
    the mediation ends with the 终止人民调解告知书 (人民调解法 art. 3 (三); §1.3.19).
    ``route`` is ``Route.LITIGATION`` or ``Route.ARBITRATION``; ``body`` is the court or
    arbitration commission and ``reference`` its case number, where known."""

    on: dt.date
    party_id: str
    route: Route
    body: str = ""
    reference: str = ""


@frozen(kw_only=True)
class ApplyJudicialConfirmation(CaseCommand):
    on: dt.date
    applicant_ids: tuple[str, ...]
    court: str


@frozen(kw_only=True)
class RecordJudicialConfirmation(CaseCommand):
    """The court's ruling on the joint application (民事诉讼法（2023年修正）第206条): ``on`` is the
    day it ruled, ``court`` the court applied to, ``court_case_number`` its 案号. ``CONFIRMED``
    makes the agreement enforceable; ``REFUSED`` records the routes left to the parties, with the
    court's ``reason`` where it gave one."""

    on: dt.date
    result: ConfirmationResult
    court: str
    court_case_number: str
    reason: str = ""


@frozen(kw_only=True)
class RecordFollowUp(CaseCommand):
    on: dt.date
    visitor_id: str
    party_id: str
    satisfaction: Satisfaction
    performance: Performance | None = None
    lawsuit: str = ""
    escalation_signs: bool = False
    measures: str = ""


@frozen(kw_only=True)
class ArchiveCase(CaseCommand):
    """归档. ``retention_years`` (保管期限) defaults to the county's ``Policy.retention_years``."""

    on: dt.date
    archivist_id: str
    retention_years: int | None = field(default=None)


@frozen(kw_only=True)
class AnonymiseParties(CaseCommand):
    """Anonymise the parties of an archived case whose retention period (保管期限) ended by
    ``on`` (个人信息保护法 art. 47): the case file keeps its facts and figures, the parties'
    personal data is rewritten out of every earlier record. An administrator's (or the
    system's) act; see docs/adr/0008-anonymising-a-sealed-case-file.md."""

    on: dt.date


COMMAND_TYPES: tuple[type[CaseCommand], ...] = (
    ReceiveDispute,
    AcceptCase,
    DeclineCase,
    AssignMediator,
    NotifyRights,
    FileDocument,
    RecordConsent,
    StartMediation,
    InviteParticipant,
    RecordInvestigation,
    ScheduleSession,
    HoldSession,
    RequestRecusal,
    FlagRisk,
    RecordPrevention,
    GradeDifficulty,
    ReportToPolice,
    ExtendTerm,
    ReachOralAgreement,
    DraftWrittenAgreement,
    SignAgreement,
    TerminateCase,
    EndForProceedings,
    ApplyJudicialConfirmation,
    RecordJudicialConfirmation,
    RecordFollowUp,
    ArchiveCase,
    AnonymiseParties,
)
