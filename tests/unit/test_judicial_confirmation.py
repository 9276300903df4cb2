"""The court's ruling on a joint application for 司法确认: recorded after the application, by the
court applied to, under a well-formed case number; a confirmation makes the agreement enforceable,
a rejection records the routes left to the parties."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mediation_core.app.service  # noqa: F401 - declares every aggregate's rules
from builders import D0, MEDIATOR, REGISTRY, day
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import render
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.courts import (
    COURT_CASE_NUMBER,
    ENFORCEABLE_ZH,
    ConfirmationResult,
    RefusalRoute,
)
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.exports.forms import DocumentForm, case_document
from mediation_core.testing import scenarios as sc
from story import Story

COURT = "市中区人民法院"
NUMBER = "（2026）川1102民特88号"


def fields_of(err: Exception, rule: str) -> list[str]:
    return [v.field for v in err.violations if v.rule == rule]  # type: ignore[attr-defined]


def applied(on: dt.date = D0) -> Story:
    story = Story().mediating().written(D0)
    story.do(c.ApplyJudicialConfirmation(case_id="c1", on=on, applicant_ids=("p1", "p2"), court=COURT))
    return story


def ruling(
    on: dt.date, result: ConfirmationResult = ConfirmationResult.CONFIRMED, **kw: str
) -> c.RecordJudicialConfirmation:
    fields = {"court": COURT, "court_case_number": NUMBER, **kw}
    return c.RecordJudicialConfirmation(case_id="c1", on=on, result=result, **fields)


@pytest.mark.rule("confirmation_ruling_follows_application")
def test_a_ruling_follows_the_application_by_the_court_applied_to() -> None:
    story = Story().mediating().written(D0)
    err = story.refuse(ruling(day(3)))
    assert fields_of(err, "confirmation_ruling_follows_application") == ["result"]
    story = applied(day(2))
    err = story.refuse(ruling(day(1), court="高新区人民法院"), today=day(3))
    assert fields_of(err, "confirmation_ruling_follows_application") == ["on", "court"]
    story.do(ruling(day(9)))
    err = story.refuse(ruling(day(10), ConfirmationResult.REFUSED))
    assert fields_of(err, "confirmation_ruling_follows_application") == ["result"]


def test_a_ruling_is_never_dated_in_the_future() -> None:
    err = applied().refuse(ruling(day(9)), today=day(8))
    assert err.rules == {"date_not_in_future"}


@pytest.mark.rule("court_case_number_well_formed")
def test_the_court_and_its_case_number_are_well_formed() -> None:
    story = applied()
    err = story.refuse(ruling(day(5), court="市中区法院", court_case_number="88"))
    assert fields_of(err, "court_case_number_well_formed") == ["court", "court_case_number"]
    err = story.refuse(ruling(day(5), court_case_number="（2024）川1102民特88号"))
    assert fields_of(err, "court_case_number_well_formed") == ["court_case_number"]
    assert COURT_CASE_NUMBER.fullmatch("（2011）市中法民调确字第5号")
    assert not COURT_CASE_NUMBER.fullmatch("（2026）88号")


def test_a_confirmed_agreement_becomes_enforceable() -> None:
    story = applied(day(2))
    assert not story.s.enforceable
    events = story.do(ruling(day(9)))
    assert [type(e).__name__ for e in events] == ["JudicialConfirmationRuled"]
    assert story.s.enforceable
    assert story.s.status is CaseStatus.AGREED
    assert CaseFileItem.JUDICIAL_CONFIRMATION in story.s.documents
    confirmation = story.s.confirmation
    assert confirmation is not None
    assert (
        confirmation.summary_zh() == f"{COURT}于2026年5月15日裁定调解协议有效，案号{NUMBER}。本协议{ENFORCEABLE_ZH}。"
    )
    assert ENFORCEABLE_ZH == "已经人民法院司法确认，具有强制执行效力"


def test_a_rejection_tells_the_parties_their_routes_and_leaves_the_agreement_unenforceable() -> None:
    story = applied(day(2))
    story.do(ruling(day(9), ConfirmationResult.REFUSED, reason="协议内容损害第三人利益"))
    confirmation = story.s.confirmation
    assert confirmation is not None
    assert not story.s.enforceable
    assert confirmation.routes == (RefusalRoute.AMEND, RefusalRoute.NEW_AGREEMENT, RefusalRoute.LITIGATION)
    assert "变更原调解协议" in confirmation.notice
    assert "提起诉讼" in confirmation.notice
    assert confirmation.reason == "协议内容损害第三人利益"
    assert story.s.agreement is not None  # the agreement itself stays in the file


def test_a_ruling_may_come_after_the_follow_up_visit() -> None:
    story = applied(day(2)).follow_up(day(4))
    assert story.s.status is CaseStatus.FOLLOWING_UP
    story.do(ruling(day(9)))
    assert story.s.enforceable


@given(applied_after=st.integers(0, 30), ruled_after=st.integers(-5, 40))
def test_a_ruling_is_dated_from_the_application_on(applied_after: int, ruled_after: int) -> None:
    story = applied(day(applied_after))
    on = day(applied_after + ruled_after)
    cmd = ruling(on)
    if on < D0:
        return  # before the case's own dates: the date order rule's business
    if ruled_after >= 0:
        story.do(cmd, today=on)
        assert story.s.confirmation is not None
        assert story.s.confirmation.on == on
    else:
        err = story.refuse(cmd, today=day(applied_after))
        assert fields_of(err, "confirmation_ruling_follows_application") == ["on"]


def test_the_agreement_prints_the_courts_confirmation() -> None:
    story = applied(day(2))
    before = case_document(DocumentForm.AGREEMENT, story.s, story.events, REGISTRY, {}, masked=False).text()
    assert "司法确认" not in before
    story.do(ruling(day(9)))
    text = case_document(DocumentForm.AGREEMENT, story.s, story.events, REGISTRY, {}, masked=False).text()
    ruled = f"司法确认：{COURT}于2026年5月15日裁定调解协议有效，案号{NUMBER}。"
    assert f"{ruled}本协议已经人民法院司法确认，具有强制执行效力。" in text


def test_the_agreement_prints_a_rejection_with_the_routes() -> None:
    story = applied(day(2))
    story.do(ruling(day(9), ConfirmationResult.REFUSED))
    text = case_document(DocumentForm.AGREEMENT, story.s, story.events, REGISTRY, {}, masked=False).text()
    assert "裁定驳回申请" in text
    assert "也可以向人民法院提起诉讼" in text
    assert "强制执行效力" not in text


def test_the_case_file_shown_says_the_agreement_is_enforceable(
    service: MediationService, clock: sc.ScriptClock
) -> None:
    """``mediation case show`` prints the case file through ``walkthrough.render``."""
    later = (c.RecordFollowUp, c.FileDocument, c.ArchiveCase)
    script = [(m, cmd) for m, cmd in sc.lifecycle("jc-1") if not isinstance(cmd, later)]
    sc.run(service.handle, clock, script)
    clock.now = script[-1][0] + dt.timedelta(days=1)
    applied_on = clock.now.date()
    apply = c.ApplyJudicialConfirmation(case_id="jc-1", on=applied_on, applicant_ids=("p1", "p2"), court=COURT)
    service.handle(apply, MEDIATOR)
    shown = render(service.case_file("jc-1", MEDIATOR))
    assert "司法确认" not in shown.splitlines()[1]
    clock.now += dt.timedelta(days=7)
    service.handle(attrs.evolve(ruling(clock.now.date()), case_id="jc-1"), MEDIATOR)
    shown = render(service.case_file("jc-1", MEDIATOR))
    assert shown.splitlines()[1] == (
        f"  司法确认 / judicial confirmation: {COURT}于2026年5月17日裁定调解协议有效，案号{NUMBER}。"
        "本协议已经人民法院司法确认，具有强制执行效力。"
    )
