"""The fold every aggregate shares: ``(state or None, event) → state`` from one transition table.

An aggregate declares its table ``(status or None, event type) → status`` — the creating event
keyed by ``None`` — and one handler per other event returning the field changes it makes;
:class:`Fold` checks, when the module loads, that no event type lacks a handler (a new event
cannot be forgotten) and refuses every event the table does not allow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, Protocol, TypeVar

import attrs
from attrs import field, frozen

from mediation_core.domain.errors import InvalidTransitionError


class Folded(Protocol):
    """What the fold reads of a state: its status and version."""

    @property
    def status(self) -> Any: ...
    @property
    def version(self) -> int: ...


S = TypeVar("S", bound=Folded)


@frozen(kw_only=True)
class Fold(Generic[S]):
    """One aggregate's transition table and event handlers.

    ``noun`` names the aggregate in errors ("case", "治安 case"); ``start(stream_id, event)``
    builds the state a creating event makes; ``apply[event type](state, event)`` returns the
    field changes of every other event."""

    noun: str
    transitions: Mapping[tuple[Any, type], Any]
    start: Callable[[str, Any], S]
    apply: Mapping[type, Callable[[S, Any], dict[str, Any]]]
    event_types: tuple[type, ...] = field()

    @event_types.default
    def _events(self) -> tuple[type, ...]:
        return tuple(dict.fromkeys(e for _, e in self.transitions))

    def __attrs_post_init__(self) -> None:
        missing = set(self.event_types) - set(self.apply) - set(self.creating)
        if missing:
            msg = f"{self.noun}: evolve has no handler for {sorted(t.__name__ for t in missing)}"
            raise RuntimeError(msg)

    @property
    def creating(self) -> tuple[type, ...]:
        """The events that open a stream (the table's rows from ``None``)."""
        return tuple(e for s, e in self.transitions if s is None)

    def __call__(self, state: S | None, event: Any, stream_id: str) -> S:
        """The state after ``event``; :class:`InvalidTransitionError` for one the table does not allow."""
        if state is None:
            after = self.transitions.get((None, type(event)))
            if after is None:
                msg = f"{type(event).__name__} before the {self.noun} exists"
                raise InvalidTransitionError(msg)
            return attrs.evolve(self.start(stream_id, event), status=after, version=1)  # type: ignore[misc]  # every fold state is a frozen attrs class
        if isinstance(event, self.creating):
            msg = f"the {self.noun} already exists"
            raise InvalidTransitionError(msg)
        after = self.transitions.get((state.status, type(event)))
        if after is None:
            msg = f"{type(event).__name__} is not allowed when the {self.noun} is {state.status.value}"
            raise InvalidTransitionError(msg)
        changes = self.apply[type(event)](state, event)
        return attrs.evolve(state, status=after, version=state.version + 1, **changes)  # type: ignore[misc]

    def replay(self, stream_id: str, events: Iterable[Any]) -> S | None:
        """Fold a stream into its state; ``None`` for an empty stream."""
        state: S | None = None
        for event in events:
            state = self(state, event, stream_id)
        return state

    def table(self) -> Iterator[tuple[str, str, str]]:
        """(from, event, to) rows of the transition table, for docs."""
        for (before, event), after in self.transitions.items():
            yield (before.value if before is not None else "(new)", event.__name__, after.value)
