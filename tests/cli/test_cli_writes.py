"""Who writes through the command line, and that a write is whole or nothing.

A write names its actor (``--as`` or the operators file's mapping of the operating-system user)
and the actor is registered; a list of commands is one unit of work; the walkthrough never
writes its example case into a store that holds records.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest

from builders import person
from builders import run_cli as run
from mediation_core.cli import ExitCode
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.values.parties import Side
from mediation_core.serialization import unstructure

MEDIATOR = "mediator:m-zhang@pengshanlu-room"
ADMIN_LI, ADMIN_WANG = "administrator:a-li@district", "administrator:a-wang@district"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MEDIATION_STORE", "MEDIATION_DB_URL", "MEDIATION_ACTOR", "MEDIATION_OPERATORS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", "k" * 32)


@pytest.fixture
def office(tmp_path: Path) -> tuple[str, str]:
    db = str(tmp_path / "office.sqlite3")
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    code, _, err = run("--db", db, "init", "--registry", str(registry))
    assert code == 0, err
    return "--db", db


@pytest.fixture
def operators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "operators.json"
    path.write_text(json.dumps({"li": ADMIN_LI, "wang": ADMIN_WANG}), encoding="utf-8")
    monkeypatch.setenv("MEDIATION_OPERATORS", str(path))
    return path


def receive(case_id: str) -> dict[str, object]:
    parties = [unstructure(person("p1", Side.APPLICANT, seq=1)), unstructure(person("p2", Side.RESPONDENT, seq=2))]
    for p in parties:
        p["kind"] = "person"
    return {
        "command": "ReceiveDispute",
        "case_id": case_id,
        "room_id": "pengshanlu-room",
        "received_on": "2026-05-06",
        "source": "walk_in",
        "category": "neighbourhood",
        "summary": "邻里纠纷",
        "parties": parties,
    }


def streams(office: tuple[str, str]) -> list[str]:
    code, printed, _ = run(*office, "--json", "case", "list")
    assert code == 0
    return [r["case_id"] for r in json.loads(printed)]


def test_a_list_whose_third_command_is_refused_writes_nothing(office: tuple[str, str], tmp_path: Path) -> None:
    commands = tmp_path / "commands.json"
    refused = {"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"}  # c-1 is accepted already
    accept = {"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"}
    commands.write_text(json.dumps([receive("c-1"), accept, refused, receive("c-2")]), encoding="utf-8")
    code, printed, err = run(*office, "--as", MEDIATOR, "case", "record", str(commands))
    assert code == ExitCode.REFUSED, err
    assert err.splitlines()[0].endswith("rule violation(s); nothing was written")
    assert "command 3 of 4 (AcceptCase) was refused" in err
    assert printed == ""
    assert streams(office) == []  # neither c-1 nor c-2, nor c-1's acceptance
    commands.write_text(json.dumps([receive("c-1"), accept, receive("c-2")]), encoding="utf-8")
    code, printed, err = run(*office, "--as", MEDIATOR, "case", "record", str(commands))
    assert code == 0, err
    assert printed.splitlines()[-1] == "recorded ReceiveDispute: c-2 v1 received"
    assert sorted(streams(office)) == ["c-1", "c-2"]


def test_a_write_without_an_actor_is_refused(office: tuple[str, str], tmp_path: Path) -> None:
    commands = tmp_path / "one.json"
    commands.write_text(json.dumps(receive("c-1")), encoding="utf-8")
    code, _, err = run(*office, "case", "record", str(commands))
    assert code == ExitCode.USAGE
    assert "a write needs an explicit actor: --as ROLE:ID@SCOPE" in err
    assert streams(office) == []


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ("mediator:m-ghost@pengshanlu-room", "no mediator 'm-ghost' of 'pengshanlu-room' in the registry"),
        ("mediator:m-zhang@another-room", "no mediator 'm-zhang' of 'another-room' in the registry"),
        ("administrator:root@*", "the role administrator is registered in the deployment's operators file"),
        ("coordination_centre:cc@district", "the role coordination_centre is registered in the deployment's operators"),
    ],
)
def test_a_write_by_an_unregistered_actor_is_refused(
    office: tuple[str, str], tmp_path: Path, actor: str, message: str
) -> None:
    commands = tmp_path / "one.json"
    commands.write_text(json.dumps(receive("c-1")), encoding="utf-8")
    code, _, err = run(*office, "--as", actor, "case", "record", str(commands))
    assert code == ExitCode.NOT_ALLOWED
    assert message in err
    assert streams(office) == []


def test_the_operators_file_maps_the_operating_system_user(
    office: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "operators.json"
    path.write_text(json.dumps({getpass.getuser(): MEDIATOR}), encoding="utf-8")
    monkeypatch.setenv("MEDIATION_OPERATORS", str(path))
    commands = tmp_path / "one.json"
    commands.write_text(json.dumps(receive("c-1")), encoding="utf-8")
    code, _, err = run(*office, "case", "record", str(commands))
    assert code == 0, err
    code, printed, _ = run(*office, "--json", "case", "show", "c-1")
    assert json.loads(printed)["records"][0]["actor"] == MEDIATOR


def test_a_second_administrator_approves_an_imported_batch(
    office: tuple[str, str], tmp_path: Path, operators: Path
) -> None:
    commands = tmp_path / "one.json"
    commands.write_text(json.dumps(receive("c-1")), encoding="utf-8")
    assert run(*office, "--as", MEDIATOR, "case", "record", str(commands))[0] == 0
    exported = tmp_path / "ledger.csv"
    assert run(*office, "export", "-o", str(exported))[0] == 0
    fresh = ("--db", str(tmp_path / "fresh.sqlite3"))
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    assert run(*fresh, "init", "--registry", str(registry))[0] == 0
    code, _, err = run(*fresh, "--as", MEDIATOR, "import", str(exported))
    assert code == ExitCode.NOT_ALLOWED
    assert "administrator's act" in err
    code, printed, err = run(*fresh, "--as", ADMIN_LI, "--json", "import", str(exported))
    assert code == 0, err
    batch = json.loads(printed)["batch"]
    code, printed, err = run(*fresh, "--json", "evaluate", "--year", "2026")
    assert code == 0, err
    assert json.loads(printed)["held_back"] == ["c-1"]
    code, printed, _ = run(*fresh, "evaluate", "--year", "2026")
    assert "1 imported case(s) awaiting a second administrator's approval are left out" in printed
    code, _, err = run(*fresh, "--as", ADMIN_LI, "imports", "--approve", batch)
    assert code == ExitCode.NOT_ALLOWED
    assert "a second administrator must approve it" in err
    code, printed, err = run(*fresh, "--as", ADMIN_WANG, "--json", "imports", "--approve", batch)
    assert code == 0, err
    [listed] = json.loads(printed)
    assert (listed["batch"], listed["imported_by"], listed["approved_by"]) == (batch, ADMIN_LI, ADMIN_WANG)
    code, printed, _ = run(*fresh, "--json", "evaluate", "--year", "2026")
    assert json.loads(printed)["held_back"] == []


def test_the_walkthrough_refuses_a_store_that_holds_records(office: tuple[str, str], tmp_path: Path) -> None:
    code, _, err = run(*office, "walkthrough")
    assert code == ExitCode.USAGE
    assert "runs on an empty store only" in err
    assert streams(office) == []
    code, printed, err = run("--db", str(tmp_path / "new.sqlite3"), "walkthrough")
    assert code == 0, err
    assert "walkthrough-0001" in printed
