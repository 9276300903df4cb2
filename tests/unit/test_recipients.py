"""Notice recipients are roles; the registry says who holds them when the notice goes out."""

from __future__ import annotations

import pytest

from builders import ROOM
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.values.notices import Recipient
from mediation_core.domain.values.organisations import Employment, Liaison, Mediator, Organisation, OrgKind, Registry
from mediation_core.domain.values.recipients import resolve

REGISTRY = demo_registry().merged(
    Registry.of(
        [
            Organisation(
                org_id="pengshanlu-station",
                kind=OrgKind.POLICE_STATION,
                name="彭山路派出所",
                parent_id="baiyang",
                phone="028-110",
                email="duty@station.example",
            ),
        ],
        [Mediator(mediator_id="m-wu", name="吴强", room_id="other-room", employment=Employment.PART_TIME)],
        [Liaison(person_id="l-other", name="孙警官", room_id="other-room", from_org_id="other-station")],
    )
)


@pytest.mark.parametrize(
    ("recipient", "names"),
    [
        (Recipient(role="mediator", org_id=ROOM), ["刘芳", "张明"]),
        (Recipient(role="mediator", org_id=ROOM, person_id="m-liu"), ["刘芳"]),
        (Recipient(role="room_director", org_id=ROOM), ["张明"]),
        (Recipient(role="station_liaison", org_id=ROOM), ["陈警官"]),
        (Recipient(role="station_liaison", org_id="pengshanlu-station"), ["陈警官"]),
        (Recipient(role="township_liaison", org_id=ROOM), ["赵主任"]),
        (Recipient(role="station", org_id=ROOM), ["彭山路派出所"]),
        (Recipient(role="station", org_id="pengshanlu-station"), ["彭山路派出所"]),
        (Recipient(role="coordination_centre", org_id=ROOM), ["区矛盾纠纷多元化解协调中心"]),
        (Recipient(role="justice_office", org_id=ROOM), ["柏杨司法所"]),
        (Recipient(role="governance_office", org_id="pengshanlu-station"), ["柏杨街道综治办"]),
        (Recipient(role="referrer", org_id="pengshanlu-station"), ["彭山路派出所"]),
        (Recipient(role="township", org_id=ROOM), ["柏杨街道"]),
        (Recipient(role="justice_office", org_id="baiyang-justice"), ["柏杨司法所"]),
        (Recipient(role="governance_office", org_id="baiyang-governance"), ["柏杨街道综治办"]),
        (Recipient(role="person", person_id="l-township"), ["赵主任"]),
    ],
)
def test_each_role_resolves_to_its_holders(recipient: Recipient, names: list[str]) -> None:
    resolution = resolve([recipient], REGISTRY)
    assert [a.name for a in resolution.addressees] == names
    assert {a.role for a in resolution.addressees} == {recipient.role}
    assert resolution.unresolved == ()


def test_a_duty_desk_carries_its_contacts() -> None:
    [desk] = resolve([Recipient(role="station", org_id=ROOM)], REGISTRY).addressees
    assert (desk.person_id, desk.phone, desk.email) == ("pengshanlu-station", "028-110", "duty@station.example")


def test_someone_reached_twice_is_listed_once_and_the_unknown_are_reported() -> None:
    party = Recipient(role="party", person_id="p1")
    gone = Recipient(role="person", person_id="left-last-year")
    resolution = resolve(
        [Recipient(role="room_director", org_id=ROOM), Recipient(role="mediator", org_id=ROOM), party, gone], REGISTRY
    )
    assert [(a.name, a.role) for a in resolution.addressees] == [("张明", "room_director"), ("刘芳", "mediator")]
    assert resolution.unresolved == (party, gone)
