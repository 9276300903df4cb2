"""治安 cases under the edition of 治安管理处罚法 in force on the day of the act; the parties' own
settlement (程序规定 art. 186; 处罚法（2025年修订）art. 9 para. 4); acts outside art. 178's list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from builders import REGISTRY, mediable_assessment, police_case
from mediation_core.calendars import national_calendar
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.decide import execute
from mediation_core.domain.police_case.mediability import Exclusion, PoliceAct, Punishment, SettlementRoute
from mediation_core.domain.police_case.state import PoliceCaseState, PoliceCaseStatus
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.editions import LawEdition
from mediation_core.domain.values.policy import Policy

MON = dt.date(2026, 5, 11)
NOW = dt.datetime(2026, 12, 7, 10, tzinfo=CHINA_TZ)


def ctx(policy: Policy | None = None) -> DecisionContext:
    return DecisionContext(now=NOW, policy=policy or Policy(), calendar=national_calendar(), registry=REGISTRY)


def run(command: Any, state: Any, policy: Policy | None = None) -> PoliceCaseState:
    result = execute(command, state, ctx(policy))[1]
    assert isinstance(result, PoliceCaseState)
    return result


def refused(command: Any, state: Any, policy: Policy | None = None) -> set[tuple[str, str]]:
    with pytest.raises(RuleViolationError) as caught:
        execute(command, state, ctx(policy))
    return {(v.rule, v.field) for v in caught.value.violations}


def opened(act_on: dt.date = MON, **kwargs: Any) -> PoliceCaseState:
    return run(attrs.evolve(police_case(MON, police_case_id="pc1", **kwargs), act_on=act_on), None)


def settle(on: dt.date = MON, **changes: Any) -> pc.RecordOwnSettlement:
    base = pc.RecordOwnSettlement(
        police_case_id="pc1",
        on=on,
        route=SettlementRoute.OWN,
        party_ids=("p1", "p2"),
        content="李海赔偿王建国医药费800元，当面付清",
    )
    return attrs.evolve(base, **changes)


def performed(on: dt.date = MON) -> pc.RecordOwnSettlementPerformed:
    return pc.RecordOwnSettlementPerformed(police_case_id="pc1", on=on, evidence="王建国出具的收条")


def applied(on: dt.date = MON, **changes: Any) -> pc.RecordJointApplication:
    return attrs.evolve(
        pc.RecordJointApplication(police_case_id="pc1", on=on, applicant_ids=("p1", "p2"), written=True), **changes
    )


def no_punishment(on: dt.date = MON, **changes: Any) -> pc.DecidePunishment:
    base = pc.DecidePunishment(
        police_case_id="pc1",
        on=on,
        decision=Punishment.NO_PUNISHMENT,
        reference="彭公(治)不罚决字〔2026〕5号",
        approved_by="王所长",
    )
    return attrs.evolve(base, **changes)


# -- the day of the act chooses the text -------------------------------------------------------


@pytest.mark.rule("police_act_dated")
def test_a_case_states_the_day_of_the_act_and_it_chooses_the_edition() -> None:
    undated = attrs.evolve(police_case(MON, police_case_id="pc1"), act_on=None)
    assert refused(undated, None) == {("police_act_dated", "act_on")}
    later = attrs.evolve(police_case(MON, police_case_id="pc1"), act_on=MON + dt.timedelta(days=1))
    assert refused(later, None) == {("police_act_dated", "act_on")}
    assert opened(dt.date(2025, 12, 31)).edition is LawEdition.PSAPL_2012
    new = opened(dt.date(2026, 1, 1))
    assert (new.edition, new.edition_title_zh) == (LawEdition.PSAPL_2025, "治安管理处罚法（2025年修订）")


def test_the_decision_records_the_edition_it_was_made_under() -> None:
    state = opened(dt.date(2025, 12, 20))
    state = run(settle(), state)
    state = run(performed(), state)
    state = run(applied(), state)
    events, decided = execute(no_punishment(), state, ctx())
    assert decided.status is PoliceCaseStatus.DECIDED
    assert events[-1].edition is LawEdition.PSAPL_2012


# -- art. 178 ends in 等 --------------------------------------------------------------------------


@pytest.mark.rule("police_mediable")
def test_an_act_outside_the_list_is_mediable_with_a_recorded_reason_unless_the_policy_bars_it() -> None:
    session = pc.HoldPoliceSession(
        police_case_id="pc1", on=MON, presiding_officer="陈警官", place="调解室", party_ids=("p1", "p2"), summary="调解"
    )
    bare = opened(assessment=mediable_assessment(act=PoliceAct.OTHER))
    assert refused(session, bare) == {("police_mediable", "assessment.other_act_reason")}
    reasoned = opened(
        assessment=mediable_assessment(act=PoliceAct.OTHER, other_act_reason="邻里间恐吓信息一条，情节与侮辱相当")
    )
    assert run(session, reasoned).status is PoliceCaseStatus.MEDIATING
    strict = Policy(police_other_acts_mediable=False)
    assert refused(session, reasoned, strict) == {("police_mediable", "assessment.act")}
    excluded = opened(
        assessment=mediable_assessment(
            act=PoliceAct.OTHER, other_act_reason="同上", exclusions=frozenset({Exclusion.GROUP_FIGHT})
        )
    )
    assert refused(session, excluded) == {("police_not_excluded", "assessment.exclusions[group_fight]")}


# -- the parties' own settlement ---------------------------------------------------------------


@pytest.mark.rule("own_settlement_recorded")
def test_an_own_settlement_is_every_party_s_in_a_mediable_case() -> None:
    state = opened()
    assert refused(settle(party_ids=("p1",), content=" "), state) == {
        ("own_settlement_recorded", "content"),
        ("own_settlement_recorded", "party_ids"),
    }
    assert refused(settle(route=SettlementRoute.PEOPLES_MEDIATION), state) == {
        ("own_settlement_recorded", "mediation_body")
    }
    via_committee = run(settle(route=SettlementRoute.PEOPLES_MEDIATION, mediation_body="幸福村人民调解委员会"), state)
    assert via_committee.own_settlement_route is SettlementRoute.PEOPLES_MEDIATION
    unmediable = opened(assessment=mediable_assessment(minor=False))
    assert ("police_mediable", "assessment.minor") in refused(settle(), unmediable)


@pytest.mark.rule("own_settlement_performed")
def test_performance_follows_the_settlement_and_names_its_evidence() -> None:
    state = opened()
    assert refused(performed(), state) == {("own_settlement_performed", "own_settlement")}
    settled = run(settle(MON), state)
    assert refused(attrs.evolve(performed(), evidence=""), settled) == {("own_settlement_performed", "evidence")}
    assert run(performed(), settled).own_settlement_performed_on == MON


@pytest.mark.rule("own_settlement_no_punishment")
def test_no_punishment_after_an_own_settlement_needs_performance_application_and_approval() -> None:
    settled = run(settle(), opened())
    assert refused(no_punishment(approved_by=""), settled) == {
        ("own_settlement_no_punishment", "own_settlement_performed_on"),
        ("own_settlement_no_punishment", "joint_application"),
        ("own_settlement_no_punishment", "approved_by"),
    }
    done = run(performed(), settled)
    assert refused(no_punishment(), done) == {("own_settlement_no_punishment", "joint_application")}
    assert refused(applied(applicant_ids=("p1",)), done) == {("joint_written_application", "applicant_ids")}
    ready = run(applied(), done)
    assert run(no_punishment(), ready).decision is Punishment.NO_PUNISHMENT


def test_without_an_own_settlement_no_punishment_is_still_refused() -> None:
    assert ("punishment_follows_outcome", "decision") in refused(no_punishment(), opened())
