"""Any command the strategies build, written by the converter, fits its schema; a document with a
required field left out or an enum value that is none of the codes does not."""

from __future__ import annotations

import enum
import json
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given

from mediation_core import schemas
from mediation_core.serialization import COMMAND_BY_NAME, command_to_json
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
