"""Boundaries of the 治安 edition rules as hypothesis properties over the pure deciders: the day of
the act chooses the text (2025-12-31 → 2012 text, 2026-01-01 → 2025 text), the number of
time-limit extensions each text allows, the dispatch's 治安 gate, and agreement terms that would
bind the police."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from builders import REGISTRY, ROOM, STATION, police_case, two_people
from mediation_core.calendars import national_calendar
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.rules.agreement import agreement_binds_no_police
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.dispatch.decide import execute as dispatch_execute
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.decide import execute as police_execute
from mediation_core.domain.police_case.state import PoliceCaseState
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.editions import EDITIONS, REVISION_IN_FORCE, LawEdition, edition_for
from mediation_core.domain.values.policy import POLICE_BINDING_TERMS, Policy

ACCEPTED = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 12, 7, 10, tzinfo=CHINA_TZ)
CONTEXT = DecisionContext(now=NOW, policy=Policy(), calendar=national_calendar(), registry=REGISTRY)


def decided(execute: Any, command: Any, state: Any) -> tuple[Any, set[tuple[str, str]]]:
    """The new state, or the old one and the (rule, field) pairs that refused the command."""
    try:
        return execute(command, state, CONTEXT)[1], set()
    except RuleViolationError as refused:
        return state, {(v.rule, v.field) for v in refused.violations}


acts = st.dates(min_value=dt.date(2025, 6, 1), max_value=ACCEPTED)
around_the_boundary = st.sampled_from((dt.date(2025, 12, 31), dt.date(2026, 1, 1))) | acts


@given(act_on=around_the_boundary)
def test_the_day_of_the_act_chooses_the_edition(act_on: dt.date) -> None:
    opened = police_execute(attrs.evolve(police_case(ACCEPTED, police_case_id="pc1"), act_on=act_on), None, CONTEXT)[1]
    assert isinstance(opened, PoliceCaseState)
    expected = LawEdition.PSAPL_2012 if act_on < dt.date(2026, 1, 1) else LawEdition.PSAPL_2025
    assert opened.edition is expected is edition_for(act_on)
    assert opened.act_on == act_on
    assert EDITIONS[expected].in_force <= act_on or expected is LawEdition.PSAPL_2012
    assert dt.date(2026, 1, 1) == REVISION_IN_FORCE


@given(act_on=around_the_boundary, attempts=st.integers(min_value=1, max_value=4))
def test_each_text_allows_its_number_of_extensions(act_on: dt.date, attempts: int) -> None:
    state: Any = police_execute(
        attrs.evolve(police_case(ACCEPTED, police_case_id="pc1"), act_on=act_on), None, CONTEXT
    )[1]
    extend = pc.ExtendTimeLimit(police_case_id="pc1", on=ACCEPTED, approved_by="市公安局", reason="案情复杂")
    granted = 0
    for _ in range(attempts):
        state, refusals = decided(police_execute, extend, state)
        assert refusals in (set(), {("police_time_limit_extension", "extensions")})
        granted += not refusals
    allowed = 1 if act_on < dt.date(2026, 1, 1) else 2
    assert granted == min(attempts, allowed)
    assert state.extensions == granted


CALL = dt.datetime(2026, 5, 6, 21, 40, tzinfo=CHINA_TZ)
OFFICERS = ("陈警官", "刘辅警")


@given(
    finding=st.sampled_from((None, *dc.PoliceFinding)),
    by=st.sampled_from((*OFFICERS, "", "张明")),
    hand_over=st.booleans(),
)
def test_the_dispatch_gate_lets_through_only_an_officers_civil_only_finding(
    finding: dc.PoliceFinding | None, by: str, hand_over: bool
) -> None:
    recorded = dispatch_execute(
        dc.RecordDispatch(
            dispatch_id="d1",
            station_id=STATION,
            room_id=ROOM,
            incident_number="JJ1",
            call_received_at=CALL,
            place="幸福路",
            officers=OFFICERS,
            summary="邻里争吵",
            mediator_id="m-zhang",
        ),
        None,
        CONTEXT,
    )[1]
    day = CALL.date()
    command: Any = (
        dc.HandDispatchToRoom(
            dispatch_id="d1",
            on=day,
            signed_by="王所长",
            category="neighbourhood",
            cause="争吵",
            facts="争吵",
            parties=two_people(),
            police_finding=finding,
            finding_by=by,
        )
        if hand_over
        else dc.SettleOnScene(
            dispatch_id="d1",
            on=day,
            mediator_id="m-zhang",
            category="neighbourhood",
            summary="争吵",
            parties=two_people(),
            content="赔偿200元",
            police_finding=finding,
            finding_by=by,
        )
    )
    passes = finding is dc.PoliceFinding.CIVIL_ONLY and by in OFFICERS
    after, refusals = decided(dispatch_execute, command, recorded)
    assert (not refusals) is passes
    assert {rule for rule, _ in refusals} <= {"no_public_order_matter"}
    if passes:
        assert after.police_finding is dc.PoliceFinding.CIVIL_ONLY


civil_words = st.text(alphabet="甲乙双方赔偿元整付清当场互不再追究今后责任", max_size=30)


@given(before=civil_words, after=civil_words, term=st.sampled_from(POLICE_BINDING_TERMS) | st.none())
def test_an_agreement_naming_a_police_decision_is_refused_wherever_it_says_it(
    before: str, after: str, term: str | None
) -> None:
    content = before + (term or "") + after
    command = c.ReachOralAgreement(case_id="c1", on=ACCEPTED, content=content)
    found = [v.field for v in agreement_binds_no_police(command, None, CONTEXT)]  # type: ignore[arg-type]
    assert found == (["content"] if term else [])
