"""Archiving (立卷归档): only a complete file closes (人民调解法 art. 27; docs/legal-basis.md §5.1.3)."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.domain.case.commands import ArchiveCase
from mediation_core.domain.case.state import CaseState, CaseStatus
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.values.casefile import STATUTORY_MINIMUM, CaseFileItem


def outcome_item(state: CaseState) -> CaseFileItem:
    """The item that records how the case ended."""
    return CaseFileItem.AGREEMENT if state.agreement is not None else CaseFileItem.TERMINATION_RECORD


@rule(
    "case_file_minimum",
    basis="人民调解法 第27条",
    kind=RuleKind.HARD,
    zh="卷宗至少包括登记材料、调解记录和调解协议或终止记录",
    en="the file holds at least the registration, the mediation record and the agreement or termination record",
    section9=(13,),
)
def case_file_minimum(cmd: ArchiveCase, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    for item in sorted(STATUTORY_MINIMUM | {outcome_item(state)}, key=list(CaseFileItem).index):
        if item not in state.documents:
            yield case_file_minimum.violation(
                f"documents.{item.value}",
                f"卷宗缺少{item.title_zh}",
                f"the file lacks the {item.value.replace('_', ' ')}",
            )


@rule(
    "case_file_policy_items",
    basis="卷宗目录 (县级卷宗模板; see docs/legal-basis.md §5.1.3)",
    kind=RuleKind.POLICY,
    zh="卷宗须包括政策规定的全部必备材料",
    en="the file holds every item the county's policy requires",
    section9=(13,),
)
def case_file_policy_items(cmd: ArchiveCase, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    for item in ctx.policy.archive_required_items:
        if item not in state.documents and item not in STATUTORY_MINIMUM:
            yield case_file_policy_items.violation(
                f"documents.{item.value}",
                f"卷宗缺少{item.title_zh}",
                f"the file lacks the {item.value.replace('_', ' ')}",
            )
    if cmd.retention_years is not None and cmd.retention_years < 1:
        yield case_file_policy_items.violation(
            "retention_years", "保管期限至少1年", "the retention period is at least one year"
        )


@rule(
    "follow_up_before_archive",
    basis="卷宗评查标准「回访及时」 (县级实践; see docs/legal-basis.md §5.1.4)",
    kind=RuleKind.POLICY,
    zh="达成协议的案件须回访后方可归档",
    en="an agreed case is archived only after a follow-up visit",
)
def follow_up_before_archive(cmd: ArchiveCase, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if ctx.policy.follow_up_required_for_archive and state.status is CaseStatus.AGREED:
        yield follow_up_before_archive.violation("follow_ups", "尚未回访", "no follow-up visit recorded")
