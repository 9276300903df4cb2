"""Referral events: a referral's file is the ordered list of these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.case.followups import Performance
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.referral.letters import ConsentEvidence, DeclinationLetter, Origin
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.parties import Party
from mediation_core.domain.values.sources import CaseSource, ReferralMode


@frozen(kw_only=True)
class ReferralEvent(DomainEvent):
    """Base of every referral event."""


@frozen(kw_only=True)
class ReferralIssued(ReferralEvent):
    """移送函 / 委托函 issued; the room must acknowledge it by ``acknowledgement.due``."""

    EVENT_TYPE: ClassVar[str] = "referral.issued"
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
    acknowledgement: Deadline
    amount_involved: Decimal = Decimal(0)
    police_case_number: str = ""
    insurers: tuple[str, ...] = ()
    origin: Origin | None = None


@frozen(kw_only=True)
class ReferralAccepted(ReferralEvent):
    """The room accepted the referral; the linked case opens in the same transaction.
    ``late`` when acknowledged after the deadline; an entrustment gets a feedback deadline."""

    EVENT_TYPE: ClassVar[str] = "referral.accepted"
    on: dt.date
    case_id: str
    consents: tuple[ConsentEvidence, ...] = ()
    late: bool = False
    feedback_due: Deadline | None = None


@frozen(kw_only=True)
class ReferralDeclined(ReferralEvent):
    """不予调解: the declination letter goes to the parties and the referrer."""

    EVENT_TYPE: ClassVar[str] = "referral.declined"
    on: dt.date
    letter: DeclinationLetter
    late: bool = False


@frozen(kw_only=True)
class ReferralReturned(ReferralEvent):
    """退回: the room sends the letter back (incomplete, wrong room …) for the referrer to fix."""

    EVENT_TYPE: ClassVar[str] = "referral.returned"
    on: dt.date
    reason: str
    late: bool = False


@frozen(kw_only=True)
class ReferralWithdrawn(ReferralEvent):
    """撤回: the referrer withdrew the letter before the room acknowledged it."""

    EVENT_TYPE: ClassVar[str] = "referral.withdrawn"
    on: dt.date
    reason: str


@frozen(kw_only=True)
class ReferralOutcomeReported(ReferralEvent):
    """反馈: the linked case concluded (settled or failed); the referrer is told the result."""

    EVENT_TYPE: ClassVar[str] = "referral.outcome_reported"
    on: dt.date
    case_id: str
    outcome: Outcome
    agreement_form: str | None = None
    termination_reason: str | None = None
    late: bool = False


@frozen(kw_only=True)
class ReferralPerformanceReported(ReferralEvent):
    """反馈: a follow-up visit found how an entrusted case's agreement was performed."""

    EVENT_TYPE: ClassVar[str] = "referral.performance_reported"
    on: dt.date
    case_id: str
    performance: Performance


EVENT_TYPES: tuple[type[ReferralEvent], ...] = (
    ReferralIssued,
    ReferralAccepted,
    ReferralDeclined,
    ReferralReturned,
    ReferralWithdrawn,
    ReferralOutcomeReported,
    ReferralPerformanceReported,
)
