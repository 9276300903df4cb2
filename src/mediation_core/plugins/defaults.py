"""The core's own hook implementations: default policy and calendar (``trylast``, so any
plugin can override them) and the built-in notice rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from mediation_core.calendars import national_calendar
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.state import Meeting
from mediation_core.domain.police_case.state import PoliceCaseState, PoliceCaseStatus
from mediation_core.domain.referral.rules import issued_by_station
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reminders import case_deadline_notice, referral_deadline_notice
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.traffic.insurers import insurer_session_notice
from mediation_core.domain.traffic.state import TrafficState
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.deadlines import DeadlineKind, DueItem
from mediation_core.domain.values.notices import Notice, NoticeKind, Recipient
from mediation_core.domain.values.organisations import OrgKind
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.risks import RiskKind
from mediation_core.domain.values.sources import ReferralMode
from mediation_core.plugins._markers import hookimpl
from mediation_core.plugins.inputs import AggregateState
from mediation_core.records import RecordedEvent


@hookimpl(trylast=True)
def mediation_policy(default: Policy) -> Policy:
    return default


@hookimpl(trylast=True)
def mediation_calendar(region: str) -> WorkingDayCalendar:
    return national_calendar()


@hookimpl(trylast=True)
def mediation_authenticate(headers: Mapping[str, str], method: str, path: str) -> Actor | None:
    """Nobody: a request is authenticated only by a deployment's scheme (the HTTP API's
    bearer-JWT check, or a county's own)."""
    return None


@hookimpl
def mediation_notices(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    """The built-in notices: escalation risks, and the letters and results passing between a
    station and a room."""
    build = _NOTICES.get(event.event_type)
    if build is not None:
        yield from build(event, state)


def _escalation_risk(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    """An escalation risk goes at once to the station liaison and the coordination centre."""
    if not isinstance(state, CaseState):
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


def _referrer(referral: ReferralState) -> Recipient:
    if issued_by_station(referral.source):
        return Recipient(role="station_liaison", org_id=referral.issuer_id)
    return Recipient(role="referrer", org_id=referral.issuer_id)


def _referral_notice(
    event: RecordedEvent, referral: ReferralState, kind: NoticeKind, subject: str, body: str, *to: Recipient
) -> Notice:
    return Notice(
        key=f"{event.stream_id}:{event.version}:{kind.value}",
        kind=kind,
        subject=subject,
        body=body,
        recipients=to,
        case_id=referral.case_id or "",
        payload={"referral_id": referral.referral_id, "letter_number": referral.letter_number},
    )


def _referral_issued(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    if not isinstance(state, ReferralState):
        return
    due = state.deadlines.get(DeadlineKind.REFERRAL_ACKNOWLEDGEMENT)
    yield _referral_notice(
        event,
        state,
        NoticeKind.REFERRAL_RECEIVED,
        f"【{state.mode.title_zh}】{state.letter_number} {state.cause}",
        f"{state.issuer_name}{state.mode.title_zh}「{state.cause}」纠纷至调解室，"
        f"请于 {due.due.isoformat() if due else '—'} 前签收（受理、不予调解或退回）。",
        Recipient(role="mediator", org_id=state.room_id),
    )


def _referral_accepted(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    if not isinstance(state, ReferralState):
        return
    yield _referral_notice(
        event,
        state,
        NoticeKind.REFERRAL_ACKNOWLEDGED,
        f"【已受理】{state.letter_number} {state.cause}",
        f"调解室已于 {event.body['on']} 受理{state.mode.title_zh}的「{state.cause}」纠纷。",
        _referrer(state),
    )


def _referral_declined(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    if not isinstance(state, ReferralState) or state.declination is None:
        return
    parties = (Recipient(role="party", person_id=a.party_id) for a in state.declination.addressees if a.party_id)
    yield _referral_notice(
        event,
        state,
        NoticeKind.REFERRAL_DECLINED,
        f"【不予调解函】{state.letter_number} {state.cause}",
        state.declination.text,
        _referrer(state),
        *parties,
    )


def _referral_returned(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    if not isinstance(state, ReferralState):
        return
    yield _referral_notice(
        event,
        state,
        NoticeKind.REFERRAL_RETURNED,
        f"【退回】{state.letter_number} {state.cause}",
        f"调解室退回{state.mode.title_zh}函：{state.closing_reason}",
        _referrer(state),
    )


def _referral_result(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    if not isinstance(state, ReferralState) or not state.feedback:
        return
    latest = state.feedback[-1]
    entrusted = state.mode is ReferralMode.ENTRUSTMENT
    result = "调解成功" if latest.outcome is Outcome.SETTLED else "调解不成"
    if latest.performance is not None:
        result = f"协议履行情况：{latest.performance.title_zh}"
    follow = "请依法作出处理决定。" if entrusted else ""
    yield _referral_notice(
        event,
        state,
        NoticeKind.ENTRUSTED_CASE_CONCLUDED if entrusted else NoticeKind.REFERRAL_RESULT,
        f"【{'委托调解反馈' if entrusted else '移送结果'}】{state.letter_number} {state.cause}",
        f"{state.mode.title_zh}的「{state.cause}」纠纷（案件 {latest.case_id}）：{result}。{follow}",
        _referrer(state),
    )


def _police_decision_due(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    """Mediation failed or went unperformed: the station decides, within the restarted time limit."""
    if not isinstance(state, PoliceCaseState) or state.status is not PoliceCaseStatus.FAILED:
        return
    if state.failed_on is None or state.failed_on.isoformat() != event.body["on"]:
        return  # already back with the station: the time limit did not restart
    limit = state.deadlines.get(DeadlineKind.POLICE_TIME_LIMIT)
    yield Notice(
        key=f"{event.stream_id}:{event.version}:{NoticeKind.POLICE_DECISION_DUE.value}",
        kind=NoticeKind.POLICE_DECISION_DUE,
        subject=f"【待作出处理决定】{state.case_number} {state.summary}",
        body=(
            f"治安案件 {state.case_number} 调解未成或协议未履行，已退回派出所依法处理；"
            f"办案期限自 {event.body['on']} 起重新计算，至 {limit.due.isoformat() if limit else '—'} 届满。"
        ),
        recipients=(Recipient(role="station_liaison", org_id=state.station_id),),
        payload={"police_case_id": state.police_case_id},
    )


def _meeting_scheduled(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    """A scheduled meeting goes to the bodies it needs (joint) or the room's mediators."""
    if not isinstance(state, Meeting):
        return
    if state.kind is MeetingKind.JOINT:
        roles = {OrgKind.JUSTICE_OFFICE: "justice_office", OrgKind.GOVERNANCE_OFFICE: "governance_office"}
        recipients = tuple(Recipient(role=roles.get(b.kind, "station_liaison"), org_id=b.org_id) for b in state.bodies)
    else:
        recipients = tuple(Recipient(role="mediator", org_id=state.org_id, person_id=m) for m in state.members)
    items = "；".join(item.title for item in state.agenda[:10]) or "无"
    yield Notice(
        key=f"{event.stream_id}:{event.version}:meeting_scheduled",
        kind=NoticeKind.MEETING_SCHEDULED,
        subject=f"【{state.kind.title_zh}】{state.on.isoformat()} {state.place}".rstrip(),
        body=f"定于 {state.on.isoformat()} 召开{state.kind.title_zh}，议题 {len(state.agenda)} 项：{items}",
        recipients=recipients,
        payload={"meeting_id": state.stream_id, "on": state.on.isoformat(), "kind": state.kind.value},
    )


def _insurer_session(event: RecordedEvent, state: AggregateState) -> Iterator[Notice]:
    """A session fixed on a traffic accident or an insured case: its insurers (and the room's
    mediators) are told when and where."""
    if isinstance(state, TrafficState | CaseState):
        notice = insurer_session_notice(f"{event.stream_id}:{event.version}:insurer_session", state)
        if notice is not None:
            yield notice


_NOTICES: dict[str, Callable[[RecordedEvent, AggregateState], Iterator[Notice]]] = {
    **{
        f"police_case.{name}": _police_decision_due
        for name in (
            "mediation_failed",
            "agreement_not_performed",
            "entrustment_ended",
            "peoples_mediation_failed",
            "peoples_agreement_not_performed",
        )
    },
    "meeting.scheduled": _meeting_scheduled,
    "traffic.session_scheduled": _insurer_session,
    "case.session_scheduled": _insurer_session,
    "case.risk_flagged": _escalation_risk,
    "referral.issued": _referral_issued,
    "referral.accepted": _referral_accepted,
    "referral.declined": _referral_declined,
    "referral.returned": _referral_returned,
    "referral.outcome_reported": _referral_result,
    "referral.performance_reported": _referral_result,
}


@hookimpl
def mediation_deadline_notices(item: DueItem, state: AggregateState) -> Iterator[Notice]:
    """A deadline due soon, today or overdue goes to the mediators and the room's director."""
    if isinstance(state, CaseState):
        yield case_deadline_notice(item, state)
    elif isinstance(state, ReferralState):
        yield referral_deadline_notice(item, state)
