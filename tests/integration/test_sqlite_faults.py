"""Faults of the embedded SQLite store, with real parts: the file locked by another process for
longer than the store waits, and a full disk (a size-limited tmpfs). Each time the command fails
with one line naming what and where, writes nothing of itself, and runs once the fault is gone."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sql_support import assert_every_case_whole, service_on

from mediation_core.cli import ExitCode, main
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.errors import StoreBusyError, StoreFullError
from mediation_core.serialization import unstructure
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import engine, open_sqlalchemy

MEDIATOR = ("--as", "mediator:m-zhang@pengshanlu-room")

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
"""


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MEDIATION_STORE", "MEDIATION_DB_URL", "MEDIATION_ACTOR", "MEDIATION_NOTIFIERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", "test-identity-key-of-32-bytes-at-least")
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_S", 0.2)  # $MEDIATION_SQLITE_BUSY_TIMEOUT


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def init(db: Path, folder: Path) -> None:
    registry = folder / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    code, _, err = cli("--db", str(db), "init", "--registry", str(registry))
    assert code == 0, err


def command_file(folder: Path, name: str, command: object) -> str:
    path = folder / name
    body = {"command": type(command).__name__, **unstructure(command)}
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return str(path)


def recorded(db: Path, case_id: str) -> int:
    code, printed, _ = cli("--db", str(db), "--json", "case", "show", case_id)
    return len(json.loads(printed)["records"]) if code == 0 else 0


def test_a_file_locked_by_another_process_is_store_busy_then_works(tmp_path: Path) -> None:
    db = tmp_path / "office.sqlite3"
    init(db, tmp_path)
    (_, receive), (_, accept) = sc.lifecycle("c-1", serial=1)[:2]
    assert cli("--db", str(db), *MEDIATOR, "case", "record", command_file(tmp_path, "receive.json", receive))[0] == 0
    accept_file = command_file(tmp_path, "accept.json", accept)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        code, _, err = cli("--db", str(db), *MEDIATOR, "case", "record", accept_file)
        assert code == ExitCode.UNAVAILABLE == 9
        assert err.startswith(f"mediation: error: store busy: the SQLite file {db} is locked by another process")
        assert "nothing was written" in err
        assert len(err.splitlines()) == 1
        code, _, err = cli("--db", str(db), "--json", *MEDIATOR, "case", "record", accept_file)
        assert (json.loads(err)["error"], json.loads(err)["exit_code"]) == ("unavailable", 9)
        assert recorded(db, "c-1") == 1  # reading goes on beside the lock (WAL), and nothing was added
    finally:
        holder.communicate("release\n", timeout=30)
    assert holder.returncode == 0
    code, printed, err = cli("--db", str(db), *MEDIATOR, "case", "record", accept_file)
    assert code == 0, err
    assert printed == "recorded AcceptCase: c-1 v2 accepted\n"
    assert cli("--db", str(db), "verify")[0] == 0


def test_the_service_raises_store_busy_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    store = open_sqlalchemy(str(path))
    service = service_on(store)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    script = sc.lifecycle("c-1", serial=1)
    sc.run(service.handle, clock, script[:2])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusyError, match=f"^store busy: the SQLite file {re.escape(str(path))} is locked"):
            sc.run(service.handle, clock, script[2:3])
    finally:
        holder.communicate("release\n", timeout=30)
    sc.run(service.handle, clock, script[2:])
    assert assert_every_case_whole(store) == 1
    store.close()


# -- a full disk ------------------------------------------------------------------------------------
@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 4 MiB tmpfs, mounted for the test and unmounted after it."""
    if sys.platform != "linux":
        pytest.skip("mounting a size-limited tmpfs needs Linux")
    mount = Path(tempfile.mkdtemp(prefix="mediation-full-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        mount.rmdir()


def fill(folder: Path, leave: int) -> Path:
    """A file taking all the free space of ``folder``'s file system but ``leave`` bytes."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    filler = folder / "filler"
    with filler.open("wb") as out:
        out.write(b"\0" * max(free - leave, 0))
    return filler


def test_a_full_disk_fails_the_command_clearly_and_leaves_no_partial_case(small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "office.sqlite3"
    init(db, tmp_path)
    store = open_sqlalchemy(str(db))
    service = service_on(store)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    filler = fill(small_disk, leave=1536 * 1024)
    failed = None
    for n in range(200):  # whole lifecycles until the disk is full
        script = sc.lifecycle(f"c-{n:03d}", serial=n)
        for step, (moment, command) in enumerate(script):
            clock.now = moment
            try:
                service.handle(command, sc.MEDIATOR)
            except StoreFullError as exc:
                failed = (f"c-{n:03d}", step, command, str(exc))
                break
        if failed:
            break
    assert failed is not None, "the disk never filled up"
    case_id, step, command, message = failed
    assert message.startswith(f"disk full: the SQLite file {db} has no space left; nothing was written")
    assert "\n" not in message
    assert len(store.read(case_id)) == step  # the steps before, not the one that failed
    code, _, err = cli("--db", str(db), *MEDIATOR, "case", "record", command_file(tmp_path, "next.json", command))
    assert code == ExitCode.UNAVAILABLE
    assert err.startswith(f"mediation: error: disk full: the SQLite file {db} has no space left")
    assert len(err.splitlines()) == 1
    filler.unlink()  # space freed: the same command, and the rest of the case, go through
    sc.run(service.handle, clock, sc.lifecycle(case_id, serial=int(case_id[2:]))[step:])
    assert assert_every_case_whole(store) == int(case_id[2:]) + 1
    store.close()
