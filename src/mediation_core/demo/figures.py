"""The source report's figures, and how close a report lands to them.

The district justice bureau's report (2018): the rooms mediated 2,807 disputes and settled 2,756
(98.2 %); 47 were difficult, 36 civil-to-criminal escalations and 12 mass incidents were
prevented. The demo draws half a year of disputes around these figures.
"""

from __future__ import annotations

from decimal import Decimal

from attrs import frozen

from mediation_core.domain.reporting.statistics import FIGURE_BY_KEY, StatisticsReport

SOURCE: dict[str, int] = {
    "concluded": 2807,
    "settled": 2756,
    "difficult": 47,
    "civil_to_criminal_prevented": 36,
    "mass_incidents_averted": 12,
}
"""调解各类纠纷2807件，调解成功2756件，调解疑难险重矛盾纠纷47件，防止“民转刑”案件36件，
提前预防处置可能引发的群体性事件12件 (the source report's opening paragraph; docs/demo.md)."""

SOURCE_SUCCESS_RATE = Decimal("98.2")


@frozen(kw_only=True)
class Comparison:
    """One figure of the report beside the source's."""

    key: str
    title_zh: str
    source: Decimal
    demo: Decimal

    @property
    def difference(self) -> Decimal:
        """The demo's figure minus the source's."""
        return self.demo - self.source

    @property
    def relative(self) -> Decimal:
        """The difference as a share of the source figure, in per cent (rounded to 0.1)."""
        return (self.difference / self.source * 100).quantize(Decimal("0.1"))


def compare(report: StatisticsReport, scale: float = 1.0) -> list[Comparison]:
    """The report's headline figures against the source report's (times ``scale``, for a demo
    drawn at another volume)."""
    out = [
        Comparison(
            key=key,
            title_zh=FIGURE_BY_KEY[key].title_zh,
            source=(Decimal(value) * Decimal(str(scale))).quantize(Decimal("0.1")) if scale != 1 else Decimal(value),
            demo=Decimal(report[key].cases),
        )
        for key, value in SOURCE.items()
    ]
    rate = report.rate("success_rate").percent()
    out.insert(
        2,
        Comparison(key="success_rate", title_zh="调解成功率（%）", source=SOURCE_SUCCESS_RATE, demo=rate or Decimal(0)),
    )
    return out
