"""The mediation term: one calendar month from acceptance, extended only with every party's
consent. An agreement after the term is explained and warned about, never refused ("一般")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.commands import (
    DraftWrittenAgreement,
    ExtendTerm,
    ReachOralAgreement,
    SignAgreement,
    TerminateCase,
)
from mediation_core.domain.case.outcomes import TerminationReason
from mediation_core.domain.case.rules.common import command_date
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule


@rule(
    "within_mediation_term",
    basis=(
        "人民调解工作若干规定 第33条 (2002年司法部令第75号); 宁波市人民调解条例 第27条; 期限按民法典 第202条、第203条 "
        "(2020年) 计算; see docs/legal-basis.md §1.3.14, §1.5"
    ),
    kind=RuleKind.POLICY,
    zh="调解期限届满未延长的，不得开始调解、召开调解会或延长期限，应终止调解；届满后达成协议的须记录超期说明",
    en="after the term ends without extension, mediation may not start, hold sessions or be extended: "
    "terminate the case; an agreement after the term needs a recorded explanation instead",
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
    basis=(
        "人民调解工作若干规定 第33条 (2002年司法部令第75号); 民法典 第202条、第203条 (2020年); "
        "see docs/legal-basis.md §1.5"
    ),
    kind=RuleKind.HARD,
    zh="以期限届满为由终止调解的，调解期限须已届满",
    en="terminating for an expired term needs a term that has ended",
)
def expiry_needs_expired_term(cmd: TerminateCase, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    term = state.term
    if cmd.reason is TerminationReason.TIME_LIMIT_EXPIRED and (term is None or cmd.on <= term.due):
        yield expiry_needs_expired_term.violation("reason", "调解期限尚未届满", "the mediation term has not ended yet")


def term_passed(on: dt.date, state: CaseState) -> dt.date | None:
    """The day the mediation term ended when ``on`` is after it, else ``None``."""
    term = state.term
    return term.due if term is not None and on > term.due else None


@rule(
    "agreement_after_term_explained",
    basis=(
        "人民调解工作若干规定 第33条 (2002年司法部令第75号: 「一般在一个月内调结」); 民法典 第202条、第203条 (2020年); "
        "see docs/legal-basis.md §1.3.14, §1.5"
    ),
    kind=RuleKind.POLICY,
    zh="调解期限届满后达成、制作或签署调解协议的，不予拒绝，但须记录超期说明，并在卷中留下超期提示",
    en="an agreement reached, drafted or signed after the mediation term is not refused, but it needs a "
    "recorded explanation and leaves a warning in the case file",
    section9=(14,),
)
def agreement_after_term_explained(
    cmd: ReachOralAgreement | DraftWrittenAgreement | SignAgreement, state: CaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    ended = term_passed(cmd.on, state)
    if ended is not None and not cmd.late_explanation.strip():
        yield agreement_after_term_explained.violation(
            "late_explanation",
            f"调解期限已于 {ended.isoformat()} 届满，超期达成协议须说明原因",
            f"the term ended on {ended.isoformat()}: explain why the agreement comes after it",
        )
