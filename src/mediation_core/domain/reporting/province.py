"""The statistics of a city or province that several counties report to: each county's report
made from its own statistics cells, and the province's report adding them up.

A county's cells summed over its rooms and the period's months (``Store.rollup_totals`` with
``per_room=False``: a few hundred lines) give its report without unit and room lines
(:func:`county_report`), line for line what the county reads itself for its district, which
also breaks the figures down by township and room. The province's report adds the counties'
lines figure by figure; its units are the counties, and its median days to conclude comes from
the counties' day histograms added up (a median of medians would be wrong).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs
from attrs import frozen

from mediation_core.domain.reporting.rollups import CATEGORY, DAYS, SOURCE, TOTAL, Cell, months
from mediation_core.domain.reporting.statistics import (
    FigureSet,
    ScreeningFigures,
    StatisticsReport,
    Tally,
    _category_order,
    _source_order,
    assemble,
    median_of_counts,
)
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period


@frozen(kw_only=True)
class CountyFigures:
    """One county's part of a province report: its report (without unit and room lines), and
    the day histogram behind its median (days to conclude → cases), which the province adds up."""

    county_id: str
    name: str
    report: StatisticsReport
    days: Mapping[int, int]


def days_histogram(summed: Iterable[Cell]) -> dict[int, int]:
    """The days-to-conclude histogram among a county's summed cells."""
    out: dict[int, int] = {}
    for cell in summed:
        if cell.axis == DAYS and cell.cases:
            out[int(cell.value)] = out.get(int(cell.value), 0) + cell.cases
    return out


def county_report(
    summed: Iterable[Cell],
    period: Period,
    scope_id: str,
    registry: Registry,
    categories: Mapping[str, Category],
) -> StatisticsReport:
    """The report of a county's ``scope_id`` (its district) for ``period`` (whole months) from its
    cells summed with ``per_room=False``: equal to the county's own report with its ``by_unit``
    and ``by_room`` lines left out."""
    wanted = set(months(period))
    total: dict[str, Tally] = {}
    by_month: dict[str, dict[str, Tally]] = {m: {} for m in wanted}
    by_axis: dict[str, dict[str, dict[str, Tally]]] = {CATEGORY: {}, SOURCE: {}}
    days: dict[int, int] = {}
    for _, month, axis, value, figure, cases, persons, amount in summed:
        if cases == 0:
            continue
        if axis == DAYS:
            days[int(value)] = days.get(int(value), 0) + cases
            continue
        tally = Tally(cases=cases, persons=persons, amount=amount)
        if axis == TOTAL:
            if month not in wanted:
                continue
            targets = [total, by_month[month]]
        elif axis in by_axis:
            targets = [by_axis[axis].setdefault(value, {})]
        else:
            continue
        for target in targets:
            target[figure] = target[figure] + tally if figure in target else tally
    report = assemble(
        period,
        scope_id,
        registry,
        categories,
        total=total,
        by_category=by_axis[CATEGORY],
        by_source=by_axis[SOURCE],
        by_month=by_month,
        by_unit={},
        by_room={},
        median=median_of_counts(days),
    )
    return attrs.evolve(report, by_unit=(), by_room=())


@frozen(kw_only=True)
class ProvinceReport:
    """A city's or province's statistics for one period: ``total`` adds every county up (its
    ``by_unit`` has one line per county, named in Chinese), ``counties`` are the counties'
    own reports, in the deployment's order."""

    total: StatisticsReport
    counties: tuple[CountyFigures, ...]


def province_report(
    province_id: str,
    name: str,
    period: Period,
    counties: Sequence[CountyFigures],
    categories: Mapping[str, Category],
) -> ProvinceReport:
    """Add the counties' reports up into the province's (figure by figure, line by line)."""
    titles: dict[str, str] = {}

    def summed(lines: Iterable[FigureSet]) -> dict[str, dict[str, Tally]]:
        out: dict[str, dict[str, Tally]] = {}
        for line in lines:
            figures = out.setdefault(line.key, {})
            titles.setdefault(line.key, line.title_zh)
            for key, tally in line.figures.items():
                figures[key] = figures[key] + tally if key in figures else tally
        return out

    reports = [c.report for c in counties]
    total = summed(FigureSet(key="", title_zh=name, figures=r.total.figures) for r in reports).get("", {})
    by_category = summed(line for r in reports for line in r.by_category)
    by_source = summed(line for r in reports for line in r.by_source)
    by_month = summed(line for r in reports for line in r.by_month)
    days: dict[int, int] = {}
    for county in counties:
        for value, cases in county.days.items():
            days[value] = days.get(value, 0) + cases
    screening = ScreeningFigures(
        **{f.name: sum(getattr(r.screening, f.name) for r in reports) for f in attrs.fields(ScreeningFigures)}
    )
    report = StatisticsReport(
        scope_id=province_id,
        scope_name=name,
        period=period,
        total=FigureSet(key=province_id, title_zh=name, figures=total),
        median_days_to_conclude=median_of_counts(days),
        by_category=tuple(
            FigureSet(key=code, title_zh=titles[code], figures=figures)
            for code, figures in sorted(by_category.items(), key=lambda kv: _category_order(categories, kv[0]))
        ),
        by_source=tuple(
            FigureSet(key=code, title_zh=titles[code], figures=figures)
            for code, figures in sorted(by_source.items(), key=lambda kv: _source_order(kv[0]))
        ),
        by_month=tuple(FigureSet(key=m, title_zh=m, figures=figures) for m, figures in sorted(by_month.items())),
        by_unit=tuple(FigureSet(key=c.county_id, title_zh=c.name, figures=c.report.total.figures) for c in counties),
        screening=screening,
    )
    return ProvinceReport(total=report, counties=tuple(counties))
