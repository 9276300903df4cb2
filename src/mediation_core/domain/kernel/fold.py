"""The fold every linkage aggregate shares: a creating event, a transition table and one
handler per other event.

The case, the referral, the 治安 case, the 110 dispatch and the traffic record each declare
their table and handlers; :class:`Fold` turns them into the pure ``evolve`` and checks, when
the module loads, that no event type lacks a handler (a new event cannot be forgotten).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

import attrs
from attrs import frozen

from mediation_core.domain.errors import InvalidTransitionError


class Folded(Protocol):
    """What the fold reads of a state: its status and version."""

    @property
    def status(self) -> Any: ...
    @property
    def version(self) -> int: ...


S = TypeVar("S", bound=Folded)


@frozen
class Fold(Generic[S]):
    """``(state or None, event) → state`` from a transition table.

    ``noun`` names the aggregate in errors ("case", "治安 case"); ``start(stream_id, event)``
    builds the state the ``creating`` event makes; ``apply[event type](state, event)`` returns
    the field changes of every other event."""

    noun: str
    creating: type
    transitions: Mapping[tuple[Any, type], Any]
    start: Callable[[str, Any], S]
    apply: Mapping[type, Callable[[S, Any], dict[str, Any]]]
    event_types: tuple[type, ...]

    def __attrs_post_init__(self) -> None:
        missing = set(self.event_types) - set(self.apply) - {self.creating}
        if missing:
            msg = f"{self.noun}: evolve has no handler for {sorted(t.__name__ for t in missing)}"
            raise RuntimeError(msg)

    def __call__(self, state: S | None, event: Any, stream_id: str) -> S:
        """The state after ``event``; :class:`InvalidTransitionError` for one the table does not allow."""
        if state is None:
            if not isinstance(event, self.creating):
                msg = f"{type(event).__name__} before the {self.noun} exists"
                raise InvalidTransitionError(msg)
            return self.start(stream_id, event)
        if isinstance(event, self.creating):
            msg = f"the {self.noun} already exists"
            raise InvalidTransitionError(msg)
        status = self.transitions.get((state.status, type(event)))
        if status is None:
            msg = f"{type(event).__name__} is not allowed when the {self.noun} is {state.status.value}"
            raise InvalidTransitionError(msg)
        changes = self.apply[type(event)](state, event)
        return attrs.evolve(state, status=status, version=state.version + 1, **changes)  # type: ignore[misc]  # every fold state is a frozen attrs class
