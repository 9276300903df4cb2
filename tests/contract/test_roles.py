"""The storage port's roles: what a store implements, and the contract part that checks each."""

from __future__ import annotations

import inspect

import pytest

from mediation_core.app.ports import EventStore, OutboxStore, ProjectionStore, RegistryStore, Store
from mediation_core.domain.values.organisations import Registry
from mediation_core.testing.storage import (
    EventStoreContract,
    OpenStore,
    OutboxContract,
    ProjectionContract,
    RegistryContract,
    SnapshotContract,
    StorageContract,
)
from mediation_memory import MemoryStore
from mediation_sqlalchemy.store import SqlStore

ROLES = (EventStore, ProjectionStore, OutboxStore, RegistryStore)
PARTS = (EventStoreContract, ProjectionContract, OutboxContract, RegistryContract, SnapshotContract)


def methods(protocol: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(protocol, inspect.isfunction) if not name.startswith("_")}


def contract_tests(part: type) -> set[str]:
    return {name for name in dir(part) if name.startswith("test_")}


def test_the_roles_divide_the_store_between_them() -> None:
    """A store that implements the four roles and ``close`` implements the port."""
    owned = [methods(role) for role in ROLES]
    assert sum(len(m) for m in owned) == len(set().union(*owned))
    assert methods(Store) == set().union(*owned) | {"close"}


@pytest.mark.parametrize("store", [MemoryStore, SqlStore])
def test_the_shipped_stores_play_every_role(store: type) -> None:
    for role in (*ROLES, Store):
        assert issubclass(store, role), role.__name__


def test_the_storage_contract_is_its_parts_and_nothing_else() -> None:
    """Checking a store part by part checks everything the whole contract checks, once."""
    parts = [contract_tests(part) for part in PARTS]
    assert sum(len(p) for p in parts) == len(set().union(*parts))
    assert contract_tests(StorageContract) == set().union(*parts)


class RegistryOnly:
    """A store that plays the registry role and nothing else."""

    def __init__(self) -> None:
        self._registry = Registry()

    def registry(self) -> Registry:
        return self._registry

    def save_registry(self, registry: Registry) -> None:
        self._registry = self._registry.merged(registry)

    def close(self) -> None:
        pass


class TestRegistryOnlyStore(RegistryContract):
    """A part runs against a store of its role alone."""

    @pytest.fixture
    def open_store(self) -> OpenStore:
        return RegistryOnly  # type: ignore[return-value]  # the registry role is all this part uses
