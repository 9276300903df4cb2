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
    (repeat detection), required for every store that outlives the process."""

    store: str = DEFAULT_STORE
    url: str = ""
    region: str = NATIONAL
    strict_plugins: bool = False
    identity_key: str = field(default="", repr=False)
    notifiers: tuple[NotifierConfig, ...] = ()
    delivery: DeliveryPolicy = field(factory=DeliveryPolicy)

    @classmethod
    def from_env(cls) -> Config:
        """``MEDIATION_STORE``, ``MEDIATION_DB_URL``, ``MEDIATION_REGION``, ``MEDIATION_IDENTITY_KEY``,
        and ``MEDIATION_NOTIFIERS_FILE`` (a TOML file: see :func:`notifier_config`)."""
        path = os.environ.get("MEDIATION_NOTIFIERS_FILE", "")
        notifiers, policy = notifier_config(Path(path).read_text(encoding="utf-8")) if path else ((), DeliveryPolicy())
        return cls(
            store=os.environ.get("MEDIATION_STORE", DEFAULT_STORE),
            url=os.environ.get("MEDIATION_DB_URL", ""),
            region=os.environ.get("MEDIATION_REGION", NATIONAL),
            identity_key=os.environ.get("MEDIATION_IDENTITY_KEY", ""),
            notifiers=notifiers,
            delivery=policy,
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
    )
