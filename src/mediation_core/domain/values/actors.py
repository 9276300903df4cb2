"""Who is acting: a role and an organisational scope carried by every command and query."""

from __future__ import annotations

import enum

from attrs import frozen


class Role(enum.Enum):
    """Roles of the people and systems that use the library (docs/security.md)."""

    MEDIATOR = "mediator"
    ROOM_DIRECTOR = "room_director"
    STATION_LIAISON = "station_liaison"
    POLICE_OFFICER = "police_officer"
    JUSTICE_OFFICE = "justice_office"
    TOWNSHIP = "township"
    COORDINATION_CENTRE = "coordination_centre"
    ADMINISTRATOR = "administrator"
    SYSTEM = "system"


@frozen(kw_only=True)
class Actor:
    """``actor_id`` is a person or system id; ``scope_id`` the organisation it acts for."""

    actor_id: str
    role: Role
    scope_id: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.role.value}:{self.actor_id}@{self.scope_id}"


SYSTEM_ACTOR = Actor(actor_id="system", role=Role.SYSTEM, scope_id="*", name="系统")
