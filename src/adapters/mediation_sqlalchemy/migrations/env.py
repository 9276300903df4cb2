"""Alembic environment of the mediation store.

Migrations run on the connection that :func:`mediation_sqlalchemy.migrate.upgrade` hands
over (inside its transaction and lock), never on a URL read from a file, so they always
run against the database the store opened.
"""

from __future__ import annotations

from alembic import context

from mediation_sqlalchemy.migrate import VERSION_TABLE

connection = context.config.attributes.get("connection")
if connection is None:
    msg = "run migrations through mediation_sqlalchemy.migrate.upgrade(url)"
    raise RuntimeError(msg)

context.configure(connection=connection, version_table=VERSION_TABLE, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
