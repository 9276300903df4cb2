"""Opening a deployment: pick the configured store backend by name, never fall back."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import cattrs
from attrs import field, frozen

from mediation_core.app.delivery import DeliveryPolicy, NotifierConfig, open_channels
from mediation_core.app.ports import Store
from mediation_core.app.service import MediationService, utc_now
from mediation_core.calendars import NATIONAL
from mediation_core.plugins.manager import PluginError, Plugins, load_plugins
from mediation_core.records import NO_KEYS, SealKey, SealKeyError, SealKeys
from mediation_core.serialization import structure

DEFAULT_STORE = "sqlite"
"""The embedded SQLite file (``mediation_sqlalchemy``); ``memory`` keeps nothing on exit."""
EPHEMERAL_STORE = "memory"
"""The one backend whose data dies with the process, so a per-process identity key suffices."""


class ConfigurationError(Exception):
    """The deployment's configuration is incomplete or contradictory."""


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

    @classmethod
    def from_env(cls) -> Config:
        """``MEDIATION_STORE``, ``MEDIATION_DB_URL``, ``MEDIATION_REGION``, ``MEDIATION_IDENTITY_KEY``,
        ``MEDIATION_NOTIFIERS_FILE`` (a TOML file: see :func:`notifier_config`) and
        ``MEDIATION_SEAL_KEYS_FILE`` (a TOML file: see :func:`seal_key_config`)."""
        path = os.environ.get("MEDIATION_NOTIFIERS_FILE", "")
        notifiers, policy = notifier_config(Path(path).read_text(encoding="utf-8")) if path else ((), DeliveryPolicy())
        keys_path = os.environ.get("MEDIATION_SEAL_KEYS_FILE", "")
        no_keys = (NO_KEYS, NO_KEYS)
        seal_keys, anchor_keys = seal_key_config(Path(keys_path).read_text(encoding="utf-8")) if keys_path else no_keys
        return cls(
            store=os.environ.get("MEDIATION_STORE", DEFAULT_STORE),
            url=os.environ.get("MEDIATION_DB_URL", ""),
            region=os.environ.get("MEDIATION_REGION", NATIONAL),
            identity_key=os.environ.get("MEDIATION_IDENTITY_KEY", ""),
            notifiers=notifiers,
            delivery=policy,
            seal_keys=seal_keys,
            anchor_keys=anchor_keys,
        )


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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"notifier configuration is not valid TOML: {exc}"
        raise ConfigurationError(msg) from exc
    unknown = set(data) - {"delivery", "notifier"}
    if unknown:
        msg = f"notifier configuration: unknown section(s) {', '.join(sorted(unknown))}"
        raise ConfigurationError(msg)
    try:
        policy = structure(data.get("delivery", {}), DeliveryPolicy)
    except cattrs.BaseValidationError as exc:
        problems = cattrs.transform_error(exc, format_exception=lambda e, _: str(e))
        msg = f"notifier configuration [delivery]: {'; '.join(problems)}"
        raise ConfigurationError(msg) from exc
    except (ValueError, TypeError) as exc:
        msg = f"notifier configuration [delivery]: {exc}"
        raise ConfigurationError(msg) from exc
    return tuple(_channel_config(n, item, env) for n, item in enumerate(data.get("notifier", []), 1)), policy


HEX_PREFIX = "hex:"


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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"seal-key configuration is not valid TOML: {exc}"
        raise ConfigurationError(msg) from exc
    unknown = set(data) - {"current", "key", "anchor"}
    if unknown:
        msg = f"seal-key configuration: unknown key(s) {', '.join(sorted(unknown))}"
        raise ConfigurationError(msg)
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
    return NotifierConfig(
        name=str(item.get("name", item["backend"])),
        backend=item["backend"],
        settings=settings,
        kinds=frozenset(map(str, item.get("kinds", ()))),
        roles=frozenset(map(str, item.get("roles", ()))),
    )


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
    identity key, since the key only digests the parties of cases being recorded."""
    config = config or Config.from_env()
    if writes and not config.identity_key and config.store != EPHEMERAL_STORE:
        msg = (
            f"store {config.store!r} keeps data across restarts, so it needs the deployment's identity key "
            "(MEDIATION_IDENTITY_KEY): repeat disputes are found by keyed digests of ID numbers"
        )
        raise ConfigurationError(msg)
    plugins = plugins or load_plugins(strict=config.strict_plugins)
    channels = open_channels(config.notifiers, plugins)
    return MediationService(
        open_store(config, plugins),
        plugins=plugins,
        region=config.region,
        clock=clock,
        identity_key=config.identity_key.encode() if config.identity_key else None,
        channels=channels,
        delivery_policy=config.delivery,
        seal_keys=config.seal_keys,
        anchor_keys=config.anchor_keys,
    )
