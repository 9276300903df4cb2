"""The decider shape every aggregate shares: per command, its rules and its event builder.

An aggregate declares a table of :class:`Decider` entries whose first rule is its lifecycle
rule, made by :func:`lifecycle_rule` from its transition table;
:class:`~mediation_core.domain.kernel.lifecycle.Lifecycle` runs them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from attrs import frozen

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.rulebook import Rule, RuleKind, Violation, rule


@frozen(kw_only=True)
class Decider:
    """How one command is decided: the event it mainly produces, its rules, its builder.

    ``build`` reads the aggregate's own context type (the common
    :class:`~mediation_core.domain.kernel.context.DecisionContext` or a subclass). ``choose``,
    when given, picks the main event from the command's data (a performance report is either
    "performed" or "not performed", and the two move the state differently)."""

    emits: type[DomainEvent]
    rules: tuple[Rule[Any, Any, Any], ...]
    build: Callable[[Any, Any, Any], list[Any]]
    choose: Callable[[Any], type[DomainEvent]] | None = None

    def main_event(self, command: Any) -> type[DomainEvent]:
        """The event whose transition decides whether ``command`` is allowed."""
        return self.choose(command) if self.choose is not None else self.emits


class _HasStatus(Protocol):
    @property
    def status(self) -> enum.Enum: ...


def lifecycle_rule(
    name: str,
    *,
    what_zh: str,
    what_en: str,
    id_field: str,
    deciders: Mapping[type, Decider],
    transitions: Mapping[tuple[Any, type], Any],
    creating: type[DomainEvent],
    basis: str,
    summary_en: str = "",
) -> Rule[Any, Any, DecisionContext]:
    """The rule that a command's main event fits the aggregate's transition table: a creating
    command needs no stream yet, every other command needs one in a state that allows it."""

    @rule(
        name,
        basis=basis,
        kind=RuleKind.HARD,
        zh=f"{what_zh}当前状态不允许此操作",
        en=summary_en or f"the {what_en}'s state does not allow this command",
    )
    def check(cmd: Any, state: _HasStatus | None, ctx: DecisionContext) -> Iterator[Violation]:
        emits = deciders[type(cmd)].main_event(cmd)
        if state is None:
            if emits is not creating:
                yield check.violation(id_field, f"{what_zh}不存在", f"the {what_en} does not exist")
            return
        if (state.status, emits) not in transitions:
            status: Any = state.status
            title = getattr(status, "title_zh", status.value)
            yield check.violation(
                "status",
                f"{what_zh}状态为「{title}」，不能执行 {type(cmd).__name__}",
                f"{type(cmd).__name__} is not allowed when the {what_en} is {status.value}",
            )

    return check
