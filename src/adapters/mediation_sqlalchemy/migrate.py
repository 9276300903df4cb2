"""Schema migrations: an empty database gets the newest schema when the store is first opened;
an existing database is upgraded only explicitly, by :func:`upgrade` (``mediation db upgrade``,
``mediation init``). Opening a database at an older revision is refused
(:class:`SchemaOutdatedError`): an upgrade changes a county's records and is done on purpose,
after a backup, never as a side effect of a read.

The Alembic scripts live inside the package (``migrations/``), so an installed wheel can
migrate its own database with no ``alembic.ini``. Migrations run inside one transaction
under a lock (SQLite's write lock, a PostgreSQL advisory lock), so several processes
opening a new database at once create it exactly once. The version is kept in the table
``mediation_schema_version`` so a county's own Alembic history can share the database.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.domain.errors import StoreError
from mediation_sqlalchemy.engine import WRITE, create_engine
from mediation_sqlalchemy.errors import describe, translated

VERSION_TABLE = "mediation_schema_version"
SCRIPT_LOCATION = str(Path(__file__).with_name("migrations"))
_ADVISORY_LOCK = 0x6D65_6469  # "medi": with the schema's name, serialises migrations of one store
_SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(:key, hashtext(:schema))"
"""One lock per schema: the stores of a database's schemas (the counties of a deployment)
migrate independently, and processes opening one new store at once still create it once."""


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    """The newest revision this version of the package knows."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [s.revision for s in reversed(list(_scripts().walk_revisions()))]


def current_revision(engine: sa.Engine) -> str | None:
    """The database's revision (``None`` for an empty database)."""
    with translated(where=describe(engine.url)), engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(target: sa.Engine | str, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest), creating it if empty."""
    _run(target, lambda cfg: command.upgrade(cfg, revision))


def downgrade(target: sa.Engine | str, revision: str) -> None:
    """Take the database back to ``revision`` (``"base"`` drops every table of the store)."""
    _run(target, lambda cfg: command.downgrade(cfg, revision))


SEARCH_PATH = re.compile(r"-csearch_path=([a-z][a-z0-9_]{0,62})")
"""The one search_path a URL may name for a store of its own: a plain schema name."""


def search_path_schema(url: str | sa.URL) -> str | None:
    """The schema a PostgreSQL URL's ``options=-csearch_path=NAME`` names, ``None`` when it
    names none. Any other ``options`` value with a search_path is refused."""
    parsed = make_url(url) if isinstance(url, str) else url
    options = parsed.query.get("options")
    texts = [options] if isinstance(options, str) else list(options or ())
    for text in texts:
        if "search_path" not in text:
            continue
        found = SEARCH_PATH.fullmatch(text.strip())
        if found is None:
            msg = "the URL's search_path must name one schema: lower-case letters, digits and '_'"
            raise ConfigurationError(msg)
        return found.group(1)
    return None


def create_search_path_schema(url: str) -> None:
    """Create the schema ``url``'s search_path names, when it does not exist yet (a county
    added to a deployment). Its name is a plain identifier (:data:`SEARCH_PATH`)."""
    engine = create_engine(url)
    schema = search_path_schema(engine.url)
    try:
        if schema is None or engine.dialect.name != "postgresql":
            return
        with translated(where=describe(engine.url)), engine.connect() as conn, conn.begin():
            conn.execute(sa.text(_SCHEMA_LOCK), {"key": _ADVISORY_LOCK, "schema": schema})
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        engine.dispose()


class SchemaOutdatedError(StoreError, ConfigurationError):
    """The database's schema is older than this version of the package needs: the deployment
    upgrades it on purpose (``mediation db upgrade``), never a store opening."""


def ensure_current(engine: sa.Engine) -> None:
    """Create the schema of an empty database; refuse one at an older revision (to be upgraded
    explicitly) and one written by a newer package."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        upgrade(engine)
        return
    if current not in revisions():
        msg = (
            f"the database is at schema revision {current!r}, which this version of mediation-core does not "
            f"know (newest known: {head!r}); upgrade mediation-core"
        )
        raise StoreError(msg)
    msg = (
        f"{describe(engine.url)}: the database's schema is at revision {current}, this version of mediation-core "
        f"needs {head}; back the database up, then run `mediation db upgrade`; nothing was read or written"
    )
    raise SchemaOutdatedError(msg)


def _run(target: sa.Engine | str, action: Callable[[Config], None]) -> None:
    engine = create_engine(target) if isinstance(target, str) else target
    try:
        with (
            translated(where=describe(engine.url)),
            engine.execution_options(**{WRITE: True}).connect() as conn,
            conn.begin(),
        ):
            if conn.dialect.name == "postgresql":
                schema = conn.exec_driver_sql("SELECT coalesce(current_schema(), '')").scalar_one()
                conn.execute(sa.text(_SCHEMA_LOCK), {"key": _ADVISORY_LOCK, "schema": schema})
            cfg = _config()
            cfg.attributes["connection"] = conn
            action(cfg)
    finally:
        if isinstance(target, str):
            engine.dispose()
