"""Commands: decide, seal and append, in one unit of work per command (or per bulk batch).

``handle(command, actor)`` loads the stream (from the head cache when it can), decides, seals the
new events into the hash chain, and appends them with the projection (ledger row, documents,
open deadlines) and outbox notices in one transaction against the expected version; the
commands a decision entails run in the same unit. Observers run after the commit."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import attrs
from attrs import frozen

from mediation_core.app import retention, snapshots
from mediation_core.app.aggregates import CASES, AggregateType
from mediation_core.app.authorisation import authorise_administration
from mediation_core.app.catalogue import BY_COMMAND, BY_NAME
from mediation_core.app.ports import Append, Reseal, Snapshot, UnitOfWork
from mediation_core.app.runtime import ServiceBase, event_of, masked_notice
from mediation_core.app.sealing import seal_after
from mediation_core.app.views import notice_for
from mediation_core.domain.aggregates import RULEBOOK
from mediation_core.domain.errors import (
    AuthorisationError,
    CaseNotFoundError,
    CommandFormatError,
    ConcurrencyConflictError,
    InvalidTransitionError,
    NotFoundError,
    RuleViolationError,
)
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.input import identifier_well_formed, input_violations
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.kernel.shapes import shape_problems
from mediation_core.domain.values.actors import Actor
from mediation_core.records import GENESIS_HASH, RecordedEvent

_MAY_BE_STALE = (
    ConcurrencyConflictError,
    RuleViolationError,
    InvalidTransitionError,
    NotFoundError,
    AuthorisationError,
)
"""What a unit decided on a remembered head that another writer had moved may end in."""
LEGAL_RULES = frozenset(RULEBOOK)
"""The rulebook's names: a county's check names rules of its own, never one of these."""

MAX_STEPS = 64
"""How many commands one command may entail in a unit of work; more means a decision loops."""


@frozen(kw_only=True)
class _Head:
    """A stream as a unit of work last saw it: version, last hash and folded state."""

    version: int
    hash: str
    state: Any
    kind: str = ""
    """The aggregate type whose stream this is (an empty stream: none yet)."""
    snapshot: int = 0
    """The version of the stream's stored snapshot as far as this service knows (0: none)."""


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
MAX_RETRIES = 8
"""The most times ``handle(…, retries=n)`` decides a command again after conflicts."""


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


class Commands(ServiceBase):
    """Commands: ``handle`` and ``bulk`` decide and record, every aggregate through one loop;
    the committed heads of recent streams are kept so that the next command on a stream reads
    and folds only what was appended since."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._heads: OrderedDict[str, _Head] = OrderedDict()
        self._heads_lock = threading.Lock()
        self.stream_cache_size = STREAM_CACHE_SIZE
        self.snapshot_every = snapshots.SNAPSHOT_EVERY

    def handle(self, command: Any, actor: Actor, *, expected_version: int | None = None, retries: int = 0) -> Any:
        """Decide ``command`` and record its events atomically; return the new state.

        A decision may entail commands for other streams (accepting a referral opens its
        case; a concluded entrusted case reports back to the referral): they run in the same
        unit of work, each against its own stream's expected version, so either everything
        is written or nothing is. Raises ``RuleViolationError`` (every broken rule),
        ``AuthorisationError``, a not-found error or ``ConcurrencyConflictError``; in each case
        nothing is written. A command that rewrites a stream (anonymising a case file) is
        followed by the store's compaction, see :meth:`compact`.

        ``expected_version`` is the version of the command's stream the caller decided on (an
        HTTP ``If-Match``): a stream at another version is a ``ConcurrencyConflictError`` and
        nothing is written. Without it the command is decided on the stream as it is now.

        ``retries`` (at most :data:`MAX_RETRIES`) is how many times the service itself decides
        the command again, in a new unit of work against the streams as the other writer left
        them, when another writer got in first; the conflict is raised only after the last.
        Give it only for a command that is safe to retry: one whose decision depends on its
        streams and the command alone, so that deciding it against the newer state is what
        the caller means (docs/storage.md, "Conflicts"); never with ``expected_version``.
        """
        if not 0 <= retries <= MAX_RETRIES:
            msg = f"retries: {retries} is not between 0 and {MAX_RETRIES}"
            raise ValueError(msg)
        if retries and expected_version is not None:
            msg = "retries: a command decided on an expected version is not retried against another"
            raise ValueError(msg)
        return self._handle(command, actor, compact=True, expected_version=expected_version, retries=retries)

    def _handle(
        self, command: Any, actor: Actor, *, compact: bool, expected_version: int | None = None, retries: int = 0
    ) -> Any:
        for attempt in range(retries + 1):
            try:
                self._refuse_internal(command, actor)
                now = self.clock()
                steps = self._decide_and_commit(command, actor, now, expected_version)
            except ConcurrencyConflictError as conflict:
                self._forget(conflict.stream_ids)
                if attempt < retries:
                    continue
                raise
            except AuthorisationError as refused:  # recorded after the refused unit rolled back
                self.access_log.record(refused, f"handle:{type(command).__name__}")
                raise
            break
        self._remember(steps)
        if compact and type(command) in self._aggregate_of(command).rewrites:
            self.compact()
        self._observe(steps)
        return steps[0].state

    def _decide_and_commit(
        self, command: Any, actor: Actor, now: dt.datetime, expected_version: int | None = None
    ) -> list[_Step]:
        """Decide and commit ``command`` in one unit of work, on the remembered heads of its
        streams without reading them (the commit's version check catches another writer,
        ADR 0018). A unit that assumed a head and then conflicts or is refused may have
        decided on a stream another writer had moved: it runs once more, reading."""
        assumed: list[str] = []
        try:
            return self._unit(command, actor, now, assumed, expected_version)
        except ConcurrencyConflictError:
            if not assumed:
                raise
        except _MAY_BE_STALE:  # a refusal: decided again only if a remembered head had moved
            if not assumed or not self._moved(assumed):
                raise
        return self._unit(command, actor, now, None, expected_version)

    def _moved(self, stream_ids: Sequence[str]) -> bool:
        """Whether any of the streams has moved on from (or been re-sealed since) the head this
        service remembers: one read each, only on the refused path."""
        with self.store.transaction() as tx:
            for stream_id in stream_ids:
                with self._heads_lock:
                    head = self._heads.get(stream_id)
                if head is None:
                    return True
                newer = tx.read(stream_id, after=max(head.version - 1, 0))
                last = newer[-1] if newer else None
                if head.version == 0:
                    if newer:
                        return True
                elif len(newer) != 1 or last is None or last.hash != head.hash:
                    return True
        return False

    def _unit(
        self, command: Any, actor: Actor, now: dt.datetime, assumed: list[str] | None, expected_version: int | None
    ) -> list[_Step]:
        with self.store.transaction() as tx:
            steps = self._run(tx, command, actor, now, assumed=assumed, expected_version=expected_version)
            tx.commit()
        return steps

    def compact(self) -> None:
        """Have the store give back the space of rewritten rows, so that what anonymisation
        erased is gone from its files as well (SQLite ``VACUUM`` and an emptied WAL,
        PostgreSQL ``VACUUM``; docs/operations.md). A store without ``compact`` needs none."""
        compact = getattr(self.store, "compact", None)
        if callable(compact):
            compact()

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
        except ConcurrencyConflictError as conflict:
            self._forget(conflict.stream_ids)
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

    def _forget(self, stream_ids: Sequence[str] = ()) -> None:
        """After a conflict: the heads of the streams it names are dropped, so the next load
        reads them from the store (their snapshots and what was appended after); every other
        stream's head stays. A conflict that names no stream clears them all."""
        with self._heads_lock:
            if not stream_ids:
                self._heads.clear()
            for stream_id in stream_ids:
                self._heads.pop(stream_id, None)

    def _drop(self, stream_id: str) -> None:
        with self._heads_lock:
            self._heads.pop(stream_id, None)

    def _load(
        self, tx: UnitOfWork, aggregate: AggregateType, stream_id: str, assumed: list[str] | None = None
    ) -> _Head:
        """The stream's head inside ``tx``: the remembered one, assumed current when
        ``assumed`` collects the streams so taken, else brought up to date; else its snapshot
        brought up to date; else a full replay. A stream grows, so records after a remembered
        or snapshotted version are all that can have changed, unless it was re-sealed (the
        record at that version has another seal: read afresh)."""
        with self._heads_lock:
            head = self._heads.get(stream_id)
        if head is None:
            return self._load_stored(tx, aggregate, stream_id)
        _check_kind(head.kind, aggregate, stream_id)
        if assumed is not None:  # no read: the commit claims this version after this hash
            assumed.append(stream_id)  # first: a store that checks at once may refuse the head
            tx.assume(stream_id, head.version, head.hash)
            return head
        # from the remembered last record on: a stream re-sealed elsewhere (a new seal key,
        # an anonymisation by another process) has another seal there, and is loaded afresh;
        # one that lost records is left to the append's version check (a conflict, which
        # drops the head)
        newer = tx.read(stream_id, after=head.version - 1)
        if newer and newer[0].hash != head.hash:
            self._drop(stream_id)
            return self._load_stored(tx, aggregate, stream_id)
        return _caught_up(aggregate, stream_id, head, newer[1:])

    def _load_stored(self, tx: UnitOfWork, aggregate: AggregateType, stream_id: str) -> _Head:
        """The stream's head from the store: its snapshot and the records after it in one
        read, or (no snapshot to trust) every record folded."""
        snapshot, records = tx.read_with_snapshot(stream_id, snapshots.schema_of(aggregate))
        if snapshot is not None:
            state = None
            if records and records[0].version == snapshot.version and records[0].hash == snapshot.hash:
                state = snapshots.decode(aggregate, snapshot)
            if state is not None:
                head = _Head(
                    version=snapshot.version,
                    hash=snapshot.hash,
                    state=state,
                    kind=aggregate.name,
                    snapshot=snapshot.version,
                )
                return _caught_up(aggregate, stream_id, head, records[1:])
            records = tx.read(stream_id)  # stale or damaged: the records decide
        kind = records[0].event_type.split(".", 1)[0] if records else ""
        _check_kind(kind, aggregate, stream_id)
        state = aggregate.replay(stream_id, [event_of(r) for r in records])
        last = records[-1].hash if records else GENESIS_HASH
        return _Head(version=len(records), hash=last, state=state, kind=kind)

    def _observe(self, steps: Iterable[_Step]) -> None:
        for step in steps:
            for r in step.records:
                self.plugins.event_recorded(event=r, state=step.state)

    def _run(
        self,
        tx: UnitOfWork,
        command: Any,
        actor: Actor,
        now: dt.datetime,
        known: dict[str, _Head] | None = None,
        *,
        assumed: list[str] | None = None,
        expected_version: int | None = None,
    ) -> list[_Step]:
        """Decide ``command`` and, depth first, every follow-on it entails; append each.
        ``known`` (bulk units only) holds the streams this unit already loaded or wrote;
        ``assumed`` collects the streams whose remembered heads were taken without a read;
        ``expected_version`` is the version the caller saw of the command's own stream."""
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
                head = self._load(tx, aggregate, stream_id, assumed)
            else:
                _check_kind(head.kind, aggregate, stream_id)
            if primary and expected_version is not None and head.version != expected_version:
                msg = f"stream {stream_id} is at version {head.version}, not {expected_version}"
                raise ConcurrencyConflictError(msg)
            state = head.state
            org_id = aggregate.scope(cmd, state)
            if primary:  # a follow-on is the decision's own consequence, authorised with its cause
                self._authorise(aggregate, cmd, actor, org_id)
            series = aggregate.numbering(cmd, state)
            context = self.context(now, tx.allocate_number(*series) if series else None)
            reading = self.reading(head.hash)
            context = aggregate.lifecycle.inputs(context, **aggregate.lookup(reading, cmd, context))
            try:
                events, new_state = aggregate.execute(cmd, state, context)
            except RuleViolationError as refused:
                raise RuleViolationError(
                    (*refused.violations, *self._local(aggregate, cmd, state, context, actor))
                ) from None
            local = self._local(aggregate, cmd, state, context, actor)
            if local:
                raise RuleViolationError(local)
            sealed = seal_after(
                stream_id,
                events,
                version=head.version,
                prev_hash=head.hash,
                recorded_at=now,
                actor=actor,
                key=self.seal_keys.sealing,
            )
            sealed, new_state, snapshot = self._write(
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
                snapshot=snapshot.version if snapshot is not None else head.snapshot,
            )
            steps.append(_Step(stream_id=stream_id, records=tuple(sealed), head=head))
            if known is not None:
                known[stream_id] = head
            pending[:0] = [(follow_on, False) for follow_on in aggregate.follow_ons(cmd, events, new_state)]
        return steps

    def _local(
        self, aggregate: AggregateType, command: Any, state: Any, context: DecisionContext, actor: Actor
    ) -> tuple[Violation, ...]:
        """The county's own violations, checked after the legal rules and added to theirs:
        the aggregate's own hook (a referral's acceptance) and ``mediation_command_checks``."""
        return (
            *aggregate.local_checks(self.plugins, command, state, context),
            *self.plugins.command_checks(
                command, state, aggregate=aggregate.name, actor=actor, context=context, rulebook=LEGAL_RULES
            ),
        )

    def _authorise(self, aggregate: AggregateType, command: Any, actor: Actor, org_id: str) -> None:
        """Staff act within their scope; a command that rewrites a stream (anonymising a case
        file) is the administration's decision, for every room."""
        rewrite = aggregate.rewrites.get(type(command))
        if rewrite is not None:
            authorise_administration(actor, rewrite.action_zh, rewrite.action_en)
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
    ) -> tuple[list[RecordedEvent], Any, Snapshot | None]:
        """Append a decided step's records with its projection and notices (or, for a command
        the aggregate declares a rewrite, re-seal the stream); return the records after
        ``head``, the new state and the snapshot written with them (every
        ``snapshot_every`` records, and with every re-sealing)."""
        if type(command) in aggregate.rewrites:
            return self._reseal(
                tx, aggregate, stream_id, head=head, appended=sealed, context=context, now=now, actor=actor
            )
        notices = [
            masked_notice(
                notice_for(
                    n, state, store=self.store, today=context.today, policy=self.policy, registry=self.registry()
                )
            )
            for r in sealed
            for n in self.plugins.notices(event=r, state=state)
        ]
        projection = aggregate.project(state, context, self.reading())
        version = head.version + len(sealed)
        snapshot = None
        if sealed and version - head.snapshot >= self.snapshot_every:
            snapshot = snapshots.encode(aggregate, state, version, sealed[-1].hash)
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
                snapshot=snapshot,
            )
        )
        return list(sealed), state, snapshot

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
    ) -> tuple[list[RecordedEvent], Any, Snapshot]:
        """Anonymise a case file in the store: its records rewritten and sealed again with
        ``appended`` (the ``PartiesAnonymised`` record) after them, the projection of the
        rewritten file, and the re-sealing logged (docs/adr/0008-anonymising-a-sealed-case-file.md).
        Returns the new records after ``head``, the state they fold to and its snapshot, which
        replaces the one that held the parties' data."""
        stored = tx.read(stream_id)
        linked = retention.linked_streams(stream_id, head.state, tx.read, self.store.documents("meeting"))
        names, erase = retention.personal_data(head.state, stored, *(x.stored for x in linked if not x.shared))
        ids = [stream_id, *(x.stream_id for x in linked)]
        records, log = retention.reseal_batch(
            tx,
            stream_id=stream_id,
            state=head.state,
            stored=stored,
            appended=appended,
            now=now,
            actor=actor,
            names=names,
            erase=erase,
            key=self.seal_keys.sealing,
        )
        state = aggregate.replay(stream_id, [event_of(r) for r in records])
        projection = aggregate.project(state, context, self.reading())
        snapshot = snapshots.encode(aggregate, state, len(records), records[-1].hash)
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
                notices=retention.anonymised_notices(self.store.outbox(), ids, names, erase),
                snapshot=snapshot,
            )
        )
        on = getattr(state, "anonymised_on", None) or context.today
        for link in linked:
            self._reseal_linked(
                tx, link, stream_id, names=names, erase=erase, on=on, context=context, now=now, actor=actor
            )
        return records[head.version :], state, snapshot

    def _reseal_linked(
        self,
        tx: UnitOfWork,
        link: retention.Linked,
        case_id: str,
        *,
        names: tuple[str, ...],
        erase: tuple[str, ...],
        on: dt.date,
        context: DecisionContext,
        now: dt.datetime,
        actor: Actor,
    ) -> None:
        """A stream linked to an anonymised case rewritten, re-projected and re-sealed in the
        case's transaction; the service's remembered head of it is dropped (it was rewritten,
        not continued)."""
        aggregate = BY_NAME[link.kind]
        records, log = retention.linked_batch(
            tx,
            link,
            case_id=case_id,
            names=names,
            erase=erase,
            on=on,
            now=now,
            actor=actor,
            key=self.seal_keys.sealing,
        )
        state = aggregate.replay(link.stream_id, [event_of(r) for r in records])
        projection = aggregate.project(state, context, self.reading())
        tx.reseal(
            Reseal(
                stream_id=link.stream_id,
                expected_version=len(link.stored),
                replaced_head=link.stored[-1].hash,
                records=records,
                row=projection.row,
                deadlines=projection.deadlines,
                documents=projection.documents,
                created_at=now,
                log=log,
                for_case=case_id,
                snapshot=snapshots.encode(aggregate, state, len(records), records[-1].hash),
            )
        )
        self._drop(link.stream_id)

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
        aggregate = BY_COMMAND.get(type(command))
        if aggregate is None:
            msg = f"{type(command).__name__} is not a command this service handles @ $"
            raise CommandFormatError([msg])
        return aggregate


def _caught_up(aggregate: AggregateType, stream_id: str, head: _Head, newer: Sequence[RecordedEvent]) -> _Head:
    """``head`` with the records appended after it folded in."""
    if not newer:
        return head
    state = head.state
    for r in newer:
        state = aggregate.evolve(state, event_of(r), stream_id)
    kind = head.kind or newer[0].event_type.split(".", 1)[0]
    return attrs.evolve(head, version=newer[-1].version, hash=newer[-1].hash, state=state, kind=kind)


class Bulk:
    """The commands of one bulk unit of work (see :meth:`Commands.bulk`)."""

    def __init__(self, service: Commands, tx: UnitOfWork, refusals: list[tuple[AuthorisationError, str]]) -> None:
        self._service = service
        self._tx = tx
        self._refusals = refusals
        self._known: dict[str, _Head] = {}
        self.steps: list[_Step] = []

    @property
    def unit(self) -> UnitOfWork:
        """The batch's unit of work, for a service record an adapter keeps with the batch's
        commands in the same transaction (an HTTP request's idempotency key and response,
        filed under :func:`~mediation_core.app.ports.service_record_stream`)."""
        return self._tx

    def handle(self, command: Any, actor: Actor, *, expected_version: int | None = None) -> Any:
        """Decide and append ``command`` (and what it entails) inside the bulk unit; return
        the new state. If it raises, nothing of it stays in the unit and the batch may go on.
        ``expected_version`` as for :meth:`Commands.handle`."""
        service = self._service
        try:
            service._refuse_internal(command, actor)  # noqa: SLF001 - the service's own loop, shared on purpose
            now = service.clock()
            with self._tx.savepoint():
                steps = service._run(  # noqa: SLF001
                    self._tx, command, actor, now, self._known, expected_version=expected_version
                )
        except AuthorisationError as refused:
            self._refusals.append((refused, f"bulk:{type(command).__name__}"))
            self._known.clear()
            raise
        except BaseException:
            self._known.clear()  # what the refused command cached may describe writes its savepoint undid
            raise
        self.steps.extend(steps)
        return steps[0].state
