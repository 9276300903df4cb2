"""The demo district: 18 police-station rooms and the traffic-accident joint room, shaped like
the source report (docs/legal-basis.md §10.1, docs/demo.md: 7 urban stations' rooms set up in 2017, 18 rooms in all, the
"1+4" joint room at the traffic police brigade, 15 full-time and 84 part-time mediators, a
liaison deputy director from the township and one from the station in every room).

The district is the same for every seed; the seed varies only the disputes. It extends the
walkthrough's district (柏杨街道, 彭山路派出所 and its joint room keep their ids), so the
walkthrough's case fits into it.
"""

from __future__ import annotations

import random

from attrs import frozen

from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.traffic.accident import JointBody
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.organisations import Employment, Liaison, Mediator, Organisation, OrgKind, Registry

DISTRICT = "district"
CENTRE = "centre"
BRIGADE = "traffic-brigade-1"
TRAFFIC_ROOM = "traffic-joint-room"


@frozen(kw_only=True)
class StationSpec:
    """One police station and the room stationed in it."""

    key: str
    station: str
    township: str
    code: str
    urban: bool
    weight: float
    """The station's share of the district's disputes, relative to the others."""


@frozen(kw_only=True)
class TownshipSpec:
    key: str
    name: str


TOWNSHIPS: tuple[TownshipSpec, ...] = (
    TownshipSpec(key="baiyang", name="柏杨街道"),
    TownshipSpec(key="chengdong", name="城东街道"),
    TownshipSpec(key="chengxi", name="城西街道"),
    TownshipSpec(key="chengnan", name="城南街道"),
    TownshipSpec(key="chengbei", name="城北街道"),
    TownshipSpec(key="binjiang", name="滨江街道"),
    TownshipSpec(key="qinglong", name="青龙镇"),
    TownshipSpec(key="baima", name="白马镇"),
    TownshipSpec(key="shiqiao", name="石桥镇"),
    TownshipSpec(key="jinshan", name="金山镇"),
    TownshipSpec(key="angu", name="安谷镇"),
    TownshipSpec(key="liujiang", name="柳江镇"),
    TownshipSpec(key="shuikou", name="水口镇"),
    TownshipSpec(key="yuelai", name="悦来乡"),
)

STATIONS: tuple[StationSpec, ...] = (
    StationSpec(key="pengshanlu", code="彭", station="彭山路", township="baiyang", urban=True, weight=1.6),
    StationSpec(key="baiyang", code="柏", station="柏杨", township="baiyang", urban=True, weight=1.3),
    StationSpec(key="chengdong", code="东", station="城东", township="chengdong", urban=True, weight=1.4),
    StationSpec(key="chengxi", code="西", station="城西", township="chengxi", urban=True, weight=1.3),
    StationSpec(key="chengnan", code="南", station="城南", township="chengnan", urban=True, weight=1.2),
    StationSpec(key="chengbei", code="北", station="城北", township="chengbei", urban=True, weight=1.2),
    StationSpec(key="binjiang", code="滨", station="滨江", township="binjiang", urban=True, weight=1.1),
    StationSpec(key="qinglong", code="青", station="青龙", township="qinglong", urban=False, weight=0.9),
    StationSpec(key="baima", code="白", station="白马", township="baima", urban=False, weight=0.8),
    StationSpec(key="minjiang", code="岷", station="岷江", township="baima", urban=False, weight=0.6),
    StationSpec(key="shiqiao", code="石", station="石桥", township="shiqiao", urban=False, weight=0.8),
    StationSpec(key="jinshan", code="金", station="金山", township="jinshan", urban=False, weight=0.8),
    StationSpec(key="chafang", code="茶", station="茶坊", township="jinshan", urban=False, weight=0.5),
    StationSpec(key="angu", code="安", station="安谷", township="angu", urban=False, weight=0.8),
    StationSpec(key="liujiang", code="柳", station="柳江", township="liujiang", urban=False, weight=0.7),
    StationSpec(key="linjiang", code="临", station="临江", township="liujiang", urban=False, weight=0.5),
    StationSpec(key="shuikou", code="水", station="水口", township="shuikou", urban=False, weight=0.6),
    StationSpec(key="yuelai", code="悦", station="悦来", township="yuelai", urban=False, weight=0.5),
)
"""18 stations: the 7 urban ones (彭山路 the 2015 pilot) and 11 in the townships."""

FULL_TIME_ROOMS = frozenset(
    {
        "pengshanlu",
        "baiyang",
        "chengdong",
        "chengxi",
        "chengnan",
        "chengbei",
        "binjiang",
        "qinglong",
        "baima",
        "shiqiao",
        "jinshan",
        "angu",
        "liujiang",
    }
)
"""Rooms with a full-time (purchased-service) mediator; the joint traffic room has two: 15 in all."""

PART_TIME_MEDIATORS = 84

SURNAMES = "".join(
    (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾",
        "肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹",
    )
)
GIVEN = (
    "建国明华平芳军伟强敏静丽勇杰涛磊洋艳娟霞秀英兰玉凤红梅琴云莲桂春海波志刚德福文斌浩宇晨欣怡佳慧婷雪梦鹏飞成龙燕萍鑫"
)


def room_id(key: str) -> str:
    return f"{key}-room"


def station_id(key: str) -> str:
    return f"{key}-station"


def person_name(rng: random.Random) -> str:
    """A plausible Chinese name: a common surname and one or two given-name characters."""
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


@frozen(kw_only=True)
class District:
    """The registry and who acts for each organisation."""

    registry: Registry

    @property
    def room_ids(self) -> list[str]:
        return sorted(r.org_id for r in self.registry.rooms())

    def mediators(self, room: str) -> list[Mediator]:
        return self.registry.mediators_of(room)

    def director(self, room: str) -> Mediator:
        found = [m for m in self.mediators(room) if m.director]
        return found[0]

    def station_of(self, room: str) -> str:
        org = self.registry.org(room)
        assert org is not None
        assert org.station_id is not None
        return org.station_id

    def township_of(self, room: str) -> str:
        org = self.registry.township_of(room)
        return org.org_id if org else ""

    def townships(self) -> list[Organisation]:
        return sorted(
            (o for o in self.registry.organisations.values() if o.kind is OrgKind.TOWNSHIP), key=lambda o: o.org_id
        )

    def stations_of_township(self, township: str) -> list[Organisation]:
        return sorted(
            (
                o
                for o in self.registry.organisations.values()
                if o.kind is OrgKind.POLICE_STATION and o.parent_id == township
            ),
            key=lambda o: o.org_id,
        )

    def name(self, org_id: str) -> str:
        org = self.registry.org(org_id)
        return org.name if org else org_id


def build_district() -> District:
    """The same district every time (names come from a fixed generator)."""
    rng = random.Random("mediation-demo-district")  # noqa: S311 - synthetic names, not secrets
    base = demo_registry()
    orgs: list[Organisation] = list(base.organisations.values())
    known = {o.org_id for o in orgs}
    for t in TOWNSHIPS:
        for org in (
            Organisation(org_id=t.key, kind=OrgKind.TOWNSHIP, name=t.name, parent_id=DISTRICT),
            Organisation(
                org_id=f"{t.key}-justice",
                kind=OrgKind.JUSTICE_OFFICE,
                name=f"{t.name.removesuffix('街道').removesuffix('镇').removesuffix('乡')}司法所",
                parent_id=t.key,
            ),
            Organisation(
                org_id=f"{t.key}-governance", kind=OrgKind.GOVERNANCE_OFFICE, name=f"{t.name}综治办", parent_id=t.key
            ),
        ):
            if org.org_id not in known:
                orgs.append(org)
                known.add(org.org_id)
    for s in STATIONS:
        station = Organisation(
            org_id=station_id(s.key),
            kind=OrgKind.POLICE_STATION,
            name=f"{s.station}派出所",
            parent_id=s.township,
            code=f"{s.code}公",
            phone=f"0833-{2100000 + len(orgs):07d}",
        )
        committee = Organisation(
            org_id=f"{s.key}-committee",
            kind=OrgKind.COMMITTEE,
            name=f"{s.station}派出所治安纠纷人民调解委员会",
            parent_id=s.township,
        )
        room = Organisation(
            org_id=room_id(s.key),
            kind=OrgKind.MEDIATION_ROOM,
            name=f"{s.station}派出所{'联合调解室' if s.key == 'pengshanlu' else '调解室'}",
            parent_id=s.township,
            code=f"{s.code}调",
            station_id=station_id(s.key),
            committee_id=committee.org_id,
        )
        for org in (station, room) if room.org_id in known else (station, committee, room):
            if org.org_id not in known:
                orgs.append(org)
                known.add(org.org_id)
    orgs.append(Organisation(org_id=BRIGADE, kind=OrgKind.TRAFFIC_POLICE, name="交警一大队", parent_id=DISTRICT))
    orgs.append(
        Organisation(
            org_id="traffic-committee",
            kind=OrgKind.COMMITTEE,
            name="道路交通事故纠纷人民调解委员会",
            parent_id=DISTRICT,
        )
    )
    orgs.append(
        Organisation(
            org_id=TRAFFIC_ROOM,
            kind=OrgKind.MEDIATION_ROOM,
            name="交通事故纠纷联合调解室",
            parent_id=DISTRICT,
            code="交调",
            station_id=BRIGADE,
            committee_id="traffic-committee",
            mediation_kinds=tuple(b.mediation_kind for b in JointBody),  # "1+4"
        )
    )
    mediators = list(base.mediators.values())
    liaisons = list(base.liaisons.values())
    taken = {m.name for m in mediators}

    def fresh_name() -> str:
        while True:
            name = person_name(rng)
            if name not in taken:
                taken.add(name)
                return name

    rooms = [s.key for s in STATIONS]
    part_time = dict.fromkeys(rooms, 4) | {"traffic": 4}
    for key in sorted(rooms, key=lambda k: -next(s.weight for s in STATIONS if s.key == k))[
        : PART_TIME_MEDIATORS - sum(part_time.values())
    ]:
        part_time[key] += 1
    part_time["pengshanlu"] -= 1  # the walkthrough's 刘芳 is one of them
    for key in [*rooms, "traffic"]:
        room_org = TRAFFIC_ROOM if key == "traffic" else room_id(key)
        full = 2 if key == "traffic" else (1 if key in FULL_TIME_ROOMS else 0)
        if key == "pengshanlu":
            full -= 1  # the walkthrough's 张明, the room's director
        serial = 1
        for n in range(full + part_time[key]):
            employment = Employment.FULL_TIME if n < full else Employment.PART_TIME
            director = n == 0 and key != "pengshanlu"
            mediators.append(
                Mediator(
                    mediator_id=f"m-{key}-{serial}",
                    name=fresh_name(),
                    room_id=room_org,
                    employment=employment,
                    director=director,
                    phone=f"139{rng.randrange(10**8):08d}",
                )
            )
            serial += 1
        if key == "pengshanlu":
            continue
        station_org = BRIGADE if key == "traffic" else station_id(key)
        township = "" if key == "traffic" else next(s.township for s in STATIONS if s.key == key)
        liaisons.append(
            Liaison(person_id=f"l-{key}-police", name=fresh_name(), room_id=room_org, from_org_id=station_org)
        )
        if township:
            liaisons.append(
                Liaison(person_id=f"l-{key}-township", name=fresh_name(), room_id=room_org, from_org_id=township)
            )
    return District(registry=Registry.of(orgs, mediators, liaisons))


# -- who acts --------------------------------------------------------------------------------------
ADMIN = Actor(actor_id="demo-admin", role=Role.ADMINISTRATOR, scope_id=DISTRICT, name="系统管理员")
CENTRE_STAFF = Actor(actor_id="centre-staff", role=Role.COORDINATION_CENTRE, scope_id=DISTRICT, name="协调中心")


def mediator_actor(m: Mediator) -> Actor:
    role = Role.ROOM_DIRECTOR if m.director else Role.MEDIATOR
    return Actor(actor_id=m.mediator_id, role=role, scope_id=m.room_id, name=m.name)


def officer_actor(station: str) -> Actor:
    return Actor(actor_id=f"o-{station}", role=Role.POLICE_OFFICER, scope_id=station, name="值班民警")


def liaison_actor(station: str) -> Actor:
    return Actor(actor_id=f"l-{station}", role=Role.STATION_LIAISON, scope_id=station, name="联合调解室副主任")


def township_actor(township: str) -> Actor:
    return Actor(actor_id=f"t-{township}", role=Role.TOWNSHIP, scope_id=township, name="综治办主任")
