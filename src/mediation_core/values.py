"""The values commands are built from and states are read as: parties, sources, periods, the
registry, the county's policy and calendar, deadlines and notices, and every aggregate's state and
status. The public path for them; where each is defined may change between releases, this may not."""

from __future__ import annotations

from mediation_core.domain.case.agreements import (
    AgreementSubject,
    EvidenceKind,
    Mark,
    Responsibility,
    SignatoryKind,
    SignatureEvidence,
    WrittenTerms,
)
from mediation_core.domain.case.commands import (
    Authority,
    PriorProceeding,
)
from mediation_core.domain.case.courts import (
    ConfirmationResult,
    ConfirmationRuling,
    RefusalRoute,
)
from mediation_core.domain.case.followups import (
    Performance,
    Satisfaction,
)
from mediation_core.domain.case.outcomes import (
    DeclineReason,
    Route,
    TerminationReason,
)
from mediation_core.domain.case.state import (
    CaseState,
    CaseStatus,
)
from mediation_core.domain.dispatch.commands import PoliceFinding
from mediation_core.domain.dispatch.state import (
    DispatchState,
    DispatchStatus,
)
from mediation_core.domain.evaluation_round.state import (
    EvaluationRound,
    Revision,
    RoundStatus,
)
from mediation_core.domain.inspection.state import (
    Inspection,
    InspectionStatus,
)
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.minutes import (
    ActionItemDraft,
    Attendee,
    Decision,
)
from mediation_core.domain.meeting.state import (
    Meeting,
    MeetingStatus,
)
from mediation_core.domain.misconduct.kinds import (
    MisconductKind,
    Sanction,
)
from mediation_core.domain.misconduct.state import (
    FindingStatus,
    MisconductFinding,
)
from mediation_core.domain.police_case.mediability import (
    Assessment,
    Circumstance,
    Delegate,
    Exclusion,
    Incident,
    OnTheSpotConditions,
    PoliceAct,
    PoliceAgreementTerms,
    Punishment,
    SessionReason,
    SettlementRoute,
)
from mediation_core.domain.police_case.state import (
    PoliceCaseState,
    PoliceCaseStatus,
)
from mediation_core.domain.referral.letters import (
    ConsentEvidence,
    ConsentForm,
    ExcludedMatter,
    FeedbackKind,
    Origin,
    OriginKind,
)
from mediation_core.domain.referral.state import (
    ReferralState,
    ReferralStatus,
)
from mediation_core.domain.reporting.ledger import (
    LedgerRow,
    Outcome,
)
from mediation_core.domain.reporting.statistics import StatisticsReport
from mediation_core.domain.screening.kinds import ScreeningAction, ScreeningRisk
from mediation_core.domain.screening.state import Screening, ScreeningFinding, ScreeningStatus
from mediation_core.domain.statistical_return.state import (
    Resubmission,
    ReturnStatus,
    StatisticalReturn,
)
from mediation_core.domain.traffic.accident import (
    CompensationItem,
    Damage,
    DamageKind,
    Determination,
    DeterminationKind,
    InsurerNotice,
    JointBody,
    Liability,
    Participant,
    TrafficSettlement,
    TrafficTermination,
)
from mediation_core.domain.traffic.state import (
    TrafficState,
    TrafficStatus,
)
from mediation_core.domain.training.state import (
    TrainingSession,
    TrainingStatus,
)
from mediation_core.domain.training.trainees import (
    Trainee,
    TrainingKind,
)
from mediation_core.domain.values.actors import (
    SYSTEM_ACTOR,
    Actor,
    Role,
)
from mediation_core.domain.values.calendar import (
    CHINA_TZ,
    WorkingDayCalendar,
    local_date,
)
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.categories import (
    MINISTRY_CATEGORIES,
    Category,
)
from mediation_core.domain.values.deadlines import (
    Deadline,
    DeadlineKind,
    DueItem,
    Urgency,
)
from mediation_core.domain.values.digests import DigestAlgorithm, FileDigest, digest_of
from mediation_core.domain.values.editions import (
    EditionTerms,
    LawEdition,
    edition_for,
)
from mediation_core.domain.values.identifiers import (
    IdentityDocument,
    IdKind,
    NoIdReason,
    id_document_problem,
    is_valid_resident_id,
    is_valid_uscc,
    mask_phone,
    mask_resident_id,
    parse_resident_id,
    phone_problem,
    resident_id_check_char,
    uscc_check_char,
)
from mediation_core.domain.values.notices import (
    Notice,
    NoticeKind,
    Recipient,
)
from mediation_core.domain.values.organisations import (
    Employment,
    Liaison,
    MediationKind,
    Mediator,
    Organisation,
    OrgKind,
    Registry,
)
from mediation_core.domain.values.parties import (
    GroupParty,
    Guardian,
    NaturalPerson,
    OrganisationParty,
    Side,
)
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.risks import (
    Difficulty,
    Prevention,
    RiskKind,
)
from mediation_core.domain.values.sources import (
    CaseSource,
    OnlineConsent,
    OnScene,
    ReferralMode,
)

__all__ = [
    "CHINA_TZ",
    "MINISTRY_CATEGORIES",
    "SYSTEM_ACTOR",
    "ActionItemDraft",
    "Actor",
    "AgreementSubject",
    "Assessment",
    "Attendee",
    "Authority",
    "CaseFileItem",
    "CaseSource",
    "CaseState",
    "CaseStatus",
    "Category",
    "Circumstance",
    "CompensationItem",
    "ConfirmationResult",
    "ConfirmationRuling",
    "ConsentEvidence",
    "ConsentForm",
    "Damage",
    "DamageKind",
    "Deadline",
    "DeadlineKind",
    "Decision",
    "DeclineReason",
    "Delegate",
    "Determination",
    "DeterminationKind",
    "Difficulty",
    "DigestAlgorithm",
    "DispatchState",
    "DispatchStatus",
    "DueItem",
    "EditionTerms",
    "Employment",
    "EvaluationRound",
    "EvidenceKind",
    "ExcludedMatter",
    "Exclusion",
    "FeedbackKind",
    "FileDigest",
    "FindingStatus",
    "GroupParty",
    "Guardian",
    "IdKind",
    "IdentityDocument",
    "Incident",
    "Inspection",
    "InspectionStatus",
    "InsurerNotice",
    "JointBody",
    "LawEdition",
    "LedgerRow",
    "Liability",
    "Liaison",
    "Mark",
    "MediationKind",
    "Mediator",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "MisconductFinding",
    "MisconductKind",
    "NaturalPerson",
    "NoIdReason",
    "Notice",
    "NoticeKind",
    "OnScene",
    "OnTheSpotConditions",
    "OnlineConsent",
    "OrgKind",
    "Organisation",
    "OrganisationParty",
    "Origin",
    "OriginKind",
    "Outcome",
    "Participant",
    "Performance",
    "Period",
    "PoliceAct",
    "PoliceAgreementTerms",
    "PoliceCaseState",
    "PoliceCaseStatus",
    "PoliceFinding",
    "Policy",
    "Prevention",
    "PriorProceeding",
    "Punishment",
    "Recipient",
    "ReferralMode",
    "ReferralState",
    "ReferralStatus",
    "RefusalRoute",
    "Registry",
    "Responsibility",
    "Resubmission",
    "ReturnStatus",
    "Revision",
    "RiskKind",
    "Role",
    "RoundStatus",
    "Route",
    "Sanction",
    "Satisfaction",
    "Screening",
    "ScreeningAction",
    "ScreeningFinding",
    "ScreeningRisk",
    "ScreeningStatus",
    "SessionReason",
    "SettlementRoute",
    "Side",
    "SignatoryKind",
    "SignatureEvidence",
    "StatisticalReturn",
    "StatisticsReport",
    "TerminationReason",
    "TrafficSettlement",
    "TrafficState",
    "TrafficStatus",
    "TrafficTermination",
    "Trainee",
    "TrainingKind",
    "TrainingSession",
    "TrainingStatus",
    "Urgency",
    "WorkingDayCalendar",
    "WrittenTerms",
    "digest_of",
    "edition_for",
    "id_document_problem",
    "is_valid_resident_id",
    "is_valid_uscc",
    "local_date",
    "mask_phone",
    "mask_resident_id",
    "parse_resident_id",
    "phone_problem",
    "resident_id_check_char",
    "uscc_check_char",
]
