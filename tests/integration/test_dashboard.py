"""The dashboard and the statistics workbook, checked in a real headless Chromium and by openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import math
import os
from decimal import Decimal
from pathlib import Path

import pytest
from browser import Chromium, available
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from builders import ROOM
from mediation_core.app.ports import Document
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.organisations import Organisation, OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.plugins.manager import load_plugins
from mediation_core.testing.storage import T0, chain, row_for
from mediation_memory import MemoryStore
from mediation_reports import plugin as reports_plugin
from mediation_reports.dashboard import dashboard_html

pytestmark = pytest.mark.integration

CENTRE = Actor(actor_id="c-1", role=Role.COORDINATION_CENTRE, scope_id="district")
PERIOD = Period.months_from(2026, 3, 3)
PARTY_NAMES = ("欧阳春华", "司马秋实")


def ledger_service() -> MediationService:
    """A district whose ledger holds, over March–May 2026: 6 disputes received, 4 settled, 1
    failed, 1 open; sources 110 (4) and walk-in (2); one civil-to-criminal risk of 3 persons.
    On 1 June the open case c6 (an unresolved civil-to-criminal risk of 2 persons) is past its
    mediation term and c5 past its follow-up; referral r-1 waits for the room's acknowledgement;
    no return was filed and no meeting held."""
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
        ("c6", d(2026, 5, 28), Outcome.OPEN, "walk_in", "neighbourhood", 2),
    ]
    due = {
        "c5": (DeadlineKind.FOLLOW_UP, d(2026, 5, 25)),
        "c6": (DeadlineKind.MEDIATION_TERM, d(2026, 5, 29)),
    }
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
                civil_to_criminal_prevented_on=received if risk and outcome is not Outcome.OPEN else None,
                amount_involved=Decimal(1000),
                party_names=PARTY_NAMES,
            )
            deadlines = (
                [Deadline(kind=due[case_id][0], due=due[case_id][1], basis="test", policy="test", calendar="test")]
                if case_id in due
                else []
            )
            records = chain(case_id, [{"n": 1}], at=T0)
            tx.append(
                Append(
                    stream_id=case_id,
                    expected_version=0,
                    records=records,
                    row=row,
                    deadlines=deadlines,
                    notices=(),
                    created_at=T0,
                )
            )
        tx.append(
            Append(
                stream_id="r-1",
                expected_version=0,
                records=chain("r-1", [{"n": 1}], at=T0),
                row=None,
                deadlines=(),
                notices=(),
                created_at=T0,
                documents=(Document(kind="referral", key="r-1", body={}, tags={"room_id": ROOM, "status": "issued"}),),
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
  period: document.querySelector('[data-period]').textContent,
  generated: document.querySelector('[data-generated]').textContent,
  external: [...document.querySelectorAll('script[src],link,img,iframe,object')].length,
  figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(
      e => [e.dataset.figure, e.querySelector('.value').textContent])),
  charts: [...document.querySelectorAll('svg[data-chart]')].map(svg => {
    svg.scrollIntoView();  // elementFromPoint sees the viewport only
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
            labels: [...svg.querySelectorAll('text')].map(t => t.textContent),
            ticks: [...svg.querySelectorAll('.tick')].map(t => t.dataset.tick), from: svg.dataset.axisFrom};
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
    assert seen["period"] == "统计期：2026年3月–5月（2026-03-01 至 2026-05-31）"
    assert seen["generated"] == "生成时间：2026-06-01 09:00（北京时间）"
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
    assert charts["trend"]["ticks"] == ["0", "1", "2"]
    assert charts["success-by-unit"]["ticks"] == ["70", "80", "90", "100"]  # a rate scale from 70 %
    assert charts["sources"]["ticks"] == ["0", "1", "2", "3", "4"]
    assert sorted(charts["sources"]["values"]) == ["2", "4"]
    assert "110接处警" in charts["sources"]["labels"]
    assert sum(int(v) for v in charts["categories"]["values"]) == 6


def test_the_dashboard_is_one_self_contained_file(service: MediationService) -> None:
    html = service.dashboard(PERIOD, "district", CENTRE).decode()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 4
    assert html.count("<script>") == 1  # the ranking's sort, inline
    for outside in ("<script src", "<link", "http://", "https://", "src=", "url(", "@import", "//cdn"):
        assert outside not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_statistics_workbook_has_the_figures_and_a_sheet_per_breakdown(service: MediationService) -> None:
    book = load_workbook(io.BytesIO(service.statistics_file(PERIOD, "district", CENTRE, "xlsx")))
    assert book.sheetnames == [
        "总表",
        "按月",
        "按单位",
        "按纠纷类型",
        "按案件来源",
        "柏杨街道",
        "彭山路派出所联合调解室",
    ]
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


def test_the_comparison_periods_are_the_one_before_and_the_same_one_a_year_earlier() -> None:
    from mediation_core.app.dashboard import previous_period, year_ago_period

    assert previous_period(PERIOD) == Period.months_from(2025, 12, 3)
    assert year_ago_period(PERIOD) == Period.months_from(2025, 3, 3)
    assert previous_period(Period.month(2026, 3)) == Period.month(2026, 2)
    leap = Period(start=dt.date(2028, 2, 10), end=dt.date(2028, 2, 29))
    assert previous_period(leap) == Period(start=dt.date(2028, 1, 21), end=dt.date(2028, 2, 9))
    assert year_ago_period(leap) == Period(start=dt.date(2027, 2, 10), end=dt.date(2027, 2, 28))


def test_the_alerts_gather_what_needs_doing_and_name_no_party(service: MediationService) -> None:
    data = service.dashboard_data(PERIOD, "district", CENTRE)
    seen = {(a.kind, a.target) for a in data.alerts}
    assert ("overdue", "case-c5") in seen  # the follow-up
    assert ("overdue", "case-c6") in seen  # the mediation term
    assert ("risk", "case-c6") in seen  # a civil-to-criminal risk, the case still open
    assert ("risk", "case-c2") not in seen  # its risk was concluded
    assert ("referral", "referral-r-1") in seen
    assert ("return", f"org-{ROOM}") in seen  # March's and April's returns were never filed
    assert ("meeting", f"org-{ROOM}") in seen  # no case-analysis meeting was held
    assert all(a.href == f"#{a.target}" for a in data.alerts)
    html = service.dashboard(PERIOD, "district", CENTRE).decode()
    for name in PARTY_NAMES:
        assert name not in repr(data.alerts)
        assert name not in html
    assert [(r.name, r.cases, r.success_percent, r.overdue, r.followed_up) for r in data.ranking] == [
        ("柏杨街道", 6, 80.0, 2, 0)
    ]


def test_a_room_ranks_as_itself_not_as_other(service: MediationService) -> None:
    director = Actor(actor_id="d-1", role=Role.COORDINATION_CENTRE, scope_id="district")
    data = service.dashboard_data(PERIOD, ROOM, director)
    assert [r.name for r in data.ranking] == ["彭山路派出所联合调解室"]
    assert "其他" not in service.dashboard(PERIOD, ROOM, director).decode()


def test_a_bare_report_is_refused_rather_than_compared_with_itself(service: MediationService) -> None:
    """Without the periods it is compared with, a page would show no change where there was one."""
    director = Actor(actor_id="d-1", role=Role.COORDINATION_CENTRE, scope_id="district")
    with pytest.raises(TypeError, match="dashboard_data"):
        dashboard_html(service.statistics(PERIOD, ROOM, director))


ALERTS_PROBE = """JSON.stringify({
  alerts: [...document.querySelectorAll('[data-alert]')].map(li => {
    const a = li.querySelector('a[href^="#"]');
    return {kind: li.dataset.alert, href: a && a.getAttribute('href'), id: a && a.textContent,
            target: a && !!document.getElementById(a.getAttribute('href').slice(1)),
            text: li.textContent};
  }),
  mom: document.querySelector('[data-figure="received"] [data-delta="mom"]').textContent,
  yoy: document.querySelector('[data-figure="received"] [data-delta="yoy"]').textContent,
  compare: [...document.querySelectorAll('#compare th')].map(th => th.textContent)
})"""

SORT_PROBE = """(() => {
  const th = document.querySelector('#ranking th[data-column="%s"]');
  th.click();
  return [...document.querySelectorAll('#ranking tbody tr')].map(r => r.dataset.unit);
})()"""


@needs_browser
def test_the_alerts_link_to_their_cases_and_the_figures_compare_with_earlier_periods(
    service: MediationService, tmp_path: Path
) -> None:
    page = tmp_path / "dashboard.html"
    page.write_bytes(service.dashboard(PERIOD, "district", CENTRE))
    with Chromium() as browser:
        tab = browser.open(page)
        seen = json.loads(browser.evaluate(tab, ALERTS_PROBE))
    kinds = {a["kind"] for a in seen["alerts"]}
    assert kinds == {"overdue", "risk", "return", "meeting", "referral"}
    for alert in seen["alerts"]:
        assert alert["href"], alert
        assert alert["target"], alert  # the link lands on the item's entry in the page
        assert alert["id"] in alert["text"]
    assert {a["id"] for a in seen["alerts"] if a["kind"] in ("overdue", "risk")} == {"c5", "c6"}  # the case shown
    assert {a["id"] for a in seen["alerts"] if a["kind"] == "meeting"} == {"柏杨街道", "彭山路派出所联合调解室"}
    overdue = [a for a in seen["alerts"] if a["kind"] == "overdue"]
    assert {a["href"] for a in overdue} == {"#case-c5", "#case-c6"}
    assert any("调解期限届满" in a["text"] and "超期 3 天" in a["text"] for a in overdue)
    assert seen["mom"] == "环比 +6 件"  # nothing received December–February
    assert seen["yoy"] == "同比 +6 件"
    assert seen["compare"][1:] == [
        "本期（2026年3月–5月）",
        "上期（2025年12月–2026年2月）",
        "环比",
        "去年同期（2025年3月–5月）",
        "同比",
    ]


def two_township_service() -> MediationService:
    """The district of :func:`ledger_service` with a second township, 清河街道, whose room
    received 2 disputes in March and settled both (100 %); 柏杨街道 settled 4 of 5 (80 %)."""
    from mediation_core.app.ports import Append

    service = ledger_service()
    base = demo_registry()
    extra = [
        Organisation(org_id="qinghe", kind=OrgKind.TOWNSHIP, name="清河街道", parent_id="district"),
        Organisation(org_id="qinghe-room", kind=OrgKind.MEDIATION_ROOM, name="清河街道人民调解室", parent_id="qinghe"),
    ]
    registry = Registry.of([*base.organisations.values(), *extra], base.mediators.values(), base.liaisons.values())
    service.register(registry, Actor(actor_id="admin", role=Role.ADMINISTRATOR, scope_id="district"))
    with service.store.transaction() as tx:
        for case_id, received in (("q1", dt.date(2026, 3, 3)), ("q2", dt.date(2026, 3, 10))):
            row = row_for(
                case_id,
                1,
                "qinghe-room",
                status=CaseStatus.AGREED,
                outcome=Outcome.SETTLED,
                received_on=received,
                accepted_on=received,
                concluded_on=received + dt.timedelta(days=3),
                term_due=received + dt.timedelta(days=30),
                agreement_form="written",
                follow_ups=1,
                first_follow_up_on=received + dt.timedelta(days=10),
            )
            tx.append(
                Append(
                    stream_id=case_id,
                    expected_version=0,
                    records=chain(case_id, [{"n": 1}], at=T0),
                    row=row,
                    deadlines=(),
                    notices=(),
                    created_at=T0,
                )
            )
        tx.commit()
    return service


@needs_browser
def test_the_ranking_sorts_on_a_click_and_the_rates_are_drawn_from_near_their_minimum(tmp_path: Path) -> None:
    service = two_township_service()
    data = service.dashboard_data(PERIOD, "district", CENTRE)
    assert [(r.unit_id, r.cases, r.success_percent, r.overdue) for r in data.ranking] == [
        ("baiyang", 6, 80.0, 2),
        ("qinghe", 2, 100.0, 0),
    ]
    page = tmp_path / "dashboard.html"
    page.write_bytes(service.dashboard(PERIOD, "district", CENTRE))
    with Chromium() as browser:
        tab = browser.open(page)
        first = browser.evaluate(tab, "[...document.querySelectorAll('#ranking tbody tr')].map(r => r.dataset.unit)")
        by_cases = browser.evaluate(tab, SORT_PROBE % "cases")
        by_cases_again = browser.evaluate(tab, SORT_PROBE % "cases")
        by_overdue = browser.evaluate(tab, SORT_PROBE % "overdue")
        by_success = browser.evaluate(tab, SORT_PROBE % "success")
        by_name = browser.evaluate(tab, SORT_PROBE % "name")
        chart = json.loads(browser.evaluate(tab, PROBE))["charts"]
    assert first == ["qinghe", "baiyang"]  # best success rate first
    assert by_cases == ["baiyang", "qinghe"]  # a first click sorts high to low
    assert by_cases_again == ["qinghe", "baiyang"]  # a second click turns it round
    assert by_overdue == ["baiyang", "qinghe"]
    assert by_success == ["qinghe", "baiyang"]
    assert len(by_name) == 2
    rates = next(c for c in chart if c["name"] == "success-by-unit")
    assert rates["from"] == "70"
    assert rates["ticks"] == ["70", "80", "90", "100"]
    assert sorted(rates["values"]) == ["100.0 %", "80.0 %"]
    assert "其他" not in rates["labels"]


@needs_browser
def test_the_page_paints_its_chinese_text_with_a_cjk_font(service: MediationService, tmp_path: Path) -> None:
    """The screenshot test: the title is painted by a font with Chinese glyphs (no tofu boxes),
    and the painted title differs from the same box with its text hidden."""
    page = tmp_path / "dashboard.html"
    page.write_bytes(service.dashboard(PERIOD, "district", CENTRE))
    with Chromium() as browser:
        tab = browser.open(page)
        fonts = browser.fonts_for(tab, "h1")
        painted = browser.screenshot(tab, "h1")
        browser.evaluate(tab, "document.querySelector('h1').style.color = 'transparent'")
        hidden = browser.screenshot(tab, "h1")
    assert painted.startswith(b"\x89PNG")
    assert painted != hidden
    assert sum(f["glyphCount"] for f in fonts) == len("市中区矛盾纠纷多元化解工作看板")
    assert any(f["glyphCount"] > 1 and ("CJK" in f["familyName"] or "WenQuanYi" in f["familyName"]) for f in fonts), (
        fonts
    )


@given(low=st.integers(0, 95), span=st.integers(1, 10_000))
def test_axis_ticks_are_round_steps_covering_the_values(low: int, span: int) -> None:
    from mediation_reports.dashboard import nice_ticks

    ticks = nice_ticks(low, low + span)
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert ticks[0] <= low
    assert ticks[-1] >= low + span
    assert len(steps) == 1
    (step,) = steps
    assert step / 10 ** math.floor(math.log10(step)) in (1, 2, 5)
    assert 2 <= len(ticks) <= 12


def test_a_rate_axis_starts_near_the_lowest_rate() -> None:
    from mediation_reports.dashboard import rate_floor

    assert rate_floor([96.0, 100.0]) == 90
    assert rate_floor([80.0, 100.0]) == 70
    assert rate_floor([100.0]) == 90
    assert rate_floor([40.0, 100.0]) == 0
    assert rate_floor([]) == 90
