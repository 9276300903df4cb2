"""Aggregate types of the coordination work: statistical returns, standing meetings,
evaluations, misconduct findings, training sessions and supervision inspections.

Each is a :class:`~mediation_core.domain.kernel.lifecycle.Lifecycle` from the domain, wired into
the service's one loop by an :class:`AggregateType`: its scope, who may act, what it reads
from committed storage before deciding, and the Document it projects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from mediation_core.app.aggregates import AggregateType, Projection, Reading
from mediation_core.app.authorisation import REPORTERS, SUPERVISORS, Readers, authorise_within, readers_by_tags
from mediation_core.app.ports import Document, Store
from mediation_core.domain.errors import NotFoundError
from mediation_core.domain.evaluation_round.commands import RoundCommand, round_id
from mediation_core.domain.evaluation_round.decide import EVALUATION_ROUNDS
from mediation_core.domain.evaluation_round.state import EvaluationRound
from mediation_core.domain.inspection.commands import RecordInspection
from mediation_core.domain.inspection.decide import INSPECTIONS
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.meeting.agenda import REPEAT_DAYS, AgendaItem, agenda_for
from mediation_core.domain.meeting.commands import HoldMeeting, MeetingCommand, ScheduleMeeting
from mediation_core.domain.meeting.compliance import attendance
from mediation_core.domain.meeting.decide import MEETINGS
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.state import Meeting
from mediation_core.domain.misconduct.commands import RecordMisconduct
from mediation_core.domain.misconduct.decide import FINDINGS
from mediation_core.domain.misconduct.kinds import MisconductKind, Sanction
from mediation_core.domain.misconduct.state import MisconductFinding
from mediation_core.domain.reporting import rollups
from mediation_core.domain.reporting.evaluation import EvaluationInputs, Grade, MediatorFacts
from mediation_core.domain.reporting.imports import IMPORT_BATCH_DOCUMENT, held_back
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.reporting.repeats import came_back
from mediation_core.domain.reporting.statistics import StatisticsReport, in_scope, report
from mediation_core.domain.reporting.subsidies import payee, subsidies
from mediation_core.domain.statistical_return.commands import ReturnCommand
from mediation_core.domain.statistical_return.decide import RETURNS
from mediation_core.domain.statistical_return.state import StatisticalReturn
from mediation_core.domain.training.commands import RecordTraining
from mediation_core.domain.training.decide import TRAININGS
from mediation_core.domain.training.report import sessions_attended
from mediation_core.domain.training.state import TrainingSession
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period, month_label
from mediation_core.domain.values.policy import Policy
from mediation_core.serialization import structure, unstructure

Lookup = Callable[[Reading, Any, DecisionContext], Mapping[str, Any]]


def lifecycle_aggregate(
    lifecycle: Lifecycle,
    *,
    scope: Callable[[Any, Any], str],
    authorise: Callable[[Actor, str, Registry], None],
    project: Callable[[Any, DecisionContext], Projection],
    lookup: Lookup | None = None,
    fresh_ids: Mapping[type, tuple[str, ...]] | None = None,
    readers: Mapping[str, Callable[[Mapping[str, str]], Readers]] | None = None,
) -> AggregateType:
    """An aggregate type for the service loop from a domain lifecycle."""
    return AggregateType(
        lifecycle=lifecycle,
        scope=scope,
        authorise=authorise,
        numbering=lambda command, state: None,
        project=lambda state, ctx, reading: project(state, ctx),
        fresh_ids=fresh_ids or {},
        lookup=lookup or (lambda reading, command, ctx: {}),
        readers=readers or {lifecycle.name: readers_by_tags(orgs=("org_id",))},
    )


def scope_by(what: str, creating: type, *, new: str = "org_id", existing: str = "org_id") -> Callable[[Any, Any], str]:
    """The organisation a command acts for: the creating command's ``new`` field, otherwise
    the record's ``existing`` field; a command on a record that does not exist is not found."""

    def scope(command: Any, state: Any) -> str:
        if isinstance(command, creating):
            return str(getattr(command, new))
        if state is None:
            msg = f"{what} {command.stream_id!r} does not exist"
            raise NotFoundError(msg)
        return str(getattr(state, existing))

    return scope


def document(kind: str, state: Any, tags: Mapping[str, str]) -> Document:
    """The Document of a record: its whole state as JSON, filterable by ``tags``."""
    return Document(kind=kind, key=state.stream_id, body=unstructure(state), tags=dict(tags))


def rooms_in(registry: Registry, org_id: str) -> list[str]:
    """The rooms whose ledger rows count towards ``org_id``."""
    return [r.org_id for r in registry.rooms() if in_scope(registry, org_id, r.org_id)]


# -- statistical returns ---------------------------------------------------------------------
def live_report(
    store: Store, registry: Registry, categories: Mapping[str, Category], period: Period, scope_id: str
) -> StatisticsReport:
    """The report of ``scope_id`` for ``period`` from the committed ledger: from the store's
    statistics cells summed over the scope's rooms and the period's months when the period is
    whole months, else counted from the rows."""
    rooms = rooms_in(registry, scope_id)
    if rollups.answers(period):
        summed = store.rollup_totals(rooms, rollups.months(period))
        return rollups.report_of_totals(summed, period, scope_id, registry, categories)
    return report(store.ledger(rooms), period, scope_id, registry, categories)


def _return_lookup(reading: Reading, command: ReturnCommand, ctx: DecisionContext) -> Mapping[str, Any]:
    store = reading.store
    """A return reads its scope's ledger report for the period and locks it."""
    return {"report": live_report(store, ctx.registry, ctx.categories, command.period, command.org_id)}


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


def _meeting_lookup(reading: Reading, command: MeetingCommand, ctx: DecisionContext) -> Mapping[str, Any]:
    """Scheduling reads the agenda (:func:`agenda_from`); recording reads, of the case ids its
    decisions and action items name, those that are cases of the meeting's scope. Both read
    the ledger by index (:meth:`~mediation_core.app.ports.ProjectionStore.ledger_rows`,
    :meth:`~mediation_core.app.ports.ProjectionStore.ledger_for_agenda`), never the scope's
    whole ledger."""
    store = reading.store
    org_id = _meeting_org(store, command)
    if not org_id or not isinstance(command, ScheduleMeeting | HoldMeeting):
        return {}
    rooms = rooms_in(ctx.registry, org_id)
    if isinstance(command, HoldMeeting):
        named = {c for d in command.decisions for c in d.case_ids}
        named |= {c for a in command.action_items for c in a.case_ids}
        in_rooms = set(rooms)
        return {"scope_cases": frozenset(r.case_id for r in store.ledger_rows(named) if r.room_id in in_rooms)}
    return {"agenda": agenda_from(store, rooms, kind=command.kind, org_id=org_id, today=ctx.today)}


def agenda_from(
    store: Store, rooms: Sequence[str], *, kind: MeetingKind, org_id: str, today: dt.date
) -> tuple[AgendaItem, ...]:
    """The agenda for a meeting of ``org_id`` (over the ledger of ``rooms``) held ``today``: its
    open cases and recent repeats, the cases with an overdue deadline, and the open action items
    of the organisation's earlier meetings. Only those rows are read (by index), so the cost
    follows the open work of the scope, not the size of its ledger."""
    in_rooms = set(rooms)
    yesterday = today - dt.timedelta(days=1)
    rows = {r.case_id: r for r in store.ledger_for_agenda(rooms, today - dt.timedelta(days=REPEAT_DAYS))}
    due = store.deadlines_due(yesterday)
    late_ids = {sid for sid, _ in due} - set(rows)
    rows.update((r.case_id, r) for r in store.ledger_rows(late_ids) if r.room_id in in_rooms)
    overdue = [(sid, d) for sid, d in due if sid in rows]
    open_items = [i for m in meetings_of(store, org_id) if m.kind is kind for i in m.open_items()]
    return agenda_for(rows.values(), overdue, open_items, today=today, repeat_days=REPEAT_DAYS)


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
    scope=scope_by("meeting", ScheduleMeeting),
    authorise=authorise_within(REPORTERS, "安排和记录例会", "schedule or record meetings"),
    project=_meeting_projection,
    lookup=_meeting_lookup,
    fresh_ids={ScheduleMeeting: ("meeting_id",)},
)

T = TypeVar("T")
"""Every aggregate type of the coordination work, in the order the service registers them."""


# -- training, supervision, misconduct ----------------------------------------------------------
def _structured(store: Store, kind: str, cls: type[T], tags: Mapping[str, str] | None = None) -> list[T]:
    return [structure(d.body, cls) for d in store.documents(kind, tags)]


TRAINING_AGGREGATE = lifecycle_aggregate(
    TRAININGS,
    scope=scope_by("training", RecordTraining),
    authorise=authorise_within(REPORTERS, "登记培训", "record training"),
    project=lambda state, ctx: Projection(
        documents=(document("training", state, {"org_id": state.org_id, "month": month_label(state.on)}),)
    ),
    fresh_ids={RecordTraining: ("training_id",)},
)


INSPECTION_AGGREGATE = lifecycle_aggregate(
    INSPECTIONS,
    scope=scope_by("inspection", RecordInspection, new="by_org_id"),  # the inspecting body records it
    authorise=authorise_within(REPORTERS, "登记督导检查及整改", "record inspections"),
    project=lambda state, ctx: Projection(
        documents=(
            document(
                "inspection",
                state,
                {
                    "org_id": state.org_id,
                    "by_org_id": state.by_org_id,
                    "status": state.status.value,
                    "month": month_label(state.on),
                },
            ),
        ),
        deadlines=state.deadlines,
    ),
    fresh_ids={RecordInspection: ("inspection_id",)},
    readers={"inspection": readers_by_tags(orgs=("org_id", "by_org_id"))},
)


FINDING_AGGREGATE = lifecycle_aggregate(
    FINDINGS,
    scope=scope_by("misconduct finding", RecordMisconduct, new="room_id", existing="room_id"),
    authorise=authorise_within(SUPERVISORS | {Role.ROOM_DIRECTOR}, "认定调解员违纪", "record misconduct findings"),
    project=lambda state, ctx: Projection(
        documents=(
            document(
                "misconduct",
                state,
                {
                    "mediator_id": state.mediator_id,
                    "room_id": state.room_id,
                    "year": str(state.on.year),
                    "status": state.status.value,
                },
            ),
        )
    ),
    fresh_ids={RecordMisconduct: ("finding_id",)},
    readers={"misconduct": readers_by_tags(orgs=("room_id",))},
)


# -- evaluation rounds ------------------------------------------------------------------------
def _graded(store: Store, year: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(round, mediator, result body) of every mediator graded for ``year``."""
    return [
        (d.tags["round"], d.tags["mediator_id"], dict(d.body["result"]))
        for d in store.documents("mediator-evaluation", {"year": str(year)})
    ]


def _followed_up_on_time(row: LedgerRow) -> bool:
    return (
        row.first_follow_up_on is not None
        and row.follow_up_due is not None
        and row.first_follow_up_on <= row.follow_up_due
    )


def _within_term(row: LedgerRow) -> bool:
    return row.term_due is not None and row.concluded_on is not None and row.concluded_on <= row.term_due


def evaluation_inputs(
    store: Store, registry: Registry, policy: Policy, *, scope_id: str, year: int, today: dt.date
) -> EvaluationInputs:
    """Every fact a round of ``scope_id`` for ``year`` reads, as committed now."""
    this_round = round_id(scope_id, year)
    whole_year = Period.year(year)
    mediators = sorted(
        (m for m in registry.mediators.values() if in_scope(registry, scope_id, m.room_id)), key=lambda m: m.mediator_id
    )
    rows = list(store.ledger(rooms_in(registry, scope_id)))
    returned = came_back(rows)
    held = held_back(d.body for d in store.documents(IMPORT_BATCH_DOCUMENT, {"approved": "no"}))
    by_payee: dict[str, list[LedgerRow]] = {}
    for row in rows:
        if row.case_id in held:  # imported, and no second administrator has vouched for it yet
            continue
        mediator = payee(row)
        concluded = row.outcome in (Outcome.SETTLED, Outcome.FAILED) and row.concluded_on in whole_year
        if mediator is not None and concluded:
            by_payee.setdefault(mediator, []).append(row)
    meetings = meetings_of(store)
    sessions = _structured(store, "training", TrainingSession)
    findings = [f for f in _structured(store, "misconduct", MisconductFinding) if f.confirmed and f.on in whole_year]
    call_outs: dict[str, int] = {}
    for doc in store.documents("dispatch", {"with_mediator": "yes"}):
        if dt.date.fromisoformat(doc.tags["call_date"]) in whole_year:
            mediator_id = str(doc.body.get("mediator_id") or "")
            call_outs[mediator_id] = call_outs.get(mediator_id, 0) + 1
    facts = []
    for m in mediators:
        cases = by_payee.get(m.mediator_id, [])
        settled = [r for r in cases if r.outcome is Outcome.SETTLED]
        due = [r for r in settled if r.follow_up_due is not None and r.follow_up_due <= today]
        mine = [f for f in findings if f.mediator_id == m.mediator_id]
        expected, attended = attendance(meetings, m.mediator_id, m.room_id, whole_year)
        facts.append(
            MediatorFacts(
                mediator_id=m.mediator_id,
                name=m.name,
                room_id=m.room_id,
                year=year,
                meetings_expected=expected,
                meetings_attended=attended,
                call_outs=call_outs.get(m.mediator_id, 0),
                follow_ups_due=len(due),
                follow_ups_on_time=sum(1 for r in due if _followed_up_on_time(r)),
                files_due=len(cases),
                files_complete=sum(1 for r in cases if r.archived_on is not None),
                trainings=sessions_attended(sessions, m.mediator_id, whole_year),
                misconduct=sum(1 for f in mine if f.kind.under_art_15),
                serious_misconduct=sum(1 for f in mine if f.serious),
                removals=sum(1 for f in mine if f.sanction is Sanction.REMOVAL),
                recusal_breaches=sum(1 for f in mine if f.kind is MisconductKind.RECUSAL_BREACH),
                concluded=len(cases),
                settled=len(settled),
                weighted_settled=sum(policy.difficulty_weights.get(r.difficulty, 1) for r in settled),
                within_term=sum(1 for r in cases if _within_term(r)),
                repeats=sum(1 for r in cases if r.case_id in returned),
            )
        )
    in_round = {m.mediator_id for m in mediators}
    previous = {mid: Grade(body["grade"]) for _, mid, body in _graded(store, year - 1) if mid in in_round}
    elsewhere = {mid: rnd for rnd, mid, _ in _graded(store, year) if rnd != this_round and mid in in_round}
    paid = frozenset(
        line["dispute_id"]
        for d in store.documents("mediator-evaluation")
        if d.tags["round"] != this_round and int(d.tags["year"]) <= year
        for line in d.body["result"]["subsidies"]
    )
    return EvaluationInputs(
        scope_id=scope_id,
        year=year,
        facts=tuple(facts),
        previous=previous,
        subsidies=subsidies(rows, until=whole_year.end, policy=policy, paid_disputes=paid, held_back=held),
        paid_disputes=paid,
        graded_elsewhere=elsewhere,
        held_back=tuple(sorted(held & {r.case_id for r in rows})),
    )


def _evaluation_lookup(reading: Reading, command: RoundCommand, ctx: DecisionContext) -> Mapping[str, Any]:
    store = reading.store
    inputs = evaluation_inputs(
        store, ctx.registry, ctx.policy, scope_id=command.scope_id, year=command.year, today=ctx.today
    )
    return {"evaluation": inputs, "evaluation_items": reading.evaluation_items}


def _evaluation_projection(state: EvaluationRound, ctx: DecisionContext) -> Projection:
    year = str(state.year)
    docs = [document("evaluation", state, {"scope_id": state.scope_id, "year": year})]
    docs += [
        Document(
            kind="mediator-evaluation",
            key=f"{state.year}:{r.mediator_id}",
            body={"round": state.stream_id, "result": unstructure(r)},
            tags={
                "round": state.stream_id,
                "mediator_id": r.mediator_id,
                "room_id": r.room_id,
                "year": year,
                "grade": r.grade.value,
            },
        )
        for r in state.results
    ]
    return Projection(documents=tuple(docs))


EVALUATION_AGGREGATE = lifecycle_aggregate(
    EVALUATION_ROUNDS,
    scope=lambda command, state: command.scope_id,
    authorise=authorise_within(SUPERVISORS, "组织调解员年度考评", "evaluate mediators"),
    project=_evaluation_projection,
    lookup=_evaluation_lookup,
    readers={
        "evaluation": readers_by_tags(orgs=("scope_id",)),
        "mediator-evaluation": readers_by_tags(orgs=("room_id",)),
    },
)

COORDINATION_AGGREGATES: tuple[AggregateType, ...] = (
    RETURN_AGGREGATE,
    MEETING_AGGREGATE,
    TRAINING_AGGREGATE,
    INSPECTION_AGGREGATE,
    FINDING_AGGREGATE,
    EVALUATION_AGGREGATE,
)
