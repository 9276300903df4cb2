"""The imperative shell: the only place where the core touches storage and the clock.

``handle(command, actor)`` loads the case, decides, seals the new events into the hash
chain, and appends them with the ledger row, open deadlines and outbox notices in one
transaction against the expected version. Observers run after the commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from attrs import frozen

from mediation_core.app.aggregates import CASES, AggregateType
from mediation_core.app.authorisation import authorise_administration, authorise_case_read, may_read_case
from mediation_core.app.ports import Append, Store
from mediation_core.calendars import NATIONAL
from mediation_core.domain.actors import Actor
from mediation_core.domain.calendar import WorkingDayCalendar, local_date
from mediation_core.domain.case import CaseState
from mediation_core.domain.context import DecisionContext
from mediation_core.domain.deadlines import DueItem, due
from mediation_core.domain.errors import CaseNotFoundError
from mediation_core.domain.events import DomainEvent
from mediation_core.domain.ledger import LedgerRow, ledger_row
from mediation_core.domain.organisations import Registry
from mediation_core.domain.policy import Policy
from mediation_core.plugins.manager import Plugins
from mediation_core.records import GENESIS_HASH, ChainBreak, RecordedEvent, record
from mediation_core.serialization import event_body, event_from_body

AGGREGATES: tuple[AggregateType, ...] = (CASES,)
"""Every aggregate type the service handles."""

_ID_FIELD = {"case": "case_id"}
"""The command field that carries a new stream's id, per aggregate type."""


def utc_now() -> dt.datetime:
    """The real clock; inject another for tests and replays."""
    return dt.datetime.now(dt.UTC)


@frozen(kw_only=True)
class CaseFile:
    """一案一卷: the case as it stands, its events in order, and its ledger row."""

    state: CaseState
    records: tuple[RecordedEvent, ...]
    events: tuple[DomainEvent, ...]
    row: LedgerRow


def event_of(r: RecordedEvent) -> DomainEvent:
    """The typed event inside a stored record (upcast to the current schema)."""
    return event_from_body(r.event_type, r.schema_version, r.body)


def replay_records(case_id: str, records: Sequence[RecordedEvent]) -> CaseState | None:
    """Fold a case's stored records into its state."""
    state: CaseState | None = CASES.replay(case_id, [event_of(r) for r in records])
    return state


def seal(
    stream_id: str,
    events: Sequence[DomainEvent],
    *,
    after: Sequence[RecordedEvent],
    recorded_at: dt.datetime,
    actor: Actor,
) -> list[RecordedEvent]:
    """Chain ``events`` after the stream ``after``."""
    prev = after[-1].hash if after else GENESIS_HASH
    out = []
    for offset, event in enumerate(events, start=len(after) + 1):
        sealed = record(
            stream_id=stream_id,
            version=offset,
            event_type=event.EVENT_TYPE,
            schema_version=event.SCHEMA_VERSION,
            body=event_body(event),
            recorded_at=recorded_at,
            actor=str(actor),
            prev_hash=prev,
        )
        out.append(sealed)
        prev = sealed.hash
    return out


class MediationService:
    """Use cases over one store, with the county's policy, calendar and plugins."""

    def __init__(
        self,
        store: Store,
        *,
        plugins: Plugins | None = None,
        region: str = NATIONAL,
        policy: Policy | None = None,
        calendar: WorkingDayCalendar | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.store = store
        self.plugins = plugins or Plugins.default()
        self.region = region
        self.policy = policy or self.plugins.policy(region)
        self.calendar = calendar or self.plugins.calendar(region)
        self.categories = self.plugins.categories()
        self.clock = clock
        self.new_id = new_id
        self._registry: Registry | None = None
        self._aggregates: dict[type, AggregateType] = {t: a for a in AGGREGATES for t in a.command_types}

    # -- registry -------------------------------------------------------------------------
    def registry(self) -> Registry:
        """The organisation registry (cached; refreshed by :meth:`register`)."""
        if self._registry is None:
            self._registry = self.store.registry()
        return self._registry

    def register(self, registry: Registry, actor: Actor) -> Registry:
        """Add or replace organisations, mediators and liaisons."""
        authorise_administration(actor)
        self.store.save_registry(registry)
        self._registry = self.store.registry()
        return self._registry

    # -- commands -------------------------------------------------------------------------
    def context(self, now: dt.datetime, sequence: int | None = None) -> DecisionContext:
        return DecisionContext(
            now=now,
            policy=self.policy,
            calendar=self.calendar,
            registry=self.registry(),
            categories=self.categories,
            sequence=sequence,
        )

    def handle(self, command: Any, actor: Actor) -> Any:
        """Decide ``command`` and record its events atomically; return the new state.

        Raises ``RuleViolationError`` (every broken rule), ``AuthorisationError``,
        a not-found error or ``ConcurrencyConflictError`` (reload and retry); in each case
        nothing is written.
        """
        aggregate = self._aggregate_of(command)
        if isinstance(command, aggregate.creates) and not aggregate.stream_id(command):
            command = attrs.evolve(command, **{_ID_FIELD[aggregate.name]: self.new_id()})  # type: ignore[misc]
        stream_id = aggregate.stream_id(command)
        now = self.clock()
        with self.store.transaction() as tx:
            records = tx.read(stream_id)
            state = aggregate.replay(stream_id, [event_of(r) for r in records])
            aggregate.authorise(actor, aggregate.scope(command, state), self.registry())
            series = aggregate.numbering(command, state)
            sequence = tx.allocate_number(*series) if series else None
            events, new_state = aggregate.execute(command, state, self.context(now, sequence))
            sealed = seal(stream_id, events, after=records, recorded_at=now, actor=actor)
            notices = [n for r in sealed for n in self.plugins.notices(event=r, state=new_state)]
            projection = aggregate.project(new_state)
            tx.append(
                Append(
                    stream_id=stream_id,
                    expected_version=len(records),
                    records=sealed,
                    row=projection.row,
                    deadlines=projection.deadlines,
                    documents=projection.documents,
                    notices=notices,
                    created_at=now,
                )
            )
            tx.commit()
        for r in sealed:
            self.plugins.event_recorded(event=r, state=new_state)
        return new_state

    def _aggregate_of(self, command: object) -> AggregateType:
        aggregate = self._aggregates.get(type(command))
        if aggregate is None:
            msg = f"command: {type(command).__name__} is not a command this service handles"
            raise TypeError(msg)
        return aggregate

    # -- queries --------------------------------------------------------------------------
    def case_file(self, case_id: str, actor: Actor) -> CaseFile:
        """The whole case file, if the actor may read it."""
        records = self.store.read(case_id)
        state = replay_records(case_id, records)
        if state is None:
            msg = f"case {case_id!r} does not exist"
            raise CaseNotFoundError(msg)
        authorise_case_read(actor, state.room_id, self.registry())
        events = tuple(event_of(r) for r in records)
        return CaseFile(state=state, records=tuple(records), events=events, row=ledger_row(state))

    def ledger(self, actor: Actor, room_ids: Sequence[str] | None = None) -> list[LedgerRow]:
        """Ledger rows the actor may see, optionally of some rooms only."""
        registry = self.registry()
        return [r for r in self.store.ledger(room_ids) if may_read_case(actor, r.room_id, registry)]

    def sweep(self, now: dt.datetime | None = None) -> list[DueItem]:
        """Deadlines due soon, due today, or overdue (the pure ``due`` over stored deadlines)."""
        today = local_date(now or self.clock())
        until = today + dt.timedelta(days=self.policy.deadline_warning_days)
        return due(self.store.deadlines_due(until), today, self.policy.deadline_warning_days)

    def verify(self) -> list[ChainBreak]:
        """Every case whose hash chain is broken, with its first broken link."""
        return self.store.verify()
