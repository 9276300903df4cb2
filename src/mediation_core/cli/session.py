"""From the command line's options to a configured service, and who is acting.

The store is chosen like this: ``--store NAME`` (or ``MEDIATION_STORE``) names a backend;
without it, ``--db URL`` (or ``MEDIATION_DB_URL``) picks the backend named by the URL's scheme
(``sqlite:///…`` or a bare file path → ``sqlite``, ``postgresql+psycopg://…`` → ``postgresql``);
with neither, the deployment's default store. Backends come from plugins only.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from mediation_core.app.bootstrap import Config, ConfigurationError, actor_of, open_service, open_store
from mediation_core.app.ports import Store
from mediation_core.app.service import MediationService
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.values.actors import SYSTEM_ACTOR, Actor, Role
from mediation_core.domain.values.organisations import Registry
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_core.plugins.types import StoreBackend


class UsageError(Exception):
    """The command line or an input file does not make sense."""


SCHEME_ALIASES = {"postgres": "postgresql"}
CLI_ACTOR = Actor(actor_id="cli", role=Role.ADMINISTRATOR, scope_id="*", name="mediation CLI")
"""Who reads when ``--as`` is not given (the operator of the deployment). Nobody writes as it:
a write needs an explicit, registered actor (:meth:`Session.writer`)."""
OPERATORS_ENV = "MEDIATION_OPERATORS"
"""The deployment's operators file: a JSON object mapping an operating-system user to the
actor they act as (``{"li": "administrator:a-li@district"}``). It registers the actors the
registry does not hold (administrators, officers, the centre), and lets a mapped user write
without ``--as``. The host system authenticates the operating-system user (docs/security.md)."""
REGISTERED_IN_REGISTRY = frozenset({Role.MEDIATOR, Role.ROOM_DIRECTOR, Role.STATION_LIAISON})


def backend_of(url: str) -> str:
    """The backend a store URL names: its scheme without the driver (``postgresql+psycopg`` →
    ``postgresql``), ``sqlite`` for a bare file path."""
    if "://" not in url:
        return "sqlite"
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower()
    return SCHEME_ALIASES.get(scheme, scheme)


def sqlite_path(config: Config, plugins: Plugins) -> Path | None:
    """The file of an embedded (``sqlite``) store, ``None`` for another backend or in memory."""
    if config.store != "sqlite":
        return None
    backend = plugins.store_backends().get("sqlite")
    url = config.url or (backend.default_url if backend is not None else "")
    if "://" in url:
        if not url.lower().startswith("sqlite:///"):
            return None
        url = url[len("sqlite:///") :]
    url = url.split("?", 1)[0]
    if not url or url == ":memory:":
        return None
    return Path(url).expanduser()


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
        "--as",
        dest="actor",
        metavar="ROLE:ID@SCOPE",
        default=default,
        help="who acts; writes need a registered actor (reads default to the operator)",
    )
    group.add_argument("--json", action="store_true", default=flag_default, help="machine-readable output on stdout")
    group.add_argument("--quiet", "-q", action="store_true", default=flag_default, help="no progress bar")
    group.add_argument("--debug", action="store_true", default=flag_default, help="show the traceback of an error")
    group.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        default=default,
        help="write the library's log records of this level and above to standard error (the log notifier's "
        "deliveries are INFO)",
    )


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def parse_actor(text: str) -> Actor:
    """``role:actor_id@scope_id`` (the form an actor is recorded in), e.g.
    ``mediator:m-zhang@pengshanlu-room``."""
    return actor_of(text, "--as")


def read_operators(path: str) -> dict[str, Actor]:
    """The operators file at ``path`` (:data:`OPERATORS_ENV`): operating-system user → actor."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{OPERATORS_ENV} {path}: {exc}"
        raise ConfigurationError(msg) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        msg = f'{OPERATORS_ENV} {path}: expected a JSON object {{"os-user": "ROLE:ID@SCOPE", …}}'
        raise ConfigurationError(msg)
    return {str(user): parse_actor(text) for user, text in data.items()}


def _key(actor: Actor) -> tuple[Role, str, str]:
    return actor.role, actor.actor_id, actor.scope_id


def unregistered(
    actor: Actor, registry: Registry, operators: Mapping[str, Actor], *, listed_in: str = OPERATORS_ENV
) -> str | None:
    """Why ``actor`` may not write, or ``None``: a mediator or room director is a mediator of
    the registry acting for their room, a station liaison a liaison of the registry acting for
    their room or organisation; anyone (any role) listed in the operators file is registered.
    ``listed_in`` names that file's setting in the answer (the HTTP API's actors file)."""
    if _key(actor) in {_key(a) for a in operators.values()}:
        return None
    if actor.role in (Role.MEDIATOR, Role.ROOM_DIRECTOR):
        mediator = registry.mediators.get(actor.actor_id)
        if mediator is not None and actor.scope_id == mediator.room_id:
            return None
        return f"{actor}: no mediator {actor.actor_id!r} of {actor.scope_id!r} in the registry"
    if actor.role is Role.STATION_LIAISON:
        liaison = registry.liaisons.get(actor.actor_id)
        if liaison is not None and actor.scope_id in (liaison.room_id, liaison.from_org_id):
            return None
        return f"{actor}: no liaison {actor.actor_id!r} of {actor.scope_id!r} in the registry"
    return (
        f"{actor}: the role {actor.role.value} is registered in the deployment's operators file "
        f"({listed_in}), and this actor is not in it"
    )


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
    def job_actor(self) -> Actor:
        """Who runs a timer job (``sweep``, ``deliver``): ``--as`` when a person runs it, else the
        system actor, as the service's jobs default to."""
        text = getattr(self.args, "actor", None) or os.environ.get("MEDIATION_ACTOR", "")
        return parse_actor(text) if text else SYSTEM_ACTOR

    def operators(self) -> dict[str, Actor]:
        path = os.environ.get(OPERATORS_ENV, "")
        return read_operators(path) if path else {}

    def writer(self, service: MediationService) -> Actor:
        """Who writes: ``--as`` (or ``MEDIATION_ACTOR``), else the actor the operators file maps
        the operating-system user to; either way one the deployment registered. Never a
        default: a write without an actor, or with an unregistered one, is refused."""
        operators = self.operators()
        text = getattr(self.args, "actor", None) or os.environ.get("MEDIATION_ACTOR", "")
        if text:
            actor = parse_actor(text)
        else:
            user = getpass.getuser()
            if user not in operators:
                msg = (
                    "a write needs an explicit actor: --as ROLE:ID@SCOPE (or MEDIATION_ACTOR), naming a mediator "
                    f"of the registry or an operator of {OPERATORS_ENV}"
                )
                raise UsageError(msg)
            actor = operators[user]
        problem = unregistered(actor, service.registry(), operators)
        if problem:
            msg = f"--as {problem}; nothing was written"
            raise AuthorisationError(msg, actor=actor, action="write")
        return actor

    @property
    def config(self) -> Config:
        return config_from(self.args)

    @property
    def plugins(self) -> Plugins:
        if self._plugins is None:
            self._plugins = load_plugins(strict=self.config.strict_plugins)
        return self._plugins

    def refuse_missing_store(self) -> None:
        """A read never creates a store: an embedded database file that does not exist is
        refused before anything is opened (``mediation init`` creates it)."""
        path = sqlite_path(self.config, self.plugins)
        if path is not None and not path.exists():
            msg = (
                f"no database at {path}: a read never creates one; check --db / MEDIATION_DB_URL, "
                "or create the store with `mediation init`"
            )
            raise ConfigurationError(msg)

    def backend(self) -> StoreBackend | None:
        return self.plugins.store_backends().get(self.config.store)

    def store_url(self) -> str:
        backend = self.backend()
        return self.config.url or (backend.default_url if backend is not None else "")

    def schema(self) -> tuple[str | None, str] | None:
        """The configured store's schema revision and the newest its backend knows, ``None`` for
        a backend without a schema."""
        backend = self.backend()
        if backend is None or backend.schema is None:
            return None
        return backend.schema(self.store_url())

    def upgrade_store(self) -> None:
        """Create the configured store or bring its schema up to date (``init``, ``db upgrade``)."""
        backend = self.backend()
        if backend is not None and backend.upgrade is not None:
            backend.upgrade(self.store_url())

    def require_store(self) -> None:
        """Only ``mediation init`` creates a store: every other command refuses one that has no
        schema yet (the backend's ``open`` refuses one at an older revision)."""
        found = self.schema()
        if found is not None and found[0] is None:
            msg = (
                f"no mediation store at {self.store_url()} yet: nothing was read or written; create it with "
                "`mediation init` (or check --db / MEDIATION_DB_URL)"
            )
            raise ConfigurationError(msg)

    @contextmanager
    def store(self, *, create: bool = False) -> Iterator[Store]:
        """The configured store; ``create`` (``mediation init``) creates it or brings its schema
        up to date first, else one without a schema is refused."""
        if create:
            self.upgrade_store()
        else:
            self.require_store()
        store = open_store(self.config, self.plugins)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def service(self, *, writes: bool = True, **kwargs: Any) -> Iterator[MediationService]:
        """The configured service. ``writes=False`` for queries: no identity key is needed,
        because nothing is recorded."""
        if not writes:
            self.refuse_missing_store()
        self.require_store()
        service = open_service(self.config, plugins=self.plugins, writes=writes, **kwargs)
        try:
            yield service
        finally:
            service.store.close()
