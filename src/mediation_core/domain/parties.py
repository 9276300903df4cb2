"""Parties to a dispute: natural persons, organisations and numerous sides with representatives.

Identity numbers are checked by rules at intake (so every bad field is reported at once),
not in constructors; :func:`age_on` and :attr:`NaturalPerson.sex` read a valid number.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import field, frozen

from mediation_core.domain.identifiers import ResidentIdInfo, Sex, parse_resident_id, resident_id_problem

MAX_REPRESENTATIVES = 5
"""A numerous side elects at most five representatives (宁波条例 art. 20, §1.3.16)."""


class Side(enum.Enum):
    """Which side a party is on."""

    APPLICANT = "applicant"  # 申请人
    RESPONDENT = "respondent"  # 被申请人


@frozen(kw_only=True)
class Guardian:
    """A minor's guardian (监护人), who represents or co-signs for the minor."""

    name: str
    relation: str
    id_number: str = ""
    phone: str = ""


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
    """Completed years of age on ``day``, from the ID's birth date."""
    info = person.id_info
    if info is None:
        return None
    born = info.birth_date
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def persons(parties: tuple[Party, ...]) -> int:
    """How many people the parties are, for (cases, persons) statistics."""
    return sum(p.headcount for p in parties)
