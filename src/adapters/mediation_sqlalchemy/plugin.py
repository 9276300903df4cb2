"""Registers the SQLAlchemy store as two backends, ``sqlite`` and ``postgresql``.

Cheap to import: SQLAlchemy, Alembic and the drivers load only when a store is opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from mediation_core.domain.errors import StoreError
from mediation_core.plugins import StoreBackend, hookimpl
from mediation_sqlalchemy.location import default_sqlite_url

if TYPE_CHECKING:
    from mediation_sqlalchemy.store import SqlStore


def open_sqlite(url: str = "") -> SqlStore:
    """The embedded store: ``sqlite:///path``, a bare file path, or the default location."""
    from mediation_sqlalchemy.store import open_sqlalchemy  # noqa: PLC0415 - keep discovery cheap

    return open_sqlalchemy(_sqlite_target(url))


def open_postgresql(url: str = "") -> SqlStore:
    """The PostgreSQL store at ``postgresql+psycopg://user@host:port/db``."""
    from mediation_sqlalchemy.store import open_sqlalchemy  # noqa: PLC0415 - keep discovery cheap

    if not url.startswith(("postgresql", "postgres:")):
        msg = "the postgresql store needs a URL such as postgresql+psycopg://user@host:5432/db (set MEDIATION_DB_URL)"
        raise StoreError(msg)
    return open_sqlalchemy(url)


def _sqlite_target(url: str) -> str:
    target = url or default_sqlite_url()
    if "://" in target and not target.startswith("sqlite:"):
        msg = f"the sqlite store takes sqlite:///path or a file path, not {target.split('://')[0]}://…"
        raise StoreError(msg)
    return target


def schema_of(url: str) -> tuple[str | None, str]:
    """The schema revision of the database at ``url`` (``None``: no database, or an empty one)
    and the newest this package knows. A SQLite file that does not exist is not created."""
    from mediation_sqlalchemy import migrate  # noqa: PLC0415 - keep discovery cheap
    from mediation_sqlalchemy.engine import create_engine, normalise_url  # noqa: PLC0415
    from mediation_sqlalchemy.errors import describe, translated  # noqa: PLC0415

    with translated():
        parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(str(parsed.database)).expanduser().exists():
        return None, migrate.head_revision()
    with translated(where=describe(parsed)):
        engine = create_engine(parsed)
    try:
        return migrate.current_revision(engine), migrate.head_revision()
    finally:
        engine.dispose()


def upgrade_sqlite(url: str = "") -> None:
    """Create the embedded database, or bring its schema to the newest revision."""
    from mediation_sqlalchemy import migrate  # noqa: PLC0415 - keep discovery cheap

    migrate.upgrade(_sqlite_target(url))


def schema_sqlite(url: str = "") -> tuple[str | None, str]:
    return schema_of(_sqlite_target(url))


def upgrade_postgresql(url: str = "") -> None:
    """Create the PostgreSQL store's tables, or bring its schema to the newest revision. A URL
    that names a schema (``options=-csearch_path=NAME``, a county of a deployment) gets the
    schema created first when it does not exist."""
    from mediation_sqlalchemy import migrate  # noqa: PLC0415 - keep discovery cheap

    migrate.create_search_path_schema(url)
    migrate.upgrade(url)


@hookimpl
def mediation_store_backends() -> Iterator[StoreBackend]:
    yield StoreBackend(
        name="sqlite",
        open=open_sqlite,
        description="Embedded SQLite file (WAL); the default store.",
        default_url=default_sqlite_url(),
        schema=schema_sqlite,
        upgrade=upgrade_sqlite,
    )
    yield StoreBackend(
        name="postgresql",
        open=open_postgresql,
        description="PostgreSQL server, for production (needs the 'postgres' extra).",
        schema=schema_of,
        upgrade=upgrade_postgresql,
    )
