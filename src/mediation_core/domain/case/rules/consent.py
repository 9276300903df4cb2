"""Voluntariness: the consent gate, invited participants, and publicity (人民调解法 arts. 17, 20, 23)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.commands import HoldSession, InviteParticipant
from mediation_core.domain.case.rules.common import text_required
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule


@rule(
    "consent_gate",
    basis="人民调解法 第17条、第23条",
    kind=RuleKind.HARD,
    zh="当事人一方明确拒绝调解的，不得调解",
    en="no mediation while a party's explicit refusal stands",
    section9=(1,),
)
def consent_gate(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    for party_id in sorted(state.refusals):
        yield consent_gate.violation(
            f"parties[{party_id}]", f"当事人 {party_id} 已明确拒绝调解", f"party {party_id} has refused mediation"
        )


@rule(
    "rights_notified_first",
    basis="人民调解工作若干规定 第30条 (see docs/legal-basis.md §1.3.13)",
    kind=RuleKind.HARD,
    zh="调解前须告知当事人权利义务",
    en="the parties must be told their rights and duties before mediation starts",
)
def rights_notified_first(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if not state.rights_notified:
        yield rights_notified_first.violation("rights_notified")


@rule(
    "invitees_need_consent",
    basis="人民调解法 第20条",
    kind=RuleKind.HARD,
    zh="邀请当事人亲属、邻里等参与调解，须经当事人同意",
    en="invited participants need the consent of every party",
)
def invitees_need_consent(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if isinstance(cmd, InviteParticipant):
        yield from text_required(cmd, ("name", "relation"), invitees_need_consent)
        missing = sorted(set(state.party_ids) - set(cmd.consenting_party_ids))
        if missing:
            yield invitees_need_consent.violation(
                "consenting_party_ids",
                f"未经当事人 {', '.join(missing)} 同意",
                f"parties {', '.join(missing)} have not consented",
            )
    elif isinstance(cmd, HoldSession):
        for i, name in enumerate(cmd.invitees):
            if name not in state.invitees:
                yield invitees_need_consent.violation(
                    f"invitees[{i}]", f"{name} 未经当事人同意邀请", f"{name} was not invited with the parties' consent"
                )


@rule(
    "publicity_choice",
    basis="人民调解法（2010）第23条; 人民调解工作若干规定（2002）第29条",
    kind=RuleKind.HARD,
    zh="当事人要求不公开调解的，不得公开进行",
    en="a session is public only if no party asked for it to be private",
    section9=(40,),
)
def publicity_choice(cmd: HoldSession, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.public and cmd.private_requested_by:
        yield publicity_choice.violation(
            "public",
            f"当事人 {', '.join(cmd.private_requested_by)} 要求不公开",
            f"{', '.join(cmd.private_requested_by)} asked for a private session",
        )


@rule(
    "confidential_never_public",
    basis="人民调解工作若干规定（2002）第29条 (涉及当事人的隐私、商业秘密的除外; see docs/legal-basis.md §1.3.17)",
    kind=RuleKind.HARD,
    zh="涉及当事人隐私或者商业秘密的纠纷，不得公开调解",
    en="a dispute involving a party's privacy or trade secrets is never mediated in public",
    section9=(40,),
)
def confidential_never_public(cmd: HoldSession, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.public and (state.confidential or cmd.confidential):
        yield confidential_never_public.violation(
            "public",
            "纠纷涉及当事人隐私或商业秘密，不得公开调解",
            "the dispute involves privacy or trade secrets: the session cannot be public",
        )
