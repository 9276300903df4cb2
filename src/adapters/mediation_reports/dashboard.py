"""The coordination centre's dashboard: one self-contained HTML file with inline SVG charts.

No script, no external file, no font download: the file opens the same on an office PC with no
network. Figures are cards (``data-figure``), charts are ``<svg data-chart>`` with one
``.mark`` per bar, each carrying its value (``data-value``) and a tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from mediation_core.domain.reporting.statistics import SCREENING_FIGURES, FigureSet, StatisticsReport

CARDS = (
    ("received", "登记纠纷"),
    ("accepted", "受理"),
    ("settled", "调解成功"),
    ("civil_to_criminal_prevented", "防止民转刑"),
    ("mass_incidents_averted", "预防处置群体性事件"),
    ("suicides_prevented", "防止民间纠纷引起自杀"),
    ("difficult", "调解疑难复杂纠纷"),
    ("settled_on_scene", "随警现场调解成功"),
)
RATE_CARDS = (("success_rate", "调解成功率"), ("within_term_rate", "期限内办结率"), ("follow_up_rate", "回访率"))
BLUE, GREEN, GREY = "#2f6fb3", "#3a9d5d", "#8a94a6"
STYLE = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:24px;
color:#1d2733;background:#f5f7fa}
h1{font-size:22px;margin:0 0 4px}.period{color:#56606e;margin:0 0 20px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;margin-bottom:24px}
.figure{background:#fff;border-radius:6px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.figure .label{display:block;color:#56606e;font-size:13px}.figure .value{font-size:26px;font-weight:600}
.figure .unit{margin-left:2px;color:#56606e}.figure .persons{display:block;color:#56606e;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px;align-items:start}
figure{background:#fff;border-radius:6px;margin:0;padding:12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
figcaption{font-weight:600;margin-bottom:8px}svg{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:#1d2733}.legend{font-size:12px;color:#56606e}
"""


def _card(key: str, label: str, report: StatisticsReport) -> str:
    tally = report[key]
    return (
        f'<div class="figure" data-figure="{key}"><span class="label">{escape(label)}</span>'
        f'<span class="value">{tally.cases}</span><span class="unit">件</span>'
        f'<span class="persons">{tally.persons} 人</span></div>'
    )


def _screening_card(report: StatisticsReport) -> str:
    """纠纷排查: disputes found in the period, the rounds held, and what was done with them."""
    s = report.screening
    parts = "".join(
        f'<span class="persons" data-screening="{f.key}">{escape(f.title_zh)} {s[f.key]}</span>'
        for f in SCREENING_FIGURES
        if f.key != "found"
    )
    return (
        f'<div class="figure" data-figure="screening"><span class="label">纠纷排查发现纠纷</span>'
        f'<span class="value" data-screening="found">{s.found}</span><span class="unit">件</span>{parts}</div>'
    )


def _rate_card(key: str, label: str, report: StatisticsReport) -> str:
    ratio = report.rate(key)
    return (
        f'<div class="figure" data-figure="{key}"><span class="label">{escape(label)}</span>'
        f'<span class="value">{escape(ratio.shown())}</span>'
        f'<span class="persons">{ratio.numerator} / {ratio.denominator} 件</span></div>'
    )


def _bar(x: float, y: float, w: float, h: float, *, colour: str, value: str, tip: str) -> str:
    return (
        f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{colour}" '
        f'data-value="{escape(value)}"><title>{escape(tip)}</title></rect>'
    )


def horizontal_bars(
    name: str, items: Sequence[tuple[str, float, str]], colour: str, *, limit: float | None = None
) -> str:
    """One bar per (label, value, shown) item; ``limit`` fixes the scale (100 for rates)."""
    row, left, width = 26, 150, 300
    height = max(len(items), 1) * row + 10
    top = max((v for _, v, _ in items), default=0)
    scale = limit or top or 1
    parts = [
        f'<svg data-chart="{name}" viewBox="0 0 {left + width + 70} {height}" role="img" '
        f'aria-label="{escape(name)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if not items:
        parts.append(f'<text x="{left}" y="20">无数据</text>')
    for n, (label, value, shown) in enumerate(items):
        y = 5 + n * row
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            _bar(left, y + 3, width * value / scale, row - 8, colour=colour, value=shown, tip=f"{label}：{shown}")
        )
        parts.append(f'<text x="{left + width * value / scale + 6:.1f}" y="{y + 15}">{escape(shown)}</text>')
    parts.append(f'<line x1="{left}" y1="0" x2="{left}" y2="{height}" stroke="{GREY}"/>')
    parts.append("</svg>")
    return "".join(parts)


def trend(months: Sequence[FigureSet]) -> str:
    """Received and settled cases per month, side by side."""
    left, bottom, plot_h, width = 40, 30, 200, 520
    slot = (width - left - 10) / max(len(months), 1)
    bar = min(18.0, slot / 2 - 4)
    top = max((max(m["received"].cases, m["settled"].cases) for m in months), default=0) or 1
    parts = [
        f'<svg data-chart="trend" viewBox="0 0 {width} {plot_h + bottom + 10}" role="img" aria-label="trend" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{plot_h + 5}" x2="{width}" y2="{plot_h + 5}" stroke="{GREY}"/>',
        f'<text x="{left - 6}" y="15" text-anchor="end">{top}</text>',
        f'<text x="{left - 6}" y="{plot_h + 5}" text-anchor="end">0</text>',
    ]
    for n, month in enumerate(months):
        x = left + n * slot + slot / 2 - bar - 1
        for offset, (key, colour, label) in enumerate((("received", BLUE, "登记"), ("settled", GREEN, "调解成功"))):
            cases = month[key].cases
            h = plot_h * cases / top
            parts.append(
                _bar(
                    x + offset * (bar + 2),
                    plot_h + 5 - h,
                    bar,
                    h,
                    colour=colour,
                    value=str(cases),
                    tip=f"{month.title_zh} {label}：{cases} 件",
                )
            )
        parts.append(f'<text x="{x + bar + 1:.1f}" y="{plot_h + 22}" text-anchor="middle">{escape(month.key)}</text>')
    parts.append("</svg>")
    return "".join(parts)


LEGEND = f'<p class="legend"><span style="color:{BLUE}">■</span> 登记 <span style="color:{GREEN}">■</span> 调解成功</p>'


def dashboard_html(report: StatisticsReport) -> bytes:
    cards = [_card(k, label, report) for k, label in CARDS] + [_rate_card(k, label, report) for k, label in RATE_CARDS]
    cards.append(_screening_card(report))
    units = [
        (u.title_zh, float(u.rate("success_rate").percent() or 0), u.rate("success_rate").shown())
        for u in report.by_unit
    ]
    categories = [
        (c.title_zh, c["received"].cases, str(c["received"].cases)) for c in report.by_category if c["received"].cases
    ]
    sources = [
        (s.title_zh, s["received"].cases, str(s["received"].cases)) for s in report.by_source if s["received"].cases
    ]
    title = f"{report.scope_name}矛盾纠纷多元化解工作看板"
    charts = [
        (
            "月度趋势：登记与调解成功（件）",
            trend(report.by_month),
            LEGEND,
        ),
        ("各单位调解成功率", horizontal_bars("success-by-unit", units, GREEN, limit=100), ""),
        ("纠纷类型（登记件数）", horizontal_bars("categories", categories, BLUE), ""),
        ("案件来源（登记件数）", horizontal_bars("sources", sources, BLUE), ""),
    ]
    html = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}（{escape(report.period.label)}）</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="period">统计期：{report.period.start.isoformat()} 至 {report.period.end.isoformat()}</p>',
        f'<p class="period" data-kinds>调解类型：{escape(report.scope_kinds_zh)}</p>' if report.scope_kinds_zh else "",
        "</header>",
        f'<section class="figures">{"".join(cards)}</section>',
        '<section class="charts">',
        *(f"<figure><figcaption>{escape(cap)}</figcaption>{svg}{legend}</figure>" for cap, svg, legend in charts),
        "</section></body></html>",
    ]
    return "".join(html).encode()
