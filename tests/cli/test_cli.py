"""The ``mediation`` command line: its commands on a real SQLite store, what programs read with
``--json``, the documented exit codes, and errors as one clear line without a traceback."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import attrs
import pytest

from builders import person
from builders import run_cli as run
from mediation_core.app.service import MediationService
from mediation_core.cli import ExitCode
from mediation_core.cli.output import Progress, table, width
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.parties import Side
from mediation_core.serialization import unstructure
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy

KEY = "test-identity-key-of-32-bytes-at-least"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "MEDIATION_STORE",
        "MEDIATION_DB_URL",
        "MEDIATION_ACTOR",
        "MEDIATION_NOTIFIERS_FILE",
        "MEDIATION_OPERATORS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", KEY)


ADMIN_LI, ADMIN_WANG = "administrator:a-li@district", "administrator:a-wang@district"


@pytest.fixture
def operators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The deployment's operators file: two administrators."""
    path = tmp_path / "operators.json"
    path.write_text(json.dumps({"li": ADMIN_LI, "wang": ADMIN_WANG}), encoding="utf-8")
    monkeypatch.setenv("MEDIATION_OPERATORS", str(path))
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo district (3 % of the source volume) in a SQLite file."""
    out = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("MEDIATION_IDENTITY_KEY", raising=False)
        code, printed, err = run("demo", "--seed", "5", "--scale", "0.03", "--out", str(out), "-q")
    assert code == 0, err
    assert "区矛盾纠纷多元化解协调中心报表" in printed
    return out / "demo.sqlite3"


# -- the demo's files and report ---------------------------------------------------------------------
def test_the_demo_writes_the_ledger_the_dashboard_and_documents(demo_db: Path) -> None:
    out = demo_db.parent
    assert (out / "台账.xlsx").read_bytes()[:2] == b"PK"
    assert (out / "统计报表.xlsx").read_bytes()[:2] == b"PK"
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    assert "<svg" in page
    # the half year is compared with the one before and with the same half a year earlier
    assert "上期（2025年上半年）" in page
    assert "去年同期（2024年下半年）" in page
    documents = sorted(p.name for p in (out / "documents").iterdir())
    assert any("调解协议书" in name for name in documents)
    assert any("移送人民调解函" in name for name in documents)
    assert all(name.endswith(".docx") for name in documents)


def test_the_demo_reports_to_programs_in_json(tmp_path: Path) -> None:
    code, printed, _ = run(
        "demo", "--seed", "9", "--scale", "0.01", "--store", "memory", "--out", str(tmp_path), "--json"
    )
    assert code == 0
    data = json.loads(printed)
    assert data["seed"] == 9
    assert data["period"] == "2025-H2"
    figures = data["figures"]
    assert figures["concluded"]["cases"] == figures["settled"]["cases"] + figures["failed"]["cases"]
    assert {c["figure"] for c in data["source"]} >= {"concluded", "settled", "success_rate", "difficult"}
    assert data["broken_chains"] == 0


def test_report_as_text_json_and_files(demo_db: Path, tmp_path: Path) -> None:
    db = ("--db", str(demo_db))
    code, text, _ = run(*db, "report", "--period", "2025-H2")
    assert code == 0
    assert "调解成功率" in text
    assert "按来源 / by source" in text
    code, printed, _ = run(*db, "report", "--period", "2025-Q3", "--scope", "baiyang", "--json")
    data = json.loads(printed)
    assert data["scope_id"] == "baiyang"
    assert data["period"] == {"start": "2025-07-01", "end": "2025-09-30"}
    target = tmp_path / "dashboard.html"
    code, printed, _ = run(*db, "report", "--period", "2025-H2", "--format", "html", "-o", str(target))
    assert code == 0
    assert "<svg" in target.read_text(encoding="utf-8")
    as_text = tmp_path / "report.txt"
    assert run(*db, "report", "--period", "2025-H2", "-o", str(as_text))[0] == 0
    assert as_text.read_text(encoding="utf-8") == text
    code, _, err = run(*db, "report", "--period", "2025-H2", "--format", "xlsx")
    assert code == ExitCode.USAGE
    assert err == "mediation: error: --format xlsx writes a file: give -o FILE\n"


def test_case_list_show_and_document(demo_db: Path, tmp_path: Path) -> None:
    db = ("--db", str(demo_db))
    code, printed, _ = run(*db, "case", "list", "--room", "pengshanlu-room", "--json", "--limit", "0")
    rows = json.loads(printed)
    assert rows
    assert {r["room_id"] for r in rows} == {"pengshanlu-room"}
    case_id = rows[0]["case_id"]
    code, text, _ = run(*db, "case", "show", case_id)
    assert code == 0
    assert text.startswith("案件卷宗 / case file")
    assert "case.received" in text
    code, printed, _ = run(*db, "--json", "case", "show", case_id)
    assert json.loads(printed)["ledger"]["case_id"] == case_id
    target = tmp_path / "register.docx"
    code, _, err = run(*db, "case", "document", case_id, "acceptance_register", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes()[:2] == b"PK"


def test_meetings_returns_evaluation_verify(demo_db: Path) -> None:
    db = ("--db", str(demo_db))
    code, printed, _ = run(*db, "meetings", "--period", "2025-H2", "--json")
    meetings = json.loads(printed)
    assert {m["kind"] for m in meetings} == {"joint", "case_analysis"}
    code, text, _ = run(*db, "meetings", "--compliance", "--period", "2025-07", "--scope", "baiyang")
    assert "联席例会" in text
    code, printed, _ = run(*db, "returns", "--period", "2025-H2", "--json")
    filings = json.loads(printed)
    assert sum(f["filing"] == "missing" for f in filings) == 1
    code, printed, _ = run(*db, "evaluate", "--year", "2025", "--json")
    data = json.loads(printed)
    assert data["status"] == "concluded on 2026-01-16"
    assert {r["grade"] for r in data["results"]} <= {"excellent", "competent", "basic", "incompetent"}
    code, text, _ = run(*db, "verify")
    assert code == 0
    assert text.endswith("every hash chain is whole\n")


def test_retention_lists_the_case_files_whose_period_ran_out(demo_db: Path) -> None:
    code, printed, _ = run("--db", str(demo_db), "--json", "retention", "--on", "2035-09-30")
    assert code == 0
    expired = json.loads(printed)
    assert expired
    assert all(r["retention_years"] == "10" and r["expired_on"] <= "2035-09-30" for r in expired)
    assert all(r["archived_on"] <= "2025-09-30" for r in expired)
    code, printed, _ = run("--db", str(demo_db), "retention", "--on", "2030-01-01")
    assert printed == "0 case file(s) past their retention period on 2030-01-01\n"


def test_verify_names_an_edited_case_file_and_exits_8(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "edited.sqlite3"
    source = sqlite3.connect(demo_db)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    stream = target.execute("SELECT stream_id FROM events WHERE version = 2 ORDER BY stream_id LIMIT 1").fetchone()[0]
    target.execute(
        "UPDATE events SET body = replace(body, '2025', '2024') WHERE stream_id = ? AND version = 2", (stream,)
    )
    target.commit()
    target.close()
    code, printed, _ = run("--db", str(copy), "--json", "verify")
    assert code == ExitCode.BROKEN == 8
    broken = json.loads(printed)["broken"]
    assert [(b["stream_id"], b["position"]) for b in broken] == [(stream, 2)]


@pytest.mark.parametrize(
    ("tampering", "reason"),
    [
        (["DELETE FROM events WHERE stream_id = :s AND version = 2"], "deleted or reordered"),
        (
            [
                "UPDATE events SET version = -2 WHERE stream_id = :s AND version = 2",
                "UPDATE events SET version = 2 WHERE stream_id = :s AND version = 3",
                "UPDATE events SET version = 3 WHERE stream_id = :s AND version = -2",
            ],
            "",
        ),
    ],
    ids=["deleted", "reordered"],
)
def test_verify_names_a_deleted_or_reordered_event_and_exits_8(
    demo_db: Path, tmp_path: Path, tampering: list[str], reason: str
) -> None:
    copy = tmp_path / "tampered.sqlite3"
    source = sqlite3.connect(demo_db)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    stream = target.execute("SELECT stream_id FROM events WHERE version = 3 ORDER BY stream_id LIMIT 1").fetchone()[0]
    for statement in tampering:
        target.execute(statement, {"s": stream})
    target.commit()
    target.close()
    code, printed, _ = run("--db", str(copy), "--json", "verify")
    assert code == ExitCode.BROKEN
    (broken,) = json.loads(printed)["broken"]
    assert (broken["stream_id"], broken["position"]) == (stream, 2)
    assert reason in broken["reason"]
    code, printed, _ = run("--db", str(copy), "verify")
    assert code == ExitCode.BROKEN
    assert stream in printed


def test_export_and_import_the_ledger(demo_db: Path, tmp_path: Path, operators: Path) -> None:
    exported = tmp_path / "ledger.csv"
    code, _, _ = run("--db", str(demo_db), "export", "--room", "pengshanlu-room", "-o", str(exported))
    assert code == 0
    header = exported.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("调解室,案号,")
    assert header.endswith(",系统案件编号,系统记录版本")
    fresh = tmp_path / "fresh.sqlite3"
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    code, printed, err = run("--db", str(fresh), "init", "--registry", str(registry))
    assert code == 0, err
    code, printed, err = run("--db", str(fresh), "--as", ADMIN_LI, "--json", "import", str(exported))
    assert code == 0, err
    imported = json.loads(printed)["imported"]
    assert imported == len(exported.read_text(encoding="utf-8-sig").splitlines()) - 1
    code, _, err = run("--db", str(fresh), "--as", ADMIN_LI, "import", str(exported))
    assert code == ExitCode.REFUSED
    assert "nothing was imported" in err.splitlines()[0]


# -- recording commands, and what an error looks like ---------------------------------------------------
@pytest.fixture
def office(tmp_path: Path) -> tuple[str, str]:
    """A new SQLite store holding the walkthrough's district."""
    db = str(tmp_path / "office.sqlite3")
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    code, printed, err = run("--db", db, "init", "--registry", str(registry))
    assert code == 0, err
    assert "1 room(s), 2 mediator(s)" in printed
    return "--db", db


def receive(case_id: str = "c-1", **changes: object) -> dict[str, object]:
    parties = [unstructure(person("p1", Side.APPLICANT, seq=1)), unstructure(person("p2", Side.RESPONDENT, seq=2))]
    for p, kind in zip(parties, ("person", "person"), strict=True):
        p["kind"] = kind
    command = {
        "command": "ReceiveDispute",
        "case_id": case_id,
        "room_id": "pengshanlu-room",
        "received_on": "2026-05-06",
        "source": "walk_in",
        "category": "neighbourhood",
        "summary": "邻里纠纷",
        "parties": parties,
    }
    return {**command, **changes}


def test_init_creates_the_store_and_says_where(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    code, printed, _ = run("--db", str(db), "--json", "init")
    assert code == 0
    assert json.loads(printed) | {"url": ""} == {
        "store": "sqlite", "url": "", "streams": 0, "organisations": 0, "rooms": 0, "mediators": 0,
    }  # fmt: skip
    assert db.exists()
    assert run("--db", str(db), "init")[0] == 0  # again: already up to date


def test_a_command_recorded_from_json_is_in_the_case_file(office: tuple[str, str], tmp_path: Path) -> None:
    commands = tmp_path / "commands.json"
    mediator = "mediator:m-zhang@pengshanlu-room"
    accept = {"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"}
    commands.write_text(json.dumps([receive(), accept], ensure_ascii=False), encoding="utf-8")
    code, printed, err = run(*office, "--as", mediator, "case", "record", str(commands))
    assert code == 0, err
    assert printed.splitlines() == ["recorded ReceiveDispute: c-1 v1 received", "recorded AcceptCase: c-1 v2 accepted"]
    code, printed, _ = run(*office, "--json", "case", "show", "c-1")
    assert [r["event_type"] for r in json.loads(printed)["records"]] == ["case.received", "case.accepted"]


def test_a_refused_command_lists_every_broken_rule_and_writes_nothing(office: tuple[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(receive(category="no-such-category", summary=" "), ensure_ascii=False), encoding="utf-8")
    code, _, err = run(*office, "--as", "mediator:m-zhang@pengshanlu-room", "case", "record", str(bad))
    assert code == ExitCode.REFUSED == 3
    lines = err.splitlines()
    assert lines[0] == "mediation: refused: 2 rule violation(s); nothing was written"
    assert any(line.startswith("  - [category_known] category:") for line in lines[1:])
    assert any(line.startswith("  - [registration_complete] summary:") for line in lines[1:])
    assert "Traceback" not in err
    assert run(*office, "case", "show", "c-1")[0] == ExitCode.NOT_FOUND
    code, _, err = run(*office, "--json", "--as", "mediator:m-zhang@pengshanlu-room", "case", "record", str(bad))
    payload = json.loads(err)
    assert payload["error"] == "refused"
    assert payload["exit_code"] == 3
    assert {v["rule"] for v in payload["violations"]} == {"category_known", "registration_complete"}


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("case", "show", "nope"), ExitCode.NOT_FOUND, "mediation: error: case 'nope' does not exist\n"),
        (("--as", "mediator:m-x@elsewhere", "case", "list"), ExitCode.OK, ""),
        (("--as", "chief:x@y", "case", "list"), ExitCode.CONFIGURATION, "mediation: error: --as 'chief:x@y': expected"),
        (("--store", "county-db", "verify"), ExitCode.CONFIGURATION, "mediation: error: store backend 'county-db'"),
    ],
)  # fmt: skip
def test_errors_are_one_line_and_exit_with_their_code(
    office: tuple[str, str], argv: tuple[str, ...], code: int, message: str
) -> None:
    got, _, err = run(*office, *argv)
    assert got == code
    assert err.startswith(message)
    assert len(err.splitlines()) <= 1


def test_bad_input_and_not_allowed(office: tuple[str, str], tmp_path: Path) -> None:
    malformed = tmp_path / "malformed.json"
    malformed.write_text('{"command": "ReceiveDispute", "case_id": ', encoding="utf-8")
    code, _, err = run(*office, "case", "record", str(malformed))
    assert code == ExitCode.USAGE
    assert err.startswith("mediation: error: the command does not fit its type: not JSON: Expecting value")
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"command": "Mediate"}', encoding="utf-8")
    code, _, err = run(*office, "case", "record", str(unknown))
    assert code == ExitCode.USAGE
    assert "unknown command 'Mediate'" in err
    wrong_type = tmp_path / "wrong.json"
    wrong_type.write_text(json.dumps({"command": "AcceptCase", "case_id": "c-1", "on": "yesterday"}), encoding="utf-8")
    code, _, err = run(*office, "case", "record", str(wrong_type))
    assert code == ExitCode.USAGE
    assert "$.on" in err
    other_room = tmp_path / "other.json"
    other_room.write_text(json.dumps(receive(), ensure_ascii=False), encoding="utf-8")
    code, _, err = run(*office, "--as", "mediator:m-x@some-other-room", "case", "record", str(other_room))
    assert code == ExitCode.NOT_ALLOWED  # m-x is no mediator of the registry
    assert "no mediator 'm-x' of 'some-other-room' in the registry" in err


def test_debug_shows_the_traceback(office: tuple[str, str]) -> None:
    code, _, err = run(*office, "--debug", "case", "show", "nope")
    assert code == ExitCode.NOT_FOUND
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("mediation: error: case 'nope' does not exist")


def test_a_store_that_outlives_the_process_needs_the_identity_key_to_record(
    office: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEDIATION_IDENTITY_KEY")
    commands = tmp_path / "one.json"
    commands.write_text(json.dumps(receive(), ensure_ascii=False), encoding="utf-8")
    code, _, err = run(*office, "case", "record", str(commands))
    assert code == ExitCode.CONFIGURATION
    assert "MEDIATION_IDENTITY_KEY" in err
    assert run(*office, "verify")[0] == 0  # reading needs no key


# -- plugins -----------------------------------------------------------------------------------------------
def test_plugins_lists_what_is_installed_offered_and_in_use(office: tuple[str, str]) -> None:
    code, printed, _ = run(*office, "--json", "plugins")
    assert code == 0
    data = json.loads(printed)
    plugins = {p["name"]: p for p in data["plugins"]}
    assert plugins["mediation_core.defaults"]["state"] == "built in"
    assert plugins["sqlalchemy"]["records"]["store backends"] == ["sqlite", "postgresql"]
    assert "mediation_renderers" in plugins["reports"]["hooks"]
    assert "statistics-html" in plugins["reports"]["records"]["renderers"]
    assert data["active"]["store"] == "sqlite"
    _, text, _ = run(*office, "plugins")
    assert "sqlite" in text
    assert "in use" in text


# -- output helpers ----------------------------------------------------------------------------------------
class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_on_a_terminal_only() -> None:
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = Progress("building", stream=stream)
        bar(1, 4)
        bar(4, 4)
    assert "building" in terminal.getvalue()
    assert "25.0%" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[K")
    assert pipe.getvalue() == ""
    quiet = Terminal()
    Progress("building", enabled=False, stream=quiet)(1, 2)
    assert quiet.getvalue() == ""


def test_tables_line_up_chinese_text() -> None:
    lines = table(["单位", "n"], [("柏杨街道", 12), ("x", 3)], numeric=(False, True)).splitlines()
    assert {width(line) for line in lines} == {width(lines[0])}


def test_retention_anonymise_anonymises_the_expired_files_once(tmp_path: Path, operators: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = open_sqlalchemy(f"sqlite:///{path}")
    clock = sc.ScriptClock()
    service = MediationService(store, clock=clock, identity_key=KEY.encode())
    service.register(demo_registry(), sc.ADMIN)
    for n, years in ((1, 1), (2, 10)):
        script = [
            (at, attrs.evolve(cmd, retention_years=years) if isinstance(cmd, c.ArchiveCase) else cmd)
            for at, cmd in sc.lifecycle(f"case-{n}", serial=n, start=dt.date(2024, 5, 6))
        ]
        sc.run(service.handle, clock, script)
    store.close()
    db = ("--db", str(path))
    code, printed, _ = run(*db, "--json", "retention", "--on", "2026-11-01")
    assert code == 0
    assert [(r["case_id"], r["expired_on"], r["anonymised"]) for r in json.loads(printed)] == [
        ("case-1", "2025-05-22", False)
    ]
    code, printed, _ = run(*db, "--as", ADMIN_LI, "retention", "--anonymise", "--on", "2026-11-01")
    assert code == 0
    assert printed.endswith("1 case file(s) past their retention period on 2026-11-01: parties anonymised\n")
    code, printed, _ = run(*db, "--json", "case", "show", "case-1")
    assert [p["name"] for p in json.loads(printed)["state"]["parties"]] == ["王某", "李某"]
    code, printed, _ = run(*db, "--as", ADMIN_LI, "--json", "retention", "--anonymise", "--on", "2026-11-01")
    assert (code, json.loads(printed)) == (0, [])
    code, _, err = run(*db, "--as", "mediator:m-zhang@pengshanlu-room", "retention", "--anonymise")
    assert code == ExitCode.NOT_ALLOWED, err
    code, text, _ = run(*db, "verify")
    assert (code, text.endswith("every hash chain is whole\n")) == (0, True)


def test_screening_commands_are_recorded_from_json_like_every_other(office: tuple[str, str], tmp_path: Path) -> None:
    commands = tmp_path / "screening.json"
    rounds = {
        "command": "RecordScreening",
        "screening_id": "s-1",
        "room_id": "pengshanlu-room",
        "on": "2026-05-06",
        "area": "幸福路社区",
        "screeners": ["m-zhang"],
    }
    finding = {
        "command": "RecordFinding",
        "screening_id": "s-1",
        "on": "2026-05-06",
        "summary": "两户因漏水争执",
        "risk": "serious",
        "action": "watched",
    }
    close = {"command": "CloseScreening", "screening_id": "s-1", "on": "2026-05-06"}
    commands.write_text(json.dumps([rounds, finding, close], ensure_ascii=False), encoding="utf-8")
    code, printed, err = run(*office, "--as", "mediator:m-zhang@pengshanlu-room", "case", "record", str(commands))
    assert code == 0, err
    assert printed.splitlines() == [
        "recorded RecordScreening: s-1 v1 open",
        "recorded RecordFinding: s-1 v2 open",
        "recorded CloseScreening: s-1 v3 closed",
    ]
