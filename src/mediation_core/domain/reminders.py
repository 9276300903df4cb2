"""Deadline reminders: the notices the sweep raises for a case's deadlines.

A deadline due soon, due today or overdue goes to the case's mediators and the room's
director; a referral's deadline (acknowledging the letter, feeding the result back) to the
room's mediators and director. The key names the stream, the deadline kind, the due date and the urgency, so every
sweep may raise it again and the outbox keeps one notice per deadline and urgency; a term
extended to a new date is a new deadline and is reminded afresh.
"""

from __future__ import annotations

from mediation_core.domain.case.state import CaseState
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.values.deadlines import DueItem, Urgency
from mediation_core.domain.values.notices import Notice, NoticeKind, Recipient
from mediation_core.domain.values.recipients import RecipientRole

_URGENCY_ZH = {Urgency.DUE_SOON: "即将到期", Urgency.DUE_TODAY: "今日到期", Urgency.OVERDUE: "已逾期"}


def reminder_key(item: DueItem) -> str:
    """``stream:deadline:kind:due:urgency``: deterministic, one per deadline and urgency."""
    d = item.deadline
    return f"{item.stream_id}:deadline:{d.kind.value}:{d.due.isoformat()}:{item.urgency.value}"


def case_deadline_notice(item: DueItem, case: CaseState) -> Notice:
    """The reminder of one of ``case``'s deadlines, for its mediators and the room's director."""
    mediators = sorted(case.mediators) or ([case.presiding] if case.presiding else [])
    return _reminder(
        item,
        room_id=case.room_id,
        label=case.number or case.case_id,
        summary=case.summary,
        mediators=mediators,
        case_id=case.case_id,
    )


def referral_deadline_notice(item: DueItem, referral: ReferralState) -> Notice:
    """The reminder of a referral's deadline (acknowledging the letter, feeding the result
    back), for the room's mediators and director."""
    return _reminder(
        item,
        room_id=referral.room_id,
        label=referral.letter_number,
        summary=referral.cause,
        mediators=[],
        case_id=referral.case_id or "",
    )


def _reminder(item: DueItem, *, room_id: str, label: str, summary: str, mediators: list[str], case_id: str) -> Notice:
    d = item.deadline
    to_mediators = tuple(
        Recipient(role=RecipientRole.MEDIATOR.value, org_id=room_id, person_id=m) for m in mediators
    ) or (Recipient(role=RecipientRole.MEDIATOR.value, org_id=room_id),)
    when = {
        Urgency.DUE_SOON: f"将于 {d.due.isoformat()} 到期（还有 {item.days_left} 天）",
        Urgency.DUE_TODAY: f"于今日 {d.due.isoformat()} 到期",
        Urgency.OVERDUE: f"已于 {d.due.isoformat()} 到期，逾期 {-item.days_left} 天",
    }[item.urgency]
    return Notice(
        key=reminder_key(item),
        kind=NoticeKind.DEADLINE_OVERDUE if item.urgency is Urgency.OVERDUE else NoticeKind.DEADLINE_DUE,
        subject=f"【期限{_URGENCY_ZH[item.urgency]}】{label} {d.kind.title_zh}",
        body=f"{label}（{summary}）的“{d.kind.title_zh}”{when}，请及时办理。依据：{d.basis}",
        recipients=(*to_mediators, Recipient(role=RecipientRole.ROOM_DIRECTOR.value, org_id=room_id)),
        case_id=case_id,
        payload={
            "stream_id": item.stream_id,
            "deadline": d.kind.value,
            "due": d.due.isoformat(),
            "urgency": item.urgency.value,
            "days_left": str(item.days_left),
        },
    )
