"""Notices: messages the core asks adapters to deliver, written to the outbox with the events.

A notice names recipients by role and organisation; the registry resolves them to people
and channels at delivery time. ``key`` is the idempotency key: one notice per key, ever.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from attrs import field, frozen


class NoticeKind(enum.Enum):
    ESCALATION_RISK = "escalation_risk"
    REFERRAL_RECEIVED = "referral_received"
    REFERRAL_ACKNOWLEDGED = "referral_acknowledged"
    REFERRAL_DECLINED = "referral_declined"
    REFERRAL_RETURNED = "referral_returned"
    REFERRAL_RESULT = "referral_result"
    ENTRUSTED_CASE_CONCLUDED = "entrusted_case_concluded"
    POLICE_DECISION_DUE = "police_decision_due"
    DEADLINE_DUE = "deadline_due"
    DEADLINE_OVERDUE = "deadline_overdue"
    MEETING_SCHEDULED = "meeting_scheduled"
    INSURER_SESSION = "insurer_session"
    CASE_CONCLUDED = "case_concluded"


@frozen(kw_only=True)
class Recipient:
    """Who should get a notice: a role within an organisation, or one named person."""

    role: str
    org_id: str = ""
    person_id: str = ""


@frozen(kw_only=True)
class Notice:
    """One message for delivery. ``key`` is unique across the outbox."""

    key: str
    kind: NoticeKind
    subject: str
    body: str
    recipients: tuple[Recipient, ...]
    case_id: str = ""
    payload: Mapping[str, str] = field(factory=dict)
