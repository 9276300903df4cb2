"""Registers the SQLAlchemy store as two backends, ``sqlite`` and ``postgresql``.

Cheap to import: SQLAlchemy, Alembic and the drivers load only when a store is opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mediation_core.domain.errors import StoreError
from mediation_core.plugins import StoreBackend, hookimpl
from mediation_sqlalchemy.location import default_sqlite_url

if TYPE_CHECKING:
    from mediation_sqlalchemy.store import SqlStore


def open_sqlite(url: str = "") -> SqlStore:
    """The embedded store: ``sqlite:///path``, a bare file path, or the default location."""
    from mediation_sqlalchemy.store import open_sqlalchemy  # noqa: PLC0415 - keep discovery cheap

    target = url or default_sqlite_url()
    if "://" in target and not target.startswith("sqlite:"):
        msg = f"the sqlite store takes sqlite:///path or a file path, not {target.split('://')[0]}://…"
        raise StoreError(msg)
    return open_sqlalchemy(target)


def open_postgresql(url: str = "") -> SqlStore:
    """The PostgreSQL store at ``postgresql+psycopg://user@host:port/db``."""
    from mediation_sqlalchemy.store import open_sqlalchemy  # noqa: PLC0415 - keep discovery cheap

    if not url.startswith(("postgresql", "postgres:")):
        msg = "the postgresql store needs a URL such as postgresql+psycopg://user@host:5432/db (set MEDIATION_DB_URL)"
        raise StoreError(msg)
    return open_sqlalchemy(url)


@hookimpl
def mediation_store_backends() -> Iterator[StoreBackend]:
    yield StoreBackend(
        name="sqlite",
        open=open_sqlite,
        description="Embedded SQLite file (WAL); the default store.",
        default_url=default_sqlite_url(),
    )
    yield StoreBackend(
        name="postgresql",
        open=open_postgresql,
        description="PostgreSQL server, for production (needs the 'postgres' extra).",
    )
