"""The base every event of every aggregate shares: a stable wire tag and a schema version."""

from __future__ import annotations

from typing import ClassVar

from attrs import frozen


@frozen(kw_only=True)
class DomainEvent:
    """Base of every event of every aggregate: a stable wire tag and a schema version."""

    EVENT_TYPE: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int] = 1
