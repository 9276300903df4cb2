"""Counting rules, one by one, and the source report's figures reproduced."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import attrs
import pytest

from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry, walk
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.reporting.statistics import FIGURES, Ratio, Tally, describe, reconcile, report, rows_counted
from mediation_core.domain.values.organisations import Organisation, OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.testing.storage import row_for

MAY = Period.month(2026, 5)
D = dt.date


def settled(case_id: str, room: str = "pengshanlu-room", **changes: object) -> LedgerRow:
    base = {
        "status": CaseStatus.ARCHIVED,
        "outcome": Outcome.SETTLED,
        "received_on": D(2026, 4, 28),
        "accepted_on": D(2026, 4, 29),
        "term_due": D(2026, 5, 29),
        "concluded_on": D(2026, 5, 6),
        "follow_up_due": D(2026, 5, 27),
        "agreement_form": "written",
        "persons": 3,
    }
    return row_for(case_id, 9, room, **{**base, **changes})


def counted(row: LedgerRow, period: Period = MAY) -> set[str]:
    return {f.key for f in FIGURES if f.counts(row, period)}


def test_a_settled_case_counts_by_its_conclusion_date() -> None:
    row = settled("a", first_follow_up_on=D(2026, 5, 20))
    assert counted(row) == {"concluded", "settled", "concluded_within_term", "followed_up", "followed_up_on_time"}
    assert counted(row, Period.month(2026, 4)) == {"received", "accepted"}


def test_a_late_follow_up_counts_as_followed_up_but_not_on_time() -> None:
    row = settled("a", first_follow_up_on=D(2026, 5, 28))
    assert {"followed_up"} <= counted(row)
    assert "followed_up_on_time" not in counted(row)


def test_conclusion_after_the_term_is_not_within_term() -> None:
    assert "concluded_within_term" not in counted(settled("a", concluded_on=D(2026, 5, 30)))
    assert "concluded_within_term" in counted(settled("a", concluded_on=D(2026, 5, 29)))


def test_a_declined_case_counts_once_as_declined_never_as_concluded() -> None:
    row = row_for(
        "d",
        2,
        status=CaseStatus.DECLINED,
        outcome=Outcome.DECLINED,
        received_on=D(2026, 5, 2),
        concluded_on=D(2026, 5, 3),
    )
    assert counted(row) == {"received", "declined"}


def test_a_failed_case_is_concluded_but_not_settled() -> None:
    row = settled("f", status=CaseStatus.TERMINATED, outcome=Outcome.FAILED, agreement_form=None, follow_up_due=None)
    assert counted(row) == {"concluded", "failed", "concluded_within_term"}


def test_difficulty_counts_concluded_cases_only() -> None:
    assert "difficult" in counted(settled("a", difficulty="major"))
    assert "difficult" in counted(settled("a", difficulty="difficult", outcome=Outcome.FAILED))
    assert "difficult" not in counted(settled("a", difficulty="ordinary"))
    opened = row_for("o", 3, difficulty="major", received_on=D(2026, 5, 2), accepted_on=D(2026, 5, 2))
    assert "difficult" not in counted(opened)


@pytest.mark.parametrize(
    ("column", "figure"),
    [
        ("public_order_persons", "public_order_prevented"),
        ("suicide_persons", "suicides_prevented"),
    ],
)
def test_a_prevented_escalation_is_a_flagged_risk_on_a_settled_case(column: str, figure: str) -> None:
    flagged = settled("a", **{column: 7})
    assert figure in counted(flagged)
    assert figure not in counted(attrs.evolve(flagged, outcome=Outcome.FAILED))
    assert figure not in counted(settled("a"))
    result = report([flagged], MAY, "pengshanlu-room", demo_registry())
    assert result[figure] == Tally(cases=1, persons=7, amount=Decimal("12.50"))


@pytest.mark.parametrize(
    ("column", "dated", "figure"),
    [
        ("civil_to_criminal_persons", "civil_to_criminal_prevented_on", "civil_to_criminal_prevented"),
        ("mass_incident_persons", "mass_incident_handled_on", "mass_incidents_averted"),
    ],
)
def test_prevention_counts_by_its_own_record_whatever_the_outcome(column: str, dated: str, figure: str) -> None:
    """防止民转刑 and 预防处置群体性事件 count the cases whose prevention the room recorded, in the
    month it recorded it, settled or not; a flagged risk alone is not a prevention."""
    flagged = settled("a", **{column: 7})
    assert figure not in counted(flagged)
    prevented = attrs.evolve(flagged, **{dated: D(2026, 5, 20)})
    assert figure in counted(prevented)
    failed = attrs.evolve(prevented, status=CaseStatus.TERMINATED, outcome=Outcome.FAILED, agreement_form=None)
    assert figure in counted(failed)
    still_open = row_for("o", 4, "pengshanlu-room", received_on=D(2026, 5, 2), **{column: 3, dated: D(2026, 5, 3)})
    assert figure in counted(still_open)
    assert figure not in counted(attrs.evolve(prevented, **{dated: D(2026, 6, 1)}))
    result = report([flagged, prevented, failed, still_open], MAY, "pengshanlu-room", demo_registry())
    assert result[figure] == Tally(cases=3, persons=17, amount=Decimal("37.50"))


def test_a_case_settled_on_the_scene_of_a_dispatch() -> None:
    assert "settled_on_scene" in counted(settled("a", dispatch_id="110-0001"))
    assert "settled_on_scene" not in counted(settled("a"))
    assert "settled_on_scene" not in counted(settled("a", dispatch_id="110-0001", outcome=Outcome.FAILED))


def test_a_repeat_counts_by_its_registration_date() -> None:
    row = row_for("r", 1, received_on=D(2026, 5, 9), repeat_of="earlier")
    assert counted(row) == {"received", "repeats"}


def test_rates_and_the_median() -> None:
    rows = [
        settled("a", accepted_on=D(2026, 5, 1), concluded_on=D(2026, 5, 3)),
        settled("b", accepted_on=D(2026, 5, 1), concluded_on=D(2026, 5, 11)),
        settled("c", outcome=Outcome.FAILED, accepted_on=D(2026, 5, 1), concluded_on=D(2026, 5, 31)),
    ]
    result = report(rows, MAY, "district", demo_registry())
    assert result.rate("success_rate") == Ratio(numerator=2, denominator=3)
    assert result.rate("success_rate").shown() == "66.7 %"
    assert result.rate("within_term_rate").shown() == "66.7 %"
    assert result.median_days_to_conclude == Decimal(10)
    assert result.rate("repeat_rate").value is None  # nothing received in May: undefined, not 0
    empty = report([], MAY, "district", demo_registry())
    assert empty.is_nil
    assert empty.rate("success_rate").shown() == "—"
    assert empty.median_days_to_conclude is None


def test_every_counting_rule_can_be_printed() -> None:
    zh, en = describe(FIGURES[0])
    assert zh == "`received_on` 在统计期内"
    assert en == "`received_on` within the period"
    assert all(describe(f)[0] for f in FIGURES)


def test_drill_down_lists_the_rows_behind_a_figure() -> None:
    rows = [settled("a"), settled("b", outcome=Outcome.FAILED)]
    assert [r.case_id for r in rows_counted(rows, "settled", MAY)] == ["a"]


def test_the_walkthrough_case_in_the_may_report(service: MediationService, clock: StoryClock) -> None:
    walk(service, clock)
    result = report(service.store.ledger(), MAY, "district", service.registry())
    assert {f.key for f in FIGURES if result[f.key].cases} == {
        "received",
        "accepted",
        "concluded",
        "settled",
        "concluded_within_term",
        "followed_up",
        "followed_up_on_time",
    }
    assert result["settled"] == Tally(cases=1, persons=2, amount=Decimal(3000))
    assert [(u.key, u["settled"].cases) for u in result.by_unit] == [("baiyang", 1)]
    assert [(s.title_zh, s["received"].cases) for s in result.by_source] == [("110接处警", 1)]
    assert [(c.title_zh, c["received"].cases) for c in result.by_category] == [("邻里纠纷", 1)]
    assert reconcile(result) == []


# -- the source report: 18 rooms, 2,807 mediated, 2,756 settled (98.2 %) ---------------------
def seed_district() -> Registry:
    """The source report's district: 18 rooms in police stations across six townships."""
    orgs = [Organisation(org_id="shizhong", kind=OrgKind.DISTRICT, name="市中区")]
    for t in range(6):
        orgs.append(Organisation(org_id=f"t{t}", kind=OrgKind.TOWNSHIP, name=f"街道{t}", parent_id="shizhong"))
        for r in range(3):
            orgs += [
                Organisation(org_id=f"t{t}-s{r}", kind=OrgKind.POLICE_STATION, name=f"派出所{t}{r}", parent_id=f"t{t}"),
                Organisation(
                    org_id=f"t{t}-r{r}",
                    kind=OrgKind.MEDIATION_ROOM,
                    name=f"调解室{t}{r}",
                    parent_id=f"t{t}",
                    station_id=f"t{t}-s{r}",
                ),
            ]
    return Registry.of(orgs)


def seed_ledger() -> list[LedgerRow]:
    """2,807 concluded disputes of which 2,756 settled; 47 difficult; 36 civil-to-criminal
    escalations prevented and 12 mass incidents handled early; spread over the 18 rooms and
    November 2017 – June 2018."""
    rooms = [f"t{t}-r{r}" for t in range(6) for r in range(3)]
    days = [D(2017, 11, 1) + dt.timedelta(days=n) for n in range(242)]
    difficult = set(itertools.islice(range(3, 2807, 59), 47))
    civil_to_criminal = set(itertools.islice(range(1, 2756, 75), 36))
    mass_incidents = set(itertools.islice(range(2, 2756, 200), 12))
    rows = []
    for n, room, day in zip(range(2807), itertools.cycle(rooms), itertools.cycle(days), strict=False):
        rows.append(
            settled(
                f"seed-{n:04d}",
                room,
                received_on=day,
                accepted_on=day,
                term_due=day + dt.timedelta(days=30),
                concluded_on=day + dt.timedelta(days=n % 20),
                outcome=Outcome.SETTLED if n < 2756 else Outcome.FAILED,
                difficulty="major" if n in difficult else "ordinary",
                civil_to_criminal_persons=2 + n % 3 if n in civil_to_criminal else 0,
                mass_incident_persons=15 if n in mass_incidents else 0,
                civil_to_criminal_prevented_on=day if n in civil_to_criminal else None,
                mass_incident_handled_on=day if n in mass_incidents else None,
            )
        )
    return rows


def test_the_source_report_is_reproduced() -> None:
    rows = seed_ledger()
    registry = seed_district()
    result = report(rows, Period(start=D(2017, 11, 1), end=D(2018, 7, 31)), "shizhong", registry)
    assert result["concluded"].cases == 2807
    assert result["settled"].cases == 2756
    assert result.rate("success_rate").shown() == "98.2 %"
    assert result["difficult"].cases == 47
    assert result["civil_to_criminal_prevented"].cases == 36
    assert result["mass_incidents_averted"].cases == 12
    assert result["civil_to_criminal_prevented"].persons >= 36
    assert len(result.by_unit) == 6
    assert reconcile(result) == []
