"""The insurer's notice of a traffic mediation session (公通字〔2010〕29号; 道路交通事故处理程序规定 art. 89).

When a session of a traffic accident's mediation is fixed, every insurer of the accident is told
its time and place, at least ``Policy.insurer_notice_days`` days before, so that its staff can
attend (as a third party in people's mediation). Insurers are found in the registry as
organisations of kind ``insurer`` by id or by name; the room's mediators are told too, so a
missing insurer contact is seen by someone who can phone it.
"""

from __future__ import annotations

from mediation_core.domain.case.state import CaseState
from mediation_core.domain.traffic.accident import ScheduledSession
from mediation_core.domain.traffic.state import TrafficState
from mediation_core.domain.values.notices import Notice, NoticeKind, Recipient
from mediation_core.domain.values.recipients import RecipientRole


def insurer_session_notice(key: str, record: TrafficState | CaseState) -> Notice | None:
    """The notice of the latest scheduled session of a traffic accident (police mediation) or of
    a case (people's mediation) to its insurers; ``None`` without a session or insurers."""
    if isinstance(record, TrafficState):
        session = record.scheduled
        what = f"道路交通事故（{record.accident_number}，{record.accident_on.isoformat()}，{record.summary}）"
        ref, ids = record.accident_number, {"traffic_id": record.traffic_id}
    else:
        session = record.scheduled[-1] if record.scheduled else None
        what = f"人民调解案件（{record.number or record.case_id}，{record.summary}）"
        ref, ids = record.number or record.case_id, {"case_id": record.case_id}
    if session is None or not record.insurers:
        return None
    return _notice(key, session, insurers=record.insurers, room_id=record.room_id, what=what, ref=ref, ids=ids)


def _notice(
    key: str,
    session: ScheduledSession,
    *,
    insurers: tuple[str, ...],
    room_id: str,
    what: str,
    ref: str,
    ids: dict[str, str],
) -> Notice:
    days = (session.session_on - session.notified_on).days
    return Notice(
        key=key,
        kind=NoticeKind.INSURER_SESSION,
        subject=f"【调解通知】{ref} {session.session_on.isoformat()} {session.place}",
        body=(
            f"{what}定于 {session.session_on.isoformat()} 在{session.place}调解，请承保的保险公司派员参加。"
            f"本通知于 {session.notified_on.isoformat()} 发出，距调解 {days} 日。"
        ),
        recipients=(
            *(Recipient(role=RecipientRole.INSURER.value, org_id=name) for name in insurers),
            Recipient(role=RecipientRole.MEDIATOR.value, org_id=room_id),
        ),
        payload={
            **ids,
            "session_on": session.session_on.isoformat(),
            "notified_on": session.notified_on.isoformat(),
            "insurers": "、".join(insurers),
        },
    )
