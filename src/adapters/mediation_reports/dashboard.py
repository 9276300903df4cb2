"""The coordination centre's dashboard: one self-contained HTML file with inline SVG charts.

No external file, no font download, no library: the file opens the same on an office PC with no
network. Figures are cards (``data-figure``) with their month-on-month and year-on-year changes
(``data-delta``); charts are ``<svg data-chart>`` with axis ticks (``.tick``) and one ``.mark``
per bar, each carrying its value (``data-value``) and a tooltip. The alerts panel links every
alert to its item's entry (``#case-<id>``, ``#referral-<id>``, ``#org-<id>``); the units'
ranking sorts by a click on a header (a few lines of inline script, the file's only one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from mediation_core.app.dashboard import ALERT_KINDS, Alert, DashboardData, RankingRow
from mediation_core.domain.reporting.statistics import SCREENING_FIGURES, FigureSet, Ratio, StatisticsReport
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.periods import Period

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
svg text{font-size:12px;fill:#1d2733}svg .tick text{fill:#56606e;font-size:11px}.legend{font-size:12px;color:#56606e}
.delta{display:inline-block;margin-right:8px;font-size:12px;color:#56606e}.up{color:#3a9d5d}.down{color:#c0392b}
section.panel{background:#fff;border-radius:6px;padding:12px 14px;margin-bottom:24px;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:17px;margin:0 0 10px}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e3e7ee;padding:6px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
th[data-sort]{cursor:pointer;user-select:none}th[data-sort]::after{content:" ⇅";color:#8a94a6}
.alerts li{margin:4px 0}.alerts h3{font-size:14px;margin:10px 0 4px}.alerts .none{color:#56606e}
.items li:target{background:#fff6d6}
"""


def _delta(kind: str, label: str, change: float | None, unit: str) -> str:
    if change is None:
        return f'<span class="delta" data-delta="{kind}">{label} —</span>'
    css = "up" if change > 0 else "down" if change < 0 else ""
    shown = f"{change:+.1f}" if unit == "个百分点" else f"{change:+.0f}"
    return f'<span class="delta {css}" data-delta="{kind}">{label} {shown} {unit}</span>'


def _deltas(now: float | None, previous: float | None, year_ago: float | None, unit: str) -> str:
    def diff(then: float | None) -> float | None:
        return None if now is None or then is None else now - then

    return (
        f'<span class="persons">{_delta("mom", "环比", diff(previous), unit)}'
        f"{_delta('yoy', '同比', diff(year_ago), unit)}</span>"
    )


def _card(
    key: str, label: str, report: StatisticsReport, previous: StatisticsReport, year_ago: StatisticsReport
) -> str:
    tally = report[key]
    return (
        f'<div class="figure" data-figure="{key}"><span class="label">{escape(label)}</span>'
        f'<span class="value">{tally.cases}</span><span class="unit">件</span>'
        f'<span class="persons">{tally.persons} 人</span>'
        f"{_deltas(tally.cases, previous[key].cases, year_ago[key].cases, '件')}</div>"
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


def _percent(ratio: Ratio) -> float | None:
    return ratio.numerator * 100 / ratio.denominator if ratio.denominator else None


def _rate_card(
    key: str, label: str, report: StatisticsReport, previous: StatisticsReport, year_ago: StatisticsReport
) -> str:
    ratio = report.rate(key)
    return (
        f'<div class="figure" data-figure="{key}"><span class="label">{escape(label)}</span>'
        f'<span class="value">{escape(ratio.shown())}</span>'
        f'<span class="persons">{ratio.numerator} / {ratio.denominator} 件</span>'
        f"{_deltas(_percent(ratio), _percent(previous.rate(key)), _percent(year_ago.rate(key)), '个百分点')}</div>"
    )


def _bar(x: float, y: float, w: float, h: float, *, colour: str, value: str, tip: str) -> str:
    return (
        f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{colour}" '
        f'data-value="{escape(value)}"><title>{escape(tip)}</title></rect>'
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Tick values from ``low`` up to at least ``high`` on a step of 1, 2 or 5 × 10ⁿ."""
    span = max(high - low, 1e-9)
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0) if high - low >= 1 else step
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _tick_label(value: float, suffix: str = "") -> str:
    return f"{value:g}{suffix}"


def horizontal_bars(
    name: str,
    items: Sequence[tuple[str, float, str]],
    colour: str,
    *,
    limit: float | None = None,
    floor: float = 0,
    suffix: str = "",
) -> str:
    """One bar per (label, value, shown) item on an axis with ticks; ``limit`` fixes the top of
    the scale (100 for rates), ``floor`` its start (a rate scale from 90 % shows 96 against 100)."""
    row, left, width, axis = 26, 150, 300, 22
    height = max(len(items), 1) * row + 10 + axis
    top = max((v for _, v, _ in items), default=0)
    ticks = nice_ticks(floor, limit if limit is not None else max(top, 1))
    low, high = ticks[0], ticks[-1]

    def x_of(value: float) -> float:
        return left + width * (min(max(value, low), high) - low) / (high - low)

    plot_h = height - axis
    parts = [
        f'<svg data-chart="{name}" data-axis-from="{low:g}" viewBox="0 0 {left + width + 70} {height}" role="img" '
        f'aria-label="{escape(name)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in ticks:
        x = x_of(tick)
        parts.append(
            f'<g class="tick" data-tick="{tick:g}"><line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{plot_h}" '
            f'stroke="#e3e7ee"/><text x="{x:.1f}" y="{plot_h + 15}" text-anchor="middle">'
            f"{_tick_label(tick, suffix)}</text></g>"
        )
    if not items:
        parts.append(f'<text x="{left}" y="20">无数据</text>')
    for n, (label, value, shown) in enumerate(items):
        y = 5 + n * row
        end = x_of(value)
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(_bar(left, y + 3, end - left, row - 8, colour=colour, value=shown, tip=f"{label}：{shown}"))
        parts.append(f'<text x="{end + 6:.1f}" y="{y + 15}">{escape(shown)}</text>')
    parts.append(f'<line x1="{left}" y1="0" x2="{left}" y2="{plot_h}" stroke="{GREY}"/>')
    parts.append(f'<line x1="{left}" y1="{plot_h}" x2="{left + width}" y2="{plot_h}" stroke="{GREY}"/>')
    parts.append("</svg>")
    return "".join(parts)


def trend(months: Sequence[FigureSet]) -> str:
    """Received and settled cases per month, side by side, on a ticked axis."""
    left, bottom, plot_h, width = 40, 30, 200, 520
    slot = (width - left - 10) / max(len(months), 1)
    bar = min(18.0, slot / 2 - 4)
    top = max((max(m["received"].cases, m["settled"].cases) for m in months), default=0)
    ticks = nice_ticks(0, max(top, 1))
    high = ticks[-1]
    parts = [
        f'<svg data-chart="trend" data-axis-from="0" viewBox="0 0 {width} {plot_h + bottom + 10}" role="img" '
        'aria-label="trend" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in ticks:
        y = plot_h + 5 - plot_h * tick / high
        parts.append(
            f'<g class="tick" data-tick="{tick:g}"><line x1="{left}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" '
            f'stroke="#e3e7ee"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text></g>'
        )
    parts.append(f'<line x1="{left}" y1="{plot_h + 5}" x2="{width}" y2="{plot_h + 5}" stroke="{GREY}"/>')
    for n, month in enumerate(months):
        x = left + n * slot + slot / 2 - bar - 1
        for offset, (key, colour, label) in enumerate((("received", BLUE, "登记"), ("settled", GREEN, "调解成功"))):
            cases = month[key].cases
            h = plot_h * cases / high
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


def period_title(period: Period) -> str:
    """The period in Chinese (2026年5月, 2025年下半年, 2026年3月–5月), as the workbooks print it."""
    return period.title_zh


def rate_floor(values: Sequence[float]) -> float:
    """Where a rate axis starts: 10 points below the lowest rate, rounded down to ten (90 for
    96 %), so close rates differ visibly; 0 when a rate is below 50 %."""
    lowest = min(values, default=100)
    if lowest < 50:
        return 0
    return max(0, math.floor((lowest - 5) / 10) * 10)


RANKING_COLUMNS = (
    ("name", "单位", "text"),
    ("cases", "登记纠纷（件）", "number"),
    ("success", "调解成功率", "number"),
    ("overdue", "超期事项（项）", "number"),
    ("followed_up", "已回访（件）", "number"),
)
SORT_SCRIPT = """
document.querySelectorAll('table[data-sortable] th[data-sort]').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var down = th.getAttribute('aria-sort') !== 'descending', number = th.dataset.sort === 'number';
    th.closest('tr').querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.key, y = b.cells[col].dataset.key;
      var c = number ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, 'zh-CN');
      return down ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def _ranking_table(rows: Sequence[RankingRow]) -> str:
    head = "".join(
        f'<th data-sort="{kind}" data-column="{key}">{escape(label)}</th>' for key, label, kind in RANKING_COLUMNS
    )
    body = []
    for r in sorted(rows, key=lambda r: (-(r.success_percent or -1), -r.cases, r.unit_id)):
        success = r.success_percent
        cells = (
            (r.name, escape(r.name)),
            (str(r.cases), str(r.cases)),
            (f"{success if success is not None else -1:g}", f"{success:.1f} %" if success is not None else "—"),
            (str(r.overdue), str(r.overdue)),
            (str(r.followed_up), str(r.followed_up)),
        )
        body.append(
            f'<tr data-unit="{escape(r.unit_id)}">'
            + "".join(f'<td data-key="{escape(k)}">{shown}</td>' for k, shown in cells)
            + "</tr>"
        )
    return (
        '<section class="panel" id="ranking"><h2>各单位排名（点击表头排序）</h2>'
        f"<table data-sortable><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></section>"
    )


def _label(alert: Alert) -> tuple[str, str]:
    """What names an alert's item: a case or referral by its number (then its room), a return
    or a meeting by its organisation."""
    if alert.target.startswith("org-"):
        return escape(alert.org_name), ""
    return escape(alert.item_id), f" {escape(alert.org_name)}"


def _link(alert: Alert) -> str:
    name, room = _label(alert)
    return f'<a href="{escape(alert.href)}">{name}</a>{room}'


def _alerts_panel(alerts: Sequence[Alert]) -> str:
    parts = [f'<section class="panel alerts" id="alerts"><h2>预警提示（{len(alerts)} 项）</h2>']
    if not alerts:
        parts.append('<p class="none">暂无预警。</p>')
    for kind, heading in ALERT_KINDS.items():
        these = [a for a in alerts if a.kind == kind]
        if not these:
            continue
        parts.append(f'<h3 data-alert-kind="{kind}">{escape(heading)}（{len(these)}）</h3><ul>')
        parts.extend(f'<li data-alert="{kind}">{_link(a)}：{escape(a.text_zh)}</li>' for a in these)
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def _items(alerts: Sequence[Alert]) -> str:
    """One entry per item an alert is about: the alerts' links land here."""
    targets: dict[str, list[Alert]] = {}
    for a in alerts:
        targets.setdefault(a.target, []).append(a)
    if not targets:
        return ""
    entries = "".join(
        f'<li id="{escape(target)}"><strong>{_label(these[0])[0]}</strong>{_label(these[0])[1]}：'
        + "；".join(escape(f"{a.title_zh}（{a.text_zh}）") for a in these)
        + "</li>"
        for target, these in sorted(targets.items())
    )
    return f'<section class="panel items" id="items"><h2>预警涉及的案件和单位</h2><ul>{entries}</ul></section>'


COMPARED = (("received", "登记纠纷"), ("settled", "调解成功"), ("concluded", "调解纠纷（已办结）"))


def _comparison(data: DashboardData) -> str:
    r, p, y = data.report, data.previous, data.year_ago

    def change(now: int, then: int) -> str:
        return f"{now - then:+d}" + (f"（{(now - then) * 100 / then:+.1f} %）" if then else "")

    rows = "".join(
        f'<tr data-compare="{key}"><td>{escape(label)}</td><td>{r[key].cases}</td><td>{p[key].cases}</td>'
        f'<td data-delta="mom">{change(r[key].cases, p[key].cases)}</td><td>{y[key].cases}</td>'
        f'<td data-delta="yoy">{change(r[key].cases, y[key].cases)}</td></tr>'
        for key, label in COMPARED
    )

    def pct(report: StatisticsReport) -> str:
        return escape(report.rate("success_rate").shown())

    rows += (
        f'<tr data-compare="success_rate"><td>调解成功率</td><td>{pct(r)}</td><td>{pct(p)}</td><td></td>'
        f"<td>{pct(y)}</td><td></td></tr>"
    )
    return (
        '<section class="panel" id="compare"><h2>环比与同比</h2><table><thead><tr><th>项目</th>'
        f"<th>本期（{escape(period_title(r.period))}）</th><th>上期（{escape(period_title(p.period))}）</th>"
        f"<th>环比</th><th>去年同期（{escape(period_title(y.period))}）</th><th>同比</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def dashboard_html(data: DashboardData | StatisticsReport) -> bytes:
    """The dashboard of ``data`` (``service.dashboard_data``). A bare report is refused: without the
    periods it is compared with and the alerts, the page would show false changes and no alerts."""
    if isinstance(data, StatisticsReport):
        msg = "the dashboard is drawn from service.dashboard_data(...), not from a bare statistics report"
        raise TypeError(msg)
    report, previous, year_ago = data.report, data.previous, data.year_ago
    cards = [_card(k, label, report, previous, year_ago) for k, label in CARDS] + [
        _rate_card(k, label, report, previous, year_ago) for k, label in RATE_CARDS
    ]
    cards.append(_screening_card(report))
    ranked = [r for r in data.ranking if r.success_percent is not None]
    units = [(r.name, float(r.success_percent or 0), f"{r.success_percent:.1f} %") for r in ranked]
    floor = rate_floor([v for _, v, _ in units])
    categories = [
        (c.title_zh, c["received"].cases, str(c["received"].cases)) for c in report.by_category if c["received"].cases
    ]
    sources = [
        (s.title_zh, s["received"].cases, str(s["received"].cases)) for s in report.by_source if s["received"].cases
    ]
    title = f"{report.scope_name}矛盾纠纷多元化解工作看板"
    scale = f"（横轴自 {floor:g} % 起）" if floor else ""
    charts = [
        ("月度趋势：登记与调解成功（件）", trend(report.by_month), LEGEND),
        (
            f"各单位调解成功率{scale}",
            horizontal_bars("success-by-unit", units, GREEN, limit=100, floor=floor, suffix=" %"),
            "",
        ),
        ("纠纷类型（登记件数）", horizontal_bars("categories", categories, BLUE), ""),
        ("案件来源（登记件数）", horizontal_bars("sources", sources, BLUE), ""),
    ]
    generated = data.generated_at.astimezone(CHINA_TZ)
    html = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}（{escape(report.period.label)}）</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="period" data-period>统计期：{escape(period_title(report.period))}'
        f"（{report.period.start.isoformat()} 至 {report.period.end.isoformat()}）</p>",
        f'<p class="period" data-generated="{generated.isoformat()}">生成时间：'
        f"{generated.strftime('%Y-%m-%d %H:%M')}（北京时间）</p>",
        f'<p class="period" data-kinds>调解类型：{escape(report.scope_kinds_zh)}</p>' if report.scope_kinds_zh else "",
        "</header>",
        f'<section class="figures">{"".join(cards)}</section>',
        _alerts_panel(data.alerts),
        _ranking_table(data.ranking) if data.ranking else "",
        _comparison(data),
        '<section class="charts">',
        *(f"<figure><figcaption>{escape(cap)}</figcaption>{svg}{legend}</figure>" for cap, svg, legend in charts),
        "</section>",
        _items(data.alerts),
        f"<script>{SORT_SCRIPT}</script></body></html>",
    ]
    return "".join(html).encode()
