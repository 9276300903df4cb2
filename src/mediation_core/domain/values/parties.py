"""Parties to a dispute: natural persons, organisations and numerous sides with representatives.

Identity numbers are checked by rules at intake (so every bad field is reported at once),
not in constructors; :func:`age_on` and :attr:`NaturalPerson.sex` read a valid number.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import field, frozen

from mediation_core.domain.values.identifiers import ResidentIdInfo, Sex, parse_resident_id, resident_id_problem

MAX_REPRESENTATIVES = 5
"""A numerous side elects at most five representatives (宁波条例 art. 20, docs/legal-basis.md §1.3.16)."""


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


@frozen(kw_only=True)
class NaturalPerson:
    """A natural person; ``id_number`` is a GB 11643 resident ID number."""

    party_id: str
    side: Side
    name: str
    id_number: str
    phone: str = ""
    address: str = ""
    ethnicity: str = ""
    occupation: str = ""
    guardian: Guardian | None = None
    self_supporting: bool = False
    birth_date: dt.date | None = None

    @property
    def id_info(self) -> ResidentIdInfo | None:
        """Decoded ID, or ``None`` when the number is invalid."""
        if resident_id_problem(self.id_number) is not None:
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
