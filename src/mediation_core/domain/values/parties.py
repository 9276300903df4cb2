"""Parties to a dispute: natural persons, organisations and numerous sides with representatives.

Identity numbers are checked by rules at intake (so every bad field is reported at once),
not in constructors; :func:`age_on` and :attr:`NaturalPerson.sex` read a valid number.
A person's ``id_number`` is the number of the document ``id_kind`` names (a resident ID
unless said otherwise, as every record made before other documents were supported is); a
person without one records ``no_id_reason`` instead.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import field, frozen

from mediation_core.domain.values.identifiers import (
    IdentityDocument,
    IdKind,
    NoIdReason,
    ResidentIdInfo,
    Sex,
    parse_resident_id,
    resident_id_problem,
)

MAX_REPRESENTATIVES = 5
"""The default of ``Policy.max_representatives``: a numerous side elects at most five
representatives (宁波条例 art. 20, docs/legal-basis.md §1.3.16)."""


class Side(enum.Enum):
    """Which side a party is on."""

    APPLICANT = "applicant"  # 申请人
    RESPONDENT = "respondent"  # 被申请人


@frozen(kw_only=True)
class Guardian:
    """A minor's guardian (监护人), who represents or co-signs for the minor.

    ``consents_to_processing`` records the guardian's separate consent to the processing of
    a child's personal information (个人信息保护法 arts. 29 and 31)."""

    name: str
    relation: str
    id_number: str = ""
    phone: str = ""
    consents_to_processing: bool = False
    id_kind: IdKind = IdKind.RESIDENT_ID


@frozen(kw_only=True)
class NaturalPerson:
    """A natural person; ``id_number`` is the number of an ``id_kind`` document (by default a
    GB 11643 resident ID number), or empty with ``no_id_reason`` recorded."""

    party_id: str
    side: Side
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    ethnicity: str = ""
    occupation: str = ""
    guardian: Guardian | None = None
    self_supporting: bool = False
    birth_date: dt.date | None = None
    id_kind: IdKind = IdKind.RESIDENT_ID
    no_id_reason: NoIdReason | None = None
    lacks_capacity: bool = False
    """An adult without full civil capacity (民法典 arts. 21–22), for whom the guardian acts."""

    @property
    def identity(self) -> IdentityDocument | None:
        """The document and its number, or ``None`` when no number is recorded."""
        return IdentityDocument(self.id_kind, self.id_number) if self.id_number else None

    @property
    def id_info(self) -> ResidentIdInfo | None:
        """Decoded GB 11643 number (resident ID or HMT residence permit), or ``None`` when the
        number is of another kind or invalid."""
        if not self.id_kind.gb11643 or resident_id_problem(self.id_number) is not None:
            return None
        return parse_resident_id(self.id_number)

    @property
    def sex(self) -> Sex | None:
        info = self.id_info
        return info.sex if info else None

    @property
    def headcount(self) -> int:
        return 1


@frozen(kw_only=True)
class OrganisationParty:
    """A legal person or other organisation; ``credit_code`` is a GB 32100 code."""

    party_id: str
    side: Side
    name: str
    credit_code: str
    legal_representative: str
    phone: str = ""
    address: str = ""

    @property
    def headcount(self) -> int:
        return 1


@frozen(kw_only=True)
class GroupParty:
    """A numerous side (e.g. 30 villagers) acting through at most five representatives."""

    party_id: str
    side: Side
    name: str
    headcount: int
    representatives: tuple[NaturalPerson, ...] = field(factory=tuple)


Party = NaturalPerson | OrganisationParty | GroupParty


def age_on(person: NaturalPerson, day: dt.date) -> int | None:
    """Completed years of age on ``day``, from the ID's birth date (or the recorded birth
    date of a person without a valid resident ID)."""
    info = person.id_info
    born = info.birth_date if info is not None else person.birth_date
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


ADULT_AGE = 18
"""民法典（2020）第17条: 18 and over is an adult; 第18条: from 16, living on one's own earnings counts as
full capacity."""


def needs_guardian_signature(person: NaturalPerson, day: dt.date) -> bool:
    """Whether the guardian (the legal representative, 民法典 arts. 19–23) must sign for ``person``
    on ``day``: under 18 and not a self-supporting 16- or 17-year-old, or an adult recorded as
    lacking full capacity."""
    if person.lacks_capacity:
        return True
    age = age_on(person, day)
    return age is not None and age < ADULT_AGE and not (age >= 16 and person.self_supporting)


def wards(parties: tuple[Party, ...], day: dt.date) -> tuple[str, ...]:
    """The ids of the natural-person parties whose guardian signs for them on ``day``."""
    return tuple(p.party_id for p in parties if isinstance(p, NaturalPerson) and needs_guardian_signature(p, day))


SENSITIVE_AGE = 14
"""All personal information of a child under 14 is sensitive (个人信息保护法 art. 28)."""


def natural_persons(parties: tuple[Party, ...]) -> tuple[NaturalPerson, ...]:
    """The natural persons among the parties and the representatives of numerous sides."""
    out: list[NaturalPerson] = []
    for p in parties:
        if isinstance(p, NaturalPerson):
            out.append(p)
        elif isinstance(p, GroupParty):
            out.extend(p.representatives)
    return tuple(out)


def is_child(person: NaturalPerson, day: dt.date) -> bool:
    """Younger than 14 on ``day`` (sensitive personal information, 个人信息保护法 art. 28)."""
    age = age_on(person, day)
    return age is not None and age < SENSITIVE_AGE


def holds_sensitive_data(parties: tuple[Party, ...], day: dt.date) -> bool:
    """Whether any party (or a representative) was under 14 on ``day``, the day of intake."""
    return any(is_child(p, day) for p in natural_persons(parties))


def persons(parties: tuple[Party, ...]) -> int:
    """How many people the parties are, for (cases, persons) statistics."""
    return sum(p.headcount for p in parties)
