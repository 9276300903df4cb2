"""The SQLAlchemy store passes the shared storage contract on a SQLite file and on PostgreSQL."""

from collections.abc import Callable

import pytest

from mediation_core.testing.storage import OpenStore, StorageContract
from mediation_sqlalchemy import open_sqlalchemy


class TestSqlAlchemySqliteStorage(StorageContract):
    @pytest.fixture
    def open_store(self, sqlite_files: Callable[[], str]) -> OpenStore:
        return lambda: open_sqlalchemy(sqlite_files())


@pytest.mark.postgres
class TestSqlAlchemyPostgresStorage(StorageContract):
    @pytest.fixture
    def open_store(self, postgres_schemas: Callable[[], str]) -> OpenStore:
        return lambda: open_sqlalchemy(postgres_schemas())
