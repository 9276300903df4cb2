"""Registers the memory store under the name ``memory``, like any third-party plugin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mediation_core.plugins import StoreBackend, hookimpl

if TYPE_CHECKING:
    from mediation_memory.store import MemoryStore


def open_memory(url: str = "") -> MemoryStore:
    """A new, empty memory store (the URL is ignored)."""
    from mediation_memory.store import MemoryStore  # noqa: PLC0415 - keep discovery cheap

    return MemoryStore()


@hookimpl
def mediation_store_backends() -> Iterator[StoreBackend]:
    yield StoreBackend(
        name="memory",
        open=open_memory,
        description="In-process memory; the reference store (data is lost on exit).",
        default_url="memory://",
    )
