"""From the command line's options to a configured service, and who is acting.

The store is chosen like this: ``--store NAME`` (or ``MEDIATION_STORE``) names a backend;
without it, ``--db URL`` (or ``MEDIATION_DB_URL``) picks the backend named by the URL's scheme
(``sqlite:///…`` or a bare file path → ``sqlite``, ``postgresql+psycopg://…`` → ``postgresql``);
with neither, the deployment's default store. Backends come from plugins only.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from mediation_core.app.bootstrap import Config, ConfigurationError, open_service, open_store
from mediation_core.app.ports import Store
from mediation_core.app.service import MediationService
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.plugins.manager import Plugins, load_plugins


class UsageError(Exception):
    """The command line or an input file does not make sense."""


SCHEME_ALIASES = {"postgres": "postgresql"}
CLI_ACTOR = Actor(actor_id="cli", role=Role.ADMINISTRATOR, scope_id="*", name="mediation CLI")
"""Who acts when ``--as`` is not given: an administrator (the operator of the deployment)."""


def backend_of(url: str) -> str:
    """The backend a store URL names: its scheme without the driver (``postgresql+psycopg`` →
    ``postgresql``), ``sqlite`` for a bare file path."""
    if "://" not in url:
        return "sqlite"
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower()
    return SCHEME_ALIASES.get(scheme, scheme)


def config_from(args: argparse.Namespace) -> Config:
    """The deployment's configuration: the environment, overridden by ``--store`` and ``--db``."""
    config = Config.from_env()
    url = getattr(args, "db", None) or ""
    store = getattr(args, "store", None) or ""
    if url:
        config = attrs.evolve(config, url=url, store=store or backend_of(url))
    elif store:
        config = attrs.evolve(config, store=store)
    elif os.environ.get("MEDIATION_DB_URL") and not os.environ.get("MEDIATION_STORE"):
        config = attrs.evolve(config, store=backend_of(config.url))
    return config


def common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Options every command takes, before or after its name."""
    default = None if top else argparse.SUPPRESS
    flag_default = False if top else argparse.SUPPRESS
    group = parser.add_argument_group("common options")
    group.add_argument(
        "--db", metavar="URL", default=default, help="the store: sqlite:///path, a file path, or postgresql+psycopg://…"
    )
    group.add_argument(
        "--store", metavar="NAME", default=default, help="a store backend by name (see `mediation plugins`)"
    )
    group.add_argument(
        "--as", dest="actor", metavar="ROLE:ID@SCOPE", default=default, help="who acts (default: the administrator)"
    )
    group.add_argument("--json", action="store_true", default=flag_default, help="machine-readable output on stdout")
    group.add_argument("--quiet", "-q", action="store_true", default=flag_default, help="no progress bar")
    group.add_argument("--debug", action="store_true", default=flag_default, help="show the traceback of an error")


def parse_actor(text: str) -> Actor:
    """``role:actor_id@scope_id`` (the form an actor is recorded in), e.g.
    ``mediator:m-zhang@pengshanlu-room``."""
    try:
        role_text, rest = text.split(":", 1)
        actor_id, scope_id = rest.rsplit("@", 1)
        role = Role(role_text)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        msg = f"--as {text!r}: expected ROLE:ID@SCOPE with ROLE one of {roles}"
        raise ConfigurationError(msg) from None
    if not actor_id or not scope_id:
        msg = f"--as {text!r}: the actor id and the scope are required"
        raise ConfigurationError(msg)
    return Actor(actor_id=actor_id, role=role, scope_id=scope_id)


class Session:
    """The options of one invocation and what they open, opened once and closed at the end."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._plugins: Plugins | None = None

    @property
    def actor(self) -> Actor:
        text = getattr(self.args, "actor", None) or os.environ.get("MEDIATION_ACTOR", "")
        return parse_actor(text) if text else CLI_ACTOR

    @property
    def config(self) -> Config:
        return config_from(self.args)

    @property
    def plugins(self) -> Plugins:
        if self._plugins is None:
            self._plugins = load_plugins(strict=self.config.strict_plugins)
        return self._plugins

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The configured store, created or brought up to date by its backend on opening."""
        store = open_store(self.config, self.plugins)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def service(self, *, writes: bool = True, **kwargs: Any) -> Iterator[MediationService]:
        """The configured service. ``writes=False`` for queries: no identity key is needed,
        because nothing is recorded."""
        service = open_service(self.config, plugins=self.plugins, writes=writes, **kwargs)
        try:
            yield service
        finally:
            service.store.close()
