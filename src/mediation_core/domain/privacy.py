"""Personal data in what leaves the system: ID numbers and phone numbers are masked unless the
reader's role may see them.

个人信息保护法 arts. 6 and 51 (minimum necessary; de-identification), 人民调解法 art. 15
(mediators keep the parties' privacy), 居民身份证法 art. 19. Reports, exports and documents are
built for one actor: :func:`may_see_personal_data` decides, and the masking functions below
are applied to every ID number, phone number and free text before a renderer sees the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from mediation_core.domain.actors import Actor, Role
from mediation_core.domain.identifiers import mask_phone, mask_resident_id
from mediation_core.domain.parties import GroupParty, Guardian, NaturalPerson, OrganisationParty, Party

DEFAULT_PERSONAL_DATA_ROLES: tuple[Role, ...] = (Role.MEDIATOR, Role.ROOM_DIRECTOR, Role.ADMINISTRATOR)
"""Who handles a case and so may read its parties' ID and phone numbers in full (within scope)."""

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")


def may_see_personal_data(actor: Actor, *, in_scope: bool, roles: Iterable[Role] = DEFAULT_PERSONAL_DATA_ROLES) -> bool:
    """True when ``actor`` may read ID and phone numbers in full: the role is one of ``roles``
    and the case lies within the actor's scope (``in_scope``, decided against the registry)."""
    return in_scope and actor.role in frozenset(roles)


def mask_text(text: str) -> str:
    """Mask every resident ID number and phone number written inside free text."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


def _guardian(g: Guardian | None) -> Guardian | None:
    if g is None:
        return None
    return attrs.evolve(g, id_number=mask_resident_id(g.id_number), phone=mask_phone(g.phone))


def _person(p: NaturalPerson) -> NaturalPerson:
    return attrs.evolve(
        p,
        id_number=mask_resident_id(p.id_number),
        phone=mask_phone(p.phone),
        address=mask_text(p.address),
        guardian=_guardian(p.guardian),
    )


def masked_party(party: Party) -> Party:
    """The party with its ID and phone numbers masked (an organisation's credit code is public)."""
    if isinstance(party, NaturalPerson):
        return _person(party)
    if isinstance(party, OrganisationParty):
        return attrs.evolve(party, phone=mask_phone(party.phone))
    if isinstance(party, GroupParty):
        return attrs.evolve(party, representatives=tuple(_person(r) for r in party.representatives))
    msg = f"unknown party type {type(party).__name__}"  # pragma: no cover
    raise TypeError(msg)


def masked_parties(parties: Iterable[Party]) -> tuple[Party, ...]:
    return tuple(masked_party(p) for p in parties)
