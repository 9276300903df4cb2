"""One aggregate in one value: its fold and its deciders, decided by one loop.

Every aggregate — the case, the linkage records and the coordination records — declares a
:class:`~mediation_core.domain.kernel.fold.Fold` (its transition table and event handlers) and
per command a :class:`~mediation_core.domain.kernel.decider.Decider` whose first rule is the
aggregate's lifecycle rule. :class:`Lifecycle` runs every rule, reports all violations at once,
and folds the built events so that every event returned is one the table accepts. The
rulebook is read off these tables (:meth:`Lifecycle.rules`), never filled by imports.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
from attrs import field, frozen

from mediation_core.domain.errors import InvalidTransitionError, RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.kernel.rulebook import Rule, Violation, run_rules


@frozen(kw_only=True)
class Lifecycle:
    """An aggregate's fold and deciders.

    ``name`` is the code name its events are tagged with (``case``, ``police_case``,
    ``meeting`` …); ``stream_of(command)`` the stream a command addresses."""

    name: str
    fold: Fold[Any]
    deciders: Mapping[type, Decider]
    stream_of: Callable[[Any], str] = field(default=operator.attrgetter("stream_id"))
    commands: tuple[type, ...] = ()
    """The aggregate's command types, when declared apart: each must have a decider."""
    context: type[DecisionContext] = DecisionContext
    """What its decisions read: the common inputs, or a subclass adding what only this
    aggregate's decisions need (the shell looks those up)."""

    def __attrs_post_init__(self) -> None:
        undecided = set(self.commands) - set(self.deciders)
        if undecided:
            msg = f"{self.name}: no decider for {sorted(t.__name__ for t in undecided)}"
            raise RuntimeError(msg)
        stray = {c.__name__ for c, d in self.deciders.items() if d.emits not in self.fold.event_types}
        if stray:
            msg = f"{self.name}: {sorted(stray)} emit events no transition records"
            raise RuntimeError(msg)

    @property
    def command_types(self) -> tuple[type, ...]:
        return tuple(self.deciders)

    @property
    def event_types(self) -> tuple[type, ...]:
        return self.fold.event_types

    def evolve(self, state: Any, event: Any, stream_id: str) -> Any:
        """The state after ``event``; raises :class:`InvalidTransitionError` off the table."""
        return self.fold(state, event, stream_id)

    def replay(self, stream_id: str, events: Iterable[Any]) -> Any:
        return self.fold.replay(stream_id, events)

    def inputs(self, context: DecisionContext, **extra: Any) -> DecisionContext:
        """``context`` as this aggregate's decisions read it, with ``extra`` added; what is
        not given keeps the context type's default."""
        if type(context) is self.context and not extra:
            return context
        common = {f.name: getattr(context, f.name) for f in attrs.fields(DecisionContext)}
        return self.context(**{**common, **extra})

    def violations(self, command: Any, state: Any, context: DecisionContext) -> list[Violation]:
        """Every rule ``command`` would break. The first rule is the lifecycle rule: when it
        fails on a missing stream, the others (which read the state) are not run."""
        context = self.inputs(context) if not isinstance(context, self.context) else context
        decider = self.deciders[type(command)]
        found = list(run_rules(decider.rules[:1], command, state, context))
        if found and state is None:
            return found
        return found + list(run_rules(decider.rules[1:], command, state, context))

    def execute(self, command: Any, state: Any, context: DecisionContext) -> tuple[list[Any], Any]:
        """The events ``command`` records and the state after them, or
        :class:`RuleViolationError` naming every broken rule."""
        context = self.inputs(context) if not isinstance(context, self.context) else context
        broken = self.violations(command, state, context)
        if broken:
            raise RuleViolationError(broken)
        events = self.deciders[type(command)].build(command, state, context)
        return events, self.apply_all(state, events, self.stream_of(command))

    def apply_all(self, state: Any, events: Sequence[Any], stream_id: str) -> Any:
        """Apply ``events`` in order; a decider bug surfaces here, never in storage."""
        for event in events:
            state = self.fold(state, event, stream_id)
        if state is None:
            msg = "a command produced no events"
            raise InvalidTransitionError(msg)
        return state

    def rules(self) -> Iterator[Rule[Any, Any, Any]]:
        """Every rule of every decider, once each, in table order."""
        seen: set[str] = set()
        for decider in self.deciders.values():
            for each in decider.rules:
                if each.name not in seen:
                    seen.add(each.name)
                    yield each

    def table(self) -> Iterator[tuple[str, str, str]]:
        """(from, event, to) rows of the transition table, for docs."""
        return self.fold.table()


def blank(value: object) -> bool:
    """True for a missing or whitespace-only text."""
    return not isinstance(value, str) or not value.strip()
