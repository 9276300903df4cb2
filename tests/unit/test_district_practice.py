"""District practice beside the linkage with 110: a mediator who goes to a scene on their own,
joint rooms of several mediation kinds, and the terms the offices read."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import ADMIN, MEDIATOR, PARTIES, REGISTRY, ROOM, STATION
from mediation_core.app.service import MediationService
from mediation_core.demo.district import TRAFFIC_ROOM, build_district
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH
from mediation_core.domain.traffic.accident import JointBody
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.organisations import MediationKind, Organisation, OrgKind
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.sources import CaseSource, OnScene
from story import Story

ARRIVED = dt.datetime(2026, 5, 6, 9, 40, tzinfo=CHINA_TZ)


def scene(**changes: object) -> OnScene:
    fields: dict[str, object] = {"mediator_id": "m-zhang", "arrived_at": ARRIVED, "place": "幸福路菜市场门口"}
    return OnScene(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.mark.rule("on_scene_recorded")
def test_a_mediator_on_scene_on_their_own_records_who_when_and_where() -> None:
    source = CaseSource.MEDIATOR_ON_SCENE
    bare = c.ReceiveDispute(
        case_id="c1",
        room_id=ROOM,
        received_on=ARRIVED.date(),
        source=source,
        category="neighbourhood",
        summary="摊位纠纷",
        parties=PARTIES,
    )
    err = Story().refuse(bare)
    assert [(v.rule, v.field) for v in err.violations] == [("on_scene_recorded", "on_scene")]
    story = Story()
    err = story.refuse(
        c.ReceiveDispute(
            case_id="c1",
            room_id=ROOM,
            received_on=ARRIVED.date(),
            source=source,
            category="neighbourhood",
            summary="摊位纠纷",
            parties=PARTIES,
            on_scene=scene(mediator_id="m-wang", place=" ", arrived_at=ARRIVED + dt.timedelta(days=1)),
        )
    )
    assert [v.field for v in err.violations] == ["on_scene.mediator_id", "on_scene.place", "on_scene.arrived_at"]
    err = story.refuse(
        c.ReceiveDispute(
            case_id="c1",
            room_id=ROOM,
            received_on=ARRIVED.date(),
            source=CaseSource.DISPATCH_110,
            category="neighbourhood",
            summary="摊位纠纷",
            parties=PARTIES,
            on_scene=scene(),
        )
    )
    assert [v.field for v in err.violations] == ["on_scene"]
    story.receive(source=source, on=ARRIVED.date(), on_scene=scene())
    assert story.s.on_scene == scene()
    assert (story.s.source.title_zh, story.s.source.from_police, story.s.dispatch_id) == (
        "调解员自行赶赴现场",
        False,
        None,
    )


def test_on_scene_cases_are_their_own_source_in_the_statistics(service: MediationService, clock: StoryClock) -> None:
    for source, on_scene in ((CaseSource.MEDIATOR_ON_SCENE, scene()), (CaseSource.DISPATCH_110, None)):
        service.handle(
            c.ReceiveDispute(
                case_id="",
                room_id=ROOM,
                received_on=ARRIVED.date(),
                source=source,
                category="neighbourhood",
                summary="摊位纠纷",
                parties=PARTIES,
                on_scene=on_scene,
            ),
            MEDIATOR,
        )
    lines = {
        s.key: (s.title_zh, s["received"].cases)
        for s in service.statistics(Period.month(2026, 5), ROOM, MEDIATOR).by_source
    }
    assert lines == {"dispatch_110": ("110接处警", 1), "mediator_on_scene": ("调解员自行赶赴现场", 1)}


def test_walk_in_means_a_partys_own_application_in_cases_and_referrals() -> None:
    from mediation_core.domain.referral.rules import STATION_SOURCES

    assert CaseSource.WALK_IN.title_zh == "当事人申请"
    assert CaseSource.WALK_IN in STATION_SOURCES  # a station's 告知: the party still applies itself
    assert not CaseSource.WALK_IN.from_police


def test_a_joint_room_records_the_kinds_it_brings_together() -> None:
    room = REGISTRY.org(ROOM)
    assert room is not None
    assert room.kinds_zh == "人民调解、司法调解、行政调解"
    traffic = build_district().registry.org(TRAFFIC_ROOM)
    assert traffic is not None
    assert traffic.mediation_kinds == tuple(b.mediation_kind for b in JointBody)
    assert traffic.kinds_zh == "行政调解、人民调解、司法调解、保险公司第三方调解"
    with pytest.raises(ValueError, match="mediation_kinds") as err:
        Organisation(
            org_id=STATION, kind=OrgKind.POLICE_STATION, name="派出所", mediation_kinds=(MediationKind.PEOPLES,)
        )
    assert "只有调解室" in str(err.value)
    with pytest.raises(ValueError, match="须有人民调解"):
        Organisation(org_id="r", kind=OrgKind.MEDIATION_ROOM, name="室", mediation_kinds=(MediationKind.JUDICIAL,))
    with pytest.raises(ValueError, match="重复"):
        Organisation(org_id="r", kind=OrgKind.MEDIATION_ROOM, name="室", mediation_kinds=(MediationKind.PEOPLES,) * 2)
    plain = Organisation(org_id="r", kind=OrgKind.MEDIATION_ROOM, name="室")
    assert (plain.mediation_kinds, plain.kinds_zh) == ((), "")


def test_the_statistics_of_a_joint_room_name_its_kinds(service: MediationService) -> None:
    assert service.statistics(Period.month(2026, 5), ROOM, MEDIATOR).scope_kinds_zh == "人民调解、司法调解、行政调解"
    assert service.statistics(Period.month(2026, 5), "baiyang", ADMIN).scope_kinds_zh == ""


def test_the_ledger_leads_with_ledger_terms() -> None:
    headers = list(LEDGER_HEADERS_ZH.values())
    assert headers[:3] == ["调解室", "案号", "状态"]
    assert headers[-2:] == ["系统案件编号", "系统记录版本"]
    assert "案件标识" not in headers
    assert "版本" not in headers
    assert CaseFileItem.AGREEMENT.title_zh == "人民调解协议书/人民调解口头协议登记表"


def test_a_township_without_its_governance_office_names_both_of_its_names() -> None:
    from mediation_core.calendars import national_calendar
    from mediation_core.domain.kernel.context import DecisionContext
    from mediation_core.domain.meeting.commands import ScheduleMeeting
    from mediation_core.domain.meeting.decide import MEETINGS
    from mediation_core.domain.meeting.kinds import MeetingKind
    from mediation_core.domain.values.organisations import Registry
    from mediation_core.domain.values.policy import Policy

    without = Registry.of([o for o in REGISTRY.organisations.values() if o.kind is not OrgKind.GOVERNANCE_OFFICE])
    ctx = DecisionContext(now=ARRIVED, policy=Policy(), calendar=national_calendar(), registry=without, sequence=None)
    command = ScheduleMeeting(meeting_id="m1", kind=MeetingKind.JOINT, org_id="baiyang", on=ARRIVED.date())
    found = MEETINGS.violations(command, None, ctx)
    assert [v.message_zh for v in found if v.rule == "meeting_held_by_its_body"] == [
        "柏杨街道 未登记综治办（综治中心），联席例会无法达到法定出席"
    ]
