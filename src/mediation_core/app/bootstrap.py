"""Opening a deployment: pick the configured store backend by name, never fall back."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs
from attrs import field, frozen

from mediation_core.app.aggregates import CASES
from mediation_core.app.delivery import DeliveryPolicy, NotifierConfig, open_channels
from mediation_core.app.ports import (
    IDENTITY_KEY_DOCUMENT,
    IDENTITY_KEY_STREAM,
    Append,
    Document,
    Store,
)
from mediation_core.app.relay import RELAY_POLICY, SubscriberConfig
from mediation_core.app.runtime import event_of
from mediation_core.app.service import MediationService, utc_now
from mediation_core.calendars import NATIONAL
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.domain.kernel.input import IDENTIFIER
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.plugins.manager import PluginError, Plugins, load_plugins
from mediation_core.records import NO_KEYS, SealKey, SealKeyError, SealKeys
from mediation_core.serialization import structure

DEFAULT_STORE = "sqlite"
"""The embedded SQLite file (``mediation_sqlalchemy``); ``memory`` keeps nothing on exit."""
EPHEMERAL_STORE = "memory"
"""The one backend whose data dies with the process, so a per-process identity key suffices."""


class ConfigurationError(Exception):
    """The deployment's configuration is incomplete or contradictory."""


class IdentityKeyMismatchError(ConfigurationError):
    """The configured identity key is not the one this store's party digests were made with."""


DEMO_IDENTITY_KEY = "walkthrough-demonstration-key-public-never-secret"
"""A key everyone can read (it is in the source): for in-memory demonstrations and tests only.
:func:`open_service` refuses it for a store that keeps data, where it would let anyone test
guessed ID numbers against the stored digests."""

MIN_IDENTITY_KEY_BYTES = 32
"""The shortest identity key accepted (UTF-8 bytes): a key is what stands between a keyed
digest and a brute force of the eight birth-date digits a masked ID hides."""

_FINGERPRINT_LABEL = b"mediation-core identity-key fingerprint v1"


def identity_key_fingerprint(key: bytes) -> str:
    """HMAC-SHA256 of a fixed label under ``key``: tells two keys apart and reveals nothing
    of either (the key itself is never stored)."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def check_identity_key(key: str) -> bytes:
    """``key`` as bytes, refused when shorter than :data:`MIN_IDENTITY_KEY_BYTES`."""
    raw = key.encode()
    if len(raw) < MIN_IDENTITY_KEY_BYTES:
        msg = (
            f"身份密钥过短 / the identity key (MEDIATION_IDENTITY_KEY, Config.identity_key) must be at least "
            f"{MIN_IDENTITY_KEY_BYTES} bytes, got {len(raw)}: generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))' and keep it for ever"
        )
        raise ConfigurationError(msg)
    return raw


def verify_identity_key(store: Store, key: bytes, now: dt.datetime, *, record: bool = True) -> None:
    """Compare ``key``'s fingerprint with the one the store recorded at its first use, and
    record it when there is none yet (``record``). A different key would silently split repeat
    detection (digests under two keys never match), so it is refused with
    :class:`IdentityKeyMismatchError`; docs/operations.md describes the recovery."""
    fingerprint = identity_key_fingerprint(key)
    stored = store.document(*IDENTITY_KEY_DOCUMENT)
    if stored is None:
        if record:
            try:
                _record_fingerprint(store, fingerprint, now, IDENTITY_KEY_STREAM)
            except ConcurrencyConflictError:  # another server recorded its key first: compare with it
                verify_identity_key(store, key, now, record=False)
        return
    if not hmac.compare_digest(str(stored.body.get("fingerprint", "")), fingerprint):
        since = stored.body.get("recorded_at", "?")
        msg = (
            "身份密钥与本库不符 / the identity key (MEDIATION_IDENTITY_KEY) is not the key this store's party "
            f"digests were made with (fingerprint recorded {since}): set the original key again; to change "
            "the key on purpose follow 'Changing the identity key' in docs/operations.md"
        )
        raise IdentityKeyMismatchError(msg)


def _record_fingerprint(store: Store, fingerprint: str, now: dt.datetime, stream_id: str) -> None:
    kind, key = IDENTITY_KEY_DOCUMENT
    document = Document(
        kind=kind,
        key=key,
        body={"fingerprint": fingerprint, "algorithm": "HMAC-SHA256", "recorded_at": now.isoformat()},
    )
    with store.transaction() as tx:
        tx.append(Append.new_documents(stream_id, (document,), now))
        tx.commit()


@frozen(kw_only=True)
class Config:
    """A deployment's choices. ``store`` names a backend registered by a plugin; ``url``
    is handed to it (empty: the backend's default, for ``sqlite`` a file in the user's data
    folder); ``identity_key`` is the secret for the keyed digests of party identities
    (repeat detection), required for every store that outlives the process; ``seal_keys`` seal
    and verify the records, ``anchor_keys`` sign and check anchors (docs/adr/0013-keyed-seals.md)."""

    store: str = DEFAULT_STORE
    url: str = ""
    region: str = NATIONAL
    strict_plugins: bool = False
    identity_key: str = field(default="", repr=False)
    notifiers: tuple[NotifierConfig, ...] = ()
    delivery: DeliveryPolicy = field(factory=DeliveryPolicy)
    seal_keys: SealKeys = NO_KEYS
    anchor_keys: SealKeys = NO_KEYS
    subscribers: tuple[SubscriberConfig, ...] = ()
    relay: DeliveryPolicy = RELAY_POLICY
    disabled_plugins: tuple[str, ...] = ()
    """Plugins (entry-point names) this deployment leaves out, beside ``MEDIATION_DISABLE_PLUGINS``."""

    @classmethod
    def from_env(cls) -> Config:
        """``MEDIATION_STORE``, ``MEDIATION_DB_URL``, ``MEDIATION_REGION``, ``MEDIATION_IDENTITY_KEY``,
        ``MEDIATION_NOTIFIERS_FILE`` (a TOML file: see :func:`notifier_config`),
        ``MEDIATION_SEAL_KEYS_FILE`` (a TOML file: see :func:`seal_key_config`) and
        ``MEDIATION_SUBSCRIBERS_FILE`` (a TOML file: see :func:`subscriber_config`)."""
        path = os.environ.get("MEDIATION_NOTIFIERS_FILE", "")
        notifiers, policy = notifier_config(Path(path).read_text(encoding="utf-8")) if path else ((), DeliveryPolicy())
        keys_path = os.environ.get("MEDIATION_SEAL_KEYS_FILE", "")
        no_keys = (NO_KEYS, NO_KEYS)
        seal_keys, anchor_keys = seal_key_config(Path(keys_path).read_text(encoding="utf-8")) if keys_path else no_keys
        subscribers_path = os.environ.get("MEDIATION_SUBSCRIBERS_FILE", "")
        subscribers, relay = (
            subscriber_config(Path(subscribers_path).read_text(encoding="utf-8"))
            if subscribers_path
            else ((), RELAY_POLICY)
        )
        return cls(
            store=os.environ.get("MEDIATION_STORE", DEFAULT_STORE),
            url=os.environ.get("MEDIATION_DB_URL", ""),
            region=os.environ.get("MEDIATION_REGION", NATIONAL),
            identity_key=os.environ.get("MEDIATION_IDENTITY_KEY", ""),
            notifiers=notifiers,
            delivery=policy,
            seal_keys=seal_keys,
            anchor_keys=anchor_keys,
            subscribers=subscribers,
            relay=relay,
        )


def actor_of(text: str, where: str) -> Actor:
    """``role:actor_id@scope_id`` (the form an actor is recorded in), e.g.
    ``mediator:m-zhang@pengshanlu-room``; ``where`` names the option or key it came from."""
    try:
        role_text, rest = text.split(":", 1)
        actor_id, scope_id = rest.rsplit("@", 1)
        role = Role(role_text)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        msg = f"{where} {text!r}: expected ROLE:ID@SCOPE with ROLE one of {roles}"
        raise ConfigurationError(msg) from None
    if not actor_id or not scope_id:
        msg = f"{where} {text!r}: the actor id and the scope are required"
        raise ConfigurationError(msg)
    if not (IDENTIFIER.fullmatch(actor_id) and (scope_id == "*" or IDENTIFIER.fullmatch(scope_id))):
        msg = f"{where} {text[:80]!r}: an id and a scope are letters, digits and _ . : @ -, at most 64 characters"
        raise ConfigurationError(msg)
    return Actor(actor_id=actor_id, role=role, scope_id=scope_id)


ENV_PREFIX = "env:"
"""A setting written ``"env:NAME"`` is read from the environment variable ``NAME``
(keep passwords and robot secrets out of the file)."""


def notifier_config(
    text: str, environ: Mapping[str, str] | None = None
) -> tuple[tuple[NotifierConfig, ...], DeliveryPolicy]:
    """Parse the notifier configuration (TOML)::

        [delivery]                  # optional; DeliveryPolicy's fields
        max_attempts = 8

        [[notifier]]
        name = "centre-robot"       # this channel's name
        backend = "dingtalk"        # a registered notifier
        kinds = ["escalation_risk"] # optional: only these notice kinds
        roles = ["coordination_centre"]  # optional: only these recipient roles
        [notifier.settings]
        url = "https://…"
        secret = "env:CENTRE_ROBOT_SECRET"

    Raises :class:`ConfigurationError` naming what is wrong."""
    env = os.environ if environ is None else environ
    data = sections("notifier configuration", text, {"delivery", "notifier"})
    policy = _policy("notifier configuration [delivery]", data.get("delivery", {}), DeliveryPolicy())
    return tuple(_channel_config(n, item, env) for n, item in enumerate(data.get("notifier", []), 1)), policy


HEX_PREFIX = "hex:"


def sections(what: str, text: str, allowed: set[str], noun: str = "section(s)") -> dict[str, Any]:
    """A configuration file's TOML, refused naming ``what`` when it does not parse or has a
    top-level key or section not in ``allowed``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{what} is not valid TOML: {exc}"
        raise ConfigurationError(msg) from exc
    unknown = set(data) - allowed
    if unknown:
        msg = f"{what}: unknown {noun} {', '.join(sorted(unknown))}"
        raise ConfigurationError(msg)
    return data


def _policy(where: str, data: Any, default: DeliveryPolicy) -> DeliveryPolicy:
    if not isinstance(data, dict):
        msg = f"{where}: expected a table of DeliveryPolicy fields"
        raise ConfigurationError(msg)
    try:
        policy: DeliveryPolicy = structure({**attrs.asdict(default), **data}, DeliveryPolicy)
    except cattrs.BaseValidationError as exc:
        problems = cattrs.transform_error(exc, format_exception=lambda e, _: str(e))
        msg = f"{where}: {'; '.join(problems)}"
        raise ConfigurationError(msg) from exc
    except (ValueError, TypeError) as exc:
        msg = f"{where}: {exc}"
        raise ConfigurationError(msg) from exc
    return policy


def subscriber_config(
    text: str, environ: Mapping[str, str] | None = None
) -> tuple[tuple[SubscriberConfig, ...], DeliveryPolicy]:
    """Parse the event relay's configuration (TOML, docs/events.md)::

        [relay]                     # optional; DeliveryPolicy's fields
        max_attempts = 8

        [[subscriber]]
        name = "county-bus"         # its positions are kept under this name
        backend = "amqp"            # a registered publisher (the default)
        actor = "coordination_centre:county-bus@district"   # whom it reads as
        [subscriber.settings]
        url = "env:MEDIATION_AMQP_URL"
        exchange = "mediation.events"

    Raises :class:`ConfigurationError` naming what is wrong."""
    env = os.environ if environ is None else environ
    data = sections("subscriber configuration", text, {"relay", "subscriber"})
    policy = _policy("subscriber configuration [relay]", data.get("relay", {}), RELAY_POLICY)
    subscribers = []
    for n, item in enumerate(data.get("subscriber", []), 1):
        where = f"subscriber configuration [[subscriber]] #{n}"
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not isinstance(item.get("actor"), str)
        ):
            msg = f"{where}: needs a name and an actor (ROLE:ID@SCOPE, whom the subscriber reads as)"
            raise ConfigurationError(msg)
        unknown = set(item) - {"name", "backend", "actor", "settings"}
        if unknown:
            msg = f"{where}: unknown key(s) {', '.join(sorted(unknown))}"
            raise ConfigurationError(msg)
        try:
            subscribers.append(
                SubscriberConfig(
                    name=item["name"],
                    backend=str(item.get("backend", "amqp")),
                    actor=actor_of(item["actor"], f"{where} actor"),
                    settings=_settings(where, item, env),
                )
            )
        except ValueError as exc:
            msg = f"{where}: {exc}"
            raise ConfigurationError(msg) from exc
    return tuple(subscribers), policy


def seal_key_config(text: str, environ: Mapping[str, str] | None = None) -> tuple[SealKeys, SealKeys]:
    """Parse the seal-key file (TOML; its path is ``MEDIATION_SEAL_KEYS_FILE``, never the
    database): the seal keys and the anchor keys::

        current = "2026-1"              # the key new records are sealed with
        [[key]]
        id = "2026-1"
        algorithm = "hmac-sm3"          # or "hmac-sha256"; default hmac-sm3
        secret = "env:MEDIATION_SEAL_KEY_2026_1"   # or "hex:…", or the text itself
        [[key]]                         # a retired key, kept to verify older records
        id = "2025-1"
        secret = "env:MEDIATION_SEAL_KEY_2025_1"

        [anchor]
        current = "anchor-1"
        [[anchor.key]]
        id = "anchor-1"
        secret = "env:MEDIATION_ANCHOR_KEY"

    Raises :class:`ConfigurationError` naming what is wrong (an SM3 key where this Python's
    OpenSSL has no SM3 is refused here, never replaced by another algorithm)."""
    env = os.environ if environ is None else environ
    data = sections("seal-key configuration", text, {"current", "key", "anchor"}, "key(s)")
    anchor = data.get("anchor", {})
    return _keys("seal-key configuration", data, env), _keys("seal-key configuration [anchor]", anchor, env)


def _keys(where: str, data: Mapping[str, Any], env: Mapping[str, str]) -> SealKeys:
    items = data.get("key", [])
    if not isinstance(items, list) or (items and not isinstance(data.get("current"), str)):
        msg = f"{where}: needs [[key]] tables and current = the id of the key to seal with"
        raise ConfigurationError(msg)
    keys = []
    for n, item in enumerate(items, 1):
        if (
            not isinstance(item, dict)
            or set(item) - {"id", "algorithm", "secret"}
            or not isinstance(item.get("id"), str)
            or not isinstance(item.get("secret"), str)
        ):
            msg = f"{where} [[key]] #{n}: needs id and secret (and optionally algorithm), nothing else"
            raise ConfigurationError(msg)
        secret = str(item["secret"])
        if secret.startswith(ENV_PREFIX):
            name = secret.removeprefix(ENV_PREFIX)
            if name not in env:
                msg = f"{where} key {item['id']!r}: reads the environment variable {name}, which is not set"
                raise ConfigurationError(msg)
            secret = env[name]
        try:
            raw = bytes.fromhex(secret.removeprefix(HEX_PREFIX)) if secret.startswith(HEX_PREFIX) else secret.encode()
            keys.append(SealKey(key_id=item["id"], secret=raw, algorithm=str(item.get("algorithm", "hmac-sm3"))))
        except (SealKeyError, ValueError) as exc:
            raise ConfigurationError(f"{where}: {exc}") from exc
    try:
        return SealKeys(keys=tuple(keys), current=str(data.get("current", "")))
    except SealKeyError as exc:
        raise ConfigurationError(f"{where}: {exc}") from exc


def _channel_config(n: int, item: Any, env: Mapping[str, str]) -> NotifierConfig:
    where = f"notifier configuration [[notifier]] #{n}"
    if not isinstance(item, dict) or not isinstance(item.get("backend"), str):
        msg = f"{where}: needs a backend (the registered notifier's name)"
        raise ConfigurationError(msg)
    unknown = set(item) - {"name", "backend", "settings", "kinds", "roles"}
    if unknown:
        msg = f"{where}: unknown key(s) {', '.join(sorted(unknown))}"
        raise ConfigurationError(msg)
    return NotifierConfig(
        name=str(item.get("name", item["backend"])),
        backend=item["backend"],
        settings=_settings(where, item, env),
        kinds=frozenset(map(str, item.get("kinds", ()))),
        roles=frozenset(map(str, item.get("roles", ()))),
    )


def _settings(where: str, item: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, str]:
    """A channel's or subscriber's settings as text; ``"env:NAME"`` read from the environment."""
    settings = {}
    for key, value in dict(item.get("settings", {})).items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if text.startswith(ENV_PREFIX):
            name = text.removeprefix(ENV_PREFIX)
            if name not in env:
                msg = f"{where}: setting {key!r} reads the environment variable {name}, which is not set"
                raise ConfigurationError(msg)
            text = env[name]
        settings[str(key)] = text
    return settings


def open_store(config: Config, plugins: Plugins) -> Store:
    """The configured store. A missing or broken backend is an error, never a fallback."""
    backends = plugins.store_backends()
    backend = backends.get(config.store)
    if backend is None:
        failed = [f"{s.name} ({s.error})" for s in plugins.statuses if s.state == "failed"]
        msg = f"store backend {config.store!r} is not available; installed: {', '.join(backends) or 'none'}" + (
            f"; failed to load: {', '.join(failed)}" if failed else ""
        )
        raise PluginError(msg)
    return backend.open(config.url or backend.default_url)


def open_service(
    config: Config | None = None,
    *,
    plugins: Plugins | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    writes: bool = True,
) -> MediationService:
    """A service over the configured store, policy and calendar. ``writes=False`` opens it for
    queries only (reports, case files, exports, verification): then a persistent store needs no
    identity key, since the key only digests the parties of cases being recorded.

    A configured identity key must be at least :data:`MIN_IDENTITY_KEY_BYTES` long; opened for
    writes, it must be the key the store was first written with (:func:`verify_identity_key`,
    which records its fingerprint on first use)."""
    config = config or Config.from_env()
    if writes and not config.identity_key and config.store != EPHEMERAL_STORE:
        msg = (
            f"store {config.store!r} keeps data across restarts, so it needs the deployment's identity key "
            "(MEDIATION_IDENTITY_KEY): repeat disputes are found by keyed digests of ID numbers"
        )
        raise ConfigurationError(msg)
    key = check_identity_key(config.identity_key) if config.identity_key else None
    if config.identity_key == DEMO_IDENTITY_KEY and config.store != EPHEMERAL_STORE:
        msg = (
            f"the public demonstration key cannot protect store {config.store!r}, which keeps data: "
            "set MEDIATION_IDENTITY_KEY to the deployment's own secret"
        )
        raise ConfigurationError(msg)
    plugins = plugins or load_plugins(strict=config.strict_plugins, blocked=config.disabled_plugins)
    channels = open_channels(config.notifiers, plugins)
    store = open_store(config, plugins)
    if key is not None and writes:  # reading makes no digests: a read-only opening needs no key
        try:
            verify_identity_key(store, key, clock())
        except BaseException:
            store.close()
            raise
    return MediationService(
        store,
        plugins=plugins,
        region=config.region,
        clock=clock,
        identity_key=key,
        channels=channels,
        delivery_policy=config.delivery,
        relay_policy=config.relay,
        seal_keys=config.seal_keys,
        anchor_keys=config.anchor_keys,
    )


def rekey(config: Config, *, plugins: Plugins | None = None, clock: Callable[[], dt.datetime] = utc_now) -> int:
    """Change a store's identity key on purpose (the old one leaked, was the public
    demonstration key, or is lost): every case's ledger row is projected again, each in its own
    transaction, its party keys digested under ``config.identity_key`` from the ID numbers the
    case's events hold, then the new key's fingerprint replaces the old one. The old key is not
    needed. Run it with every writer stopped; returns the number of cases re-keyed."""
    if not config.identity_key:
        msg = "re-keying needs the new identity key (MEDIATION_IDENTITY_KEY)"
        raise ConfigurationError(msg)
    service = open_service(config, plugins=plugins, clock=clock, writes=False)  # its fingerprint is replaced below
    try:
        now = clock()
        case_ids = sorted({row.case_id for row in service.store.ledger()})
        for case_id in case_ids:
            with service.store.transaction() as tx:
                records = tx.read(case_id)
                state = CASES.replay(case_id, [event_of(r) for r in records])
                projection = CASES.project(state, service.context(now), service.reading(records[-1].hash))
                tx.append(
                    Append(
                        stream_id=case_id,
                        expected_version=len(records),
                        records=(),
                        row=projection.row,
                        deadlines=projection.deadlines,
                        notices=(),
                        created_at=now,
                        documents=projection.documents,
                    )
                )
                tx.commit()
        fingerprint = identity_key_fingerprint(service.party_keyer.key)
        _record_fingerprint(service.store, fingerprint, now, f"{IDENTITY_KEY_STREAM}/{now:%Y%m%dT%H%M%S%f}")
    finally:
        service.store.close()
    return len(case_ids)
