"""The mediation term: one month from acceptance, extended only with every party's consent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.commands import ExtendTerm, TerminateCase
from mediation_core.domain.case.outcomes import TerminationReason
from mediation_core.domain.case.rules.common import command_date
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule


@rule(
    "within_mediation_term",
    basis="人民调解工作若干规定 第33条; 宁波市人民调解条例 第27条",
    kind=RuleKind.POLICY,
    zh="调解期限届满未延长的，不得继续调解或达成协议，应终止调解",
    en="after the term ends without extension, mediation may not continue: terminate the case",
    section9=(14,),
)
def within_mediation_term(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    term = state.term
    found = command_date(cmd)
    if term is None or found is None:
        return
    name, on = found
    if on > term.due:
        yield within_mediation_term.violation(
            name, f"调解期限已于 {term.due.isoformat()} 届满", f"the term ended on {term.due.isoformat()}"
        )


@rule(
    "extension_needs_every_party",
    basis="宁波市人民调解条例 第27条; 地方人民调解条例 第36条 (S16; see docs/legal-basis.md §1.3.14)",
    kind=RuleKind.POLICY,
    zh="延长调解期限须经各方当事人同意，且不得超过政策规定的次数",
    en="extending the term needs every party's recorded consent, within the policy's limit",
    section9=(14,),
)
def extension_needs_every_party(cmd: ExtendTerm, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    missing = sorted(set(state.party_ids) - set(cmd.consenting_party_ids))
    if missing:
        yield extension_needs_every_party.violation(
            "consenting_party_ids", f"当事人 {', '.join(missing)} 未同意延长", f"{', '.join(missing)} did not consent"
        )
    if state.extensions >= ctx.policy.max_term_extensions:
        yield extension_needs_every_party.violation(
            "extensions",
            f"已延长{state.extensions}次，政策上限{ctx.policy.max_term_extensions}次",
            f"already extended {state.extensions} time(s); policy allows {ctx.policy.max_term_extensions}",
        )


@rule(
    "expiry_needs_expired_term",
    basis="人民调解工作若干规定 第33条",
    kind=RuleKind.HARD,
    zh="以期限届满为由终止调解的，调解期限须已届满",
    en="terminating for an expired term needs a term that has ended",
)
def expiry_needs_expired_term(cmd: TerminateCase, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    term = state.term
    if cmd.reason is TerminationReason.TIME_LIMIT_EXPIRED and (term is None or cmd.on <= term.due):
        yield expiry_needs_expired_term.violation("reason", "调解期限尚未届满", "the mediation term has not ended yet")
