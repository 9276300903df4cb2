"""PostgreSQL restarted, or stopped, under a running service (a private cluster, never the
machine's shared server): the command whose connection was lost fails with one clear line and
writes nothing; the service carries on after the restart without being rebuilt (a pooled
connection is checked before a transaction begins on it); every case stays whole."""

from __future__ import annotations

import io
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from private_postgres import Cluster, binaries, private_cluster
from sql_support import assert_every_case_whole, run_cases, service_on

from mediation_core.cli import ExitCode, main
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.errors import StoreUnavailableError
from mediation_core.serialization import unstructure
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy.store import SqlStore

pytestmark = pytest.mark.postgres


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """One private cluster for the session: initdb and start take a second or two."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        _unavailable(f"the PostgreSQL driver is not installed ({exc}); install mediation-core[postgres]")
    bin_dir = binaries()
    if bin_dir is None:
        _unavailable("the PostgreSQL server programs (initdb, pg_ctl) are not installed; set MEDIATION_TEST_PG_BIN")
    assert bin_dir is not None
    with private_cluster(bin_dir) as started:
        yield started


@pytest.fixture
def schema_url(cluster: Cluster) -> Callable[[], str]:
    """A fresh schema in the private cluster, per call."""
    import sqlalchemy as sa

    def new() -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        admin.dispose()
        return f"{cluster.url}?options=-csearch_path%3D{name}"

    return new


def where(cluster: Cluster) -> str:
    return f"the PostgreSQL database postgres at 127.0.0.1:{cluster.port}"


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_restart_between_commands_goes_unnoticed(cluster: Cluster, schema_url: Callable[[], str], mode: str) -> None:
    store = open_sqlalchemy(schema_url())
    try:
        service = service_on(store)
        run_cases(service, 2, steps=4)
        cluster.restart(mode)  # every pooled connection is now dead
        assert store.ledger_row("case-00000") is not None  # a read on the same store
        run_cases(service, 3, first=2)  # and commands on the same service, not rebuilt
        sc.run(service.handle, service.clock, sc.lifecycle("case-00000", serial=0)[4:])  # type: ignore[arg-type]
        assert assert_every_case_whole(store) == 5
    finally:
        store.close()


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_unit_whose_connection_is_lost_fails_clearly_and_writes_nothing(
    cluster: Cluster, schema_url: Callable[[], str], mode: str
) -> None:
    store = open_sqlalchemy(schema_url())
    try:
        service = service_on(store)
        run_cases(service, 1, steps=3)
        clock = service.clock
        assert isinstance(clock, sc.ScriptClock)
        script = sc.lifecycle("case-00000", serial=0)[3:6] + sc.lifecycle("case-00001", serial=1)[:2]

        def unit(restart: bool) -> None:
            with service.bulk() as batch:
                for moment, command in script:
                    clock.now = moment
                    batch.handle(command, sc.MEDIATOR)
                if restart:
                    cluster.restart(mode)  # the unit's transaction dies with the server

        with pytest.raises(StoreUnavailableError) as lost:
            unit(restart=True)
        message = str(lost.value)
        assert message.startswith(f"store unavailable: {where(cluster)} ")
        assert "\n" not in message
        assert "nothing was written" in message
        assert not lost.value.maybe_written
        assert len(store.read("case-00000")) == 3  # nothing of the unit
        assert store.read("case-00001") == []
        unit(restart=False)  # the same unit again, on the same service
        assert len(store.read("case-00000")) == 6
        assert assert_every_case_whole(store) == 2
    finally:
        store.close()


def test_a_run_of_commands_rides_through_a_restart(cluster: Cluster, schema_url: Callable[[], str]) -> None:
    """Commands keep coming while the server restarts: each one that meets the restart fails
    with ``StoreUnavailableError`` and is run again once the server is back (after reading the
    case when the commit itself was cut off); no other error, and every case ends whole."""
    store = open_sqlalchemy(schema_url())
    service = service_on(store)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    scripts = [sc.lifecycle(f"run-{n}", serial=n) for n in range(8)]
    done: list[int] = []
    lost: list[StoreUnavailableError] = []
    failed: list[BaseException] = []

    def one(moment: object, command: object) -> None:
        case_id = getattr(command, "case_id", "")
        before = read_when_up(store, case_id)
        while True:
            clock.now = moment  # type: ignore[assignment]
            try:
                service.handle(command, sc.MEDIATOR)
                return
            except StoreUnavailableError as exc:
                lost.append(exc)
                now = read_when_up(store, case_id)  # the user's part: wait, and read the case
                if exc.maybe_written and now > before:
                    return  # the commit cut off had gone through

    def run() -> None:
        try:
            for script in scripts:
                for moment, command in script:
                    one(moment, command)
                    done.append(1)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            failed.append(exc)

    runner = threading.Thread(target=run)
    runner.start()
    while len(done) < 30 and runner.is_alive():
        time.sleep(0.01)
    cluster.restart("fast")
    runner.join(timeout=300)
    assert not runner.is_alive()
    assert not failed, repr(failed[0])
    assert len(done) == sum(len(s) for s in scripts)
    assert all(str(e).startswith("store unavailable: ") for e in lost)
    assert assert_every_case_whole(store) == len(scripts)
    store.close()


def read_when_up(store: SqlStore, case_id: str) -> int:
    """The case's length, once the server answers again."""
    for _ in range(600):
        try:
            return len(store.read(case_id))
        except StoreUnavailableError:
            time.sleep(0.05)
    pytest.fail("the server did not come back")


def test_the_command_line_says_the_server_is_unreachable_and_exits_9(
    cluster: Cluster, schema_url: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("MEDIATION_STORE", "MEDIATION_DB_URL", "MEDIATION_ACTOR", "MEDIATION_NOTIFIERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", "test-identity-key-of-32-bytes-at-least")
    db = ("--db", schema_url())
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    assert cli(*db, "init", "--registry", str(registry))[0] == 0
    (_, first), (_, second) = sc.lifecycle("c-1", serial=1)[:2]
    commands = tmp_path / "commands.json"
    commands.write_text(json.dumps([_json(first)], ensure_ascii=False), encoding="utf-8")
    mediator = ("--as", "mediator:m-zhang@pengshanlu-room")
    assert cli(*db, *mediator, "case", "record", str(commands))[0] == 0
    commands.write_text(json.dumps([_json(second)], ensure_ascii=False), encoding="utf-8")
    cluster.ctl("stop", "-m", "fast")
    try:
        code, _, err = cli(*db, *mediator, "case", "record", str(commands))
        assert code == ExitCode.UNAVAILABLE == 9
        assert err.startswith(f"mediation: error: store unavailable: {where(cluster)} cannot be reached")
        assert len(err.splitlines()) == 1
        code, _, err = cli(*db, "--json", *mediator, "case", "record", str(commands))
        assert json.loads(err)["error"] == "unavailable"
        assert json.loads(err)["exit_code"] == 9
    finally:
        cluster.ctl("start")
    assert cli(*db, *mediator, "case", "record", str(commands))[0] == 0
    code, printed, _ = cli(*db, "--json", "case", "show", "c-1")
    assert len(json.loads(printed)["records"]) == 2
    assert cli(*db, "verify")[0] == 0


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _json(command: object) -> dict[str, object]:
    return {"command": type(command).__name__, **unstructure(command)}
