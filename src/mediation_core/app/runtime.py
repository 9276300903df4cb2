"""What every part of the service shares: the store, the county's policy, calendar and plugins,
the clock, the registry snapshot, the access log, and the decorator that logs a query's refusals."""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import secrets
import threading
import uuid
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Concatenate, NoReturn, ParamSpec, Self, TypeVar, cast

import attrs

from mediation_core.app.access import AccessLog
from mediation_core.app.aggregates import Reading
from mediation_core.app.authorisation import authorise_administration
from mediation_core.app.delivery import Channel, DeliveryPolicy
from mediation_core.app.logs import logger
from mediation_core.app.ports import Store
from mediation_core.app.relay import RELAY_POLICY
from mediation_core.app.views import Viewer, people_of_case
from mediation_core.calendars import NATIONAL
from mediation_core.domain.errors import AuthorisationError, CommandFormatError, ServiceClosedError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.input import text_problems
from mediation_core.domain.reporting.repeats import PartyKeyer
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.calendar import WorkingDayCalendar, local_date
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.privacy import mask_text
from mediation_core.plugins.manager import Plugins
from mediation_core.records import NO_KEYS, RecordedEvent, SealKeys
from mediation_core.serialization import event_from_body


def utc_now() -> dt.datetime:
    """The real clock; inject another for tests and replays."""
    return dt.datetime.now(dt.UTC)


def event_of(r: RecordedEvent) -> DomainEvent:
    """The typed event inside a stored record (upcast to the current schema)."""
    return event_from_body(r.event_type, r.schema_version, r.body)


P = ParamSpec("P")
R = TypeVar("R")
B = TypeVar("B", bound="ServiceBase")
_QUERY: contextvars.ContextVar[str | None] = contextvars.ContextVar("mediation_query", default=None)
"""The query being answered in this context (a query built from others records its refusals once)."""


QUERIES: dict[str, str] = {}
"""Every query (and administrative operation) of the service by its action name, with the
method that implements it: the list a check of every read path walks."""


def query(
    action: str,
) -> Callable[[Callable[Concatenate[B, P], R]], Callable[Concatenate[B, P], R]]:
    """A query (or administrative operation) whose refusals go to the access log."""

    def wrap(method: Callable[Concatenate[B, P], R]) -> Callable[Concatenate[B, P], R]:
        QUERIES[action] = method.__qualname__

        @functools.wraps(method)
        def guarded(self: B, /, *args: P.args, **kwargs: P.kwargs) -> R:
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


LOG = logger("mediation_core.service")


class _ClosedStore:
    """What a closed service holds in place of its store: every use is a clear error, not a
    silent reconnection (a disposed SQLAlchemy engine would open new connections)."""

    def __getattr__(self, name: str) -> NoReturn:
        msg = f"the service is closed (store.{name}): open a new service to go on"
        raise ServiceClosedError(msg)


class ServiceBase:
    """What the parts of the service share: the store, the county's policy, calendar,
    categories and plugins, the clock, the keyer of party identities, the registry snapshot and
    the access log (the arguments are :class:`~mediation_core.app.service.MediationService`'s).

    A service is used from many threads at once (docs/concurrency.md) and closed once:
    :meth:`close`, or a ``with`` block (``with open_service(config) as service: ...``)."""

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
        relay_policy: DeliveryPolicy | None = None,
        seal_keys: SealKeys = NO_KEYS,
        anchor_keys: SealKeys = NO_KEYS,
    ) -> None:
        self.store = store
        self.seal_keys = seal_keys
        self.anchor_keys = anchor_keys
        self.channels = tuple(channels)
        self.delivery_policy = delivery_policy or DeliveryPolicy()
        self.relay_policy = relay_policy or RELAY_POLICY
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
        self.access_log = AccessLog(store, clock, seal_keys.sealing)
        self._close_lock = threading.Lock()
        self._closed = False

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._closed

    def close(self) -> None:
        """Close the store (its connections) and the notifier channels (their HTTP clients).
        Idempotent. Afterwards every command, query or job raises ``ServiceClosedError``. Close
        when the work in other threads is done: a command already inside its transaction
        finishes on its connection, but nothing new starts."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            store = self.store
            self.store = cast("Store", _ClosedStore())
            self.access_log = AccessLog(self.store, self.clock, self.seal_keys.sealing)
            self._registry = None
        try:
            for channel in self.channels:
                try:
                    channel.close()
                except Exception as exc:  # noqa: BLE001 - one channel's failure must not keep the store open
                    LOG.warning("closing notifier channel %r failed: %s: %s", channel.name, type(exc).__name__, exc)
        finally:
            store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # -- registry -------------------------------------------------------------------------
    def registry(self) -> Registry:
        """The organisation registry (cached; refreshed by :meth:`register`)."""
        if self._registry is None:
            self._registry = self.store.registry()
        return self._registry

    @query("register")
    def register(self, registry: Registry, actor: Actor) -> Registry:
        """Add or replace organisations, mediators and liaisons. Their names and ids are held
        to the input rules' characters and identifiers (``CommandFormatError`` otherwise)."""
        authorise_administration(actor)
        problems = text_problems(registry)
        if problems:
            raise CommandFormatError(problems)
        self.store.save_registry(registry)
        self._registry = self.store.registry()
        return self._registry

    def context(self, now: dt.datetime, sequence: int | None = None) -> DecisionContext:
        """What every decision reads at ``now``; an aggregate's lifecycle widens it to its own."""
        return DecisionContext(
            now=now,
            policy=self.policy,
            calendar=self.calendar,
            registry=self.registry(),
            categories=self.categories,
            sequence=sequence,
        )

    def reading(self, stream_head: str = "") -> Reading:
        """What an aggregate's lookup and projection may read besides the command."""
        return Reading(
            store=self.store,
            party_keyer=self.party_keyer,
            stream_head=stream_head,
            evaluation_items=self.evaluation_items,
        )

    def viewer(self, actor: Actor) -> Viewer:
        """What ``actor`` may see of the parties' personal data (see :mod:`.views`)."""
        store = self.store
        return Viewer(
            actor,
            self.registry(),
            self.policy,
            people=lambda case_id: people_of_case(store, case_id)[0],
            today=local_date(self.clock()),
        )
