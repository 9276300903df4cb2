"""Aggregate types of the coordination work: statistical returns, standing meetings,
evaluations, misconduct findings, training sessions and supervision inspections.

Each is a :class:`~mediation_core.domain.lifecycles.Lifecycle` from the domain, wired into
the service's one loop by an :class:`AggregateType`: its scope, who may act, what it reads
from committed storage before deciding, and the Document it projects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mediation_core.app.aggregates import AggregateType, Projection
from mediation_core.app.authorisation import REPORTERS, authorise_within
from mediation_core.app.ports import Document, Store
from mediation_core.domain.actors import Actor
from mediation_core.domain.context import DecisionContext
from mediation_core.domain.lifecycles import Lifecycle
from mediation_core.domain.organisations import Registry
from mediation_core.domain.returns import RETURNS, ReturnCommand, StatisticalReturn
from mediation_core.domain.statistics import in_scope, report
from mediation_core.serialization import unstructure

Lookup = Callable[[Store, Any, DecisionContext], Mapping[str, Any]]


def lifecycle_aggregate(
    lifecycle: Lifecycle,
    *,
    scope: Callable[[Any, Any], str],
    authorise: Callable[[Actor, str, Registry], None],
    project: Callable[[Any, DecisionContext], Projection],
    lookup: Lookup | None = None,
    fresh_ids: Mapping[type, tuple[str, ...]] | None = None,
) -> AggregateType:
    """An aggregate type for the service loop from a domain lifecycle."""
    return AggregateType(
        name=lifecycle.name,
        command_types=lifecycle.command_types,
        stream_id=lambda command: command.stream_id,
        evolve=lifecycle.evolve,
        scope=scope,
        authorise=authorise,
        numbering=lambda command, state: None,
        execute=lifecycle.execute,
        project=project,
        fresh_ids=fresh_ids or {},
        lookup=lookup or (lambda store, command, ctx: {}),
    )


def document(kind: str, state: Any, **tags: str) -> Document:
    """The Document of a record: its whole state as JSON, filterable by ``tags``."""
    return Document(kind=kind, key=state.stream_id, body=unstructure(state), tags=tags)


def rooms_in(registry: Registry, org_id: str) -> list[str]:
    """The rooms whose ledger rows count towards ``org_id``."""
    return [r.org_id for r in registry.rooms() if in_scope(registry, org_id, r.org_id)]


# -- statistical returns ---------------------------------------------------------------------
def _return_lookup(store: Store, command: ReturnCommand, ctx: DecisionContext) -> Mapping[str, Any]:
    """A return reads its scope's ledger for the period and locks the report made from it."""
    rows = store.ledger(rooms_in(ctx.registry, command.org_id))
    return {"report": report(rows, command.period, command.org_id, ctx.registry, ctx.categories)}


def _return_projection(state: StatisticalReturn, ctx: DecisionContext) -> Projection:
    return Projection(
        documents=(
            document(
                "return",
                state,
                org_id=state.org_id,
                period=state.period.label,
                status=state.status.value,
                nil="true" if state.nil else "false",
            ),
        )
    )


RETURN_AGGREGATE = lifecycle_aggregate(
    RETURNS,
    scope=lambda command, state: command.org_id,
    authorise=authorise_within(REPORTERS, "报送统计报表", "submit returns"),
    project=_return_projection,
    lookup=_return_lookup,
)

COORDINATION_AGGREGATES: tuple[AggregateType, ...] = (RETURN_AGGREGATE,)
"""Every aggregate type of the coordination work, in the order the service registers them."""
