"""公调对接 itself: what one aggregate's decision entails for another.

Each function reads a decided command, the events it produced and the stream's new state,
and returns the commands other streams must decide in the same unit of work (DESIGN §2.1,
§2.2): accepting a referral opens its case; a concluded case reports back (反馈) to its
referral, and an entrusted one also reports performance; a referral passes the result on to
the stream that issued it. Pure: the service runs the returned commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mediation_core.domain import commands as cc
from mediation_core.domain import events as ce
from mediation_core.domain.case import CaseState
from mediation_core.domain.ledger import Outcome
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral import events as re
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.sources import ReferralMode


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
    """Accepting a referral registers and accepts its case (numbered) on the same day."""
    out: list[Any] = []
    for event in events:
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
                ),
                cc.AcceptCase(case_id=event.case_id, on=event.on),
            ]
    return out
