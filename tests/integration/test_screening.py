"""Dispute screening (纠纷排查): rounds, the disputes they find and what is done with them, the
screening ledger (纠纷排查台账) as a workbook, and the screening figures of the statistics."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest

from builders import ADMIN, MEDIATOR, OFFICER, ROOM, STATION, intake
from mediation_core.app.service import MediationService
from mediation_core.commands import ActOnFinding, CloseScreening, RecordFinding, RecordScreening
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.errors import AuthorisationError, NotFoundError, RuleViolationError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.periods import Period
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_core.values import CaseSource, ScreeningAction, ScreeningRisk, ScreeningStatus
from mediation_reports import plugin as reports_plugin

D = dt.date
MAY = Period.month(2026, 5)
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="district")
TOWNSHIP = Actor(actor_id="t", role=Role.TOWNSHIP, scope_id="baiyang")


@pytest.fixture
def plugins() -> Plugins:
    """The core's defaults and the reports plugin (the workbook, the dashboard)."""
    return load_plugins(autoload=False, strict=True, plugins=[reports_plugin])


def refused(service: MediationService, command: object, actor: Actor = MEDIATOR) -> RuleViolationError:
    with pytest.raises(RuleViolationError) as err:
        service.handle(command, actor)
    return err.value


def round_(**more: object) -> RecordScreening:
    fields: dict[str, object] = {
        "screening_id": "",
        "room_id": ROOM,
        "on": D(2026, 5, 4),
        "area": "幸福路社区",
        "screeners": ("m-zhang", "m-liu"),
    }
    return RecordScreening(**{**fields, **more})  # type: ignore[arg-type]


def found(screening_id: str, **more: object) -> RecordFinding:
    fields: dict[str, object] = {
        "screening_id": screening_id,
        "on": D(2026, 5, 4),
        "summary": "两户因共用楼道堆放杂物多次争吵",
        "risk": ScreeningRisk.GENERAL,
        "action": ScreeningAction.WATCHED,
    }
    return RecordFinding(**{**fields, **more})  # type: ignore[arg-type]


def screening_case(service: MediationService, on: D | None = None) -> str:
    """A case the room opened from screening (纠纷排查)."""
    return service.handle(intake(on or D(2026, 5, 5), source=CaseSource.SCREENING), MEDIATOR).case_id


@pytest.mark.rule("screening_recorded")
def test_a_round_names_the_room_its_own_mediators_and_the_area(service: MediationService) -> None:
    err = refused(service, round_(room_id=STATION, area=" ", screeners=()), ADMIN)
    assert [v.field for v in err.violations] == ["room_id", "area", "screeners"]
    err = refused(service, round_(screeners=("m-zhang", "m-wang")))
    assert [(v.field, v.rule) for v in err.violations] == [("screeners", "screening_recorded")]
    state = service.handle(round_(), MEDIATOR)
    assert (state.status, state.area, state.screeners, state.findings) == (
        ScreeningStatus.OPEN,
        "幸福路社区",
        ("m-zhang", "m-liu"),
        (),
    )


def test_a_room_records_its_own_rounds_and_the_offices_above_read_them(service: MediationService) -> None:
    with pytest.raises(AuthorisationError):
        service.handle(round_(), OFFICER)
    with pytest.raises(AuthorisationError):
        service.handle(round_(), CENTRE)
    state = service.handle(round_(), MEDIATOR)
    assert [line.screening_id for line in service.screening_ledger(MAY, "district", CENTRE)] == [state.stream_id]
    assert len(service.screening_ledger(MAY, "baiyang", TOWNSHIP)) == 1
    with pytest.raises(AuthorisationError):
        service.screening_ledger(MAY, ROOM, OFFICER)
    with pytest.raises(NotFoundError):
        service.handle(found("no-such-round"), MEDIATOR)


@pytest.mark.rule("screening_finding_recorded")
@pytest.mark.rule("screening_finding_action")
def test_each_action_names_what_it_must(service: MediationService) -> None:
    sid = service.handle(round_(), MEDIATOR).stream_id
    err = refused(service, found(sid, summary="", party_names=("王某", " "), on=D(2026, 5, 3)))
    assert [v.field for v in err.violations] == ["summary", "party_names", "on"]
    walk_in = service.handle(intake(D(2026, 5, 5)), MEDIATOR).case_id
    err = refused(service, found(sid, action=ScreeningAction.MEDIATED, case_id=walk_in))
    assert [(v.field, v.message_en) for v in err.violations] == [("case_id", "the case's source must be screening")]
    err = refused(service, found(sid, action=ScreeningAction.MEDIATED, case_id="case-999"))
    assert [v.field for v in err.violations] == ["case_id"]
    err = refused(service, found(sid, action=ScreeningAction.MEDIATED))
    assert [v.message_zh for v in err.violations] == ["纳入调解须关联登记的案件"]
    err = refused(service, found(sid, action=ScreeningAction.HANDED_TO_POLICE, station_id=ROOM))
    assert [v.field for v in err.violations] == ["station_id"]
    err = refused(service, found(sid, case_id=walk_in, station_id=STATION))
    assert [v.field for v in err.violations] == ["case_id", "station_id"]
    case_id = screening_case(service)
    state = service.handle(
        found(sid, action=ScreeningAction.MEDIATED, case_id=case_id, party_names=("王某", "李某")), MEDIATOR
    )
    state = service.handle(
        found(sid, action=ScreeningAction.HANDED_TO_POLICE, station_id=STATION, risk=ScreeningRisk.MAJOR), MEDIATOR
    )
    assert [(f.finding_no, f.action, f.case_id, f.station_id) for f in state.findings] == [
        (1, ScreeningAction.MEDIATED, case_id, None),
        (2, ScreeningAction.HANDED_TO_POLICE, None, STATION),
    ]


def test_a_case_of_another_room_is_not_a_screening_case(service: MediationService) -> None:
    """The lookup hands the decision only a case of the round's own room."""
    from builders import JOINT_MEDIATOR, JOINT_ROOM, traffic_registry

    service.register(traffic_registry(), ADMIN)
    other = service.handle(
        RecordScreening(
            screening_id="", room_id=JOINT_ROOM, on=D(2026, 5, 4), area="交警一大队", screeners=("m-wang",)
        ),
        JOINT_MEDIATOR,
    )
    case_id = screening_case(service)
    err = refused(service, found(other.stream_id, action=ScreeningAction.MEDIATED, case_id=case_id), JOINT_MEDIATOR)
    assert [v.field for v in err.violations] == ["case_id"]


@pytest.mark.rule("screening_finding_follow_up")
@pytest.mark.rule("screening_closed_after")
@pytest.mark.rule("screening_lifecycle")
def test_a_watched_dispute_is_later_mediated_and_a_closed_round_takes_no_more(service: MediationService) -> None:
    sid = service.handle(round_(), MEDIATOR).stream_id
    service.handle(found(sid), MEDIATOR)
    err = refused(
        service, ActOnFinding(screening_id=sid, finding_no=2, on=D(2026, 5, 5), action=ScreeningAction.MEDIATED)
    )
    assert err.rules == {"screening_finding_follow_up", "screening_finding_action"}
    err = refused(
        service, ActOnFinding(screening_id=sid, finding_no=1, on=D(2026, 5, 5), action=ScreeningAction.WATCHED)
    )
    assert err.rules == {"screening_finding_follow_up"}
    err = refused(service, CloseScreening(screening_id=sid, on=D(2026, 5, 3)))
    assert err.rules == {"screening_closed_after"}
    closed = service.handle(CloseScreening(screening_id=sid, on=D(2026, 5, 4)), MEDIATOR)
    assert (closed.status, closed.closed_on) == (ScreeningStatus.CLOSED, D(2026, 5, 4))
    err = refused(service, found(sid))
    assert err.rules == {"screening_lifecycle"}
    case_id = screening_case(service, D(2026, 5, 6))
    acted = service.handle(
        ActOnFinding(
            screening_id=sid, finding_no=1, on=D(2026, 5, 6), action=ScreeningAction.MEDIATED, case_id=case_id
        ),
        MEDIATOR,
    )
    assert (acted.findings[0].action, acted.findings[0].acted_on, acted.findings[0].on) == (
        ScreeningAction.MEDIATED,
        D(2026, 5, 6),
        D(2026, 5, 4),
    )
    err = refused(
        service,
        ActOnFinding(
            screening_id=sid,
            finding_no=1,
            on=D(2026, 5, 6),
            action=ScreeningAction.HANDED_TO_POLICE,
            station_id=STATION,
        ),
    )
    assert err.rules == {"screening_finding_follow_up"}


def hand_counted_world(service: MediationService, clock: StoryClock) -> None:
    """April: one round, one dispute watched. May: three rounds; one found nothing, one found
    two (mediated, handed over), one found one watched; April's watched one is mediated in May."""
    clock.now = dt.datetime(2026, 5, 20, 10, tzinfo=clock.now.tzinfo)
    april = service.handle(round_(on=D(2026, 4, 28)), MEDIATOR).stream_id
    service.handle(found(april, on=D(2026, 4, 28), party_names=("赵某",)), MEDIATOR)
    service.handle(round_(on=D(2026, 5, 2), area="新村二组", screeners=("m-liu",)), MEDIATOR)
    busy = service.handle(round_(on=D(2026, 5, 8)), MEDIATOR).stream_id
    first = screening_case(service, D(2026, 5, 8))
    service.handle(
        found(
            busy,
            on=D(2026, 5, 8),
            action=ScreeningAction.MEDIATED,
            case_id=first,
            party_names=("王某", "李某"),
            risk=ScreeningRisk.SERIOUS,
            note="身份证号11010519491231002X",
        ),
        MEDIATOR,
    )
    service.handle(found(busy, on=D(2026, 5, 9), action=ScreeningAction.HANDED_TO_POLICE, station_id=STATION), MEDIATOR)
    watched = service.handle(round_(on=D(2026, 5, 15), area="幸福路社区"), MEDIATOR).stream_id
    service.handle(found(watched, on=D(2026, 5, 15), risk=ScreeningRisk.MAJOR), MEDIATOR)
    later = screening_case(service, D(2026, 5, 16))
    service.handle(
        ActOnFinding(
            screening_id=april, finding_no=1, on=D(2026, 5, 16), action=ScreeningAction.MEDIATED, case_id=later
        ),
        MEDIATOR,
    )


def test_the_statistics_count_rounds_and_findings_by_their_own_dates(
    service: MediationService, clock: StoryClock
) -> None:
    hand_counted_world(service, clock)
    may = service.statistics(MAY, "district", CENTRE).screening
    assert (may.rounds, may.found, may.mediated, may.handed_over, may.watched) == (3, 3, 1, 1, 1)
    april = service.statistics(Period.month(2026, 4), "district", CENTRE).screening
    # found in April, mediated in May: counted where it was found, as it stands now
    assert (april.rounds, april.found, april.mediated, april.handed_over, april.watched) == (1, 1, 1, 0, 0)
    both = service.statistics(Period.parse("2026-04-01..2026-05-31"), ROOM, MEDIATOR).screening
    assert (both.rounds, both.found) == (4, 4)
    assert both.found == both.mediated + both.handed_over + both.watched
    # the cases opened from screening are counted under their own source
    sources = {line.key: line["received"].cases for line in service.statistics(MAY, "district", CENTRE).by_source}
    assert sources["screening"] == 2


def test_the_screening_ledger_as_a_workbook(service: MediationService, clock: StoryClock) -> None:
    hand_counted_world(service, clock)
    data = service.export_screening_ledger(MAY, "district", CENTRE, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["纠纷排查台账"]
    rows = list(book["纠纷排查台账"].iter_rows(values_only=True))
    assert rows[0][0] == "纠纷排查台账"
    assert rows[1][0] == "填表单位：市中区"
    assert rows[2] == (
        "排查日期",
        "调解室",
        "排查区域",
        "排查人员",
        "序号",
        "发现日期",
        "纠纷简要情况",
        "当事人",
        "风险等级",
        "处置情况",
        "处置日期",
        "纳入调解案件",
        "移交派出所",
        "备注",
        "排查记录编号",
    )
    lines = [dict(zip(rows[2], r, strict=True)) for r in rows[3:]]
    assert [(r["排查日期"].date(), r["序号"], r["处置情况"]) for r in lines] == [
        (D(2026, 5, 2), None, None),
        (D(2026, 5, 8), 1, "纳入调解"),
        (D(2026, 5, 8), 2, "移交公安处置"),
        (D(2026, 5, 15), 1, "稳控关注"),
    ]
    nothing, mediated, handed, watched = lines
    assert (nothing["纠纷简要情况"], nothing["排查人员"], nothing["排查区域"]) == ("未发现矛盾纠纷", "刘芳", "新村二组")
    assert (mediated["当事人"], mediated["风险等级"], mediated["排查人员"]) == ("王某、李某", "较大", "张明、刘芳")
    assert mediated["纳入调解案件"].startswith("case-")
    assert isinstance(mediated["序号"], int)
    assert isinstance(mediated["发现日期"], dt.datetime)
    assert (handed["移交派出所"], watched["风险等级"]) == ("彭山路派出所", "重大")
    # the coordination centre is not a personal-data role: ID numbers in free text are masked
    assert "11010519491231002X" not in mediated["备注"]
    own = workbook_lines(service.export_screening_ledger(MAY, ROOM, MEDIATOR))
    assert own[1]["备注"] == "身份证号11010519491231002X"


def workbook_lines(data: bytes) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["纠纷排查台账"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[2], r, strict=True)) for r in rows[3:]]  # type: ignore[arg-type]


def test_the_dashboard_and_the_statistics_files_show_screening(service: MediationService, clock: StoryClock) -> None:
    hand_counted_world(service, clock)
    html = service.dashboard(MAY, "district", CENTRE).decode()
    assert 'data-figure="screening"' in html
    assert '<span class="value" data-screening="found">3</span>' in html
    assert 'data-screening="rounds">开展纠纷排查（次） 3<' in html
    assert 'data-screening="watched">其中：稳控关注 1<' in html
    doc = json.loads(service.statistics_file(MAY, "district", CENTRE, "json"))
    assert doc["screening"] == {"rounds": 3, "found": 3, "mediated": 1, "handed_over": 1, "watched": 1}
    book = openpyxl.load_workbook(io.BytesIO(service.statistics_file(MAY, "district", CENTRE, "xlsx")))
    summary = {row[0]: row[1] for row in book["总表"].iter_rows(values_only=True) if row and row[0]}
    assert (summary["开展纠纷排查（次）"], summary["排查发现纠纷"], summary["其中：移交公安处置"]) == (3, 3, 1)


def test_a_joint_rooms_files_name_the_mediation_kinds_it_brings_together(service: MediationService) -> None:
    html = service.dashboard(MAY, ROOM, MEDIATOR).decode()
    assert '<p class="period" data-kinds>调解类型：人民调解、司法调解、行政调解</p>' in html
    assert "data-kinds" not in service.dashboard(MAY, "district", CENTRE).decode()
    doc = json.loads(service.statistics_file(MAY, ROOM, MEDIATOR, "json"))
    assert doc["mediation_kinds"] == "人民调解、司法调解、行政调解"
    book = openpyxl.load_workbook(io.BytesIO(service.statistics_file(MAY, ROOM, MEDIATOR, "xlsx")))
    summary = {row[0]: row[1] for row in book["总表"].iter_rows(values_only=True) if row and row[0]}
    assert summary["调解类型"] == "人民调解、司法调解、行政调解"


def test_the_round_as_a_document_is_viewed_like_the_ledger(service: MediationService) -> None:
    """Read through ``documents``, a round's findings are in the reader's view: the coordination
    centre (party data withheld by default) reads neither the names nor the ID numbers."""
    sid = service.handle(round_(), MEDIATOR).stream_id
    service.handle(
        found(sid, party_names=("王建国",), summary="王建国与邻居争执", note="身份证号11010519491231002X"), MEDIATOR
    )
    (own,) = service.documents("screening", MEDIATOR)
    assert own.body["findings"][0]["party_names"] == ["王建国"]
    (centre,) = service.documents("screening", CENTRE)
    text = json.dumps(centre.body, ensure_ascii=False)
    assert "王建国" not in text
    assert "11010519491231002X" not in text
    assert centre.body["findings"][0]["party_names"] == ["王某"]
