"""Opening a deployment: pick the configured store backend by name, never fall back."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from attrs import field, frozen

from mediation_core.app.ports import Store
from mediation_core.app.service import MediationService, utc_now
from mediation_core.calendars import NATIONAL
from mediation_core.plugins.manager import PluginError, Plugins, load_plugins

DEFAULT_STORE = "memory"
EPHEMERAL_STORE = "memory"
"""The one backend whose data dies with the process, so a per-process identity key suffices."""


class ConfigurationError(Exception):
    """The deployment's configuration is incomplete or contradictory."""


@frozen(kw_only=True)
class Config:
    """A deployment's choices. ``store`` names a backend registered by a plugin;
    ``identity_key`` is the secret for the keyed digests of party identities (repeat
    detection), required for every store that outlives the process."""

    store: str = DEFAULT_STORE
    url: str = ""
    region: str = NATIONAL
    strict_plugins: bool = False
    identity_key: str = field(default="", repr=False)

    @classmethod
    def from_env(cls) -> Config:
        """``MEDIATION_STORE``, ``MEDIATION_DB_URL``, ``MEDIATION_REGION``, ``MEDIATION_IDENTITY_KEY``."""
        return cls(
            store=os.environ.get("MEDIATION_STORE", DEFAULT_STORE),
            url=os.environ.get("MEDIATION_DB_URL", ""),
            region=os.environ.get("MEDIATION_REGION", NATIONAL),
            identity_key=os.environ.get("MEDIATION_IDENTITY_KEY", ""),
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
) -> MediationService:
    """A service over the configured store, policy and calendar."""
    config = config or Config.from_env()
    if not config.identity_key and config.store != EPHEMERAL_STORE:
        msg = (
            f"store {config.store!r} keeps data across restarts, so it needs the deployment's identity key "
            "(MEDIATION_IDENTITY_KEY): repeat disputes are found by keyed digests of ID numbers"
        )
        raise ConfigurationError(msg)
    plugins = plugins or load_plugins(strict=config.strict_plugins)
    return MediationService(
        open_store(config, plugins),
        plugins=plugins,
        region=config.region,
        clock=clock,
        identity_key=config.identity_key.encode() if config.identity_key else None,
    )
