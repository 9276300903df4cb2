"""Alembic migrations of the mediation store, shipped inside the package (see ``migrate``)."""
