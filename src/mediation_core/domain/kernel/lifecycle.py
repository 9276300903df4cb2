"""One aggregate's parts in one value, for the coordination records: statistical returns,
standing meetings, evaluations, misconduct findings, training sessions and inspections.

Each is event-sourced like the case and the referral: frozen events with stable tags, one
transition table ``(status or None, event type) → status``, and per command a
:class:`~mediation_core.domain.kernel.decider.Decider` whose first rule is the aggregate's
lifecycle rule. :class:`Lifecycle` adds the pure ``evolve`` from the table and the event
handlers, and runs decisions through the shared :func:`execute_with`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs
from attrs import field, frozen

from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.errors import InvalidTransitionError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, execute_with


@frozen(kw_only=True)
class Lifecycle:
    """One aggregate's transition table, event handlers and deciders.

    ``start(stream_id, event)`` builds the state its creating event makes; ``apply[event type]``
    returns the field changes any other event makes. Commands carry their ``stream_id``."""

    name: str
    transitions: Mapping[tuple[Any, type], Any]
    start: Callable[[str, Any], Any]
    apply: Mapping[type[DomainEvent], Callable[[Any, Any], dict[str, Any]]]
    deciders: Mapping[type, Decider]
    event_types: tuple[type[DomainEvent], ...] = field()

    @event_types.default
    def _events(self) -> tuple[type[DomainEvent], ...]:
        return tuple(dict.fromkeys(e for _, e in self.transitions))

    def __attrs_post_init__(self) -> None:
        creating = {e for (s, e) in self.transitions if s is None}
        missing = set(self.event_types) - creating - set(self.apply)
        if missing:
            msg = f"{self.name}: no handler for {sorted(t.__name__ for t in missing)}"
            raise RuntimeError(msg)
        stray = {c.__name__ for c, d in self.deciders.items() if d.emits not in self.event_types}
        if stray:
            msg = f"{self.name}: {sorted(stray)} emit events no transition records"
            raise RuntimeError(msg)

    @property
    def command_types(self) -> tuple[type, ...]:
        return tuple(self.deciders)

    def evolve(self, state: Any, event: DomainEvent, stream_id: str) -> Any:
        """The state after ``event``; raises :class:`InvalidTransitionError` off the table."""
        status = state.status if state is not None else None
        after = self.transitions.get((status, type(event)))
        if after is None:
            where = f"the {self.name} is {status.value}" if status is not None else f"there is no {self.name}"
            msg = f"{type(event).__name__} is not allowed when {where}"
            raise InvalidTransitionError(msg)
        if state is None:
            return attrs.evolve(self.start(stream_id, event), status=after, version=1)
        changes = self.apply[type(event)](state, event)
        return attrs.evolve(state, status=after, version=state.version + 1, **changes)

    def replay(self, stream_id: str, events: Sequence[DomainEvent]) -> Any:
        state = None
        for event in events:
            state = self.evolve(state, event, stream_id)
        return state

    def execute(self, command: Any, state: Any, context: DecisionContext) -> tuple[list[Any], Any]:
        """The events ``command`` records and the state after them, or ``RuleViolationError``."""
        return execute_with(self.deciders, command, state, context, evolve=self.evolve, stream_id=command.stream_id)

    def table(self) -> Iterator[tuple[str, str, str]]:
        """(from, event, to) rows of the transition table, for docs."""
        for (before, event), after in self.transitions.items():
            yield (before.value if before is not None else "(new)", event.__name__, after.value)


def blank(value: object) -> bool:
    """True for a missing or whitespace-only text."""
    return not isinstance(value, str) or not value.strip()
