"""Who may do what: every command and query passes through here with its ``Actor``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mediation_core.domain.actors import Actor, Role
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.organisations import OrgKind, Registry

UNRESTRICTED = frozenset({Role.ADMINISTRATOR, Role.SYSTEM})
CASE_WRITERS = frozenset({Role.MEDIATOR, Role.ROOM_DIRECTOR})
CASE_READERS = CASE_WRITERS | {Role.JUSTICE_OFFICE, Role.TOWNSHIP, Role.COORDINATION_CENTRE}


def in_scope(actor: Actor, org_id: str, registry: Registry) -> bool:
    """True when ``org_id`` is the actor's organisation or lies under it."""
    return actor.scope_id == org_id or registry.covers(actor.scope_id, org_id)


def authorise_case_command(actor: Actor, room_id: str, registry: Registry) -> None:
    """Mediators and room directors act on their own room's cases; administrators anywhere."""
    if actor.role in UNRESTRICTED:
        return
    if actor.role in CASE_WRITERS and in_scope(actor, room_id, registry):
        return
    msg = f"{actor} 无权办理调解室 {room_id} 的案件 / may not act on cases of room {room_id}"
    raise AuthorisationError(msg)


def may_read_case(actor: Actor, room_id: str, registry: Registry) -> bool:
    """Case files are read by their room and by the bodies above it."""
    return actor.role in UNRESTRICTED or (actor.role in CASE_READERS and in_scope(actor, room_id, registry))


def authorise_case_read(actor: Actor, room_id: str, registry: Registry) -> None:
    """Raise unless :func:`may_read_case`."""
    if may_read_case(actor, room_id, registry):
        return
    msg = f"{actor} 无权查阅调解室 {room_id} 的案件 / may not read cases of room {room_id}"
    raise AuthorisationError(msg)


def authorise_administration(actor: Actor) -> None:
    """Registry changes are for administrators."""
    if actor.role not in UNRESTRICTED:
        msg = f"{actor} 无权维护组织名册 / may not change the registry"
        raise AuthorisationError(msg)


STATION_STAFF = frozenset({Role.STATION_LIAISON, Role.POLICE_OFFICER})
POLICE_UNITS = frozenset({OrgKind.POLICE_STATION, OrgKind.TRAFFIC_POLICE})
"""Who acts for a police station: its officers and its liaison deputy director of the room."""
LINKAGE_READERS = CASE_READERS | STATION_STAFF


def authorise_linkage_command(actor: Actor, org_id: str, registry: Registry) -> None:
    """Commands shared between a station and a room: a station's (or the traffic police's)
    staff act for it (issuing a letter, their 治安 case, a 110 dispatch, a traffic accident), a
    room's mediators for the room (accepting, declining, settling on the scene); administrators
    anywhere."""
    if actor.role in UNRESTRICTED:
        return
    org = registry.org(org_id)
    station = org is not None and org.kind in POLICE_UNITS
    allowed = STATION_STAFF if station else CASE_WRITERS
    if actor.role in allowed and in_scope(actor, org_id, registry):
        return
    whose = "派出所" if station else "调解室"
    msg = f"{actor} 无权代表{whose} {org_id} 办理 / may not act for {org_id}"
    raise AuthorisationError(msg)


def may_read_linked(actor: Actor, org_ids: Iterable[str], registry: Registry) -> bool:
    """A referral, 治安 case, dispatch or traffic record is read by the station and the room it
    links, and by the bodies above them."""
    if actor.role in UNRESTRICTED:
        return True
    return actor.role in LINKAGE_READERS and any(in_scope(actor, org_id, registry) for org_id in org_ids if org_id)


REPORTERS = CASE_WRITERS | {Role.JUSTICE_OFFICE, Role.TOWNSHIP, Role.COORDINATION_CENTRE}
"""Who files returns and keeps meeting, training and supervision records: staff of the
organisation the record belongs to, or of a body above it."""

SUPERVISORS = frozenset({Role.JUSTICE_OFFICE, Role.COORDINATION_CENTRE})
"""Who evaluates mediators, records misconduct findings and inspects rooms (the justice
bureau's offices and the coordination centre)."""


def authorise_within(roles: frozenset[Role], what_zh: str, what_en: str) -> Callable[[Actor, str, Registry], None]:
    """An authorisation check: one of ``roles``, acting for ``org_id`` or a body above it."""

    def authorise(actor: Actor, org_id: str, registry: Registry) -> None:
        if actor.role in UNRESTRICTED or (actor.role in roles and in_scope(actor, org_id, registry)):
            return
        msg = f"{actor} 无权{what_zh}（{org_id}） / may not {what_en} for {org_id}"
        raise AuthorisationError(msg)

    return authorise


def may_read_within(actor: Actor, org_id: str, registry: Registry, roles: frozenset[Role] = CASE_READERS) -> bool:
    """Reports about ``org_id`` are read by its staff and by the bodies above it."""
    return actor.role in UNRESTRICTED or (actor.role in roles and in_scope(actor, org_id, registry))


def authorise_report_read(actor: Actor, org_id: str, registry: Registry, roles: frozenset[Role] = CASE_READERS) -> None:
    """Raise unless the actor may read reports about ``org_id`` (stations' staff too when
    ``roles`` is :data:`LINKAGE_READERS`)."""
    if may_read_within(actor, org_id, registry, roles):
        return
    msg = f"{actor} 无权查阅 {org_id} 的统计与报告 / may not read reports of {org_id}"
    raise AuthorisationError(msg)
