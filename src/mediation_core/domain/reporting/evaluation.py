"""Year-end evaluation of mediators (考评): scores from recorded facts, grades, quota, flags.

District practice (docs/legal-basis.md §10.5) evaluates mediators at year end on 尽责履职 (duty performance),
遵章守纪 (discipline) and 工作业绩 (work results), and uses the result for awards, performance
bonuses and staffing (评先选优、绩效奖励、人员进出). The grades follow the national appraisal model
(公务员法 art. 38: 优秀、称职、基本称职、不称职); only the top two earn the year-end bonus, and two
consecutive 不称职 years flag the mediator for dismissal or non-renewal (docs/legal-basis.md §9 rule 36).

Scoring is a pure function of :class:`MediatorFacts` and :class:`Policy`: every item gives a
share in [0, 1] of its maximum points, dimensions are weighted, the total is out of 100.
Duty items with nothing to measure (no meeting held, no follow-up due) give full points: no
duty was neglected. Results items give nothing without concluded cases: there are no results.
Every built-in item rises (or stays) with a good fact, so scores are monotone; a misconduct
finding lowers the discipline items and caps the grade, so it can never raise a grade.
Counties add items through the ``mediation_evaluation_items`` hook.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from attrs import field, frozen

from mediation_core.domain.reporting.subsidies import SubsidyLine
from mediation_core.domain.values.policy import Policy

CODE = re.compile(r"[a-z][a-z0-9_-]*")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Dimension(enum.Enum):
    DUTY = "duty"  # 尽责履职
    DISCIPLINE = "discipline"  # 遵章守纪
    RESULTS = "results"  # 工作业绩

    @property
    def title_zh(self) -> str:
        return {"duty": "尽责履职", "discipline": "遵章守纪", "results": "工作业绩"}[self.value]

    def weight(self, policy: Policy) -> int:
        return {"duty": policy.duty_weight, "discipline": policy.discipline_weight, "results": policy.results_weight}[
            self.value
        ]


class Grade(enum.Enum):
    """Best first; ``rank`` orders them."""

    EXCELLENT = "excellent"  # 优秀
    COMPETENT = "competent"  # 称职
    BASIC = "basic"  # 基本称职
    INCOMPETENT = "incompetent"  # 不称职

    @property
    def title_zh(self) -> str:
        return {"excellent": "优秀", "competent": "称职", "basic": "基本称职", "incompetent": "不称职"}[self.value]

    @property
    def rank(self) -> int:
        """0 for 优秀 … 3 for 不称职: a lower rank is a better grade."""
        return list(Grade).index(self)

    @property
    def bonus_eligible(self) -> bool:
        """Only 优秀 and 称职 earn the year-end bonus (公务员法 art. 80; §9 rule 36)."""
        return self in {Grade.EXCELLENT, Grade.COMPETENT}


class StaffingFlag(enum.Enum):
    CONSECUTIVE_INCOMPETENT = "consecutive_incompetent"  # 连续两年不称职：解聘或不再续聘
    REMOVAL_FINDING = "removal_finding"  # 违纪情节严重，予以罢免或解聘

    @property
    def title_zh(self) -> str:
        if self is StaffingFlag.CONSECUTIVE_INCOMPETENT:
            return "连续两年不称职，解聘或不再续聘"
        return "违纪情节严重，罢免或解聘"


@frozen(kw_only=True)
class MediatorFacts:
    """What was recorded about one mediator in one year, as the evaluation reads it.

    Case facts count the cases the mediator presided over that were concluded in the year;
    ``repeats`` those whose dispute came back; ``weighted_settled`` the settled ones weighted
    by difficulty. Follow-ups count settled cases whose 回访 fell due by the evaluation;
    files count concluded cases, complete once archived. Meetings are the room's held
    case-analysis meetings; call-outs the 110 dispatches the mediator went out on."""

    mediator_id: str
    name: str
    room_id: str
    year: int
    meetings_expected: int = 0
    meetings_attended: int = 0
    call_outs: int = 0
    follow_ups_due: int = 0
    follow_ups_on_time: int = 0
    files_due: int = 0
    files_complete: int = 0
    trainings: int = 0
    misconduct: int = 0
    serious_misconduct: int = 0
    removals: int = 0
    recusal_breaches: int = 0
    concluded: int = 0
    settled: int = 0
    weighted_settled: int = 0
    within_term: int = 0
    repeats: int = 0


def _valid_code(_: object, __: object, value: str) -> None:
    if not CODE.fullmatch(value):
        msg = f"evaluation item code {value!r} must match {CODE.pattern}"
        raise ValueError(msg)


Measure = Callable[[MediatorFacts, Policy], Decimal]


@frozen(kw_only=True)
class EvaluationItem:
    """One scoring item: ``measure(facts, policy)`` is the share (clamped to [0, 1]) of the
    item's maximum points. ``max_points`` is the default; ``Policy.evaluation_item_points``
    may override it (0 drops the item). A county's item must rise, or stay, with good facts."""

    code: str = field(validator=_valid_code)
    dimension: Dimension
    title_zh: str
    title_en: str
    max_points: int
    measure: Measure = field(eq=False, repr=False)
    rule_en: str = ""
    basis: str = ""

    def points_available(self, policy: Policy) -> int:
        return max(0, policy.evaluation_item_points.get(self.code, self.max_points))

    def points(self, facts: MediatorFacts, policy: Policy) -> Decimal:
        share = min(Decimal(1), max(Decimal(0), self.measure(facts, policy)))
        return (share * self.points_available(policy)).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: int, denominator: int, *, empty: Decimal = Decimal(1)) -> Decimal:
    """``numerator / denominator``, or ``empty`` when there was nothing to count."""
    return Decimal(numerator) / Decimal(denominator) if denominator else empty


def capped(count: int, target: int) -> Decimal:
    """``count`` towards ``target``, full at the target."""
    return min(Decimal(1), Decimal(count) / Decimal(max(1, target)))


def spent(count: int, per: Decimal = Decimal("0.5")) -> Decimal:
    """Full with nothing recorded, each occurrence costing ``per``."""
    return max(Decimal(0), 1 - per * count)


BUILT_IN_ITEMS: tuple[EvaluationItem, ...] = (
    EvaluationItem(
        code="meeting_attendance",
        dimension=Dimension.DUTY,
        title_zh="参加案情分析会",
        title_en="case-analysis meetings attended",
        max_points=25,
        measure=lambda f, p: ratio(f.meetings_attended, f.meetings_expected),
        rule_en="attended ÷ held case-analysis meetings of the room (full when none was held)",
        basis="双例会 (docs/legal-basis.md §10.3)",
    ),
    EvaluationItem(
        code="call_outs",
        dimension=Dimension.DUTY,
        title_zh="随警出警、现场调处",
        title_en="on-scene call-outs",
        max_points=25,
        measure=lambda f, p: capped(f.call_outs, p.call_out_target),
        rule_en="110 dispatches gone out on ÷ `call_out_target`, at most 1",
        basis="同步介入 (docs/legal-basis.md §3.6, §10.2)",
    ),
    EvaluationItem(
        code="follow_ups_on_time",
        dimension=Dimension.DUTY,
        title_zh="按期回访",
        title_en="follow-ups on time",
        max_points=25,
        measure=lambda f, p: ratio(f.follow_ups_on_time, f.follow_ups_due),
        rule_en="settled cases visited by their 回访 date ÷ those due (full when none was due)",
        basis="人民调解法 第31条; 回访 (docs/legal-basis.md §1.4.8)",
    ),
    EvaluationItem(
        code="complete_files",
        dimension=Dimension.DUTY,
        title_zh="一案一卷、立卷归档",
        title_en="complete, archived case files",
        max_points=15,
        measure=lambda f, p: ratio(f.files_complete, f.files_due),
        rule_en="concluded cases archived (the file passed the completeness check) ÷ concluded cases",
        basis="人民调解法 第27条 (立卷归档)",
    ),
    EvaluationItem(
        code="training",
        dimension=Dimension.DUTY,
        title_zh="参加业务培训",
        title_en="training attended",
        max_points=10,
        measure=lambda f, p: capped(f.trainings, p.training_target),
        rule_en="training sessions attended ÷ `training_target`, at most 1",
        basis="人民调解法 第14条",
    ),
    EvaluationItem(
        code="no_misconduct",
        dimension=Dimension.DISCIPLINE,
        title_zh="无违反人民调解法第十五条的行为",
        title_en="no art. 15 misconduct",
        max_points=70,
        measure=lambda f, p: Decimal(0) if f.serious_misconduct else spent(f.misconduct),
        rule_en="full without a confirmed finding; half off per finding; none left after a serious one",
        basis="人民调解法 第15条",
    ),
    EvaluationItem(
        code="no_recusal_breach",
        dimension=Dimension.DISCIPLINE,
        title_zh="依法回避",
        title_en="recusal observed",
        max_points=30,
        measure=lambda f, p: spent(f.recusal_breaches),
        rule_en="full without a recusal breach; half off per breach",
        basis="人民调解工作若干规定 (回避)",
    ),
    EvaluationItem(
        code="caseload",
        dimension=Dimension.RESULTS,
        title_zh="调解纠纷数量",
        title_en="cases concluded",
        max_points=20,
        measure=lambda f, p: capped(f.concluded, p.cases_target),
        rule_en="concluded cases ÷ `cases_target`, at most 1",
        basis="工作业绩 (docs/legal-basis.md §10.5)",
    ),
    EvaluationItem(
        code="success",
        dimension=Dimension.RESULTS,
        title_zh="调解成功率",
        title_en="success rate",
        max_points=30,
        measure=lambda f, p: ratio(f.settled, f.concluded, empty=Decimal(0)),
        rule_en="settled ÷ concluded (nothing when no case was concluded)",
        basis="调解成功率 (docs/legal-basis.md §5.3.1)",
    ),
    EvaluationItem(
        code="difficulty_weighted",
        dimension=Dimension.RESULTS,
        title_zh="疑难复杂纠纷化解",
        title_en="difficulty-weighted settlements",
        max_points=20,
        measure=lambda f, p: capped(f.weighted_settled, p.weighted_cases_target),
        rule_en="settled cases weighted by `difficulty_weights` ÷ `weighted_cases_target`, at most 1",
        basis="S20 (按难易程度)",
    ),
    EvaluationItem(
        code="no_repeats",
        dimension=Dimension.RESULTS,
        title_zh="纠纷不反复",
        title_en="disputes that did not come back",
        max_points=15,
        measure=lambda f, p: ratio(f.concluded - f.repeats, f.concluded, empty=Decimal(0)),
        rule_en="concluded cases whose dispute did not come back ÷ concluded (nothing when none was concluded)",
        basis="川司法发〔2016〕65号 (减少重复警情; docs/legal-basis.md §3.2)",
    ),
    EvaluationItem(
        code="timeliness",
        dimension=Dimension.RESULTS,
        title_zh="按期办结",
        title_en="concluded within the term",
        max_points=15,
        measure=lambda f, p: ratio(f.within_term, f.concluded, empty=Decimal(0)),
        rule_en="concluded within the mediation term ÷ concluded (nothing when none was concluded)",
        basis="人民调解工作若干规定 第33条",
    ),
)


def item_table(extra: Iterable[EvaluationItem] = ()) -> Mapping[str, EvaluationItem]:
    """The built-in items plus a county's; a clashing code is an error."""
    table = {i.code: i for i in BUILT_IN_ITEMS}
    for item in extra:
        if item.code in table:
            msg = f"evaluation item {item.code!r} is defined twice"
            raise ValueError(msg)
        table[item.code] = item
    return table


@frozen(kw_only=True)
class EvaluationInputs:
    """What a round reads from storage before deciding: each mediator's facts, last year's
    grades, the subsidy lines payable, the disputes earlier rounds already paid, and the
    mediators already graded for the year by another round (mediator id → its stream id).
    ``held_back`` are the imported cases left out of facts and subsidies because their import
    batch awaits a second administrator's approval (:mod:`mediation_core.domain.reporting.imports`)."""

    scope_id: str
    year: int
    facts: tuple[MediatorFacts, ...]
    previous: Mapping[str, Grade] = field(factory=dict)
    subsidies: tuple[SubsidyLine, ...] = ()
    paid_disputes: frozenset[str] = frozenset()
    graded_elsewhere: Mapping[str, str] = field(factory=dict)
    held_back: tuple[str, ...] = ()


# -- scoring -----------------------------------------------------------------------------------
@frozen(kw_only=True)
class ItemScore:
    code: str
    dimension: Dimension
    points: Decimal
    max_points: int


@frozen(kw_only=True)
class Score:
    """A mediator's score: per item, per dimension (weighted, out of the weight) and total
    (out of 100)."""

    items: tuple[ItemScore, ...]
    dimensions: Mapping[str, Decimal]
    total: Decimal


def score(facts: MediatorFacts, items: Mapping[str, EvaluationItem], policy: Policy) -> Score:
    """Score ``facts`` on every item whose points are not set to 0. A dimension counts with
    its policy weight when it has at least one item; the total is scaled to 100."""
    scored = tuple(
        ItemScore(
            code=i.code, dimension=i.dimension, points=i.points(facts, policy), max_points=i.points_available(policy)
        )
        for i in items.values()
        if i.points_available(policy) > 0
    )
    dims: dict[str, Decimal] = {}
    weights = 0
    for dim in Dimension:
        mine = [s for s in scored if s.dimension is dim]
        available = sum(s.max_points for s in mine)
        if not available or dim.weight(policy) == 0:
            continue
        weights += dim.weight(policy)
        dims[dim.value] = sum((s.points for s in mine), Decimal(0)) / available * dim.weight(policy)
    total = sum(dims.values(), Decimal(0)) * HUNDRED / weights if weights else Decimal(0)
    return Score(
        items=scored,
        dimensions={k: v.quantize(CENT, rounding=ROUND_HALF_UP) for k, v in dims.items()},
        total=total.quantize(CENT, rounding=ROUND_HALF_UP),
    )


def grade_of(total: Decimal, policy: Policy) -> Grade:
    """The grade the score alone earns."""
    if total >= policy.grade_excellent_min:
        return Grade.EXCELLENT
    if total >= policy.grade_competent_min:
        return Grade.COMPETENT
    if total >= policy.grade_basic_min:
        return Grade.BASIC
    return Grade.INCOMPETENT


def capped_grade(grade: Grade, facts: MediatorFacts, policy: Policy) -> Grade:
    """A serious finding makes the year 不称职; with any finding or recusal breach the
    mediator cannot be 优秀 (when the policy says so)."""
    if facts.serious_misconduct:
        return Grade.INCOMPETENT
    if policy.misconduct_bars_excellent and (facts.misconduct or facts.recusal_breaches) and grade is Grade.EXCELLENT:
        return Grade.COMPETENT
    return grade


def excellent_quota(evaluated: int, policy: Policy) -> int:
    """How many of ``evaluated`` mediators may be 优秀 (rounded down)."""
    return math.floor(evaluated * policy.excellent_quota_percent / 100)


@frozen(kw_only=True)
class MediatorResult:
    """One mediator's year: facts, score, rank, grade, bonus, subsidy and staffing flags."""

    mediator_id: str
    name: str
    room_id: str
    facts: MediatorFacts
    score: Score
    rank: int
    grade: Grade
    bonus_eligible: bool
    previous_grade: Grade | None
    flags: tuple[StaffingFlag, ...]
    subsidies: tuple[SubsidyLine, ...]
    subsidy_total: Decimal


def ranking_key(facts: MediatorFacts, s: Score) -> tuple[Decimal, Decimal, Decimal, Decimal, str]:
    """Higher total first; ties go to work results, then duty, then discipline, then the id."""
    d = s.dimensions
    zero = Decimal(0)
    return (
        -s.total,
        -d.get(Dimension.RESULTS.value, zero),
        -d.get(Dimension.DUTY.value, zero),
        -d.get(Dimension.DISCIPLINE.value, zero),
        facts.mediator_id,
    )


def evaluate(
    facts: Sequence[MediatorFacts],
    items: Mapping[str, EvaluationItem],
    policy: Policy,
    *,
    previous: Mapping[str, Grade] | None = None,
    subsidies: Iterable[SubsidyLine] = (),
) -> tuple[MediatorResult, ...]:
    """Evaluate the mediators of one round together (the quota is shared), in rank order.

    ``previous`` holds last year's grades (for the two-year flag); ``subsidies`` are the
    round's per-case subsidy lines, paid to the mediator who presided."""
    previous = previous or {}
    lines: dict[str, list[SubsidyLine]] = {}
    for line in subsidies:
        lines.setdefault(line.mediator_id, []).append(line)
    scored = sorted(((f, score(f, items, policy)) for f in facts), key=lambda pair: ranking_key(*pair))
    quota = excellent_quota(len(scored), policy)
    excellent = 0
    results = []
    for rank, (f, s) in enumerate(scored, start=1):
        grade = capped_grade(grade_of(s.total, policy), f, policy)
        if grade is Grade.EXCELLENT:
            if excellent < quota:
                excellent += 1
            else:
                grade = Grade.COMPETENT
        flags = []
        if grade is Grade.INCOMPETENT and previous.get(f.mediator_id) is Grade.INCOMPETENT:
            flags.append(StaffingFlag.CONSECUTIVE_INCOMPETENT)
        if f.removals:
            flags.append(StaffingFlag.REMOVAL_FINDING)
        mine = tuple(sorted(lines.get(f.mediator_id, []), key=lambda x: x.case_id))
        results.append(
            MediatorResult(
                mediator_id=f.mediator_id,
                name=f.name,
                room_id=f.room_id,
                facts=f,
                score=s,
                rank=rank,
                grade=grade,
                bonus_eligible=grade.bonus_eligible,
                previous_grade=previous.get(f.mediator_id),
                flags=tuple(flags),
                subsidies=mine,
                subsidy_total=sum((x.amount for x in mine), Decimal(0)),
            )
        )
    return tuple(results)
