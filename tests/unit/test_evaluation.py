"""Year-end evaluation through the service: facts, rounds, grades, subsidies, findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from builders import LIAISON, MEDIATOR, ROOM
from mediation_core.app.aggregates import Reading
from mediation_core.app.coordination import EVALUATION_AGGREGATE, evaluation_inputs
from mediation_core.app.service import MediationService
from mediation_core.calendars import national_calendar
from mediation_core.demo.walkthrough import StoryClock, demo_registry, walk
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.dispatch.commands import RecordDispatch
from mediation_core.domain.errors import AuthorisationError, RuleViolationError
from mediation_core.domain.evaluation_round.commands import ConcludeEvaluation, ReviseEvaluation
from mediation_core.domain.evaluation_round.decide import EVALUATION_ROUNDS
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.meeting.commands import HoldMeeting, ScheduleMeeting
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.minutes import Attendee
from mediation_core.domain.misconduct.commands import RecordMisconduct, RevokeFinding
from mediation_core.domain.misconduct.kinds import MisconductKind, Sanction
from mediation_core.domain.reporting.evaluation import (
    BUILT_IN_ITEMS,
    Dimension,
    EvaluationItem,
    Grade,
    StaffingFlag,
    capped,
)
from mediation_core.domain.reporting.subsidies import eligible
from mediation_core.domain.training.commands import RecordTraining
from mediation_core.domain.training.trainees import Trainee, TrainingKind
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.sources import CaseSource
from mediation_core.plugins import hookimpl
from mediation_core.plugins.manager import PluginError, load_plugins
from mediation_memory import MemoryStore

D = dt.date
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="district")
DIRECTOR = Actor(actor_id="m-zhang", role=Role.ROOM_DIRECTOR, scope_id=ROOM)


def refused(service: MediationService, command: object, actor: Actor = CENTRE) -> RuleViolationError:
    with pytest.raises(RuleViolationError) as err:
        service.handle(command, actor)
    return err.value


def finding(mediator: str = "m-liu", **more: object) -> RecordMisconduct:
    command = RecordMisconduct(
        finding_id="",
        mediator_id=mediator,
        room_id=ROOM,
        kind=MisconductKind.INSULT,
        on=D(2026, 6, 1),
        facts="调解中辱骂当事人",
    )
    return attrs.evolve(command, **more)


@pytest.fixture
def year(service: MediationService, clock: StoryClock) -> MediationService:
    """2026: the walkthrough case settled by 张明 (filed, performed, followed up on time); a
    case-analysis meeting 张明 attended and 刘芳 missed; a 110 call-out with 刘芳; a training
    both attended."""
    walk(service, clock)
    clock.set(D(2026, 6, 10))
    meeting = service.handle(ScheduleMeeting(meeting_id="", kind=MeetingKind.CASE_ANALYSIS, org_id=ROOM), DIRECTOR)
    service.handle(
        HoldMeeting(
            meeting_id=meeting.stream_id,
            on=D(2026, 6, 10),
            attendees=(Attendee(person_id="m-zhang", name="张明", org_id=ROOM),),
            minutes="分析疑难案件",
        ),
        DIRECTOR,
    )
    service.handle(
        RecordDispatch(
            dispatch_id="",
            station_id="pengshanlu-station",
            room_id=ROOM,
            incident_number="110-0610-01",
            call_received_at=dt.datetime(2026, 6, 9, 13, tzinfo=dt.UTC),
            place="幸福路",
            officers=("陈警官",),
            summary="邻里争吵",
            mediator_id="m-liu",
        ),
        LIAISON,
    )
    service.handle(
        RecordTraining(
            training_id="",
            org_id="baiyang-justice",
            on=D(2026, 6, 10),
            title="人民调解法专题培训",
            kind=TrainingKind.LEGAL_COURSE,
            hours=Decimal(3),
            trainees=(
                Trainee(person_id="m-zhang", name="张明", org_id=ROOM),
                Trainee(person_id="m-liu", name="刘芳", org_id=ROOM),
            ),
        ),
        CENTRE,
    )
    clock.set(D(2027, 1, 8))
    return service


def test_the_facts_come_from_what_was_recorded(year: MediationService) -> None:
    results = {r.mediator_id: r for r in year.evaluation_preview(2026, "district", CENTRE)}
    zhang, liu = results["m-zhang"].facts, results["m-liu"].facts
    assert (zhang.concluded, zhang.settled, zhang.within_term, zhang.repeats) == (1, 1, 1, 0)
    assert (zhang.follow_ups_due, zhang.follow_ups_on_time, zhang.files_due, zhang.files_complete) == (1, 1, 1, 1)
    assert (zhang.meetings_expected, zhang.meetings_attended, liu.meetings_attended) == (1, 1, 0)
    assert (zhang.call_outs, liu.call_outs) == (0, 1)
    assert (zhang.trainings, liu.trainings) == (1, 1)
    assert results["m-zhang"].subsidy_total == Decimal(50)  # an ordinary case with a written agreement
    assert [s.case_id for s in results["m-zhang"].subsidies] == ["walkthrough-0001"]
    assert results["m-liu"].subsidies == ()


def test_a_round_locks_grades_bonus_and_subsidies(year: MediationService) -> None:
    locked = year.handle(ConcludeEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8)), CENTRE)
    assert [r.mediator_id for r in locked.results] == ["m-zhang", "m-liu"]
    assert locked.quota == 0  # 15 % of two mediators, rounded down
    zhang, liu = locked.results
    assert zhang.grade is Grade.COMPETENT
    assert zhang.bonus_eligible
    assert liu.grade is Grade.INCOMPETENT
    assert not liu.bonus_eligible
    assert {i.code for i in locked.items} == {i.code for i in BUILT_IN_ITEMS}
    assert year.evaluation(2026, "district", CENTRE) == locked
    docs = year.store.documents("mediator-evaluation", {"year": "2026"})
    assert [(d.key, d.tags["grade"]) for d in docs] == [("2026:m-liu", "incompetent"), ("2026:m-zhang", "competent")]


@pytest.mark.rule("evaluation_after_year_end")
def test_a_year_is_evaluated_after_it_ends(year: MediationService, clock: StoryClock) -> None:
    clock.set(D(2026, 12, 31))
    err = refused(year, ConcludeEvaluation(scope_id="district", year=2026, on=D(2026, 12, 31)))
    assert err.rules == {"evaluation_after_year_end"}


@pytest.mark.rule("evaluation_scope_known")
def test_a_round_covers_a_known_scope_with_mediators(year: MediationService) -> None:
    admin = Actor(actor_id="a", role=Role.ADMINISTRATOR, scope_id="district")
    err = refused(year, ConcludeEvaluation(scope_id="nowhere", year=2026, on=D(2027, 1, 8)), admin)
    assert "evaluation_scope_known" in err.rules
    err = refused(year, ConcludeEvaluation(scope_id="pengshanlu-station", year=2026, on=D(2027, 1, 8)))
    assert err.rules == {"evaluation_scope_known"}


@pytest.mark.rule("evaluation_facts_read")
def test_a_round_cannot_be_decided_without_its_facts() -> None:
    ctx = DecisionContext(
        now=dt.datetime(2027, 1, 8, tzinfo=dt.UTC),
        policy=Policy(),
        calendar=national_calendar(),
        registry=demo_registry(),
    )
    with pytest.raises(RuleViolationError) as err:
        EVALUATION_ROUNDS.execute(ConcludeEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8)), None, ctx)
    assert err.value.rules == {"evaluation_facts_read"}


@pytest.mark.rule("one_grade_per_mediator_year")
@pytest.mark.rule("evaluation_lifecycle")
def test_each_mediator_gets_one_grade_a_year(year: MediationService) -> None:
    year.handle(ConcludeEvaluation(scope_id=ROOM, year=2026, on=D(2027, 1, 8)), CENTRE)
    err = refused(year, ConcludeEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8)))
    assert err.rules == {"one_grade_per_mediator_year"}
    assert [v.message_en for v in err.violations] == [
        "mediator m-liu was graded for 2026 in evaluation:pengshanlu-room:2026",
        "mediator m-zhang was graded for 2026 in evaluation:pengshanlu-room:2026",
    ]
    err = refused(year, ConcludeEvaluation(scope_id=ROOM, year=2026, on=D(2027, 1, 8)))
    assert err.rules == {"evaluation_lifecycle"}


@pytest.mark.rule("revision_explained")
@pytest.mark.rule("revocation_explained")
def test_a_revoked_finding_is_revised_into_the_round(year: MediationService, clock: StoryClock) -> None:
    clock.set(D(2026, 6, 1))
    found = year.handle(finding("m-zhang"), CENTRE)
    clock.set(D(2027, 1, 8))
    locked = year.handle(ConcludeEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8)), CENTRE)
    assert locked.result("m-zhang").facts.misconduct == 1  # type: ignore[union-attr]
    err = refused(year, ReviseEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8), reason=" "))
    assert {v.field for v in err.violations} == {"reason", "year"}  # blank, and nothing would change
    err = refused(year, RevokeFinding(finding_id=found.stream_id, on=D(2027, 1, 8), reason=""))
    assert err.rules == {"revocation_explained"}
    year.handle(RevokeFinding(finding_id=found.stream_id, on=D(2027, 1, 8), reason="复查认定事实不清"), CENTRE)
    revised = year.handle(
        ReviseEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8), reason="违纪认定经复查撤销"), CENTRE
    )
    (change,) = revised.revisions[0].changes
    assert change.mediator_id == "m-zhang"
    assert change.score_after > change.score_before  # type: ignore[operator]
    assert revised.result("m-zhang").facts.misconduct == 0  # type: ignore[union-attr]


@pytest.mark.rule("removal_needs_serious_finding")
@pytest.mark.rule("finding_recorded")
@pytest.mark.rule("finding_lifecycle")
def test_misconduct_findings(year: MediationService, clock: StoryClock) -> None:
    clock.set(D(2026, 6, 1))
    err = refused(year, finding(sanction=Sanction.REMOVAL))
    assert err.rules == {"removal_needs_serious_finding"}
    assert err.violations[0].basis.startswith("人民调解法 第15条")
    err = refused(
        year,
        finding(mediator_id="m-zhang", room_id="another-room", facts=""),
        Actor(actor_id="a", role=Role.ADMINISTRATOR, scope_id="district"),
    )
    assert [v.field for v in err.violations] == ["mediator_id", "facts"]
    removed = year.handle(finding(serious=True, sanction=Sanction.REMOVAL), CENTRE)
    assert removed.confirmed
    clock.set(D(2026, 6, 2))
    year.handle(RevokeFinding(finding_id=removed.stream_id, on=D(2026, 6, 2), reason="撤销"), CENTRE)
    err = refused(year, RevokeFinding(finding_id=removed.stream_id, on=D(2026, 6, 2), reason="再撤销"))
    assert err.rules == {"finding_lifecycle"}
    with pytest.raises(AuthorisationError):
        year.handle(finding(), MEDIATOR)


def test_a_serious_finding_makes_the_year_incompetent_and_flags_removal(
    year: MediationService, clock: StoryClock
) -> None:
    clock.set(D(2026, 6, 1))
    year.handle(
        finding("m-zhang", kind=MisconductKind.IMPROPER_BENEFIT, serious=True, sanction=Sanction.REMOVAL), CENTRE
    )
    clock.set(D(2027, 1, 8))
    result = {r.mediator_id: r for r in year.evaluation_preview(2026, "district", CENTRE)}["m-zhang"]
    assert result.grade is Grade.INCOMPETENT
    assert StaffingFlag.REMOVAL_FINDING in result.flags
    assert result.score.dimensions["discipline"] < Decimal(20)


def test_two_incompetent_years_in_a_row_flag_the_mediator(year: MediationService, clock: StoryClock) -> None:
    year.handle(ConcludeEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8)), CENTRE)
    clock.set(D(2028, 1, 10))
    locked = year.handle(ConcludeEvaluation(scope_id="district", year=2027, on=D(2028, 1, 10)), CENTRE)
    liu = locked.result("m-liu")
    assert liu is not None
    assert (liu.previous_grade, liu.grade) == (Grade.INCOMPETENT, Grade.INCOMPETENT)
    assert liu.flags == (StaffingFlag.CONSECUTIVE_INCOMPETENT,)
    assert locked.result("m-zhang").flags == ()  # type: ignore[union-attr]


def test_a_dispute_mediated_again_is_subsidised_once(year: MediationService, clock: StoryClock) -> None:
    year.handle(ConcludeEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8)), CENTRE)
    year.policy = attrs.evolve(year.policy, repeat_window_days=365)
    parties = year.case_file("walkthrough-0001", MEDIATOR).state.parties
    clock.set(D(2027, 2, 1))
    again = year.handle(
        c.ReceiveDispute(
            case_id="again",
            room_id=ROOM,
            received_on=D(2027, 2, 1),
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary="排水沟再次堵塞",
            parties=parties,
        ),
        MEDIATOR,
    )
    assert again.repeat_of == "walkthrough-0001"
    for command in (
        c.AcceptCase(case_id="again", on=D(2027, 2, 1)),
        c.AssignMediator(case_id="again", mediator_id="m-liu", presiding=True, on=D(2027, 2, 1)),
        c.NotifyRights(case_id="again", on=D(2027, 2, 1)),
        c.StartMediation(case_id="again", on=D(2027, 2, 1)),
        c.HoldSession(
            case_id="again",
            on=D(2027, 2, 1),
            place="调解室",
            mediator_ids=("m-liu",),
            party_ids=("p1", "p2"),
            summary="调解",
        ),
        c.ReachOralAgreement(case_id="again", on=D(2027, 2, 1), content="当场清理"),
        c.RecordFollowUp(
            case_id="again",
            on=D(2027, 2, 1),
            visitor_id="m-liu",
            party_id="p1",
            performance=Performance.PERFORMED,
            satisfaction=Satisfaction.SATISFIED,
        ),
        c.FileDocument(case_id="again", item=CaseFileItem.IDENTITY_PROOF, title="身份证复印件", on=D(2027, 2, 1)),
        c.FileDocument(case_id="again", item=CaseFileItem.BACK_COVER, title="封底", on=D(2027, 2, 1)),
        c.ArchiveCase(case_id="again", on=D(2027, 2, 1), archivist_id="m-liu"),
    ):
        year.handle(command, MEDIATOR)
    row = year.store.ledger_row("again")
    assert row is not None
    assert eligible(row)  # settled, filed and performed: only the dispute rule stands in the way
    clock.set(D(2028, 1, 10))
    preview = {r.mediator_id: r for r in year.evaluation_preview(2027, "district", CENTRE)}
    assert preview["m-liu"].facts.settled == 1
    assert preview["m-liu"].subsidies == ()  # the dispute was paid in the 2026 round
    fresh = {r.mediator_id: r for r in year.evaluation_preview(2027, ROOM, CENTRE)}
    assert fresh["m-liu"].subsidies == ()  # whichever round asks


@pytest.mark.rule("one_subsidy_per_dispute")
def test_a_round_never_locks_a_second_subsidy_for_a_dispute(year: MediationService) -> None:
    ctx = year.context(year.clock())
    inputs = evaluation_inputs(
        year.store, year.registry(), year.policy, scope_id="district", year=2026, today=D(2027, 1, 8)
    )
    (line,) = inputs.subsidies
    command = ConcludeEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8))
    for bad in (
        attrs.evolve(inputs, paid_disputes=frozenset({line.dispute_id})),  # paid by an earlier round
        attrs.evolve(inputs, subsidies=(line, attrs.evolve(line, case_id="again"))),  # twice in this one
    ):
        with pytest.raises(RuleViolationError) as err:
            EVALUATION_ROUNDS.execute(command, None, EVALUATION_ROUNDS.inputs(ctx, evaluation=bad))
        assert err.value.rules == {"one_subsidy_per_dispute"}
    _, state = EVALUATION_ROUNDS.execute(command, None, EVALUATION_ROUNDS.inputs(ctx, evaluation=inputs))
    assert state.result("m-zhang").subsidy_total == Decimal(50)  # type: ignore[union-attr]


def test_a_county_adds_an_evaluation_item(clock: StoryClock) -> None:
    class County:
        @hookimpl
        def mediation_evaluation_items(self):  # type: ignore[no-untyped-def]
            yield EvaluationItem(
                code="county_training",
                dimension=Dimension.DUTY,
                title_zh="县级培训",
                title_en="county training",
                max_points=10,
                measure=lambda facts, policy: capped(facts.trainings, 4),
            )

    plugins = load_plugins(autoload=False, strict=True, plugins=[County()])
    assert "county_training" in plugins.evaluation_items()
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    round_inputs = EVALUATION_AGGREGATE.lookup(
        Reading(store=service.store, party_keyer=service.party_keyer, evaluation_items=service.evaluation_items),
        ConcludeEvaluation(scope_id="district", year=2026, on=D(2027, 1, 8)),
        service.context(clock()),
    )
    assert "county_training" in round_inputs["evaluation_items"]  # what a round's decision reads

    class Clash:
        @hookimpl
        def mediation_evaluation_items(self):  # type: ignore[no-untyped-def]
            yield attrs.evolve(BUILT_IN_ITEMS[0])

    with pytest.raises(PluginError, match="meeting_attendance"):
        load_plugins(autoload=False, strict=True, plugins=[Clash()]).evaluation_items()
