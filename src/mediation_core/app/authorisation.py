"""Who may do what: every command and query passes through here with its ``Actor``.

An actor's ``scope_id`` names the organisation it acts for. Each role acts for organisations of
certain kinds (:data:`SCOPE_KINDS`): a mediator for a room, a station's staff for a station, the
justice office for its township (or, as the district's justice bureau, the district), the
coordination centre for the district. An office may also be named by its own id: the justice
office, governance office and coordination centre stand for the area they sit in (their parent
township or district). A scope that does not fit the role covers nothing, so a mediator who
claims the district reads no more than a stranger.

Every refusal is an :class:`AuthorisationError` that carries the actor, what it tried and on
what; the service records each one in the access log (``docs/security.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from attrs import frozen

from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.organisations import OrgKind, Registry

UNRESTRICTED = frozenset({Role.ADMINISTRATOR, Role.SYSTEM})
CASE_WRITERS = frozenset({Role.MEDIATOR, Role.ROOM_DIRECTOR})
CASE_READERS = CASE_WRITERS | {Role.JUSTICE_OFFICE, Role.TOWNSHIP, Role.COORDINATION_CENTRE}
STATION_STAFF = frozenset({Role.STATION_LIAISON, Role.POLICE_OFFICER})
POLICE_UNITS = frozenset({OrgKind.POLICE_STATION, OrgKind.TRAFFIC_POLICE})
"""Who acts for a police station: its officers and its liaison deputy director of the room."""
LINKAGE_READERS = CASE_READERS | STATION_STAFF

SCOPE_KINDS: dict[Role, frozenset[OrgKind]] = {
    Role.MEDIATOR: frozenset({OrgKind.MEDIATION_ROOM}),
    Role.ROOM_DIRECTOR: frozenset({OrgKind.MEDIATION_ROOM}),
    Role.STATION_LIAISON: POLICE_UNITS,
    Role.POLICE_OFFICER: POLICE_UNITS,
    Role.JUSTICE_OFFICE: frozenset({OrgKind.TOWNSHIP, OrgKind.DISTRICT}),
    Role.TOWNSHIP: frozenset({OrgKind.TOWNSHIP}),
    Role.COORDINATION_CENTRE: frozenset({OrgKind.DISTRICT}),
}
"""The kinds of organisation each scoped role acts for."""

OFFICES: dict[Role, OrgKind] = {
    Role.JUSTICE_OFFICE: OrgKind.JUSTICE_OFFICE,
    Role.TOWNSHIP: OrgKind.GOVERNANCE_OFFICE,
    Role.COORDINATION_CENTRE: OrgKind.COORDINATION_CENTRE,
}
"""An office named as the scope stands for the area it sits in (its parent organisation)."""


def jurisdiction(actor: Actor, registry: Registry) -> str | None:
    """The organisation whose area ``actor`` acts for, or ``None`` when its scope does not fit
    its role (an unknown organisation, or one of the wrong kind)."""
    org = registry.org(actor.scope_id)
    if org is None:
        return None
    if OFFICES.get(actor.role) is org.kind:
        return org.parent_id
    return org.org_id if org.kind in SCOPE_KINDS.get(actor.role, frozenset()) else None


def in_scope(actor: Actor, org_id: str, registry: Registry) -> bool:
    """True when ``org_id`` is the organisation the actor acts for or lies under it (a station
    covers the rooms stationed there). Administrators and the system cover everything."""
    if actor.role in UNRESTRICTED:
        return True
    area = jurisdiction(actor, registry)
    return area is not None and bool(org_id) and (area == org_id or registry.covers(area, org_id))


def denied(actor: Actor, action: str, target: str, zh: str, en: str) -> AuthorisationError:
    """The refusal of ``action`` on ``target``, in Chinese and English, carrying who asked."""
    return AuthorisationError(f"{actor} {zh} / {en}", actor=actor, action=action, target=target)


def authorise_case_command(actor: Actor, room_id: str, registry: Registry) -> None:
    """Mediators and room directors act on their own room's cases; administrators anywhere."""
    if actor.role in UNRESTRICTED or (actor.role in CASE_WRITERS and in_scope(actor, room_id, registry)):
        return
    zh, en = f"无权办理调解室 {room_id} 的案件", f"may not act on cases of room {room_id}"
    raise denied(actor, "command", room_id, zh, en)


def may_read_case(actor: Actor, room_id: str, registry: Registry) -> bool:
    """Case files are read by their room and by the bodies above it."""
    return actor.role in UNRESTRICTED or (actor.role in CASE_READERS and in_scope(actor, room_id, registry))


def authorise_case_read(actor: Actor, room_id: str, registry: Registry, target: str = "") -> None:
    """Raise unless :func:`may_read_case`."""
    if may_read_case(actor, room_id, registry):
        return
    raise denied(
        actor, "read", target or room_id, f"无权查阅调解室 {room_id} 的案件", f"may not read cases of room {room_id}"
    )


def authorise_administration(actor: Actor, what_zh: str = "维护组织名册", what_en: str = "change the registry") -> None:
    """Registry changes, the outbox's dead letters, chain verification and the access log are
    for administrators (and the system itself)."""
    if actor.role not in UNRESTRICTED:
        raise denied(actor, "administer", "*", f"无权{what_zh}", f"may not {what_en}")


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
    raise denied(actor, "command", org_id, f"无权代表{whose} {org_id} 办理", f"may not act for {org_id}")


@frozen(kw_only=True)
class Readers:
    """Who reads a record beside administrators: ``orgs`` are the rooms, townships or other
    bodies it belongs to (read by their staff and the bodies above them), ``stations`` the
    police units whose record it is (read by their staff, and by the bodies above them)."""

    orgs: tuple[str, ...] = ()
    stations: tuple[str, ...] = ()


def readers_by_tags(
    orgs: tuple[str, ...] = (), stations: tuple[str, ...] = ()
) -> Callable[[Mapping[str, str]], Readers]:
    """Who reads a record, from the tags of its Document: the tags named by ``orgs`` hold the
    bodies it belongs to, those named by ``stations`` the police units whose record it is."""

    def readers(tags: Mapping[str, str]) -> Readers:
        return Readers(orgs=tuple(tags.get(t, "") for t in orgs), stations=tuple(tags.get(t, "") for t in stations))

    return readers


def may_read_linked(actor: Actor, readers: Readers, registry: Registry) -> bool:
    """A referral, 治安 case, dispatch or traffic record is read by the station whose record it
    is, by the room it is linked to, and by the bodies above them. A station's staff read only
    their station's own records (the letters it issued and what became of them), not every
    record of a room stationed there."""
    if actor.role in UNRESTRICTED:
        return True
    if actor.role in STATION_STAFF:
        return any(in_scope(actor, s, registry) for s in readers.stations if s)
    if actor.role in CASE_READERS:
        return any(in_scope(actor, o, registry) for o in (*readers.orgs, *readers.stations) if o)
    return False


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
        raise denied(actor, "command", org_id, f"无权{what_zh}（{org_id}）", f"may not {what_en} for {org_id}")

    return authorise


def may_read_within(actor: Actor, org_id: str, registry: Registry, roles: frozenset[Role] = CASE_READERS) -> bool:
    """Reports about ``org_id`` are read by its staff and by the bodies above it."""
    return actor.role in UNRESTRICTED or (actor.role in roles and in_scope(actor, org_id, registry))


def authorise_report_read(actor: Actor, org_id: str, registry: Registry, roles: frozenset[Role] = CASE_READERS) -> None:
    """Raise unless the actor may read reports about ``org_id`` (stations' staff too when
    ``roles`` is :data:`LINKAGE_READERS`)."""
    if may_read_within(actor, org_id, registry, roles):
        return
    raise denied(actor, "report", org_id, f"无权查阅 {org_id} 的统计与报告", f"may not read reports of {org_id}")


def authorise_rooms(actor: Actor, room_ids: Iterable[str], registry: Registry) -> None:
    """A query that names rooms explicitly: every one of them must be readable."""
    for room_id in room_ids:
        authorise_case_read(actor, room_id, registry)
