"""Mediator assignment and recusal (人民调解法 art. 19; 若干规定, docs/legal-basis.md §1.3.12)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.commands import AssignMediator, HoldSession, RecordInvestigation, RequestRecusal
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule


def mediator_fields(cmd: Any) -> list[tuple[str, str]]:
    """The (field, mediator id) pairs a command names."""
    if isinstance(cmd, AssignMediator):
        return [("mediator_id", cmd.mediator_id)]
    if isinstance(cmd, RecordInvestigation):
        return [("investigator_id", cmd.investigator_id)]
    if isinstance(cmd, HoldSession):
        return [(f"mediator_ids[{i}]", m) for i, m in enumerate(cmd.mediator_ids)]
    return []


@rule(
    "mediator_of_room",
    basis="人民调解法 第13条、第19条",
    kind=RuleKind.STANDARD,
    zh="调解员须为本调解室的调解员",
    en="the mediator must belong to the case's room",
)
def mediator_of_room(cmd: AssignMediator, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    mediator = ctx.registry.mediators.get(cmd.mediator_id)
    if mediator is None or mediator.room_id != state.room_id:
        yield mediator_of_room.violation(
            "mediator_id",
            f"{cmd.mediator_id} 不是本调解室的调解员",
            f"{cmd.mediator_id} is not a mediator of room {state.room_id}",
        )


@rule(
    "recused_never_active",
    basis="人民调解工作若干规定; 乌鲁木齐市人民调解工作条例 第27条",
    kind=RuleKind.HARD,
    zh="已回避的调解员不得再参与本案调解",
    en="a recused mediator is never active on the case again",
    section9=(10,),
)
def recused_never_active(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    for field, mediator_id in mediator_fields(cmd):
        if mediator_id in state.recused:
            yield recused_never_active.violation(field, f"{mediator_id} 已回避", f"{mediator_id} was recused")


@rule(
    "mediators_active",
    basis="人民调解法 第19条",
    kind=RuleKind.HARD,
    zh="主持调解、调查的须为本案在任调解员",
    en="sessions and investigations are run by mediators assigned to the case",
)
def mediators_active(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if isinstance(cmd, HoldSession) and not cmd.mediator_ids:
        yield mediators_active.violation("mediator_ids", "须有调解员主持", "a mediator must preside")
    if isinstance(cmd, AssignMediator):
        return
    for field, mediator_id in mediator_fields(cmd):
        if mediator_id not in state.mediators and mediator_id not in state.recused:
            yield mediators_active.violation(
                field, f"{mediator_id} 未被指派本案", f"{mediator_id} is not assigned to the case"
            )


@rule(
    "presiding_mediator_assigned",
    basis="人民调解法 第19条",
    kind=RuleKind.HARD,
    zh="开始调解前须指定主持调解员",
    en="a presiding mediator must be assigned before mediation starts",
)
def presiding_mediator_assigned(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if state.presiding is None:
        yield presiding_mediator_assigned.violation("presiding")


@rule(
    "recusal_of_assigned_mediator",
    basis="人民调解工作若干规定 (回避; see docs/legal-basis.md §1.3.12)",
    kind=RuleKind.HARD,
    zh="当事人只能申请本案在任调解员回避",
    en="a party may ask for the recusal of a mediator assigned to the case",
)
def recusal_of_assigned_mediator(cmd: RequestRecusal, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.mediator_id not in state.mediators:
        yield recusal_of_assigned_mediator.violation(
            "mediator_id", f"{cmd.mediator_id} 不是本案在任调解员", f"{cmd.mediator_id} is not assigned to the case"
        )
