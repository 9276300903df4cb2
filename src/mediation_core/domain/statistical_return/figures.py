"""The figures a return locks, and the cell-by-cell diff between two versions of them.

A resubmission records this diff, and the filing status shows it against the live ledger
(the drift), so both compare figures the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from attrs import frozen

from mediation_core.domain.reporting.statistics import FIGURES, ZERO, StatisticsReport, Tally

Lines = Mapping[str, Mapping[str, Tally]]


def _nonzero(figures: Mapping[str, Tally]) -> dict[str, Tally]:
    return {k: v for k, v in figures.items() if not v.is_zero}


@frozen(kw_only=True)
class ReturnFigures:
    """The figures a return locks: the totals and the category, source and month lines,
    zero tallies left out (a missing figure is zero)."""

    total: Mapping[str, Tally]
    by_category: Lines
    by_source: Lines
    by_month: Lines

    SECTIONS: ClassVar[tuple[str, ...]] = ("category", "source", "month")

    @classmethod
    def of(cls, report: StatisticsReport) -> ReturnFigures:
        def lines(sets: Iterable[Any]) -> dict[str, dict[str, Tally]]:
            return {s.key: nz for s in sets if (nz := _nonzero(s.figures))}

        return cls(
            total=_nonzero(report.total.figures),
            by_category=lines(report.by_category),
            by_source=lines(report.by_source),
            by_month=lines(report.by_month),
        )

    @property
    def is_nil(self) -> bool:
        return not self.total

    def get(self, section: str, key: str, figure: str) -> Tally:
        if section == "total":
            return self.total.get(figure, ZERO)
        lines: Lines = getattr(self, f"by_{section}")
        return lines.get(key, {}).get(figure, ZERO)

    def cells(self) -> Iterator[tuple[str, str, str]]:
        """Every (section, key, figure) this return has a non-zero value for."""
        for figure in self.total:
            yield "total", "", figure
        for section in self.SECTIONS:
            lines: Lines = getattr(self, f"by_{section}")
            for key, figures in lines.items():
                for figure in figures:
                    yield section, key, figure


@frozen(kw_only=True)
class FigureChange:
    """One cell that differs between two versions of a return."""

    section: str
    key: str
    figure: str
    before: Tally
    after: Tally


_ORDER = {f.key: i for i, f in enumerate(FIGURES)}


def diff(before: ReturnFigures, after: ReturnFigures) -> tuple[FigureChange, ...]:
    """Every cell whose tally changed, totals first, then by section, key and figure order."""
    cells = set(before.cells()) | set(after.cells())
    changes = [
        FigureChange(section=s, key=k, figure=f, before=before.get(s, k, f), after=after.get(s, k, f))
        for s, k, f in cells
        if before.get(s, k, f) != after.get(s, k, f)
    ]
    sections = ("total", *ReturnFigures.SECTIONS)
    return tuple(
        sorted(changes, key=lambda c: (sections.index(c.section), c.key, _ORDER.get(c.figure, len(_ORDER)), c.figure))
    )
