"""What an official sees on the command line: files in the format their name says, reads that
never create a store, Chinese titles and names in the tables, errors that say what is wrong."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest

from builders import person
from builders import run_cli as run
from mediation_core.cli import ExitCode, main
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.parties import Side
from mediation_core.serialization import COMMAND_BY_NAME, command_from_json, unstructure
from mediation_sqlalchemy import migrate

KEY = "test-identity-key-of-32-bytes-at-least"
MEDIATOR = "mediator:m-zhang@pengshanlu-room"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MEDIATION_STORE", "MEDIATION_DB_URL", "MEDIATION_ACTOR", "MEDIATION_NOTIFIERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("MEDIATION_OPERATORS", raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", KEY)


@pytest.fixture
def office(tmp_path: Path) -> tuple[str, str]:
    """A new SQLite store holding the walkthrough's district and one received neighbour dispute."""
    db = str(tmp_path / "office.sqlite3")
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    code, _, err = run("--db", db, "init", "--registry", str(registry))
    assert code == 0, err
    parties = [unstructure(person("p1", Side.APPLICANT, seq=1)), unstructure(person("p2", Side.RESPONDENT, seq=2))]
    for p in parties:
        p["kind"] = "person"
    command = {
        "command": "ReceiveDispute",
        "case_id": "c-1",
        "room_id": "pengshanlu-room",
        "received_on": "2026-05-06",
        "source": "station_transfer",
        "category": "neighbourhood",
        "summary": "楼上漏水",
        "parties": parties,
    }
    path = tmp_path / "receive.json"
    path.write_text(json.dumps(command, ensure_ascii=False), encoding="utf-8")
    code, _, err = run("--db", db, "--as", MEDIATOR, "case", "record", str(path))
    assert code == 0, err
    return "--db", db


def test_a_report_file_is_in_the_format_its_suffix_names(office: tuple[str, str], tmp_path: Path) -> None:
    workbook = tmp_path / "r.xlsx"
    code, _, err = run(*office, "report", "--period", "2026", "-o", str(workbook))
    assert code == 0, err
    assert workbook.read_bytes()[:2] == b"PK"  # a workbook, not plain text
    as_text = tmp_path / "r.txt"
    assert run(*office, "report", "--period", "2026", "-o", str(as_text))[0] == 0
    assert "调解成功率" in as_text.read_text(encoding="utf-8")
    mismatch = tmp_path / "wrong.xlsx"
    code, _, err = run(*office, "report", "--period", "2026", "--format", "text", "-o", str(mismatch))
    assert code == ExitCode.USAGE
    assert "the suffix '.xlsx' names the format xlsx, not --format text" in err
    assert not mismatch.exists()
    code, _, err = run(*office, "report", "-o", str(tmp_path / "r.pdf"))
    assert code == ExitCode.USAGE
    assert "no report format for the suffix '.pdf'" in err


@pytest.mark.parametrize("argv", [("report",), ("case", "list"), ("meetings",), ("verify",)])
def test_a_read_on_a_missing_database_creates_nothing(tmp_path: Path, argv: tuple[str, ...]) -> None:
    missing = tmp_path / "no-such-folder" / "mediation.sqlite3"
    code, _, err = run("--db", str(missing), *argv)
    assert code == ExitCode.CONFIGURATION
    assert err.startswith(f"mediation: error: no database at {missing}: a read never creates one")
    assert "mediation init" in err
    assert not missing.parent.exists()


def test_case_list_speaks_chinese_and_json_keeps_the_codes(office: tuple[str, str]) -> None:
    code, text, _ = run(*office, "case", "list")
    assert code == 0
    row = text.splitlines()[2]
    for title in ("邻里纠纷", "派出所移送", "已登记", "彭山路派出所联合调解室"):
        assert title in row, (title, row)
    for code_name in ("neighbourhood", "station_transfer", "received", "pengshanlu-room", "None", "['"):
        assert code_name not in text
    (listed,) = json.loads(run(*office, "--json", "case", "list")[1])
    assert (listed["category"], listed["source"], listed["status"]) == ("neighbourhood", "station_transfer", "received")
    assert run(*office, "case", "list", "--status", "已登记")[1] == text
    assert len(run(*office, "case", "list", "--status", "archived")[1].splitlines()) == 2


def test_an_unknown_status_lists_the_valid_ones(office: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(*office, "case", "list", "--status", "foo")
    assert exit_.value.code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "no status 'foo'; the statuses are: received (已登记), accepted (已受理)" in err
    assert "following_up (回访中)" in err


@pytest.mark.parametrize(
    ("label", "says"),
    [
        ("2025-13", "'2025-13': there is no month 13"),
        ("2025-00", "'2025-00': there is no month 0"),
        ("2025-02-30..2025-03-01", "not a calendar date (day is out of range for month)"),
        ("2025-Q5", "not a period label: '2025-Q5'"),
    ],
)
def test_a_period_that_cannot_be_read_says_what_is_wrong(
    office: tuple[str, str], label: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(*office, "report", "--period", label)
    assert exit_.value.code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert says in err
    assert "invalid" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"mediation {version('mediation-core')}\n"


def test_output_into_a_closed_pipe_ends_quietly(office: tuple[str, str]) -> None:
    """``mediation plugins | head``: the reader goes away before the command writes."""
    env = {**os.environ, "MEDIATION_DB_URL": office[1]}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from mediation_core.cli import main; sys.exit(main(['plugins']))"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    process.stdout.close()  # closed before the interpreter has even started: every write fails
    _, err = process.communicate()
    assert process.returncode == 0
    assert b"BrokenPipeError" not in err
    assert err == b""


def test_an_evaluation_with_no_data_says_so_instead_of_grading(office: tuple[str, str]) -> None:
    code, text, _ = run(*office, "evaluate", "--year", "2031")
    assert code == 0
    assert "2031 年无考评依据" in text
    assert "不称职" not in text
    data = json.loads(run(*office, "--json", "evaluate", "--year", "2031")[1])
    assert data["nothing_recorded"] is True


def test_evaluate_without_a_year_takes_the_latest_year_with_cases_and_says_so(
    office: tuple[str, str], tmp_path: Path
) -> None:
    """The office's one case was received in 2026: that is the year, named on stderr; a
    district whose ledger is empty is evaluated for the current year, and says nothing is recorded."""
    code, text, err = run(*office, "evaluate")
    assert code == 0, err
    assert "考评有案件记录的最近年度 2026 年" in err
    assert text.startswith("市中区 2026 年度调解员考评")
    data = json.loads(run(*office, "--json", "evaluate")[1])
    assert data["year"] == 2026
    db = str(tmp_path / "empty.sqlite3")
    registry = tmp_path / "empty-registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    assert run("--db", db, "init", "--registry", str(registry))[0] == 0
    this_year = dt.datetime.now(CHINA_TZ).year
    code, text, err = run("--db", db, "evaluate")
    assert code == 0, err
    assert f"台账无案件记录，考评本年度 {this_year} 年" in err
    assert f"{this_year} 年无考评依据" in text
    code, _, err = run(*office, "evaluate", "--conclude")
    assert code == ExitCode.USAGE
    assert "--conclude needs --year" in err


def test_an_empty_meetings_table_says_why(office: tuple[str, str]) -> None:
    code, text, _ = run(*office, "meetings")
    assert code == 0
    assert "尚无例会记录 / no meeting of" in text
    assert "日期" not in text  # no empty table under it


def test_a_missing_database_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra were not installed
    code, _, err = run("--db", "postgresql+psycopg://postgres@127.0.0.1:5432/test", "case", "list")
    assert code == ExitCode.CONFIGURATION
    assert err == (
        "mediation: error: the PostgreSQL driver is not installed (psycopg); install the postgres extra: "
        "pip install 'mediation-core[postgres]'\n"
    )


def readme_demo_commands() -> list[list[str]]:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    prefix = ".venv/bin/mediation --db mediation-demo/demo.sqlite3 "
    return [line.removeprefix(prefix).split() for line in readme.splitlines() if line.startswith(prefix)]


def test_the_readme_demo_commands_work_without_an_identity_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = readme_demo_commands()
    assert len(commands) == 3
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "reading needs no identity key" in readme
    monkeypatch.delenv("MEDIATION_IDENTITY_KEY")
    code, _, err = run("demo", "--seed", "5", "--scale", "0.03", "--out", str(tmp_path), "-q")
    assert code == 0, err
    db = str(tmp_path / "demo.sqlite3")
    for argv in commands:
        code, printed, err = run("--db", db, *argv)
        assert code == 0, (argv, err)
        assert printed


def test_deliver_through_the_log_notifier_shows_what_it_delivered(
    office: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "notifiers.toml"
    config.write_text('[[notifier]]\nbackend = "log"\n', encoding="utf-8")
    monkeypatch.setenv("MEDIATION_NOTIFIERS_FILE", str(config))
    accept = tmp_path / "accept.json"
    accept.write_text('{"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"}', encoding="utf-8")
    assert run(*office, "--as", MEDIATOR, "case", "record", str(accept))[0] == 0  # its term runs out in June
    code, printed, err = run(*office, "--log-level", "info", "deliver")
    assert code == 0, err
    header, _, row, summary = printed.splitlines()
    assert header.split() == ["通知", "案件", "事由", "送达渠道"]
    assert row.startswith("c-1:deadline:mediation_term:")
    assert "调解期限届满" in row
    assert row.endswith("log")
    assert summary.startswith("deadlines due: 1; delivered: 1;")
    assert "INFO mediation.notices: notice c-1:deadline:mediation_term:" in err  # --log-level shows the log line
    assert "to: 刘芳(mediator), 张明(mediator)" in err
    assert run(*office, "deliver")[1].endswith("delivered: 0; retrying: 0; dead: 0; claimed elsewhere: 0\n")


def test_reads_and_writes_never_migrate_an_old_schema(database_urls: Callable[[], str], tmp_path: Path) -> None:
    url = database_urls()
    command = tmp_path / "accept.json"
    command.write_text('{"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"}', encoding="utf-8")
    db = ("--db", url)
    assert run(*db, "init")[0] == 0
    code, printed, _ = run(*db, "db", "current")
    assert code == 0
    assert printed.endswith(f"{migrate.head_revision()}, up to date\n")
    migrate.downgrade(url, "0002")
    for argv in (("report",), ("case", "list"), ("--as", MEDIATOR, "case", "record", str(command))):
        code, _, err = run(*db, *argv)
        assert code == ExitCode.CONFIGURATION, argv
        assert "the database's schema is at revision 0002" in err
        assert "run `mediation db upgrade`" in err
    data = json.loads(run(*db, "--json", "db", "current")[1])
    assert (data["revision"], data["head"]) == ("0002", migrate.head_revision())  # still 0002: nothing upgraded it
    code, printed, _ = run(*db, "db", "upgrade")
    assert code == 0
    assert f"0002 → {migrate.head_revision()}" in printed
    assert run(*db, "case", "list")[0] == 0
    assert "already up to date" in run(*db, "db", "upgrade")[1]


def test_a_write_on_a_store_that_was_never_created_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "never-initialised.sqlite3"
    command = tmp_path / "accept.json"
    command.write_text('{"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"}', encoding="utf-8")
    code, _, err = run("--db", str(missing), "--as", MEDIATOR, "case", "record", str(command))
    assert code == ExitCode.CONFIGURATION
    assert "no mediation store at" in err
    assert "`mediation init`" in err
    assert not missing.exists()
    code, printed, _ = run("--db", str(missing), "db", "current")
    assert code == 0
    assert "no store yet" in printed
    assert not missing.exists()


def reference_examples() -> dict[str, dict[str, object]]:
    page = (Path(__file__).parents[2] / "docs" / "commands.md").read_text(encoding="utf-8")
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", page, flags=re.DOTALL)]
    return {str(b["command"]): b for b in blocks}


def test_the_command_reference_has_an_example_of_every_command_and_each_parses(tmp_path: Path) -> None:
    examples = reference_examples()
    assert set(examples) == set(COMMAND_BY_NAME)
    for name, example in examples.items():
        assert type(command_from_json(example)).__name__ == name
    page = (Path(__file__).parents[2] / "docs" / "commands.md").read_text(encoding="utf-8")
    for title in ("| `neighbourhood` | 邻里纠纷 |", "| `station_transfer` | 派出所移送 |", "`person` (NaturalPerson)"):
        assert title in page


def test_reference_examples_run_through_case_record(office: tuple[str, str], tmp_path: Path) -> None:
    accept = tmp_path / "accept.json"
    accept.write_text(json.dumps(reference_examples()["AcceptCase"]), encoding="utf-8")
    code, printed, err = run(*office, "--as", MEDIATOR, "case", "record", str(accept))
    assert code == 0, err
    assert printed == "recorded AcceptCase: c-1 v2 accepted\n"
    for name, example in reference_examples().items():  # every example gets past the format check
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(example), encoding="utf-8")
        code, _, err = run(*office, "--as", MEDIATOR, "case", "record", str(path))
        assert code != ExitCode.USAGE, (name, err)


def test_sweep_and_other_tables_print_titles_not_codes_or_reprs(office: tuple[str, str], tmp_path: Path) -> None:
    accept = tmp_path / "accept.json"
    accept.write_text('{"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"}', encoding="utf-8")
    assert run(*office, "--as", MEDIATOR, "case", "record", str(accept))[0] == 0
    code, text, err = run(*office, "sweep")
    assert code == 0, err
    row = text.splitlines()[2]
    assert "已逾期" in row
    assert "overdue" not in row
    assert "mediation_term" not in row
    for argv in (("sweep",), ("case", "list"), ("report", "--period", "2026"), ("meetings",), ("returns",)):
        printed = run(*office, *argv)[1]
        assert "None" not in printed, argv
        assert "['" not in printed, argv


def test_a_case_file_shows_titles_names_and_no_reprs(office: tuple[str, str]) -> None:
    code, text, err = run(*office, "case", "show", "c-1")
    assert code == 0, err
    _, _, ledger = text.partition("台账 / ledger line")
    assert "None" not in ledger
    assert "[]" not in ledger
    for line in ("调解室 (room_id): 彭山路派出所联合调解室", "状态 (status): 已登记", "案件来源 (source): 派出所移送"):
        assert line in ledger
    assert "纠纷类型 (category): 邻里纠纷" in ledger
    assert "受理日期 (accepted_on): —" in ledger
    data = json.loads(run(*office, "--json", "case", "show", "c-1")[1])
    assert data["ledger"]["accepted_on"] is None  # programs keep JSON's null and the codes
    assert data["ledger"]["source"] == "station_transfer"
