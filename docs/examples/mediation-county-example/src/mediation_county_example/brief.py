"""The county's monthly briefing (矛盾纠纷化解工作简报) as GB18030 text, the format its office
system imports: a heading, one paragraph of headline figures, then one line per township."""

from __future__ import annotations

from mediation_core.plugins import StatisticsReport


def brief(report: StatisticsReport) -> bytes:
    period = report.period
    total = report.total
    lines = [
        f"{report.scope_name}矛盾纠纷化解工作简报",
        f"（{period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}）",
        "",
        (
            f"本期共登记矛盾纠纷{total['received'].cases}件，调解{total['concluded'].cases}件，"
            f"成功{total['settled'].cases}件，调解成功率{report.rate('success_rate').shown()}；"
            f"其中疑难复杂纠纷{total['difficult'].cases}件，防止民转刑{total['civil_to_criminal_prevented'].cases}件，"
            f"预防群体性事件{total['mass_incidents_averted'].cases}件，随警现场调解成功{total['settled_on_scene'].cases}件。"
        ),
        "",
    ]
    lines += [
        f"{unit.title_zh}：调解{unit['concluded'].cases}件，成功{unit['settled'].cases}件，"
        f"成功率{unit.rate('success_rate').shown()}"
        for unit in report.by_unit
    ]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")
