"""The memory store passes the shared storage contract."""

import pytest

from mediation_core.testing.storage import OpenStore, StorageContract
from mediation_memory import MemoryStore


class TestMemoryStorage(StorageContract):
    @pytest.fixture
    def open_store(self) -> OpenStore:
        return MemoryStore
