"""The imperative shell: the only place where the core touches storage and the clock.

``handle(command, actor)`` loads the case, decides, seals the new events into the hash
chain, and appends them with the ledger row, open deadlines and outbox notices in one
transaction against the expected version. Observers run after the commit.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

import attrs
from attrs import frozen

from mediation_core.app import access, authorisation, delivery, exporting, reports, retention
from mediation_core.app.access import AccessLog
from mediation_core.app.aggregates import CASES, DISPATCHES, POLICE_CASES, REFERRALS, TRAFFIC, AggregateType
from mediation_core.app.authorisation import (
    LINKAGE_READERS,
    STATION_STAFF,
    Readers,
    authorise_administration,
    authorise_case_read,
    authorise_report_read,
    authorise_rooms,
    may_read_case,
    may_read_linked,
)
from mediation_core.app.coordination import COORDINATION_AGGREGATES, meetings_of
from mediation_core.app.delivery import Channel, DeliveryPolicy, DeliveryReport
from mediation_core.app.ports import Append, Document, OutboxEntry, Reseal, Store, UnitOfWork
from mediation_core.app.sealing import seal_after
from mediation_core.app.views import Viewer
from mediation_core.calendars import NATIONAL
from mediation_core.domain.case.commands import AnonymiseParties
from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.case.retention import due_for_anonymisation, retention_ends
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.errors import (
    AuthorisationError,
    CaseNotFoundError,
    CommandFormatError,
    ConcurrencyConflictError,
    InvalidTransitionError,
    NotFoundError,
    RuleViolationError,
)
from mediation_core.domain.evaluation_round.commands import round_id
from mediation_core.domain.evaluation_round.state import EvaluationRound
from mediation_core.domain.inspection.report import InspectionLine
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.input import identifier_well_formed, input_violations
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.kernel.shapes import shape_problems
from mediation_core.domain.meeting.agenda import AgendaItem
from mediation_core.domain.meeting.compliance import MeetingSlot
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.state import Meeting
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.crosscheck import CrossCheck
from mediation_core.domain.reporting.evaluation import MediatorResult
from mediation_core.domain.reporting.imports import LedgerRowImported
from mediation_core.domain.reporting.ledger import LedgerRow, ledger_row
from mediation_core.domain.reporting.repeats import PartyKeyer
from mediation_core.domain.reporting.statistics import StatisticsReport, in_scope
from mediation_core.domain.statistical_return.filing import FilingStatus
from mediation_core.domain.training.report import TrainingLine
from mediation_core.domain.values.access import AccessDenial, ResealEntry
from mediation_core.domain.values.actors import SYSTEM_ACTOR, Actor, Role
from mediation_core.domain.values.calendar import WorkingDayCalendar, local_date
from mediation_core.domain.values.deadlines import DueItem, due
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.privacy import mask_text, person_names
from mediation_core.exports.forms import DocumentForm
from mediation_core.exports.ledger import LedgerTable
from mediation_core.plugins.manager import Plugins
from mediation_core.records import GENESIS_HASH, ChainBreak, RecordedEvent
from mediation_core.serialization import event_from_body

AGGREGATES: tuple[AggregateType, ...] = (CASES, REFERRALS, POLICE_CASES, DISPATCHES, TRAFFIC, *COORDINATION_AGGREGATES)
"""Every aggregate type the service handles."""

MAX_STEPS = 64
"""How many commands one command may entail in a unit of work; more means a decision loops."""


def utc_now() -> dt.datetime:
    """The real clock; inject another for tests and replays."""
    return dt.datetime.now(dt.UTC)


@frozen(kw_only=True)
class _Head:
    """A stream as a unit of work last saw it: version, last hash and folded state."""

    version: int
    hash: str
    state: Any
    kind: str = ""
    """The aggregate type whose stream this is (an empty stream: none yet)."""


@frozen(kw_only=True)
class _Step:
    """One decided command of a unit of work: its sealed records and its stream's new head."""

    stream_id: str
    records: tuple[RecordedEvent, ...]
    head: _Head

    @property
    def state(self) -> Any:
        return self.head.state


STREAM_CACHE_SIZE = 1024
"""How many streams' committed states a service keeps, most recently used first."""


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


def _check_kind(kind: str, aggregate: AggregateType, stream_id: str) -> None:
    """A command addresses a stream of its own aggregate type: a case command naming a
    referral's id (or an imported ledger row's) finds no case there."""
    if kind and kind != aggregate.name:
        msg = f"{aggregate.name} {stream_id!r} does not exist (the id names a {kind} record)"
        raise CaseNotFoundError(msg) if aggregate is CASES else NotFoundError(msg)


def _blank_identifier(command: Any) -> Violation:
    """The violation of a command whose record's identifier is blank (and not one the service
    fills in): its first blank identifier field is the one."""
    blank = [f.name for f in attrs.fields(type(command)) if f.name.endswith("_id") and getattr(command, f.name) == ""]
    return identifier_well_formed.violation(
        blank[0] if blank else "$", "标识不得为空", "the identifier may not be blank"
    )


P = ParamSpec("P")
R = TypeVar("R")
_QUERY: contextvars.ContextVar[str | None] = contextvars.ContextVar("mediation_query", default=None)
"""The query being answered in this context (a query built from others records its refusals once)."""


def _query(
    action: str,
) -> Callable[[Callable[Concatenate[MediationService, P], R]], Callable[Concatenate[MediationService, P], R]]:
    """A query (or administrative operation) whose refusals go to the access log."""

    def wrap(method: Callable[Concatenate[MediationService, P], R]) -> Callable[Concatenate[MediationService, P], R]:
        @functools.wraps(method)
        def guarded(self: MediationService, /, *args: P.args, **kwargs: P.kwargs) -> R:
            outermost = _QUERY.get() is None
            token = _QUERY.set(action) if outermost else None
            try:
                return method(self, *args, **kwargs)
            except AuthorisationError as refused:
                if outermost:  # the query the caller made, not the ones it is built from
                    self.access_log.record(refused, action)
                raise
            finally:
                if token is not None:
                    _QUERY.reset(token)

        return guarded

    return wrap


def masked_notice(notice: Notice) -> Notice:
    """A notice as it may leave the system: ID and phone numbers in its subject, body and
    payload masked (notices travel by SMS, robots and e-mail; 个人信息保护法 art. 51)."""
    return attrs.evolve(
        notice,
        subject=mask_text(notice.subject),
        body=mask_text(notice.body),
        payload={k: mask_text(v) for k, v in notice.payload.items()},
    )


_DOCUMENT_READERS: dict[str, Callable[[Document], Readers]] = {
    "referral": lambda d: Readers(orgs=(d.tags.get("room_id", ""),), stations=(d.tags.get("station_id", ""),)),
    "police_case": lambda d: Readers(orgs=(d.tags.get("room_id", ""),), stations=(d.tags.get("station_id", ""),)),
    "dispatch": lambda d: Readers(orgs=(d.tags.get("room_id", ""),), stations=(d.tags.get("station_id", ""),)),
    "traffic": lambda d: Readers(orgs=(d.tags.get("room_id", ""),), stations=(d.tags.get("brigade_id", ""),)),
    "meeting": lambda d: Readers(orgs=(d.tags.get("org_id", ""),)),
    "return": lambda d: Readers(orgs=(d.tags.get("org_id", ""),)),
    "training": lambda d: Readers(orgs=(d.tags.get("org_id", ""),)),
    "inspection": lambda d: Readers(orgs=(d.tags.get("org_id", ""), d.tags.get("by_org_id", ""))),
    "misconduct": lambda d: Readers(orgs=(d.tags.get("room_id", ""),)),
    "evaluation": lambda d: Readers(orgs=(d.tags.get("scope_id", ""),)),
    "mediator-evaluation": lambda d: Readers(orgs=(d.tags.get("room_id", ""),)),
}


def document_readers(doc: Document) -> Readers:
    """Who reads a Document beside administrators, from its tags; nobody else for the access
    log's entries and for kinds the core does not know."""
    reader = _DOCUMENT_READERS.get(doc.kind)
    return reader(doc) if reader else Readers()


class MediationService:
    """Use cases over one store, with the county's policy, calendar and plugins.

    ``channels`` are the configured notifiers the outbox is delivered through
    (:func:`mediation_core.app.delivery.open_channels`), ``delivery_policy`` how hard it tries.
    ``identity_key`` is the deployment's secret for the keyed digests of party identities
    that find repeat disputes. Without one, a random key lives as long as the service, which
    suits only a store that dies with the process (the memory store); a persistent store
    needs the same key on every start, or earlier cases stop matching.
    """

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
        identity_key: bytes | None = None,
        channels: Sequence[Channel] = (),
        delivery_policy: DeliveryPolicy | None = None,
    ) -> None:
        self.store = store
        self.channels = tuple(channels)
        self.delivery_policy = delivery_policy or DeliveryPolicy()
        self.plugins = plugins or Plugins.default()
        self.region = region
        self.policy = policy or self.plugins.policy(region)
        self.calendar = calendar or self.plugins.calendar(region)
        self.categories = self.plugins.categories()
        self.evaluation_items = self.plugins.evaluation_items()
        self.clock = clock
        self.new_id = new_id
        self.party_keyer = PartyKeyer(key=identity_key if identity_key is not None else secrets.token_bytes(32))
        self._registry: Registry | None = None
        self._heads: OrderedDict[str, _Head] = OrderedDict()
        self._heads_lock = threading.Lock()
        self.stream_cache_size = STREAM_CACHE_SIZE
        self._aggregates: dict[type, AggregateType] = {t: a for a in AGGREGATES for t in a.command_types}
        self._by_name: dict[str, AggregateType] = {a.name: a for a in AGGREGATES}
        self.access_log = AccessLog(store, clock)

    # -- registry -------------------------------------------------------------------------
    def registry(self) -> Registry:
        """The organisation registry (cached; refreshed by :meth:`register`)."""
        if self._registry is None:
            self._registry = self.store.registry()
        return self._registry

    @_query("register")
    def register(self, registry: Registry, actor: Actor) -> Registry:
        """Add or replace organisations, mediators and liaisons."""
        authorise_administration(actor)
        self.store.save_registry(registry)
        self._registry = self.store.registry()
        return self._registry

    # -- commands -------------------------------------------------------------------------
    def context(self, now: dt.datetime, sequence: int | None = None, **extra: Any) -> DecisionContext:
        return DecisionContext(
            now=now,
            policy=self.policy,
            calendar=self.calendar,
            registry=self.registry(),
            categories=self.categories,
            evaluation_items=self.evaluation_items,
            sequence=sequence,
            party_keyer=self.party_keyer,
            **extra,
        )

    def handle(self, command: Any, actor: Actor) -> Any:
        """Decide ``command`` and record its events atomically; return the new state.

        A decision may entail commands for other streams (accepting a referral opens its
        case; a concluded entrusted case reports back to the referral): they run in the same
        unit of work, each against its own stream's expected version, so either everything
        is written or nothing is. Raises ``RuleViolationError`` (every broken rule),
        ``AuthorisationError``, a not-found error or ``ConcurrencyConflictError`` (reload and
        retry); in each case nothing is written.
        """
        try:
            self._refuse_internal(command, actor)
            now = self.clock()
            with self.store.transaction() as tx:
                steps = self._run(tx, command, actor, now)
                tx.commit()
        except ConcurrencyConflictError:
            self._forget()
            raise
        except AuthorisationError as refused:  # recorded after the refused unit rolled back
            self.access_log.record(refused, f"handle:{type(command).__name__}")
            raise
        self._remember(steps)
        self._observe(steps)
        return steps[0].state

    @contextmanager
    def bulk(self) -> Iterator[Bulk]:
        """One unit of work for many commands: imports and migrations from other systems.

        ``with service.bulk() as batch: batch.handle(command, actor)`` runs each command
        through the same loop as :meth:`handle`, in one transaction committed when the block
        ends (and rolled back whole if it raises). A refused command leaves no trace (its
        savepoint is undone, its case number handed out again) and the batch may go on.
        Observers run after the commit. Keep a batch to thousands of commands, not millions:
        the transaction holds SQLite's write lock, and the batch keeps the states it touched.
        Repeat detection sees committed cases only, not those earlier in the same batch.
        """
        refusals: list[tuple[AuthorisationError, str]] = []
        try:
            with self.store.transaction() as tx:
                batch = Bulk(self, tx, refusals)
                yield batch
                tx.commit()
        except ConcurrencyConflictError:
            self._forget()
            raise
        finally:  # the batch's transaction is over: its refusals can go to the access log
            for refused, action in refusals:
                self.access_log.record(refused, action)
        self._remember(batch.steps)
        self._observe(batch.steps)

    def _refuse_internal(self, command: Any, actor: Actor) -> None:
        if isinstance(command, self._aggregate_of(command).internal):
            msg = f"command: {type(command).__name__} is recorded only as the consequence of another command"
            raise AuthorisationError(msg, actor=actor, action=type(command).__name__)

    def _remember(self, steps: Iterable[_Step]) -> None:
        """Keep the committed heads, so the next command on a stream reads only what other
        writers appended since, and folds only that."""
        with self._heads_lock:
            for step in steps:
                self._heads[step.stream_id] = step.head
                self._heads.move_to_end(step.stream_id)
            while len(self._heads) > self.stream_cache_size:
                self._heads.popitem(last=False)

    def _forget(self) -> None:
        with self._heads_lock:
            self._heads.clear()

    def _load(self, tx: UnitOfWork, aggregate: AggregateType, stream_id: str) -> _Head:
        """The stream's head inside ``tx``: the remembered one brought up to date, or a
        full replay. A stream only grows, so records after the remembered version are all
        that can have changed (a store rebuilt behind the service's back shows as a conflict,
        which clears the memory)."""
        with self._heads_lock:
            head = self._heads.get(stream_id)
        if head is None:
            records = tx.read(stream_id)
            kind = records[0].event_type.split(".", 1)[0] if records else ""
            _check_kind(kind, aggregate, stream_id)
            state = aggregate.replay(stream_id, [event_of(r) for r in records])
            last = records[-1].hash if records else GENESIS_HASH
            return _Head(version=len(records), hash=last, state=state, kind=kind)
        _check_kind(head.kind, aggregate, stream_id)
        newer = tx.read(stream_id, after=head.version)
        if not newer:
            return head
        if newer[0].prev_hash != head.hash:
            self._forget()
            return self._load(tx, aggregate, stream_id)
        state = head.state
        for r in newer:
            state = aggregate.evolve(state, event_of(r), stream_id)
        return _Head(version=head.version + len(newer), hash=newer[-1].hash, state=state, kind=head.kind)

    def _observe(self, steps: Iterable[_Step]) -> None:
        for step in steps:
            for r in step.records:
                self.plugins.event_recorded(event=r, state=step.state)

    def _run(
        self, tx: UnitOfWork, command: Any, actor: Actor, now: dt.datetime, known: dict[str, _Head] | None = None
    ) -> list[_Step]:
        """Decide ``command`` and, depth first, every follow-on it entails; append each.
        ``known`` (bulk units only) holds the streams this unit already loaded or wrote."""
        steps: list[_Step] = []
        pending: list[tuple[Any, bool]] = [(command, True)]
        while pending:
            if len(steps) >= MAX_STEPS:
                msg = f"{type(command).__name__} entailed more than {MAX_STEPS} commands"
                raise InvalidTransitionError(msg)
            cmd, primary = pending.pop(0)
            aggregate = self._aggregate_of(cmd)
            if primary:  # a follow-on is built by a decision from checked input
                self._screen(cmd, now)
            cmd = self._with_fresh_ids(aggregate, cmd)
            stream_id = aggregate.stream_id(cmd)
            if not stream_id:
                raise RuleViolationError([_blank_identifier(cmd)])
            head = known.get(stream_id) if known is not None else None
            if head is None:
                head = self._load(tx, aggregate, stream_id)
            else:
                _check_kind(head.kind, aggregate, stream_id)
            state = head.state
            org_id = aggregate.scope(cmd, state)
            if primary:  # a follow-on is the decision's own consequence, authorised with its cause
                self._authorise(aggregate, cmd, actor, org_id)
            series = aggregate.numbering(cmd, state)
            context = self.context(now, tx.allocate_number(*series) if series else None, stream_head=head.hash)
            extra = aggregate.lookup(self.store, cmd, context)
            if extra:
                context = attrs.evolve(context, **extra)
            local = tuple(aggregate.local_checks(self.plugins, cmd, state, context))
            try:
                events, new_state = aggregate.execute(cmd, state, context)
            except RuleViolationError as refused:
                raise RuleViolationError((*refused.violations, *local)) from None
            if local:
                raise RuleViolationError(local)
            sealed = seal_after(
                stream_id, events, version=head.version, prev_hash=head.hash, recorded_at=now, actor=actor
            )
            sealed, new_state = self._write(
                tx,
                aggregate,
                cmd,
                stream_id,
                head=head,
                sealed=sealed,
                state=new_state,
                context=context,
                now=now,
                actor=actor,
            )
            head = _Head(
                version=head.version + len(sealed),
                hash=sealed[-1].hash if sealed else head.hash,
                state=new_state,
                kind=aggregate.name if sealed else head.kind,
            )
            steps.append(_Step(stream_id=stream_id, records=tuple(sealed), head=head))
            if known is not None:
                known[stream_id] = head
            pending[:0] = [(follow_on, False) for follow_on in aggregate.follow_ons(cmd, events, new_state)]
        return steps

    def _authorise(self, aggregate: AggregateType, command: Any, actor: Actor, org_id: str) -> None:
        """Staff act within their scope; anonymising a case file is the administration's
        retention decision, for every room."""
        if isinstance(command, AnonymiseParties):
            authorise_administration(actor, "匿名化当事人个人信息", "anonymise the parties' personal data")
        else:
            aggregate.authorise(actor, org_id, self.registry())

    def _write(
        self,
        tx: UnitOfWork,
        aggregate: AggregateType,
        command: Any,
        stream_id: str,
        *,
        head: _Head,
        sealed: Sequence[RecordedEvent],
        state: Any,
        context: DecisionContext,
        now: dt.datetime,
        actor: Actor,
    ) -> tuple[list[RecordedEvent], Any]:
        """Append a decided step's records with its projection and notices (or re-seal the
        case file it anonymises); return the records after ``head`` and the new state."""
        if isinstance(command, AnonymiseParties):
            return self._reseal(
                tx, aggregate, stream_id, head=head, appended=sealed, context=context, now=now, actor=actor
            )
        notices = [masked_notice(n) for r in sealed for n in self.plugins.notices(event=r, state=state)]
        projection = aggregate.project(state, context)
        tx.append(
            Append(
                stream_id=stream_id,
                expected_version=head.version,
                records=sealed,
                row=projection.row,
                deadlines=projection.deadlines,
                documents=projection.documents,
                notices=notices,
                created_at=now,
            )
        )
        return list(sealed), state

    def _reseal(
        self,
        tx: UnitOfWork,
        aggregate: AggregateType,
        stream_id: str,
        *,
        head: _Head,
        appended: Sequence[RecordedEvent],
        context: DecisionContext,
        now: dt.datetime,
        actor: Actor,
    ) -> tuple[list[RecordedEvent], Any]:
        """Anonymise a case file in the store: its records rewritten and sealed again with
        ``appended`` (the ``PartiesAnonymised`` record) after them, the projection of the
        rewritten file, and the re-sealing logged (docs/adr/0008-anonymising-a-sealed-case-file.md).
        Returns the new records after ``head`` and the state they fold to."""
        stored = tx.read(stream_id)
        records, log = retention.reseal_batch(
            tx, stream_id=stream_id, state=head.state, stored=stored, appended=appended, now=now, actor=actor
        )
        state = aggregate.replay(stream_id, [event_of(r) for r in records])
        projection = aggregate.project(state, context)
        tx.reseal(
            Reseal(
                stream_id=stream_id,
                expected_version=head.version,
                replaced_head=head.hash,
                records=records,
                row=projection.row,
                deadlines=projection.deadlines,
                documents=projection.documents,
                created_at=now,
                log=log,
            )
        )
        return records[head.version :], state

    def _screen(self, command: Any, now: dt.datetime) -> None:
        """Refuse a malformed command before anything is read or decided: fields of the wrong
        type (``CommandFormatError``), or text, identifiers, numbers and dates the input rules
        refuse (``RuleViolationError``, every field at once)."""
        problems = shape_problems(command)
        if problems:
            raise CommandFormatError(problems)
        violations = input_violations(command, DecisionContext(now=now, policy=self.policy, calendar=self.calendar))
        if violations:
            raise RuleViolationError(violations)

    def _with_fresh_ids(self, aggregate: AggregateType, command: Any) -> Any:
        blank = [name for name in aggregate.fresh_ids.get(type(command), ()) if not getattr(command, name)]
        return attrs.evolve(command, **{name: self.new_id() for name in blank}) if blank else command

    def _aggregate_of(self, command: object) -> AggregateType:
        aggregate = self._aggregates.get(type(command))
        if aggregate is None:
            msg = f"{type(command).__name__} is not a command this service handles @ $"
            raise CommandFormatError([msg])
        return aggregate

    # -- queries --------------------------------------------------------------------------
    def viewer(self, actor: Actor) -> Viewer:
        """What ``actor`` may see of the parties' personal data (see :mod:`.views`)."""
        return Viewer(actor, self.registry(), self.policy)

    @_query("case_file")
    def case_file(self, case_id: str, actor: Actor) -> CaseFile:
        """The whole case file, if the actor may read it, in the actor's personal-data view."""
        records = self.store.read(case_id)
        if records and records[0].event_type == LedgerRowImported.EVENT_TYPE:
            msg = f"case {case_id!r} was imported from a ledger file: it has a ledger row, not a case file"
            raise CaseNotFoundError(msg)
        if not records or not records[0].event_type.startswith(f"{CASES.name}."):
            msg = f"case {case_id!r} does not exist"
            raise CaseNotFoundError(msg)
        state = replay_records(case_id, records)
        if state is None:  # pragma: no cover - a case stream always folds to a state
            msg = f"case {case_id!r} does not exist"
            raise CaseNotFoundError(msg)
        authorise_case_read(actor, state.room_id, self.registry(), target=case_id)
        viewer = self.viewer(actor)
        names = person_names(state.parties)
        room = state.room_id
        sensitive = state.sensitive
        return CaseFile(
            state=viewer.value(state, room),
            records=viewer.records(records, room, names=names, sensitive=sensitive),
            events=tuple(viewer.value(event_of(r), room, names=names, sensitive=sensitive) for r in records),
            row=viewer.row(ledger_row(state, self.party_keyer)),
        )

    @_query("load")
    def load(self, aggregate: str, stream_id: str, actor: Actor) -> Any:
        """The current state of a referral (``"referral"``) or another linked record, if the
        actor may read it: the station and the room it links, and the bodies above them; in
        the actor's personal-data view."""
        kind = self._by_name.get(aggregate)
        if kind is None or kind is CASES:
            msg = f"aggregate: {aggregate!r} is not one of {', '.join(n for n in self._by_name if n != 'case')}"
            raise ValueError(msg)
        records = [r for r in self.store.read(stream_id) if r.event_type.startswith(f"{kind.name}.")]
        state = kind.replay(stream_id, [event_of(r) for r in records])
        if state is None:
            msg = f"{kind.name} {stream_id!r} does not exist"
            raise NotFoundError(msg)
        readers = kind.readers(state)
        if not may_read_linked(actor, readers, self.registry()):
            msg = f"{actor} 无权查阅 {stream_id} / may not read {kind.name} {stream_id}"
            raise AuthorisationError(msg, actor=actor, action="read", target=stream_id)
        return self.viewer(actor).value(state, *readers.orgs, *readers.stations)

    @_query("referral")
    def referral(self, referral_id: str, actor: Actor) -> ReferralState:
        """A referral as it stands, for its station, its room and the bodies above them."""
        state: ReferralState = self.load("referral", referral_id, actor)
        return state

    @_query("documents")
    def documents(self, /, kind: str, actor: Actor, **tags: str) -> list[Document]:
        """Projections of ``kind`` (``"referral"`` …) with all of ``tags``, that the actor may
        read (:func:`document_readers`), in the actor's personal-data view. The access log's
        entries (``access-denial``) and Documents of plugins' own kinds are for administrators."""
        registry = self.registry()
        viewer = self.viewer(actor)
        out = []
        for d in self.store.documents(kind, tags):
            readers = document_readers(d)
            if may_read_linked(actor, readers, registry):
                out.append(viewer.document(d, *readers.orgs, *readers.stations))
        return out

    @_query("ledger")
    def ledger(self, actor: Actor, room_ids: Sequence[str] | None = None) -> list[LedgerRow]:
        """Ledger rows the actor may see, optionally of some rooms only (naming a room the
        actor may not read is refused), in the actor's personal-data view."""
        registry = self.registry()
        if room_ids is not None:
            authorise_rooms(actor, room_ids, registry)
        viewer = self.viewer(actor)
        return [viewer.row(r) for r in self.store.ledger(room_ids) if may_read_case(actor, r.room_id, registry)]

    @_query("sweep")
    def sweep(self, now: dt.datetime | None = None, *, actor: Actor = SYSTEM_ACTOR) -> list[DueItem]:
        """Deadlines due soon, due today, or overdue (the pure ``due`` over stored deadlines),
        and their reminders added to the outbox (``mediation_deadline_notices``). Run it as
        often as you like: a reminder already in the outbox is not added again. A job of the
        deployment's timer: the system or an administrator."""
        authorise_administration(actor, "扫描期限", "sweep the deadlines")
        now = now or self.clock()
        today = local_date(now)
        until = today + dt.timedelta(days=self.policy.deadline_warning_days)
        items = due(self.store.deadlines_due(until), today, self.policy.deadline_warning_days)
        states: dict[str, Any] = {}
        notices = []
        for item in items:
            if item.stream_id not in states:
                states[item.stream_id] = self._state_of(item.stream_id)
            reminders = self.plugins.deadline_notices(item=item, state=states[item.stream_id])
            notices += [masked_notice(n) for n in reminders]
        if notices:
            with self.store.transaction() as tx:
                tx.enqueue(notices, now)
                tx.commit()
        return items

    def _state_of(self, stream_id: str) -> Any:
        """A stream's aggregate state: the aggregate is named by its events' prefix
        (``case.received`` belongs to ``case``)."""
        records = self.store.read(stream_id)
        if not records:
            return None
        prefix = records[0].event_type.split(".", 1)[0]
        aggregate = self._by_name.get(prefix)
        return aggregate.replay(stream_id, [event_of(r) for r in records]) if aggregate else None

    # -- reports, exports and documents ----------------------------------------------------
    @_query("ledger_table")
    def ledger_table(self, actor: Actor, room_ids: Sequence[str] | None = None) -> LedgerTable:
        """The ledger (台账) the actor may read, with Chinese headers, masked for the actor."""
        return exporting.table(self, actor, room_ids)

    @_query("export_ledger")
    def export_ledger(self, actor: Actor, fmt: str = "xlsx", room_ids: Sequence[str] | None = None) -> bytes:
        """The ledger as a file: ``fmt`` is ``xlsx``, ``csv``, ``json`` or a plugin's format."""
        return exporting.render(self, "ledger", fmt, self.ledger_table(actor, room_ids))

    @_query("import_ledger")
    def import_ledger(self, data: bytes, fmt: str, actor: Actor, source: str = "") -> list[LedgerRow]:
        """Import a ledger file (cases kept outside the system): every row in one transaction,
        or none, with :class:`~mediation_core.exports.ledger.LedgerImportError` naming each
        bad cell by row and column."""
        return exporting.import_ledger(self, data, fmt, actor, source)

    @_query("statistics_file")
    def statistics_file(self, period: Period, scope_id: str, actor: Actor, fmt: str = "xlsx") -> bytes:
        """The statistics report of ``scope_id`` as a file: ``xlsx`` (the coordination
        centre's workbook), ``html`` (the dashboard), ``json`` or ``csv``."""
        return exporting.render(self, "statistics", fmt, self.statistics(period, scope_id, actor))

    @_query("dashboard")
    def dashboard(self, period: Period, scope_id: str, actor: Actor) -> bytes:
        """The dashboard: one self-contained HTML file with the figures and inline SVG charts."""
        return self.statistics_file(period, scope_id, actor, "html")

    @_query("document")
    def document(self, case_id: str, form: DocumentForm, actor: Actor, fmt: str = "docx") -> bytes:
        """A case's document in the Ministry's form (受理登记表, 调解协议书 …) as a file."""
        return exporting.render(self, "document", fmt, exporting.case_document(self, case_id, form, actor))

    @_query("referral_document")
    def referral_document(self, referral_id: str, form: DocumentForm, actor: Actor, fmt: str = "docx") -> bytes:
        """A referral's letter (移送/委托人民调解函) or the room's reply, as a file."""
        return exporting.render(self, "document", fmt, exporting.referral_document(self, referral_id, form, actor))

    # -- notifications ----------------------------------------------------------------------
    @_query("deliver_pending")
    def deliver_pending(
        self, now: dt.datetime | None = None, limit: int | None = None, *, actor: Actor = SYSTEM_ACTOR
    ) -> DeliveryReport:
        """Deliver the outbox's due notices through the configured channels (retries,
        backoff, dead letters: see :mod:`mediation_core.app.delivery`). A job of the
        deployment's timer: the system or an administrator."""
        authorise_administration(actor, "投递通知", "deliver the outbox")
        if not self.channels:
            msg = "no notifier is configured: nothing can deliver the outbox (see docs/notifications.md)"
            raise delivery.NoChannelsError(msg)
        return delivery.deliver_pending(self.store, self.channels, now or self.clock(), self.delivery_policy, limit)

    @_query("dead_letters")
    def dead_letters(self, actor: Actor) -> list[OutboxEntry]:
        """Notices the outbox gave up on, with their last error (administrators)."""
        authorise_administration(actor, "查看投递失败的通知", "read dead letters")
        return delivery.dead_letters(self.store)

    @_query("requeue")
    def requeue(self, keys: Sequence[str], actor: Actor) -> list[str]:
        """Put dead letters back in the queue once the cause is fixed (administrators)."""
        authorise_administration(actor, "重新投递通知", "requeue dead letters")
        return delivery.requeue(self.store, keys, self.clock())

    # -- coordination reports ----------------------------------------------------------------
    @_query("statistics")
    def statistics(self, period: Period, scope_id: str, actor: Actor) -> StatisticsReport:
        """The live statistics report of a room, station, township or district."""
        authorise_report_read(actor, scope_id, self.registry())
        return reports.statistics(self.store, self.registry(), self.categories, period, scope_id)

    @_query("filings")
    def filings(
        self, period: Period, scope_id: str, actor: Actor, now: dt.datetime | None = None
    ) -> list[FilingStatus]:
        """Where every room's return stands for each reporting period of ``period`` that has ended."""
        authorise_report_read(actor, scope_id, self.registry())
        return reports.filings(
            self.store,
            self.registry(),
            self.categories,
            self.policy,
            self.calendar,
            period=period,
            scope_id=scope_id,
            today=local_date(now or self.clock()),
        )

    @_query("meeting_compliance")
    def meeting_compliance(
        self, period: Period, scope_id: str, actor: Actor, now: dt.datetime | None = None
    ) -> list[MeetingSlot]:
        """Joint and case-analysis meetings per cadence block: held, no quorum, missed, pending."""
        authorise_report_read(actor, scope_id, self.registry())
        today = local_date(now or self.clock())
        return reports.meeting_compliance(
            self.store, self.registry(), self.policy, period=period, scope_id=scope_id, today=today
        )

    @_query("proposed_agenda")
    def proposed_agenda(self, kind: MeetingKind, org_id: str, actor: Actor) -> tuple[AgendaItem, ...]:
        """The agenda a meeting of ``org_id`` scheduled now would take from the ledger."""
        authorise_report_read(actor, org_id, self.registry())
        today = local_date(self.clock())
        items = reports.proposed_agenda(self.store, self.registry(), kind=kind, org_id=org_id, today=today)
        return self.viewer(actor).agenda(items, self._party_names(i.case_id for i in items))

    @_query("meetings")
    def meetings(self, scope_id: str, actor: Actor) -> list[Meeting]:
        """The meetings of the townships and rooms in scope, by date."""
        registry = self.registry()
        authorise_report_read(actor, scope_id, registry)
        found = [m for m in meetings_of(self.store) if in_scope(registry, scope_id, m.org_id)]
        viewer = self.viewer(actor)
        out = []
        for m in sorted(found, key=lambda m: (m.on, m.stream_id)):
            names = self._party_names(i.case_id for i in m.agenda)
            out.append(viewer.value(m, m.org_id, names=[n for ns in names.values() for n in ns]))
        return out

    def _party_names(self, case_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The party names the ledger holds for ``case_ids`` (to strike them from free text)."""
        out = {}
        for case_id in {c for c in case_ids if c}:
            row = self.store.ledger_row(case_id)
            if row is not None:
                out[case_id] = row.party_names
        return out

    @_query("evaluation_preview")
    def evaluation_preview(self, year: int, scope_id: str, actor: Actor) -> tuple[MediatorResult, ...]:
        """The evaluation of ``scope_id``'s mediators for ``year`` from the facts as they stand
        now, without locking anything (the same computation ``ConcludeEvaluation`` locks)."""
        authorise_report_read(actor, scope_id, self.registry())
        today = local_date(self.clock())
        return reports.evaluation_preview(
            self.store, self.registry(), self.policy, self.evaluation_items, scope_id=scope_id, year=year, today=today
        )

    @_query("evaluation")
    def evaluation(self, year: int, scope_id: str, actor: Actor) -> EvaluationRound:
        """The locked evaluation round of ``scope_id`` for ``year``."""
        state: EvaluationRound = self.load("evaluation", round_id(scope_id, year), actor)
        return state

    @_query("training_report")
    def training_report(self, period: Period, scope_id: str, actor: Actor) -> list[TrainingLine]:
        """Training sessions, person-times and hours of the staff of each organisation in scope."""
        authorise_report_read(actor, scope_id, self.registry())
        return reports.training(self.store, self.registry(), period=period, scope_id=scope_id)

    @_query("inspection_report")
    def inspection_report(self, period: Period, scope_id: str, actor: Actor) -> list[InspectionLine]:
        """Supervision inspections of each organisation in scope and their rectification."""
        authorise_report_read(actor, scope_id, self.registry())
        today = local_date(self.clock())
        return reports.inspections(self.store, self.registry(), period=period, scope_id=scope_id, today=today)

    @_query("cross_check")
    def cross_check(self, period: Period, scope_id: str, actor: Actor) -> CrossCheck:
        """The stations' letters and 110 dispatches of ``period`` against the rooms' ledger:
        per station what was sent and what the ledger shows, and every disagreement. Stations'
        staff read it too."""
        registry = self.registry()
        authorise_report_read(actor, scope_id, registry, LINKAGE_READERS)
        today = local_date(self.clock())
        check = reports.police_cross_check(self.store, registry, period=period, scope_id=scope_id, today=today)
        if actor.role not in STATION_STAFF:
            return check
        # a station's staff see their own letters and dispatches, not a room's other sources
        own = [s for s in check.stations if authorisation.in_scope(actor, s.station_id, registry)]
        findings = [f for f in check.findings if authorisation.in_scope(actor, f.station_id, registry)]
        return attrs.evolve(check, stations=tuple(own), findings=tuple(findings))

    @_query("verify")
    def verify(self, actor: Actor = SYSTEM_ACTOR) -> list[ChainBreak]:
        """Every case whose hash chain is broken, with its first broken link (administrators
        and the system)."""
        authorise_administration(actor, "校验案卷哈希链", "verify the hash chains")
        return self.store.verify()

    @_query("access_denials")
    def access_denials(
        self, actor: Actor, *, period: Period | None = None, actor_id: str | None = None, role: Role | None = None
    ) -> list[AccessDenial]:
        """The access log: every refused command and query, oldest first, optionally of one
        period (by local day), one actor or one role (administrators)."""
        authorise_administration(actor, "查看访问拒绝记录", "read the access log")
        return access.denials(self.store, period=period, actor_id=actor_id, role=role.value if role else None)

    @_query("reseals")
    def reseals(self, actor: Actor, *, period: Period | None = None, case_id: str | None = None) -> list[ResealEntry]:
        """The retention log: every case file whose chain was re-sealed when its parties were
        anonymised, when, by whom and from which head, oldest first (administrators)."""
        authorise_administration(actor, "查看案卷重新封存记录", "read the retention log")
        return retention.reseals(self.store, period=period, case_id=case_id)

    @_query("anonymise_expired")
    def anonymise_expired(self, on: dt.date, actor: Actor, *, dry_run: bool = False) -> list[Expired]:
        """Anonymise the parties of every archived case whose retention period has ended by
        ``on`` (个人信息保护法 art. 47), each case in its own transaction; cases anonymised
        already are skipped, so a second run does nothing. With ``dry_run`` nothing is written:
        the cases that would be anonymised are listed. Administrators and the system."""
        authorise_administration(actor, "匿名化当事人个人信息", "anonymise the parties' personal data")
        found: list[Expired] = []
        for row in self.store.ledger():
            if row.archived_on is None or row.anonymised_on is not None or row.archived_on.year + 1 > on.year:
                continue  # not archived, done already, or inside the shortest retention (one year)
            state = replay_records(row.case_id, self.store.read(row.case_id))
            if state is None or not due_for_anonymisation(state, on):
                continue
            expired = Expired(
                case_id=row.case_id,
                number=row.number,
                room_id=row.room_id,
                archived_on=row.archived_on,
                retention_years=state.retention_years or 0,
                expired_on=retention_ends(row.archived_on, state.retention_years or 0),
                anonymised=False,
            )
            if not dry_run:
                self._anonymise_one(row.case_id, on, actor)
                expired = attrs.evolve(expired, anonymised=True)
            found.append(expired)
        return found

    def _anonymise_one(self, case_id: str, on: dt.date, actor: Actor) -> None:
        """One case's anonymisation, retried once when another writer moved the case on."""
        command = AnonymiseParties(case_id=case_id, on=on)
        try:
            self.handle(command, actor)
        except ConcurrencyConflictError:
            self.handle(command, actor)


@frozen(kw_only=True)
class Expired:
    """An archived case file whose retention period (保管期限) has ended, and whether the sweep
    anonymised it (``False`` in a dry run)."""

    case_id: str
    number: str | None
    room_id: str
    archived_on: dt.date
    retention_years: int
    expired_on: dt.date
    anonymised: bool


class Bulk:
    """The commands of one bulk unit of work (see :meth:`MediationService.bulk`)."""

    def __init__(
        self, service: MediationService, tx: UnitOfWork, refusals: list[tuple[AuthorisationError, str]]
    ) -> None:
        self._service = service
        self._tx = tx
        self._refusals = refusals
        self._known: dict[str, _Head] = {}
        self.steps: list[_Step] = []

    def handle(self, command: Any, actor: Actor) -> Any:
        """Decide and append ``command`` (and what it entails) inside the bulk unit; return
        the new state. If it raises, nothing of it stays in the unit and the batch may go on."""
        service = self._service
        try:
            service._refuse_internal(command, actor)  # noqa: SLF001 - the service's own loop, shared on purpose
            now = service.clock()
            with self._tx.savepoint():
                steps = service._run(self._tx, command, actor, now, self._known)  # noqa: SLF001
        except AuthorisationError as refused:
            self._refusals.append((refused, f"bulk:{type(command).__name__}"))
            self._known.clear()
            raise
        except BaseException:
            self._known.clear()  # what the refused command cached may describe writes its savepoint undid
            raise
        self.steps.extend(steps)
        return steps[0].state
