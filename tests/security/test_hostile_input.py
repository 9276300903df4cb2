"""Hostile text and numbers through every door: command JSON, the command line, its files.

Strings with control characters, escape sequences, characters XML 1.0 cannot hold, lone
surrogates, path traversal and overlong ids are refused with an error naming the field, and
nothing is written. Numbers too large to be an amount or a count, JSON nested 100,000 deep and
bytes that are not UTF-8 are a ``CommandFormatError`` (exit 2 on the command line), never an
"unexpected" failure.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import ADMIN, D0, intake
from builders import run_cli as run
from mediation_core.app.service import MediationService
from mediation_core.cli import ExitCode
from mediation_core.cli.output import table
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.errors import CommandFormatError, RuleViolationError
from mediation_core.plugins.manager import load_plugins
from mediation_core.serialization import MAX_NESTING, command_from_json, command_to_json, load_json, unstructure
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore

HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "x" * 6000,
            "name\x00",
            "\x1b[2J\x1b[H",
            "a\ufffeb",
            "\uffff",
            "\ud800",
            "\udfff tail",
            "\u202eevil",
            "bell\x07",
        ]
    ),
    st.builds(
        lambda head, bad, tail: head + bad + tail,
        st.text(max_size=4, alphabet=st.characters(categories=["L"])),
        st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\x9b", "\ufffe", "\uffff", "\ud83d", "\u2066"]),
        st.text(max_size=4, alphabet=st.characters(categories=["L"])),
    ),
)
"""Control characters (ESC sequences among them), non-XML characters, lone surrogates,
direction controls and 6,000-character values: refused in any field."""
HOSTILE_ID = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(["../../../etc/passwd", "..\\..\\win.ini", "a b", "x" * 65, "/etc/shadow"]),
)
"""…and path traversal, spaces and 65-character values, refused in an identifier."""
FIELDS = ("case_id", "room_id", "summary", "parties[0].name", "parties[1].address")
ID_FIELDS = ("case_id", "room_id")
HOSTILE = st.one_of(st.tuples(st.sampled_from(FIELDS), HOSTILE_TEXT), st.tuples(st.sampled_from(ID_FIELDS), HOSTILE_ID))


def _service() -> MediationService:
    service = MediationService(MemoryStore(), plugins=load_plugins(autoload=False, strict=True), clock=sc.ScriptClock())
    service.register(demo_registry(), ADMIN)
    return service


def _with(data: dict[str, object], path: str, value: str) -> dict[str, object]:
    out = json.loads(json.dumps(data))
    target = out
    *parents, last = path.replace("[", ".").replace("]", "").split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return out


def _receive() -> dict[str, object]:
    return command_to_json(intake(D0, case_id="c-1"))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(hostile=HOSTILE)
def test_a_hostile_string_in_command_json_is_refused_naming_its_field(hostile: tuple[str, str]) -> None:
    field, value = hostile
    service = _service()
    data = _with(_receive(), field, value)
    text = json.dumps(data)  # escapes as a county system would send it (\u0000, \ud800 …)
    with pytest.raises((CommandFormatError, RuleViolationError)) as refused:
        service.handle(command_from_json(load_json(text.encode())), ADMIN)
    named = (
        " ".join(v.field for v in refused.value.violations)
        if isinstance(refused.value, RuleViolationError)
        else " ".join(refused.value.problems)
    )
    assert field.split(".")[-1].split("[")[0] in named
    assert list(service.store.ledger()) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1e999999999", "expected a number below 1e20"),
        ("1e20", "expected a number below 1e20"),
        ("123456789012345678901", "expected a number below 1e20"),
        ("9" * 5000, "expected a number below 1e20"),
        ("NaN", "expected a number below 1e20"),
        ('"1e999999999"', "expected a number below 1e20"),
        ('"1e-999999999"', "at most 20 decimal places"),
    ],
)
def test_a_number_too_large_to_record_is_a_format_error_naming_its_field(value: str, problem: str) -> None:
    text = json.dumps(_receive()).replace('"amount_involved": "0"', f'"amount_involved": {value}')
    with pytest.raises(CommandFormatError) as refused:
        command_from_json(load_json(text))
    assert any("$.amount_involved" in p and problem in p for p in refused.value.problems), refused.value.problems


def test_a_huge_integer_in_an_integer_field_is_a_format_error_naming_it() -> None:
    text = '{"command": "ArchiveCase", "case_id": "c-1", "on": "2026-05-06", "archivist_id": "m-zhang", '
    with pytest.raises(CommandFormatError, match=r"more than 20 digits @ \$\.retention_years"):
        command_from_json(load_json(text + '"retention_years": ' + "9" * 5000 + "}"))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"[" * 100_000 + b"]" * 100_000, f"nested deeper than {MAX_NESTING} levels @ $"),
        (b'{"command": "AcceptCase", "case_id": "c-\xff\xfe"}', "not UTF-8 text (byte 40) @ $"),
        (b'{"command": ', "not JSON: Expecting value (line 1, column 13) @ $"),
    ],
)
def test_unreadable_json_is_a_format_error(data: bytes, problem: str) -> None:
    with pytest.raises(CommandFormatError) as refused:
        load_json(data)
    assert refused.value.problems == [problem]


def test_nesting_inside_strings_does_not_count() -> None:
    assert load_json(json.dumps({"text": "[" * 1000})) == {"text": "[" * 1000}


# -- the command line --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("office")
    db = str(folder / "office.sqlite3")
    registry = folder / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEDIATION_IDENTITY_KEY", "k" * 32)
        code, _, err = run("--db", db, "init", "--registry", str(registry))
    assert code == 0, err
    return "--db", db


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=15)
@given(hostile=HOSTILE)
def test_a_hostile_string_in_a_command_file_is_refused_and_nothing_is_written(
    office: tuple[str, str], tmp_path_factory: pytest.TempPathFactory, hostile: tuple[str, str]
) -> None:
    field, value = hostile
    path = tmp_path_factory.mktemp("cmd") / "command.json"
    path.write_text(json.dumps(_with(_receive(), field, value)), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEDIATION_IDENTITY_KEY", "k" * 32)
        code, _, err = run(*office, "--as", "mediator:m-zhang@pengshanlu-room", "case", "record", str(path))
    assert code in (ExitCode.USAGE, ExitCode.REFUSED), err
    assert field.split(".")[-1].split("[")[0] in err
    assert "\x1b" not in err  # an escape sequence is never printed raw
    assert run(*office, "--json", "case", "list")[1].strip() == "[]"


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"[" * 100_000, "nested deeper than"),
        (
            b'{"command": "ArchiveCase", "case_id": "c-1", "on": "2026-05-06", "archivist_id": "m-zhang", '
            b'"retention_years": 1' + b"0" * 5000 + b"}",
            "$.retention_years",
        ),
    ],
)
def test_a_hostile_command_file_exits_2_with_a_clear_message(
    office: tuple[str, str], tmp_path: Path, contents: bytes, message: str
) -> None:
    path = tmp_path / "command.json"
    path.write_bytes(contents)
    code, _, err = run(*office, "--as", "mediator:m-zhang@pengshanlu-room", "case", "record", str(path))
    assert code == ExitCode.USAGE
    assert message in err
    assert "unexpected" not in err


@pytest.mark.parametrize(
    "actor",
    ["mediator:../../etc/passwd@pengshanlu-room", "mediator:m\x1b[2J@pengshanlu-room", "mediator:" + "m" * 5000 + "@r"],
)
def test_a_hostile_actor_on_the_command_line_is_refused(office: tuple[str, str], actor: str) -> None:
    code, _, err = run(*office, "--as", actor, "case", "list")
    assert code == ExitCode.CONFIGURATION
    assert "an id and a scope are letters, digits" in err
    assert "\x1b" not in err


@pytest.mark.parametrize("bad", ["\ufffe", "\x00", "\x1b[2J", "\ud800"])
def test_a_registry_name_xml_cannot_hold_is_refused_through_the_service_and_init(bad: str, tmp_path: Path) -> None:
    registry = demo_registry()
    mediator = registry.mediators["m-zhang"]
    hostile = attrs.evolve(
        registry, mediators={**registry.mediators, "m-zhang": attrs.evolve(mediator, name="张" + bad)}
    )
    service = MediationService(MemoryStore(), plugins=load_plugins(autoload=False, strict=True), clock=sc.ScriptClock())
    with pytest.raises(CommandFormatError, match=r"@ \$\.mediators\[m-zhang\]\.name"):
        service.register(hostile, ADMIN)
    assert service.registry().mediators == {}
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(unstructure(hostile)), encoding="utf-8")
    db = str(tmp_path / "new.sqlite3")
    code, _, err = run("--db", db, "init", "--registry", str(path))
    assert code == ExitCode.USAGE
    assert "$.mediators[m-zhang].name" in err
    assert run("--db", db, "--json", "init")[1].count('"mediators": 0') == 1


def test_text_stored_before_these_rules_is_never_printed_raw_to_a_terminal() -> None:
    printed = table(["案件", "当事人"], [("c-1", "王某\x1b[2J\x1b]0;owned\x07"), ("c-2", "李某\u202e")])
    assert "\x1b" not in printed
    assert "\x07" not in printed
    assert "\u202e" not in printed
    assert "王某\\u001b[2J" in printed
