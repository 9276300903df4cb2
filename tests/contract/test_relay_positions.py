"""The shipped stores keep the event relay's positions: the relay part of the storage contract
on the memory store, a SQLite file and PostgreSQL."""

from collections.abc import Callable

import pytest

from mediation_core.app.ports import RelayStore
from mediation_core.testing.storage import OpenStore, RelayContract
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy.store import SqlStore


@pytest.mark.parametrize("store", [MemoryStore, SqlStore])
def test_the_shipped_stores_play_the_relay_role(store: type) -> None:
    assert issubclass(store, RelayStore)


class TestMemoryRelay(RelayContract):
    @pytest.fixture
    def open_store(self) -> OpenStore:
        return MemoryStore


class TestSqlAlchemySqliteRelay(RelayContract):
    @pytest.fixture
    def open_store(self, sqlite_files: Callable[[], str]) -> OpenStore:
        return lambda: open_sqlalchemy(sqlite_files())


@pytest.mark.postgres
class TestSqlAlchemyPostgresRelay(RelayContract):
    @pytest.fixture
    def open_store(self, postgres_schemas: Callable[[], str]) -> OpenStore:
        return lambda: open_sqlalchemy(postgres_schemas())
