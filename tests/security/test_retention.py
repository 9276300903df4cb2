"""Anonymising archived case files after the retention period (个人信息保护法 arts. 19, 47;
docs/legal-basis.md §9 rule 38): when it is allowed, by whom, how it is logged, and that the
re-sealed chain still shows tampering."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import AuthorisationError, RuleViolationError
from mediation_core.domain.values.actors import SYSTEM_ACTOR
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy.engine import create_engine

ARCHIVED = dt.date(2026, 5, 22)  # the scenario's archive day; ten years' retention by default


def archived_service(store: object | None = None) -> tuple[MediationService, sc.ScriptClock]:
    clock = sc.ScriptClock()
    service = MediationService(store or MemoryStore(), clock=clock, identity_key=b"k" * 32)  # type: ignore[arg-type]
    service.register(demo_registry(), sc.ADMIN)
    sc.run(service.handle, clock, sc.lifecycle("case-1"))
    return service, clock


def at(clock: sc.ScriptClock, day: dt.date) -> dt.date:
    clock.now = dt.datetime.combine(day, dt.time(10), CHINA_TZ)
    return day


@pytest.mark.rule("retention_period_ended")
def test_parties_are_anonymised_only_once_the_retention_period_has_ended() -> None:
    service, clock = archived_service()
    early = at(clock, dt.date(2036, 5, 21))
    with pytest.raises(RuleViolationError) as refused:
        service.handle(c.AnonymiseParties(case_id="case-1", on=early), sc.ADMIN)
    assert [(v.rule, v.field) for v in refused.value.violations] == [("retention_period_ended", "on")]
    assert "2036-05-22" in str(refused.value)
    assert service.case_file("case-1", sc.ADMIN).state.parties[0].name == "王建国"
    state = service.handle(c.AnonymiseParties(case_id="case-1", on=at(clock, dt.date(2036, 5, 22))), sc.ADMIN)
    assert [p.name for p in state.parties] == ["王某", "李某"]
    assert state.anonymised_on == dt.date(2036, 5, 22)


@pytest.mark.rule("retention_period_ended")
def test_a_case_not_archived_is_not_anonymised() -> None:
    clock = sc.ScriptClock()
    service = MediationService(MemoryStore(), clock=clock, identity_key=b"k" * 32)
    service.register(demo_registry(), sc.ADMIN)
    sc.run(service.handle, clock, sc.lifecycle("case-1")[:3])
    with pytest.raises(RuleViolationError) as refused:
        service.handle(c.AnonymiseParties(case_id="case-1", on=at(clock, dt.date(2040, 1, 1))), sc.ADMIN)
    assert {v.rule for v in refused.value.violations} >= {"transition_allowed", "retention_period_ended"}


@pytest.mark.rule("anonymised_once")
def test_a_case_is_anonymised_once_and_the_sweep_skips_it() -> None:
    service, clock = archived_service()
    on = at(clock, dt.date(2037, 1, 4))
    assert [e.case_id for e in service.anonymise_expired(on, SYSTEM_ACTOR)] == ["case-1"]
    with pytest.raises(RuleViolationError) as refused:
        service.handle(c.AnonymiseParties(case_id="case-1", on=on), sc.ADMIN)
    assert [v.rule for v in refused.value.violations] == ["anonymised_once"]
    assert service.anonymise_expired(on, SYSTEM_ACTOR) == []
    assert len(service.reseals(sc.ADMIN)) == 1


def test_only_administrators_and_the_system_anonymise_and_a_refusal_is_logged() -> None:
    service, clock = archived_service()
    on = at(clock, dt.date(2037, 1, 4))
    with pytest.raises(AuthorisationError):
        service.handle(c.AnonymiseParties(case_id="case-1", on=on), sc.MEDIATOR)
    with pytest.raises(AuthorisationError):
        service.anonymise_expired(on, sc.MEDIATOR)
    assert [d.action for d in service.access_denials(sc.ADMIN)] == ["handle:AnonymiseParties", "anonymise_expired"]
    assert service.case_file("case-1", sc.ADMIN).state.anonymised_on is None


def test_a_dry_run_lists_the_expired_files_and_writes_nothing() -> None:
    service, clock = archived_service()
    on = at(clock, dt.date(2037, 1, 4))
    listed = service.anonymise_expired(on, sc.ADMIN, dry_run=True)
    assert [(e.case_id, e.expired_on, e.anonymised) for e in listed] == [("case-1", dt.date(2036, 5, 22), False)]
    assert service.case_file("case-1", sc.ADMIN).state.anonymised_on is None
    assert service.anonymise_expired(at(clock, dt.date(2036, 5, 21)), sc.ADMIN, dry_run=True) == []


def test_the_resealed_chain_is_logged_and_still_shows_tampering(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = open_sqlalchemy(f"sqlite:///{path}")
    try:
        service, clock = archived_service(store)
        before = store.read("case-1")
        on = at(clock, dt.date(2037, 1, 4))
        service.anonymise_expired(on, SYSTEM_ACTOR)
        after = store.read("case-1")
        marker = after[-1]
        assert marker.body["previous_head"] == before[-1].hash
        assert marker.body["events_rewritten"] == len(before)
        (entry,) = service.reseals(sc.ADMIN, case_id="case-1")
        assert (entry.actor, entry.previous_head, entry.resealed_head) == (
            str(SYSTEM_ACTOR),
            before[-1].hash,
            after[len(before) - 1].hash,
        )
        assert store.verify() == []
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE events SET body = replace(body, '王某', '王建国') WHERE stream_id = 'case-1'")
        broken = store.verify()
        assert [(b.stream_id, b.position) for b in broken] == [("case-1", 1)]
    finally:
        store.close()


def test_every_sqlite_connection_zeroes_deleted_content_whatever_the_builds_default(tmp_path: Path) -> None:
    """``secure_delete`` is set by the store on each new connection, not left to how SQLite
    was compiled: a connection that starts with it off (as many builds do) has it on."""
    path = tmp_path / "store.sqlite"

    def build_with_secure_delete_off() -> sqlite3.Connection:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA secure_delete=OFF")
        return conn

    engine = create_engine(f"sqlite:///{path}", creator=build_with_secure_delete_off)
    try:
        for _ in range(2):  # a fresh connection each time
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            engine.dispose()
    finally:
        engine.dispose()
    store = open_sqlalchemy(f"sqlite:///{path}")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        store.close()
