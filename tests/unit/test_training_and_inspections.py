"""Training records (person-times) and supervision inspections with rectification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from builders import ROOM
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.errors import AuthorisationError, NotFoundError, RuleViolationError
from mediation_core.domain.inspection.commands import RecordInspection, RecordRectification
from mediation_core.domain.inspection.state import InspectionStatus
from mediation_core.domain.training.commands import CorrectTrainees, RecordTraining
from mediation_core.domain.training.trainees import Trainee, TrainingKind
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.periods import Period

D = dt.date
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="district")
DIRECTOR = Actor(actor_id="m-zhang", role=Role.ROOM_DIRECTOR, scope_id=ROOM)
ZHANG = Trainee(person_id="m-zhang", name="张明", org_id=ROOM)
LIU = Trainee(person_id="m-liu", name="刘芳", org_id=ROOM)
CHEN = Trainee(person_id="p1", name="陈警官", org_id="pengshanlu-station")


def refused(service: MediationService, command: object, actor: Actor = CENTRE) -> RuleViolationError:
    with pytest.raises(RuleViolationError) as err:
        service.handle(command, actor)
    return err.value


def training(**more: object) -> RecordTraining:
    fields: dict[str, object] = {
        "training_id": "",
        "org_id": "baiyang-justice",
        "on": D(2026, 5, 6),
        "title": "人民调解法专题培训",
        "kind": TrainingKind.LEGAL_COURSE,
        "hours": Decimal(3),
        "trainees": (ZHANG, LIU, CHEN),
    }
    return RecordTraining(**{**fields, **more})  # type: ignore[arg-type]


@pytest.mark.rule("training_recorded")
def test_a_training_records_organiser_title_length_and_trainees(service: MediationService) -> None:
    admin = Actor(actor_id="a", role=Role.ADMINISTRATOR, scope_id="district")
    err = refused(service, training(org_id="nowhere", title=" ", hours=Decimal(0), trainees=(ZHANG, ZHANG)), admin)
    assert [v.field for v in err.violations] == ["org_id", "title", "hours", "trainees[1]"]
    err = refused(service, training(trainees=()))
    assert [v.field for v in err.violations] == ["trainees"]


@pytest.mark.rule("training_correction_explained")
@pytest.mark.rule("training_lifecycle")
def test_person_times_and_corrections(service: MediationService, clock: StoryClock) -> None:
    first = service.handle(training(), CENTRE)
    service.handle(training(kind=TrainingKind.SHADOWING, title="跟班轮训", hours=Decimal(8), trainees=(LIU,)), CENTRE)
    lines = {line.org_id: line for line in service.training_report(Period.month(2026, 5), "district", CENTRE)}
    assert (lines[ROOM].sessions, lines[ROOM].person_times, lines[ROOM].persons, lines[ROOM].hours) == (2, 3, 2, 14)
    assert lines["pengshanlu-station"].person_times == 1
    assert [line.org_id for line in service.training_report(Period.month(2026, 5), ROOM, DIRECTOR)] == [ROOM]
    err = refused(
        service, CorrectTrainees(training_id=first.stream_id, on=D(2026, 5, 6), trainees=first.trainees, reason="")
    )
    assert {v.field for v in err.violations} == {"reason", "trainees"}
    corrected = service.handle(
        CorrectTrainees(training_id=first.stream_id, on=D(2026, 5, 6), trainees=(ZHANG, LIU), reason="陈警官未到场"),
        CENTRE,
    )
    assert corrected.corrections == 1
    lines = {line.org_id: line for line in service.training_report(Period.month(2026, 5), "district", CENTRE)}
    assert "pengshanlu-station" not in lines
    err = refused(service, training(training_id=first.stream_id))
    assert err.rules == {"training_lifecycle"}
    with pytest.raises(NotFoundError):
        service.handle(CorrectTrainees(training_id="nope", on=D(2026, 5, 6), trainees=(ZHANG,), reason="x"), CENTRE)


def inspection(**more: object) -> RecordInspection:
    fields: dict[str, object] = {
        "inspection_id": "",
        "org_id": ROOM,
        "by_org_id": "centre",
        "on": D(2026, 5, 6),
        "inspectors": ("王科长",),
        "findings": "台账登记及时，卷宗装订规范",
        "problems": ("两起案件未按期回访",),
        "rectification_due": D(2026, 5, 20),
    }
    return RecordInspection(**{**fields, **more})  # type: ignore[arg-type]


@pytest.mark.rule("inspection_recorded")
@pytest.mark.rule("rectification_dated")
def test_an_inspection_records_what_was_found_and_dates_the_rectification(service: MediationService) -> None:
    err = refused(service, inspection(org_id="nowhere", inspectors=(), findings="", problems=("",)))
    assert [v.field for v in err.violations] == ["org_id", "inspectors", "findings", "problems"]
    err = refused(service, inspection(rectification_due=None))
    assert err.rules == {"rectification_dated"}
    err = refused(service, inspection(rectification_due=D(2026, 5, 5)))
    assert err.rules == {"rectification_dated"}
    err = refused(service, inspection(problems=(), rectification_due=D(2026, 5, 20)))
    assert err.rules == {"rectification_dated"}
    clean = service.handle(inspection(problems=(), rectification_due=None), CENTRE)
    assert clean.deadlines == ()


@pytest.mark.rule("rectification_reported")
@pytest.mark.rule("inspection_lifecycle")
def test_rectification_closes_the_deadline_and_the_report_tells_late_from_open(
    service: MediationService, clock: StoryClock
) -> None:
    late = service.handle(inspection(), CENTRE)
    on_time = service.handle(inspection(rectification_due=D(2026, 5, 30)), CENTRE)
    still_open = service.handle(inspection(), CENTRE)
    clean = service.handle(inspection(problems=(), rectification_due=None), CENTRE)
    assert [(sid, d.kind) for sid, d in service.store.deadlines_due(D(2026, 5, 20))] == [
        (late.stream_id, DeadlineKind.RECTIFICATION),
        (still_open.stream_id, DeadlineKind.RECTIFICATION),
    ]
    clock.set(D(2026, 5, 25))
    err = refused(service, RecordRectification(inspection_id=clean.stream_id, on=D(2026, 5, 25), note=""), DIRECTOR)
    assert {v.field for v in err.violations} == {"inspection_id", "note"}
    err = refused(service, RecordRectification(inspection_id=late.stream_id, on=D(2026, 5, 5), note="已回访"), DIRECTOR)
    assert [v.field for v in err.violations] == ["on"]
    done = service.handle(
        RecordRectification(inspection_id=late.stream_id, on=D(2026, 5, 25), note="已补回访"), DIRECTOR
    )
    assert (done.status, done.rectified_late, done.deadlines) == (InspectionStatus.RECTIFIED, True, ())
    service.handle(RecordRectification(inspection_id=on_time.stream_id, on=D(2026, 5, 25), note="已补回访"), DIRECTOR)
    err = refused(service, RecordRectification(inspection_id=late.stream_id, on=D(2026, 5, 25), note="再次"), DIRECTOR)
    assert err.rules == {"inspection_lifecycle"}
    (line,) = service.inspection_report(Period.month(2026, 5), "district", CENTRE)
    assert (line.org_id, line.inspections, line.problems) == (ROOM, 4, 3)
    assert (line.rectified_on_time, line.rectified_late, line.open, line.overdue) == (1, 1, 1, 1)


def test_who_records_inspections_and_rectifications(service: MediationService) -> None:
    with pytest.raises(AuthorisationError):
        service.handle(inspection(), DIRECTOR)  # a room does not inspect itself for the centre
    with pytest.raises(AuthorisationError):
        service.inspection_report(Period.month(2026, 5), "district", DIRECTOR)
