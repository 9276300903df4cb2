"""``execute(command, state, context)`` for referrals: every rule, all violations at once."""

from __future__ import annotations

import operator
from typing import Any

from mediation_core.domain.case.rules import common, intake
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.referral import commands as c
from mediation_core.domain.referral import events as ev
from mediation_core.domain.referral import rules as r
from mediation_core.domain.referral.letters import Addressee, DeclinationLetter
from mediation_core.domain.referral.state import FOLD, TRANSITIONS, ReferralState
from mediation_core.domain.values.deadlines import DeadlineKind, calendar_deadline, working_day_deadline
from mediation_core.domain.values.sources import ReferralMode

ACKNOWLEDGEMENT_BASIS = "移送/委托函签收 (地方实践; see docs/legal-basis.md §3.7; Policy.referral_ack_working_days)"
FEEDBACK_BASIS = "宁波市人民调解条例 第19条 (及时反馈); Policy.entrustment_feedback_days"


def letter_number(cmd: c.IssueReferral, ctx: DecisionContext) -> str:
    """The letter's own number, or the station's next gap-free one."""
    if cmd.letter_number or ctx.sequence is None:
        return cmd.letter_number
    station = ctx.registry.org(cmd.issuer_id)
    return ctx.policy.referral_letter_number(
        station_code=(station.code if station else "") or cmd.issuer_id,
        mode=cmd.mode,
        year=cmd.issued_on.year,
        seq=ctx.sequence,
    )


def _issued(cmd: c.IssueReferral, state: None, ctx: DecisionContext) -> list[ev.ReferralEvent]:
    station = ctx.registry.org(cmd.issuer_id)
    acknowledgement = working_day_deadline(
        DeadlineKind.REFERRAL_ACKNOWLEDGEMENT,
        start=cmd.issued_on,
        days=ctx.policy.referral_ack_working_days,
        basis=ACKNOWLEDGEMENT_BASIS,
        policy=ctx.policy,
        calendar=ctx.calendar,
    )
    return [
        ev.ReferralIssued(
            room_id=cmd.room_id,
            source=cmd.source,
            mode=cmd.mode,
            issuer_id=cmd.issuer_id,
            issuer_name=cmd.issuer_name or (station.name if station else cmd.issuer_id),
            letter_number=letter_number(cmd, ctx),
            signed_by=cmd.signed_by,
            issued_on=cmd.issued_on,
            category=cmd.category,
            cause=cmd.cause,
            facts=cmd.facts,
            parties=cmd.parties,
            consents=cmd.consents,
            acknowledgement=acknowledgement,
            amount_involved=cmd.amount_involved,
            police_case_number=cmd.police_case_number,
            insurers=cmd.insurers,
            origin=cmd.origin if isinstance(cmd, c.IssueLinkedReferral) else None,
        )
    ]


def _late(state: ReferralState, kind: DeadlineKind, on: Any) -> bool:
    pending = state.deadlines.get(kind)
    return pending is not None and on > pending.due


def _accepted(cmd: c.AcceptReferral, state: ReferralState, ctx: DecisionContext) -> list[ev.ReferralEvent]:
    feedback_due = None
    if state.mode is ReferralMode.ENTRUSTMENT:
        feedback_due = calendar_deadline(
            DeadlineKind.REFERRAL_FEEDBACK,
            cmd.on,
            ctx.policy.entrustment_feedback_days,
            basis=FEEDBACK_BASIS,
            policy=ctx.policy,
        )
    return [
        ev.ReferralAccepted(
            on=cmd.on,
            case_id=cmd.case_id,
            consents=cmd.consents,
            late=_late(state, DeadlineKind.REFERRAL_ACKNOWLEDGEMENT, cmd.on),
            feedback_due=feedback_due,
        )
    ]


def decline_letter_number(cmd: c.DeclineReferral, state: ReferralState, ctx: DecisionContext | None) -> str:
    """The room's own gap-free number for its 不予调解函 ("" when no sequence was drawn)."""
    if ctx is None or ctx.sequence is None:
        return ""
    room = ctx.registry.org(state.room_id)
    return ctx.policy.decline_letter_number(
        room_code=(room.code if room else "") or state.room_id, year=cmd.on.year, seq=ctx.sequence
    )


def declination_letter(
    cmd: c.DeclineReferral, state: ReferralState, ctx: DecisionContext | None = None
) -> DeclinationLetter:
    """不予调解函 to every party and to the referrer (§9 rule 39)."""
    note = f"（{cmd.note.strip()}）" if cmd.note.strip() else ""
    text = (
        f"{state.issuer_name}、各方当事人：{state.issuer_name}{state.letter_number}"
        f"{state.mode.title_zh}的“{state.cause}”一案，经本委员会审查，属于{cmd.reason.title_zh}{note}，"
        "决定不予调解。当事人可以依法通过其他途径解决。"
    )
    addressees = (
        *(Addressee(name=p.name, party_id=p.party_id) for p in state.parties),
        Addressee(name=state.issuer_name, org_id=state.issuer_id),
    )
    return DeclinationLetter(
        referral_letter=state.letter_number,
        reason=cmd.reason,
        text=text,
        addressees=addressees,
        on=cmd.on,
        number=decline_letter_number(cmd, state, ctx),
    )


def _declined(cmd: c.DeclineReferral, state: ReferralState, ctx: DecisionContext) -> list[ev.ReferralEvent]:
    late = _late(state, DeadlineKind.REFERRAL_ACKNOWLEDGEMENT, cmd.on)
    return [ev.ReferralDeclined(on=cmd.on, letter=declination_letter(cmd, state, ctx), late=late)]


def _returned(cmd: c.ReturnReferral, state: ReferralState, ctx: DecisionContext) -> list[ev.ReferralEvent]:
    late = _late(state, DeadlineKind.REFERRAL_ACKNOWLEDGEMENT, cmd.on)
    return [ev.ReferralReturned(on=cmd.on, reason=cmd.reason, late=late)]


def _withdrawn(cmd: c.WithdrawReferral, state: ReferralState, ctx: DecisionContext) -> list[ev.ReferralEvent]:
    return [ev.ReferralWithdrawn(on=cmd.on, reason=cmd.reason)]


def _outcome(cmd: c.ReportReferralOutcome, state: ReferralState, ctx: DecisionContext) -> list[ev.ReferralEvent]:
    return [
        ev.ReferralOutcomeReported(
            on=cmd.on,
            case_id=cmd.case_id,
            outcome=cmd.outcome,
            agreement_form=cmd.agreement_form,
            termination_reason=cmd.termination_reason,
            late=_late(state, DeadlineKind.REFERRAL_FEEDBACK, cmd.on),
        )
    ]


def _performance(
    cmd: c.ReportReferralPerformance, state: ReferralState, ctx: DecisionContext
) -> list[ev.ReferralEvent]:
    return [ev.ReferralPerformanceReported(on=cmd.on, case_id=cmd.case_id, performance=cmd.performance)]


DECIDERS: dict[type[c.ReferralCommand], Decider] = {}

lifecycle = lifecycle_rule(
    "referral_lifecycle",
    what_zh="移送/委托",
    what_en="referral",
    id_field="referral_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=ev.ReferralIssued,
    basis="移送/委托流程 (transition table of mediation_core.domain.referral.state)",
)

BASE = (lifecycle, common.date_not_in_future, r.referral_date_order)
ISSUE = (
    lifecycle,
    common.date_not_in_future,
    intake.room_known,
    intake.category_known,
    r.referral_source_and_mode,
    r.referral_issuer_known,
    r.referral_letter_complete,
    intake.two_sides,
    intake.resident_id_valid,
    intake.phone_valid,
    intake.credit_code_valid,
    intake.minor_has_guardian,
    intake.representatives_at_most_five,
    r.consent_evidence_valid,
)

DECIDERS.update(
    {
        c.IssueReferral: Decider(emits=ev.ReferralIssued, rules=ISSUE, build=_issued),
        c.IssueLinkedReferral: Decider(emits=ev.ReferralIssued, rules=ISSUE, build=_issued),
        c.AcceptReferral: Decider(
            emits=ev.ReferralAccepted,
            rules=(
                *BASE,
                intake.acceptance_not_excluded,
                r.referral_matter_not_excluded,
                r.consent_evidence_valid,
                r.every_party_consents,
                r.consent_on_record,
            ),
            build=_accepted,
        ),
        c.DeclineReferral: Decider(emits=ev.ReferralDeclined, rules=(*BASE, r.referral_reason_given), build=_declined),
        c.ReturnReferral: Decider(emits=ev.ReferralReturned, rules=(*BASE, r.referral_reason_given), build=_returned),
        c.WithdrawReferral: Decider(
            emits=ev.ReferralWithdrawn, rules=(*BASE, r.referral_reason_given), build=_withdrawn
        ),
        c.ReportReferralOutcome: Decider(
            emits=ev.ReferralOutcomeReported, rules=(*BASE, r.feedback_for_linked_case), build=_outcome
        ),
        c.ReportReferralPerformance: Decider(
            emits=ev.ReferralPerformanceReported, rules=(*BASE, r.feedback_for_linked_case), build=_performance
        ),
    }
)


REFERRALS = Lifecycle(
    name="referral",
    fold=FOLD,
    deciders=DECIDERS,
    stream_of=operator.attrgetter("referral_id"),
    commands=c.COMMAND_TYPES,
)
"""The referral's fold and deciders: what the service replays and decides."""


execute = REFERRALS.execute
"""``execute(command, state, context)``: the events and the state after them, or ``RuleViolationError``."""
