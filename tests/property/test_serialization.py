"""Every event and command survives a JSON round trip through the one converter; event tags never change."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_core import domain
from mediation_core.domain.case import commands as c
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.serialization import (
    CommandFormatError,
    command_from_json,
    command_to_json,
    event_body,
    event_from_body,
)
from mediation_core.testing.strategies import of


def _domain_event_classes() -> list[type[DomainEvent]]:
    """Every concrete event class defined anywhere in the domain, found by importing each module
    (not read from the converter's table, so an event the converter does not know shows up)."""
    found: set[type[DomainEvent]] = set()
    for info in pkgutil.walk_packages(domain.__path__, f"{domain.__name__}."):
        module = importlib.import_module(info.name)
        found |= {v for v in vars(module).values() if isinstance(v, type) and issubclass(v, DomainEvent)}
    bases = {base for cls in found for base in cls.__mro__[1:]}
    return sorted(found - bases, key=lambda cls: (cls.__module__, cls.__qualname__))


EVENT_CLASSES = _domain_event_classes()
SNAPSHOT = Path(__file__).parents[1] / "snapshots" / "event-tags.txt"
TAG = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__qualname__)
def test_every_event_round_trips_through_json_with_its_tag(cls: type[DomainEvent]) -> None:
    """What a store writes (tag, schema version, body) reads back as the same event of the same class."""

    @settings(max_examples=25)
    @given(of(cls))
    def check(event: DomainEvent) -> None:
        stored = json.dumps({"type": event.EVENT_TYPE, "version": event.SCHEMA_VERSION, "body": event_body(event)})
        row = json.loads(stored)
        back = event_from_body(row["type"], row["version"], row["body"])
        assert type(back) is cls
        assert back == event

    check()


def test_tags_are_unique_dotted_lowercase_names() -> None:
    """Two classes sharing a tag would read each other's stored events."""
    tags = [cls.EVENT_TYPE for cls in EVENT_CLASSES]
    assert len(tags) > 80
    assert [t for t in tags if not TAG.fullmatch(t)] == []
    assert sorted(t for t in set(tags) if tags.count(t) > 1) == []


def test_tags_are_stable() -> None:
    """A tag in the snapshot is in stored events forever; a new event's tag is added to the snapshot."""
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    snapshot = {line for line in lines if line and not line.startswith("#")}
    tags = {cls.EVENT_TYPE for cls in EVENT_CLASSES}
    assert sorted(snapshot - tags) == [], "renamed or removed tags: events stored under them would no longer load"
    assert sorted(tags - snapshot) == [], f"new tags: add them to {SNAPSHOT.name}"


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


KNOWN_TAGS = frozenset(cls.EVENT_TYPE for cls in EVENT_CLASSES)


@given(
    st.text(max_size=40).filter(lambda t: t not in KNOWN_TAGS)
    | st.sampled_from(sorted(KNOWN_TAGS)).map(lambda t: t.replace(".", "_").upper())
)
def test_an_unknown_tag_is_refused_by_name(tag: str) -> None:
    """A body under a tag no event has is never read as some other event, and the error says which tag."""
    with pytest.raises(ValueError, match="unknown event type") as caught:
        event_from_body(tag, 1, {})
    assert repr(tag) in str(caught.value)
