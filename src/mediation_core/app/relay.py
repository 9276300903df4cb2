"""The event relay: recorded events published to a message broker, per subscriber, in its view.

A subscriber is configured like a notifier (a name, the publisher plugin and its settings) and
reads as an :class:`~mediation_core.domain.values.actors.Actor`: it receives the streams that
actor may read, each event's body in that actor's personal-data view (a child's case withheld
from everyone who would see it masked), and nothing of a stream it may not read.

Nothing on the append path changes. The store keeps, per subscriber and stream, the last
version published (:class:`~mediation_core.app.ports.RelayStore`); :func:`relay_pending` finds
the streams ahead of their position, publishes each one's new events in version order through
the subscriber's :class:`~mediation_core.plugins.types.EventSink` (which returns only once the
broker has confirmed), then moves the position on. A relay that dies between a publication and
the move publishes the same events again: each message's id is ``<stream id>:<version>``, by
which consumers drop a repeat. Claims, retries with backoff and dead letters work as in the
notifier outbox (:mod:`mediation_core.app.delivery`), per stream.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs
from attrs import field, frozen

from mediation_core.app.delivery import MAX_ERROR_CHARS, DeliveryPolicy, open_configured, unique_names
from mediation_core.app.logs import logger, scrub
from mediation_core.app.ports import RelayPosition, RelayStatus, RelayStore, is_identity_key_stream
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.privacy import PersonalDataView
from mediation_core.plugins.manager import Plugins
from mediation_core.plugins.types import EventMessage, EventSink, PublishError
from mediation_core.records import RecordedEvent

log = logger("mediation_core.relay")

MESSAGE_FORMAT = 1
"""The version of the message body's layout (docs/events.md), in every message's ``format``."""

RELAY_POLICY = DeliveryPolicy(max_attempts=8, first_retry_seconds=30.0, claim_seconds=120.0)
"""How hard the relay tries by default: the outbox's backoff, a shorter first wait and claim
(a broker is back sooner than a county's SMS gateway)."""


def _subscriber_name(_: object, __: object, value: str) -> None:
    if not value or len(value) > 64 or not all(c.isascii() and (c.isalnum() or c in "_.-") for c in value):
        msg = f"subscriber name {value!r}: letters, digits and _ . -, at most 64 characters"
        raise ValueError(msg)


@frozen(kw_only=True)
class SubscriberConfig:
    """One subscriber as a deployment configures it: ``name`` (its positions are kept under
    it), ``backend`` the registered publisher (``"amqp"``), ``actor`` whom it reads as, and
    ``settings`` what the publisher reads (the broker's address, the exchange …)."""

    name: str = field(validator=_subscriber_name)
    actor: Actor
    backend: str = "amqp"
    settings: Mapping[str, str] = field(factory=dict, repr=False)


@frozen(kw_only=True)
class Subscriber:
    """A configured subscriber with its opened publisher."""

    name: str
    actor: Actor
    sink: EventSink = field(eq=False, repr=False)


def open_subscribers(configs: Sequence[SubscriberConfig], plugins: Plugins) -> tuple[Subscriber, ...]:
    """Open every configured subscriber's publisher: a missing plugin, library or setting is an
    error that says what to install or fix. Close them with :func:`close_subscribers`."""
    unique_names("subscriber", [c.name for c in configs])
    available = plugins.publishers()
    opened: list[Subscriber] = []
    try:
        for config in configs:
            sink = open_configured(("publisher", "subscriber", "subscriber"), available, config, plugins)
            opened.append(Subscriber(name=config.name, actor=config.actor, sink=sink))
    except BaseException:
        close_subscribers(opened)
        raise
    return tuple(opened)


def close_subscribers(subscribers: Iterable[Subscriber]) -> None:
    for subscriber in subscribers:
        try:
            subscriber.sink.close()
        except Exception as exc:  # noqa: BLE001 - closing a broken connection is not worth failing over
            log.warning("closing subscriber %s: %s", subscriber.name, scrub(str(exc)))


@frozen(kw_only=True)
class Viewed:
    """A stream as one subscriber may read it: its aggregate (``case``), its records with the
    bodies in the subscriber's view, and which view that is."""

    aggregate: str
    records: tuple[RecordedEvent, ...]
    view: PersonalDataView


ViewStream = Callable[[Actor, str, Sequence[RecordedEvent]], Viewed | None]
"""The stream ``stream_id`` (all its records given) as ``actor`` may read it, or ``None`` when the
actor may not read it or it is none of the aggregates' streams (the access log …)."""


def message_id(stream_id: str, version: int) -> str:
    """The id consumers de-duplicate on: the stream and the version, which never change."""
    return f"{stream_id}:{version}"


def message_of(record: RecordedEvent, viewed: Viewed) -> EventMessage:
    """The message of one recorded event, its body already in the subscriber's view."""
    key = message_id(record.stream_id, record.version)
    body = {
        "format": MESSAGE_FORMAT,
        "message_id": key,
        "stream_id": record.stream_id,
        "version": record.version,
        "aggregate": viewed.aggregate,
        "event_type": record.event_type,
        "schema_version": record.schema_version,
        "recorded_at": record.recorded_at.isoformat(),
        "recorded_by": record.actor,
        "view": viewed.view.value,
        "body": record.body,
    }
    return EventMessage(
        message_id=key,
        routing_key=record.event_type,
        body=json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"),
        headers={
            "event_type": record.event_type,
            "aggregate": viewed.aggregate,
            "stream_id": record.stream_id,
            "version": record.version,
            "schema_version": record.schema_version,
            "view": viewed.view.value,
        },
    )


@frozen(kw_only=True)
class RelayReport:
    """What one :func:`relay_pending` run did for one subscriber: messages published (a repeat
    after a crash counts again), and by stream id the streams caught up, still retrying, given
    up on, passed over (the subscriber may not read them: moved on, nothing published) and
    claimed by another relay meanwhile."""

    subscriber: str
    published: int = 0
    caught_up: tuple[str, ...] = ()
    retrying: tuple[str, ...] = ()
    dead: tuple[str, ...] = ()
    passed_over: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


def relay_pending(
    store: RelayStore,
    read: Callable[[str], list[RecordedEvent]],
    view: ViewStream,
    subscriber: Subscriber,
    *,
    now: dt.datetime,
    policy: DeliveryPolicy = RELAY_POLICY,
    limit: int | None = None,
) -> RelayReport:
    """Publish to ``subscriber`` the new events of every stream that is due (at most ``limit``
    streams), each stream in version order, and move its position on."""
    outcome: dict[str, list[str]] = {k: [] for k in ("caught_up", "retrying", "dead", "passed_over", "skipped")}
    published = 0
    for position in store.relay_backlog(subscriber.name, now, limit):
        claimed = attrs.evolve(
            position, attempts=position.attempts + 1, next_attempt_at=now + dt.timedelta(seconds=policy.claim_seconds)
        )
        try:
            store.save_relay_position(claimed, expected=position)
        except ConcurrencyConflictError:
            outcome["skipped"].append(position.stream_id)
            continue
        records = read(position.stream_id)
        viewed = (
            None
            if is_identity_key_stream(position.stream_id) or not records
            else view(subscriber.actor, position.stream_id, records)
        )
        if viewed is None:
            settled = _caught_up(claimed, records[-1].version if records else position.head)
            bucket = "passed_over"
        else:
            settled, sent = _publish(claimed, viewed, subscriber, now, policy)
            published += sent
            bucket = {RelayStatus.DEAD: "dead"}.get(settled.status, "retrying" if settled.last_error else "caught_up")
        try:
            store.save_relay_position(settled, expected=claimed)
        except ConcurrencyConflictError:  # our claim expired meanwhile and another relay took the stream
            log.warning(
                "stream %s was reclaimed during a slow publication; its events go out twice", position.stream_id
            )
            outcome["skipped"].append(position.stream_id)
            continue
        outcome[bucket].append(position.stream_id)
    return RelayReport(subscriber=subscriber.name, published=published, **{k: tuple(v) for k, v in outcome.items()})


def _caught_up(claimed: RelayPosition, version: int) -> RelayPosition:
    return attrs.evolve(claimed, version=version, attempts=0, next_attempt_at=None, last_error="")


def _publish(
    claimed: RelayPosition, viewed: Viewed, subscriber: Subscriber, now: dt.datetime, policy: DeliveryPolicy
) -> tuple[RelayPosition, int]:
    """Publish the records after the position, in order, until one fails; the settled position."""
    done = claimed.version
    sent = 0
    error = ""
    permanent = False
    for record in viewed.records:
        if record.version <= claimed.version:
            continue
        try:
            subscriber.sink.publish(message_of(record, viewed))
        except PublishError as exc:
            permanent = exc.permanent
            error = scrub(f"{message_id(record.stream_id, record.version)}: {exc}{' (permanent)' if permanent else ''}")
            break
        except Exception as exc:  # noqa: BLE001 - a broker's failure is recorded and retried, never raised
            error = scrub(f"{message_id(record.stream_id, record.version)}: {type(exc).__name__}: {exc}")
            break
        done, sent = record.version, sent + 1
        log.debug("published %s to %s", message_id(record.stream_id, record.version), subscriber.name)
    if not error:
        return _caught_up(claimed, done), sent
    log.warning("relay to %s: stream %s stopped at version %d: %s", subscriber.name, claimed.stream_id, done, error)
    attempts = 1 if done > claimed.version else claimed.attempts  # progress starts the count again
    failed = attrs.evolve(claimed, version=done, attempts=attempts, last_error=error[:MAX_ERROR_CHARS])
    if permanent or attempts >= policy.max_attempts:
        return attrs.evolve(failed, status=RelayStatus.DEAD, next_attempt_at=None), sent
    return attrs.evolve(failed, next_attempt_at=now + policy.backoff(attempts, claimed.stream_id)), sent


@frozen(kw_only=True)
class RelayLag:
    """How far behind one subscriber is: streams and events not yet published (those waiting
    for a retry included, dead letters not), and the streams retrying and given up on."""

    subscriber: str
    streams_behind: int
    events_behind: int
    retrying: int
    dead: int


def lag(store: RelayStore, subscriber: str) -> RelayLag:
    behind = store.relay_backlog(subscriber)
    dead = store.relay_positions(subscriber, RelayStatus.DEAD)
    return RelayLag(
        subscriber=subscriber,
        streams_behind=len(behind),
        events_behind=sum(p.head - p.version for p in behind),
        retrying=sum(1 for p in behind if p.last_error),
        dead=len(dead),
    )


def dead_letters(store: RelayStore, subscriber: str | None = None) -> list[RelayPosition]:
    """Streams the relay gave up on (for one subscriber, or all), each with its last error."""
    return [
        attrs.evolve(p, last_error=scrub(p.last_error)) for p in store.relay_positions(subscriber, RelayStatus.DEAD)
    ]


def requeue(store: RelayStore, subscriber: str, stream_ids: Iterable[str], now: dt.datetime) -> list[str]:
    """Put dead streams of ``subscriber`` back, with a fresh count of attempts, once the cause
    is fixed; the relay goes on from the last version it published. Returns the stream ids
    requeued; one that is not a dead letter is left alone."""
    dead = {p.stream_id: p for p in store.relay_positions(subscriber, RelayStatus.DEAD)}
    done = []
    for stream_id in stream_ids:
        position = dead.get(stream_id)
        if position is None:
            continue
        fresh = attrs.evolve(position, status=RelayStatus.PENDING, attempts=0, next_attempt_at=now)
        try:
            store.save_relay_position(fresh, expected=position)
        except ConcurrencyConflictError:
            continue
        done.append(stream_id)
    return done
