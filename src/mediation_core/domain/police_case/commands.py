"""治安 case commands, issued by the station's staff. Not validated in constructors."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from mediation_core.domain.police_case.mediability import (
    Assessment,
    Delegate,
    Exclusion,
    OnTheSpotConditions,
    PoliceAgreementTerms,
    Punishment,
    SessionReason,
    SettlementRoute,
)
from mediation_core.domain.referral.letters import ConsentEvidence, FeedbackKind
from mediation_core.domain.values.parties import Party


@frozen(kw_only=True)
class PoliceCaseCommand:
    """Base of every 治安 case command; ``police_case_id`` names the case."""

    police_case_id: str


@frozen(kw_only=True)
class OpenPoliceCase(PoliceCaseCommand):
    """Record a 治安 case the station accepted, with its assessment against arts. 178–179.
    ``suspect_ids`` are the 违法嫌疑人 among the parties; ``assessment_needed`` when an injury or
    value assessment must come before mediation. ``act_on`` is the day of the act: it chooses the
    edition of 治安管理处罚法 the case is handled under (``police_act_dated``)."""

    station_id: str
    case_number: str
    accepted_on: dt.date
    summary: str
    parties: tuple[Party, ...]
    suspect_ids: tuple[str, ...]
    assessment: Assessment
    assessment_needed: bool = False
    act_on: dt.date | None = None


@frozen(kw_only=True)
class StartAssessment(PoliceCaseCommand):
    """委托鉴定: the station commissions an assessment (伤情鉴定, 价格认定 …) to establish the facts.
    The time limit stops until the result comes (公安机关办理行政案件程序规定 art. 165)."""

    on: dt.date
    kind: str


@frozen(kw_only=True)
class RecordAssessment(PoliceCaseCommand):
    """The assessment's result reached the station; a stopped time limit runs on, longer by the
    days the assessment took."""

    on: dt.date
    kind: str
    result: str


@frozen(kw_only=True)
class RecordExclusion(PoliceCaseCommand):
    """An art. 179 exclusion came to light; during mediation it ends the mediation."""

    on: dt.date
    exclusion: Exclusion
    note: str = ""


@frozen(kw_only=True)
class HoldPoliceSession(PoliceCaseCommand):
    """A police mediation session. Minors' guardians notified (or, for a self-supporting
    16- or 17-year-old, a recorded waiver), delegates with written authority (victims only); a
    second session names its reason; a late first session explains itself."""

    on: dt.date
    presiding_officer: str
    place: str
    party_ids: tuple[str, ...]
    summary: str
    reason: SessionReason | None = None
    requested_by: str = ""
    guardians_notified: tuple[str, ...] = ()
    guardian_waivers: tuple[str, ...] = ()
    delegates: tuple[Delegate, ...] = ()
    late_reason: str = ""


@frozen(kw_only=True)
class RecordPoliceAgreement(PoliceCaseCommand):
    on: dt.date
    terms: PoliceAgreementTerms
    signed_by: tuple[str, ...]


@frozen(kw_only=True)
class MediateOnTheSpot(PoliceCaseCommand):
    """当场调解: settled and performed on the spot. ``written`` when a 现场治安调解协议书 was made;
    otherwise ``body_camera_ref`` names the recording of the parties, facts and agreement."""

    on: dt.date
    officer: str
    party_ids: tuple[str, ...]
    conditions: OnTheSpotConditions
    content: str
    written: bool = True
    body_camera_ref: str = ""
    guardians_notified: tuple[str, ...] = ()
    guardian_waivers: tuple[str, ...] = ()


@frozen(kw_only=True)
class RecordPoliceMediationFailed(PoliceCaseCommand):
    on: dt.date
    reason: str


@frozen(kw_only=True)
class RecordPolicePerformance(PoliceCaseCommand):
    on: dt.date
    performed: bool


@frozen(kw_only=True)
class EntrustToRoom(PoliceCaseCommand):
    """委托: the station keeps the case and entrusts the dispute to a room with a 委托函 (issued
    in the same transaction, numbered per station and year when ``letter_number`` is blank)."""

    on: dt.date
    room_id: str
    signed_by: str
    category: str
    cause: str
    facts: str
    consents: tuple[ConsentEvidence, ...] = ()
    referral_id: str = ""
    letter_number: str = ""


@frozen(kw_only=True)
class ReceiveReferralFeedback(PoliceCaseCommand):
    """The room's report on the entrusted dispute. Issued only by the service, as a follow-on."""

    referral_id: str
    on: dt.date
    kind: FeedbackKind
    case_id: str = ""
    note: str = ""


@frozen(kw_only=True)
class RecordJointApplication(PoliceCaseCommand):
    on: dt.date
    applicant_ids: tuple[str, ...]
    written: bool


@frozen(kw_only=True)
class RecordOwnSettlement(PoliceCaseCommand):
    """The parties settled a mediable case themselves (自行和解) or before a people's mediation
    committee they went to on their own, before the police decide. ``mediation_body`` names the
    committee on that route. Performance and the joint written application follow."""

    on: dt.date
    route: SettlementRoute
    party_ids: tuple[str, ...]
    content: str
    mediation_body: str = ""


@frozen(kw_only=True)
class RecordOwnSettlementPerformed(PoliceCaseCommand):
    """The parties' own settlement was performed; ``evidence`` says how the station knows."""

    on: dt.date
    evidence: str


@frozen(kw_only=True)
class ExtendTimeLimit(PoliceCaseCommand):
    on: dt.date
    approved_by: str
    reason: str


@frozen(kw_only=True)
class DecidePunishment(PoliceCaseCommand):
    """The station's decision. ``approved_by`` is the police approval art. 186 needs for not
    punishing after people's mediation; ``civil_suit_notified`` when a failed or unperformed
    mediation is punished (the parties are told they may sue, 处罚法 art. 9)."""

    on: dt.date
    decision: Punishment
    reference: str
    approved_by: str = ""
    civil_suit_notified: bool = False


COMMAND_TYPES: tuple[type[PoliceCaseCommand], ...] = (
    OpenPoliceCase,
    StartAssessment,
    RecordAssessment,
    RecordExclusion,
    HoldPoliceSession,
    RecordPoliceAgreement,
    MediateOnTheSpot,
    RecordPoliceMediationFailed,
    RecordPolicePerformance,
    EntrustToRoom,
    ReceiveReferralFeedback,
    RecordJointApplication,
    RecordOwnSettlement,
    RecordOwnSettlementPerformed,
    ExtendTimeLimit,
    DecidePunishment,
)
INTERNAL: tuple[type[PoliceCaseCommand], ...] = (ReceiveReferralFeedback,)
