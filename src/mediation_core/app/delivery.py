"""Delivering the outbox: retries with backoff, an idempotency key, and dead letters.

Notices are written to the outbox in the same transaction as the events that caused them
(or by the deadline sweep), so a notifier being down loses nothing. :func:`deliver_pending`
then hands each due notice to every configured notifier that serves it:

- a worker first *claims* an entry by raising its attempt count with a compare-and-set
  (:meth:`Store.update_outbox` with ``expected_attempts``), so two workers never deliver the
  same notice at once; a claim that is never settled (a crash) expires after
  ``DeliveryPolicy.claim_seconds`` and counts as a failed attempt;
- each notifier is isolated: one failing does not stop the others, and the ones that
  delivered are remembered (``delivered_by``) so a retry goes only to the rest;
- a failure is retried after an exponential backoff; after ``max_attempts`` attempts, or at
  once on a permanent failure (``DeliveryError(permanent=True)``), the entry becomes a dead
  letter, listed by :func:`dead_letters` and put back by :func:`requeue`.

Every delivery carries the notice's key, which receivers use to drop a repeat: the outbox
delivers at least once, and exactly once to any receiver that honours the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import field, frozen

from mediation_core.app.logs import logger, scrub
from mediation_core.app.ports import DeliveryStatus, OutboxEntry, Store
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.recipients import Resolution, resolve
from mediation_core.plugins.manager import PluginError, Plugins
from mediation_core.plugins.types import Deliver, Delivery, DeliveryError, Notifier, Publisher

log = logger("mediation_core.delivery")


class NoChannelsError(PluginError):
    """The outbox was asked to deliver but no notifier is configured."""


MAX_ERROR_CHARS = 2000
"""``last_error`` is cut to this length: a notifier's error page is not worth keeping whole."""


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        msg = f"delivery policy {attribute.name} must be >= 0, got {value}"
        raise ValueError(msg)


def _at_least_one(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        msg = f"delivery policy {attribute.name} must be >= 1, got {value}"
        raise ValueError(msg)


@frozen(kw_only=True)
class DeliveryPolicy:
    """How hard the outbox tries. The n-th retry waits ``first_retry_seconds × factor^(n-1)``,
    at most ``max_backoff_seconds``, plus a spread of up to ``spread`` of that wait derived
    from the notice key (deterministic, so that retries after an outage do not all fall due in
    the same second)."""

    max_attempts: int = field(default=8, validator=_at_least_one)
    first_retry_seconds: float = field(default=60.0, validator=_non_negative)
    factor: float = field(default=2.0, validator=_non_negative)
    max_backoff_seconds: float = field(default=6 * 3600.0, validator=_non_negative)
    spread: float = field(default=0.1, validator=_non_negative)
    claim_seconds: float = field(default=300.0, validator=_non_negative)

    def backoff(self, attempts: int, key: str) -> dt.timedelta:
        """The wait after the ``attempts``-th failed attempt of the notice ``key``."""
        wait = min(self.first_retry_seconds * self.factor ** max(attempts - 1, 0), self.max_backoff_seconds)
        fraction = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") / 2**32
        return dt.timedelta(seconds=wait * (1 + self.spread * fraction))


@frozen(kw_only=True)
class NotifierConfig:
    """One notifier as a deployment configures it.

    ``name`` is this channel's own name (``"centre-robot"``), ``backend`` the registered
    notifier it uses (``"dingtalk"``), ``settings`` what that notifier reads. ``kinds``
    restricts the channel to notice kinds and ``roles`` to recipient roles (empty: all)."""

    name: str
    backend: str
    settings: Mapping[str, str] = field(factory=dict, repr=False)
    kinds: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()


@frozen(kw_only=True)
class Channel:
    """A configured, opened notifier."""

    name: str
    deliver: Deliver = field(eq=False, repr=False)
    kinds: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()

    def serves(self, notice: Notice) -> bool:
        """True when the notice's kind and at least one recipient role are this channel's."""
        if self.kinds and notice.kind.value not in self.kinds:
            return False
        return not self.roles or any(r.role in self.roles for r in notice.recipients)

    def close(self) -> None:
        """Release what the opened notifier holds (an HTTP client's connections): a ``deliver``
        with a ``close`` method has it called; one without holds nothing open."""
        close = getattr(self.deliver, "close", None)
        if callable(close):
            close()

    def delivery(self, notice: Notice, resolution: Resolution, attempt: int) -> Delivery:
        def keep(role: str) -> bool:
            return not self.roles or role in self.roles

        return Delivery(
            notice=notice,
            addressees=tuple(a for a in resolution.addressees if keep(a.role)),
            unresolved=tuple(r for r in resolution.unresolved if keep(r.role)),
            attempt=attempt,
            channel=self.name,
        )


def open_channels(configs: Sequence[NotifierConfig], plugins: Plugins) -> tuple[Channel, ...]:
    """Open every configured notifier. A notifier the configuration names must be there and
    work: a missing plugin, a missing optional library or a bad setting stops with an error
    that says what to install or fix, never a silent fallback."""
    unique_names("notifier channel", [c.name for c in configs])
    available = plugins.notifiers()
    return tuple(
        Channel(
            name=config.name,
            deliver=open_configured(("notifier", "channel", "notifier channel"), available, config, plugins),
            kinds=config.kinds,
            roles=config.roles,
        )
        for config in configs
    )


def unique_names(what: str, names: Sequence[str]) -> None:
    """Refuse a configuration that gives two channels (or subscribers) one name."""
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        msg = f"{what} names must be unique; repeated: {', '.join(doubled)}"
        raise PluginError(msg)


def open_configured(words: tuple[str, str, str], available: Mapping[str, Any], config: Any, plugins: Plugins) -> Any:
    """Open the plugin ``config.backend`` names (a notifier or a publisher) with its settings:
    a plugin not installed (or failed to load), a library it needs missing or a bad setting is
    a :class:`PluginError` saying which. ``words`` name the plugin, what is configured and how
    an opening error calls it: ``("notifier", "channel", "notifier channel")``."""
    kind, owner, label = words
    plugin = available.get(config.backend)
    if plugin is None:
        failed = [f"{s.name} ({s.error})" for s in plugins.statuses if s.state == "failed"]
        msg = (
            f"{kind} {config.backend!r} ({owner} {config.name!r}) is not available; "
            f"installed: {', '.join(available) or 'none'}"
        ) + (f"; failed to load: {', '.join(failed)}" if failed else "")
        raise PluginError(msg)
    check_requirements(kind, plugin)
    try:
        return plugin.open(config.settings)
    except (ValueError, KeyError) as exc:
        msg = f"{label} {config.name!r} ({config.backend}): {exc}"
        raise PluginError(msg) from exc


def check_requirements(what: str, plugin: Notifier | Publisher) -> None:
    """Refuse a notifier or publisher whose libraries are not installed, naming its extra."""
    missing = [m for m in plugin.requires if importlib.util.find_spec(m) is None]
    if missing:
        hint = f': pip install "mediation-core[{plugin.extra}]"' if plugin.extra else ""
        msg = f"{what} {plugin.name!r} needs {', '.join(missing)}{hint}"
        raise PluginError(msg)


@frozen(kw_only=True)
class DeliveryReport:
    """What one :func:`deliver_pending` run did, by notice key."""

    delivered: tuple[str, ...] = ()
    retrying: tuple[str, ...] = ()
    dead: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # claimed by another worker meanwhile

    @property
    def attempted(self) -> int:
        return len(self.delivered) + len(self.retrying) + len(self.dead)


def _is_due(entry: OutboxEntry, now: dt.datetime) -> bool:
    return entry.status is DeliveryStatus.PENDING and (entry.next_attempt_at is None or entry.next_attempt_at <= now)


def deliver_pending(
    store: Store,
    channels: Sequence[Channel],
    now: dt.datetime,
    policy: DeliveryPolicy | None = None,
    limit: int | None = None,
) -> DeliveryReport:
    """Deliver every pending notice that is due at ``now`` (oldest first, at most ``limit``)."""
    policy = policy or DeliveryPolicy()
    due = [e for e in store.outbox(DeliveryStatus.PENDING) if _is_due(e, now)]
    if limit is not None:
        due = due[:limit]
    registry = store.registry() if due else None
    outcome: dict[str, list[str]] = {"delivered": [], "retrying": [], "dead": [], "skipped": []}
    for entry in due:
        claimed = attrs.evolve(entry, attempts=entry.attempts + 1, next_attempt_at=now + _seconds(policy.claim_seconds))
        try:
            store.update_outbox(claimed, expected_attempts=entry.attempts)
        except ConcurrencyConflictError:
            outcome["skipped"].append(entry.notice.key)
            continue
        assert registry is not None
        settled = _attempt(claimed, channels, resolve(entry.notice.recipients, registry), now, policy)
        try:
            store.update_outbox(settled, expected_attempts=claimed.attempts)
        except ConcurrencyConflictError:  # our claim expired mid-delivery and another worker took over
            log.warning(
                "notice %s was reclaimed during a slow delivery; its receivers see the key twice", entry.notice.key
            )
            outcome["skipped"].append(entry.notice.key)
            continue
        bucket = {DeliveryStatus.DELIVERED: "delivered", DeliveryStatus.DEAD: "dead"}.get(settled.status, "retrying")
        outcome[bucket].append(entry.notice.key)
    return DeliveryReport(**{k: tuple(v) for k, v in outcome.items()})


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def _attempt(
    entry: OutboxEntry, channels: Sequence[Channel], resolution: Resolution, now: dt.datetime, policy: DeliveryPolicy
) -> OutboxEntry:
    """Try every serving channel not yet delivered to; return the settled entry."""
    notice = entry.notice
    serving = [c for c in channels if c.serves(notice)]
    if not serving:
        kinds = notice.kind.value
        roles = ", ".join(sorted({r.role for r in notice.recipients})) or "none"
        error = f"没有通知渠道接收此类通知 / no notifier is configured for kind {kinds} and roles {roles}"
        return attrs.evolve(entry, status=DeliveryStatus.DEAD, next_attempt_at=None, last_error=error)
    delivered = list(entry.delivered_by)
    errors: list[str] = []
    permanent = False
    for channel in serving:
        if channel.name in delivered:
            continue
        try:
            channel.deliver(channel.delivery(notice, resolution, entry.attempts))
        except DeliveryError as exc:
            permanent = permanent or exc.permanent
            errors.append(scrub(f"{channel.name}: {exc}{' (permanent)' if exc.permanent else ''}"))
        except Exception as exc:  # noqa: BLE001 - a notifier's failure is isolated and recorded, never raised
            errors.append(scrub(f"{channel.name}: {type(exc).__name__}: {exc}"))
        else:
            delivered.append(channel.name)
    # a gateway may echo a phone number, an HTTP error may quote a robot URL with its token:
    # the error is scrubbed before it is logged or stored
    for error in errors:
        log.warning("notice %s attempt %d failed: %s", notice.key, entry.attempts, error)
    last_error = "; ".join(errors)[:MAX_ERROR_CHARS]
    if not errors:
        return attrs.evolve(
            entry,
            status=DeliveryStatus.DELIVERED,
            delivered_by=tuple(delivered),
            delivered_at=now,
            next_attempt_at=None,
            last_error=entry.last_error,
        )
    if permanent or entry.attempts >= policy.max_attempts:
        return attrs.evolve(
            entry,
            status=DeliveryStatus.DEAD,
            delivered_by=tuple(delivered),
            next_attempt_at=None,
            last_error=last_error,
        )
    return attrs.evolve(
        entry,
        delivered_by=tuple(delivered),
        next_attempt_at=now + policy.backoff(entry.attempts, notice.key),
        last_error=last_error,
    )


def dead_letters(store: Store) -> list[OutboxEntry]:
    """Notices the outbox gave up on, oldest first, each with its last error (scrubbed again:
    an entry stored by an older release may quote a number its gateway echoed)."""
    return [attrs.evolve(e, last_error=scrub(e.last_error)) for e in store.outbox(DeliveryStatus.DEAD)]


def requeue(store: Store, keys: Iterable[str], now: dt.datetime) -> list[str]:
    """Put dead letters back in the queue (after the cause was fixed) with a fresh count of
    attempts; notifiers that had delivered them are not written to again. Returns the keys
    requeued; a key that is not a dead letter is left alone."""
    done = []
    for key in keys:
        entry = store.outbox_entry(key)
        if entry is None or entry.status is not DeliveryStatus.DEAD:
            continue
        fresh = attrs.evolve(entry, status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now)
        try:
            store.update_outbox(fresh, expected_attempts=entry.attempts)
        except ConcurrencyConflictError:
            continue
        done.append(key)
    return done
