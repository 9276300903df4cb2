"""Jobs a deployment runs on a timer, as the system or an administrator: the deadline sweep,
outbox delivery, dead letters and requeueing, the event relay to a message broker, and
retention (anonymising expired case files)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
from attrs import frozen

from mediation_core.app import delivery, relay
from mediation_core.app.authorisation import Readers, authorise_administration, may_read_case, may_read_linked
from mediation_core.app.catalogue import BY_NAME, document_readers
from mediation_core.app.commands import Commands
from mediation_core.app.delivery import DeliveryReport
from mediation_core.app.ports import OutboxEntry, RelayPosition, RelayStore
from mediation_core.app.queries import Queries, replay_records
from mediation_core.app.relay import RelayLag, RelayReport, Subscriber, Viewed
from mediation_core.app.runtime import event_of, masked_notice, query
from mediation_core.app.views import notice_for, people_in, people_of_case
from mediation_core.domain.case.commands import AnonymiseParties
from mediation_core.domain.case.retention import due_for_anonymisation, retention_ends
from mediation_core.domain.errors import ConcurrencyConflictError, StoreError
from mediation_core.domain.values.actors import SYSTEM_ACTOR, Actor
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.deadlines import DueItem, due
from mediation_core.records import RecordedEvent


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


class Jobs(Commands, Queries):
    """The deployment's timed jobs: the deadline sweep, outbox delivery and dead letters, and
    the anonymisation of case files whose retention period has ended."""

    @query("sweep")
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
        registry = self.registry()
        notices = []
        for item in items:
            if item.stream_id not in states:
                states[item.stream_id] = self._state_of(item.stream_id)
            reminders = self.plugins.deadline_notices(item=item, state=states[item.stream_id])
            state = states[item.stream_id]
            notices += [
                masked_notice(
                    notice_for(n, state, store=self.store, today=today, policy=self.policy, registry=registry)
                )
                for n in reminders
            ]
        if notices:
            with self.store.transaction() as tx:
                tx.enqueue(notices, now)
                tx.commit()
        return items

    @query("deliver_pending")
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

    @query("dead_letters")
    def dead_letters(self, actor: Actor) -> list[OutboxEntry]:
        """Notices the outbox gave up on, with their last error (administrators)."""
        authorise_administration(actor, "查看投递失败的通知", "read dead letters")
        return delivery.dead_letters(self.store)

    @query("requeue")
    def requeue(self, keys: Sequence[str], actor: Actor) -> list[str]:
        """Put dead letters back in the queue once the cause is fixed (administrators)."""
        authorise_administration(actor, "重新投递通知", "requeue dead letters")
        return delivery.requeue(self.store, keys, self.clock())

    # -- the event relay (docs/events.md) ---------------------------------------------------
    def _relay_store(self) -> RelayStore:
        if not isinstance(self.store, RelayStore):
            msg = f"store {type(self.store).__name__} keeps no relay positions: the event relay cannot run on it"
            raise StoreError(msg)
        return self.store

    @query("relay")
    def relay(
        self,
        subscriber: Subscriber,
        now: dt.datetime | None = None,
        limit: int | None = None,
        *,
        actor: Actor = SYSTEM_ACTOR,
    ) -> RelayReport:
        """Publish to ``subscriber`` the events it has not had yet, stream by stream in version
        order, in its personal-data view (:mod:`mediation_core.app.relay`); at most ``limit``
        streams. A job of the deployment's timer: the system or an administrator."""
        authorise_administration(actor, "发布事件", "relay events to a message broker")
        return relay.relay_pending(
            self._relay_store(),
            self.store.read,
            self._relayed,
            subscriber,
            now=now or self.clock(),
            policy=self.relay_policy,
            limit=limit,
        )

    def _relayed(self, reader: Actor, stream_id: str, records: Sequence[RecordedEvent]) -> Viewed | None:
        """A stream as ``reader`` may read it, checked and viewed as the case file and
        :meth:`load` check and view it for that reader; ``None`` when it may not read it."""
        kind = BY_NAME.get(records[0].event_type.split(".", 1)[0])
        if kind is None:
            return None  # the access log, imported ledger rows …: no aggregate's stream
        own = [r for r in records if r.event_type.startswith(f"{kind.name}.")]
        state = kind.replay(stream_id, [event_of(r) for r in own])
        if state is None:
            return None
        registry = self.registry()
        viewer = self.viewer(reader)
        if kind.name == "case":
            if not may_read_case(reader, state.room_id, registry):
                return None
            names, sensitive = people_of_case(self.store, stream_id)
            orgs: tuple[str, ...] = (state.room_id,)
        else:
            documents = kind.project(state, self.context(self.clock()), self.reading()).documents
            readers = document_readers(documents[0]) if documents else Readers()
            if not may_read_linked(reader, readers, registry):
                return None
            names, sensitive = people_in(self.store, state, local_date(self.clock()))
            orgs = (*readers.orgs, *readers.stations)
        return Viewed(
            aggregate=kind.name,
            records=viewer.records(records, *orgs, names=names, sensitive=sensitive),
            view=viewer.view(*orgs, sensitive=sensitive),
        )

    @query("relay_lag")
    def relay_lag(self, subscribers: Sequence[str], actor: Actor) -> list[RelayLag]:
        """How far behind each named subscriber is (administrators)."""
        authorise_administration(actor, "查看事件发布进度", "read the relay's progress")
        store = self._relay_store()
        return [relay.lag(store, name) for name in subscribers]

    @query("relay_dead_letters")
    def relay_dead_letters(self, actor: Actor, subscriber: str | None = None) -> list[RelayPosition]:
        """Streams the relay gave up on, with their last error (administrators)."""
        authorise_administration(actor, "查看发布失败的事件", "read the relay's dead letters")
        return relay.dead_letters(self._relay_store(), subscriber)

    @query("relay_requeue")
    def relay_requeue(self, subscriber: str, stream_ids: Sequence[str], actor: Actor) -> list[str]:
        """Put a subscriber's dead streams back once the cause is fixed (administrators)."""
        authorise_administration(actor, "重新发布事件", "requeue the relay's dead letters")
        return relay.requeue(self._relay_store(), subscriber, stream_ids, self.clock())

    @query("anonymise_expired")
    def anonymise_expired(self, on: dt.date, actor: Actor, *, dry_run: bool = False) -> list[Expired]:
        """Anonymise the parties of every archived case whose retention period has ended by
        ``on`` (个人信息保护法 art. 47), each case in its own transaction; cases anonymised
        already are skipped, so a second run does nothing. With ``dry_run`` nothing is written:
        the cases that would be anonymised are listed. Once the last case is committed, the
        store is compacted (:meth:`compact`), so the erased data leaves its files too.
        Administrators and the system."""
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
        if any(e.anonymised for e in found):
            self.compact()
        return found

    def _anonymise_one(self, case_id: str, on: dt.date, actor: Actor) -> None:
        """One case's anonymisation, retried once when another writer moved the case on."""
        command = AnonymiseParties(case_id=case_id, on=on)
        try:
            self._handle(command, actor, compact=False)
        except ConcurrencyConflictError:
            self._handle(command, actor, compact=False)
