"""What an office sees in the two workbooks it files: the ledger (台账) and the statistics
return (统计报表), read back with openpyxl the way a clerk's Excel reads them."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import attrs
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from builders import ADMIN
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry, walk
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.reporting.statistics import FIGURES, RATES, StatisticsReport, report
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.categories import category_table
from mediation_core.domain.values.organisations import Organisation, OrgKind
from mediation_core.domain.values.periods import Period
from mediation_core.exports.ledger import HEADERS, ledger_table, registry_names, rows_from_table
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_core.testing.storage import ledger_append, row_for
from mediation_memory import MemoryStore
from mediation_reports import plugin as reports_plugin
from mediation_reports.statistics_files import statistics_xlsx
from mediation_reports.xlsx import ledger_xlsx, read_xlsx

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return load_plugins(autoload=False, strict=True, plugins=[reports_plugin])


@pytest.fixture(scope="module")
def walked(plugins: Plugins) -> MediationService:
    clock = StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=CHINA_TZ))
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    walk(service, clock)
    return service


def ledger_sheet(service: MediationService) -> Worksheet:
    return load_workbook(io.BytesIO(service.export_ledger(ADMIN, "xlsx")))["台账"]


# -- the ledger ------------------------------------------------------------------------------------
def test_the_ledger_has_a_title_the_filing_unit_and_the_date_above_numbered_rows(walked: MediationService) -> None:
    sheet = ledger_sheet(walked)
    assert sheet["A1"].value == "人民调解案件台账"
    width = len(HEADERS) + 1
    assert f"A1:{get_column_letter(width)}1" in {str(r) for r in sheet.merged_cells.ranges}
    unit, day = (c.value for c in sheet[2] if c.value)
    assert unit == "填表单位：市中区"
    assert day == f"日期：{walked.clock().date().isoformat()}"
    assert [c.value for c in sheet[3]] == ["序号", *HEADERS]
    assert [c.value for c in sheet["A"][3:]] == [1]
    assert sheet.freeze_panes == "B4"


def test_the_ledger_shows_rooms_and_mediators_by_name_and_hides_the_system_columns(walked: MediationService) -> None:
    sheet = ledger_sheet(walked)
    row = {h.value: c.value for h, c in zip(sheet[3], sheet[4], strict=True)}
    assert row["调解室"] == "彭山路派出所联合调解室"
    assert row["主持调解员"] == "张明"
    assert set(str(row["调解员"]).split("、")) <= {"张明", "刘芳"}
    assert "pengshanlu-room" not in {c.value for c in sheet[4]}
    assert "m-zhang" not in str(row["调解员"])
    letters = {c.value: c.column_letter for c in sheet[3]}
    assert [h for h in ("系统案件编号", "系统记录版本") if sheet.column_dimensions[letters[h]].hidden] == [
        "系统案件编号",
        "系统记录版本",
    ]
    assert list(letters)[-2:] == ["系统案件编号", "系统记录版本"]
    assert row["系统案件编号"] == "walkthrough-0001"


def test_the_ledger_prints_on_landscape_a4_one_page_wide_with_the_header_on_every_page(
    walked: MediationService,
) -> None:
    sheet = ledger_sheet(walked)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"


def test_an_exported_ledger_reads_back_unchanged_from_under_its_title_rows(walked: MediationService) -> None:
    raw = read_xlsx(walked.export_ledger(ADMIN, "xlsx"))
    assert raw.first_row == 4
    assert raw.headers[: len(HEADERS) + 1] == ("序号", *HEADERS)
    names = registry_names({"pengshanlu-room": "彭山路派出所联合调解室", "m-zhang": "张明", "m-liu": "刘芳"})
    parsed = rows_from_table(raw.headers, raw.rows, walked.categories, first_row=raw.first_row, names=names)
    assert list(parsed.rows) == [attrs.evolve(r, party_keys=()) for r in walked.store.ledger()]
    assert parsed.line_numbers == (4,)


def test_a_name_two_rooms_or_mediators_share_is_shown_as_the_id() -> None:
    """A name that does not single one out cannot be read back, so the ledger keeps the id."""
    names = registry_names({"m-1": "王芳", "m-2": "王芳", "m-3": "李强", "m-4": "m-1", "m-5": "赵、钱"})
    assert names == {"m-3": "李强"}
    row = row_for("c-1", 1, "room-a", presiding_mediator="m-1", mediators=("m-1", "m-3"))
    table = ledger_table([row], category_table(), masked=False, names=names)
    cells = dict(zip(table.headers, table.rows[0], strict=True))
    assert (cells["主持调解员"], cells["调解员"], cells["调解室"]) == ("m-1", "m-1、李强", "room-a")
    raw = read_xlsx(ledger_xlsx(table))
    [back] = rows_from_table(raw.headers, raw.rows, category_table(), first_row=raw.first_row, names=names).rows
    assert (back.presiding_mediator, back.mediators, back.room_id) == ("m-1", ("m-1", "m-3"), "room-a")


# -- the statistics return -------------------------------------------------------------------------
H2 = Period.half(2025, 2)
SECOND_ROOM = Organisation(
    org_id="xinhua-room", kind=OrgKind.MEDIATION_ROOM, name="新华调解室", parent_id="baiyang", committee_id=None
)


def township_report() -> StatisticsReport:
    registry = demo_registry().merged(demo_registry().of([SECOND_ROOM]))
    rows = [
        row_for("c-1", 1, "pengshanlu-room", received_on=dt.date(2025, 7, 3), persons=3),
        row_for(
            "c-2",
            1,
            "pengshanlu-room",
            received_on=dt.date(2025, 8, 1),
            accepted_on=dt.date(2025, 8, 1),
            concluded_on=dt.date(2025, 8, 20),
            status=CaseStatus.FOLLOWING_UP,
            outcome=Outcome.SETTLED,
        ),
        row_for(
            "c-3",
            1,
            "xinhua-room",
            received_on=dt.date(2025, 11, 9),
            accepted_on=dt.date(2025, 11, 9),
            concluded_on=dt.date(2025, 12, 1),
            status=CaseStatus.TERMINATED,
            outcome=Outcome.FAILED,
            amount_involved=Decimal("800"),
        ),
    ]
    return report(rows, H2, "baiyang", registry, category_table())


def test_the_period_is_named_in_chinese() -> None:
    assert (H2.title_zh, H2.span_zh) == ("2025年下半年", "2025年7月–12月")
    assert Period.month(2026, 5).title_zh == "2026年5月"
    assert Period.quarter(2026, 2).title_zh == "2026年第二季度"
    assert Period.half(2026, 1).title_zh == "2026年上半年"
    assert Period.year(2026).title_zh == "2026年"
    assert Period.months_from(2025, 11, 4).title_zh == "2025年11月–2026年2月"
    assert Period.months_from(2026, 3, 3).title_zh == "2026年3月–5月"
    assert Period(start=dt.date(2026, 5, 3), end=dt.date(2026, 6, 15)).title_zh == "2026年5月3日–6月15日"


def test_the_return_names_its_period_and_unit_and_ends_with_the_signature_lines() -> None:
    book = load_workbook(io.BytesIO(statistics_xlsx(township_report())))
    for sheet in book.worksheets:
        assert sheet["A1"].value == "柏杨街道矛盾纠纷调解统计报表（2025年下半年）", sheet.title
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert "统计期间：2025年下半年（2025年7月–12月）" in texts
        assert any(t.startswith("填报单位：柏杨街道") for t in texts)
        assert "填报人：＿＿＿＿＿＿" in texts
        assert "审核人：＿＿＿＿＿＿" in texts
        assert "报出日期：＿＿＿＿年＿＿月＿＿日" in texts
        assert any(t.startswith("制表日期：") and t.endswith("日") for t in texts)
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert int(sheet.page_setup.fitToWidth) == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows


def test_rates_are_numbers_in_per_cent_format_and_an_undefined_rate_is_a_dash() -> None:
    built = township_report()
    book = load_workbook(io.BytesIO(statistics_xlsx(built)))
    cells = {r[0].value: r[3] for r in book["总表"].iter_rows() if r[0].value in {x.title_zh for x in RATES}}
    assert len(cells) == len(RATES)
    for rate in RATES:
        cell, value = cells[rate.title_zh], built.rate(rate.key).value
        if value is None:
            assert (cell.value, cell.data_type) == ("—", "s"), rate.key
        else:
            assert cell.data_type == "n", rate.key
            assert cell.value == pytest.approx(float(value)), rate.key
            assert cell.number_format == "0.0%", rate.key
    success = cells["调解成功率"]
    assert (success.value, success.number_format) == (0.5, "0.0%")
    july = next(book["按月"].iter_rows(min_row=5, max_row=5))
    column = 2 + 2 * len(FIGURES) + [r.key for r in RATES].index("success_rate")
    assert built.by_month[0].rate("success_rate").value is None
    assert (july[column].value, july[column].data_type) == ("—", "s")  # no case concluded in July: not 0 %


def test_each_breakdown_groups_cases_and_persons_under_each_figure_and_ends_with_totals() -> None:
    built = township_report()
    book = load_workbook(io.BytesIO(statistics_xlsx(built)))
    sheet = book["按单位"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A3:A4" in merged
    assert "B3:C3" in merged
    assert sheet["B3"].value == FIGURES[0].title_zh
    assert (sheet["B4"].value, sheet["C4"].value) == ("件", "人")
    rows = list(sheet.iter_rows(min_row=5))
    titles = [r[0].value for r in rows]
    assert titles[:3] == ["彭山路派出所联合调解室", "新华调解室", "合计"]
    total = rows[2]
    cells = [c.value for c in total]
    for index, figure in enumerate(FIGURES):
        assert cells[1 + 2 * index : 3 + 2 * index] == [built[figure.key].cases, built[figure.key].persons]
        assert cells[1 + 2 * index] == sum(r[1 + 2 * index].value for r in rows[:2])
    assert cells[1 + 2 * len(FIGURES)] == float(built["received"].amount)
    success = total[2 + 2 * len(FIGURES) + [r.key for r in RATES].index("success_rate")]
    assert (success.value, success.number_format) == (0.5, "0.0%")
    months = [r[0].value for r in book["按月"].iter_rows(min_row=5)]
    assert months[:7] == [*(m.title_zh for m in built.by_month), "合计"]


def test_a_sheet_per_unit_holds_that_units_own_figures() -> None:
    built = township_report()
    book = load_workbook(io.BytesIO(statistics_xlsx(built)))
    assert book.sheetnames[5:] == ["彭山路派出所联合调解室", "新华调解室"]
    for line in built.by_unit:
        sheet = book[line.title_zh]
        assert sheet["A2"].value == f"填报单位：柏杨街道　单位：{line.title_zh}"
        figures = {r[0]: r[1:4] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
        assert figures["登记纠纷"] == (line["received"].cases, line["received"].persons, float(line["received"].amount))
    assert book["新华调解室"]["A3"].value == "项目"


DONGCHENG = Organisation(org_id="dongcheng", kind=OrgKind.TOWNSHIP, name="东城街道", parent_id="district")
DONGCHENG_ROOM = Organisation(
    org_id="dongcheng-room",
    kind=OrgKind.MEDIATION_ROOM,
    name="东城街道滨江路派出所驻所人民调解室暨矛盾纠纷多元化解联合工作站",
    parent_id="dongcheng",
    committee_id=None,
)


def test_a_district_has_a_sheet_per_room_after_its_townships_holding_the_rooms_own_figures(
    plugins: Plugins,
) -> None:
    """Rooms in two townships: each room's sheet (name cut to Excel's 31 characters) carries the
    figures of the room's own report, read from the rollup cells as the service reads them."""
    registry = demo_registry().merged(demo_registry().of([SECOND_ROOM, DONGCHENG, DONGCHENG_ROOM]))
    store = MemoryStore()
    service = MediationService(store, plugins=plugins, clock=StoryClock(dt.datetime(2026, 1, 11, 10, tzinfo=CHINA_TZ)))
    service.register(registry, ADMIN)
    rows = [
        row_for("c-1", 1, "pengshanlu-room", received_on=dt.date(2025, 7, 3), persons=3),
        row_for(
            "c-2",
            1,
            "dongcheng-room",
            received_on=dt.date(2025, 8, 1),
            accepted_on=dt.date(2025, 8, 1),
            concluded_on=dt.date(2025, 8, 20),
            status=CaseStatus.FOLLOWING_UP,
            outcome=Outcome.SETTLED,
            amount_involved=Decimal("1200"),
        ),
        row_for("c-3", 1, "dongcheng-room", received_on=dt.date(2025, 11, 9), persons=4),
    ]
    with store.transaction() as tx:
        for row in rows:
            tx.append(ledger_append(row, tx.read(row.case_id)))
        tx.commit()
    built = service.statistics(H2, "district", ADMIN)
    assert [line.key for line in built.by_room] == ["dongcheng-room", "pengshanlu-room", "xinhua-room"]
    assert built.by_room == report(rows, H2, "district", registry, category_table()).by_room
    book = load_workbook(io.BytesIO(service.statistics_file(H2, "district", ADMIN)))
    long_name = DONGCHENG_ROOM.name[:28]
    assert book.sheetnames[5:] == ["柏杨街道", "东城街道", long_name, "彭山路派出所联合调解室", "新华调解室"]
    assert all(len(name) <= 31 for name in book.sheetnames)
    for room_id, sheet_name in (("dongcheng-room", long_name), ("pengshanlu-room", "彭山路派出所联合调解室")):
        own = service.statistics(H2, room_id, ADMIN).total
        sheet = book[sheet_name]
        assert sheet["A2"].value == f"填报单位：市中区　单位：{registry.org(room_id).name}"  # type: ignore[union-attr]
        figures = {r[0]: r[1:4] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
        for figure in FIGURES:
            tally = own[figure.key]
            assert figures[figure.title_zh] == (tally.cases, tally.persons, float(tally.amount))
    assert figures["登记纠纷"] == (1, 3, 12.5)  # the room of c-1 only
    doc = json.loads(service.statistics_file(H2, "district", ADMIN, "json"))
    assert [(line["key"], line["figures"]["received"]["cases"]) for line in doc["by_room"]] == [
        ("dongcheng-room", 2),
        ("pengshanlu-room", 1),
        ("xinhua-room", 0),
    ]


def test_a_room_sheet_whose_name_is_taken_is_numbered_within_31_characters() -> None:
    long = "调" * 40
    registry = demo_registry().merged(
        demo_registry().of(
            [
                attrs.evolve(SECOND_ROOM, name=long),
                DONGCHENG,
                attrs.evolve(DONGCHENG_ROOM, name=long),
            ]
        )
    )
    book = load_workbook(io.BytesIO(statistics_xlsx(report([], H2, "district", registry, category_table()))))
    rooms = book.sheetnames[7:]
    assert len(rooms) == 3
    assert len(set(rooms)) == 3
    assert all(len(name) <= 31 for name in rooms)
