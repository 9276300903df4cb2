"""The insurer's notice of a traffic mediation session (公通字〔2010〕29号; 道路交通事故处理程序规定 art. 89).

When a session of a traffic accident's mediation is fixed, every insurer of the accident is told
its time and place, at least ``Policy.insurer_notice_days`` days before, so that its staff can
attend (as a third party in people's mediation). Insurers are found in the registry as
organisations of kind ``insurer`` by id or by name; the room's mediators are told too, so a
missing insurer contact is seen by someone who can phone it.
"""

from __future__ import annotations

from mediation_core.domain.notices import Notice, NoticeKind, Recipient
from mediation_core.domain.recipients import RecipientRole
from mediation_core.domain.traffic.state import TrafficState


def insurer_session_notice(key: str, accident: TrafficState) -> Notice | None:
    """The notice of ``accident``'s scheduled session to its insurers; ``None`` without insurers."""
    session = accident.scheduled
    if session is None or not accident.insurers:
        return None
    days = (session.session_on - session.notified_on).days
    return Notice(
        key=key,
        kind=NoticeKind.INSURER_SESSION,
        subject=f"【调解通知】{accident.accident_number} {session.session_on.isoformat()} {session.place}",
        body=(
            f"道路交通事故（{accident.accident_number}，{accident.accident_on.isoformat()}，{accident.summary}）"
            f"定于 {session.session_on.isoformat()} 在{session.place}调解，请承保的保险公司派员参加。"
            f"本通知于 {session.notified_on.isoformat()} 发出，距调解 {days} 日。"
        ),
        recipients=(
            *(Recipient(role=RecipientRole.INSURER.value, org_id=name) for name in accident.insurers),
            Recipient(role=RecipientRole.MEDIATOR.value, org_id=accident.room_id),
        ),
        payload={
            "traffic_id": accident.traffic_id,
            "session_on": session.session_on.isoformat(),
            "notified_on": session.notified_on.isoformat(),
            "insurers": "、".join(accident.insurers),
        },
    )
