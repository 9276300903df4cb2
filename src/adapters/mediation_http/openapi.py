"""The OpenAPI 3.1 document of the API, assembled from the JSON Schemas the core generates from
the attrs classes (:mod:`mediation_core.schemas`): the command body is exactly one of the
commands ``command_from_json`` reads, the answers are the query results ``unstructure`` writes.
Nothing here describes a field by hand; the routes, parameters and statuses are this module's."""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from mediation_core.cli.app import package_version
from mediation_core.exports.forms import DocumentForm
from mediation_core.schemas import schema_document
from mediation_http.problems import PROBLEM_JSON

REF = "#/components/schemas/"

STATE_RESULTS = (
    "CaseState",
    "ReferralState",
    "PoliceCaseState",
    "DispatchState",
    "TrafficState",
    "Meeting",
    "StatisticalReturn",
    "EvaluationRound",
    "MisconductFinding",
    "TrainingSession",
    "Inspection",
    "Screening",
)
"""The results a command may answer with: the state of each aggregate."""


def _relinked(value: Any) -> Any:
    """``value`` with every ``#/$defs/`` reference pointing into ``components/schemas``."""
    text = json.dumps(value, ensure_ascii=False).replace('"#/$defs/', f'"{REF}')
    return json.loads(text)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _problem_schema() -> dict[str, Any]:
    violation = {
        "type": "object",
        "required": ["rule", "field", "basis", "message_zh", "message_en"],
        "properties": {
            "rule": {"type": "string", "description": "the rule's name (docs/rules.md)"},
            "field": {"type": "string", "description": "the field it names, a path into the command"},
            "basis": {"type": "string", "description": "the law, article and edition"},
            "message_zh": {"type": "string"},
            "message_en": {"type": "string"},
        },
    }
    return {
        "type": "object",
        "description": "An RFC 9457 problem: the class of error, what went wrong, and for a refusal every broken rule.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "urn:mediation:problem:<class>"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "exit_code": {"type": "integer", "description": "the command line's exit code of the same error"},
            "violations": {"type": "array", "items": violation},
        },
    }


def _answer_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Where the command left its stream, and the stream's state in the writer's view.",
        "required": ["command", "aggregate", "stream_id", "version", "state"],
        "properties": {
            "command": {"type": "string"},
            "aggregate": {"type": "string"},
            "stream_id": {"type": "string"},
            "version": {"type": "integer", "minimum": 1},
            "state": {"oneOf": [_ref(name) for name in STATE_RESULTS]},
        },
    }


def _problems(*statuses: int) -> dict[str, Any]:
    return {
        str(status): {
            "description": DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": _ref("Problem")}},
        }
        for status in statuses
    }


DESCRIPTIONS = {
    400: "bad input: a field of the wrong type, a malformed header or parameter",
    401: "not authenticated: no token, or one that is invalid, expired, or for another issuer or audience",
    403: "not allowed: the actor is not registered, or its role or scope does not cover the request",
    404: "not found",
    409: "another writer was first: run the command again",
    412: "the stream is not at the If-Match version: read it again",
    413: "the body is over 1 MiB",
    415: "the body is not application/json",
    422: "refused by the rules (every broken rule listed), or an Idempotency-Key reused for another request",
    500: "internal error",
    503: "the store is busy, unreachable or full: try again",
}
READ_PROBLEMS = (400, 401, 403, 404, 503)


def _json(schema: dict[str, Any], description: str, *, etag: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if etag:
        response["headers"] = {"ETag": {"schema": {"type": "string"}, "description": '"<stream id>:<version>"'}}
    return response


def _file(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/octet-stream": {"schema": {}}}}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": description}


def _query(name: str, description: str, *, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": {"type": "string", **schema},
        "description": description,
    }


def _header(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": False, "schema": {"type": "string"}, "description": description}


@functools.cache
def _document() -> dict[str, Any]:
    schemas = schema_document()
    components = _relinked(schemas["$defs"])
    components["Problem"] = _problem_schema()
    components["CommandAnswer"] = _answer_schema()
    commands = schemas["commands"]
    body = {
        "oneOf": [_relinked(ref) for ref in commands.values()],
        "discriminator": {
            "propertyName": "command",
            "mapping": {name: _relinked(ref)["$ref"] for name, ref in commands.items()},
        },
    }
    forms = [f.value for f in DocumentForm]
    form = {**_path("form", "the form"), "schema": {"type": "string", "enum": forms}}
    fmt = _query("format", "a document renderer's format (default docx)")
    paths = {
        "/commands": {
            "post": {
                "summary": "record one command (指令)",
                "operationId": "postCommand",
                "parameters": [
                    _header("Idempotency-Key", "carry the command out once: a retry answers with the first result"),
                    _header("If-Match", 'the ETag of a read, "<stream id>:<version>": only on that version'),
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {
                    "200": _json(_ref("CommandAnswer"), "recorded", etag=True),
                    **_problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 503),
                },
            }
        },
        "/cases/{case_id}": {
            "get": {
                "summary": "the case file (一案一卷) in the reader's view",
                "operationId": "getCase",
                "parameters": [_path("case_id", "the case"), _header("If-None-Match", "the ETag last read")],
                "responses": {
                    "200": _json(_ref("CaseFile"), "the case file", etag=True),
                    "304": {"description": "not changed since the If-None-Match ETag"},
                    **_problems(*READ_PROBLEMS),
                },
            }
        },
        "/cases/{case_id}/documents/{form}": {
            "get": {
                "summary": "a case's document in the Ministry's form",
                "operationId": "getCaseDocument",
                "parameters": [_path("case_id", "the case"), form, fmt],
                "responses": {"200": _file("the document"), **_problems(*READ_PROBLEMS, 422)},
            }
        },
        "/referrals/{referral_id}": {
            "get": {
                "summary": "a referral (移送/委托) as it stands",
                "operationId": "getReferral",
                "parameters": [_path("referral_id", "the referral")],
                "responses": {
                    "200": _json(_record("ReferralState"), "the referral", etag=True),
                    **_problems(*READ_PROBLEMS),
                },
            }
        },
        "/referrals/{referral_id}/documents/{form}": {
            "get": {
                "summary": "the referral letter or the room's reply",
                "operationId": "getReferralDocument",
                "parameters": [_path("referral_id", "the referral"), form, fmt],
                "responses": {"200": _file("the document"), **_problems(*READ_PROBLEMS, 422)},
            }
        },
        "/records/{aggregate}/{stream_id}": {
            "get": {
                "summary": "any other record (治安 case, dispatch, traffic accident, meeting …)",
                "operationId": "getRecord",
                "parameters": [_path("aggregate", "police_case, dispatch, traffic, meeting …"), _path("stream_id", "")],
                "responses": {
                    "200": _json(_record(*STATE_RESULTS[1:]), "the record", etag=True),
                    **_problems(*READ_PROBLEMS),
                },
            }
        },
        "/ledger": {
            "get": {
                "summary": "the ledger (台账) in the reader's view, or its file",
                "operationId": "getLedger",
                "parameters": [
                    _query("room", "only this room (repeatable)"),
                    _query("format", "xlsx, csv or json: the file instead of the rows"),
                ],
                "responses": {
                    "200": _json({"type": "array", "items": _ref("LedgerRow")}, "the rows (or the file)"),
                    **_problems(*READ_PROBLEMS),
                },
            }
        },
        "/statistics": {
            "get": {
                "summary": "the statistics report of a unit for a period, or its file",
                "operationId": "getStatistics",
                "parameters": [
                    _query("scope", "the room, station, township or district", required=True),
                    _query("start", "the period's first day", required=True, format="date"),
                    _query("end", "the period's last day", required=True, format="date"),
                    _query("format", "xlsx, html, csv or json: the file instead of the report"),
                ],
                "responses": {
                    "200": _json(_ref("StatisticsReport"), "the report (or the file)"),
                    **_problems(*READ_PROBLEMS),
                },
            }
        },
        "/deadlines": {
            "get": {
                "summary": "the open deadlines of the cases the reader may read",
                "operationId": "getDeadlines",
                "parameters": [_query("until", "due on or before this day", format="date")],
                "responses": {
                    "200": _json(
                        {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["stream_id", "deadline"],
                                "properties": {"stream_id": {"type": "string"}, "deadline": _ref("Deadline")},
                            },
                        },
                        "the deadlines, soonest first",
                    ),
                    **_problems(*READ_PROBLEMS),
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mediation-core HTTP API (公调对接)",
            "version": package_version(),
            "description": "Commands, reads in the reader's view and exports over one service (docs/http.md).",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _record(*states: str) -> dict[str, Any]:
    state = _ref(states[0]) if len(states) == 1 else {"oneOf": [_ref(s) for s in states]}
    return {
        "type": "object",
        "required": ["aggregate", "state"],
        "properties": {"aggregate": {"type": "string"}, "state": state},
    }


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI 3.1 document (a fresh copy)."""
    return copy.deepcopy(_document())
