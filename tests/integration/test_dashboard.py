"""The dashboard and the statistics workbook, checked in a real headless Chromium and by openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from browser import Chromium, available
from openpyxl import load_workbook

from builders import ROOM
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.periods import Period
from mediation_core.plugins.manager import load_plugins
from mediation_core.testing.storage import T0, chain, row_for
from mediation_memory import MemoryStore
from mediation_reports import plugin as reports_plugin

pytestmark = pytest.mark.integration

CENTRE = Actor(actor_id="c-1", role=Role.COORDINATION_CENTRE, scope_id="district")
PERIOD = Period.months_from(2026, 3, 3)


def ledger_service() -> MediationService:
    """A district whose ledger holds, over March–May 2026: 6 disputes received, 4 settled, 1
    failed, 1 open; sources 110 (4) and walk-in (2); one civil-to-criminal risk of 3 persons."""
    from mediation_core.app.ports import Append

    clock = StoryClock(dt.datetime(2026, 6, 1, 9, tzinfo=CHINA_TZ))
    service = MediationService(
        MemoryStore(), plugins=load_plugins(autoload=False, strict=True, plugins=[reports_plugin]), clock=clock
    )
    service.register(demo_registry(), Actor(actor_id="admin", role=Role.ADMINISTRATOR, scope_id="district"))
    d = dt.date
    cases = [
        ("c1", d(2026, 3, 2), Outcome.SETTLED, "dispatch_110", "neighbourhood", 0),
        ("c2", d(2026, 3, 9), Outcome.SETTLED, "dispatch_110", "neighbourhood", 3),
        ("c3", d(2026, 4, 1), Outcome.SETTLED, "walk_in", "marriage_family", 0),
        ("c4", d(2026, 4, 20), Outcome.FAILED, "dispatch_110", "neighbourhood", 0),
        ("c5", d(2026, 5, 6), Outcome.SETTLED, "dispatch_110", "contract", 0),
        ("c6", d(2026, 5, 28), Outcome.OPEN, "walk_in", "neighbourhood", 0),
    ]
    with service.store.transaction() as tx:
        for case_id, received, outcome, source, category, risk in cases:
            concluded = received + dt.timedelta(days=5) if outcome is not Outcome.OPEN else None
            status = {
                Outcome.SETTLED: CaseStatus.AGREED,
                Outcome.FAILED: CaseStatus.TERMINATED,
                Outcome.OPEN: CaseStatus.MEDIATING,
            }[outcome]
            row = row_for(
                case_id,
                1,
                ROOM,
                status=status,
                outcome=outcome,
                source=source,
                category=category,
                received_on=received,
                accepted_on=received,
                concluded_on=concluded,
                term_due=received + dt.timedelta(days=30),
                agreement_form="written" if outcome is Outcome.SETTLED else None,
                civil_to_criminal_persons=risk,
                amount_involved=Decimal(1000),
            )
            records = chain(case_id, [{"n": 1}], at=T0)
            tx.append(
                Append(
                    stream_id=case_id,
                    expected_version=0,
                    records=records,
                    row=row,
                    deadlines=(),
                    notices=(),
                    created_at=T0,
                )
            )
        tx.commit()
    return service


@pytest.fixture(scope="module")
def service() -> MediationService:
    return ledger_service()


def test_the_report_behind_the_dashboard(service: MediationService) -> None:
    report = service.statistics(PERIOD, "district", CENTRE)
    assert (report["received"].cases, report["settled"].cases, report["concluded"].cases) == (6, 4, 5)
    assert report.rate("success_rate").shown() == "80.0 %"


needs_browser = pytest.mark.skipif(
    not available() and not os.environ.get("MEDIATION_REQUIRE_BROWSER"),
    reason="Debian's chromium is not installed (.ci/run installs it and sets MEDIATION_REQUIRE_BROWSER=1)",
)

PROBE = """JSON.stringify({
  title: document.title,
  external: [...document.querySelectorAll('script,link,img,iframe,object')].length,
  figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(
      e => [e.dataset.figure, e.querySelector('.value').textContent])),
  charts: [...document.querySelectorAll('svg[data-chart]')].map(svg => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('.mark')];
    const painted = marks.filter(m => {
      const b = m.getBoundingClientRect();
      if (b.width < 1 || b.height < 1) return false;
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      return hit === m && getComputedStyle(m).fill !== 'none' && getComputedStyle(m).visibility === 'visible';
    });
    return {name: svg.dataset.chart, width: box.width, height: box.height, marks: marks.length,
            painted: painted.length, values: marks.map(m => m.dataset.value),
            labels: [...svg.querySelectorAll('text')].map(t => t.textContent)};
  })
})"""


@needs_browser
def test_the_dashboard_renders_its_figures_and_draws_its_charts_in_chromium(
    service: MediationService, tmp_path: Path
) -> None:
    page = tmp_path / "dashboard.html"
    page.write_bytes(service.dashboard(PERIOD, "district", CENTRE))
    with Chromium() as browser:
        tab = browser.open(page)
        seen = json.loads(browser.evaluate(tab, PROBE))
        browser.send("Page.navigate", tab, url="about:blank")  # the file stands alone: nothing was fetched
    assert seen["title"] == "市中区矛盾纠纷多元化解工作看板（2026-03-01..2026-05-31）"
    assert seen["external"] == 0
    figures = seen["figures"]
    assert figures["received"] == "6"
    assert figures["settled"] == "4"
    assert figures["civil_to_criminal_prevented"] == "1"
    assert figures["success_rate"] == "80.0 %"
    charts = {c["name"]: c for c in seen["charts"]}
    assert set(charts) == {"trend", "success-by-unit", "categories", "sources"}
    for chart in charts.values():
        assert chart["width"] > 100
        assert chart["height"] > 20
        assert chart["painted"] == chart["marks"] > 0, chart["name"]
    assert charts["trend"]["values"] == ["2", "2", "2", "1", "2", "1"]  # received, settled per month
    assert "80.0 %" in charts["success-by-unit"]["values"]
    assert sorted(charts["sources"]["values"]) == ["2", "4"]
    assert "110接处警" in charts["sources"]["labels"]
    assert sum(int(v) for v in charts["categories"]["values"]) == 6


def test_the_dashboard_is_one_self_contained_file(service: MediationService) -> None:
    html = service.dashboard(PERIOD, "district", CENTRE).decode()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 4
    for outside in ("<script", "<link", "http://", "https://", "src="):
        assert outside not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_statistics_workbook_has_the_figures_and_a_sheet_per_breakdown(service: MediationService) -> None:
    book = load_workbook(io.BytesIO(service.statistics_file(PERIOD, "district", CENTRE, "xlsx")))
    assert book.sheetnames == ["总表", "按月", "按单位", "按纠纷类型", "按案件来源", "柏杨街道"]
    summary = {row[0]: row[1:] for row in book["总表"].iter_rows(values_only=True) if row and row[0]}
    assert summary["登记纠纷"][:2] == (6, 12)
    assert summary["调解成功"][:2] == (4, 8)
    assert summary["调解成功率"][:3] == (4, 5, 0.8)
    months = list(book["按月"].iter_rows(min_row=5, values_only=True))
    assert [m[0] for m in months[:4]] == ["2026-03", "2026-04", "2026-05", "合计"]
    header = next(book["按月"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert [m[header.index("登记纠纷")] for m in months[:4]] == [2, 2, 2, 6]
    assert [r[0] for r in book["按单位"].iter_rows(min_row=5, max_row=6, values_only=True)] == ["柏杨街道", "合计"]


def test_statistics_json_and_csv_carry_the_same_figures(service: MediationService) -> None:
    doc = json.loads(service.statistics_file(PERIOD, "district", CENTRE, "json"))
    assert doc["total"]["figures"]["received"] == {"cases": 6, "persons": 12, "amount": "6000"}
    assert doc["total"]["rates"]["success_rate"] == {"numerator": 4, "denominator": 5, "percent": "80.0"}
    assert len(doc["by_month"]) == 3
    csv_text = service.statistics_file(PERIOD, "district", CENTRE, "csv").decode("utf-8-sig")
    assert "登记纠纷（件）" in csv_text
    assert "合计" in csv_text
