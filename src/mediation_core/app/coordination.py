"""Aggregate types of the coordination work: statistical returns, standing meetings,
evaluations, misconduct findings, training sessions and supervision inspections.

Each is a :class:`~mediation_core.domain.lifecycles.Lifecycle` from the domain, wired into
the service's one loop by an :class:`AggregateType`: its scope, who may act, what it reads
from committed storage before deciding, and the Document it projects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from mediation_core.app.aggregates import AggregateType, Projection
from mediation_core.app.authorisation import REPORTERS, authorise_within
from mediation_core.app.ports import Document, Store
from mediation_core.domain.actors import Actor
from mediation_core.domain.agenda import AgendaItem, agenda_for
from mediation_core.domain.context import DecisionContext
from mediation_core.domain.errors import NotFoundError
from mediation_core.domain.ledger import LedgerRow
from mediation_core.domain.lifecycles import Lifecycle
from mediation_core.domain.meetings import (
    MEETINGS,
    HoldMeeting,
    Meeting,
    MeetingCommand,
    MeetingKind,
    ScheduleMeeting,
)
from mediation_core.domain.organisations import Registry
from mediation_core.domain.periods import month_label
from mediation_core.domain.returns import RETURNS, ReturnCommand, StatisticalReturn
from mediation_core.domain.statistics import in_scope, report
from mediation_core.serialization import structure, unstructure

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


def document(kind: str, state: Any, tags: Mapping[str, str]) -> Document:
    """The Document of a record: its whole state as JSON, filterable by ``tags``."""
    return Document(kind=kind, key=state.stream_id, body=unstructure(state), tags=dict(tags))


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
                {
                    "org_id": state.org_id,
                    "period": state.period.label,
                    "status": state.status.value,
                    "nil": "true" if state.nil else "false",
                },
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


# -- standing meetings -----------------------------------------------------------------------
def meetings_of(store: Store, org_id: str | None = None) -> list[Meeting]:
    """The recorded meetings, optionally of one organisation."""
    docs = store.documents("meeting", {"org_id": org_id} if org_id else None)
    return [structure(d.body, Meeting) for d in docs]


def _meeting_org(store: Store, command: MeetingCommand) -> str:
    if isinstance(command, ScheduleMeeting):
        return command.org_id
    doc = store.document("meeting", command.meeting_id)
    return str(doc.body["org_id"]) if doc is not None else ""


def _meeting_lookup(store: Store, command: MeetingCommand, ctx: DecisionContext) -> Mapping[str, Any]:
    """Scheduling reads the agenda from the ledger, the open deadlines and the organisation's
    earlier action items; recording reads the scope's case ids its decisions may name."""
    org_id = _meeting_org(store, command)
    if not org_id or not isinstance(command, ScheduleMeeting | HoldMeeting):
        return {}
    rows = list(store.ledger(rooms_in(ctx.registry, org_id)))
    if isinstance(command, HoldMeeting):
        return {"scope_cases": frozenset(r.case_id for r in rows)}
    return {"agenda": agenda_from(store, rows, kind=command.kind, org_id=org_id, today=ctx.today)}


def agenda_from(
    store: Store, rows: list[LedgerRow], *, kind: MeetingKind, org_id: str, today: dt.date
) -> tuple[AgendaItem, ...]:
    """The agenda for a meeting of ``org_id`` held ``today``: the scope's ``rows``, their
    overdue deadlines, and the open action items of the organisation's earlier meetings."""
    case_ids = {r.case_id for r in rows}
    overdue = [(sid, d) for sid, d in store.deadlines_due(today - dt.timedelta(days=1)) if sid in case_ids]
    open_items = [i for m in meetings_of(store, org_id) if m.kind is kind for i in m.open_items()]
    return agenda_for(rows, overdue, open_items, today=today)


def _meeting_scope(command: MeetingCommand, state: Meeting | None) -> str:
    if isinstance(command, ScheduleMeeting):
        return command.org_id
    if state is None:
        msg = f"meeting {command.meeting_id!r} does not exist"
        raise NotFoundError(msg)
    return state.org_id


def _meeting_projection(state: Meeting, ctx: DecisionContext) -> Projection:
    tags = {
        "org_id": state.org_id,
        "kind": state.kind.value,
        "status": state.status.value,
        "month": month_label(state.held_on or state.on),
    }
    return Projection(documents=(document("meeting", state, tags),), deadlines=state.deadlines)


MEETING_AGGREGATE = lifecycle_aggregate(
    MEETINGS,
    scope=_meeting_scope,
    authorise=authorise_within(REPORTERS, "安排和记录例会", "schedule or record meetings"),
    project=_meeting_projection,
    lookup=_meeting_lookup,
    fresh_ids={ScheduleMeeting: ("meeting_id",)},
)

COORDINATION_AGGREGATES: tuple[AggregateType, ...] = (RETURN_AGGREGATE, MEETING_AGGREGATE)
"""Every aggregate type of the coordination work, in the order the service registers them."""
