"""The core's own hook implementations: default policy and calendar (``trylast``, so any
plugin can override them) and the built-in notice rules."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.calendars import national_calendar
from mediation_core.domain.calendar import WorkingDayCalendar
from mediation_core.domain.case import CaseState
from mediation_core.domain.notices import Notice, NoticeKind, Recipient
from mediation_core.domain.policy import Policy
from mediation_core.domain.risks import RiskKind
from mediation_core.plugins._markers import hookimpl
from mediation_core.records import RecordedEvent


@hookimpl(trylast=True)
def mediation_policy(default: Policy) -> Policy:
    return default


@hookimpl(trylast=True)
def mediation_calendar(region: str) -> WorkingDayCalendar:
    return national_calendar()


@hookimpl
def mediation_notices(event: RecordedEvent, state: object) -> Iterator[Notice]:
    """An escalation risk goes at once to the station liaison and the coordination centre."""
    if event.event_type != "case.risk_flagged" or not isinstance(state, CaseState):
        return
    case = state
    kind = RiskKind(event.body["kind"])
    yield Notice(
        key=f"{event.stream_id}:{event.version}:escalation_risk",
        kind=NoticeKind.ESCALATION_RISK,
        subject=f"【风险预警】{case.number or case.case_id} {kind.title_zh}",
        body=(
            f"调解室 {case.room_id} 的纠纷（{case.summary}）存在“{kind.title_zh}”风险，"
            f"涉及 {event.body['persons']} 人，请及时关注并协同处置。"
        ),
        recipients=(
            Recipient(role="station_liaison", org_id=case.room_id),
            Recipient(role="coordination_centre", org_id=case.room_id),
        ),
        case_id=event.stream_id,
        payload={"risk": kind.value, "persons": str(event.body["persons"])},
    )
