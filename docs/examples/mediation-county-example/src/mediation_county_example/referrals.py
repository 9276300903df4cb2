"""The county's diversion rule for referrals (示范县矛盾纠纷分流办法 第5条): land requisition and
demolition disputes, and disputes over 100,000 yuan, go to the district coordination centre,
which assigns them; a station's room does not accept them directly.

A local rule adds violations; it can never remove the legal ones, and it only applies where the
county's policy is in force."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from mediation_core.plugins import AcceptReferral, CheckInputs, ReferralState, Violation
from mediation_county_example import POLICY_ID

RULE = "county_diversion"
BASIS = "示范县矛盾纠纷分流办法 第5条"
CENTRE_CATEGORIES = frozenset({"land_requisition"})
CENTRE_AMOUNT = Decimal(100_000)


def diversion(referral: ReferralState, acceptance: AcceptReferral, inputs: CheckInputs) -> Iterator[Violation]:
    if inputs.policy.policy_id != POLICY_ID:
        return
    if referral.category in CENTRE_CATEGORIES:
        yield Violation(
            rule=RULE,
            field="category",
            basis=BASIS,
            message_zh="征地拆迁纠纷由区矛盾纠纷多元化解协调中心分流，调解室不直接受理",
            message_en="land requisition disputes are assigned by the coordination centre, not accepted by a room",
        )
    if referral.amount_involved > CENTRE_AMOUNT:
        yield Violation(
            rule=RULE,
            field="amount_involved",
            basis=BASIS,
            message_zh=f"涉及金额{referral.amount_involved}元超过十万元，由协调中心分流",
            message_en=f"{referral.amount_involved} yuan is over 100,000: the coordination centre assigns it",
        )
