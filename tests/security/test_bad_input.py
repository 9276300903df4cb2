"""Malformed commands get a validation error that names the field, and nothing is written.

Hypothesis takes a command of any type (built from its declared types, its identifiers pointed
at records that exist, so that a well-formed command is decided rather than not found), breaks
one of its fields in its JSON form (a wrong type, a missing or extra field, a huge string,
control characters, SQL-looking text, a malformed identifier, a number or date out of range)
and submits it the way a county system would: as JSON through ``command_from_json`` and the
service, and as the Python object through the service directly. The only answers allowed are
``CommandFormatError`` and ``RuleViolationError``, each naming the field; a refused command
writes nothing. SQL-looking text in a free-text field is legitimate input: when the command is
otherwise valid it is stored verbatim.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builders import ADMIN, BRIGADE, D0, JOINT_ROOM, accident, entrust, police_case, referral, traffic_registry
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.errors import CommandFormatError, NotFoundError, RuleViolationError
from mediation_core.domain.kernel.input import LONG_TEXT_FIELDS
from mediation_core.domain.meeting.commands import ScheduleMeeting
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.plugins.manager import load_plugins
from mediation_core.serialization import COMMAND_BY_NAME, command_from_json, command_to_json
from mediation_core.testing import scenarios as sc
from mediation_core.testing.strategies import of
from mediation_memory import MemoryStore

INTERNAL = frozenset({*rc.INTERNAL, *pc.INTERNAL, *tc.INTERNAL})
PUBLIC = sorted(name for name, cls in COMMAND_BY_NAME.items() if cls not in INTERNAL)

EXISTING = {
    "case_id": "case-1",
    "referral_id": "ref-1",
    "police_case_id": "pc-1",
    "dispatch_id": "disp-1",
    "traffic_id": "traffic-1",
    "meeting_id": "meet-1",
    "room_id": "pengshanlu-room",
    "station_id": "pengshanlu-station",
    "issuer_id": "pengshanlu-station",
    "brigade_id": BRIGADE,
    "org_id": "pengshanlu-room",
    "scope_id": "district",
    "mediator_id": "m-zhang",
    "party_id": "p1",
}
"""Where a generated command's identifiers point: records the world holds."""


@pytest.fixture(scope="module")
def world() -> MediationService:
    clock = sc.ScriptClock()
    service = MediationService(MemoryStore(), plugins=load_plugins(autoload=False, strict=True), clock=clock)
    service.register(demo_registry().merged(traffic_registry()), ADMIN)
    sc.run(service.handle, clock, sc.lifecycle("case-1")[:6])
    clock.now = dt.datetime(2026, 5, 8, 10, tzinfo=CHINA_TZ)
    service.handle(attrs.evolve(referral(D0), referral_id="ref-1"), ADMIN)
    service.handle(attrs.evolve(police_case(D0), police_case_id="pc-1"), ADMIN)
    service.handle(entrust("pc-1", D0, referral_id="ref-pc-1"), ADMIN)
    service.handle(
        dc.RecordDispatch(
            dispatch_id="disp-1",
            station_id="pengshanlu-station",
            room_id="pengshanlu-room",
            incident_number="JJ1",
            call_received_at=dt.datetime.combine(D0, dt.time(9), CHINA_TZ),
            place="幸福路",
            officers=("民警",),
            summary="邻里争吵",
            mediator_id="m-zhang",
        ),
        ADMIN,
    )
    service.handle(attrs.evolve(accident(D0), traffic_id="traffic-1", room_id=JOINT_ROOM), ADMIN)
    service.handle(
        ScheduleMeeting(meeting_id="meet-1", kind=MeetingKind.CASE_ANALYSIS, org_id="pengshanlu-room"), ADMIN
    )
    clock.now = dt.datetime(2026, 6, 10, 10, tzinfo=CHINA_TZ)
    return service


# -- commands and their breakage ------------------------------------------------------------------------
def pointed(command: Any) -> Any:
    """The command with its identifiers pointing at records that exist."""
    changes = {f.name: EXISTING[f.name] for f in attrs.fields(type(command)) if f.name in EXISTING}
    return attrs.evolve(command, **changes)


def generated() -> st.SearchStrategy[Any]:
    """Any public command, from its declared types (mostly refused by the decision's rules)."""
    return st.sampled_from(PUBLIC).flatmap(lambda name: of(COMMAND_BY_NAME[name]).map(pointed))


def valid() -> st.SearchStrategy[Any]:
    """Commands the world accepts as they are, again and again (each opens a new record or
    adds to one that takes more)."""
    on = D0 + dt.timedelta(days=2)
    return st.sampled_from(
        [
            attrs.evolve(sc.lifecycle("")[0][1], received_on=on),
            c.RecordInvestigation(
                case_id="case-1", on=on, investigator_id="m-zhang", subject="走访", content="邻居陈述"
            ),
            attrs.evolve(referral(on), referral_id=""),
            dc.RecordDispatch(
                dispatch_id="",
                station_id="pengshanlu-station",
                room_id="pengshanlu-room",
                incident_number="JJ2",
                call_received_at=dt.datetime.combine(on, dt.time(9), CHINA_TZ),
                place="幸福路",
                officers=("民警",),
                summary="邻里争吵",
                mediator_id="m-zhang",
            ),
        ]
    )


def commands() -> st.SearchStrategy[Any]:
    return st.one_of(generated(), valid())


def paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) inside a JSON value, the root excepted."""
    if isinstance(value, dict):
        for k, v in value.items():
            if path == () and k == "command":
                continue
            yield (*path, k), v
            yield from paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*path, i), v
            yield from paths(v, (*path, i))


def put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return out


def drop(data: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return out


HUGE = "纠" * 100_001
CONTROL = ["\x00", "a\x1b[31mred", "\u202egnp.exe", "\ud800", "line\x0bbreak", "\x7f"]
SQL = ["'; DROP TABLE events; --", "1 OR 1=1", "Robert'); DELETE FROM ledger;--", '" OR ""="']
BAD_IDS = ["../../etc/passwd", "a b", "x" * 65, "<script>", "case-1\n", "案件 1", "'; DROP TABLE streams; --"]
WRONG_TYPES = [123, -1, 1.5, True, None, [], {}, "text", ["a"], {"a": 1}]
WELL_FORMED_AFTER = ("sql", "missing", "wrong type", "range")
"""Breakages that may leave a command well formed: SQL-looking text is text, an optional field
may be missing or null, a date-like string may be put in a text field."""
OUT_OF_RANGE = [10**30, -(10**18), "1e40", "0001-01-01", "9999-12-31"]


@st.composite
def broken(draw: st.DrawFn) -> tuple[str, dict[str, Any], Any]:
    """(how it was broken, the broken JSON, the value put in)."""
    command = draw(commands(), label="command")
    data = json.loads(json.dumps(command_to_json(command)))
    spots = list(paths(data))
    strings = [(p, v) for p, v in spots if isinstance(v, str)]
    texts = [(p, v) for p, v in strings if _free_text(p)]
    ids = [(p, v) for p, v in strings if str(p[-1]).endswith("_id") or (len(p) > 1 and str(p[-2]).endswith("_ids"))]
    named = [(p, v) for p, v in spots if isinstance(p[-1], str)]
    kinds = ["extra"]
    kinds += ["wrong type", "range"] if spots else []
    kinds += ["missing"] if named else []
    kinds += ["huge", "control", "sql"] if strings else []
    kinds += ["bad id"] if ids else []
    kind = draw(st.sampled_from(kinds), label="kind")
    if kind == "extra":
        return kind, {**data, "unexpected_field": "x"}, "x"
    if kind == "missing":
        path, _ = draw(st.sampled_from(named), label="spot")
        return kind, drop(data, path), None
    if kind in ("huge", "control", "sql"):
        pool = texts if texts and draw(st.booleans(), label="free text") else strings
        path, _ = draw(st.sampled_from(pool), label="text spot")
        value = {"huge": HUGE, "control": draw(st.sampled_from(CONTROL)), "sql": draw(st.sampled_from(SQL))}[kind]
        return kind, put(data, path, value), value
    if kind == "bad id":
        path, _ = draw(st.sampled_from(ids), label="id spot")
        value = draw(st.sampled_from(BAD_IDS))
        return kind, put(data, path, value), value
    path, old = draw(st.sampled_from(spots), label="spot")
    if kind == "range":
        value = draw(st.sampled_from(OUT_OF_RANGE))
        return kind, put(data, path, value), value
    value = draw(st.sampled_from([w for w in WRONG_TYPES if type(w) is not type(old)]))
    return kind, put(data, path, value), value


def _free_text(path: tuple[Any, ...]) -> bool:
    names = [p for p in path if isinstance(p, str)]
    return bool(names) and names[-1] in LONG_TEXT_FIELDS


def snapshot(service: MediationService) -> tuple[Any, ...]:
    store = service.store
    streams = {sid: len(store.read(sid)) for sid in store.stream_ids() if not sid.startswith("access-log:")}
    return streams, len(store.outbox()), len(list(store.ledger()))


def assert_names_the_field(error: Exception) -> None:
    if isinstance(error, CommandFormatError):
        assert error.problems
        assert all(" @ $" in p for p in error.problems), error.problems
    else:
        assert isinstance(error, RuleViolationError)
        assert all(v.field and v.rule and v.basis for v in error.violations), error.violations


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(case=broken(), through_python=st.booleans())
def test_a_malformed_command_gets_a_validation_error_naming_the_field_and_writes_nothing(
    world: MediationService, case: tuple[str, dict[str, Any], Any], through_python: bool
) -> None:
    kind, data, value = case
    before = snapshot(world)
    try:
        command = command_from_json(data)
    except CommandFormatError as refused:
        assert_names_the_field(refused)
        event(f"{kind}: refused as JSON")
        if not through_python:
            return
        command = _built_anyway(data)
        if command is None:
            return
    try:
        state = world.handle(command, ADMIN)
    except (CommandFormatError, RuleViolationError) as refused:
        assert_names_the_field(refused)
        assert snapshot(world) == before
        event(f"{kind}: refused by the service ({type(refused).__name__})")
        return
    except NotFoundError:  # still well formed, about a record the world does not hold
        assert kind in WELL_FORMED_AFTER, (kind, data)
        assert snapshot(world) == before
        event(f"{kind}: not found")
        return
    assert kind in WELL_FORMED_AFTER, (kind, data)
    event(f"{kind}: recorded")
    assert state is not None
    if kind == "sql":  # stored verbatim, and the chain is whole
        recent = [r.body for sid in world.store.stream_ids() for r in world.store.read(sid)[-3:]]
        assert any(value in strings_in(body) for body in recent)
    assert world.verify() == []


def strings_in(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, Mapping):
        return set().union(set(), *(strings_in(v) for v in value.values()))
    if isinstance(value, list | tuple):
        return set().union(set(), *(strings_in(v) for v in value))
    return set()


def _built_anyway(data: dict[str, Any]) -> Any:
    """The Python command a careless caller might build from the same broken data: the
    declared class with whatever values the JSON held (no conversion, no checks)."""
    cls = COMMAND_BY_NAME.get(data.get("command", ""))
    if cls is None:
        return None
    fields = {f.name for f in attrs.fields(cls)}
    values = {k: v for k, v in data.items() if k in fields}
    try:
        return cls(**values)
    except TypeError:  # a required field missing: Python itself refuses to build it
        return None


def test_known_examples() -> None:
    """A few by hand, with the exact messages."""
    with pytest.raises(CommandFormatError) as refused:
        command_from_json({"command": "AcceptCase", "case_id": 123, "on": "2026-05-06"})
    assert refused.value.problems == ["expected a string, got int @ $.case_id"]
    with pytest.raises(CommandFormatError) as refused:
        command_from_json({"command": "AcceptCase", "case_id": "c", "on": "2026-05-06", "fee_charged": "NaN"})
    assert refused.value.problems == ["expected a finite number, got 'NaN' @ $.fee_charged"]
    with pytest.raises(CommandFormatError) as refused:
        command_from_json({"command": "ReceiveDispute", "parties": "王建国"})
    assert "expected a list, got str @ $.parties" in refused.value.problems
