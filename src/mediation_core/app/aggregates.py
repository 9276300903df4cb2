"""Aggregate types the service can handle: how each is identified, replayed, guarded,
decided and projected. The case is the first; referrals and meetings follow the same shape,
so the service has one load → decide → append loop for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from attrs import field, frozen

from mediation_core.app.authorisation import authorise_case_command
from mediation_core.app.ports import Document
from mediation_core.domain import commands as c
from mediation_core.domain.actors import Actor
from mediation_core.domain.case import CaseState, CaseStatus, evolve
from mediation_core.domain.context import DecisionContext
from mediation_core.domain.deadlines import Deadline
from mediation_core.domain.decide import execute
from mediation_core.domain.errors import CaseNotFoundError
from mediation_core.domain.events import DomainEvent
from mediation_core.domain.ledger import LedgerRow, ledger_row
from mediation_core.domain.organisations import Registry


@frozen(kw_only=True)
class Projection:
    """What one stream's state projects into storage in the same transaction."""

    row: LedgerRow | None = None
    documents: Sequence[Document] = ()
    deadlines: Sequence[Deadline] = ()


@frozen(kw_only=True)
class AggregateType:
    """How the service handles the commands of one aggregate type.

    - ``stream_id(command)``: the stream the command addresses;
    - ``evolve(state, event, stream_id)``: one step of the fold (``state`` is ``None`` at first);
    - ``scope(command, state)``: the organisation whose staff may issue the command (raises
      a not-found error when the command needs a state and there is none);
    - ``authorise(actor, org_id, registry)``: raises ``AuthorisationError`` or returns;
    - ``numbering(command, state)``: the (series, year) to draw a gap-free number from, or ``None``;
    - ``execute(command, state, context)``: the pure decision, returning events and new state;
    - ``project(state)``: the ledger row, documents and open deadlines to store.
    """

    name: str
    command_types: tuple[type, ...]
    stream_id: Callable[[Any], str]
    evolve: Callable[[Any, DomainEvent, str], Any]
    scope: Callable[[Any, Any], str]
    authorise: Callable[[Actor, str, Registry], None]
    numbering: Callable[[Any, Any], tuple[str, int] | None]
    execute: Callable[[Any, Any, DecisionContext], tuple[list[Any], Any]]
    project: Callable[[Any], Projection]
    creates: tuple[type, ...] = field(default=())

    def replay(self, stream_id: str, events: Sequence[DomainEvent]) -> Any:
        state = None
        for event in events:
            state = self.evolve(state, event, stream_id)
        return state


def _case_scope(command: c.CaseCommand, state: CaseState | None) -> str:
    if isinstance(command, c.ReceiveDispute):
        return command.room_id
    if state is None:
        msg = f"case {command.case_id!r} does not exist"
        raise CaseNotFoundError(msg)
    return state.room_id


def _case_numbering(command: c.CaseCommand, state: CaseState | None) -> tuple[str, int] | None:
    if isinstance(command, c.AcceptCase) and state is not None and state.status is CaseStatus.RECEIVED:
        return state.room_id, command.on.year
    return None


def _case_projection(state: CaseState) -> Projection:
    return Projection(row=ledger_row(state), deadlines=tuple(state.deadlines.values()))


CASES = AggregateType(
    name="case",
    command_types=c.COMMAND_TYPES,
    stream_id=lambda command: command.case_id,
    evolve=lambda state, event, stream_id: evolve(state, event, case_id=stream_id),  # type: ignore[arg-type]
    scope=_case_scope,
    authorise=authorise_case_command,
    numbering=_case_numbering,
    execute=execute,
    project=_case_projection,
    creates=(c.ReceiveDispute,),
)
