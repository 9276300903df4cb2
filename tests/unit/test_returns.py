"""Statistical returns: locked figures, nil returns, resubmission diffs, filing status."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import MEDIATOR, ROOM
from mediation_core.app.service import MediationService
from mediation_core.calendars import national_calendar
from mediation_core.demo.walkthrough import StoryClock, demo_registry, walk
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.outcomes import DeclineReason
from mediation_core.domain.errors import AuthorisationError, RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.statistical_return.commands import ResubmitReturn, SubmitReturn, return_id
from mediation_core.domain.statistical_return.decide import RETURNS
from mediation_core.domain.statistical_return.filing import Filing
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy
from mediation_core.serialization import structure

MAY, APRIL, JUNE = Period.month(2026, 5), Period.month(2026, 4), Period.month(2026, 6)
TOWNSHIP = Actor(actor_id="t1", role=Role.TOWNSHIP, scope_id="baiyang")
TODAY, NEXT_DAY = dt.date(2026, 6, 3), dt.date(2026, 6, 4)
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="district")


def refused(service: MediationService, command: object, actor: Actor = MEDIATOR) -> RuleViolationError:
    with pytest.raises(RuleViolationError) as err:
        service.handle(command, actor)
    return err.value


def submit(period: Period, on: dt.date, *, nil: bool = False, org: str = ROOM) -> SubmitReturn:
    return SubmitReturn(org_id=org, period=period, on=on, nil=nil)


@pytest.fixture
def may_done(service: MediationService, clock: StoryClock) -> MediationService:
    """The walkthrough case, received and settled in May 2026; today is 3 June."""
    walk(service, clock)
    clock.set(TODAY)
    return service


def decline_late_entry(service: MediationService, clock: StoryClock) -> None:
    """A dispute dated in May, entered after May's return was locked."""
    walked = service.case_file("walkthrough-0001", MEDIATOR).state
    case = service.handle(
        c.ReceiveDispute(
            case_id="late-1",
            room_id=ROOM,
            received_on=dt.date(2026, 5, 20),
            source=walked.source,
            category="contract",
            summary="补录的纠纷",
            parties=walked.parties,
        ),
        MEDIATOR,
    )
    service.handle(c.DeclineCase(case_id=case.case_id, on=dt.date(2026, 5, 21), reason=DeclineReason.OTHER), MEDIATOR)


def test_a_return_locks_the_ledger_figures(may_done: MediationService) -> None:
    locked = may_done.handle(submit(MAY, TODAY), MEDIATOR)
    assert locked.stream_id == return_id(ROOM, MAY) == "return:pengshanlu-room:2026-05"
    assert locked.figures.total["settled"] == Tally(cases=1, persons=2, amount=3000)
    assert locked.figures.by_category == {"neighbourhood": locked.figures.total}
    assert not locked.nil
    assert not locked.late
    doc = may_done.store.document("return", locked.stream_id)
    assert doc is not None
    assert doc.tags == {"org_id": ROOM, "period": "2026-05", "status": "submitted", "nil": "false"}
    assert structure(doc.body, type(locked)) == locked


@pytest.mark.rule("nil_return_matches_ledger")
def test_a_nil_return_only_when_the_ledger_is_empty(may_done: MediationService) -> None:
    nil = may_done.handle(submit(APRIL, TODAY, nil=True), MEDIATOR)
    assert nil.nil
    assert nil.figures.is_nil
    err = refused(may_done, submit(MAY, TODAY, nil=True))
    assert err.rules == {"nil_return_matches_ledger"}
    assert err.violations[0].field == "nil"
    err = refused(may_done, submit(Period.month(2026, 3), TODAY))
    assert err.rules == {"nil_return_matches_ledger"}


@pytest.mark.rule("return_period_ended")
def test_no_return_before_the_period_ends(may_done: MediationService, clock: StoryClock) -> None:
    clock.set(dt.date(2026, 6, 30))
    err = refused(may_done, submit(JUNE, dt.date(2026, 6, 30), nil=True))
    assert err.rules == {"return_period_ended"}
    clock.set(dt.date(2026, 7, 1))
    assert may_done.handle(submit(JUNE, dt.date(2026, 7, 1), nil=True), MEDIATOR).nil


@pytest.mark.rule("return_scope_known")
def test_only_registered_reporting_units_file(may_done: MediationService) -> None:
    err = refused(may_done, submit(MAY, TODAY, org="baiyang-justice"), TOWNSHIP)
    assert "return_scope_known" in err.rules
    err = refused(
        may_done,
        submit(MAY, TODAY, org="nowhere"),
        Actor(actor_id="a", role=Role.ADMINISTRATOR, scope_id="district"),
    )
    assert "return_scope_known" in err.rules


@pytest.mark.rule("return_lifecycle")
def test_a_period_is_submitted_once_then_only_resubmitted(may_done: MediationService) -> None:
    may_done.handle(submit(MAY, TODAY), MEDIATOR)
    err = refused(may_done, submit(MAY, TODAY))
    assert err.rules == {"return_lifecycle"}
    err = refused(may_done, ResubmitReturn(org_id=ROOM, period=APRIL, on=TODAY, reason="更正"))
    assert err.rules == {"return_lifecycle"}
    assert err.violations[0].field == "period"


@pytest.mark.rule("resubmission_explained")
def test_a_resubmission_records_its_diff_against_the_locked_version(
    may_done: MediationService, clock: StoryClock
) -> None:
    may_done.handle(submit(MAY, TODAY), MEDIATOR)
    again = ResubmitReturn(org_id=ROOM, period=MAY, on=NEXT_DAY, reason="")
    clock.set(NEXT_DAY)
    err = refused(may_done, again)
    assert {v.field for v in err.violations} == {"reason", "period"}  # blank reason, nothing changed
    decline_late_entry(may_done, clock)
    (status,) = may_done.filings(MAY, ROOM, MEDIATOR)
    assert status.filing is Filing.SUBMITTED
    assert {(d.section, d.key, d.figure) for d in status.drift} >= {
        ("total", "", "received"),
        ("total", "", "declined"),
    }
    locked = may_done.handle(ResubmitReturn(org_id=ROOM, period=MAY, on=NEXT_DAY, reason="补录5月20日纠纷"), MEDIATOR)
    (change,) = [d for d in locked.resubmissions[0].changes if d.section == "total" and d.figure == "received"]
    assert (change.before.cases, change.after.cases) == (1, 2)
    assert locked.figures.total["declined"].cases == 1
    assert locked.resubmissions[0].reason == "补录5月20日纠纷"
    (status,) = may_done.filings(MAY, ROOM, MEDIATOR)
    assert status.drift == ()
    assert status.resubmissions == 1


def test_filing_status_tells_missing_from_nil_from_late(may_done: MediationService, clock: StoryClock) -> None:
    may_done.handle(submit(APRIL, TODAY, nil=True), MEDIATOR)
    spring = Period(start=dt.date(2026, 3, 1), end=dt.date(2026, 6, 30))
    statuses = {s.period.label: s for s in may_done.filings(spring, "district", CENTRE)}
    assert sorted(statuses) == ["2026-03", "2026-04", "2026-05"]  # June has not ended
    assert statuses["2026-03"].filing is Filing.MISSING
    assert statuses["2026-03"].overdue
    assert statuses["2026-04"].filing is Filing.NIL
    assert statuses["2026-04"].late  # due on the fifth working day of May
    assert statuses["2026-05"].filing is Filing.MISSING
    assert statuses["2026-05"].due == dt.date(2026, 6, 5)
    assert not statuses["2026-05"].overdue
    clock.set(dt.date(2026, 6, 8))
    may_done_later = {s.period.label: s for s in may_done.filings(spring, "district", CENTRE)}
    assert may_done_later["2026-05"].overdue


def test_returns_are_filed_by_staff_in_scope(may_done: MediationService) -> None:
    outsider = Actor(actor_id="x", role=Role.MEDIATOR, scope_id="another-room")
    with pytest.raises(AuthorisationError):
        may_done.handle(submit(MAY, TODAY), outsider)
    may_done.handle(submit(MAY, TODAY, org="baiyang"), TOWNSHIP)
    with pytest.raises(AuthorisationError):
        may_done.filings(MAY, "district", MEDIATOR)


@pytest.mark.rule("ledger_report_read")
def test_a_return_cannot_be_decided_without_the_ledger_report() -> None:
    ctx = DecisionContext(
        now=dt.datetime(2026, 6, 10, tzinfo=dt.UTC),
        policy=Policy(),
        calendar=national_calendar(),
        registry=demo_registry(),
    )
    with pytest.raises(RuleViolationError) as err:
        RETURNS.execute(submit(MAY, TODAY), None, ctx)
    assert err.value.rules == {"ledger_report_read"}
