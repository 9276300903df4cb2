"""The in-memory store: the reference implementation of the storage contract."""

from mediation_memory.store import MemoryStore

__all__ = ["MemoryStore"]
