"""``execute(command, state, context)`` for 治安 cases: every rule, all violations at once."""

from __future__ import annotations

import datetime as dt
import operator

from mediation_core.domain.case.rules import common, intake
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.police_case import commands as c
from mediation_core.domain.police_case import events as ev
from mediation_core.domain.police_case import rules as r
from mediation_core.domain.police_case import timing
from mediation_core.domain.police_case.mediability import PoliceSession
from mediation_core.domain.police_case.rules import TIME_LIMIT_DAYS, first_session_due
from mediation_core.domain.police_case.state import FOLD, TRANSITIONS, PoliceCaseState, PoliceCaseStatus
from mediation_core.domain.referral.letters import FeedbackKind
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind, working_day_deadline
from mediation_core.domain.values.editions import edition_for

TIME_LIMIT_BASIS = (
    "治安管理处罚法（2012年修正）第99条 / （2025年修订）第118条; "
    "公安机关办理行政案件程序规定（2020年修正）第165条、第185条"
)
FIRST_SESSION_BASIS = "公安机关治安调解工作规范 第9条; Policy.police_first_session_working_days"


def time_limit(start: dt.date, ctx: DecisionContext, days: int = TIME_LIMIT_DAYS) -> Deadline:
    """The 30-day time limit counted from ``start`` (acceptance, or the day mediation failed),
    its last day rolled past a rest day (程序规定 art. 35)."""
    return timing.limit_from(start, days, TIME_LIMIT_BASIS, ctx)


def first_session(start: dt.date, ctx: DecisionContext) -> Deadline:
    return working_day_deadline(
        DeadlineKind.POLICE_FIRST_SESSION,
        start=start,
        days=ctx.policy.police_first_session_working_days,
        basis=FIRST_SESSION_BASIS,
        policy=ctx.policy,
        calendar=ctx.calendar,
    )


def _opened(cmd: c.OpenPoliceCase, state: None, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    return [
        ev.PoliceCaseOpened(
            station_id=cmd.station_id,
            case_number=cmd.case_number,
            accepted_on=cmd.accepted_on,
            summary=cmd.summary,
            parties=cmd.parties,
            suspect_ids=cmd.suspect_ids,
            assessment=cmd.assessment,
            assessment_needed=cmd.assessment_needed,
            time_limit=time_limit(cmd.accepted_on, ctx),
            first_session=None if cmd.assessment_needed else first_session(cmd.accepted_on, ctx),
            act_on=cmd.act_on,
            edition=edition_for(cmd.act_on or cmd.accepted_on),
        )
    ]


def _assessment_started(
    cmd: c.StartAssessment, state: PoliceCaseState, ctx: DecisionContext
) -> list[ev.PoliceCaseEvent]:
    paused = state.deadlines.get(DeadlineKind.POLICE_TIME_LIMIT)
    return [ev.AssessmentStarted(on=cmd.on, kind=cmd.kind, paused=paused)]


def _assessment(cmd: c.RecordAssessment, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    started, paused = state.assessment_started_on, state.paused_time_limit
    limit = timing.resumed(paused, started, cmd.on, ctx) if started is not None and paused is not None else None
    return [
        ev.AssessmentIssued(
            on=cmd.on,
            kind=cmd.kind,
            result=cmd.result,
            first_session=first_session(cmd.on, ctx),
            started_on=started,
            time_limit=limit,
        )
    ]


def _exclusion(cmd: c.RecordExclusion, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    found: list[ev.PoliceCaseEvent] = [ev.ExclusionFound(on=cmd.on, exclusion=cmd.exclusion, note=cmd.note)]
    if state.status is PoliceCaseStatus.MEDIATING:
        reason = f"出现不适用调解的情形：{cmd.exclusion.title_zh}"
        found.append(ev.PoliceMediationFailed(on=cmd.on, reason=reason, time_limit=time_limit(cmd.on, ctx)))
    return found


def _session(cmd: c.HoldPoliceSession, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    due = first_session_due(state)
    late = not state.sessions and due is not None and cmd.on > due
    session = PoliceSession(
        on=cmd.on,
        presiding_officer=cmd.presiding_officer,
        place=cmd.place,
        party_ids=cmd.party_ids,
        summary=cmd.summary,
        reason=cmd.reason,
        late=late,
        late_reason=cmd.late_reason,
    )
    return [ev.PoliceSessionHeld(session=session)]


def _agreement(cmd: c.RecordPoliceAgreement, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    return [ev.PoliceAgreementReached(on=cmd.on, terms=cmd.terms, signed_by=cmd.signed_by)]


def _on_the_spot(cmd: c.MediateOnTheSpot, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    return [
        ev.SettledOnTheSpot(
            on=cmd.on,
            officer=cmd.officer,
            conditions=cmd.conditions,
            content=cmd.content,
            written=cmd.written,
            body_camera_ref=cmd.body_camera_ref,
        )
    ]


def _failed(
    cmd: c.RecordPoliceMediationFailed, state: PoliceCaseState, ctx: DecisionContext
) -> list[ev.PoliceCaseEvent]:
    return [ev.PoliceMediationFailed(on=cmd.on, reason=cmd.reason, time_limit=time_limit(cmd.on, ctx))]


def _performance(
    cmd: c.RecordPolicePerformance, state: PoliceCaseState, ctx: DecisionContext
) -> list[ev.PoliceCaseEvent]:
    if cmd.performed:
        return [ev.AgreementPerformed(on=cmd.on)]
    return [ev.AgreementNotPerformed(on=cmd.on, time_limit=time_limit(cmd.on, ctx))]


def _entrusted(cmd: c.EntrustToRoom, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    return [ev.EntrustedToRoom(on=cmd.on, referral_id=cmd.referral_id, room_id=cmd.room_id)]


def _feedback(cmd: c.ReceiveReferralFeedback, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    k, on, ref, case = cmd.kind, cmd.on, cmd.referral_id, cmd.case_id
    if k is FeedbackKind.DECLINED:
        return [ev.EntrustmentEnded(on=on, referral_id=ref, time_limit=time_limit(on, ctx), note=cmd.note)]
    if k is FeedbackKind.SETTLED:
        return [ev.PeoplesMediationSettled(on=on, referral_id=ref, case_id=case, note=cmd.note)]
    if k is FeedbackKind.FAILED:
        return [
            ev.PeoplesMediationFailed(
                on=on, referral_id=ref, case_id=case, time_limit=time_limit(on, ctx), note=cmd.note
            )
        ]
    if k is FeedbackKind.PERFORMED:
        return [ev.PeoplesAgreementPerformed(on=on, referral_id=ref, case_id=case)]
    return [ev.PeoplesAgreementNotPerformed(on=on, referral_id=ref, case_id=case, time_limit=time_limit(on, ctx))]


FEEDBACK_EVENTS: dict[FeedbackKind, type[ev.PoliceCaseEvent]] = {
    FeedbackKind.DECLINED: ev.EntrustmentEnded,
    FeedbackKind.SETTLED: ev.PeoplesMediationSettled,
    FeedbackKind.FAILED: ev.PeoplesMediationFailed,
    FeedbackKind.PERFORMED: ev.PeoplesAgreementPerformed,
    FeedbackKind.NOT_PERFORMED: ev.PeoplesAgreementNotPerformed,
}


def _joint(cmd: c.RecordJointApplication, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    return [ev.JointApplicationRecorded(on=cmd.on, applicant_ids=cmd.applicant_ids, written=cmd.written)]


def _extended(cmd: c.ExtendTimeLimit, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    current = state.deadlines[DeadlineKind.POLICE_TIME_LIMIT]
    extended = time_limit(current.runs_to, ctx)
    return [
        ev.TimeLimitExtended(
            on=cmd.on, approved_by=cmd.approved_by, reason=cmd.reason, time_limit=extended, edition=state.edition
        )
    ]


def _decided(cmd: c.DecidePunishment, state: PoliceCaseState, ctx: DecisionContext) -> list[ev.PoliceCaseEvent]:
    return [
        ev.PunishmentDecided(
            on=cmd.on,
            decision=cmd.decision,
            reference=cmd.reference,
            approved_by=cmd.approved_by,
            civil_suit_notified=cmd.civil_suit_notified,
            edition=state.edition,
        )
    ]


def _own_settlement(
    cmd: c.RecordOwnSettlement, state: PoliceCaseState, ctx: DecisionContext
) -> list[ev.PoliceCaseEvent]:
    return [
        ev.OwnSettlementReached(
            on=cmd.on,
            route=cmd.route,
            party_ids=cmd.party_ids,
            content=cmd.content,
            mediation_body=cmd.mediation_body,
            edition=state.edition,
        )
    ]


DECIDERS: dict[type[c.PoliceCaseCommand], Decider] = {}

lifecycle = lifecycle_rule(
    "police_case_lifecycle",
    what_zh="治安案件",
    what_en="治安 case",
    id_field="police_case_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=ev.PoliceCaseOpened,
    basis="治安案件办理流程 (transition table of mediation_core.domain.police_case.state)",
)

BASE = (lifecycle, common.date_not_in_future, r.police_date_order)
MEDIABLE = (r.police_mediable, r.police_not_excluded)

DECIDERS.update(
    {
        c.OpenPoliceCase: Decider(
            emits=ev.PoliceCaseOpened,
            rules=(
                lifecycle,
                common.date_not_in_future,
                r.police_case_registered,
                r.police_act_dated,
                intake.two_sides,
                intake.resident_id_valid,
                intake.phone_valid,
                intake.credit_code_valid,
            ),
            build=_opened,
        ),
        c.StartAssessment: Decider(
            emits=ev.AssessmentStarted, rules=(*BASE, timing.police_assessment_pause), build=_assessment_started
        ),
        c.RecordAssessment: Decider(
            emits=ev.AssessmentIssued,
            rules=(*BASE, common.record_complete, timing.police_assessment_pause),
            build=_assessment,
        ),
        c.RecordExclusion: Decider(emits=ev.ExclusionFound, rules=BASE, build=_exclusion),
        c.HoldPoliceSession: Decider(
            emits=ev.PoliceSessionHeld,
            rules=(
                *BASE,
                *MEDIABLE,
                r.police_parties_present,
                r.police_sessions_at_most_two,
                r.police_first_session_timely,
                r.police_minors_and_agents,
            ),
            build=_session,
        ),
        c.RecordPoliceAgreement: Decider(
            emits=ev.PoliceAgreementReached, rules=(*BASE, *MEDIABLE, r.police_agreement_fields), build=_agreement
        ),
        c.MediateOnTheSpot: Decider(
            emits=ev.SettledOnTheSpot,
            rules=(*BASE, *MEDIABLE, r.police_parties_present, r.on_the_spot_conditions, r.police_minors_and_agents),
            build=_on_the_spot,
        ),
        c.RecordPoliceMediationFailed: Decider(
            emits=ev.PoliceMediationFailed, rules=(*BASE, common.record_complete), build=_failed
        ),
        c.RecordPolicePerformance: Decider(
            emits=ev.AgreementPerformed,
            rules=BASE,
            build=_performance,
            choose=lambda cmd: ev.AgreementPerformed if cmd.performed else ev.AgreementNotPerformed,
        ),
        c.EntrustToRoom: Decider(emits=ev.EntrustedToRoom, rules=(*BASE, *MEDIABLE), build=_entrusted),
        c.ReceiveReferralFeedback: Decider(
            emits=ev.PeoplesMediationSettled,
            rules=(lifecycle,),
            build=_feedback,
            choose=lambda cmd: FEEDBACK_EVENTS[cmd.kind],
        ),
        c.RecordJointApplication: Decider(
            emits=ev.JointApplicationRecorded, rules=(*BASE, r.joint_written_application), build=_joint
        ),
        c.RecordOwnSettlement: Decider(
            emits=ev.OwnSettlementReached,
            rules=(*BASE, *MEDIABLE, r.own_settlement_recorded),
            build=_own_settlement,
        ),
        c.RecordOwnSettlementPerformed: Decider(
            emits=ev.OwnSettlementPerformed,
            rules=(*BASE, r.own_settlement_performed),
            build=lambda cmd, state, ctx: [ev.OwnSettlementPerformed(on=cmd.on, evidence=cmd.evidence)],
        ),
        c.ExtendTimeLimit: Decider(
            emits=ev.TimeLimitExtended, rules=(*BASE, r.police_time_limit_extension), build=_extended
        ),
        c.DecidePunishment: Decider(
            emits=ev.PunishmentDecided,
            rules=(*BASE, r.punishment_follows_outcome, r.peoples_mediation_substitute, r.own_settlement_no_punishment),
            build=_decided,
        ),
    }
)


POLICE_CASES = Lifecycle(
    name="police_case",
    fold=FOLD,
    deciders=DECIDERS,
    stream_of=operator.attrgetter("police_case_id"),
    commands=c.COMMAND_TYPES,
)
"""The police case's fold and deciders: what the service replays and decides."""


execute = POLICE_CASES.execute
"""``execute(command, state, context)``: the events and the state after them, or ``RuleViolationError``."""
