"""Who does the work: the district's organisations, mediators and liaison deputy directors.

docs/architecture.md ("Organisations"): district → township / sub-district → police station ↔ mediation room; the
justice office, the governance office and the coordination centre; full-time (purchased
service) and part-time mediators; liaison deputy directors from the township and the station.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from attrs import field, frozen

T = TypeVar("T")


class OrgKind(enum.Enum):
    """Kinds of organisation in the 公调对接 network. The traffic police unit hosts the joint
    traffic-accident mediation room ("1+4")."""

    DISTRICT = "district"  # 区/县
    TOWNSHIP = "township"  # 乡镇/街道
    POLICE_STATION = "police_station"  # 派出所
    TRAFFIC_POLICE = "traffic_police"  # 交警大队 / 中队
    MEDIATION_ROOM = "mediation_room"  # 驻所调解室 / 治安纠纷人民调解委员会
    COMMITTEE = "committee"  # 人民调解委员会 (e.g. 柏杨街道人民调解委员会), the body a room belongs to
    JUSTICE_OFFICE = "justice_office"  # 司法所
    GOVERNANCE_OFFICE = "governance_office"  # 综治办 / 综治中心 (the newer name)
    COORDINATION_CENTRE = "coordination_centre"  # 矛盾纠纷多元化解协调中心
    INSURER = "insurer"  # 保险公司 (joins traffic mediation; its duty desk takes the session notices)


class MediationKind(enum.Enum):
    """A kind of mediation a joint room (联合调解室) brings together (docs/legal-basis.md §10.12)."""

    PEOPLES = "peoples"  # 人民调解
    JUDICIAL = "judicial"  # 司法调解（法院特邀调解）
    ADMINISTRATIVE = "administrative"  # 行政调解
    POLICE = "police"  # 治安调解
    INSURER = "insurer"  # 保险公司第三方调解

    @property
    def title_zh(self) -> str:
        return _MEDIATION_KINDS[self]


_MEDIATION_KINDS = {
    MediationKind.PEOPLES: "人民调解",
    MediationKind.JUDICIAL: "司法调解",
    MediationKind.ADMINISTRATIVE: "行政调解",
    MediationKind.POLICE: "治安调解",
    MediationKind.INSURER: "保险公司第三方调解",
}


def _joint_room_kinds(org: Organisation, attribute: object, kinds: tuple[MediationKind, ...]) -> None:
    """Only a room brings mediation kinds together, each once, people's mediation among them."""
    if not kinds:
        return
    problems = []
    if org.kind is not OrgKind.MEDIATION_ROOM:
        problems.append(f"只有调解室记录调解类型 / only a mediation room records mediation kinds ({org.org_id})")
    if len(set(kinds)) != len(kinds):
        problems.append(f"调解类型重复 / a mediation kind is listed twice ({org.org_id})")
    if MediationKind.PEOPLES not in kinds:
        problems.append(f"联合调解室须有人民调解 / a joint room includes people's mediation ({org.org_id})")
    if problems:
        raise ValueError("mediation_kinds: " + "; ".join(problems))


@frozen(kw_only=True)
class Organisation:
    """One organisation. ``parent_id`` is the township for township-level bodies and the
    district for townships and the coordination centre; a room names its station and the
    people's mediation committee it belongs to (``committee_id``: the committee is the legal
    entity that mediates and seals, 人民调解法 arts. 7, 29, 34; the room is where it sits).
    ``phone`` and ``email`` are its duty desk, where notices to the organisation go.
    ``mediation_kinds`` are the kinds of mediation a joint room brings together, people's
    mediation first (none recorded: a people's-mediation room)."""

    org_id: str
    kind: OrgKind
    name: str
    parent_id: str | None = None
    code: str = ""
    station_id: str | None = None
    phone: str = ""
    email: str = ""
    committee_id: str | None = None
    mediation_kinds: tuple[MediationKind, ...] = field(default=(), validator=_joint_room_kinds)

    @property
    def kinds_zh(self) -> str:
        """The kinds of mediation it brings together as printed (人民调解、司法调解、行政调解)."""
        return "、".join(k.title_zh for k in self.mediation_kinds)


class Employment(enum.Enum):
    """专职 (purchased service) or 兼职."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"


@frozen(kw_only=True)
class Mediator:
    """A mediator engaged by a room's committee (人民调解法 arts. 13–14)."""

    mediator_id: str
    name: str
    room_id: str
    employment: Employment
    phone: str = ""
    director: bool = False
    email: str = ""


@frozen(kw_only=True)
class Liaison:
    """A deputy director of the joint room (联合调解室副主任): a leader of the township or of the
    police station who handles the room's liaison, transfers and entrustments."""

    person_id: str
    name: str
    room_id: str
    from_org_id: str
    phone: str = ""
    email: str = ""


@frozen(kw_only=True)
class Registry:
    """A snapshot of the network. Pure lookups; the store keeps the data."""

    organisations: Mapping[str, Organisation] = field(factory=dict)
    mediators: Mapping[str, Mediator] = field(factory=dict)
    liaisons: Mapping[str, Liaison] = field(factory=dict)

    @classmethod
    def of(
        cls,
        organisations: Iterable[Organisation] = (),
        mediators: Iterable[Mediator] = (),
        liaisons: Iterable[Liaison] = (),
    ) -> Registry:
        """Build from lists; duplicate ids are an error."""
        return cls(
            organisations=_unique(organisations, lambda o: o.org_id, "organisation"),
            mediators=_unique(mediators, lambda m: m.mediator_id, "mediator"),
            liaisons=_unique(liaisons, lambda p: p.person_id, "liaison"),
        )

    def merged(self, other: Registry) -> Registry:
        """This registry with ``other``'s records added or replaced."""
        return Registry(
            organisations={**self.organisations, **other.organisations},
            mediators={**self.mediators, **other.mediators},
            liaisons={**self.liaisons, **other.liaisons},
        )

    def org(self, org_id: str) -> Organisation | None:
        return self.organisations.get(org_id)

    def rooms(self) -> Iterator[Organisation]:
        return (o for o in self.organisations.values() if o.kind is OrgKind.MEDIATION_ROOM)

    def committee_of(self, room_id: str) -> Organisation | None:
        """The people's mediation committee a room belongs to, or ``None`` when none is recorded."""
        room = self.organisations.get(room_id)
        committee = self.organisations.get(room.committee_id) if room and room.committee_id else None
        return committee if committee is not None and committee.kind is OrgKind.COMMITTEE else None

    def committee_name(self, room_id: str) -> str:
        """The name documents print and seal under: the room's committee, or (a room recorded
        before committees were) the room's own name."""
        committee = self.committee_of(room_id)
        if committee is not None:
            return committee.name
        room = self.organisations.get(room_id)
        return room.name if room is not None else room_id

    def ancestors(self, org_id: str) -> Iterator[Organisation]:
        """The organisation itself, then its parents up to the district."""
        seen: set[str] = set()
        current = self.organisations.get(org_id)
        while current is not None and current.org_id not in seen:
            seen.add(current.org_id)
            yield current
            current = self.organisations.get(current.parent_id) if current.parent_id else None

    def township_of(self, org_id: str) -> Organisation | None:
        return next((o for o in self.ancestors(org_id) if o.kind is OrgKind.TOWNSHIP), None)

    def district_of(self, org_id: str) -> Organisation | None:
        return next((o for o in self.ancestors(org_id) if o.kind is OrgKind.DISTRICT), None)

    def covers(self, scope_id: str, org_id: str) -> bool:
        """True when ``org_id`` is ``scope_id`` or lies under it. A station covers its rooms."""
        if any(o.org_id == scope_id for o in self.ancestors(org_id)):
            return True
        org = self.organisations.get(org_id)
        return org is not None and org.station_id == scope_id

    def mediators_of(self, room_id: str) -> list[Mediator]:
        return sorted(
            (m for m in self.mediators.values() if m.room_id == room_id),
            key=lambda m: m.mediator_id,
        )


def _unique(items: Iterable[T], key: Callable[[T], str], what: str) -> dict[str, T]:
    out: dict[str, T] = {}
    for item in items:
        k = key(item)
        if k in out:
            msg = f"duplicate {what} id {k!r}"
            raise ValueError(msg)
        out[k] = item
    return out
