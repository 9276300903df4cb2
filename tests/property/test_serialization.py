"""Every event and command survives a JSON round trip through the one converter."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_core.domain.case import commands as c
from mediation_core.serialization import (
    EVENT_BY_TAG,
    CommandFormatError,
    command_from_json,
    command_to_json,
    event_body,
    event_from_body,
)
from mediation_core.testing.strategies import of


@pytest.mark.parametrize("event_type", sorted(EVENT_BY_TAG))
def test_event_json_round_trip(event_type: str) -> None:
    cls = EVENT_BY_TAG[event_type]

    @settings(max_examples=25)
    @given(of(cls))
    def check(event: object) -> None:
        body = json.loads(json.dumps(event_body(event)))  # type: ignore[arg-type]
        assert event_from_body(event_type, cls.SCHEMA_VERSION, body) == event

    check()


@pytest.mark.parametrize("command_type", c.COMMAND_TYPES, ids=lambda t: t.__name__)
def test_command_json_round_trip(command_type: type) -> None:
    @settings(max_examples=15)
    @given(of(command_type))
    def check(command: c.CaseCommand) -> None:
        data = json.loads(json.dumps(command_to_json(command)))
        assert command_from_json(data) == command

    check()


def test_bad_command_json_names_every_field() -> None:
    with pytest.raises(CommandFormatError, match=r"unknown command 'Nope'.*\$\.command"):
        command_from_json({"command": "Nope"})
    data = command_to_json(c.StartMediation(case_id="c1", on=dt.date(2026, 5, 6)))
    with pytest.raises(CommandFormatError) as caught:
        command_from_json({**data, "surprise": 1})
    assert caught.value.problems == ["extra fields found (surprise) @ $"]
    with pytest.raises(CommandFormatError) as caught:
        command_from_json({"command": "AcceptCase", "case_id": "c1", "on": "2026-02-30", "fee_charged": "x"})
    assert [p.rsplit(" @ ", 1)[1] for p in caught.value.problems] == ["$.on", "$.fee_charged"]


def test_unknown_event_type_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        event_from_body("case.nope", 1, {})


@given(st.sampled_from(sorted(EVENT_BY_TAG)))
def test_tags_are_stable_dotted_names(tag: str) -> None:
    assert tag == tag.lower()
    assert "." in tag
    assert tag == EVENT_BY_TAG[tag].EVENT_TYPE
