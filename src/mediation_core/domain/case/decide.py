"""``decide(command, state, context) -> events``: pure, all violations at once.

Each command has one entry in :data:`DECIDERS`: the rules that guard it and the function
that builds its events. ``decide`` runs every rule, raises :class:`RuleViolationError` with
all violations if any, and otherwise folds the new events through ``evolve`` so that every
event it returns is one the transition table accepts.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from typing import Any

from mediation_core.domain.case import commands as c
from mediation_core.domain.case import events as ev
from mediation_core.domain.case.agreements import Signature, copies_for, written_effective_on
from mediation_core.domain.case.context import CaseContext
from mediation_core.domain.case.courts import REFUSAL_NOTICE_ZH, REFUSAL_ROUTES, ConfirmationResult
from mediation_core.domain.case.followups import FollowUp
from mediation_core.domain.case.limitation import interruption
from mediation_core.domain.case.outcomes import ALL_ROUTES, PROCEEDINGS_REASONS, ROUTES_NOTICE_ZH, TerminationReason
from mediation_core.domain.case.rules import (
    agreement,
    archive,
    common,
    confirmation,
    consent,
    escalation,
    followup,
    intake,
    mediators,
    retention,
    sessions,
    termination,
    terms,
)
from mediation_core.domain.case.state import FOLD, TRANSITIONS, CaseState, CaseStatus
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.reporting.repeats import find_repeat
from mediation_core.domain.traffic import rules as traffic
from mediation_core.domain.values.casefile import BINDING_ORDER
from mediation_core.domain.values.deadlines import (
    Deadline,
    DeadlineKind,
    calendar_deadline,
    period_deadline,
    working_day_deadline,
)
from mediation_core.domain.values.parties import holds_sensitive_data, wards

DECIDERS: dict[type[c.CaseCommand], Decider] = {}

transition_allowed = lifecycle_rule(
    "transition_allowed",
    what_zh="案件",
    what_en="case",
    id_field="case_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=ev.DisputeReceived,
    basis="案件流程 (docs/lifecycle.md, transition table)",
    summary_en="the case's current state does not allow this command",
)


DATES = (common.date_not_in_future, common.date_in_case_order)
BASE = (transition_allowed, *DATES)


def _received(cmd: c.ReceiveDispute, state: None, ctx: CaseContext) -> list[ev.CaseEvent]:
    return [
        ev.DisputeReceived(
            room_id=cmd.room_id,
            received_on=cmd.received_on,
            source=cmd.source,
            category=cmd.category,
            summary=cmd.summary,
            parties=cmd.parties,
            amount_involved=cmd.amount_involved,
            referral_id=cmd.referral_id,
            referral_mode=cmd.referral_mode,
            dispatch_id=cmd.dispatch_id,
            insurers=cmd.insurers,
            on_scene=cmd.on_scene,
            online_consents=cmd.online_consents,
            sensitive=holds_sensitive_data(cmd.parties, cmd.received_on),
            requested_by=cmd.requested_by,
            confidential=cmd.confidential,
            repeat_of=find_repeat(
                ctx.earlier_cases,
                case_id=cmd.case_id,
                keys=ctx.party_keys,
                category=cmd.category,
                received_on=cmd.received_on,
                window_days=ctx.policy.repeat_window_days,
                min_shared=ctx.policy.repeat_min_shared_parties,
            ),
        )
    ]


TERM_COUNTING = "民法典 第202条、第203条 (2020年; 按月计算至对应日，末日为休假日的顺延)"


def mediation_term(accepted_on: dt.date, ctx: DecisionContext) -> Deadline:
    """调解期限: one calendar month from acceptance (人民调解工作若干规定 art. 33, counted by
    民法典 arts. 201–203), or the county's days when its policy sets them; a last day that is a
    rest day moves to the next working day."""
    days = ctx.policy.mediation_term_days
    return period_deadline(
        DeadlineKind.MEDIATION_TERM,
        start=accepted_on,
        days=days,
        months=0 if days else ctx.policy.mediation_term_months,
        basis=f"人民调解工作若干规定 第33条 (2002年司法部令第75号); {TERM_COUNTING}",
        policy=ctx.policy,
        calendar=ctx.calendar,
    )


def _accepted(cmd: c.AcceptCase, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    room = ctx.registry.org(state.room_id)
    seq = ctx.sequence or 0
    number = ctx.policy.case_number(year=cmd.on.year, room_code=(room.code if room else "") or state.room_id, seq=seq)
    term = mediation_term(cmd.on, ctx)
    return [ev.CaseAccepted(on=cmd.on, number=number, year=cmd.on.year, sequence=seq, term=term)]


def _simple(event_type: type[ev.CaseEvent], *names: str) -> Callable[[Any, Any, DecisionContext], list[ev.CaseEvent]]:
    """A builder that copies the named command fields onto one event."""

    def build(cmd: Any, state: Any, ctx: DecisionContext) -> list[ev.CaseEvent]:
        return [event_type(**{n: getattr(cmd, n) for n in names})]

    return build


def _consent(cmd: c.RecordConsent, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    recorded = ev.ConsentRecorded(party_id=cmd.party_id, consents=cmd.consents, on=cmd.on, note=cmd.note)
    if cmd.consents or state.status is not CaseStatus.MEDIATING:
        return [recorded]
    refusal = f"当事人 {cmd.party_id} 拒绝继续调解"
    return [recorded, _termination(state, cmd.on, TerminationReason.PARTY_REFUSED, refusal)]


def _termination(state: CaseState, on: Any, reason: TerminationReason, note: str) -> ev.CaseTerminated:
    """终止调解 with the notice of other routes and, when a party requested the mediation, of the
    limitation period interrupted on the day the dispute was brought to the room (§9 rules 9 and 37)."""
    limitation = interruption(state.source, state.requested_by, state.received_on, on)
    return ev.CaseTerminated(
        on=on,
        reason=reason,
        routes=ALL_ROUTES,
        notice=ROUTES_NOTICE_ZH + (limitation.notice_zh() if limitation else ""),
        note=note,
        limitation_interrupted_on=limitation.interrupted_on if limitation else None,
    )


def _proceedings(cmd: c.EndForProceedings, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    reason = PROCEEDINGS_REASONS[cmd.route.value]
    where = (
        f"（{cmd.body}{'，' if cmd.body and cmd.reference else ''}{cmd.reference}）"
        if cmd.body or cmd.reference
        else ""
    )
    party = state.party(cmd.party_id)
    name = party.name if party else cmd.party_id
    note = f"当事人{name}已{'向人民法院起诉' if reason is TerminationReason.LITIGATION else '申请仲裁'}{where}"
    return [_termination(state, cmd.on, reason, note)]


def _terminated(cmd: c.TerminateCase, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    return [_termination(state, cmd.on, cmd.reason, cmd.note)]


def _risk(cmd: c.FlagRisk, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    due = None
    if cmd.kind.needs_police_report and DeadlineKind.ESCALATION_REPORT not in state.deadlines:
        due = calendar_deadline(
            DeadlineKind.ESCALATION_REPORT,
            cmd.on,
            ctx.policy.escalation_report_days,
            basis="人民调解法 第25条",
            policy=ctx.policy,
        )
    return [ev.RiskFlagged(kind=cmd.kind, persons=cmd.persons, on=cmd.on, note=cmd.note, report_due=due)]


def _reported(cmd: c.ReportToPolice, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    pending = state.deadlines.get(DeadlineKind.ESCALATION_REPORT)
    late = pending is not None and cmd.on > pending.due
    return [ev.PoliceReportRecorded(on=cmd.on, station_id=cmd.station_id, reference=cmd.reference, late=late)]


def _extended(cmd: c.ExtendTerm, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    current = state.term
    start = current.runs_to if current else cmd.on
    term = period_deadline(
        DeadlineKind.MEDIATION_TERM,
        start=start,
        days=ctx.policy.term_extension_days,
        basis=f"宁波市人民调解条例 第27条 (经双方同意延长); {TERM_COUNTING}",
        policy=ctx.policy,
        calendar=ctx.calendar,
    )
    return [ev.TermExtended(on=cmd.on, consenting_party_ids=cmd.consenting_party_ids, term=term)]


def _follow_up_deadline(start: dt.date, ctx: DecisionContext) -> Deadline:
    return working_day_deadline(
        DeadlineKind.FOLLOW_UP,
        start=start,
        days=ctx.policy.follow_up_working_days,
        basis="人民调解法 第31条 (督促履行); 回访",
        policy=ctx.policy,
        calendar=ctx.calendar,
    )


def _after_term(
    cmd: c.ReachOralAgreement | c.DraftWrittenAgreement | c.SignAgreement, state: CaseState
) -> dict[str, Any]:
    """The warning an agreement after the mediation term carries: the day the term ended and the
    recorded explanation (rule ``agreement_after_term_explained``)."""
    ended = terms.term_passed(cmd.on, state)
    if ended is None:
        return {}
    return {"term_due": ended, "late_explanation": cmd.late_explanation.strip()}


def _drafted(cmd: c.DraftWrittenAgreement, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    return [ev.WrittenAgreementDrafted(on=cmd.on, terms=cmd.terms, **_after_term(cmd, state))]


def _oral(cmd: c.ReachOralAgreement, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    return [
        ev.OralAgreementReached(
            on=cmd.on,
            content=cmd.content,
            subject=cmd.subject,
            immediate_performance=cmd.immediate_performance,
            follow_up=_follow_up_deadline(cmd.on, ctx),
            **_after_term(cmd, state),
        )
    ]


def _signed(cmd: c.SignAgreement, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    signature = Signature(kind=cmd.kind, signer_id=cmd.signer_id, mark=cmd.mark, on=cmd.on, evidence=cmd.evidence)
    out: list[ev.CaseEvent] = [ev.AgreementSigned(signature=signature, **_after_term(cmd, state))]
    effective = written_effective_on(state.party_ids, (*state.signatures, signature), _wards(state))
    if effective is not None:
        out.append(
            ev.AgreementTookEffect(
                effective_on=effective,
                copies=copies_for(len(state.parties)),
                follow_up=_follow_up_deadline(effective, ctx),
            )
        )
    return out


def _wards(state: CaseState) -> tuple[str, ...]:
    """Parties whose guardian signs the agreement: their age is taken on the day it was drafted."""
    return wards(state.parties, state.drafted_on) if state.drafted_on else ()


def _ruled(cmd: c.RecordJudicialConfirmation, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    refused = cmd.result is ConfirmationResult.REFUSED
    return [
        ev.JudicialConfirmationRuled(
            on=cmd.on,
            result=cmd.result,
            court=cmd.court.strip(),
            court_case_number=cmd.court_case_number.strip(),
            routes=REFUSAL_ROUTES if refused else (),
            notice=REFUSAL_NOTICE_ZH if refused else "",
            reason=cmd.reason,
        )
    ]


def _follow_up(cmd: c.RecordFollowUp, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    visit = FollowUp(
        on=cmd.on,
        visitor_id=cmd.visitor_id,
        party_id=cmd.party_id,
        performance=cmd.performance,
        satisfaction=cmd.satisfaction,
        lawsuit=cmd.lawsuit,
        escalation_signs=cmd.escalation_signs,
        measures=cmd.measures,
    )
    return [ev.FollowUpRecorded(visit=visit)]


def _archived(cmd: c.ArchiveCase, state: CaseState, ctx: DecisionContext) -> list[ev.CaseEvent]:
    index = tuple(item for item in BINDING_ORDER if item in state.documents)
    years = cmd.retention_years if cmd.retention_years is not None else ctx.policy.retention_years
    return [ev.CaseArchived(on=cmd.on, archivist_id=cmd.archivist_id, retention_years=years, index=index)]


def _anonymised(cmd: c.AnonymiseParties, state: CaseState, ctx: CaseContext) -> list[ev.CaseEvent]:
    return [
        ev.PartiesAnonymised(
            on=cmd.on,
            archived_on=state.archived_on or cmd.on,
            retention_years=state.retention_years or 0,
            previous_head=ctx.stream_head,
            events_rewritten=state.version,
        )
    ]


CONSENT = consent.consent_gate
TERM = terms.within_mediation_term
LATE_AGREEMENT = terms.agreement_after_term_explained
PARTY = common.party_known
RECORD = common.record_complete

DECIDERS.update(
    {
        c.ReceiveDispute: Decider(
            emits=ev.DisputeReceived,
            rules=(
                transition_allowed,
                common.date_not_in_future,
                intake.room_known,
                intake.category_known,
                intake.registration_complete,
                intake.two_sides,
                intake.requesters_are_parties,
                intake.resident_id_valid,
                intake.phone_valid,
                intake.credit_code_valid,
                intake.minor_has_guardian,
                intake.child_data_guardian_consent,
                intake.representatives_at_most_five,
                intake.on_scene_recorded,
                intake.online_application_evidenced,
            ),
            build=_received,
        ),
        c.AcceptCase: Decider(
            emits=ev.CaseAccepted,
            rules=(*BASE, intake.mediation_is_free, intake.acceptance_not_excluded, intake.acceptance_numbered),
            build=_accepted,
        ),
        c.DeclineCase: Decider(
            emits=ev.CaseDeclined, rules=BASE, build=_simple(ev.CaseDeclined, "on", "reason", "note")
        ),
        c.AssignMediator: Decider(
            emits=ev.MediatorAssigned,
            rules=(*BASE, mediators.mediator_of_room, mediators.recused_never_active),
            build=_simple(ev.MediatorAssigned, "mediator_id", "presiding", "on"),
        ),
        c.NotifyRights: Decider(emits=ev.RightsNotified, rules=BASE, build=_simple(ev.RightsNotified, "on", "written")),
        c.FileDocument: Decider(
            emits=ev.DocumentFiled, rules=(*BASE, RECORD), build=_simple(ev.DocumentFiled, "item", "title", "on")
        ),
        c.RecordConsent: Decider(emits=ev.ConsentRecorded, rules=(*BASE, PARTY), build=_consent),
        c.StartMediation: Decider(
            emits=ev.MediationStarted,
            rules=(*BASE, CONSENT, consent.rights_notified_first, mediators.presiding_mediator_assigned, TERM),
            build=_simple(ev.MediationStarted, "on"),
        ),
        c.InviteParticipant: Decider(
            emits=ev.ParticipantInvited,
            rules=(*BASE, PARTY, consent.invitees_need_consent),
            build=_simple(ev.ParticipantInvited, "name", "relation", "consenting_party_ids", "on"),
        ),
        c.RecordInvestigation: Decider(
            emits=ev.InvestigationRecorded,
            rules=(*BASE, RECORD, mediators.mediators_active, mediators.recused_never_active),
            build=_simple(ev.InvestigationRecorded, "on", "investigator_id", "subject", "content"),
        ),
        c.ScheduleSession: Decider(
            emits=ev.SessionScheduled,
            rules=(*BASE, CONSENT, RECORD, sessions.session_scheduled_within_term, traffic.insurer_notified_in_time),
            build=lambda cmd, state, ctx: [
                ev.SessionScheduled(on=cmd.on, session_on=cmd.session_on, place=cmd.place, insurers=state.insurers)
            ],
        ),
        c.HoldSession: Decider(
            emits=ev.SessionHeld,
            rules=(
                *BASE,
                CONSENT,
                PARTY,
                RECORD,
                mediators.mediators_active,
                mediators.recused_never_active,
                consent.invitees_need_consent,
                consent.publicity_choice,
                consent.confidential_never_public,
                traffic.insurer_notified_in_time,
                traffic.joint_session_bodies,
                TERM,
            ),
            build=_simple(
                ev.SessionHeld,
                "on",
                "place",
                "mediator_ids",
                "party_ids",
                "invitees",
                "public",
                "summary",
                "joint_bodies",
                "insurer_notices",
            ),
        ),
        c.RequestRecusal: Decider(
            emits=ev.MediatorRecused,
            rules=(*BASE, PARTY, RECORD, mediators.recusal_of_assigned_mediator),
            build=lambda cmd, state, ctx: [
                ev.MediatorRecused(mediator_id=cmd.mediator_id, requested_by=cmd.party_id, reason=cmd.reason, on=cmd.on)
            ],
        ),
        c.FlagRisk: Decider(emits=ev.RiskFlagged, rules=(*BASE, escalation.risk_persons_counted), build=_risk),
        c.RecordPrevention: Decider(
            emits=ev.EscalationPrevented,
            rules=(*BASE, escalation.prevention_follows_a_flag),
            build=_simple(ev.EscalationPrevented, "kind", "on", "measures"),
        ),
        c.GradeDifficulty: Decider(
            emits=ev.DifficultyGraded, rules=BASE, build=_simple(ev.DifficultyGraded, "grade", "on", "reason")
        ),
        c.ReportToPolice: Decider(
            emits=ev.PoliceReportRecorded, rules=(*BASE, escalation.report_to_a_station), build=_reported
        ),
        c.ExtendTerm: Decider(
            emits=ev.TermExtended, rules=(*BASE, PARTY, terms.extension_needs_every_party, TERM), build=_extended
        ),
        c.ReachOralAgreement: Decider(
            emits=ev.OralAgreementReached,
            rules=(
                *BASE,
                CONSENT,
                PARTY,
                agreement.session_before_agreement,
                agreement.oral_content_recorded,
                agreement.written_form_required,
                agreement.written_form_local_triggers,
                agreement.agreement_binds_no_police,
                LATE_AGREEMENT,
            ),
            build=_oral,
        ),
        c.DraftWrittenAgreement: Decider(
            emits=ev.WrittenAgreementDrafted,
            rules=(
                *BASE,
                CONSENT,
                agreement.session_before_agreement,
                agreement.written_agreement_fields,
                agreement.agreement_binds_no_police,
                LATE_AGREEMENT,
            ),
            build=_drafted,
        ),
        c.SignAgreement: Decider(
            emits=ev.AgreementSigned,
            rules=(
                *BASE,
                CONSENT,
                agreement.signature_valid,
                agreement.minor_signed_by_guardian,
                agreement.signature_evidence_complete,
                LATE_AGREEMENT,
            ),
            build=_signed,
        ),
        c.TerminateCase: Decider(
            emits=ev.CaseTerminated,
            rules=(*BASE, terms.expiry_needs_expired_term, termination.termination_explained),
            build=_terminated,
        ),
        c.EndForProceedings: Decider(
            emits=ev.CaseTerminated,
            rules=(*BASE, PARTY, termination.proceedings_end_mediation),
            build=_proceedings,
        ),
        c.ApplyJudicialConfirmation: Decider(
            emits=ev.JudicialConfirmationApplied,
            rules=(*BASE, PARTY, confirmation.confirmation_window, confirmation.confirmation_excluded_subjects),
            build=_simple(ev.JudicialConfirmationApplied, "on", "applicant_ids", "court"),
        ),
        c.RecordJudicialConfirmation: Decider(
            emits=ev.JudicialConfirmationRuled,
            rules=(
                *BASE,
                confirmation.confirmation_ruling_follows_application,
                confirmation.court_case_number_well_formed,
            ),
            build=_ruled,
        ),
        c.RecordFollowUp: Decider(
            emits=ev.FollowUpRecorded, rules=(*BASE, PARTY, followup.follow_up_records_performance), build=_follow_up
        ),
        c.ArchiveCase: Decider(
            emits=ev.CaseArchived,
            rules=(
                *BASE,
                RECORD,
                archive.case_file_minimum,
                archive.case_file_policy_items,
                archive.follow_up_before_archive,
                escalation.escalation_reported,
            ),
            build=_archived,
        ),
        c.AnonymiseParties: Decider(
            emits=ev.PartiesAnonymised,
            rules=(*BASE, retention.retention_period_ended, retention.anonymised_once),
            build=_anonymised,
        ),
    }
)


CASES = Lifecycle(
    name="case",
    context=CaseContext,
    fold=FOLD,
    deciders=DECIDERS,
    stream_of=operator.attrgetter("case_id"),
    commands=c.COMMAND_TYPES,
)
"""The case's fold and deciders: what the service replays and decides."""


def violations(command: c.CaseCommand, state: CaseState | None, context: DecisionContext) -> list[Violation]:
    """Every rule the command would break, without deciding."""
    return CASES.violations(command, state, context)


def execute(
    command: c.CaseCommand, state: CaseState | None, context: DecisionContext
) -> tuple[list[ev.CaseEvent], CaseState]:
    """The events ``command`` produces on ``state`` and the state after them, or
    :class:`RuleViolationError` naming every broken rule."""
    return CASES.execute(command, state, context)


def decide(command: c.CaseCommand, state: CaseState | None, context: DecisionContext) -> list[ev.CaseEvent]:
    """The events ``command`` produces on ``state``, or :class:`RuleViolationError`."""
    return execute(command, state, context)[0]


def fold(state: CaseState | None, events: Sequence[ev.CaseEvent], *, case_id: str) -> CaseState:
    """Apply ``events`` in order; a decider bug surfaces here, never in storage."""
    state_after: CaseState = CASES.apply_all(state, events, case_id)
    return state_after
