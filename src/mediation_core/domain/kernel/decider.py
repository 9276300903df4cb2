"""The decider shape every aggregate shares: per command, its rules and its event builder.

An aggregate declares a table of :class:`Decider` entries and a lifecycle rule made by
:func:`lifecycle_rule` from its transition table; :func:`execute_with` runs every rule,
reports all violations at once, and folds the built events through the aggregate's
``evolve`` so that every event returned is one its transition table accepts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from attrs import frozen

from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.errors import InvalidTransitionError, RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import Rule, RuleKind, Violation, rule, run_rules


@frozen(kw_only=True)
class Decider:
    """How one command is decided: the event it mainly produces, its rules, its builder.

    ``choose``, when given, picks the main event from the command's data (a performance
    report is either "performed" or "not performed", and the two move the state differently)."""

    emits: type[DomainEvent]
    rules: tuple[Rule[Any, Any, Any], ...]
    build: Callable[[Any, Any, DecisionContext], list[Any]]
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
) -> Rule[Any, Any, DecisionContext]:
    """The rule that a command's main event fits the aggregate's transition table: a creating
    command needs no stream yet, every other command needs one in a state that allows it."""

    @rule(
        name,
        basis=basis,
        kind=RuleKind.HARD,
        zh=f"{what_zh}当前状态不允许此操作",
        en=f"the {what_en}'s state does not allow this command",
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


def violations_with(
    deciders: Mapping[type, Decider], command: Any, state: Any, context: DecisionContext
) -> list[Violation]:
    """Every rule ``command`` would break. The first rule is the lifecycle rule: when it fails
    on a missing stream, the others (which read the state) are not run."""
    decider = deciders[type(command)]
    found = list(run_rules(decider.rules[:1], command, state, context))
    if found and state is None:
        return found
    return found + list(run_rules(decider.rules[1:], command, state, context))


def execute_with(
    deciders: Mapping[type, Decider],
    command: Any,
    state: Any,
    context: DecisionContext,
    *,
    evolve: Callable[[Any, Any, str], Any],
    stream_id: str,
) -> tuple[list[Any], Any]:
    """The events ``command`` produces on ``state`` and the state after them, or
    :class:`RuleViolationError` naming every broken rule."""
    broken = violations_with(deciders, command, state, context)
    if broken:
        raise RuleViolationError(broken)
    events = deciders[type(command)].build(command, state, context)
    return events, fold_with(evolve, state, events, stream_id=stream_id)


def fold_with(evolve: Callable[[Any, Any, str], Any], state: Any, events: Sequence[Any], *, stream_id: str) -> Any:
    """Apply ``events`` in order; a decider bug surfaces here, never in storage."""
    for event in events:
        state = evolve(state, event, stream_id)
    if state is None:
        msg = "a command produced no events"
        raise InvalidTransitionError(msg)
    return state
