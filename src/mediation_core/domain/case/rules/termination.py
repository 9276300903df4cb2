"""Termination (终止调解): a reason, and always the notice of other routes."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.domain.case.commands import EndForProceedings, TerminateCase
from mediation_core.domain.case.outcomes import PROCEEDINGS_REASONS, TerminationReason
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule


@rule(
    "termination_explained",
    basis="宁波市人民调解条例 第23条",
    kind=RuleKind.STANDARD,
    zh="以“其他”理由终止调解的，须说明具体情况",
    en="a termination for 'other' reasons explains them",
)
def termination_explained(cmd: TerminateCase, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.reason is TerminationReason.OTHER and not cmd.note.strip():
        yield termination_explained.violation("note")


@rule(
    "proceedings_end_mediation",
    basis="人民调解法（2010）第3条第3项、第23条第2项; 人民调解工作若干规定（2002） (article unconfirmed; "
    "see docs/legal-basis.md §1.3.19)",
    kind=RuleKind.HARD,
    zh="当事人在调解中向人民法院起诉或申请仲裁的，终止调解并出具终止人民调解告知书；途径须为诉讼或仲裁",
    en="a party who sues or applies for arbitration during mediation ends it with the termination notice; "
    "the route is litigation or arbitration",
)
def proceedings_end_mediation(cmd: EndForProceedings, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.route.value not in PROCEEDINGS_REASONS:
        yield proceedings_end_mediation.violation(
            "route", "途径须为诉讼或仲裁", "the route must be litigation or arbitration"
        )
