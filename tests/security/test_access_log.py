"""Refusals: a clear error to the caller, and an entry in the access log that only
administrators read. Scopes that do not fit the role cover nothing."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest

from builders import ADMIN, LIAISON, MEDIATOR, ROOM, referral
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import AuthorisationError, RuleViolationError
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.values.access import access_log_stream
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.periods import Period
from mediation_core.plugins.manager import Plugins
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy

STRANGER = Actor(actor_id="m-x", role=Role.MEDIATOR, scope_id="another-room")
MAY_6 = dt.date(2026, 5, 6)


@pytest.fixture
def filed(service: MediationService, clock: StoryClock) -> MediationService:
    clock.set(MAY_6)
    script = sc.lifecycle("case-1")[:2]
    for _, command in script:
        service.handle(command, MEDIATOR)
    return service


def test_a_refused_command_says_who_may_not_do_what_and_is_logged(filed: MediationService) -> None:
    with pytest.raises(AuthorisationError) as refused:
        filed.handle(c.StartMediation(case_id="case-1", on=MAY_6), STRANGER)
    assert "mediator:m-x@another-room" in str(refused.value)
    assert "may not act on cases of room pengshanlu-room" in str(refused.value)
    (entry,) = filed.access_denials(ADMIN)
    assert (entry.actor, entry.role, entry.scope_id) == ("mediator:m-x@another-room", "mediator", "another-room")
    assert entry.action == "handle:StartMediation"
    assert entry.target == ROOM
    assert entry.reason == str(refused.value)
    assert [r.event_type for r in filed.store.read(entry.stream_id)] == ["access.denied"]
    assert [e.event_type for e in filed.store.read("case-1")][-1] == "case.accepted"  # nothing else written
    assert filed.verify(ADMIN) == []


def test_a_refused_query_is_logged_once_under_the_name_the_caller_used(filed: MediationService) -> None:
    with pytest.raises(AuthorisationError):
        filed.export_ledger(MEDIATOR, "json", [ROOM, "other-room"])
    with pytest.raises(AuthorisationError):
        filed.case_file("case-1", STRANGER)
    assert [(e.action, e.target) for e in filed.access_denials(ADMIN)] == [
        ("export_ledger", "other-room"),
        ("case_file", "case-1"),
    ]


def test_the_access_log_is_for_administrators_and_filters_by_actor_role_and_day(
    filed: MediationService, clock: StoryClock
) -> None:
    for actor in (STRANGER, LIAISON, STRANGER):
        with pytest.raises(AuthorisationError):
            filed.case_file("case-1", actor)
    clock.set(MAY_6 + dt.timedelta(days=1))
    with pytest.raises(AuthorisationError):
        filed.access_denials(MEDIATOR)  # refused, and logged like any other refusal
    assert len(filed.access_denials(ADMIN)) == 4
    assert len(filed.access_denials(ADMIN, actor_id="m-x")) == 2
    assert len(filed.access_denials(ADMIN, role=Role.STATION_LIAISON)) == 1
    (next_day,) = filed.access_denials(
        ADMIN, period=Period(start=MAY_6 + dt.timedelta(days=1), end=dt.date(2026, 5, 31))
    )
    assert next_day.action == "access_denials"
    assert [s for s in filed.store.stream_ids() if s.startswith("access-log:")] == [
        access_log_stream(MAY_6),
        access_log_stream(MAY_6 + dt.timedelta(days=1)),
    ]
    assert filed.documents("access-denial", ADMIN) != []
    assert (
        filed.documents("access-denial", Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="district")) == []
    )


def test_refusals_inside_a_bulk_unit_are_logged_after_it(filed: MediationService) -> None:
    with filed.bulk() as batch:
        with pytest.raises(AuthorisationError):
            batch.handle(c.StartMediation(case_id="case-1", on=MAY_6), STRANGER)
        batch.handle(c.NotifyRights(case_id="case-1", on=MAY_6), MEDIATOR)
        assert filed.access_denials(ADMIN) == []  # not before the unit ends
    assert [e.action for e in filed.access_denials(ADMIN)] == ["bulk:StartMediation"]


def test_a_refusal_the_store_cannot_record_still_reaches_the_caller(
    filed: MediationService, caplog: pytest.LogCaptureFixture
) -> None:
    filed.store.close()
    with caplog.at_level(logging.ERROR, "mediation_core.access"), pytest.raises(AuthorisationError):
        filed.case_file("case-1", STRANGER)
    assert "could not record a refusal of case_file" in caplog.text


def test_a_rule_violation_is_not_a_refusal(filed: MediationService) -> None:
    with pytest.raises(RuleViolationError):
        filed.handle(c.StartMediation(case_id="case-1", on=MAY_6 - dt.timedelta(days=1)), MEDIATOR)
    assert filed.access_denials(ADMIN) == []


def test_refusals_are_logged_on_sqlite_after_the_refused_unit_let_go_of_the_lock(
    plugins: Plugins, clock: StoryClock, sqlite_files: Callable[[], str]
) -> None:
    store = open_sqlalchemy(sqlite_files(), sqlite_busy_timeout=1)
    service = MediationService(store, plugins=plugins, clock=clock, identity_key=b"k")
    try:
        service.register(demo_registry(), ADMIN)
        clock.set(MAY_6)
        for _, command in sc.lifecycle("case-1")[:2]:
            service.handle(command, MEDIATOR)
        with pytest.raises(AuthorisationError):
            service.handle(c.StartMediation(case_id="case-1", on=MAY_6), STRANGER)
        (entry,) = service.access_denials(ADMIN)
        assert entry.action == "handle:StartMediation"
        assert service.verify(ADMIN) == []
    finally:
        store.close()


# -- scopes ------------------------------------------------------------------------------------------
def test_a_scope_that_does_not_fit_the_role_covers_nothing(filed: MediationService) -> None:
    claims_district = Actor(actor_id="m-zhang", role=Role.MEDIATOR, scope_id="district")
    assert filed.ledger(claims_district) == []
    with pytest.raises(AuthorisationError):
        filed.case_file("case-1", claims_district)
    with pytest.raises(AuthorisationError):
        filed.handle(c.StartMediation(case_id="case-1", on=MAY_6), claims_district)
    station_as_township = Actor(actor_id="t", role=Role.TOWNSHIP, scope_id="pengshanlu-station")
    assert filed.ledger(station_as_township) == []


def test_an_office_stands_for_the_area_it_sits_in(filed: MediationService) -> None:
    by_office = Actor(actor_id="j", role=Role.JUSTICE_OFFICE, scope_id="baiyang-justice")
    by_area = Actor(actor_id="j", role=Role.JUSTICE_OFFICE, scope_id="baiyang")
    assert [r.case_id for r in filed.ledger(by_office)] == [r.case_id for r in filed.ledger(by_area)] == ["case-1"]
    centre = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="centre")
    assert filed.statistics(Period.month(2026, 5), "district", centre).scope_id == "district"
    governance = Actor(actor_id="g", role=Role.TOWNSHIP, scope_id="baiyang-governance")
    assert len(filed.ledger(governance)) == 1


def test_a_station_reads_its_own_letters_and_their_outcomes_not_the_rooms_other_records(
    service: MediationService, clock: StoryClock
) -> None:
    clock.set(MAY_6)
    own = service.handle(referral(MAY_6), LIAISON)
    accepted = service.handle(rc.AcceptReferral(referral_id=own.referral_id, on=MAY_6), MEDIATOR)
    court = service.handle(
        rc.IssueReferral(
            referral_id="",
            room_id=ROOM,
            source=referral(MAY_6).source.COURT,
            mode=referral(MAY_6).mode,
            issuer_id="court-1",
            issuer_name="区人民法院",
            letter_number="（2026）法委调字第1号",
            signed_by="法官",
            issued_on=MAY_6,
            category="neighbourhood",
            cause="合同纠纷",
            facts="法院委托调解",
            parties=referral(MAY_6).parties,
            consents=referral(MAY_6).consents,
        ),
        MEDIATOR,
    )
    assert service.referral(own.referral_id, LIAISON).case_id == accepted.case_id
    with pytest.raises(AuthorisationError):
        service.referral(court.referral_id, LIAISON)
    assert [d.key for d in service.documents("referral", LIAISON)] == [own.referral_id]
    assert {d.key for d in service.documents("referral", MEDIATOR)} == {own.referral_id, court.referral_id}
    with pytest.raises(AuthorisationError):
        service.case_file(accepted.case_id, LIAISON)  # the outcome, not the case file


def test_naming_a_room_out_of_scope_is_refused_not_silently_emptied(filed: MediationService) -> None:
    with pytest.raises(AuthorisationError, match="other-room"):
        filed.ledger(MEDIATOR, ["other-room"])
    assert [r.case_id for r in filed.ledger(MEDIATOR, [ROOM])] == ["case-1"]


def test_system_operations_are_for_the_system_and_administrators(filed: MediationService) -> None:
    for operation in (
        lambda: filed.verify(MEDIATOR),
        lambda: filed.sweep(actor=MEDIATOR),
        lambda: filed.dead_letters(MEDIATOR),
        lambda: filed.register(demo_registry(), MEDIATOR),
    ):
        with pytest.raises(AuthorisationError):
            operation()
    assert filed.verify() == []  # the system itself
    assert len(filed.access_denials(ADMIN)) == 4


def test_an_internal_command_is_refused_and_logged(filed: MediationService) -> None:
    internal = rc.INTERNAL[0]
    import attrs

    fields = {f.name: None for f in attrs.fields(internal)}
    with pytest.raises(AuthorisationError, match="consequence of another command"):
        filed.handle(internal(**fields), ADMIN)
    assert [e.action for e in filed.access_denials(ADMIN)] == [f"handle:{internal.__name__}"]


def test_memory_store_service_has_a_log_per_day(plugins: Plugins, clock: StoryClock) -> None:
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    service.register(demo_registry(), ADMIN)
    with pytest.raises(AuthorisationError):
        service.ledger(STRANGER, ["x"])
    (entry,) = service.access_denials(ADMIN)
    assert entry.stream_id == access_log_stream(clock().date())
