"""Text renderings for the terminal: the coordination-centre report, a case file, an
evaluation, meetings, returns. Programs use ``--json`` instead."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence

from mediation_core.app.service import CaseFile
from mediation_core.cli.output import table
from mediation_core.demo import walkthrough
from mediation_core.domain.meeting.compliance import MeetingSlot
from mediation_core.domain.meeting.state import Meeting
from mediation_core.domain.reporting.evaluation import MediatorResult
from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH, Outcome
from mediation_core.domain.reporting.statistics import FIGURES, RATES, FigureSet, StatisticsReport
from mediation_core.domain.statistical_return.filing import FilingStatus
from mediation_core.domain.values.sources import CaseSource

HEADLINE = (
    "received",
    "accepted",
    "declined",
    "concluded",
    "settled",
    "failed",
    "difficult",
    "civil_to_criminal_prevented",
    "public_order_prevented",
    "mass_incidents_averted",
    "suicides_prevented",
    "settled_on_scene",
    "repeats",
)
"""The figures the terminal report shows first (every figure is in ``--json`` and the files)."""


def statistics(report: StatisticsReport, *, breakdowns: bool = True) -> str:
    """The coordination-centre report as text: figures with persons and amounts, rates, and the
    breakdowns by unit, source, category and month."""
    title = {f.key: f.title_zh for f in FIGURES}
    span = f"{report.period.start:%Y年%m月%d日}—{report.period.end:%Y年%m月%d日}"
    out = [
        f"{report.scope_name} 矛盾纠纷化解情况统计（{span}）",
        "",
        table(
            ["指标 / figure", "件 cases", "人 persons", "金额（元） amount"],
            [(title[k], report[k].cases, report[k].persons, f"{report[k].amount:,}") for k in HEADLINE],
            numeric=(False, True, True, True),
        ),
        table(
            ["比率 / rate", "值 value", "分子/分母"],
            [
                (
                    r.title_zh,
                    report.rate(r.key).shown(),
                    f"{report.rate(r.key).numerator}/{report.rate(r.key).denominator}",
                )
                for r in RATES
            ]
            + [("办结用时中位数（日）", str(report.median_days_to_conclude or "—"), "")],
            numeric=(False, True, True),
        ),
    ]
    if breakdowns:
        for heading, lines in (
            ("按单位 / by unit", report.by_unit),
            ("按来源 / by source", report.by_source),
            ("按纠纷类型 / by category", report.by_category),
            ("按月份 / by month", report.by_month),
        ):
            if lines:
                out += [heading, _breakdown(lines)]
    return "\n".join(out)


def _breakdown(lines: Sequence[FigureSet]) -> str:
    return table(
        ["", "登记", "办结", "成功", "不成", "成功率", "疑难", "随警现场"],
        [
            (
                line.title_zh,
                line["received"].cases,
                line["concluded"].cases,
                line["settled"].cases,
                line["failed"].cases,
                line.rate("success_rate").shown(),
                line["difficult"].cases,
                line["settled_on_scene"].cases,
            )
            for line in lines
        ],
        numeric=(False, True, True, True, True, True, True, True),
    )


def case_file(case: CaseFile, names: Mapping[str, str], categories: Mapping[str, str]) -> str:
    """一案一卷: every event with its time, actor and hash, then the ledger line, its codes as
    their Chinese titles and names, an empty cell as —."""
    records, _, _ = walkthrough.render(case).partition("\n台账 / ledger line")
    lines = [records, "", "台账 / ledger line"]
    row = case.row
    for key, header in LEDGER_HEADERS_ZH.items():
        lines.append(f"  {header} ({key}): {ledger_cell(key, getattr(row, key), names, categories)}")
    return "\n".join(lines) + "\n"


def ledger_cell(  # noqa: PLR0911 - one return per kind of cell
    key: str, value: object, names: Mapping[str, str], categories: Mapping[str, str]
) -> str:
    """One ledger cell as an official reads it: titles for codes, names for ids, — for nothing."""
    if value is None or value in ("", ()):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple | list | frozenset):
        return "、".join(ledger_cell(key, v, names, categories) for v in value)
    if key == "category":
        return categories.get(str(value), str(value))
    if key == "source":
        return source_title(str(value))
    if key in ("room_id", "presiding_mediator", "mediators"):
        return names.get(str(value), str(value))
    if isinstance(value, Outcome):
        return OUTCOME_TITLES[value]
    title = getattr(value, "title_zh", None)
    if isinstance(title, str):
        return title
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


OUTCOME_TITLES = {
    Outcome.OPEN: "办理中",
    Outcome.DECLINED: "不予受理",
    Outcome.SETTLED: "调解成功",
    Outcome.FAILED: "调解不成",
}


def source_title(code: str) -> str:
    """The Chinese title of a source code, the code itself when no source has it."""
    try:
        return CaseSource(code).title_zh
    except ValueError:
        return code


def evaluation(results: Iterable[MediatorResult], names: dict[str, str]) -> str:
    rows = sorted(results, key=lambda r: r.rank)
    return table(
        ["名次", "调解员", "调解室", "尽责履职", "遵章守纪", "工作业绩", "总分", "等次", "绩效奖励", "以案定补（元）"],
        [
            (
                r.rank,
                r.name,
                names.get(r.room_id, r.room_id),
                r.score.dimensions.get("duty", ""),
                r.score.dimensions.get("discipline", ""),
                r.score.dimensions.get("results", ""),
                r.score.total,
                r.grade.title_zh,
                "是" if r.bonus_eligible else "否",
                r.subsidy_total,
            )
            for r in rows
        ],
        numeric=(True, False, False, True, True, True, True, False, False, True),
    )


def meetings(found: Iterable[Meeting], names: dict[str, str]) -> str:
    return table(
        ["日期", "会议", "单位", "状态", "法定人数", "议题", "待办"],
        [
            (
                (m.held_on or m.on).isoformat(),
                m.kind.title_zh,
                names.get(m.org_id, m.org_id),
                m.status.title_zh,
                "—" if m.quorum is None else ("足" if m.quorum else "不足"),
                len(m.agenda),
                sum(1 for _ in m.open_items()),
            )
            for m in found
        ],
    )


def compliance(slots: Iterable[MeetingSlot]) -> str:
    return table(
        ["期间", "会议", "单位", "情况", "缺席单位", "逾期待办"],
        [
            (s.slot.label, s.kind.title_zh, s.org_name, s.compliance.title_zh, "、".join(s.missing), s.overdue_items)
            for s in slots
        ],
        numeric=(False, False, False, False, False, True),
    )


def filings(found: Iterable[FilingStatus]) -> str:
    return table(
        ["期间", "单位", "报送", "应报日期", "报送日期", "逾期", "变动"],
        [
            (
                f.period.label,
                f.org_name,
                f.filing.title_zh,
                f.due.isoformat(),
                f.submitted_on.isoformat() if f.submitted_on else "—",
                "是" if f.late or f.overdue else "",
                len(f.drift) or "",
            )
            for f in found
        ],
    )
