"""Ledger import reads and writes a file as it goes: memory stays bounded whatever its length
(asserted on the traced peak, never on time), the file is checked whole before anything is
written, and an import interrupted while writing leaves a batch that never counts until it is
resumed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook

from builders import ROOM
from mediation_core.app import exporting
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.errors import CommandFormatError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.exports.ledger import HEADERS, MAX_PROBLEMS, LedgerImportError, escape_formula
from mediation_core.plugins.manager import load_plugins
from mediation_memory import MemoryStore
from mediation_reports import plugin as reports_plugin
from mediation_sqlalchemy import open_sqlalchemy

ADMIN_LI = Actor(actor_id="a-li", role=Role.ADMINISTRATOR, scope_id="district")
ADMIN_WANG = Actor(actor_id="a-wang", role=Role.ADMINISTRATOR, scope_id="district")
MiB = 2**20

GOOD = {
    "调解室": ROOM,
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
    "主持调解员": "m-zhang",
    "调解员": "m-zhang",
    "调解次数": "1",
    "回访期限": "2025-03-25",
    "回访次数": "1",
    "首次回访日期": "2025-03-15",
    "履行情况": "performed",
    "满意度": "满意",
}


def cells(n: int, **changes: str) -> dict[str, str]:
    return {
        **GOOD,
        "系统案件编号": f"legacy-{n:06d}",
        "系统记录版本": "1",
        "案号": f"（2025）彭调人调字第{n + 1}号",
        **changes,
    }


def ledger_csv(count: int, bad: Callable[[int], dict[str, str]] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for n in range(count):
        row = cells(n, **(bad(n) if bad else {}))
        writer.writerow([escape_formula(row.get(h, "")) for h in HEADERS])
    return ("\ufeff" + out.getvalue()).encode()


def ledger_xlsx(count: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(list(HEADERS))
    for n in range(count):
        row = cells(n)
        sheet.append([row.get(h) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def service_on(store: Any) -> MediationService:
    plugins = load_plugins(autoload=False, strict=True, plugins=[reports_plugin])
    service = MediationService(store, plugins=plugins, clock=StoryClock(dt.datetime(2026, 1, 15, 10, tzinfo=CHINA_TZ)))
    service.register(demo_registry(), ADMIN_LI)
    return service


def traced_peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def count_rows(service: MediationService) -> int:
    return sum(1 for _ in service.store.ledger())


@pytest.mark.slow
@pytest.mark.integration
def test_a_100000_row_csv_is_imported_in_bounded_memory(sqlite_files: Callable[[], str]) -> None:
    data = ledger_csv(100_000)
    with service_on(open_sqlalchemy(sqlite_files())) as service:
        done: list[exporting.ImportedBatch] = []
        peak = traced_peak(lambda: done.append(service.import_ledger(data, "csv", ADMIN_LI, source="100k.csv")))
        assert peak < 256 * MiB, f"peak {peak / MiB:.0f} MiB"
        (batch,) = done
        assert len(batch) == 100_000
        assert count_rows(service) == 100_000
        assert service.store.verify() == []
        service.approve_import(batch.batch, ADMIN_WANG)


@pytest.mark.integration
def test_a_workbook_is_read_as_it_goes(sqlite_files: Callable[[], str]) -> None:
    data = ledger_xlsx(5_000)
    with service_on(open_sqlalchemy(sqlite_files())) as service:
        peak = traced_peak(lambda: service.import_ledger(data, "xlsx", ADMIN_LI, source="5k.xlsx"))
        assert count_rows(service) == 5_000
    assert peak < 64 * MiB, f"peak {peak / MiB:.0f} MiB"


def test_memory_does_not_grow_with_the_file(sqlite_files: Callable[[], str]) -> None:
    """The traced peak of 4,000 rows is well under four times that of 1,000: what grows with
    the file is the case ids and numbers kept for its checks, not its rows."""

    def peak_of(count: int) -> int:
        data = ledger_csv(count)
        with service_on(open_sqlalchemy(sqlite_files())) as service:
            return traced_peak(lambda: service.import_ledger(data, "csv", ADMIN_LI))

    small, large = peak_of(1_000), peak_of(4_000)
    assert large < 2 * small, f"{small / MiB:.1f} MiB for 1,000 rows, {large / MiB:.1f} MiB for 4,000"


class ImportInterruptedError(Exception):
    """The process stopping mid-import, as a crash or a lost connection would."""


@pytest.fixture
def chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporting, "IMPORT_CHUNK", 10)


def interrupt_after(monkeypatch: pytest.MonkeyPatch, chunks: int) -> None:
    written = exporting.write_rows
    calls = iter(range(10**6))

    def failing(*args: Any, **kwargs: Any) -> None:
        if next(calls) >= chunks:
            raise ImportInterruptedError
        written(*args, **kwargs)

    monkeypatch.setattr(exporting, "write_rows", failing)


@pytest.mark.usefixtures("chunked")
def test_an_interrupted_import_never_counts_until_it_is_resumed(monkeypatch: pytest.MonkeyPatch) -> None:
    service = service_on(MemoryStore())
    data = ledger_csv(35)
    interrupt_after(monkeypatch, 2)
    with pytest.raises(ImportInterruptedError):
        service.import_ledger(data, "csv", ADMIN_LI, source="ledger.csv")
    (batch,) = service.import_batches(ADMIN_LI)
    assert batch.body["complete"] is False
    assert count_rows(service) == 20  # two chunks landed
    assert len(service.held_back_imports("district", ADMIN_LI)) == 20  # none counts in evaluations
    with pytest.raises(CommandFormatError, match="incomplete"):
        service.approve_import(batch.key, ADMIN_WANG)
    with pytest.raises(CommandFormatError, match="does not hold the cases"):
        service.import_ledger(ledger_csv(36), "csv", ADMIN_LI, resume=batch.key)
    monkeypatch.undo()
    monkeypatch.setattr(exporting, "IMPORT_CHUNK", 10)
    done = service.import_ledger(data, "csv", ADMIN_LI, resume=batch.key)
    assert (done.batch, len(done)) == (batch.key, 35)
    assert count_rows(service) == 35
    assert service.approve_import(batch.key, ADMIN_WANG).body["complete"] is True
    assert service.store.verify() == []
    assert [r.event_type for r in service.store.read(batch.key)] == [
        "ledger.import_recorded",
        "ledger.import_completed",
        "ledger.import_approved",
    ]


@pytest.mark.usefixtures("chunked")
def test_a_complete_batch_cannot_be_resumed_and_a_file_with_problems_writes_nothing() -> None:
    service = service_on(MemoryStore())
    done = service.import_ledger(ledger_csv(25), "csv", ADMIN_LI)
    with pytest.raises(CommandFormatError, match="nothing to resume"):
        service.import_ledger(ledger_csv(25), "csv", ADMIN_LI, resume=done.batch)
    later = ledger_csv(40, bad=lambda n: {"登记日期": "2099-01-01"} if n == 33 else {})
    with pytest.raises(LedgerImportError) as refused:
        service.import_ledger(later, "csv", ADMIN_LI)
    assert {p.row for p in refused.value.problems} >= {35}  # row 33 of the data is line 35; rows 0-24 are taken
    assert count_rows(service) == 25
    assert len(service.import_batches(ADMIN_LI)) == 1


def test_checking_stops_after_a_thousand_problems_and_says_so() -> None:
    service = service_on(MemoryStore())
    data = ledger_csv(MAX_PROBLEMS + 200, bad=lambda n: {"登记日期": "not a date"})
    with pytest.raises(LedgerImportError) as refused:
        service.import_ledger(data, "csv", ADMIN_LI)
    assert len(refused.value.problems) == MAX_PROBLEMS
    assert refused.value.more
    assert "there may be more" in str(refused.value)
    assert count_rows(service) == 0
