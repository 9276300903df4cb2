"""The application layer: authorisation, atomic appends, notices, observers, sweeps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from builders import ADMIN, D0, MEDIATOR, PARTIES, ROOM, day
from mediation_core.app.bootstrap import Config, open_service
from mediation_core.app.ports import Append, DeliveryStatus
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry, main, render, walk
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import (
    AuthorisationError,
    CaseNotFoundError,
    ConcurrencyConflictError,
    RuleViolationError,
)
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.deadlines import DeadlineKind, Urgency
from mediation_core.domain.values.notices import NoticeKind
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.risks import RiskKind
from mediation_core.domain.values.sources import CaseSource
from mediation_core.plugins import hookimpl, load_plugins
from mediation_core.testing.storage import chain, row_for
from mediation_memory import MemoryStore


def receive(service: MediationService, actor: Actor = MEDIATOR, case_id: str = "") -> str:
    state = service.handle(
        c.ReceiveDispute(
            case_id=case_id,
            room_id=ROOM,
            received_on=D0,
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary="邻里纠纷",
            parties=PARTIES,
        ),
        actor,
    )
    return state.case_id


def test_a_new_case_gets_an_id_and_the_store_holds_it(service: MediationService) -> None:
    case_id = receive(service)
    assert case_id == "case-1"
    assert [r.version for r in service.store.read(case_id)] == [1]
    row = service.store.ledger_row(case_id)
    assert row is not None
    assert row.status is CaseStatus.RECEIVED


def test_a_rejected_command_writes_nothing(service: MediationService) -> None:
    case_id = receive(service)
    with pytest.raises(RuleViolationError):
        service.handle(c.StartMediation(case_id=case_id, on=D0), MEDIATOR)
    assert len(service.store.read(case_id)) == 1


def test_case_numbers_are_gap_free_even_after_a_refused_acceptance(service: MediationService) -> None:
    first, second = receive(service), receive(service)
    with pytest.raises(RuleViolationError):
        service.handle(c.AcceptCase(case_id=first, on=D0, fee_charged=Decimal(1)), MEDIATOR)
    assert service.handle(c.AcceptCase(case_id=second, on=D0), MEDIATOR).number == "（2026）彭调人调字第001号"
    assert service.handle(c.AcceptCase(case_id=first, on=D0), MEDIATOR).number == "（2026）彭调人调字第002号"


def test_actors_act_only_within_their_scope(service: MediationService) -> None:
    stranger = Actor(actor_id="m-x", role=Role.MEDIATOR, scope_id="another-room")
    with pytest.raises(AuthorisationError, match="another-room"):
        receive(service, stranger)
    case_id = receive(service)
    police = Actor(actor_id="p", role=Role.POLICE_OFFICER, scope_id="pengshanlu-station")
    with pytest.raises(AuthorisationError):
        service.handle(c.AcceptCase(case_id=case_id, on=D0), police)
    centre = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="district")
    assert service.case_file(case_id, centre).state.case_id == case_id
    assert [r.case_id for r in service.ledger(centre)] == [case_id]
    assert service.ledger(stranger) == []
    with pytest.raises(AuthorisationError):
        service.case_file(case_id, stranger)
    with pytest.raises(AuthorisationError):
        service.register(Registry(), MEDIATOR)


def test_unknown_cases_are_reported(service: MediationService) -> None:
    with pytest.raises(CaseNotFoundError):
        service.handle(c.AcceptCase(case_id="nope", on=D0), MEDIATOR)
    with pytest.raises(CaseNotFoundError):
        service.case_file("nope", ADMIN)


def test_a_risk_writes_a_notice_to_the_outbox_in_the_same_transaction(service: MediationService) -> None:
    case_id = receive(service)
    service.handle(c.FlagRisk(case_id=case_id, kind=RiskKind.CIVIL_TO_CRIMINAL, persons=4, on=D0), MEDIATOR)
    (entry,) = service.store.outbox()
    assert entry.status is DeliveryStatus.PENDING
    assert entry.notice.kind is NoticeKind.ESCALATION_RISK
    assert entry.notice.key == f"{case_id}:2:escalation_risk"
    assert {r.role for r in entry.notice.recipients} == {"station_liaison", "coordination_centre"}


def test_observers_see_each_committed_event(clock: StoryClock) -> None:
    seen: list[tuple[str, int]] = []

    class Observer:
        @hookimpl
        def mediation_event_recorded(self, event: object, state: object) -> None:
            seen.append((event.event_type, event.version))  # type: ignore[attr-defined]

    service = MediationService(MemoryStore(), plugins=load_plugins(autoload=False, plugins=[Observer()]), clock=clock)
    service.register(demo_registry(), ADMIN)
    case_id = receive(service)
    service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR)
    assert seen == [("case.received", 1), ("case.accepted", 2)]


def test_a_command_on_an_expected_version_is_refused_when_the_stream_moved(service: MediationService) -> None:
    case_id = receive(service)
    with pytest.raises(ConcurrencyConflictError, match="at version 1, not 2"):
        service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR, expected_version=2)
    assert len(service.store.read(case_id)) == 1
    with service.bulk() as batch, pytest.raises(ConcurrencyConflictError):
        batch.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR, expected_version=0)
    state = service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR, expected_version=1)
    assert state.version == 2


def test_the_state_view_masks_a_command_result_for_a_reader_outside_the_room(service: MediationService) -> None:
    case_id = receive(service)
    state = service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR)
    mine = service.state_view("case", case_id, state, MEDIATOR)
    assert mine.parties[0].id_number == PARTIES[0].id_number
    justice = Actor(actor_id="j-li", role=Role.JUSTICE_OFFICE, scope_id="baiyang-justice")
    theirs = service.state_view("case", case_id, state, justice)
    assert PARTIES[0].id_number[6:14] not in theirs.parties[0].id_number  # the birth date is masked
    stranger = Actor(actor_id="m-x", role=Role.MEDIATOR, scope_id="elsewhere-room")
    with pytest.raises(AuthorisationError):
        service.state_view("case", case_id, state, stranger)


def test_open_deadlines_are_those_of_the_cases_the_reader_may_read(service: MediationService) -> None:
    case_id = receive(service)
    service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR)
    due = service.open_deadlines(MEDIATOR)
    assert due
    assert {stream for stream, _ in due} == {case_id}
    assert [d.due for _, d in due] == sorted(d.due for _, d in due)
    stranger = Actor(actor_id="m-x", role=Role.MEDIATOR, scope_id="elsewhere-room")
    assert service.open_deadlines(stranger) == []
    assert service.open_deadlines(MEDIATOR, until=D0 - dt.timedelta(days=1)) == []


def test_a_concurrent_writer_gets_a_conflict_and_nothing_is_lost(service: MediationService) -> None:
    case_id = receive(service)
    store = service.store
    with store.transaction() as tx:
        tx.read(case_id)
        service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR)  # another writer commits first
        with pytest.raises(ConcurrencyConflictError):
            tx.append(
                Append(
                    stream_id=case_id,
                    expected_version=1,
                    records=chain(case_id, [{"x": 1}], after=store.read(case_id)[:1]),
                    row=row_for(case_id, 2),
                    deadlines=(),
                    notices=(),
                    created_at=service.clock(),
                )
            )
    assert [r.event_type for r in store.read(case_id)] == ["case.received", "case.accepted"]


def test_the_sweep_lists_due_and_overdue_deadlines(service: MediationService, clock: StoryClock) -> None:
    case_id = receive(service)
    service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR)
    service.handle(c.FlagRisk(case_id=case_id, kind=RiskKind.PUBLIC_ORDER, persons=2, on=D0), MEDIATOR)
    items = service.sweep(clock.now + dt.timedelta(days=2))
    assert [(i.deadline.kind, i.urgency) for i in items] == [(DeadlineKind.ESCALATION_REPORT, Urgency.OVERDUE)]
    items = service.sweep(dt.datetime.combine(day(31), dt.time(9), clock.now.tzinfo))
    assert [(i.deadline.kind, i.urgency, i.days_left) for i in items] == [
        (DeadlineKind.ESCALATION_REPORT, Urgency.OVERDUE, -30),
        (DeadlineKind.MEDIATION_TERM, Urgency.DUE_SOON, 2),
    ]


def test_the_walkthrough_archives_one_case_and_prints_its_file(clock: StoryClock) -> None:
    service = MediationService(MemoryStore(), plugins=load_plugins(autoload=False), clock=clock)
    case_file = walk(service, clock)
    assert case_file.state.status is CaseStatus.ARCHIVED
    assert service.verify() == []
    text = render(case_file)
    assert "（2026）彭调人调字第001号" in text
    assert "调解结果 (outcome): settled" in text
    assert text.count("\n  v") == len(case_file.records)


def test_the_main_job_runs_on_the_configured_store() -> None:
    text = main(Config(store="memory"))
    assert "案件卷宗 / case file （2026）彭调人调字第001号  (已归档 / archived)" in text


def test_open_service_uses_the_named_store_and_policy_hook(clock: StoryClock) -> None:
    class County:
        @hookimpl
        def mediation_policy(self, default: object, region: str) -> object:
            return attrs.evolve(default, policy_id="qingyang", mediation_term_days=20)

    service = open_service(Config(store="memory"), plugins=load_plugins(plugins=[County()]), clock=clock)
    assert service.policy.label == "qingyang@2026.1"
    assert isinstance(service.store, MemoryStore)


def test_ready_freezes_what_start_up_built_and_the_service_goes_on(service: MediationService) -> None:
    import gc

    receive(service)
    try:
        service.ready()
        assert gc.get_freeze_count() > 0  # the modules, the rulebook, the registry, the remembered case
        case_id = receive(service)
        row = service.store.ledger_row(case_id)
        assert row is not None
        assert row.status is CaseStatus.RECEIVED
    finally:
        gc.unfreeze()
