"""No query returns a case outside the actor's scope, and every refusal is recorded.

A district with two townships and a traffic brigade is filled once through the public API
(:mod:`world`). Hypothesis then picks an actor (any role, any organisation as its scope, or
one that does not exist) and a query (every query the service offers, with its arguments),
and checks the answer against a model of the scopes written here, independently of the code:
no case id, record id or party name of a case the actor may not read appears in the answer,
and full ID and phone numbers appear only to the roles that may see them. A refused query
raises ``AuthorisationError`` and leaves exactly one new entry in the access log.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from world import ROOMS, Facts, build, scopes

from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.errors import AuthorisationError, DomainError, NotFoundError
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.values.access import access_log_stream
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ, local_date
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.exports.forms import DocumentForm
from mediation_core.plugins.manager import load_plugins
from mediation_core.records import RecordedEvent
from mediation_core.serialization import unstructure
from mediation_memory import MemoryStore
from mediation_reports import plugin as reports_plugin

MAY = Period.month(2026, 5)
FULL_ROLES = frozenset({Role.MEDIATOR, Role.ROOM_DIRECTOR, Role.ADMINISTRATOR})
STATION_STAFF = frozenset({Role.STATION_LIAISON, Role.POLICE_OFFICER})


@pytest.fixture(scope="module")
def world() -> tuple[MediationService, Facts]:
    plugins = load_plugins(autoload=False, strict=True, plugins=[reports_plugin])
    clock = StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=CHINA_TZ))
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    facts = build(service, clock)
    clock.set(dt.date(2026, 6, 10))
    return service, facts


# -- the model ------------------------------------------------------------------------------------
def area_of(actor: Actor, registry: Registry) -> str | None:
    """The organisation whose area the actor acts for, per the scopes table in docs/security.md."""
    org = registry.org(actor.scope_id)
    if org is None:
        return None
    fits = {
        Role.MEDIATOR: {OrgKind.MEDIATION_ROOM},
        Role.ROOM_DIRECTOR: {OrgKind.MEDIATION_ROOM},
        Role.STATION_LIAISON: {OrgKind.POLICE_STATION, OrgKind.TRAFFIC_POLICE},
        Role.POLICE_OFFICER: {OrgKind.POLICE_STATION, OrgKind.TRAFFIC_POLICE},
        Role.JUSTICE_OFFICE: {OrgKind.TOWNSHIP, OrgKind.DISTRICT},
        Role.TOWNSHIP: {OrgKind.TOWNSHIP},
        Role.COORDINATION_CENTRE: {OrgKind.DISTRICT},
    }.get(actor.role, set())
    office = {
        Role.JUSTICE_OFFICE: OrgKind.JUSTICE_OFFICE,
        Role.TOWNSHIP: OrgKind.GOVERNANCE_OFFICE,
        Role.COORDINATION_CENTRE: OrgKind.COORDINATION_CENTRE,
    }.get(actor.role)
    if org.kind is office:
        return org.parent_id
    return org.org_id if org.kind in fits else None


def readable_rooms(actor: Actor, registry: Registry) -> set[str]:
    if actor.role in (Role.ADMINISTRATOR, Role.SYSTEM):
        return set(ROOMS)
    if actor.role in STATION_STAFF:
        return set()
    area = area_of(actor, registry)
    if area is None:
        return set()
    return {r for r in ROOMS if r == area or any(o.org_id == area for o in registry.ancestors(r))}


def readable_records(actor: Actor, registry: Registry, facts: Facts) -> set[str]:
    rooms = readable_rooms(actor, registry)
    own = area_of(actor, registry) if actor.role in STATION_STAFF else None
    return {rid for rid, (room, unit) in facts.records.items() if room in rooms or unit == own}


def readable_cases(actor: Actor, registry: Registry, facts: Facts) -> set[str]:
    rooms = readable_rooms(actor, registry)
    linked = {facts.record_cases[r] for r in readable_records(actor, registry, facts) if r in facts.record_cases}
    return {cid for cid, room in facts.case_room.items() if room in rooms} | linked


def sees_numbers(actor: Actor, case_id: str, registry: Registry, facts: Facts) -> bool:
    return actor.role in FULL_ROLES and facts.case_room[case_id] in readable_rooms(actor, registry)


# -- turning an answer into text ----------------------------------------------------------------------
def text_of(answer: Any) -> str:
    if isinstance(answer, bytes):
        if answer[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(answer)) as z:
                return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        return answer.decode("utf-8")
    return json.dumps(unstructure(answer), ensure_ascii=False, default=str)


# -- the queries ------------------------------------------------------------------------------------------
Query = Callable[[MediationService, Actor, st.DataObject, Facts], Any]
ORG_IDS = sorted({*ROOMS, "baiyang", "xinhua", "district", "pengshanlu-station", "xinhua-station", "centre"})


def _scope(data: st.DataObject) -> str:
    return data.draw(st.sampled_from(ORG_IDS), label="scope")


def _case(data: st.DataObject, facts: Facts) -> str:
    return data.draw(st.sampled_from(sorted(facts.case_room)), label="case")


def _record(data: st.DataObject, facts: Facts, prefix: str) -> str:
    return data.draw(st.sampled_from(sorted(r for r in facts.records if r.startswith(prefix))), label="record")


QUERIES: dict[str, Query] = {
    "case_file": lambda s, a, d, f: s.case_file(_case(d, f), a),
    "referral": lambda s, a, d, f: s.referral(_record(d, f, "ref-"), a),
    "load police_case": lambda s, a, d, f: s.load("police_case", _record(d, f, "pc-"), a),
    "load dispatch": lambda s, a, d, f: s.load("dispatch", _record(d, f, "disp-"), a),
    "load traffic": lambda s, a, d, f: s.load("traffic", "traffic-1", a),
    "load meeting": lambda s, a, d, f: s.load("meeting", d.draw(st.sampled_from([f"meet-{r}" for r in ROOMS[:2]])), a),
    "documents": lambda s, a, d, f: s.documents(
        d.draw(
            st.sampled_from(
                ["referral", "police_case", "dispatch", "traffic", "meeting", "return", "training", "inspection"]
            )
        ),
        a,
    ),
    "access-log documents": lambda s, a, d, f: s.documents("access-denial", a),
    "ledger": lambda s, a, d, f: s.ledger(a),
    "ledger of rooms": lambda s, a, d, f: s.ledger(a, d.draw(st.lists(st.sampled_from(ROOMS), min_size=1, max_size=2))),
    "ledger_table": lambda s, a, d, f: s.ledger_table(a),
    "export_ledger": lambda s, a, d, f: s.export_ledger(a, d.draw(st.sampled_from(["json", "csv", "xlsx"]))),
    "statistics": lambda s, a, d, f: s.statistics(MAY, _scope(d), a),
    "statistics_file": lambda s, a, d, f: s.statistics_file(
        MAY, _scope(d), a, d.draw(st.sampled_from(["json", "csv"]))
    ),
    "dashboard": lambda s, a, d, f: s.dashboard(MAY, _scope(d), a),
    "document": lambda s, a, d, f: s.document(_case(d, f), DocumentForm.ACCEPTANCE_REGISTER, a),
    "referral_document": lambda s, a, d, f: s.referral_document(_record(d, f, "ref-"), DocumentForm.REFERRAL_LETTER, a),
    "filings": lambda s, a, d, f: s.filings(MAY, _scope(d), a),
    "meeting_compliance": lambda s, a, d, f: s.meeting_compliance(MAY, _scope(d), a),
    "proposed_agenda": lambda s, a, d, f: s.proposed_agenda(MeetingKind.CASE_ANALYSIS, _scope(d), a),
    "meetings": lambda s, a, d, f: s.meetings(_scope(d), a),
    "evaluation_preview": lambda s, a, d, f: s.evaluation_preview(2026, _scope(d), a),
    "evaluation": lambda s, a, d, f: s.evaluation(2026, _scope(d), a),
    "training_report": lambda s, a, d, f: s.training_report(MAY, _scope(d), a),
    "inspection_report": lambda s, a, d, f: s.inspection_report(MAY, _scope(d), a),
    "cross_check": lambda s, a, d, f: s.cross_check(MAY, _scope(d), a),
    "dead_letters": lambda s, a, d, f: s.dead_letters(a),
    "verify": lambda s, a, d, f: s.verify(a),
    "access_denials": lambda s, a, d, f: s.access_denials(a),
}


def actors(registry: Registry) -> st.SearchStrategy[Actor]:
    """Any role, mostly with a scope of a kind the role acts for (so it reads something),
    sometimes with any organisation, an unknown one or ``*``."""
    everything = sorted(scopes(registry))

    def scoped(role: Role) -> st.SearchStrategy[Actor]:
        fitting = sorted(
            o.org_id
            for o in registry.organisations.values()
            if area_of(Actor(actor_id="x", role=role, scope_id=o.org_id), registry)
        )
        choices = (
            st.sampled_from(everything)
            if not fitting
            else st.one_of(st.sampled_from(fitting), st.sampled_from(everything))
        )
        return st.builds(Actor, actor_id=st.sampled_from(["u1", "u2"]), role=st.just(role), scope_id=choices)

    return st.sampled_from(list(Role)).flatmap(scoped)


ACTIONS = {
    "load police_case": "load",
    "load dispatch": "load",
    "load traffic": "load",
    "load meeting": "load",
    "access-log documents": "documents",
    "ledger of rooms": "ledger",
}
"""The service method a query calls, as the access log names it."""


def denials(service: MediationService) -> list[RecordedEvent]:
    """Today's access log, as stored (the query over it is tested on its own)."""
    return service.store.read(access_log_stream(local_date(service.clock())))


def test_the_model_of_scopes_is_not_empty(world: tuple[MediationService, Facts]) -> None:
    """The world holds cases in every room, and the model gives each role something to read."""
    service, facts = world
    registry = service.registry()
    assert set(facts.case_room.values()) == set(ROOMS)
    centre = Actor(actor_id="c", role=Role.COORDINATION_CENTRE, scope_id="centre")
    assert readable_cases(centre, registry, facts) == set(facts.case_room)
    township = Actor(actor_id="t", role=Role.TOWNSHIP, scope_id="xinhua-governance")
    assert readable_rooms(township, registry) == {"xinhua-room"}
    liaison = Actor(actor_id="l", role=Role.STATION_LIAISON, scope_id="xinhua-station")
    from_station = {
        facts.record_cases[r]
        for r, (_, unit) in facts.records.items()
        if unit == "xinhua-station" and r in facts.record_cases
    }
    assert readable_cases(liaison, registry, facts) == from_station != set()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_query_returns_a_case_outside_the_actors_scope(
    world: tuple[MediationService, Facts], data: st.DataObject
) -> None:
    """One actor, every query (each with arguments of its own), in an order hypothesis picks."""
    service, facts = world
    registry = service.registry()
    actor = data.draw(actors(registry), label="actor")
    for name in data.draw(st.permutations(sorted(QUERIES)), label="queries"):
        check(service, facts, registry, actor, name, data)


def check(
    service: MediationService, facts: Facts, registry: Registry, actor: Actor, name: str, data: st.DataObject
) -> None:
    before = len(denials(service))
    try:
        answer = QUERIES[name](service, actor, data, facts)
    except AuthorisationError as refused:
        assert refused.actor == actor
        log = denials(service)
        assert len(log) == before + 1
        assert (log[-1].body["actor"], log[-1].body["action"]) == (str(actor), ACTIONS.get(name, name))
        return
    except NotFoundError:  # an evaluation round nobody concluded
        assert name == "evaluation"
        return
    except DomainError as exc:  # pragma: no cover - shown with its query when it happens
        pytest.fail(f"{name} raised {exc!r}")
    assert len(denials(service)) == before
    text = text_of(answer)
    cases = readable_cases(actor, registry, facts)
    for case_id, names in facts.case_names.items():
        if case_id in cases:
            if not sees_numbers(actor, case_id, registry, facts):
                for number in facts.case_ids_numbers[case_id]:
                    assert number not in text, (name, actor, case_id, number)
            continue
        assert not mentions(text, case_id), (name, actor, case_id)
        for party in names:
            assert party not in text, (name, actor, case_id, party)
        for number in facts.case_ids_numbers[case_id]:
            assert number not in text, (name, actor, case_id, number)
    records = readable_records(actor, registry, facts)
    for record_id in facts.records:
        if record_id not in records:
            assert not mentions(text, record_id), (name, actor, record_id)


def mentions(text: str, ident: str) -> bool:
    """``ident`` appears in ``text`` as a whole identifier (not inside a longer one)."""
    return re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text) is not None
