"""SQLAlchemy storage: SQLite embedded by default, PostgreSQL in production.

Importing this package is cheap: SQLAlchemy and Alembic load only when a store is opened,
so plugin discovery stays fast. The public names are loaded on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mediation_sqlalchemy.location import default_sqlite_path, default_sqlite_url
    from mediation_sqlalchemy.migrate import current_revision, head_revision, upgrade
    from mediation_sqlalchemy.store import SqlStore, open_sqlalchemy
    from mediation_sqlalchemy.unit_of_work import SqlUnitOfWork

__all__ = [
    "SqlStore",
    "SqlUnitOfWork",
    "current_revision",
    "default_sqlite_path",
    "default_sqlite_url",
    "head_revision",
    "open_sqlalchemy",
    "upgrade",
]

_HOMES = {
    "SqlStore": "store",
    "SqlUnitOfWork": "unit_of_work",
    "open_sqlalchemy": "store",
    "current_revision": "migrate",
    "head_revision": "migrate",
    "upgrade": "migrate",
    "default_sqlite_path": "location",
    "default_sqlite_url": "location",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib  # noqa: PLC0415 - lazy on purpose

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
