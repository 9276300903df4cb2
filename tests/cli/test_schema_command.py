"""``mediation schema``: the names with their Chinese titles for an official, one schema or the
whole document as JSON for a machine, and a clear refusal of a name that is none."""

from __future__ import annotations

import json

import jsonschema

from builders import run_cli
from mediation_core import schemas


def test_without_a_name_it_lists_every_name_with_its_chinese_title() -> None:
    code, out, err = run_cli("schema")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["类别", "名称", "中文名称"]
    assert len(lines) == 2 + len(schemas.command_names()) + len(schemas.event_names()) + len(schemas.result_names())
    assert any(line.split() == ["指令", "AcceptCase", "受理纠纷"] for line in lines)
    assert any(line.split() == ["事件", "case.received", "纠纷已登记"] for line in lines)
    assert any(line.split() == ["查询结果", "CaseFile", "一案一卷"] for line in lines)


def test_with_json_the_list_keeps_the_codes() -> None:
    code, out, _ = run_cli("schema", "--json")
    assert code == 0
    entries = json.loads(out)
    assert {"kind": "command", "name": "ReceiveDispute", "title_zh": "登记纠纷"} in entries
    assert {e["kind"] for e in entries} == {"command", "event", "result"}
    assert all(e["title_zh"] for e in entries)


def test_a_name_prints_its_schema_that_validates_a_command() -> None:
    code, out, _ = run_cli("schema", "AcceptCase")
    assert code == 0
    schema = json.loads(out)
    assert schema == schemas.command_schema("AcceptCase")
    jsonschema.Draft202012Validator(schema).validate({"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"})
    assert json.loads(run_cli("schema", "case.received")[1]) == schemas.event_schema("case.received")
    assert json.loads(run_cli("schema", "LedgerRow")[1])["x-title-zh"] == "调解登记台账行"


def test_all_prints_the_whole_document() -> None:
    code, out, _ = run_cli("schema", "--all")
    assert code == 0
    assert json.loads(out) == schemas.schema_document()


def test_an_unknown_name_or_a_name_with_all_is_a_usage_error() -> None:
    code, out, err = run_cli("schema", "Nope")
    assert (code, out) == (2, "")
    assert "no command, event or query result is named 'Nope'" in err
    code, _, err = run_cli("schema", "AcceptCase", "--all")
    assert code == 2
    assert "not both" in err
