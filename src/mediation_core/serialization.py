"""The one converter: events, commands and values to JSON-ready dicts and back (cattrs).

Stored events keep their type tag and schema version beside the body, so the body has no
tag; :data:`UPCASTERS` lifts old bodies to the current schema before structuring.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import cattrs
from cattrs.preconf.json import make_converter as make_json_converter
from cattrs.strategies import configure_tagged_union

from mediation_core.domain import commands as c
from mediation_core.domain.access import EVENT_TYPES as ACCESS_EVENT_TYPES
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.dispatch.events import EVENT_TYPES as DISPATCH_EVENT_TYPES
from mediation_core.domain.evaluation_rounds import EVALUATION_ROUNDS
from mediation_core.domain.events import EVENT_TYPES, DomainEvent
from mediation_core.domain.imports import EVENT_TYPES as IMPORT_EVENT_TYPES
from mediation_core.domain.inspections import INSPECTIONS
from mediation_core.domain.meetings import MEETINGS
from mediation_core.domain.misconduct import FINDINGS
from mediation_core.domain.parties import GroupParty, NaturalPerson, OrganisationParty, Party
from mediation_core.domain.police import commands as pc
from mediation_core.domain.police.events import EVENT_TYPES as POLICE_EVENT_TYPES
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.events import EVENT_TYPES as REFERRAL_EVENT_TYPES
from mediation_core.domain.returns import RETURNS
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic.events import EVENT_TYPES as TRAFFIC_EVENT_TYPES
from mediation_core.domain.training import TRAININGS
from mediation_core.records import canonical_json

PARTY_TAGS: dict[type, str] = {NaturalPerson: "person", OrganisationParty: "organisation", GroupParty: "group"}
RECORD_LIFECYCLES = (RETURNS, MEETINGS, TRAININGS, INSPECTIONS, FINDINGS, EVALUATION_ROUNDS)
"""The coordination records (returns, meetings, evaluations …), each a domain Lifecycle."""
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


def configure_converter(conv: cattrs.Converter) -> cattrs.Converter:
    """Add the domain's hooks to ``conv``; adapters may layer their own on top."""
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, lambda v, _: Decimal(str(v)))
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(dt.date, lambda v, _: v if isinstance(v, dt.date) else dt.date.fromisoformat(v))
    conv.register_unstructure_hook(dt.datetime, lambda d: d.isoformat())
    conv.register_structure_hook(
        dt.datetime, lambda v, _: v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(v)
    )
    conv.register_unstructure_hook_func(
        _is_frozenset, lambda s: sorted((conv.unstructure(x) for x in s), key=canonical_json)
    )
    configure_tagged_union(Party, conv, tag_name="kind", tag_generator=PARTY_TAGS.__getitem__)
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


class CommandFormatError(ValueError):
    """A command's JSON does not fit its type; ``problems`` name each field (``$.on`` …)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


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
        raise CommandFormatError([f"unknown command {name!r}; expected one of {expected} @ $.command"])
    try:
        return converter().structure(payload, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
        raise CommandFormatError(cattrs.transform_error(exc, path="$")) from exc


def command_to_json(command: Any) -> dict[str, Any]:
    return {"command": type(command).__name__, **converter().unstructure(command)}
