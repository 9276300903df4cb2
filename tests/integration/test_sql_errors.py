"""Driver errors reach callers as the core's storage errors, never as driver exceptions."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from mediation_core.app.ports import Append
from mediation_core.domain.errors import (
    ConcurrencyConflictError,
    IntegrityError,
    OperationalError,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
)
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.records import RecordedEvent
from mediation_core.testing.storage import T0, append, append_of, chain, deadline, row_for
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy.errors import translate, translate_commit


def test_a_locked_sqlite_database_is_an_operational_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    store = open_sqlalchemy(str(path), sqlite_busy_timeout=0.05)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with (
            pytest.raises(StoreBusyError, match=f"^store busy: the SQLite file {re.escape(str(path))} is locked"),
            store.transaction() as tx,
        ):
            tx.read("c")
        holder.execute("ROLLBACK")
        append(store, "c", [{"a": 1}])  # and the store works again once the lock is gone
        assert len(store.read("c")) == 1
    finally:
        holder.close()
        store.close()


def test_an_unreachable_server_is_store_unavailable_naming_the_server() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(
        StoreUnavailableError, match=r"^store unavailable: the PostgreSQL database test at 127\.0\.0\.1:1 "
    ):
        open_sqlalchemy("postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2")


@pytest.mark.parametrize(
    ("error", "expected", "start"),
    [
        ("DiskFull", StoreFullError, "disk full: the PostgreSQL database test at db:5432 has no space left"),
        ("AdminShutdown", StoreUnavailableError, "store unavailable: the PostgreSQL database test at db:5432"),
        ("CrashShutdown", StoreUnavailableError, "store unavailable:"),
        ("LockNotAvailable", StoreBusyError, "store busy: the PostgreSQL database test at db:5432 is locked"),
        ("SerializationFailure", ConcurrencyConflictError, "SerializationFailure"),
        ("UndefinedTable", StoreError, "UndefinedTable"),
    ],
)
def test_postgresql_errors_by_sqlstate_are_the_core_errors_naming_the_server(
    error: str, expected: type[Exception], start: str
) -> None:
    """Faults the tests cannot cause on a shared server (a full disk, a crash), translated from
    the driver's own exception classes."""
    psycopg = pytest.importorskip("psycopg")
    exc = getattr(psycopg.errors, error)("server said\nno")
    translated = translate(exc, psycopg, "the PostgreSQL database test at db:5432")
    assert type(translated) is expected
    assert str(translated).startswith(start)
    assert "\n" not in str(translated)


def test_only_a_connection_lost_during_the_commit_may_have_written() -> None:
    psycopg = pytest.importorskip("psycopg")
    lost = translate_commit(psycopg.OperationalError("server closed the connection unexpectedly"), psycopg, "there")
    assert isinstance(lost, StoreUnavailableError)
    assert lost.maybe_written
    assert str(lost).startswith("store unavailable: the connection to there was lost during the commit")
    refused = translate_commit(psycopg.errors.UniqueViolation("duplicate"), psycopg, "there")
    assert type(refused) is IntegrityError
    before = translate(psycopg.OperationalError("server closed the connection unexpectedly"), psycopg, "there")
    assert isinstance(before, StoreUnavailableError)
    assert not before.maybe_written


def test_a_sqlite_error_that_is_no_fault_of_the_disk_stays_an_operational_error() -> None:
    error = translate(sqlite3.OperationalError("no such table: events"), sqlite3, "the SQLite file x")
    assert type(error) is OperationalError
    assert str(error) == "the SQLite file x: OperationalError: no such table: events"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://", "file path"),
        ("sqlite:///:memory:", "file path"),
        ("mysql://root@127.0.0.1/test", "unsupported database"),
        ("sqlite+pysqlcipher:///x.db", "standard library driver"),
    ],
)
def test_unsupported_urls_are_refused_with_a_reason(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_sqlalchemy(url)


def test_an_amount_finer_than_a_fen_is_refused_and_nothing_is_written(database_urls: Callable[[], str]) -> None:
    store = open_sqlalchemy(database_urls())
    try:
        with store.transaction() as tx:
            with pytest.raises(IntegrityError, match="amount_involved"):
                tx.append(
                    append_of(
                        "c",
                        chain("c", [{"a": 1}]),
                        row=row_for("c", 1, amount_involved=Decimal("0.005")),
                    )
                )
            tx.commit()
        assert store.read("c") == []
        assert list(store.stream_ids()) == []
    finally:
        store.close()


@pytest.mark.postgres
def test_text_postgresql_cannot_hold_is_a_store_error(postgres_schemas: Callable[[], str]) -> None:
    store = open_sqlalchemy(postgres_schemas())
    try:
        with store.transaction() as tx:
            tx.append(append_of("c", chain("c", [{"a": 1}]), row=row_for("c", 1, summary="a\x00b")))
            with pytest.raises(StoreError, match="NUL"):
                tx.commit()  # the SQL store writes a unit's rows when it commits
        assert store.read("c") == []
    finally:
        store.close()


def test_a_write_the_database_refuses_at_commit_writes_nothing(tmp_path: Path) -> None:
    """A failure the contract does not foresee (here a deadline the table rejects) surfaces
    when the unit writes its rows, at commit: nothing of the unit is written."""
    store = open_sqlalchemy(str(tmp_path / "s.sqlite3"))
    try:
        with store.transaction() as tx:
            tx.append(append_of("b", chain("b", [{"b": 1}])))
            tx.append(
                Append(
                    stream_id="c",
                    expected_version=0,
                    records=chain("c", [{"c": 1}]),
                    row=row_for("c", 1),
                    deadlines=[deadline(DeadlineKind.FOLLOW_UP, None)],  # type: ignore[arg-type]
                    notices=(),
                    created_at=T0 + dt.timedelta(seconds=1),
                )
            )
            with pytest.raises(IntegrityError):
                tx.commit()
        assert list(store.stream_ids()) == []
        append(store, "b", [{"b": 1}])  # and the database is usable at once
        assert len(store.read("b")) == 1
    finally:
        store.close()


@pytest.mark.postgres
def test_a_writer_that_got_in_first_is_a_conflict_at_commit(
    postgres_schemas: Callable[[], str], caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL lets two units read at once: the one that read before the other's commit
    learns of it when it writes, at its own commit, and writes nothing. The conflict is the
    error, and the only word of it: the driver logs nothing beside it."""
    store = open_sqlalchemy(postgres_schemas())
    caplog.set_level(logging.DEBUG)
    try:
        base = append(store, "c", [{"a": 1}])
        with store.transaction() as late, store.transaction() as early:
            assert late.read("c") == base  # the late writer sees version 1
            early.append(_next(base, "early"))
            early.commit()
            late.append(_next(base, "late"))  # still version 1 as far as this unit knows
            with pytest.raises(ConcurrencyConflictError):
                late.commit()
        assert [r.body for r in store.read("c")] == [{"a": 1}, {"early": 1}]
        assert store.verify() == []
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    finally:
        store.close()


@pytest.mark.postgres
def test_two_writers_creating_one_stream_is_a_conflict_and_the_driver_logs_nothing(
    postgres_schemas: Callable[[], str], caplog: pytest.LogCaptureFixture
) -> None:
    store = open_sqlalchemy(postgres_schemas())
    caplog.set_level(logging.DEBUG)
    try:
        for n in range(5):
            stream = f"new-{n}"
            with store.transaction() as late, store.transaction() as early:
                assert late.read(stream) == []
                early.append(_first(stream, "early"))
                early.commit()
                late.append(_first(stream, "late"))
                with pytest.raises(ConcurrencyConflictError, match="another writer"):
                    late.commit()
            assert [r.body for r in store.read(stream)] == [{"early": 1}]
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    finally:
        store.close()


def _first(stream: str, name: str) -> Append:
    return append_of(stream, chain(stream, [{name: 1}]))


def _next(base: list[RecordedEvent], name: str) -> Append:
    return append_of("c", chain("c", [{name: 1}], after=base))
