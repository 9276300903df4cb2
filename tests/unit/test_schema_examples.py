"""The reference's examples come from a run and are accepted in it: every command type has one,
every one validates against its schema, and the whole story they come from runs through a fresh
in-memory service; a follow-on's example is refused from a caller, as the service refuses it."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import jsonschema
import pytest

from mediation_core import schemas
from mediation_core.app.bootstrap import Config, open_service
from mediation_core.app.service import MediationService
from mediation_core.demo.district import build_district
from mediation_core.demo.examples import Example, command_examples, run_story
from mediation_core.demo.plan import PERIOD, Step
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.serialization import COMMAND_BY_NAME, command_from_json, command_to_json

Run = tuple[MediationService, tuple[Step, ...], dict[str, Example]]


@pytest.fixture(scope="module")
def run() -> Run:
    """The story on a fresh in-memory service; ``run_story`` raises on any refused step."""
    district = build_district()
    clock = StoryClock(dt.datetime.combine(PERIOD.start, dt.time(8), CHINA_TZ))
    service = open_service(Config(store="memory", identity_key=secrets.token_urlsafe(32)), clock=clock)
    steps = run_story(service, clock, district)
    return service, steps, command_examples(district, service.calendar, service.store.read)


def test_every_command_type_has_an_example(run: Run) -> None:
    _, _, examples = run
    assert set(examples) == set(COMMAND_BY_NAME)
    assert {e.origin for e in examples.values()} == {"demo", "continuation", "follow-on"}


def test_every_example_validates_against_its_schema_and_reads_back_as_itself(run: Run) -> None:
    _, _, examples = run
    for name, example in sorted(examples.items()):
        document = json.loads(json.dumps(command_to_json(example.command), ensure_ascii=False))
        schema = schemas.command_schema(name)
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]
        assert errors == [], name
        assert command_from_json(document) == example.command, name


def test_every_example_a_caller_issues_was_accepted_in_the_run(run: Run) -> None:
    service, steps, examples = run
    issued: dict[dt.datetime, list[object]] = {}
    for step in steps:
        issued.setdefault(step.at, []).append(step.command)
    callers = [e for e in examples.values() if e.origin != "follow-on"]
    assert [e.name for e in callers if e.command not in issued.get(e.at, [])] == []
    story_end = max(s.at for s in steps)
    assert all(e.at <= story_end for e in examples.values())
    assert service.verify() == []


def test_a_follow_on_example_is_what_the_run_recorded_and_is_refused_from_a_caller(run: Run) -> None:
    service, steps, examples = run
    follow_ons = [e for e in examples.values() if e.origin == "follow-on"]
    assert {e.name for e in follow_ons} == {
        "IssueLinkedReferral",
        "ReceivePeoplesMediationReport",
        "ReceiveReferralFeedback",
        "ReportReferralOutcome",
        "ReportReferralPerformance",
    }
    recorded = {(r.actor, r.recorded_at) for s in {*service.store.stream_ids()} for r in service.store.read(s)}
    caller = next(s.actor for s in steps if str(s.actor) == follow_ons[0].actor)
    for example in follow_ons:
        assert (example.actor, example.at) in recorded, example.name
        actor = next((s.actor for s in steps if str(s.actor) == example.actor), caller)
        assert isinstance(actor, Actor)
        with pytest.raises(AuthorisationError, match="recorded only as the consequence of another command"):
            service.handle(example.command, actor)
