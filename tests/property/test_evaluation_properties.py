"""Properties of the evaluation (docs/legal-basis.md §9 rules 35, 36): bounded scores, monotone in good
facts, a misconduct finding never raises a grade, quotas respected, ties broken
deterministically, exactly one grade per mediator, one subsidy per dispute."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

from mediation_core.domain.reporting.evaluation import (
    BUILT_IN_ITEMS,
    Dimension,
    Grade,
    MediatorFacts,
    StaffingFlag,
    evaluate,
    excellent_quota,
    item_table,
    score,
)
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.subsidies import dispute_of, eligible, subsidies
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.policy import Policy
from mediation_core.testing.strategies import districts, ledgers

ITEMS = item_table()
small = st.integers(0, 40)


@st.composite
def facts_of(draw: st.DrawFn, mediator_id: str = "m1") -> MediatorFacts:
    concluded = draw(small)
    settled = draw(st.integers(0, concluded))
    expected = draw(small)
    due = draw(st.integers(0, settled))
    misconduct = draw(st.integers(0, 3))
    breaches = draw(st.integers(0, 2))
    serious = draw(st.integers(0, misconduct + breaches))
    return MediatorFacts(
        mediator_id=mediator_id,
        name="调解员",
        room_id="r",
        year=2026,
        meetings_expected=expected,
        meetings_attended=draw(st.integers(0, expected)),
        call_outs=draw(small),
        follow_ups_due=due,
        follow_ups_on_time=draw(st.integers(0, due)),
        files_due=concluded,
        files_complete=draw(st.integers(0, concluded)),
        trainings=draw(st.integers(0, 5)),
        misconduct=misconduct,
        serious_misconduct=serious,
        removals=draw(st.integers(0, serious)),
        recusal_breaches=breaches,
        concluded=concluded,
        settled=settled,
        weighted_settled=draw(st.integers(settled, 3 * settled)),
        within_term=draw(st.integers(0, concluded)),
        repeats=draw(st.integers(0, concluded)),
    )


policies = st.builds(
    Policy,
    duty_weight=st.integers(0, 60),
    discipline_weight=st.integers(0, 60),
    results_weight=st.integers(1, 60),
    excellent_quota_percent=st.integers(0, 50),
    grade_excellent_min=st.integers(80, 95),
    grade_competent_min=st.integers(60, 79),
    grade_basic_min=st.integers(40, 59),
    evaluation_item_points=st.dictionaries(st.sampled_from([i.code for i in BUILT_IN_ITEMS]), st.integers(0, 40)),
    misconduct_bars_excellent=st.booleans(),
)


def _settled_case(f: MediatorFacts) -> MediatorFacts:
    return attrs.evolve(
        f,
        concluded=f.concluded + 1,
        settled=f.settled + 1,
        within_term=f.within_term + 1,
        weighted_settled=f.weighted_settled + 2,
        files_due=f.files_due + 1,
        files_complete=f.files_complete + 1,
    )


GOOD_FACTS: dict[str, Callable[[MediatorFacts], MediatorFacts]] = {
    "meeting attended": lambda f: attrs.evolve(
        f, meetings_expected=f.meetings_expected + 1, meetings_attended=f.meetings_attended + 1
    ),
    "call-out": lambda f: attrs.evolve(f, call_outs=f.call_outs + 1),
    "follow-up on time": lambda f: attrs.evolve(
        f, follow_ups_due=f.follow_ups_due + 1, follow_ups_on_time=f.follow_ups_on_time + 1
    ),
    "file completed": lambda f: attrs.evolve(f, files_complete=min(f.files_due, f.files_complete + 1)),
    "training": lambda f: attrs.evolve(f, trainings=f.trainings + 1),
    "settled case, filed, in term": _settled_case,
    "repeat resolved": lambda f: attrs.evolve(f, repeats=max(0, f.repeats - 1)),
}


@given(facts=facts_of(), policy=policies)
def test_scores_are_bounded(facts: MediatorFacts, policy: Policy) -> None:
    s = score(facts, ITEMS, policy)
    assert Decimal(0) <= s.total <= Decimal(100)
    for item in s.items:
        assert Decimal(0) <= item.points <= item.max_points
    for dim in Dimension:
        assert Decimal(0) <= s.dimensions.get(dim.value, Decimal(0)) <= dim.weight(policy)


@given(facts=facts_of(), policy=policies, good=st.sampled_from(sorted(GOOD_FACTS)))
def test_a_good_fact_never_lowers_the_score_or_the_grade(facts: MediatorFacts, policy: Policy, good: str) -> None:
    better = GOOD_FACTS[good](facts)
    assert score(better, ITEMS, policy).total >= score(facts, ITEMS, policy).total
    (before,) = evaluate([facts], ITEMS, policy)
    (after,) = evaluate([better], ITEMS, policy)
    assert after.grade.rank <= before.grade.rank


@given(
    group=st.lists(facts_of(), min_size=1, max_size=8),
    policy=policies,
    who=st.integers(0, 7),
    serious=st.booleans(),
    recusal=st.booleans(),
)
def test_a_misconduct_finding_never_raises_the_mediators_grade(
    group: list[MediatorFacts], policy: Policy, who: int, serious: bool, recusal: bool
) -> None:
    group = [attrs.evolve(f, mediator_id=f"m{i}") for i, f in enumerate(group)]
    target = group[who % len(group)]
    found = attrs.evolve(
        target,
        misconduct=target.misconduct + (0 if recusal else 1),
        recusal_breaches=target.recusal_breaches + (1 if recusal else 0),
        serious_misconduct=target.serious_misconduct + serious,
    )
    before = {r.mediator_id: r for r in evaluate(group, ITEMS, policy)}[target.mediator_id]
    after_group = [found if f is target else f for f in group]
    after = {r.mediator_id: r for r in evaluate(after_group, ITEMS, policy)}[target.mediator_id]
    assert after.grade.rank >= before.grade.rank
    assert after.score.total <= before.score.total
    if serious:
        assert after.grade is Grade.INCOMPETENT


@given(group=st.lists(facts_of(), min_size=1, max_size=12), policy=policies, data=st.data())
def test_quota_ties_and_one_grade_each(group: list[MediatorFacts], policy: Policy, data: st.DataObject) -> None:
    group = [attrs.evolve(f, mediator_id=f"m{i:02d}") for i, f in enumerate(group)]
    previous = data.draw(st.dictionaries(st.sampled_from([f.mediator_id for f in group]), st.sampled_from(Grade)))
    results = evaluate(group, ITEMS, policy, previous=previous)
    # exactly one grade per mediator, ranks 1..n
    assert sorted(r.mediator_id for r in results) == sorted(f.mediator_id for f in group)
    assert [r.rank for r in results] == list(range(1, len(group) + 1))
    # the quota for 优秀 is respected
    assert sum(r.grade is Grade.EXCELLENT for r in results) <= excellent_quota(len(group), policy)
    # the order is total and does not depend on the input order
    shuffled = data.draw(st.permutations(group))
    assert evaluate(shuffled, ITEMS, policy, previous=previous) == results
    totals = [r.score.total for r in results]
    assert totals == sorted(totals, reverse=True)
    for a, b in itertools.pairwise(results):
        if a.score == b.score:
            assert a.mediator_id < b.mediator_id  # a tie goes to the lower id, every time
    # the bonus goes to the top two grades; two 不称职 years in a row flag the mediator
    for r in results:
        assert r.bonus_eligible == (r.grade in {Grade.EXCELLENT, Grade.COMPETENT})
        consecutive = r.grade is Grade.INCOMPETENT and previous.get(r.mediator_id) is Grade.INCOMPETENT
        assert (StaffingFlag.CONSECUTIVE_INCOMPETENT in r.flags) == consecutive


@given(group=st.lists(facts_of(), min_size=2, max_size=6), policy=policies)
def test_identical_facts_tie_and_the_lower_id_ranks_first(group: list[MediatorFacts], policy: Policy) -> None:
    twins = [attrs.evolve(group[0], mediator_id=mid) for mid in ("m-b", "m-a", "m-c")]
    results = evaluate(twins, ITEMS, policy)
    assert [r.mediator_id for r in results] == ["m-a", "m-b", "m-c"]


# -- 以案定补 (§9 rule 35) --------------------------------------------------------------------------
@st.composite
def district_ledgers(draw: st.DrawFn) -> tuple[Registry, list[LedgerRow]]:
    registry = draw(districts())
    return registry, draw(ledgers(registry, max_size=30))


@given(data=district_ledgers(), until=st.dates(dt.date(2025, 10, 1), dt.date(2026, 12, 31)), policy=policies)
def test_one_subsidy_per_dispute_and_only_for_settled_filed_performed_cases(
    data: tuple[Registry, list[LedgerRow]], until: dt.date, policy: Policy
) -> None:
    _, rows = data
    by_id = {r.case_id: r for r in rows}
    lines = subsidies(rows, until=until, policy=policy)
    disputes = [line.dispute_id for line in lines]
    assert len(disputes) == len(set(disputes))
    for line in lines:
        row = by_id[line.case_id]
        assert eligible(row)
        assert row.concluded_on is not None
        assert row.concluded_on <= until
        assert line.mediator_id in {row.presiding_mediator, *row.mediators}
        assert line.amount >= 0
    payable = {dispute_of(r.case_id, by_id) for r in rows if eligible(r) and r.concluded_on and r.concluded_on <= until}
    assert set(disputes) == payable
    # a dispute paid in an earlier round is never paid again, even when mediated again
    again = subsidies(rows, until=dt.date(2030, 1, 1), policy=policy, paid_disputes=frozenset(disputes))
    assert not set(disputes) & {line.dispute_id for line in again}
