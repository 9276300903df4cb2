"""A format error names the field and the rule, never the value: a party's ID or phone number
typed into the wrong field must not come back in an error message (and so in a log, an HTTP
answer or a terminal)."""

from __future__ import annotations

import json
import re
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import D0, PARTIES, ROOM
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import CommandFormatError
from mediation_core.domain.kernel.shapes import shape_problems
from mediation_core.domain.values.sources import CaseSource
from mediation_core.serialization import command_from_json, command_to_json
from mediation_core.testing import strategies as mst

RECEIVE = c.ReceiveDispute(
    case_id="",
    room_id=ROOM,
    received_on=D0,
    source=CaseSource.DISPATCH_110,
    category="neighbourhood",
    summary="邻里纠纷",
    parties=PARTIES,
)


def _carries(message: str, number: str) -> bool:
    """True when six consecutive digits of ``number`` are in ``message``."""
    return any(number[i : i + 6] in message for i in range(len(number) - 5))


def _refused(data: dict[str, Any]) -> str:
    with pytest.raises(CommandFormatError) as caught:
        command_from_json(data)
    return str(caught.value)


WRONG_FIELDS = [
    ("received_on", "a date (YYYY-MM-DD)"),
    ("source", "CaseSource"),
    ("command", "unknown command"),
]


@given(number=mst.resident_ids() | mst.phones, decoration=st.sampled_from(["{}", "+86{}", "ID{}", " {} "]))
def test_a_number_in_the_wrong_field_is_not_quoted(number: str, decoration: str) -> None:
    value = decoration.format(number)
    base = json.loads(json.dumps(command_to_json(RECEIVE)))
    for field, rule in WRONG_FIELDS:
        message = _refused({**base, field: value})
        assert rule in message
        assert not _carries(message, number), message
    message = _refused({**base, value: 1})  # an extra key that is a number
    assert "extra fields found" in message
    assert not _carries(message, number), message
    party = {**base["parties"][0], "birth_date": value}
    message = _refused({**base, "parties": [party, *base["parties"][1:]]})
    assert "$.parties[0].birth_date" in message
    assert not _carries(message, number), message


def test_the_error_still_names_the_field_and_the_rule() -> None:
    base = json.loads(json.dumps(command_to_json(RECEIVE)))
    assert _refused({**base, "received_on": "13512345678"}) == (
        "expected a date (YYYY-MM-DD), got a string of 11 characters @ $.received_on"
    )
    assert _refused({**base, "received_on": "2026-02-30"}) == (
        "expected a date (YYYY-MM-DD), got a string of 10 characters that is not a real date @ $.received_on"
    )
    assert _refused({**base, "13512345678": 1, "surprise": 2}) == (
        "extra fields found ((a string of 11 characters), surprise) @ $"
    )


def test_a_command_built_in_python_is_refused_without_its_value() -> None:
    wrong = attrs.evolve(RECEIVE, source="13512345678")  # type: ignore[arg-type]
    problems = shape_problems(wrong)
    assert problems == ["expected CaseSource, got str @ $.source"]
    assert not any(re.search(r"\d{6}", p) for p in problems)
