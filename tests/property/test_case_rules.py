"""The rules of docs/legal-basis.md §9 numbered 1, 3–9, 13, 14 and 34 as hypothesis properties over the pure decider."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given
from hypothesis import strategies as st

from builders import D0, MEDIATOR_ID, day, terms
from mediation_core.calendars import national_calendar
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import AgreementSubject, SignatoryKind
from mediation_core.domain.case.limitation import Interruption
from mediation_core.domain.case.outcomes import ALL_ROUTES, DeclineReason, TerminationReason
from mediation_core.domain.case.rules.confirmation import confirmation_eligible
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.reporting.ledger import Outcome, ledger_row
from mediation_core.domain.reporting.repeats import UNKEYED
from mediation_core.domain.values.casefile import BINDING_ORDER, STATUTORY_MINIMUM, CaseFileItem
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.risks import RiskKind
from mediation_core.testing.strategies import party_lists
from story import Story

CAL = national_calendar()


@given(st.lists(st.tuples(st.sampled_from(["p1", "p2"]), st.booleans()), max_size=8))
def test_rule1_mediation_starts_only_when_no_refusal_stands(toggles: list[tuple[str, bool]]) -> None:
    story = Story().receive().accept().prepare()
    standing: set[str] = set()
    for party, consents in toggles:
        story.do(c.RecordConsent(case_id="c1", party_id=party, consents=consents, on=D0))
        standing = standing - {party} if consents else standing | {party}
    if standing:
        err = story.refuse(c.StartMediation(case_id="c1", on=D0))
        assert "consent_gate" in err.rules
    else:
        story.start()
        assert story.s.status is CaseStatus.MEDIATING


@given(st.sampled_from(["p1", "p2"]), st.integers(0, 3))
def test_rule1_a_refusal_in_mediation_never_ends_in_agreement(party: str, sessions: int) -> None:
    story = Story().mediating()
    for n in range(sessions):
        story.session(day(n))
    story.do(c.RecordConsent(case_id="c1", party_id=party, consents=False, on=day(sessions)))
    assert story.s.status is CaseStatus.TERMINATED
    err = story.refuse(c.ReachOralAgreement(case_id="c1", on=day(sessions), content="x"))
    assert "transition_allowed" in err.rules


marks = st.lists(st.integers(0, 20), min_size=4, max_size=4)


@given(offsets=marks, order=st.permutations(range(4)))
def test_rule3_written_agreement_is_effective_on_the_latest_mark(offsets: list[int], order: list[int]) -> None:
    story = Story().mediating().session().draft()
    signers = [
        (SignatoryKind.PARTY, "p1"),
        (SignatoryKind.PARTY, "p2"),
        (SignatoryKind.MEDIATOR, MEDIATOR_ID),
        (SignatoryKind.COMMITTEE_SEAL, ""),
    ]
    for step, i in enumerate(order):
        kind, signer = signers[i]
        assert story.s.agreement is None
        story.do(
            c.SignAgreement(case_id="c1", kind=kind, signer_id=signer, on=day(offsets[i])), today=day(max(offsets))
        )
        assert (story.s.agreement is None) == (step < 3)
    agreement = story.s.agreement
    assert agreement is not None
    assert agreement.effective_on == day(max(offsets))


REQUIRED = ("facts", "points_in_dispute", "obligations", "performance_method", "performance_place")


@given(st.sets(st.sampled_from(REQUIRED)))
def test_rule4_every_blank_required_field_is_named(blank: set[str]) -> None:
    story = Story().mediating().session()
    changes = dict.fromkeys(blank, " ")
    cmd = c.DraftWrittenAgreement(case_id="c1", on=D0, terms=attrs.evolve(terms(D0), **changes))
    if not blank:
        story.do(cmd)
        return
    err = story.refuse(cmd)
    assert {v.field for v in err.violations} == {f"terms.{n}" for n in blank}


@given(party_lists(max_size=6))
def test_rule5_copies_are_parties_plus_one(parties: tuple) -> None:  # type: ignore[type-arg]
    story = Story().receive(parties=parties).accept().prepare().start().session()
    story.draft().sign_all()
    agreement = story.s.agreement
    assert agreement is not None
    assert agreement.copies == len(parties) + 1


@given(st.integers(0, 30))
def test_rule6_an_oral_agreement_is_effective_the_day_reached(offset: int) -> None:
    story = Story().mediating().session().oral(day(offset))
    agreement = story.s.agreement
    assert agreement is not None
    assert agreement.effective_on == day(offset) == story.s.concluded_on


@given(effective=st.integers(0, 25), k=st.integers(0, 40), applicants=st.sets(st.sampled_from(["p1", "p2"])))
def test_rule7_confirmation_window_is_thirty_days_and_joint(effective: int, k: int, applicants: set[str]) -> None:
    """Applications from the effective day on (earlier ones break the date order rule instead); a
    30th day that is a rest day moves to the next working day (民法典 art. 203)."""
    story = Story().mediating().session(day(effective)).draft(day(effective)).sign_all(day(effective))
    on = day(effective + k)
    last_day = CAL.rolled_over(day(effective + 30)).date
    cmd = c.ApplyJudicialConfirmation(case_id="c1", on=on, applicant_ids=tuple(sorted(applicants)), court="法院")
    if on <= last_day and applicants == {"p1", "p2"}:
        story.do(cmd, today=on)
        assert story.s.confirmation_applied_on == on
    else:
        err = story.refuse(cmd, today=on)
        assert "confirmation_window" in err.rules


@given(subject=st.sampled_from(AgreementSubject), k=st.integers(0, 30))
def test_rule8_excluded_subjects_are_never_eligible(subject: AgreementSubject, k: int) -> None:
    story = Story().mediating().session().draft(subject=subject).sign_all()
    eligible = confirmation_eligible(story.s.agreement, story.s.party_ids, ("p1", "p2"), day(k))
    assert eligible == (subject is AgreementSubject.CIVIL_RIGHTS)


@given(
    st.sampled_from(
        [r for r in TerminationReason if r not in {TerminationReason.TIME_LIMIT_EXPIRED, TerminationReason.OTHER}]
    ),
    st.booleans(),
)
def test_rule9_every_termination_records_all_routes(reason: TerminationReason, started: bool) -> None:
    story = Story().receive().accept().prepare()
    if started:
        story.start()
    story.terminate(reason=reason)
    assert story.s.routes_notified == ALL_ROUTES
    assert CaseFileItem.TERMINATION_RECORD in story.s.documents


@given(
    received=st.integers(0, 60),
    mediating=st.integers(0, 40),
    refused=st.booleans(),
)
def test_rule37_a_termination_tells_the_parties_their_limitation_was_interrupted_on_application(
    received: int, mediating: int, refused: bool
) -> None:
    """However a case ends without agreement (a termination, or a party's refusal mid-way), its
    notice says the limitation period stopped on the intake day and runs afresh from the end."""
    on, ended = day(received), day(received + mediating)
    story = Story().receive(on=on).accept(on=on).prepare(on=on).start(on=on)
    if refused:
        story.do(c.RecordConsent(case_id="c1", party_id="p1", consents=False, on=ended))
    else:
        story.terminate(on=ended)
    terminated = story.events[-1]
    assert terminated.limitation_interrupted_on == on  # type: ignore[attr-defined]
    assert story.s.limitation_interrupted_on == on
    limitation = Interruption(interrupted_on=on, recounted_from=ended)
    assert limitation.notice_zh() in terminated.notice  # type: ignore[attr-defined]
    assert f"{on.year}年{on.month}月{on.day}日申请人民调解之日起诉讼时效中断" in terminated.notice  # type: ignore[attr-defined]
    assert limitation.general_period_ends_on > ended


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)))
def test_rule37_the_fresh_general_period_is_three_years_from_the_end(ended: dt.date) -> None:
    end = Interruption(interrupted_on=ended, recounted_from=ended).general_period_ends_on
    assert end.year == ended.year + 3
    assert (end.month, end.day) == ((2, 28) if (ended.month, ended.day) == (2, 29) else (ended.month, ended.day))


@given(st.sets(st.sampled_from([i for i in BINDING_ORDER if i not in {CaseFileItem.REGISTRATION}])))
def test_rule13_archive_iff_the_file_holds_every_required_item(filed: set[CaseFileItem]) -> None:
    story = Story(policy=Policy(follow_up_required_for_archive=False)).receive().accept()
    story.do(c.AssignMediator(case_id="c1", mediator_id=MEDIATOR_ID, presiding=True, on=D0))
    story.do(c.NotifyRights(case_id="c1", on=D0))
    story.start()
    if CaseFileItem.MEDIATION_RECORD in filed:
        story.session()
    story.terminate()
    for item in sorted(filed - {CaseFileItem.MEDIATION_RECORD}, key=BINDING_ORDER.index):
        story.do(c.FileDocument(case_id="c1", item=item, title=item.title_zh, on=D0))
    required = STATUTORY_MINIMUM | {CaseFileItem.TERMINATION_RECORD} | set(Policy().archive_required_items)
    cmd = c.ArchiveCase(case_id="c1", on=D0, archivist_id=MEDIATOR_ID)
    if required <= story.s.documents:
        story.do(cmd)
        assert story.s.status is CaseStatus.ARCHIVED
    else:
        err = story.refuse(cmd)
        missing = {v.field for v in err.violations}
        assert missing == {f"documents.{i.value}" for i in required - story.s.documents}


@given(offset=st.integers(0, 70), extend=st.booleans(), term=st.integers(10, 40), explained=st.booleans())
def test_rule14_agreements_after_the_term_or_its_consented_extension_are_explained(
    offset: int, extend: bool, term: int, explained: bool
) -> None:
    policy = Policy(mediation_term_days=term, term_extension_days=30)
    story = Story(policy=policy).mediating()
    own_end = day(term)
    if extend:
        story.do(c.ExtendTerm(case_id="c1", on=day(min(offset, term)), consenting_party_ids=("p1", "p2")))
        own_end = day(term + 30)
    limit = CAL.rolled_over(own_end).date
    assert story.s.term is not None
    assert story.s.term.due == limit
    story.session(min(day(offset), limit))
    why = "当事人外出务工，返乡后达成协议" if explained else ""
    cmd = c.ReachOralAgreement(case_id="c1", on=day(offset), content="赔偿", late_explanation=why)
    if day(offset) <= limit or explained:
        story.do(cmd)
        assert story.s.status is CaseStatus.AGREED
        warned = story.events[-1]
        assert warned.term_due == (limit if day(offset) > limit else None)
    else:
        err = story.refuse(cmd)
        assert err.rules == {"agreement_after_term_explained"}


@given(st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2026, 11, 30)), st.integers(1, 20))
def test_working_day_deadlines_land_on_working_days(start: dt.date, days: int) -> None:
    counted = CAL.add_working_days(start, days)
    assert CAL.is_working_day(counted.date)
    assert CAL.working_days_between(start, counted.date) == days
    assert not counted.estimated


@given(st.dates(min_value=dt.date(2026, 6, 1), max_value=dt.date(2026, 12, 31)), st.integers(0, 30))
def test_follow_up_deadline_records_its_policy_and_calendar(accepted: dt.date, offset: int) -> None:
    effective = accepted + dt.timedelta(days=offset)
    story = Story().receive(on=accepted).accept(accepted).prepare(accepted).start(accepted).session(effective)
    story.oral(effective)
    deadline = story.s.deadlines[DeadlineKind.FOLLOW_UP]
    assert deadline.policy == Policy().label
    assert deadline.calendar == CAL.version
    assert deadline.estimated == (deadline.due > CAL.last_day)


outcomes = st.sampled_from(["declined", "open", "oral", "written", "failed", "risk-settled"])


@given(st.lists(outcomes, min_size=1, max_size=12))
def test_rule34_ledger_counts_are_consistent(paths: list[str]) -> None:
    rows = []
    for n, path in enumerate(paths):
        story = Story(case_id=f"c{n}").receive()
        if path == "declined":
            story.do(c.DeclineCase(case_id=f"c{n}", on=D0, reason=DeclineReason.OUTSIDE_SCOPE))
        elif path != "open":
            story.accept().prepare().start().session()
            if path == "risk-settled":
                story.do(c.FlagRisk(case_id=f"c{n}", kind=RiskKind.MASS_INCIDENT, persons=7, on=D0))
            if path in {"oral", "risk-settled"}:
                story.oral()
            elif path == "written":
                story.draft().sign_all()
            else:
                story.terminate()
        rows.append(ledger_row(story.s, UNKEYED))
    received = len(rows)
    accepted = sum(r.accepted_on is not None for r in rows)
    concluded = sum(r.outcome in {Outcome.SETTLED, Outcome.FAILED} for r in rows)
    settled = sum(r.outcome is Outcome.SETTLED for r in rows)
    assert settled <= concluded <= accepted <= received
    prevented_cases = sum(r.mass_incident_persons > 0 for r in rows)
    prevented_persons = sum(r.mass_incident_persons for r in rows)
    assert prevented_persons >= prevented_cases >= 0
    assert sum(r.persons for r in rows) >= received
