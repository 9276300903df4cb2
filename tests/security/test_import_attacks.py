"""A ledger file is hostile input: it runs the rules commands run, cannot game the evaluation,
cannot plant formulas in the files offices open, and cannot exhaust the machine.

Each test reproduces an attack found against the import (issue: privacy and integrity under
attack): path-like and overlong ids, control characters and characters XML cannot hold, dates in
1800 or after the import, duplicate case numbers; forty invented "settled, difficult" rows that
lifted a mediator from 不称职 to 称职; ``=HYPERLINK(…)`` as a party's name; a workbook that
unpacks to hundreds of megabytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from builders import ROOM
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.errors import AuthorisationError, CommandFormatError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.exports.ledger import (
    HEADERS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    LedgerFileError,
    LedgerImportError,
    escape_formula,
    unescape_formula,
)
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_memory import MemoryStore
from mediation_reports import plugin as reports_plugin

ADMIN_LI = Actor(actor_id="a-li", role=Role.ADMINISTRATOR, scope_id="district")
ADMIN_WANG = Actor(actor_id="a-wang", role=Role.ADMINISTRATOR, scope_id="district")
MEDIATOR_ID = "m-zhang"

GOOD = {
    "系统案件编号": "legacy-1",
    "系统记录版本": "1",
    "调解室": ROOM,
    "案号": "（2025）彭调人调字第101号",
    "状态": "已归档",
    "调解结果": "调解成功",
    "案件来源": "walk_in",
    "纠纷类型": "neighbourhood",
    "纠纷简要情况": "邻里漏水纠纷",
    "当事人": "王某、李某",
    "当事人数": "2",
    "涉及人数": "2",
    "涉及金额（元）": "3000.00",
    "登记日期": "2025-03-02",
    "受理日期": "2025-03-02",
    "调解期限": "2025-03-31",
    "结案日期": "2025-03-10",
    "归档日期": "2025-03-20",
    "协议形式": "书面协议",
    "难易程度": "疑难复杂",
    "主持调解员": MEDIATOR_ID,
    "调解员": MEDIATOR_ID,
    "调解次数": "1",
    "回访期限": "2025-03-25",
    "回访次数": "1",
    "首次回访日期": "2025-03-15",
    "履行情况": "performed",
    "满意度": "满意",
}


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return load_plugins(autoload=False, strict=True, plugins=[reports_plugin])


def new_service(plugins: Plugins) -> MediationService:
    clock = StoryClock(dt.datetime(2026, 1, 15, 10, tzinfo=CHINA_TZ))
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    service.register(demo_registry(), ADMIN_LI)
    return service


def ledger_csv(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([escape_formula(row.get(h, "")) for h in HEADERS])  # as the ledger's CSV is written
    return ("\ufeff" + out.getvalue()).encode()


def ledger_xlsx(*rows: dict[str, object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([row.get(h) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(n: int = 1, **cells: str) -> dict[str, str]:
    return {**GOOD, "系统案件编号": f"legacy-{n}", "案号": f"（2025）彭调人调字第{100 + n}号", **cells}


# -- the input rules, for every imported cell ------------------------------------------------------
HOSTILE_IDS = st.one_of(
    st.sampled_from(["../../../etc/passwd", "a/b", "a\\b", "a b", "x" * 5000, "id\x00", "id\x1b[2J", "\ufffe"]),
    st.text(min_size=65, max_size=300, alphabet=st.characters(categories=["L", "Nd"])),
    st.text(min_size=1, max_size=20).filter(lambda t: any(c in "/\\ \x00\x1b\t\n" for c in t.strip())),
)
"""What was imported as a case id, a room or a mediator: path traversal, control characters,
escape sequences, a character XML cannot hold, 5,000 characters."""
BAD_CHARACTERS = st.sampled_from(["\x00", "\x1b", "\x07", "\ufffe", "\uffff", "\u202e", "\x7f", "\x1b[31m"])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    column=st.sampled_from(
        ["系统案件编号", "主持调解员", "调解员", "重复纠纷关联案件", "110接处警编号", "移送/委托编号"]
    ),
    value=HOSTILE_IDS,
    fmt=st.sampled_from(["csv", "xlsx"]),
)
def test_a_hostile_identifier_is_refused_naming_its_column_and_nothing_is_written(
    plugins: Plugins, column: str, value: str, fmt: str
) -> None:
    service = new_service(plugins)
    cells = row(**{column: value})
    try:
        data = ledger_csv(cells) if fmt == "csv" else ledger_xlsx(cells)
    except (IllegalCharacterError, ValueError):  # openpyxl (and lxml under it) will not write such a character
        return
    with pytest.raises((LedgerImportError, LedgerFileError)) as refused:
        service.import_ledger(data, fmt, ADMIN_LI)
    if isinstance(refused.value, LedgerImportError):
        assert column in {p.column for p in refused.value.problems}
    assert list(service.store.ledger()) == []
    assert list(service.store.stream_ids()) == []


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    column=st.sampled_from(["纠纷简要情况", "当事人", "案号"]),
    before=st.text(max_size=5, alphabet=st.characters(categories=["L"])),
    bad=BAD_CHARACTERS,
)
def test_a_control_or_non_xml_character_is_refused_wherever_text_enters(
    plugins: Plugins, column: str, before: str, bad: str
) -> None:
    service = new_service(plugins)
    with pytest.raises(LedgerImportError) as refused:
        service.import_ledger(ledger_csv(row(**{column: before + bad + "x"})), "csv", ADMIN_LI)
    assert [p.column for p in refused.value.problems] == [column]
    assert "U+" in refused.value.problems[0].message_en
    assert list(service.store.stream_ids()) == []


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"登记日期": "1800-01-01", "受理日期": "", "结案日期": "", "归档日期": ""}, "登记日期", "out of range"),
        ({"登记日期": "2099-06-01"}, "登记日期", "after the import"),
        ({"结案日期": "2026-02-01"}, "结案日期", "after the import"),
        ({"涉及金额（元）": "100000000000000000000"}, "涉及金额（元）", "out of range"),
        ({"调解次数": "99999999999999"}, "调解次数", "out of range"),
        ({"调解次数": "9" * 5000}, "调解次数", "more than 20 digits"),
        ({"涉及金额（元）": "1e999999999"}, "涉及金额（元）", "out of range"),
        ({"纠纷简要情况": "长" * 6000}, "纠纷简要情况", "longer than"),
        ({"当事人": "、".join(f"人{n}" for n in range(600))}, "当事人", "more than 500 items"),
    ],
)
def test_dates_numbers_and_lengths_are_held_to_the_command_rules(
    plugins: Plugins, cells: dict[str, str], column: str, message: str
) -> None:
    service = new_service(plugins)
    with pytest.raises(LedgerImportError) as refused:
        service.import_ledger(ledger_csv(row(**cells)), "csv", ADMIN_LI)
    assert (column, True) in {(p.column, message in p.message_en) for p in refused.value.problems}
    assert list(service.store.stream_ids()) == []


def test_a_case_number_used_twice_is_refused(plugins: Plugins) -> None:
    service = new_service(plugins)
    same = "（2025）彭调人调字第101号"
    with pytest.raises(LedgerImportError) as twice:
        service.import_ledger(ledger_csv(row(1, 案号=same), row(2, 案号=same)), "csv", ADMIN_LI)
    assert [(p.row, p.column, p.message_en) for p in twice.value.problems] == [
        (3, "案号", "the same case number as row 2")
    ]
    service.import_ledger(ledger_csv(row(1, 案号=same)), "csv", ADMIN_LI)
    with pytest.raises(LedgerImportError, match="a case in the system has this case number"):
        service.import_ledger(ledger_csv(row(2, 案号=same)), "csv", ADMIN_LI)
    assert [r.case_id for r in service.store.ledger()] == ["legacy-1"]


def test_after_a_refused_nul_id_every_export_still_works(plugins: Plugins) -> None:
    service = new_service(plugins)
    with pytest.raises(LedgerImportError):
        service.import_ledger(ledger_csv(row(1, 系统案件编号="bad\x00id")), "csv", ADMIN_LI)
    service.import_ledger(ledger_csv(row(2)), "csv", ADMIN_LI)
    for fmt in ("xlsx", "csv", "json"):
        assert service.export_ledger(ADMIN_LI, fmt)


# -- the evaluation cannot be gamed ----------------------------------------------------------------
def _result(service: MediationService) -> tuple[object, object, object]:
    (mine,) = [r for r in service.evaluation_preview(2025, "district", ADMIN_LI) if r.mediator_id == MEDIATOR_ID]
    return mine.score.total, mine.grade, mine.subsidy_total


def test_invented_rows_count_in_the_evaluation_only_once_a_second_administrator_approves(plugins: Plugins) -> None:
    service = new_service(plugins)
    before = _result(service)
    invented = [row(n, 结案日期=f"2025-{1 + n % 11:02d}-10", 归档日期=f"2025-{1 + n % 11:02d}-20") for n in range(40)]
    service.import_ledger(ledger_csv(*invented), "csv", ADMIN_LI)
    assert len(list(service.store.ledger())) == 40  # they count in statistics like any case
    assert _result(service) == before  # but not in the evaluation, nor the subsidy
    held = service.held_back_imports("district", ADMIN_LI)
    assert len(held) == 40
    (batch,) = service.import_batches(ADMIN_LI)
    assert batch.body["imported_by"] == str(ADMIN_LI)
    assert batch.body["approved_by"] is None
    with pytest.raises(AuthorisationError, match="a second administrator must approve it"):
        service.approve_import(batch.key, ADMIN_LI)
    mediator = Actor(actor_id=MEDIATOR_ID, role=Role.MEDIATOR, scope_id=ROOM)
    with pytest.raises(AuthorisationError, match="administrator's act"):
        service.approve_import(batch.key, mediator)
    assert _result(service) == before
    approved = service.approve_import(batch.key, ADMIN_WANG)
    assert approved.body["approved_by"] == str(ADMIN_WANG)
    after = _result(service)
    assert after[0] > before[0]  # type: ignore[operator]
    assert after[2] > before[2]  # type: ignore[operator]
    assert service.held_back_imports("district", ADMIN_LI) == ()
    records = service.store.read(batch.key)
    assert [(r.event_type, r.actor) for r in records] == [
        ("ledger.import_recorded", str(ADMIN_LI)),
        ("ledger.import_completed", str(ADMIN_LI)),
        ("ledger.import_approved", str(ADMIN_WANG)),
    ]
    assert service.verify() == []
    imported = service.store.read("legacy-1")[0]
    assert imported.body["batch"] == batch.key


def test_only_an_administrator_imports(plugins: Plugins) -> None:
    service = new_service(plugins)
    mediator = Actor(actor_id=MEDIATOR_ID, role=Role.MEDIATOR, scope_id=ROOM)
    with pytest.raises(AuthorisationError, match="administrator's act"):
        service.import_ledger(ledger_csv(row()), "csv", mediator)
    assert list(service.store.ledger()) == []
    assert [s for s in service.store.stream_ids() if not s.startswith("access-log:")] == []


# -- formulas stay text ----------------------------------------------------------------------------
FORMULAS = [
    '=HYPERLINK("http://evil.example","点击")',
    "=1+1",
    "+86 138",
    "-2+3",
    "@SUM(A1)",
    "'=1+1",
]


def test_exported_text_is_never_a_formula_and_reads_back_the_same(plugins: Plugins) -> None:
    service = new_service(plugins)
    rows = [row(n, 纠纷简要情况=text, 当事人=f"{text}、李某") for n, text in enumerate([*FORMULAS, "\t=1+1"])]
    rows[-1]["当事人"] = "王某、李某"  # a tab is no part of a name
    service.import_ledger(ledger_csv(*rows), "csv", ADMIN_LI)
    imported = sorted(service.store.ledger(), key=lambda r: r.case_id)
    assert [r.summary for r in imported] == [*FORMULAS, "\t=1+1"]

    sheet = load_workbook(io.BytesIO(service.export_ledger(ADMIN_LI, "xlsx")))["台账"]
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                assert cell.data_type != "f"
    summary_column = next(c.column_letter for c in sheet[3] if c.value == "纠纷简要情况")
    summaries = {c.value for c in sheet[summary_column][3:]}
    assert summaries == {*FORMULAS, "\t=1+1"}
    assert all(c.quotePrefix for c in sheet[summary_column][3:] if str(c.value).startswith(("=", "+", "-", "@", "\t")))

    text = service.export_ledger(ADMIN_LI, "csv").decode("utf-8-sig")
    for cells in list(csv.reader(io.StringIO(text, newline="")))[1:]:
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell

    for fmt in ("csv", "xlsx"):
        other = new_service(plugins)
        other.import_ledger(service.export_ledger(ADMIN_LI, fmt), fmt, ADMIN_LI)
        assert sorted(other.store.ledger(), key=lambda r: r.case_id) == imported


@given(st.text(max_size=12))
def test_escaping_a_formula_is_undone_exactly(text: str) -> None:
    escaped = escape_formula(text)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_formula(escaped) == text


# -- hostile files ---------------------------------------------------------------------------------
def _bomb(rows: int) -> bytes:
    """A workbook whose one sheet unpacks to ``rows`` rows of zeros: a thousandth of that packed
    (the sheet is written a million rows at a time, never held whole)."""
    head = ledger_xlsx()
    source = zipfile.ZipFile(io.BytesIO(head))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info.filename, data)
                continue
            before, after = data.decode().split("</row></sheetData>", 1)
            with bomb.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write((before + "</row>").encode())
                for start in range(0, rows, 1_000_000):  # rows and cells may omit their references
                    sheet.write(b"<row><c><v>0</v></c></row>" * min(1_000_000, rows - start))
                sheet.write(("</sheetData>" + after).encode())
    return out.getvalue()


def test_a_workbook_unpacking_beyond_the_cap_is_refused_before_any_cell_is_read(plugins: Plugins) -> None:
    data = _bomb(22_000_000)  # 545 MiB unpacked from about 1.3 MB
    assert len(data) < 4 * 1024 * 1024  # small packed, and far beyond the cap unpacked
    service = new_service(plugins)
    with pytest.raises(LedgerFileError) as refused:
        service.import_ledger(data, "xlsx", ADMIN_LI)
    assert f"it unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB (545 MiB)" in str(refused.value)
    assert "nothing was imported" in str(refused.value)
    assert list(service.store.stream_ids()) == []


def test_a_file_with_too_many_rows_or_without_the_headers_is_refused(plugins: Plugins) -> None:
    service = new_service(plugins)
    with pytest.raises(LedgerFileError, match=f"more than {MAX_ROWS} rows"):
        service.import_ledger(_bomb(MAX_ROWS + 5), "xlsx", ADMIN_LI)
    many = ("\ufeff" + ",".join(HEADERS) + "\r\n" + "\r\n".join(["x"] * (MAX_ROWS + 2))).encode()
    with pytest.raises(LedgerFileError, match=f"more than {MAX_ROWS} rows"):
        service.import_ledger(many, "csv", ADMIN_LI)
    with pytest.raises(LedgerImportError, match="缺少此列"):
        service.import_ledger(b"a,b\r\n" + b"1,2\r\n" * 10, "csv", ADMIN_LI)
    with pytest.raises(LedgerFileError, match="not UTF-8"):
        service.import_ledger(b"\xff\xfe\xfa,b\r\n", "csv", ADMIN_LI)
    with pytest.raises(LedgerFileError, match="not an Excel workbook"):
        service.import_ledger(b"PK\x03\x04 not really a zip", "xlsx", ADMIN_LI)
    with pytest.raises(LedgerFileError, match="cannot be read as a json file"):
        service.import_ledger(b"[" * 100_000, "json", ADMIN_LI)
    assert list(service.store.stream_ids()) == []


@pytest.mark.parametrize("source", ["ledger\x1b[2J.csv", "a\ufffe", "x" * 201])
def test_a_hostile_source_is_refused_naming_it(plugins: Plugins, source: str) -> None:
    service = new_service(plugins)
    with pytest.raises(CommandFormatError, match=r"@ source"):
        service.import_ledger(ledger_csv(row()), "csv", ADMIN_LI, source=source)
    assert list(service.store.stream_ids()) == []
