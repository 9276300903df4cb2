"""Statistics for the coordination centre: every figure a declared counting rule over ledger rows.

A figure is counted in (cases, persons) pairs, with the amounts involved beside them
(docs/legal-basis.md §5.3.1: "counts come in pairs"). Each additive figure declares *one* counting
rule: the dated ledger column that places a case in a period, and the conditions on the
row's columns (which outcomes, which flags). The rules are data, not code paths, so
``docs/statistics.md`` prints them and a storage adapter can compile the same declarations to
SQL; :func:`report` is the reference implementation, a pure function of rows, period, scope,
registry and category table.

Rates (success rate = settled ÷ concluded, docs/legal-basis.md §9 rule 34) are ratios of two
figures and are *undefined*, never 0, when the denominator is 0. The median days to conclude
is the only non-additive figure.
"""

from __future__ import annotations

import datetime as dt
import enum
import statistics as pystats
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from attrs import field, frozen

from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.screening.kinds import ScreeningAction
from mediation_core.domain.screening.state import Screening
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES, Category
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.periods import Period, month_label
from mediation_core.domain.values.risks import Difficulty
from mediation_core.domain.values.sources import CaseSource


def cell(row: LedgerRow, column: str) -> object:
    """A row's column as a plain value (enums as their value)."""
    value = getattr(row, column)
    return value.value if isinstance(value, enum.Enum) else value


# -- conditions: the vocabulary of counting rules ------------------------------------------------
@frozen(kw_only=True)
class InPeriod:
    """``column`` falls inside the period (both ends included)."""

    column: str

    def holds(self, row: LedgerRow, period: Period) -> bool:
        return getattr(row, self.column) in period

    def describe(self) -> tuple[str, str]:
        return f"`{self.column}` 在统计期内", f"`{self.column}` within the period"


@frozen(kw_only=True)
class OneOf:
    """``column`` has one of ``values``."""

    column: str
    values: tuple[str, ...]

    def holds(self, row: LedgerRow, period: Period) -> bool:
        return cell(row, self.column) in self.values

    def describe(self) -> tuple[str, str]:
        shown = ", ".join(f"`{v}`" for v in self.values)
        return f"`{self.column}` ∈ {{{shown}}}", f"`{self.column}` in {{{shown}}}"


@frozen(kw_only=True)
class Positive:
    """``column`` (a count) is above zero."""

    column: str

    def holds(self, row: LedgerRow, period: Period) -> bool:
        value = getattr(row, self.column)
        return isinstance(value, int) and value > 0

    def describe(self) -> tuple[str, str]:
        return f"`{self.column}` > 0", f"`{self.column}` > 0"


@frozen(kw_only=True)
class Present:
    """``column`` is filled in."""

    column: str

    def holds(self, row: LedgerRow, period: Period) -> bool:
        return getattr(row, self.column) is not None

    def describe(self) -> tuple[str, str]:
        return f"`{self.column}` 已填写", f"`{self.column}` is set"


@frozen(kw_only=True)
class NotLater:
    """Both dates are set and ``column`` is on or before ``than``."""

    column: str
    than: str

    def holds(self, row: LedgerRow, period: Period) -> bool:
        a, b = getattr(row, self.column), getattr(row, self.than)
        return a is not None and b is not None and a <= b

    def describe(self) -> tuple[str, str]:
        return f"`{self.column}` ≤ `{self.than}`", f"`{self.column}` on or before `{self.than}`"


Condition = InPeriod | OneOf | Positive | Present | NotLater

CONCLUDED = (Outcome.SETTLED.value, Outcome.FAILED.value)
DIFFICULT = tuple(d.value for d in Difficulty if d.is_difficult)


@frozen(kw_only=True)
class Figure:
    """An additive figure: the rows whose ``date`` column falls in the period and which meet
    every condition in ``where``. Cases are counted, ``persons`` is the column summed as
    persons, and ``amount_involved`` is summed as the amount."""

    key: str
    title_zh: str
    title_en: str
    date: str
    where: tuple[Condition, ...] = ()
    persons: str = "persons"
    note: str = ""

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The full counting rule: the date condition first, then the others."""
        return (InPeriod(column=self.date), *self.where)

    def counts(self, row: LedgerRow, period: Period) -> bool:
        return all(c.holds(row, period) for c in self.conditions)


FIGURES: tuple[Figure, ...] = (
    Figure(key="received", title_zh="登记纠纷", title_en="disputes received", date="received_on"),
    Figure(key="accepted", title_zh="受理", title_en="accepted", date="accepted_on"),
    Figure(
        key="declined",
        title_zh="不予受理",
        title_en="declined",
        date="concluded_on",
        where=(OneOf(column="outcome", values=(Outcome.DECLINED.value,)),),
        note="a declined case's `concluded_on` is the date of the decision not to accept",
    ),
    Figure(
        key="concluded",
        title_zh="调解纠纷（已办结）",
        title_en="mediated (concluded)",
        date="concluded_on",
        where=(OneOf(column="outcome", values=CONCLUDED),),
    ),
    Figure(
        key="settled",
        title_zh="调解成功",
        title_en="settled",
        date="concluded_on",
        where=(OneOf(column="outcome", values=(Outcome.SETTLED.value,)),),
        note="an oral or written agreement took effect",
    ),
    Figure(
        key="failed",
        title_zh="调解不成（终止）",
        title_en="failed (terminated)",
        date="concluded_on",
        where=(OneOf(column="outcome", values=(Outcome.FAILED.value,)),),
    ),
    Figure(
        key="difficult",
        title_zh="调解疑难复杂纠纷",
        title_en="difficult disputes mediated",
        date="concluded_on",
        where=(OneOf(column="outcome", values=CONCLUDED), OneOf(column="difficulty", values=DIFFICULT)),
    ),
    Figure(
        key="civil_to_criminal_prevented",
        title_zh="防止民转刑",
        title_en="civil-to-criminal escalations prevented",
        date="civil_to_criminal_prevented_on",
        where=(Positive(column="civil_to_criminal_persons"),),
        persons="civil_to_criminal_persons",
        note="the room recorded that the flagged civil-to-criminal risk was kept from escalating "
        "(`RecordPrevention`), whether or not the dispute was settled; dated by that record",
    ),
    Figure(
        key="public_order_prevented",
        title_zh="防止引发治安案件",
        title_en="public-order cases prevented",
        date="concluded_on",
        where=(OneOf(column="outcome", values=(Outcome.SETTLED.value,)), Positive(column="public_order_persons")),
        persons="public_order_persons",
    ),
    Figure(
        key="mass_incidents_averted",
        title_zh="预防处置群体性事件",
        title_en="mass incidents averted",
        date="mass_incident_handled_on",
        where=(Positive(column="mass_incident_persons"),),
        persons="mass_incident_persons",
        note="the room recorded that the flagged mass-incident risk was handled early (`RecordPrevention`), "
        "whether or not the dispute was settled; dated by that record",
    ),
    Figure(
        key="suicides_prevented",
        title_zh="防止民间纠纷引起自杀",
        title_en="suicides prevented",
        date="concluded_on",
        where=(OneOf(column="outcome", values=(Outcome.SETTLED.value,)), Positive(column="suicide_persons")),
        persons="suicide_persons",
    ),
    Figure(
        key="concluded_within_term",
        title_zh="期限内办结",
        title_en="concluded within the mediation term",
        date="concluded_on",
        where=(OneOf(column="outcome", values=CONCLUDED), NotLater(column="concluded_on", than="term_due")),
    ),
    Figure(
        key="followed_up",
        title_zh="已回访",
        title_en="settled and followed up",
        date="concluded_on",
        where=(OneOf(column="outcome", values=(Outcome.SETTLED.value,)), Present(column="first_follow_up_on")),
    ),
    Figure(
        key="followed_up_on_time",
        title_zh="按期回访",
        title_en="settled and followed up on time",
        date="concluded_on",
        where=(
            OneOf(column="outcome", values=(Outcome.SETTLED.value,)),
            NotLater(column="first_follow_up_on", than="follow_up_due"),
        ),
    ),
    Figure(
        key="settled_on_scene",
        title_zh="随警现场调解成功",
        title_en="settled on the scene of a 110 dispatch",
        date="concluded_on",
        where=(OneOf(column="outcome", values=(Outcome.SETTLED.value,)), Present(column="dispatch_id")),
        note="the case was registered from a 110 dispatch the mediator went out on",
    ),
    Figure(
        key="repeats",
        title_zh="重复纠纷",
        title_en="repeat disputes received",
        date="received_on",
        where=(Present(column="repeat_of"),),
        note="the intake was linked to an earlier case of the same parties and category",
    ),
)
"""Every additive figure, in report order."""

FIGURE_BY_KEY: Mapping[str, Figure] = {f.key: f for f in FIGURES}


@frozen(kw_only=True)
class Rate:
    """``numerator`` ÷ ``denominator`` on cases; undefined when the denominator is 0."""

    key: str
    title_zh: str
    title_en: str
    numerator: str
    denominator: str


RATES: tuple[Rate, ...] = (
    Rate(
        key="success_rate", title_zh="调解成功率", title_en="success rate", numerator="settled", denominator="concluded"
    ),
    Rate(
        key="within_term_rate",
        title_zh="期限内办结率",
        title_en="concluded within term",
        numerator="concluded_within_term",
        denominator="concluded",
    ),
    Rate(
        key="follow_up_rate",
        title_zh="回访率",
        title_en="follow-up rate",
        numerator="followed_up",
        denominator="settled",
    ),
    Rate(
        key="follow_up_on_time_rate",
        title_zh="按期回访率",
        title_en="follow-up on time",
        numerator="followed_up_on_time",
        denominator="settled",
    ),
    Rate(key="repeat_rate", title_zh="重复纠纷率", title_en="repeat rate", numerator="repeats", denominator="received"),
)


@frozen(kw_only=True)
class Median:
    """The median of ``end`` − ``start`` in calendar days over the rows counted by ``figure``."""

    key: str
    title_zh: str
    title_en: str
    figure: str
    start: str
    end: str


MEDIAN_DAYS_TO_CONCLUDE = Median(
    key="median_days_to_conclude",
    title_zh="办结用时中位数（日）",
    title_en="median days to conclude",
    figure="concluded",
    start="accepted_on",
    end="concluded_on",
)

_missing = {r.numerator for r in RATES} | {r.denominator for r in RATES} | {MEDIAN_DAYS_TO_CONCLUDE.figure}
if not _missing <= set(FIGURE_BY_KEY):  # pragma: no cover
    msg = f"rates name undeclared figures: {sorted(_missing - set(FIGURE_BY_KEY))}"
    raise RuntimeError(msg)


# -- values -----------------------------------------------------------------------------------
@frozen(kw_only=True)
class Tally:
    """Cases, persons and the amount involved (yuan) counted for one figure."""

    cases: int = 0
    persons: int = 0
    amount: Decimal = Decimal(0)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            cases=self.cases + other.cases, persons=self.persons + other.persons, amount=self.amount + other.amount
        )

    def __neg__(self) -> Tally:
        """What taking a row's contribution back subtracts (rollup cells, see ``rollups``)."""
        return Tally(cases=-self.cases, persons=-self.persons, amount=-self.amount)

    @property
    def is_zero(self) -> bool:
        return self.cases == 0 and self.persons == 0 and self.amount == 0


ZERO = Tally()
HUNDRED = Decimal(100)


@frozen(kw_only=True)
class Ratio:
    """A rate as its two counts; ``value`` is ``None`` (undefined) when the denominator is 0."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        if self.denominator == 0:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    def percent(self, places: int = 1) -> Decimal | None:
        """The rate in per cent, rounded half up to ``places`` decimals; ``None`` when undefined."""
        value = self.value
        if value is None:
            return None
        return (value * HUNDRED).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    def shown(self, places: int = 1) -> str:
        """``98.2 %``, or ``—`` when undefined (never ``0 %``)."""
        pct = self.percent(places)
        return "—" if pct is None else f"{pct} %"


def _tallies(figures: Mapping[str, Tally]) -> dict[str, Tally]:
    return {f.key: figures.get(f.key, ZERO) for f in FIGURES}


@frozen(kw_only=True)
class FigureSet:
    """One line of figures (a whole scope, a category, a source, a month or a unit)."""

    key: str
    title_zh: str
    figures: Mapping[str, Tally] = field(converter=_tallies)

    def __getitem__(self, key: str) -> Tally:
        return self.figures[key]

    def rate(self, key: str) -> Ratio:
        declared = next(r for r in RATES if r.key == key)
        return Ratio(
            numerator=self.figures[declared.numerator].cases, denominator=self.figures[declared.denominator].cases
        )

    @property
    def rates(self) -> dict[str, Ratio]:
        return {r.key: self.rate(r.key) for r in RATES}

    @property
    def is_nil(self) -> bool:
        """Nothing to report (零上报): every figure is zero."""
        return all(t.is_zero for t in self.figures.values())


@frozen(kw_only=True)
class ScreeningFigure:
    """One figure of dispute screening (纠纷排查) with its counting rule."""

    key: str
    title_zh: str
    title_en: str
    rule_zh: str
    rule_en: str


SCREENING_FIGURES: tuple[ScreeningFigure, ...] = (
    ScreeningFigure(
        key="rounds",
        title_zh="开展纠纷排查（次）",
        title_en="screening rounds held",
        rule_zh="排查日期在统计期内的排查记录，每次排查计一次（未发现纠纷的也计）",
        rule_en="rounds whose date falls in the period, one each (a round that found nothing counts too)",
    ),
    ScreeningFigure(
        key="found",
        title_zh="排查发现纠纷",
        title_en="disputes found",
        rule_zh="发现日期在统计期内的纠纷，每条计一件",
        rule_en="disputes whose date found falls in the period, one each",
    ),
    ScreeningFigure(
        key="mediated",
        title_zh="其中：纳入调解",
        title_en="of which mediated",
        rule_zh="上述纠纷中现处置情况为纳入调解的（含先稳控关注、后纳入调解的）",
        rule_en="of those found, the ones whose action now is mediated (watched first and mediated later included)",
    ),
    ScreeningFigure(
        key="handed_over",
        title_zh="其中：移交公安处置",
        title_en="of which handed to the police",
        rule_zh="上述纠纷中现处置情况为移交公安处置的",
        rule_en="of those found, the ones whose action now is handed to the police",
    ),
    ScreeningFigure(
        key="watched",
        title_zh="其中：稳控关注",
        title_en="of which watched",
        rule_zh="上述纠纷中现仍为稳控关注的",
        rule_en="of those found, the ones still watched",
    ),
)
"""The screening figures in report order: ``found`` = ``mediated`` + ``handed_over`` + ``watched``."""


@frozen(kw_only=True)
class ScreeningFigures:
    """What the rooms' screening rounds found in a period (see :data:`SCREENING_FIGURES`)."""

    rounds: int = 0
    found: int = 0
    mediated: int = 0
    handed_over: int = 0
    watched: int = 0

    def __getitem__(self, key: str) -> int:
        return int(getattr(self, key))


_SCREENING_ACTION_KEYS = {
    ScreeningAction.MEDIATED: "mediated",
    ScreeningAction.HANDED_TO_POLICE: "handed_over",
    ScreeningAction.WATCHED: "watched",
}


def screening_figures(
    rounds: Iterable[Screening], period: Period, scope_id: str, registry: Registry
) -> ScreeningFigures:
    """Count the screening figures of ``scope_id`` in ``period`` by their declared rules;
    rounds of rooms outside the scope are ignored."""
    counts = dict.fromkeys(("rounds", "found", "mediated", "handed_over", "watched"), 0)
    for r in rounds:
        if not in_scope(registry, scope_id, r.room_id):
            continue
        if r.on in period:
            counts["rounds"] += 1
        for f in r.findings:
            if f.on in period:
                counts["found"] += 1
                counts[_SCREENING_ACTION_KEYS[f.action]] += 1
    return ScreeningFigures(**counts)


@frozen(kw_only=True)
class StatisticsReport:
    """The coordination-centre report for one scope and period.

    ``total`` holds every additive figure; ``by_category``, ``by_source``, ``by_month`` and
    ``by_unit`` break the same figures down, and each breakdown sums to ``total``.
    ``by_unit`` is the next level down: the townships of a district, the rooms of a township
    or of a station; rooms in scope that belong to no such unit are gathered under ``other``.
    ``by_room`` has one line per mediation room in scope (named as the registry names the
    room, rooms without cases kept), so a district's workbook can give every room its sheet.
    ``screening`` holds the screening figures, counted from the screening rounds."""

    scope_id: str
    scope_name: str
    period: Period
    total: FigureSet
    median_days_to_conclude: Decimal | None
    by_category: tuple[FigureSet, ...]
    by_source: tuple[FigureSet, ...]
    by_month: tuple[FigureSet, ...]
    by_unit: tuple[FigureSet, ...]
    by_room: tuple[FigureSet, ...] = ()
    """One line per room in scope, in id order; sums to ``total``."""
    screening: ScreeningFigures = field(factory=ScreeningFigures)
    """The rooms' dispute screening in the period (not ledger figures: read off the rounds)."""
    scope_kinds_zh: str = ""
    """The kinds of mediation the scope brings together when it is a joint room (人民调解、司法调解、行政调解)."""

    def __getitem__(self, key: str) -> Tally:
        return self.total[key]

    def rate(self, key: str) -> Ratio:
        return self.total.rate(key)

    @property
    def is_nil(self) -> bool:
        return self.total.is_nil


OTHER_UNIT = "other"


# -- scope ------------------------------------------------------------------------------------
def in_scope(registry: Registry, scope_id: str, org_id: str) -> bool:
    """True when ``org_id`` (a room, an office, a station) counts towards ``scope_id``: it is
    the scope, or lies under it, or is a room of the station the scope names."""
    return org_id == scope_id or registry.covers(scope_id, org_id)


def units(registry: Registry, scope_id: str) -> list[tuple[str, str]]:
    """(id, name) of the units a scope's figures break down into, in id order."""
    scope = registry.org(scope_id)
    if scope is None:
        return []
    if scope.kind is OrgKind.DISTRICT:
        wanted = [o for o in registry.organisations.values() if o.kind is OrgKind.TOWNSHIP and o.parent_id == scope_id]
    elif scope.kind in (OrgKind.TOWNSHIP, OrgKind.POLICE_STATION):
        wanted = [r for r in registry.rooms() if r.org_id != scope_id and registry.covers(scope_id, r.org_id)]
    else:
        wanted = []
    return sorted(((o.org_id, o.name) for o in wanted), key=lambda pair: pair[0])


def rooms_in_scope(registry: Registry, scope_id: str) -> list[tuple[str, str]]:
    """(id, name) of the mediation rooms whose cases count towards a scope, in id order."""
    return sorted((r.org_id, r.name) for r in registry.rooms() if in_scope(registry, scope_id, r.org_id))


def unit_of(registry: Registry, unit_ids: Sequence[str], room_id: str) -> str:
    """The unit a room's cases fall under, or :data:`OTHER_UNIT`."""
    return next((u for u in unit_ids if in_scope(registry, u, room_id)), OTHER_UNIT)


# -- the reference implementation -------------------------------------------------------------
def report(
    rows: Iterable[LedgerRow],
    period: Period,
    scope_id: str,
    registry: Registry,
    categories: Mapping[str, Category] | None = None,
) -> StatisticsReport:
    """Count every declared figure over ``rows`` for ``scope_id`` in ``period``.

    Rows outside the scope are ignored, so a caller may pass the whole ledger."""
    table = categories if categories is not None else {c.code: c for c in MINISTRY_CATEGORIES}
    unit_list = units(registry, scope_id)
    unit_ids = [u for u, _ in unit_list]
    total: dict[str, Tally] = {}
    by_category: dict[str, dict[str, Tally]] = {}
    by_source: dict[str, dict[str, Tally]] = {}
    by_month: dict[str, dict[str, Tally]] = {m.label: {} for m in period.months()}
    by_unit: dict[str, dict[str, Tally]] = {u: {} for u in unit_ids}
    by_room: dict[str, dict[str, Tally]] = {r: {} for r, _ in rooms_in_scope(registry, scope_id)}
    durations: list[int] = []
    room_units: dict[str, str | None] = {}  # a room's unit, or None when it is outside the scope
    for row in rows:
        if row.room_id not in room_units:
            inside = in_scope(registry, scope_id, row.room_id)
            room_units[row.room_id] = unit_of(registry, unit_ids, row.room_id) if inside else None
        unit = room_units[row.room_id]
        if unit is None:
            continue
        for figure in FIGURES:
            if not figure.counts(row, period):
                continue
            tally = Tally(cases=1, persons=getattr(row, figure.persons), amount=row.amount_involved)
            dated: dt.date = getattr(row, figure.date)
            for bucket in (
                total,
                by_category.setdefault(row.category, {}),
                by_source.setdefault(row.source, {}),
                by_month.setdefault(month_label(dated), {}),
                by_unit.setdefault(unit, {}),
                by_room.setdefault(row.room_id, {}),
            ):
                bucket[figure.key] = bucket.get(figure.key, ZERO) + tally
            if figure.key == MEDIAN_DAYS_TO_CONCLUDE.figure:
                start = getattr(row, MEDIAN_DAYS_TO_CONCLUDE.start)
                if start is not None:
                    durations.append((getattr(row, MEDIAN_DAYS_TO_CONCLUDE.end) - start).days)
    return assemble(
        period,
        scope_id,
        registry,
        table,
        total=total,
        by_category=by_category,
        by_source=by_source,
        by_month=by_month,
        by_unit=by_unit,
        by_room=by_room,
        median=_median(durations),
    )


def assemble(
    period: Period,
    scope_id: str,
    registry: Registry,
    table: Mapping[str, Category],
    *,
    total: Mapping[str, Tally],
    by_category: Mapping[str, Mapping[str, Tally]],
    by_source: Mapping[str, Mapping[str, Tally]],
    by_month: Mapping[str, Mapping[str, Tally]],
    by_unit: Mapping[str, Mapping[str, Tally]],
    by_room: Mapping[str, Mapping[str, Tally]],
    median: Decimal | None,
) -> StatisticsReport:
    """The report from summed figures: titles, report order, units without cases kept.

    Shared by :func:`report` and the rollup-based report
    (:func:`mediation_core.domain.reporting.rollups.rollup_report`), so both order and name lines alike."""
    scope = registry.org(scope_id)
    unit_names = dict(units(registry, scope_id))
    room_names = dict(rooms_in_scope(registry, scope_id))
    return StatisticsReport(
        scope_id=scope_id,
        scope_name=scope.name if scope else scope_id,
        scope_kinds_zh=scope.kinds_zh if scope else "",
        period=period,
        total=FigureSet(key=scope_id, title_zh=scope.name if scope else scope_id, figures=total),
        median_days_to_conclude=median,
        by_category=tuple(
            FigureSet(key=code, title_zh=table[code].name_zh if code in table else code, figures=figures)
            for code, figures in sorted(by_category.items(), key=lambda kv: _category_order(table, kv[0]))
        ),
        by_source=tuple(
            FigureSet(key=code, title_zh=_source_title(code), figures=figures)
            for code, figures in sorted(by_source.items(), key=lambda kv: _source_order(kv[0]))
        ),
        by_month=tuple(FigureSet(key=m, title_zh=m, figures=figures) for m, figures in sorted(by_month.items())),
        by_unit=tuple(
            FigureSet(key=u, title_zh=unit_names.get(u, "其他"), figures=figures)
            for u, figures in sorted(by_unit.items(), key=lambda kv: (kv[0] == OTHER_UNIT, kv[0]))
            if u in unit_names or figures
        ),
        by_room=tuple(
            FigureSet(key=r, title_zh=room_names.get(r, r), figures=figures)
            for r, figures in sorted(by_room.items())
            if r in room_names or figures
        ),
    )


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(pystats.median(values)))


def median_of_counts(counts: Mapping[int, int]) -> Decimal | None:
    """The median of a multiset given as value → how many times, exactly as
    :func:`statistics.median` gives it over the expanded list (the mean of the two middle
    values when the count is even)."""
    n = sum(c for c in counts.values() if c > 0)
    if n == 0:
        return None
    wanted = (n // 2,) if n % 2 else (n // 2 - 1, n // 2)
    found: list[int] = []
    seen = 0
    for value in sorted(v for v, c in counts.items() if c > 0):
        seen += counts[value]
        while len(found) < len(wanted) and wanted[len(found)] < seen:
            found.append(value)
        if len(found) == len(wanted):
            break
    middle: float | int = found[0] if n % 2 else (found[0] + found[1]) / 2
    return Decimal(str(middle))


def _category_order(table: Mapping[str, Category], code: str) -> tuple[int, str]:
    category = table.get(code)
    return (category.order if category else len(table) + 1, code)


_SOURCES = [s.value for s in CaseSource]


def _source_order(code: str) -> tuple[int, str]:
    return (_SOURCES.index(code) if code in _SOURCES else len(_SOURCES), code)


def _source_title(code: str) -> str:
    return CaseSource(code).title_zh if code in _SOURCES else code


# -- reconciliation ---------------------------------------------------------------------------
@frozen(kw_only=True)
class Mismatch:
    """A breakdown whose lines do not add up to the scope's total for one figure."""

    breakdown: str
    figure: str
    total: Tally
    summed: Tally


def reconcile(report_: StatisticsReport) -> list[Mismatch]:
    """Every figure whose breakdown (category, source, month, unit, room) does not sum to the total.

    Empty for any report :func:`report` produced; a report assembled from submitted returns
    or pushed down into SQL is checked the same way."""
    found = []
    for name, lines in (
        ("category", report_.by_category),
        ("source", report_.by_source),
        ("month", report_.by_month),
        ("unit", report_.by_unit),
        ("room", report_.by_room),
    ):
        if name in ("unit", "room") and not lines:
            continue
        for figure in FIGURES:
            summed = sum((line[figure.key] for line in lines), ZERO)
            if summed != report_.total[figure.key]:
                found.append(
                    Mismatch(breakdown=name, figure=figure.key, total=report_.total[figure.key], summed=summed)
                )
    return found


def reconcile_levels(parent: StatisticsReport, children: Sequence[StatisticsReport]) -> list[Mismatch]:
    """Every figure where ``parent`` differs from the sum of ``children`` (district = Σ townships)."""
    found = []
    for figure in FIGURES:
        summed = sum((c[figure.key] for c in children), ZERO)
        if summed != parent[figure.key]:
            found.append(Mismatch(breakdown="level", figure=figure.key, total=parent[figure.key], summed=summed))
    return found


def describe(figure: Figure) -> tuple[str, str]:
    """The counting rule in Chinese and English."""
    parts = [c.describe() for c in figure.conditions]
    return "；".join(zh for zh, _ in parts), "; ".join(en for _, en in parts)


def rows_counted(rows: Iterable[LedgerRow], figure: str, period: Period) -> Iterator[LedgerRow]:
    """The rows one figure counts (for drill-down from a report cell to the ledger)."""
    declared = FIGURE_BY_KEY[figure]
    return (r for r in rows if declared.counts(r, period))
