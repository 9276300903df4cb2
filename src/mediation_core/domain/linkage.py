"""公调对接 itself: what one aggregate's decision entails for another.

Each function reads a decided command, the events it produced and the stream's new state,
and returns the commands other streams must decide in the same unit of work (docs/linkage.md,
docs/adr/0006-follow-on-commands.md): accepting a referral opens its case; a concluded case reports back (反馈) to its
referral, and an entrusted one also reports performance; a referral passes the result on to
the stream that issued it. Pure: the service runs the returned commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mediation_core.domain.case import commands as cc
from mediation_core.domain.case import events as ce
from mediation_core.domain.case.followups import Performance
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.dispatch import events as de
from mediation_core.domain.dispatch.state import DispatchState
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case import events as pe
from mediation_core.domain.police_case.state import PoliceCaseState
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral import events as re
from mediation_core.domain.referral.letters import FeedbackKind, Origin, OriginKind
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic import events as te
from mediation_core.domain.traffic.state import TrafficState
from mediation_core.domain.values.sources import CaseSource, ReferralMode

TRAFFIC_CATEGORY = "traffic_accident"
"""The Ministry's category of a traffic accident compensation dispute."""


def case_follow_ons(command: Any, events: Sequence[Any], state: CaseState) -> list[Any]:
    """A referred case reports its result when it concludes, and (when entrusted) the
    performance a follow-up visit found."""
    if state.referral_id is None:
        return []
    out: list[Any] = []
    for event in events:
        if isinstance(event, ce.OralAgreementReached | ce.AgreementTookEffect):
            on = event.on if isinstance(event, ce.OralAgreementReached) else event.effective_on
            form = state.agreement.form.value if state.agreement else None
            out.append(
                rc.ReportReferralOutcome(
                    referral_id=state.referral_id,
                    case_id=state.case_id,
                    on=on,
                    outcome=Outcome.SETTLED,
                    agreement_form=form,
                )
            )
        elif isinstance(event, ce.CaseTerminated):
            out.append(
                rc.ReportReferralOutcome(
                    referral_id=state.referral_id,
                    case_id=state.case_id,
                    on=event.on,
                    outcome=Outcome.FAILED,
                    termination_reason=event.reason.value,
                )
            )
        elif (
            isinstance(event, ce.FollowUpRecorded)
            and event.visit.performance is not None
            and state.referral_mode is ReferralMode.ENTRUSTMENT
        ):
            out.append(
                rc.ReportReferralPerformance(
                    referral_id=state.referral_id,
                    case_id=state.case_id,
                    on=event.visit.on,
                    performance=event.visit.performance,
                )
            )
    return out


def referral_follow_ons(command: Any, events: Sequence[Any], state: ReferralState) -> list[Any]:
    """Accepting a referral registers and accepts its case (numbered) on the same day; what the
    room reports goes on to the stream that issued the referral."""
    out: list[Any] = []
    for event in events:
        out += _to_origin(event, state)
        if isinstance(event, re.ReferralAccepted):
            out += [
                cc.ReceiveDispute(
                    case_id=event.case_id,
                    room_id=state.room_id,
                    received_on=event.on,
                    source=state.source,
                    category=state.category,
                    summary=state.facts,
                    parties=state.parties,
                    amount_involved=state.amount_involved,
                    referral_id=state.referral_id,
                    referral_mode=state.mode,
                    insurers=state.insurers,
                ),
                cc.AcceptCase(case_id=event.case_id, on=event.on),
            ]
    return out


_PERFORMANCE_FEEDBACK = {
    Performance.PERFORMED: FeedbackKind.PERFORMED,
    Performance.PARTLY: FeedbackKind.NOT_PERFORMED,
    Performance.NOT_PERFORMED: FeedbackKind.NOT_PERFORMED,
}


def _to_origin(event: Any, state: ReferralState) -> list[Any]:
    """The room's answer, passed on to the 治安 case or traffic record that sent the dispute."""
    origin = state.origin
    if origin is None or origin.kind is OriginKind.DISPATCH:
        return []
    kind: FeedbackKind | None = None
    case_id, note = state.case_id or "", ""
    if isinstance(event, re.ReferralDeclined):
        kind, note = FeedbackKind.DECLINED, event.letter.text
    elif isinstance(event, re.ReferralReturned | re.ReferralWithdrawn):
        kind, note = FeedbackKind.DECLINED, event.reason
    elif isinstance(event, re.ReferralOutcomeReported):
        kind = FeedbackKind.SETTLED if event.outcome is Outcome.SETTLED else FeedbackKind.FAILED
        note = event.termination_reason or event.agreement_form or ""
    elif isinstance(event, re.ReferralPerformanceReported):
        kind = _PERFORMANCE_FEEDBACK[event.performance]
    if kind is None:
        return []
    if origin.kind is OriginKind.POLICE_CASE:
        return [
            pc.ReceiveReferralFeedback(
                police_case_id=origin.stream_id,
                referral_id=state.referral_id,
                on=event.on,
                kind=kind,
                case_id=case_id,
                note=note,
            )
        ]
    if kind in {FeedbackKind.PERFORMED, FeedbackKind.NOT_PERFORMED}:
        return []  # the traffic police hear the result; performance stays with the room
    return [
        tc.ReceivePeoplesMediationReport(
            traffic_id=origin.stream_id,
            referral_id=state.referral_id,
            on=event.on,
            kind=kind,
            case_id=case_id,
            note=note,
        )
    ]


def police_follow_ons(command: Any, events: Sequence[Any], state: PoliceCaseState) -> list[Any]:
    """Entrusting a 治安 case issues the 委托函 to the room, linked back to the case."""
    out: list[Any] = []
    for event in events:
        if isinstance(event, pe.EntrustedToRoom) and isinstance(command, pc.EntrustToRoom):
            out.append(
                rc.IssueLinkedReferral(
                    referral_id=event.referral_id,
                    room_id=event.room_id,
                    source=CaseSource.STATION_ENTRUSTMENT,
                    mode=ReferralMode.ENTRUSTMENT,
                    issuer_id=state.station_id,
                    signed_by=command.signed_by,
                    issued_on=event.on,
                    category=command.category,
                    cause=command.cause,
                    facts=command.facts,
                    parties=state.parties,
                    consents=command.consents,
                    letter_number=command.letter_number,
                    police_case_number=state.case_number,
                    origin=Origin(kind=OriginKind.POLICE_CASE, stream_id=state.police_case_id),
                )
            )
    return out


def dispatch_follow_ons(command: Any, events: Sequence[Any], state: DispatchState) -> list[Any]:
    """A settlement on the scene is a case registered, accepted, mediated and concluded that
    day, every step under the case's own rules; a dispute handed over gets its 移送函."""
    out: list[Any] = []
    for event in events:
        if isinstance(event, de.SettledOnScene) and isinstance(command, dc.SettleOnScene):
            out += _case_on_scene(command, event, state)
        elif isinstance(event, de.HandedToRoom) and isinstance(command, dc.HandDispatchToRoom):
            out.append(
                rc.IssueLinkedReferral(
                    referral_id=event.referral_id,
                    room_id=state.room_id,
                    source=CaseSource.DISPATCH_110,
                    mode=ReferralMode.TRANSFER,
                    issuer_id=state.station_id,
                    signed_by=command.signed_by,
                    issued_on=event.on,
                    category=command.category,
                    cause=command.cause,
                    facts=command.facts,
                    parties=command.parties,
                    consents=command.consents,
                    letter_number=command.letter_number,
                    police_case_number=state.incident_number,
                    origin=Origin(kind=OriginKind.DISPATCH, stream_id=state.dispatch_id),
                )
            )
    return out


def _case_on_scene(command: dc.SettleOnScene, event: de.SettledOnScene, state: DispatchState) -> list[Any]:
    case_id, on, mediator = event.case_id, event.on, event.mediator_id
    return [
        cc.ReceiveDispute(
            case_id=case_id,
            room_id=state.room_id,
            received_on=on,
            source=CaseSource.DISPATCH_110,
            category=command.category,
            summary=command.summary,
            parties=command.parties,
            amount_involved=command.amount_involved,
            dispatch_id=state.dispatch_id,
        ),
        cc.AcceptCase(case_id=case_id, on=on),
        cc.AssignMediator(case_id=case_id, mediator_id=mediator, presiding=True, on=on),
        cc.NotifyRights(case_id=case_id, on=on, written=False),
        cc.StartMediation(case_id=case_id, on=on),
        cc.HoldSession(
            case_id=case_id,
            on=on,
            place=state.place,
            mediator_ids=(mediator,),
            party_ids=tuple(p.party_id for p in command.parties),
            summary=f"110接处警（{state.incident_number}）随警现场调解：{command.summary}",
        ),
        cc.ReachOralAgreement(case_id=case_id, on=on, content=command.content, subject=command.subject),
    ]


def traffic_follow_ons(command: Any, events: Sequence[Any], state: TrafficState) -> list[Any]:
    """Choosing people's mediation sends the dispute to the room with the traffic police's
    transfer letter; the vehicles' insurers go with it, to be notified of every session."""
    out: list[Any] = []
    for event in events:
        if isinstance(event, te.SentToPeoplesMediation) and isinstance(command, tc.SendToPeoplesMediation):
            out.append(
                rc.IssueLinkedReferral(
                    referral_id=event.referral_id,
                    room_id=event.room_id,
                    source=CaseSource.TRAFFIC_POLICE,
                    mode=ReferralMode.TRANSFER,
                    issuer_id=state.brigade_id,
                    issuer_name=state.brigade_name,
                    signed_by=command.signed_by,
                    issued_on=event.on,
                    category=TRAFFIC_CATEGORY,
                    cause=f"道路交通事故损害赔偿纠纷（{state.accident_number}）",
                    facts=state.summary,
                    parties=state.parties,
                    consents=command.consents,
                    letter_number=command.letter_number,
                    police_case_number=state.accident_number,
                    insurers=state.insurers,
                    origin=Origin(kind=OriginKind.TRAFFIC, stream_id=state.traffic_id),
                )
            )
    return out
