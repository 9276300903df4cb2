"""Termination (终止调解): a reason, and always the notice of other routes."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.domain.case.commands import TerminateCase
from mediation_core.domain.case.outcomes import TerminationReason
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
