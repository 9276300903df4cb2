"""The schemas say what the converter writes and reads: every command of the demo's story and
every result its queries return validates against its schema, and what the converter refuses,
the schema refuses too."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import typing
from typing import Any

import attrs
import jsonschema
import pytest

from mediation_core import schemas
from mediation_core.app.bootstrap import Config, open_service
from mediation_core.app.ports import recorded_streams
from mediation_core.app.service import MediationService
from mediation_core.demo import PERIOD, build_district, plan
from mediation_core.demo.district import ADMIN, CENTRE_STAFF, DISTRICT
from mediation_core.demo.plan import Plan
from mediation_core.demo.run import play
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.serialization import COMMAND_BY_NAME, EVENT_BY_TAG, command_to_json, event_body, unstructure

SMALL = 0.02


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(schema: dict[str, Any], document: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator(schema).iter_errors(document)]


@pytest.fixture(scope="module")
def district() -> tuple[MediationService, Plan]:
    clock = StoryClock(dt.datetime.combine(PERIOD.start, dt.time(8), CHINA_TZ))
    service = open_service(Config(store="memory", identity_key=secrets.token_urlsafe(32)), clock=clock)
    story = plan(7, build_district(), service.calendar, SMALL)
    play(service, clock, build_district(), story)
    return service, story


def test_the_document_is_a_valid_draft_2020_12_schema_naming_every_command_event_and_result() -> None:
    document = schemas.schema_document()
    jsonschema.Draft202012Validator.check_schema(document)
    assert set(document["commands"]) == set(COMMAND_BY_NAME) == set(schemas.command_names())
    assert set(document["events"]) == set(EVENT_BY_TAG) == set(schemas.event_names())
    assert set(document["results"]) == set(schemas.result_names())
    for required in (
        "CaseFile",
        "LedgerRow",
        "StatisticsReport",
        "Deadline",
        "Document",
        "OutboxEntry",
        "ReferralState",
    ):
        assert required in schemas.result_names()
    for table in ("commands", "events", "results"):
        for ref in document[table].values():
            assert ref["$ref"].removeprefix("#/$defs/") in document["$defs"]


def test_every_command_of_the_demo_validates_against_its_schema(district: tuple[MediationService, Plan]) -> None:
    _, story = district
    seen: set[str] = set()
    for step in story.steps:
        data = command_to_json(step.command)
        if data["command"] in seen:
            continue
        seen.add(data["command"])
        document = json.loads(json.dumps(data))
        assert problems(schemas.command_schema(data["command"]), document) == [], data["command"]
    assert len(seen) >= 40


def test_every_event_the_demo_recorded_validates_against_its_schema(district: tuple[MediationService, Plan]) -> None:
    service, _ = district
    seen: set[str] = set()
    for stream in list(recorded_streams(service.store))[:400]:
        for record in service.store.read(stream):
            if record.event_type in seen or record.event_type not in EVENT_BY_TAG:
                continue
            seen.add(record.event_type)
            assert problems(schemas.event_schema(record.event_type), json.loads(json.dumps(record.body))) == [], (
                record.event_type
            )
    assert len(seen) > 30


def results_of(service: MediationService, story: Plan) -> list[Any]:
    archived = next(s for s in story.steps if type(s.command).__name__ == "ArchiveCase")
    referral = next(s for s in story.steps if type(s.command).__name__ == "IssueReferral")
    ledger = service.ledger(CENTRE_STAFF)
    return [
        service.case_file(archived.command.case_id, archived.actor),
        ledger[0],
        service.ledger_table(CENTRE_STAFF),
        service.statistics(story.period, DISTRICT, CENTRE_STAFF),
        service.referral(referral.command.referral_id, CENTRE_STAFF),
        *service.sweep(story.end, actor=ADMIN)[:3],
        *service.documents("meeting", CENTRE_STAFF)[:2],
        *service.filings(story.period, DISTRICT, CENTRE_STAFF)[:2],
        *service.meeting_compliance(story.period, DISTRICT, CENTRE_STAFF)[:2],
        *service.proposed_agenda(MeetingKind.JOINT, DISTRICT, CENTRE_STAFF)[:2],
        *service.meetings(DISTRICT, CENTRE_STAFF)[:2],
        service.evaluation(2025, DISTRICT, CENTRE_STAFF),
        *service.evaluation_preview(2025, DISTRICT, CENTRE_STAFF)[:2],
        *service.training_report(story.period, DISTRICT, CENTRE_STAFF)[:2],
        service.cross_check(story.period, DISTRICT, CENTRE_STAFF),
        service.dashboard_data(story.period, DISTRICT, CENTRE_STAFF),
        service.registry(),
        *service.dead_letters(ADMIN),
        *service.access_denials(ADMIN),
    ]


def test_every_result_the_queries_return_validates_against_its_schema(district: tuple[MediationService, Plan]) -> None:
    service, story = district
    names = {schemas.result_class(name): name for name in schemas.result_names()}
    checked = set()
    for value in results_of(service, story):
        name = names[type(value)]
        checked.add(name)
        assert problems(schemas.result_schema(name), json.loads(json.dumps(unstructure(value)))) == [], name
    assert {"CaseFile", "LedgerRow", "StatisticsReport", "ReferralState", "Registry"} <= checked


def test_a_case_file_lists_its_events_by_their_stored_tag(district: tuple[MediationService, Plan]) -> None:
    service, story = district
    archived = next(s for s in story.steps if type(s.command).__name__ == "ArchiveCase")
    case_file = service.case_file(archived.command.case_id, archived.actor)
    events = unstructure(case_file)["events"]
    assert [e["event_type"] for e in events] == [r.event_type for r in case_file.records]
    assert events[0] == {"event_type": "case.received", **event_body(case_file.events[0])}


def test_a_schema_refuses_what_the_converter_refuses() -> None:
    schema = schemas.command_schema("AcceptCase")
    good = {"command": "AcceptCase", "case_id": "c-1", "on": "2026-05-06"}
    assert problems(schema, good) == []
    assert problems(schema, {"command": "AcceptCase", "case_id": "c-1"}) != []  # a required field missing
    assert problems(schema, {**good, "colour": "red"}) != []  # an unknown field
    assert problems(schema, {**good, "case_id": 5}) != []  # a number is no string
    assert problems(schema, {**good, "command": "DeclineCase"}) != []
    receive = schemas.command_schema("ReceiveDispute")
    party = {"kind": "person", "party_id": "p1", "side": "applicant", "name": "王建国"}
    dispute = {
        "command": "ReceiveDispute",
        "case_id": "c-1",
        "room_id": "r",
        "received_on": "2026-05-06",
        "source": "walk_in",
        "category": "neighbourhood",
        "summary": "…",
        "parties": [party],
    }
    assert problems(receive, dispute) == []
    assert problems(receive, {**dispute, "source": "telepathy"}) != []  # no such enum value
    assert problems(receive, {**dispute, "parties": [{**party, "kind": "robot"}]}) != []
    assert problems(receive, {**dispute, "parties": [{k: v for k, v in party.items() if k != "kind"}]}) != []


def test_enum_values_carry_their_chinese_titles() -> None:
    defs = schemas.schema_document()["$defs"]
    assert defs["CaseSource"]["x-enum-titles"]["walk_in"] == "当事人申请"
    assert defs["Side"]["x-enum-titles"] == {"applicant": "申请人", "respondent": "被申请人"}
    enums = {name: d for name, d in defs.items() if "enum" in d and "properties" not in d}
    assert len(enums) > 60
    untitled = {name: sorted(set(map(str, d["enum"])) - set(d.get("x-enum-titles", {}))) for name, d in enums.items()}
    assert {name: codes for name, codes in untitled.items() if codes} == {}


def test_two_classes_of_one_name_are_told_apart_by_their_module() -> None:
    document = schemas.schema_document()
    assert document["events"]["case.session_scheduled"] == {"$ref": "#/$defs/case.SessionScheduled"}
    assert document["events"]["traffic.session_scheduled"] == {"$ref": "#/$defs/traffic.SessionScheduled"}


def test_schema_for_any_attrs_class_and_a_clear_error_for_anything_else() -> None:
    @attrs.frozen
    class Probe:
        when: dt.date
        count: int = 0

    schema = schema_probe = schemas.schema_for(Probe)
    assert problems(schema_probe, {"when": "2026-05-06"}) == []
    assert problems(schema, {"when": "2026-05-06", "count": "3"}) != []
    with pytest.raises(TypeError, match="neither an attrs class nor an enum"):
        schemas.schema_for(dict)
    with pytest.raises(KeyError, match="no command named 'Nope'"):
        schemas.command_schema("Nope")


def test_every_command_event_and_result_has_its_chinese_title() -> None:
    missing = [
        f"{kind} {name}"
        for kind, names in (
            ("command", schemas.command_names()),
            ("event", schemas.event_names()),
            ("result", schemas.result_names()),
        )
        for name in names
        if not schemas.title_zh(kind, name)
    ]
    assert missing == []


def test_every_attrs_class_a_query_returns_has_a_result_schema() -> None:
    returned: dict[str, set[type]] = {}

    def classes(tp: Any) -> set[type]:
        if isinstance(tp, type) and attrs.has(tp):
            return {tp}
        return {c for arg in typing.get_args(tp) for c in classes(arg)}

    for name in dir(MediationService):
        method = getattr(MediationService, name)
        if callable(method) and hasattr(method, "__wrapped__"):
            hints = typing.get_type_hints(method.__wrapped__)
            found = classes(hints.get("return"))
            if found:
                returned[name] = found
    assert {"case_file", "ledger", "statistics", "referral", "documents", "sweep"} <= set(returned)
    missing = {name: sorted(c.__name__ for c in found - set(schemas.RESULT_TYPES)) for name, found in returned.items()}
    assert {name: found for name, found in missing.items() if found} == {}
