"""Referral commands. Not validated in constructors: the decision reports every violation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attrs import frozen

from mediation_core.domain.case.commands import PriorProceeding
from mediation_core.domain.case.followups import Performance
from mediation_core.domain.case.outcomes import DeclineReason
from mediation_core.domain.referral.letters import ConsentEvidence, ExcludedMatter, Origin
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.parties import Party
from mediation_core.domain.values.sources import CaseSource, ReferralMode


@frozen(kw_only=True)
class ReferralCommand:
    """Base of every referral command; ``referral_id`` names the referral."""

    referral_id: str


@frozen(kw_only=True)
class IssueReferral(ReferralCommand):
    """Record a 移送函 or 委托函. A police station's letter is issued by its staff and, when
    ``letter_number`` is blank, numbered gap-free per station and year; a court's or another
    agency's letter is recorded by the receiving room with the number it bears.

    A station's entrustment (委托) is issued from its 治安 case (``EntrustToRoom``), which keeps
    the case and receives the result; this command covers every other referral."""

    room_id: str
    source: CaseSource
    mode: ReferralMode
    issuer_id: str
    signed_by: str
    issued_on: dt.date
    category: str
    cause: str
    facts: str
    parties: tuple[Party, ...]
    consents: tuple[ConsentEvidence, ...] = ()
    issuer_name: str = ""
    letter_number: str = ""
    amount_involved: Decimal = Decimal(0)
    police_case_number: str = ""
    insurers: tuple[str, ...] = ()


@frozen(kw_only=True)
class IssueLinkedReferral(IssueReferral):
    """A referral issued by another aggregate's decision (a 治安 case's entrustment, a 110
    dispatch handed to the room, a traffic accident sent to people's mediation). Only the
    service issues it, as a follow-on; ``origin`` is told the result."""

    origin: Origin


@frozen(kw_only=True)
class AcceptReferral(ReferralCommand):
    """The room accepts: the acceptance checks run, and the linked case is registered and
    accepted (numbered) in the same transaction. ``case_id`` is made when blank.
    ``consents`` adds consent evidence the room collected itself."""

    on: dt.date
    case_id: str = ""
    prior_proceedings: tuple[PriorProceeding, ...] = ()
    reserved_to_specialised_organ: bool = False
    excluded_matters: tuple[ExcludedMatter, ...] = ()
    consents: tuple[ConsentEvidence, ...] = ()


@frozen(kw_only=True)
class DeclineReferral(ReferralCommand):
    """不予调解: the room finds the dispute unsuitable; the letter is written by the decision."""

    on: dt.date
    reason: DeclineReason
    note: str = ""


@frozen(kw_only=True)
class ReturnReferral(ReferralCommand):
    on: dt.date
    reason: str


@frozen(kw_only=True)
class WithdrawReferral(ReferralCommand):
    on: dt.date
    reason: str


@frozen(kw_only=True)
class ReportReferralOutcome(ReferralCommand):
    """The linked case concluded. Issued only by the service, as the case's follow-on."""

    case_id: str
    on: dt.date
    outcome: Outcome
    agreement_form: str | None = None
    termination_reason: str | None = None


@frozen(kw_only=True)
class ReportReferralPerformance(ReferralCommand):
    """A follow-up visit recorded performance. Issued only by the service, as the case's follow-on."""

    case_id: str
    on: dt.date
    performance: Performance


COMMAND_TYPES: tuple[type[ReferralCommand], ...] = (
    IssueReferral,
    IssueLinkedReferral,
    AcceptReferral,
    DeclineReferral,
    ReturnReferral,
    WithdrawReferral,
    ReportReferralOutcome,
    ReportReferralPerformance,
)
INTERNAL: tuple[type[ReferralCommand], ...] = (IssueLinkedReferral, ReportReferralOutcome, ReportReferralPerformance)
"""Commands only follow-ons issue."""
