"""JSON Schema (draft 2020-12) of every command, event and query result, read off the attrs classes.

The classes and their type hints are the one source: each schema says what the one converter
(:mod:`mediation_core.serialization`) accepts and produces for that class, so nothing is kept by
hand but the Chinese titles (:mod:`mediation_core.titles`). docs/schemas.md explains the naming and
the encodings; ``mediation schema`` prints them.

- a command's schema describes ``command_to_json``: ``{"command": NAME, ...fields}``;
- an event's schema (named by its stored tag, ``case.received``) describes the stored body
  (``event_body``), its tag travelling beside it;
- a result's schema describes ``serialization.unstructure`` of the value a query returns.

Every schema is ``{"$schema", "$ref": "#/$defs/<Name>", "$defs": {...}}`` with the definitions it
reaches; :func:`schema_document` holds them all. An enum is ``{"enum": [codes], "x-enum-titles":
{code: 中文}}``; a class carries ``title`` (English) and ``x-title-zh`` (Chinese).
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import functools
import re
import types
import typing
from collections import abc
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from mediation_core.app.dashboard import DashboardData
from mediation_core.app.delivery import DeliveryReport
from mediation_core.app.exporting import ImportedBatch
from mediation_core.app.integrity import Finding as IntegrityFinding
from mediation_core.app.integrity import SignedFileCheck
from mediation_core.app.jobs import Expired
from mediation_core.app.ports import Document, OutboxEntry, RelayPosition
from mediation_core.app.queries import CaseFile
from mediation_core.app.rekeying import Rekeyed
from mediation_core.app.relay import RelayLag, RelayReport
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.dispatch.state import DispatchState
from mediation_core.domain.evaluation_round.state import EvaluationRound
from mediation_core.domain.inspection.report import InspectionLine
from mediation_core.domain.inspection.state import Inspection
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.meeting.agenda import AgendaItem
from mediation_core.domain.meeting.compliance import MeetingSlot
from mediation_core.domain.meeting.state import Meeting
from mediation_core.domain.misconduct.state import MisconductFinding
from mediation_core.domain.police_case.state import PoliceCaseState
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.crosscheck import CrossCheck
from mediation_core.domain.reporting.evaluation import MediatorResult
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.statistics import StatisticsReport
from mediation_core.domain.screening.report import ScreeningLine
from mediation_core.domain.screening.state import Screening
from mediation_core.domain.statistical_return.filing import FilingStatus
from mediation_core.domain.statistical_return.state import StatisticalReturn
from mediation_core.domain.traffic.state import TrafficState
from mediation_core.domain.training.report import TrainingLine
from mediation_core.domain.training.state import TrainingSession
from mediation_core.domain.values.access import AccessDenial, ResealEntry
from mediation_core.domain.values.deadlines import Deadline, DueItem
from mediation_core.domain.values.organisations import Registry
from mediation_core.exports.ledger import LedgerTable
from mediation_core.records import ChainBreak
from mediation_core.serialization import COMMAND_BY_NAME, EVENT_BY_TAG, PARTY_TAGS, unstructure
from mediation_core.titles import (
    COMMAND_TITLES_ZH,
    ENUM_TITLES_ZH,
    EVENT_TITLES_ZH,
    FIELD_TITLES_ZH,
    RESULT_TITLES_ZH,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID = "urn:mediation-core:schemas"

RESULT_TYPES: tuple[type, ...] = (
    CaseFile,
    LedgerRow,
    LedgerTable,
    ImportedBatch,
    StatisticsReport,
    Deadline,
    DueItem,
    Document,
    OutboxEntry,
    DeliveryReport,
    RelayReport,
    RelayLag,
    RelayPosition,
    Expired,
    CaseState,
    ReferralState,
    PoliceCaseState,
    DispatchState,
    TrafficState,
    Meeting,
    MeetingSlot,
    AgendaItem,
    StatisticalReturn,
    FilingStatus,
    EvaluationRound,
    MediatorResult,
    MisconductFinding,
    TrainingSession,
    TrainingLine,
    Inspection,
    InspectionLine,
    Screening,
    ScreeningLine,
    CrossCheck,
    DashboardData,
    Registry,
    ChainBreak,
    IntegrityFinding,
    SignedFileCheck,
    Rekeyed,
    ResealEntry,
    AccessDenial,
)
"""What the service's queries return that a county system reads: the case file, the ledger, the
reports, the outbox, each aggregate's state (``load``) and the integrity checks' findings."""


@attrs.frozen
class TaggedUnion:
    """Classes the converter tells apart by a key it adds to their object (``kind`` of a party)."""

    name: str
    key: str
    tags: Mapping[type, str]


TAGGED_UNIONS: tuple[TaggedUnion, ...] = (
    TaggedUnion(name="Party", key="kind", tags=PARTY_TAGS),
    TaggedUnion(name="DomainEvent", key="event_type", tags={t: tag for tag, t in EVENT_BY_TAG.items()}),
)
"""A party (by ``kind``) and an event held in a result (by ``event_type``, its stored tag)."""

DECIMAL_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_GENERIC_MODULES = frozenset({"events", "commands", "state", "kinds", "report", "decide", "values"})


def _union_of(tp: Any) -> TaggedUnion | None:
    members = set(typing.get_args(tp)) if typing.get_origin(tp) in (typing.Union, types.UnionType) else {tp}
    for union in TAGGED_UNIONS:
        if members == set(union.tags) or (tp is DomainEvent and union.key == "event_type"):
            return union
    return None


def _english(name: str) -> str:
    """``AcceptCase`` → ``Accept case``; ``received_on`` → ``Received on``."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").split()
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def _enum_title(member: enum.Enum) -> str:
    """A code's Chinese title: the enum's own, or the one :mod:`mediation_core.titles` declares."""
    for name in ("title_zh", "zh", "name_zh"):
        title = getattr(member, name, None)
        if isinstance(title, str):
            return title
    return ENUM_TITLES_ZH.get(type(member), {}).get(member, "")


def _doc(cls: type) -> str:
    """The first paragraph of a class's docstring, on one line."""
    if cls.__doc__ is None or cls.__doc__ == (cls.__mro__[1].__doc__ if len(cls.__mro__) > 1 else None):
        return ""
    return " ".join(cls.__doc__.strip().split("\n\n")[0].split()).replace("``", "`")


_NO_DEFAULT = object()


def _default(f: attrs.Attribute[Any]) -> Any:
    """A field's default as JSON; a default made from the other fields has none to show."""
    default: Any = f.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.takes_self:
            return _NO_DEFAULT
        default = default.factory()
    return unstructure(default)


@functools.cache
def _fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """The fields the converter reads and writes (``init=False`` ones are neither)."""
    attrs.resolve_types(cls)
    return tuple(f for f in attrs.fields(cls) if f.init)


def _children(tp: Any) -> Iterator[Any]:
    """The classes and enums a type refers to."""
    union = _union_of(tp)
    if union is not None:
        yield from union.tags
        return
    if isinstance(tp, type) and (issubclass(tp, enum.Enum) or attrs.has(tp)):
        yield tp
        return
    for arg in typing.get_args(tp):
        if arg is not Ellipsis and typing.get_origin(tp) is not typing.Literal:
            yield from _children(arg)


def _reachable(roots: tuple[type, ...]) -> list[type]:
    seen: dict[type, None] = {}
    todo = list(roots)
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen[cls] = None
        if attrs.has(cls):
            for f in _fields(cls):
                todo.extend(_children(f.type))
    return list(seen)


def _qualifier(cls: type) -> str:
    parts = cls.__module__.split(".")
    while len(parts) > 1 and parts[-1] in _GENERIC_MODULES:
        parts.pop()
    return parts[-1]


@functools.cache
def _names(extra: tuple[type, ...] = ()) -> dict[type, str]:
    """Each class's definition name: its own, qualified by its module where two share it."""
    classes = _reachable((*COMMAND_BY_NAME.values(), *EVENT_BY_TAG.values(), *RESULT_TYPES, *extra))
    by_name: dict[str, list[type]] = {}
    for cls in classes:
        by_name.setdefault(cls.__name__, []).append(cls)
    names: dict[type, str] = {}
    for name, group in by_name.items():
        for cls in group:
            names[cls] = name if len(group) == 1 else f"{_qualifier(cls)}.{name}"
    if len(set(names.values())) != len(names):  # pragma: no cover - two modules of one name
        msg = "two schema definitions would share a name"
        raise RuntimeError(msg)
    return names


def _title_zh(cls: type, name: str) -> str:
    """A class's Chinese title: a command's, an event's or a result's (:mod:`mediation_core.titles`)."""
    if COMMAND_BY_NAME.get(cls.__name__) is cls:
        return COMMAND_TITLES_ZH.get(cls.__name__, "")
    tag = getattr(cls, "EVENT_TYPE", None)
    if isinstance(tag, str) and EVENT_BY_TAG.get(tag) is cls:
        return EVENT_TITLES_ZH.get(tag, "")
    return RESULT_TITLES_ZH.get(name, "") if cls in RESULT_TYPES else ""


class _Builder:
    """Definitions for one schema, built as the walk reaches them."""

    def __init__(self, names: Mapping[type, str]) -> None:
        self.names = names
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = self.names[cls]
        if name not in self.defs:
            self.defs[name] = {}  # a class reached again while it is being built refers to itself
            self.defs[name] = self._enum(cls) if issubclass(cls, enum.Enum) else self._object(cls)
        return {"$ref": f"#/$defs/{name}"}

    def _titles(self, cls: type) -> dict[str, Any]:
        shown: dict[str, Any] = {"title": _english(cls.__name__)}
        zh = _title_zh(cls, self.names[cls])
        if zh:
            shown["x-title-zh"] = zh
        doc = _doc(cls)
        if doc:
            shown["description"] = doc
        return shown

    def _enum(self, cls: type[enum.Enum]) -> dict[str, Any]:
        values = [m.value for m in cls]
        kinds = {type(v) for v in values}
        schema: dict[str, Any] = {**self._titles(cls)}
        if kinds <= {str}:
            schema["type"] = "string"
        elif kinds <= {int}:
            schema["type"] = "integer"
        schema["enum"] = values
        titles = {str(m.value): _enum_title(m) for m in cls if _enum_title(m)}
        if titles:
            schema["x-enum-titles"] = titles
        return schema

    def _object(self, cls: type) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        if cls in COMMAND_BY_NAME.values():
            properties["command"] = {"const": cls.__name__, "title": "Command", "x-title-zh": "指令"}
            required.append("command")
        field_zh = FIELD_TITLES_ZH.get(self.names[cls], {})
        for f in _fields(cls):
            prop = {**self.of(f.type), "title": _english(f.name)}
            if f.name in field_zh:
                prop["x-title-zh"] = field_zh[f.name]
            if f.default is attrs.NOTHING:
                required.append(f.name)
            else:
                default = _default(f)
                if default is not _NO_DEFAULT:
                    prop["default"] = default
            properties[f.name] = prop
        schema: dict[str, Any] = {**self._titles(cls), "type": "object", "properties": properties}
        tag = getattr(cls, "EVENT_TYPE", None)
        if isinstance(tag, str) and EVENT_BY_TAG.get(tag) is cls:
            schema["x-event-type"] = tag
            schema["x-schema-version"] = cls.SCHEMA_VERSION
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def _tagged(self, union: TaggedUnion) -> dict[str, Any]:
        if union.name not in self.defs:
            self.defs[union.name] = {}
            variants = []
            for member, tag in union.tags.items():
                name = f"{union.name}.{tag}"
                self.ref(member)
                body = copy.deepcopy(self.defs[self.names[member]])
                body["properties"] = {union.key: {"const": tag}, **body["properties"]}
                body["required"] = [union.key, *body.get("required", [])]
                self.defs[name] = body
                variants.append({"$ref": f"#/$defs/{name}"})
            self.defs[union.name] = {
                "title": _english(union.name),
                "description": f"one of {len(variants)} kinds, told apart by `{union.key}`",
                "oneOf": variants,
            }
        return {"$ref": f"#/$defs/{union.name}"}

    def of(self, tp: Any) -> dict[str, Any]:  # noqa: PLR0911 - one return per kind of type
        """The schema of a value of type ``tp`` as the converter writes (and reads) it."""
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if tp is Any or tp is object:
            return {}
        if tp is type(None) or tp is None:
            return {"type": "null"}
        if origin in (typing.Union, types.UnionType):
            rest = tuple(a for a in args if a is not type(None))
            inner = self._union(rest)
            return {"anyOf": [inner, {"type": "null"}]} if len(rest) < len(args) else inner
        union = _union_of(tp)
        if union is not None:
            return self._tagged(union)
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin in (tuple, list, frozenset, set, abc.Sequence, abc.Set) or tp in (tuple, list, frozenset, set):
            if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
                items = [self.of(a) for a in args]
                return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}
            return {"type": "array", "items": self.of(args[0])} if args else {"type": "array"}
        if origin in (dict, abc.Mapping) or tp in (dict,):
            return self._mapping(args)
        simple = _SIMPLE.get(tp)
        if simple is not None:
            return dict(simple)
        if isinstance(tp, type) and (issubclass(tp, enum.Enum) or attrs.has(tp)):
            return self.ref(tp)
        msg = f"no JSON Schema for the type {tp!r}"
        raise TypeError(msg)

    def _union(self, members: tuple[Any, ...]) -> dict[str, Any]:
        if len(members) == 1:
            return self.of(members[0])
        union = _union_of(typing.Union[members])  # noqa: UP007 - built from a tuple of members
        if union is not None:
            return self._tagged(union)
        return {"anyOf": [self.of(m) for m in members]}

    def _mapping(self, args: tuple[Any, ...]) -> dict[str, Any]:
        if not args:
            return {"type": "object"}
        key, value = args
        schema: dict[str, Any] = {"type": "object", "additionalProperties": self.of(value)}
        if isinstance(key, type) and issubclass(key, enum.Enum):
            schema["propertyNames"] = {"enum": [str(m.value) for m in key]}
        return schema


_SIMPLE: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    Decimal: {
        "anyOf": [{"type": "string", "pattern": DECIMAL_PATTERN}, {"type": "number"}],
        "x-format": "decimal",
        "description": 'a decimal number, written as a string ("3000.00"); a JSON number is read too',
    },
    dt.date: {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    dt.datetime: {"type": "string", "format": "date-time", "maxLength": 40},
}


@functools.cache
def _schema(cls: type) -> dict[str, Any]:
    extra = () if cls in _names() else (cls,)
    builder = _Builder(_names(extra))
    ref = builder.ref(cls)
    root: dict[str, Any] = {"$schema": DIALECT, **ref, "title": _english(cls.__name__)}
    zh = _title_zh(cls, builder.names[cls])
    if zh:
        root["x-title-zh"] = zh
    root["$defs"] = dict(sorted(builder.defs.items()))
    return root


def schema_for(cls: type) -> dict[str, Any]:
    """The schema of any attrs class (or enum), with the definitions it reaches in ``$defs``."""
    if not isinstance(cls, type) or not (attrs.has(cls) or issubclass(cls, enum.Enum)):
        msg = f"{cls!r} is neither an attrs class nor an enum"
        raise TypeError(msg)
    return copy.deepcopy(_schema(cls))


def command_names() -> tuple[str, ...]:
    """Every command, by the name ``command_from_json`` reads in ``"command"``."""
    return tuple(sorted(COMMAND_BY_NAME))


def event_names() -> tuple[str, ...]:
    """Every event, by its stored tag (``case.received``)."""
    return tuple(sorted(EVENT_BY_TAG))


@functools.cache
def _results() -> dict[str, type]:
    names = _names()
    return {names[cls]: cls for cls in sorted(RESULT_TYPES, key=lambda c: names[c])}


def result_names() -> tuple[str, ...]:
    """Every query result, by its definition name (``CaseFile``, ``LedgerRow`` …)."""
    return tuple(_results())


def result_class(name: str) -> type:
    """The class of the query result ``name``."""
    return _lookup("result", name, _results())


class UnknownSchemaError(KeyError):
    """No command, event or result of that name; the message lists the names there are."""

    def __str__(self) -> str:
        return str(self.args[0])


def _lookup(kind: str, name: str, table: Mapping[str, type]) -> type:
    cls = table.get(name)
    if cls is None:
        msg = f"no {kind} named {name!r}; the {kind}s are: {', '.join(sorted(table))}"
        raise UnknownSchemaError(msg)
    return cls


def command_schema(name: str) -> dict[str, Any]:
    """The schema of the command ``name`` as ``command_to_json`` writes and ``command_from_json`` reads it."""
    return schema_for(_lookup("command", name, COMMAND_BY_NAME))


def event_schema(name: str) -> dict[str, Any]:
    """The schema of the stored body of the event tagged ``name``."""
    return schema_for(_lookup("event", name, EVENT_BY_TAG))


def result_schema(name: str) -> dict[str, Any]:
    """The schema of the query result ``name`` as ``serialization.unstructure`` writes it."""
    return schema_for(_lookup("result", name, _results()))


def title_zh(kind: str, name: str) -> str:
    """The Chinese title of a command, event or result (``kind`` ``command``/``event``/``result``)."""
    tables: dict[str, Mapping[str, type]] = {"command": COMMAND_BY_NAME, "event": EVENT_BY_TAG, "result": _results()}
    table = tables[kind]
    return _title_zh(_lookup(kind, name, table), name if kind == "result" else "")


@functools.cache
def _document() -> dict[str, Any]:
    names = _names()
    builder = _Builder(names)

    def refs(table: Mapping[str, type]) -> dict[str, Any]:
        return {name: builder.ref(cls) for name, cls in sorted(table.items())}

    document: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": ID,
        "title": "mediation_core: commands, events and query results",
        "x-title-zh": "公调对接：指令、事件与查询结果",
        "commands": refs(COMMAND_BY_NAME),
        "events": refs(EVENT_BY_TAG),
        "results": refs(_results()),
    }
    document["$defs"] = dict(sorted(builder.defs.items()))
    return document


def schema_document() -> dict[str, Any]:
    """Every schema in one document: ``commands``, ``events`` and ``results`` map each name to its
    definition in the shared ``$defs``."""
    return copy.deepcopy(_document())


__all__ = [
    "DIALECT",
    "RESULT_TYPES",
    "TAGGED_UNIONS",
    "UnknownSchemaError",
    "command_names",
    "command_schema",
    "event_names",
    "event_schema",
    "result_class",
    "result_names",
    "result_schema",
    "schema_document",
    "schema_for",
    "title_zh",
]
