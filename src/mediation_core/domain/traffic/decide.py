"""``execute(command, state, context)`` for traffic accident mediation."""

from __future__ import annotations

import datetime as dt
import operator

from mediation_core.domain.case.rules import common, consent, intake
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.referral.letters import FeedbackKind
from mediation_core.domain.traffic import commands as c
from mediation_core.domain.traffic import events as ev
from mediation_core.domain.traffic import rules as r
from mediation_core.domain.traffic.accident import DOCUMENT_DAYS, Damage, ScheduledSession, TrafficSession
from mediation_core.domain.traffic.state import FOLD, TRANSITIONS, TrafficState
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind, working_day_deadline

DOCUMENT_BASIS = (
    "道路交通事故处理程序规定 第90条、第111条第(四)项 (2017年修订; 调解书或调解终结书: 调解开始之日起10个工作日内)"
)


def start_of(accepted_on: dt.date, damages: tuple[Damage, ...]) -> dt.date | None:
    """S9 art. 90: the later of acceptance and every damage's trigger; ``None`` while any
    trigger is still to come (§9 rule 26)."""
    if any(d.trigger_on is None for d in damages):
        return None
    return max([accepted_on, *(d.trigger_on for d in damages if d.trigger_on is not None)])


def _start(
    accepted_on: dt.date, damages: tuple[Damage, ...], ctx: DecisionContext
) -> tuple[dt.date | None, Deadline | None]:
    start = start_of(accepted_on, damages)
    if start is None:
        return None, None
    due = working_day_deadline(
        DeadlineKind.TRAFFIC_MEDIATION,
        start=start,
        days=DOCUMENT_DAYS,
        basis=DOCUMENT_BASIS,
        policy=ctx.policy,
        calendar=ctx.calendar,
    )
    return start, due


def _registered(cmd: c.RegisterAccident, state: None, ctx: DecisionContext) -> list[ev.TrafficEvent]:
    brigade = ctx.registry.org(cmd.brigade_id)
    return [
        ev.AccidentRegistered(
            brigade_id=cmd.brigade_id,
            brigade_name=brigade.name if brigade else cmd.brigade_id,
            room_id=cmd.room_id,
            accident_number=cmd.accident_number,
            accident_on=cmd.accident_on,
            determination=cmd.determination,
            simple_procedure=cmd.simple_procedure,
            parties=cmd.parties,
            insurers=cmd.insurers,
            summary=cmd.summary,
        )
    ]


def _accepted(cmd: c.AcceptPoliceMediation, state: TrafficState, ctx: DecisionContext) -> list[ev.TrafficEvent]:
    start, due = _start(cmd.on, cmd.damages, ctx)
    return [ev.PoliceMediationAccepted(on=cmd.on, damages=cmd.damages, start_on=start, document_due=due)]


def _determined(cmd: c.RecordDamageDetermined, state: TrafficState, ctx: DecisionContext) -> list[ev.TrafficEvent]:
    damage = Damage(kind=cmd.kind, trigger_on=cmd.on)
    damages = tuple(damage if d.kind is cmd.kind else d for d in state.damages)
    start, due = _start(state.accepted_on or cmd.on, damages, ctx)
    return [ev.DamageDetermined(damage=damage, start_on=start, document_due=due)]


def _session(cmd: c.HoldTrafficSession, state: TrafficState, ctx: DecisionContext) -> list[ev.TrafficEvent]:
    session = TrafficSession(
        on=cmd.on,
        place=cmd.place,
        bodies=cmd.bodies,
        participants=cmd.participants,
        public=cmd.public,
        summary=cmd.summary,
    )
    return [ev.TrafficSessionHeld(session=session)]


def _terminated(cmd: c.TerminateTrafficMediation, state: TrafficState, ctx: DecisionContext) -> list[ev.TrafficEvent]:
    due = state.document_due
    late = due is not None and cmd.on > due
    return [
        ev.TrafficMediationTerminated(on=cmd.on, reason=cmd.reason, party_id=cmd.party_id, note=cmd.note, late=late)
    ]


def _report(cmd: c.ReceivePeoplesMediationReport, state: TrafficState, ctx: DecisionContext) -> list[ev.TrafficEvent]:
    if cmd.kind is FeedbackKind.DECLINED:
        return [ev.PeoplesMediationDeclined(on=cmd.on, referral_id=cmd.referral_id, note=cmd.note)]
    if cmd.kind is FeedbackKind.SETTLED:
        return [ev.PeoplesMediationSettled(on=cmd.on, referral_id=cmd.referral_id, case_id=cmd.case_id)]
    return [ev.PeoplesMediationTerminated(on=cmd.on, referral_id=cmd.referral_id, case_id=cmd.case_id, note=cmd.note)]


REPORT_EVENTS: dict[FeedbackKind, type[ev.TrafficEvent]] = {
    FeedbackKind.DECLINED: ev.PeoplesMediationDeclined,
    FeedbackKind.SETTLED: ev.PeoplesMediationSettled,
    FeedbackKind.FAILED: ev.PeoplesMediationTerminated,
}

DECIDERS: dict[type[c.TrafficCommand], Decider] = {}

lifecycle = lifecycle_rule(
    "traffic_lifecycle",
    what_zh="交通事故调解",
    what_en="traffic accident mediation",
    id_field="traffic_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=ev.AccidentRegistered,
    basis="交通事故损害赔偿调解流程 (transition table of mediation_core.domain.traffic.state)",
)

BASE = (lifecycle, common.date_not_in_future, r.traffic_date_order)
STARTED = (*BASE, r.traffic_mediation_start)

DECIDERS.update(
    {
        c.RegisterAccident: Decider(
            emits=ev.AccidentRegistered,
            rules=(
                lifecycle,
                r.accident_registered,
                intake.two_sides,
                intake.resident_id_valid,
                intake.phone_valid,
                intake.credit_code_valid,
            ),
            build=_registered,
        ),
        c.MediateAccidentOnTheSpot: Decider(
            emits=ev.AccidentSettledOnTheSpot,
            rules=(*BASE, r.simple_procedure_bar),
            build=lambda cmd, state, ctx: [
                ev.AccidentSettledOnTheSpot(on=cmd.on, officer=cmd.officer, content=cmd.content)
            ],
        ),
        c.ApplyPoliceMediation: Decider(
            emits=ev.PoliceMediationApplied,
            rules=(*BASE, r.traffic_application_window, r.traffic_reentry_window),
            build=lambda cmd, state, ctx: [ev.PoliceMediationApplied(on=cmd.on, applicant_ids=cmd.applicant_ids)],
        ),
        c.AcceptPoliceMediation: Decider(
            emits=ev.PoliceMediationAccepted, rules=(*BASE, r.traffic_mediation_start), build=_accepted
        ),
        c.RecordDamageDetermined: Decider(
            emits=ev.DamageDetermined, rules=(*BASE, r.traffic_mediation_start), build=_determined
        ),
        c.ScheduleTrafficSession: Decider(
            emits=ev.SessionScheduled,
            rules=(*STARTED, r.traffic_session_logistics),
            build=lambda cmd, state, ctx: [
                ev.SessionScheduled(
                    session=ScheduledSession(session_on=cmd.session_on, place=cmd.place, notified_on=cmd.on)
                )
            ],
        ),
        c.RequestSessionChange: Decider(
            emits=ev.SessionChangeRequested,
            rules=(*BASE, r.traffic_session_logistics),
            build=lambda cmd, state, ctx: [
                ev.SessionChangeRequested(on=cmd.on, requested_by=cmd.requested_by, reason=cmd.reason)
            ],
        ),
        c.HoldTrafficSession: Decider(
            emits=ev.TrafficSessionHeld,
            rules=(*STARTED, r.traffic_session_logistics, r.traffic_joint_bodies, consent.publicity_choice),
            build=_session,
        ),
        c.IssueMediationDocument: Decider(
            emits=ev.MediationDocumentIssued,
            rules=(*STARTED, r.traffic_document_fields),
            build=lambda cmd, state, ctx: [
                ev.MediationDocumentIssued(on=cmd.on, settlement=cmd.settlement, signed_by=cmd.signed_by)
            ],
        ),
        c.TerminateTrafficMediation: Decider(
            emits=ev.TrafficMediationTerminated, rules=(*BASE, r.traffic_termination_grounds), build=_terminated
        ),
        c.SendToPeoplesMediation: Decider(
            emits=ev.SentToPeoplesMediation,
            rules=BASE,
            build=lambda cmd, state, ctx: [
                ev.SentToPeoplesMediation(on=cmd.on, referral_id=cmd.referral_id, room_id=cmd.room_id)
            ],
        ),
        c.ReceivePeoplesMediationReport: Decider(
            emits=ev.PeoplesMediationSettled,
            rules=(lifecycle,),
            build=_report,
            choose=lambda cmd: REPORT_EVENTS[cmd.kind],
        ),
    }
)


TRAFFIC = Lifecycle(
    name="traffic", fold=FOLD, deciders=DECIDERS, stream_of=operator.attrgetter("traffic_id"), commands=c.COMMAND_TYPES
)
"""The traffic's fold and deciders: what the service replays and decides."""


execute = TRAFFIC.execute
"""``execute(command, state, context)``: the events and the state after them, or ``RuleViolationError``."""
