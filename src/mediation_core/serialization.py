"""The one converter: events, commands and values to JSON-ready dicts and back (cattrs).

Stored events keep their type tag and schema version beside the body, so the body has no
tag; :data:`UPCASTERS` lifts old bodies to the current schema before structuring.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import cattrs
import cattrs.cols
import cattrs.v
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.preconf.json import make_converter as make_json_converter
from cattrs.strategies import configure_tagged_union

from mediation_core.domain.case import commands as c
from mediation_core.domain.case.events import EVENT_TYPES
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.dispatch.events import EVENT_TYPES as DISPATCH_EVENT_TYPES
from mediation_core.domain.errors import CommandFormatError
from mediation_core.domain.evaluation_round.decide import EVALUATION_ROUNDS
from mediation_core.domain.inspection.decide import INSPECTIONS
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.shapes import shape_problems
from mediation_core.domain.meeting.decide import MEETINGS
from mediation_core.domain.misconduct.decide import FINDINGS
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.events import EVENT_TYPES as POLICE_EVENT_TYPES
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.events import EVENT_TYPES as REFERRAL_EVENT_TYPES
from mediation_core.domain.reporting.imports import EVENT_TYPES as IMPORT_EVENT_TYPES
from mediation_core.domain.screening.decide import SCREENINGS
from mediation_core.domain.statistical_return.decide import RETURNS
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic.events import EVENT_TYPES as TRAFFIC_EVENT_TYPES
from mediation_core.domain.training.decide import TRAININGS
from mediation_core.domain.values.access import EVENT_TYPES as ACCESS_EVENT_TYPES
from mediation_core.domain.values.parties import GroupParty, NaturalPerson, OrganisationParty, Party
from mediation_core.records import canonical_json

PARTY_TAGS: dict[type, str] = {NaturalPerson: "person", OrganisationParty: "organisation", GroupParty: "group"}
RECORD_LIFECYCLES = (RETURNS, MEETINGS, TRAININGS, INSPECTIONS, FINDINGS, EVALUATION_ROUNDS, SCREENINGS)
"""The coordination records (returns, meetings, evaluations …) and the rooms' screening rounds,
each a domain Lifecycle."""
COMMAND_BY_NAME: dict[str, type[object]] = {
    t.__name__: t
    for t in (
        *c.COMMAND_TYPES,
        *rc.COMMAND_TYPES,
        *pc.COMMAND_TYPES,
        *dc.COMMAND_TYPES,
        *tc.COMMAND_TYPES,
        *(t for lc in RECORD_LIFECYCLES for t in lc.command_types),
    )
}
ALL_EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    *EVENT_TYPES,
    *REFERRAL_EVENT_TYPES,
    *POLICE_EVENT_TYPES,
    *DISPATCH_EVENT_TYPES,
    *TRAFFIC_EVENT_TYPES,
    *IMPORT_EVENT_TYPES,
    *ACCESS_EVENT_TYPES,
    *(t for lc in RECORD_LIFECYCLES for t in lc.event_types),
)
EVENT_BY_TAG: dict[str, type[DomainEvent]] = {t.EVENT_TYPE: t for t in ALL_EVENT_TYPES}
"""Every aggregate's event types by wire tag; each aggregate's tuple is listed here."""
if len(EVENT_BY_TAG) != len(ALL_EVENT_TYPES) or "" in EVENT_BY_TAG:  # pragma: no cover
    msg = "every event class of every aggregate needs its own non-empty EVENT_TYPE"
    raise RuntimeError(msg)

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}
"""(event type, from schema version) → function returning the body at version + 1."""


def _is_frozenset(tp: Any) -> bool:
    """``frozenset`` and ``frozenset[X]``: stored sorted, so a body never depends on hash order."""
    return tp is frozenset or typing.get_origin(tp) is frozenset


class StrictValueError(ValueError):
    """A JSON value of the wrong kind for its field (the message says what was expected)."""


_NAME = re.compile(r"(?![A-Za-z0-9_]*\d{3})[A-Za-z_][A-Za-z0-9_]{0,63}")
"""What a command or field name looks like (no run of three digits: ``ID110105…`` is a
number with a label); anything else is described, never quoted."""


def _described(value: Any) -> str:
    """A wrong value as a format error names it: by its kind and size, never by its content,
    which may be a party's ID or phone number put in the wrong field."""
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    return f"a {type(value).__name__}"


def _named(name: Any, *, quote: bool = True) -> str:
    """A command or field name (quoted) when it looks like one, described otherwise."""
    if isinstance(name, str) and _NAME.fullmatch(name):
        return repr(name) if quote else name
    return f"({_described(name)})"


def _strict(expected: str, ok: Callable[[Any], bool], make: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    """A structure hook that takes only values ``ok`` accepts: JSON ``5`` is not the string
    ``"5"``, ``"yes"`` is not ``True``, ``null`` is not ``"None"``."""

    def structure_(value: Any, _: Any) -> Any:
        if _too_large(value):
            msg = f"expected {expected}, got a number of more than {NUMBER_DIGITS} digits"
            raise StrictValueError(msg)
        if not ok(value):
            msg = f"expected {expected}, got {type(value).__name__}"
            raise StrictValueError(msg)
        return make(value)

    return structure_


NUMBER_DIGITS = 20
"""A number in a command is below 10**20 and has at most 20 decimal places: larger ones are no
amount, count or share anyone records, and would overflow decimal arithmetic."""
MAX_NESTING = 32
"""JSON nested deeper than this is no command (the deepest, a party's guardian, is 4 deep)."""
MAX_JSON_BYTES = 10 * 2**20
"""A command file (one command or a list of them) is at most 10 MiB."""


class _Unreadable(str):
    """A JSON number too large to read (more than :data:`NUMBER_DIGITS` digits before the
    point, or an exponent to match): kept as its text, so the field it is in is named."""

    __slots__ = ()


def _too_large(value: Any) -> bool:
    return isinstance(value, _Unreadable)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        msg = f"expected a number, got {type(value).__name__}"
        raise StrictValueError(msg)
    if _too_large(value):
        msg = f"expected a number below 1e{NUMBER_DIGITS}"
        raise StrictValueError(msg)
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        msg = f"expected a number, got {_described(value)}"
        raise StrictValueError(msg) from exc
    if not number.is_finite():
        msg = f"expected a finite number, got {value!r}"  # NaN or Infinity: no personal value
        raise StrictValueError(msg)
    if number and (number.adjusted() >= NUMBER_DIGITS or number.as_tuple().exponent < -NUMBER_DIGITS):  # type: ignore[operator]
        msg = f"expected a number below 1e{NUMBER_DIGITS} with at most {NUMBER_DIGITS} decimal places"
        raise StrictValueError(msg)
    return number


def _json_int(text: str) -> int | str:
    return _Unreadable(text) if len(text.lstrip("-")) > NUMBER_DIGITS else int(text)


def _json_float(text: str) -> float | str:
    number = float(text) if len(text) <= 4 * NUMBER_DIGITS else float("inf")
    return _Unreadable(text) if not math.isfinite(number) or abs(number) >= 10.0**NUMBER_DIGITS else number


def _json_constant(text: str) -> Any:
    return _Unreadable(text)  # NaN, Infinity, -Infinity: no number a command holds


def _nesting(text: str) -> int:
    """How deep arrays and objects nest in JSON ``text`` (strings skipped), read without
    recursion so that a hostile file cannot exhaust the stack."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def load_json(data: bytes | str) -> Any:
    """JSON from a file or a request, as commands are read from it: UTF-8 (a byte-order mark
    allowed), at most :data:`MAX_JSON_BYTES`, nested at most :data:`MAX_NESTING` deep. Raises
    :class:`CommandFormatError` saying what is wrong and where; a number too large to be an
    amount or a count is refused when the command is built, naming its field."""
    if len(data) > MAX_JSON_BYTES:
        raise CommandFormatError([f"longer than {MAX_JSON_BYTES // 2**20} MiB @ $"])
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandFormatError([f"not UTF-8 text (byte {exc.start}) @ $"]) from None
    else:
        text = data
    if _nesting(text) > MAX_NESTING:
        raise CommandFormatError([f"nested deeper than {MAX_NESTING} levels @ $"])
    try:
        return json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise CommandFormatError([f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}) @ $"]) from None
    except (ValueError, RecursionError) as exc:  # pragma: no cover - the limits above come first
        raise CommandFormatError([f"not JSON: {type(exc).__name__} @ $"]) from None


def _date(value: Any, _: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        msg = f"expected a date (YYYY-MM-DD), got {_described(value)}"
        raise StrictValueError(msg)
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        msg = f"expected a date (YYYY-MM-DD), got {_described(value)} that is not a real date"
        raise StrictValueError(msg) from exc


def _datetime(value: Any, _: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or len(value) > 40:
        msg = f"expected a date and time (ISO 8601), got {_described(value)}"
        raise StrictValueError(msg)
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as exc:
        msg = f"expected a date and time (ISO 8601), got {_described(value)} in another form"
        raise StrictValueError(msg) from exc


def _is_homogeneous_collection(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (list, frozenset, set):
        return True
    return origin is tuple and len(args) == 2 and args[1] is Ellipsis


def _collection_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Lists only: a JSON string or object is not a list of its characters or keys."""

    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        origin = typing.get_origin(tp)
        (item,) = typing.get_args(tp)[:1] or (Any,)
        inner = cattrs.cols.list_structure_factory(list[item], conv)  # type: ignore[valid-type]

        def structure_(value: Any, _: Any) -> Any:
            if not isinstance(value, list | tuple | set | frozenset):
                msg = f"expected a list, got {type(value).__name__}"
                raise StrictValueError(msg)
            items = inner(list(value), list[item])  # type: ignore[valid-type]
            return origin(items)

        return structure_

    return factory


def configure_converter(conv: cattrs.Converter) -> cattrs.Converter:
    """Add the domain's hooks to ``conv``; adapters may layer their own on top. Structuring is
    strict: a value is taken only as the kind its field declares (no ``str(5)``, no
    ``bool("no")``, no list of a string's characters)."""
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, lambda v, _: _decimal(v))
    conv.register_structure_hook(str, _strict("a string", lambda v: isinstance(v, str), str))
    conv.register_structure_hook(bool, _strict("true or false", lambda v: type(v) is bool, bool))
    conv.register_structure_hook(
        int, _strict("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool), int)
    )
    conv.register_structure_hook(
        float, _strict("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool), float)
    )
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(dt.date, _date)
    conv.register_unstructure_hook(dt.datetime, lambda d: d.isoformat())
    conv.register_structure_hook(dt.datetime, _datetime)
    conv.register_structure_hook_factory(_is_homogeneous_collection, _collection_hook(conv))
    conv.register_unstructure_hook_func(
        _is_frozenset, lambda s: sorted((conv.unstructure(x) for x in s), key=canonical_json)
    )
    configure_tagged_union(Party, conv, tag_name="kind", tag_generator=PARTY_TAGS.__getitem__)
    conv.register_unstructure_hook_func(
        lambda tp: tp is DomainEvent,
        lambda e: {"event_type": e.EVENT_TYPE, **conv.unstructure(e, unstructure_as=type(e))},
    )
    return conv


@functools.cache
def converter() -> cattrs.Converter:
    """The shared private converter (never cattrs' global one). Built once, on first use."""
    return configure_converter(make_json_converter(forbid_extra_keys=True))


def unstructure(value: Any) -> Any:
    return converter().unstructure(value)


def structure(data: Any, cls: Any) -> Any:
    return converter().structure(data, cls)


def event_body(event: DomainEvent) -> dict[str, Any]:
    """The JSON-ready body of an event (its tag and schema version travel beside it)."""
    body: dict[str, Any] = converter().unstructure(event)
    return body


def event_from_body(event_type: str, schema_version: int, body: Mapping[str, Any]) -> DomainEvent:
    """Structure a stored body, upcasting it from ``schema_version`` first."""
    cls = EVENT_BY_TAG.get(event_type)
    if cls is None:
        msg = f"unknown event type {event_type!r}"
        raise ValueError(msg)
    data = dict(body)
    version = schema_version
    while version < cls.SCHEMA_VERSION:
        data = UPCASTERS[(event_type, version)](data)
        version += 1
    event: DomainEvent = converter().structure(data, cls)
    return event


def command_from_json(data: Mapping[str, Any]) -> Any:
    """Build a command from ``{"command": "AcceptCase", ...fields}``; unknown keys are errors.

    Raises :class:`CommandFormatError` naming every field that is missing, extra or of the
    wrong type (rules are checked later, by ``decide``)."""
    if not isinstance(data, Mapping):
        raise CommandFormatError([f"a command is a JSON object, not {type(data).__name__} @ $"])
    payload = dict(data)
    name = payload.pop("command", None)
    cls = COMMAND_BY_NAME.get(name) if isinstance(name, str) else None
    if cls is None:
        expected = ", ".join(sorted(COMMAND_BY_NAME))
        raise CommandFormatError([f"unknown command {_named(name)}; expected one of {expected} @ $.command"])
    try:
        command = converter().structure(payload, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise CommandFormatError(cattrs.transform_error(exc, path="$", format_exception=_format)) from exc
    problems = shape_problems(command)
    if problems:  # pragma: no cover - the strict hooks above refuse these first
        raise CommandFormatError(problems)
    return command


def _format(exc: BaseException, tp: type | None) -> str:
    """cattrs' wording, with the reason our own hooks give."""
    if isinstance(exc, StrictValueError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, AttributeError):  # a JSON value where an object was declared
        return "expected an object"
    if isinstance(exc, ForbiddenExtraKeysError):  # cattrs quotes the keys; a key may be a number
        return f"extra fields found ({', '.join(sorted(_named(k, quote=False) for k in exc.extra_fields))})"
    return cattrs.v.format_exception(exc, tp)


def command_to_json(command: Any) -> dict[str, Any]:
    return {"command": type(command).__name__, **converter().unstructure(command)}
