"""Round trips to PostgreSQL per command (ADR 0018): a command on a stream the service wrote
last waits for the server twice (its statements with ``BEGIN``, then ``COMMIT``); no ping
before a checkout, yet a connection the server dropped between commands costs the next
command nothing; a head remembered but moved or re-sealed by another writer is caught by the
commit, never written after."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sql_support import assert_every_case_whole, raw, run_cases, service_on

from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy.round_trips import RoundTrips, count_round_trips

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def _named(url: str) -> tuple[str, str]:
    """``url`` with an application name of its own, to find its server processes by."""
    name = f"rt-{uuid.uuid4().hex[:12]}"
    return f"{url}&application_name={name}", name


def _terminate(admin_url: str, name: str) -> int:
    """End every server process of the connections named ``name``; return how many."""
    with raw(admin_url) as conn:
        return len(
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"),
                {"n": name},
            ).all()
        )


def test_the_counter_counts_waits_not_messages() -> None:
    trace = "\n".join(
        [
            "F\t13\tParse",
            "F\t4\tSync",
            "B\t4\tParseComplete",
            "B\t5\tReadyForQuery",
            "F\t11\tQuery",
            "B\t5\tReadyForQuery",
        ]
    )
    assert count_round_trips(trace) == 2
    assert count_round_trips("") == 0


def test_a_command_on_a_stream_the_service_wrote_last_makes_two_round_trips(
    postgres_schemas: Callable[[], str],
) -> None:
    store = open_sqlalchemy(postgres_schemas())
    trips = RoundTrips(store.engine)
    try:
        service = service_on(store)
        clock = service.clock
        assert isinstance(clock, sc.ScriptClock)
        counts = []
        for moment, command in sc.lifecycle("case-00000", serial=0):
            clock.now = moment
            with trips.counting() as counted:
                service.handle(command, sc.MEDIATOR)
            counts.append((type(command).__name__, counted.value))
        # intake reads the empty stream and looks up repeat disputes (every party key in one pipeline)
        assert counts[0][1] <= 5, counts
        assert counts[1][1] <= 3, counts  # accepting draws the case number
        # every later command: the writes with BEGIN, then COMMIT
        assert [n for _, n in counts[2:]] == [2] * (len(counts) - 2), counts
        assert assert_every_case_whole(store) == 1
    finally:
        trips.close()
        store.close()


def test_a_connection_the_server_dropped_between_commands_goes_unnoticed(
    postgres_server: str, postgres_schemas: Callable[[], str]
) -> None:
    url, name = _named(postgres_schemas())
    store = open_sqlalchemy(url)
    try:
        service = service_on(store)
        run_cases(service, 1, steps=4)
        assert _terminate(postgres_server, name) >= 1  # every pooled connection is now dead
        run_cases(service, 2, first=1, steps=3)  # a new case, and a command on a remembered one
        sc.run(service.handle, service.clock, sc.lifecycle("case-00000", serial=0)[4:6])  # type: ignore[arg-type]
        assert store.ledger_row("case-00000") is not None
        assert assert_every_case_whole(store) == 3
    finally:
        store.close()


def test_a_unit_whose_connection_dies_before_its_first_statement_goes_on_on_another(
    postgres_server: str, postgres_schemas: Callable[[], str]
) -> None:
    url, name = _named(postgres_schemas())
    store = open_sqlalchemy(url)
    try:
        run_cases(service_on(store), 1, steps=2)
        with store.transaction() as tx:
            with tx.savepoint():  # the unit has its connection, and has sent nothing on it
                assert _terminate(postgres_server, name) >= 1  # the pooled ones die too
            assert len(tx.read("case-00000")) == 2
    finally:
        store.close()


def test_a_remembered_head_another_service_moved_is_read_before_the_command_is_decided(
    postgres_schemas: Callable[[], str],
) -> None:
    url = postgres_schemas()
    one, two = service_on(open_sqlalchemy(url)), service_on(open_sqlalchemy(url))
    try:
        script = sc.lifecycle("shared", serial=3)
        for service, (moment, command) in zip([one, one, two, two, one, one], script, strict=False):
            assert isinstance(service.clock, sc.ScriptClock)
            service.clock.now = moment
            state = service.handle(command, sc.MEDIATOR)  # ``one`` remembers version 2, not 4
            assert state.version == len(one.store.read("shared"))
        assert assert_every_case_whole(one.store) == 1
    finally:
        one.store.close()
        two.store.close()


def test_a_stream_whose_head_changed_under_the_remembered_one_is_not_appended_to(
    postgres_schemas: Callable[[], str],
) -> None:
    url = postgres_schemas()
    store = open_sqlalchemy(url)
    try:
        service = service_on(store)
        run_cases(service, 1, steps=3)
        with raw(url) as conn:  # the stream row names another head at the same version
            conn.execute(sa.text("UPDATE streams SET head_hash = :h WHERE stream_id = 'case-00000'"), {"h": "0" * 64})
        clock = service.clock
        assert isinstance(clock, sc.ScriptClock)
        moment, command = sc.lifecycle("case-00000", serial=0)[3]
        clock.now = moment
        with pytest.raises(ConcurrencyConflictError):
            service.handle(command, sc.MEDIATOR)
        assert len(store.read("case-00000")) == 3
    finally:
        store.close()
