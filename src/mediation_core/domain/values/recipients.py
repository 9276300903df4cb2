"""Who a notice reaches: recipients named by role and organisation, resolved from the registry.

A notice is written with the events that caused it, long before it is delivered, so it names
*roles* ("the station liaison of this room"), not people. Delivery resolves the roles against
the registry as it stands then: a liaison replaced in the meantime is not written to.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator

import attrs
from attrs import frozen

from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.notices import Notice, Recipient
from mediation_core.domain.values.organisations import Liaison, Mediator, Organisation, OrgKind, Registry
from mediation_core.domain.values.privacy import (
    DEFAULT_PERSONAL_DATA_ROLES,
    DEFAULT_WITHHELD_ROLES,
    PersonalDataView,
    view_for,
    view_text,
)


class RecipientRole(enum.Enum):
    """The roles the core's notice rules address. ``Recipient.role`` holds the value."""

    MEDIATOR = "mediator"  # the named mediator (``person_id``), else every mediator of the room
    ROOM_DIRECTOR = "room_director"  # 调解室主任
    STATION_LIAISON = "station_liaison"  # 联合调解室副主任 from the police station
    TOWNSHIP_LIAISON = "township_liaison"  # 联合调解室副主任 from the township
    STATION = "station"  # 派出所 (its duty desk)
    TOWNSHIP = "township"  # 乡镇（街道） (its duty desk)
    COORDINATION_CENTRE = "coordination_centre"  # 区矛盾纠纷多元化解协调中心
    JUSTICE_OFFICE = "justice_office"  # 司法所
    GOVERNANCE_OFFICE = "governance_office"  # 综治办 / 综治中心
    ORGANISATION = "organisation"  # the organisation ``org_id`` itself
    REFERRER = "referrer"  # the organisation that referred the dispute (``org_id``)
    PERSON = "person"  # one mediator or liaison by ``person_id``
    INSURER = "insurer"  # the insurer named ``org_id`` (its registry id or its name)


@frozen(kw_only=True)
class Addressee:
    """A person or an organisation's duty desk a notice is delivered to, with its channels.

    ``role`` is the recipient role it was resolved from; ``person_id`` is a mediator's or
    liaison's id, or the organisation id for a duty desk."""

    person_id: str
    name: str
    role: str
    org_id: str
    phone: str = ""
    email: str = ""


@frozen(kw_only=True)
class Resolution:
    """The addressees found, in the order the recipients named them, and the recipients
    the registry could not resolve (an empty role, a person who left, a party)."""

    addressees: tuple[Addressee, ...]
    unresolved: tuple[Recipient, ...]


def _mediator(m: Mediator, role: str) -> Addressee:
    return Addressee(person_id=m.mediator_id, name=m.name, role=role, org_id=m.room_id, phone=m.phone, email=m.email)


def _liaison(p: Liaison, role: str) -> Addressee:
    return Addressee(person_id=p.person_id, name=p.name, role=role, org_id=p.from_org_id, phone=p.phone, email=p.email)


def _desk(o: Organisation, role: str) -> Addressee:
    return Addressee(person_id=o.org_id, name=o.name, role=role, org_id=o.org_id, phone=o.phone, email=o.email)


def _station_of(registry: Registry, org_id: str) -> Organisation | None:
    org = registry.org(org_id)
    if org is None:
        return None
    if org.kind is OrgKind.POLICE_STATION:
        return org
    return registry.org(org.station_id) if org.station_id else None


def _liaisons(registry: Registry, org_id: str, kind: OrgKind, role: str) -> Iterator[Addressee]:
    """Liaisons of ``kind`` at the room ``org_id``, or sent by the organisation ``org_id``."""
    for liaison in sorted(registry.liaisons.values(), key=lambda p: p.person_id):
        home = registry.org(liaison.from_org_id)
        if home is not None and home.kind is kind and org_id in {liaison.room_id, liaison.from_org_id}:
            yield _liaison(liaison, role)


def _in_township(registry: Registry, org_id: str, kind: OrgKind, role: str) -> Iterator[Addressee]:
    township = registry.township_of(org_id)
    if township is None:
        return
    for org in sorted(registry.organisations.values(), key=lambda o: o.org_id):
        if org.kind is kind and org.parent_id == township.org_id:
            yield _desk(org, role)


def _centres(registry: Registry, org_id: str, role: str) -> Iterator[Addressee]:
    district = registry.district_of(org_id)
    if district is None:
        return
    for org in sorted(registry.organisations.values(), key=lambda o: o.org_id):
        if org.kind is OrgKind.COORDINATION_CENTRE and org.parent_id == district.org_id:
            yield _desk(org, role)


def _person(registry: Registry, person_id: str, role: str) -> Iterator[Addressee]:
    if person_id in registry.mediators:
        yield _mediator(registry.mediators[person_id], role)
    elif person_id in registry.liaisons:
        yield _liaison(registry.liaisons[person_id], role)


def _org_desk(registry: Registry, org_id: str, role: str) -> Iterator[Addressee]:
    org = registry.org(org_id)
    if org is not None:
        yield _desk(org, role)


def _station(registry: Registry, org_id: str, role: str) -> Iterator[Addressee]:
    station = _station_of(registry, org_id)
    if station is not None:
        yield _desk(station, role)


def _township(registry: Registry, org_id: str, role: str) -> Iterator[Addressee]:
    township = registry.township_of(org_id)
    if township is not None:
        yield _desk(township, role)


def _insurers(registry: Registry, org_id: str, role: str) -> Iterator[Addressee]:
    for org in sorted(registry.organisations.values(), key=lambda o: o.org_id):
        if org.kind is OrgKind.INSURER and org_id in {org.org_id, org.name}:
            yield _desk(org, role)


_Resolver = Callable[[Registry, str, str], Iterable[Addressee]]
_BY_ROLE: dict[str, _Resolver] = {
    RecipientRole.MEDIATOR.value: lambda r, org, role: (_mediator(m, role) for m in r.mediators_of(org)),
    RecipientRole.ROOM_DIRECTOR.value: lambda r, org, role: (
        _mediator(m, role) for m in r.mediators_of(org) if m.director
    ),
    RecipientRole.STATION_LIAISON.value: lambda r, org, role: _liaisons(r, org, OrgKind.POLICE_STATION, role),
    RecipientRole.TOWNSHIP_LIAISON.value: lambda r, org, role: _liaisons(r, org, OrgKind.TOWNSHIP, role),
    RecipientRole.STATION.value: _station,
    RecipientRole.TOWNSHIP.value: _township,
    RecipientRole.COORDINATION_CENTRE.value: _centres,
    RecipientRole.JUSTICE_OFFICE.value: lambda r, org, role: _in_township(r, org, OrgKind.JUSTICE_OFFICE, role),
    RecipientRole.GOVERNANCE_OFFICE.value: lambda r, org, role: _in_township(r, org, OrgKind.GOVERNANCE_OFFICE, role),
    RecipientRole.ORGANISATION.value: _org_desk,
    RecipientRole.REFERRER.value: _org_desk,
    RecipientRole.INSURER.value: _insurers,
}


def addressees_of(recipient: Recipient, registry: Registry) -> list[Addressee]:
    """The people or duty desks one recipient stands for (empty when none is registered)."""
    role = recipient.role
    if recipient.person_id and role in {RecipientRole.PERSON.value, RecipientRole.MEDIATOR.value}:
        return list(_person(registry, recipient.person_id, role))
    resolver = _BY_ROLE.get(role)
    return list(resolver(registry, recipient.org_id, role)) if resolver else []


def resolve(recipients: Iterable[Recipient], registry: Registry) -> Resolution:
    """Resolve every recipient; a person reached through two roles is listed once, under
    the first."""
    seen: set[str] = set()
    addressees: list[Addressee] = []
    unresolved: list[Recipient] = []
    for recipient in recipients:
        found = addressees_of(recipient, registry)
        if not found:
            unresolved.append(recipient)
        for addressee in found:
            if addressee.person_id not in seen:
                seen.add(addressee.person_id)
                addressees.append(addressee)
    return Resolution(addressees=tuple(addressees), unresolved=tuple(unresolved))


__all__ = ["Addressee", "RecipientRole", "Resolution", "addressees_of", "resolve"]


# -- the personal-data view a notice is written in -------------------------------------------
_READER_ROLES: dict[str, Role] = {
    RecipientRole.MEDIATOR.value: Role.MEDIATOR,
    RecipientRole.ROOM_DIRECTOR.value: Role.ROOM_DIRECTOR,
    RecipientRole.STATION_LIAISON.value: Role.STATION_LIAISON,
    RecipientRole.TOWNSHIP_LIAISON.value: Role.TOWNSHIP,
    RecipientRole.STATION.value: Role.POLICE_OFFICER,
    RecipientRole.TOWNSHIP.value: Role.TOWNSHIP,
    RecipientRole.COORDINATION_CENTRE.value: Role.COORDINATION_CENTRE,
    RecipientRole.JUSTICE_OFFICE.value: Role.JUSTICE_OFFICE,
    RecipientRole.GOVERNANCE_OFFICE.value: Role.TOWNSHIP,
}
"""The role a notice's recipient reads in. A named person reads as a mediator when the registry
knows a mediator of that id, else as a liaison; an organisation, referrer, insurer or party reads
as nobody who handles the case (masked, withheld when sensitive)."""


def recipient_view(
    recipient: Recipient,
    *,
    sensitive: bool,
    full_roles: Iterable[Role] = DEFAULT_PERSONAL_DATA_ROLES,
    withheld_roles: Iterable[Role] = DEFAULT_WITHHELD_ROLES,
    registry: Registry | None = None,
) -> PersonalDataView:
    """The view ``recipient`` reads a notice about a record in. Notices are addressed to the
    record's own room, station and the bodies above them, so a recipient whose role handles the
    parties' data reads it in full; a ``sensitive`` record (a child) is withheld from everyone
    else, as :func:`~mediation_core.domain.values.privacy.view_for` decides for a reader."""
    role = _READER_ROLES.get(recipient.role)
    if recipient.role == RecipientRole.PERSON.value:
        known = registry is not None and recipient.person_id in registry.mediators
        role = Role.MEDIATOR if known else Role.STATION_LIAISON
    if role is None:
        return PersonalDataView.WITHHELD if sensitive else PersonalDataView.MASKED
    reader = Actor(actor_id=recipient.person_id or recipient.org_id, role=role, scope_id=recipient.org_id)
    return view_for(reader, in_scope=True, full_roles=full_roles, withheld_roles=withheld_roles, sensitive=sensitive)


def notice_in_view(notice: Notice, view: PersonalDataView, names: Iterable[str]) -> Notice:
    """``notice`` with its subject, body and payload in ``view``: numbers masked unless
    ``FULL``, ``names`` (every person the record names) struck when ``WITHHELD``."""
    if view is PersonalDataView.FULL:
        return notice
    names = tuple(names)
    return attrs.evolve(
        notice,
        subject=view_text(notice.subject, view, names),
        body=view_text(notice.body, view, names),
        payload={k: view_text(v, view, names) for k, v in notice.payload.items()},
    )


def notice_for_recipients(
    notice: Notice,
    names: Iterable[str],
    *,
    sensitive: bool,
    full_roles: Iterable[Role] = DEFAULT_PERSONAL_DATA_ROLES,
    withheld_roles: Iterable[Role] = DEFAULT_WITHHELD_ROLES,
    registry: Registry | None = None,
) -> Notice:
    """One notice goes to all its recipients by SMS, robots and e-mail alike, so it is written
    in the narrowest of their views: a risk notice to the station liaison and the coordination
    centre strikes the people's names the centre may not read, and a child's from both."""
    order = (PersonalDataView.WITHHELD, PersonalDataView.MASKED, PersonalDataView.FULL)
    views = [
        recipient_view(r, sensitive=sensitive, full_roles=full_roles, withheld_roles=withheld_roles, registry=registry)
        for r in notice.recipients
    ]
    view = min(views, key=order.index, default=PersonalDataView.WITHHELD if sensitive else PersonalDataView.MASKED)
    return notice_in_view(notice, view, names)
