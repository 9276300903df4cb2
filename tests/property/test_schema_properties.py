"""Any command, event or result the strategies build, written by the converter, fits its schema; a
command with a required field left out, an unknown field or an enum value that is none of the codes
does not."""

from __future__ import annotations

import enum
import json
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings

from mediation_core import schemas
from mediation_core.serialization import COMMAND_BY_NAME, EVENT_BY_TAG, command_to_json, event_body, unstructure
from mediation_core.testing.strategies import of

COMMANDS = sorted(COMMAND_BY_NAME)


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schemas.command_schema(name))


def _first_enum_field(cls: type) -> str | None:
    attrs.resolve_types(cls)
    return next((f.name for f in attrs.fields(cls) if isinstance(f.type, type) and issubclass(f.type, enum.Enum)), None)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_generated_command_fits_its_schema_and_a_broken_one_does_not(name: str) -> None:
    cls = COMMAND_BY_NAME[name]
    check = validator(name)
    required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]  # type: ignore[arg-type]
    enum_field = _first_enum_field(cls)

    @given(of(cls))
    def fits(command: Any) -> None:
        document = json.loads(json.dumps(command_to_json(command), ensure_ascii=False))
        assert [e.message for e in check.iter_errors(document)] == []
        for field in required:
            assert not check.is_valid({k: v for k, v in document.items() if k != field}), field
        if enum_field is not None:
            assert not check.is_valid({**document, enum_field: "no-such-code"})
        assert not check.is_valid({**document, "no_such_field": 1})

    fits()


GENERATED_RESULTS = sorted(set(schemas.result_names()) - {"CaseFile", "Document", "Registry"})
"""Results the strategies can build (a case file and a document hold free JSON, a registry must be a
coherent district): tests/unit/test_schemas.py checks those three on values a run returned."""


@pytest.mark.parametrize("tag", sorted(EVENT_BY_TAG))
def test_every_generated_event_body_fits_its_schema(tag: str) -> None:
    check = jsonschema.Draft202012Validator(schemas.event_schema(tag))

    @settings(max_examples=10)
    @given(of(EVENT_BY_TAG[tag]))
    def fits(event: Any) -> None:
        body = json.loads(json.dumps(event_body(event), ensure_ascii=False))
        assert [e.message for e in check.iter_errors(body)] == []

    fits()


@pytest.mark.parametrize("name", GENERATED_RESULTS)
def test_every_generated_result_fits_its_schema(name: str) -> None:
    schema = schemas.result_schema(name)
    check = jsonschema.Draft202012Validator(schema)
    cls = schemas.result_class(name)

    @settings(max_examples=10)
    @given(of(cls))
    def fits(value: Any) -> None:
        document = json.loads(json.dumps(unstructure(value), ensure_ascii=False))
        assert [e.message for e in check.iter_errors(document)] == []

    fits()
