"""A county's checks on any command of any aggregate: added to the legal violations, never in
their place, with narrow inputs; a crashing or malformed check is a plugin error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from builders import ADMIN, D0, MEDIATOR, ROOM, intake, person
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.meeting.commands import ScheduleMeeting
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.parties import Side
from mediation_core.plugins import CommandInputs, PluginError, hookimpl, load_plugins
from mediation_memory import MemoryStore

DIRECTOR = Actor(actor_id="d-room", role=Role.ROOM_DIRECTOR, scope_id=ROOM)
seen: list[tuple[str, str, Role, str, bool]] = []


def county_rule(rule: str, field: str) -> Violation:
    return Violation(
        rule=rule,
        field=field,
        basis="某县人民调解工作规范 第7条",
        message_zh="本县要求填写纠纷概要不少于六个字",
        message_en="the county wants a summary of at least six characters",
    )


class CountyChecks:
    """A short summary is refused at intake; every call is noted with what it received."""

    @hookimpl
    def mediation_command_checks(self, command: Any, state: Any, inputs: CommandInputs) -> Iterator[Violation]:
        seen.append((type(command).__name__, inputs.aggregate, inputs.role, inputs.org_id, state is None))
        if isinstance(command, c.ReceiveDispute) and len(command.summary) < 6:
            yield county_rule("county.summary_length", "summary")


class Silencer:
    """Answers nothing: a broadcast hook cannot take back what the law found."""

    @hookimpl
    def mediation_command_checks(self) -> list[Violation]:
        return []


def county_service(clock: StoryClock, *checks: object) -> MediationService:
    plugins = load_plugins(autoload=False, strict=True, plugins=checks)
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    service.register(demo_registry(), ADMIN)
    return service


@pytest.fixture
def county(clock: StoryClock) -> MediationService:
    return county_service(clock, CountyChecks(), Silencer())


def test_a_county_violation_is_added_to_the_legal_ones_and_nothing_is_written(county: MediationService) -> None:
    # both parties on the same side break a legal rule; the short summary breaks the county's
    one_sided = (person("p1", Side.APPLICANT, name="王建国"), person("p2", Side.APPLICANT, name="李海", seq=2))
    with pytest.raises(RuleViolationError) as refused:
        county.handle(intake(D0, one_sided), MEDIATOR)
    rules = [v.rule for v in refused.value.violations]
    assert rules[-1] == "county.summary_length"
    assert len(rules) >= 2
    assert not rules[0].startswith("county.")  # the legal rules come first and stay
    assert list(county.store.stream_ids()) == []


def test_the_checks_see_every_command_of_every_aggregate_with_narrow_inputs(county: MediationService) -> None:
    seen.clear()
    case: CaseState = county.handle(attrs.evolve(intake(D0), summary="邻里排水沟纠纷"), MEDIATOR)
    county.handle(c.AcceptCase(case_id=case.case_id, on=D0), MEDIATOR)
    county.handle(ScheduleMeeting(meeting_id="", kind=MeetingKind.CASE_ANALYSIS, org_id=ROOM), DIRECTOR)
    assert seen == [
        ("ReceiveDispute", "case", Role.MEDIATOR, ROOM, True),
        ("AcceptCase", "case", Role.MEDIATOR, ROOM, False),
        ("ScheduleMeeting", "meeting", Role.ROOM_DIRECTOR, ROOM, True),
    ]


def test_a_command_the_county_has_no_objection_to_is_recorded(county: MediationService) -> None:
    case: CaseState = county.handle(attrs.evolve(intake(D0), summary="邻里排水沟纠纷"), MEDIATOR)
    assert county.store.read(case.case_id)


def test_the_inputs_hold_no_service_store_or_key() -> None:
    names = {f.name for f in attrs.fields(CommandInputs)}
    assert names == {"now", "policy", "calendar", "registry", "categories", "aggregate", "role", "org_id"}


class Crashing:
    @hookimpl
    def mediation_command_checks(self, command: Any) -> list[Violation]:
        if isinstance(command, c.ReceiveDispute):
            msg = "county rules table missing 13800138000"
            raise KeyError(msg)
        return []


def test_a_crashing_check_is_a_plugin_error_naming_it_and_nothing_is_written(clock: StoryClock) -> None:
    service = county_service(clock, Crashing())
    with pytest.raises(
        PluginError, match=r"plugin '[^']+' failed in mediation_command_checks on ReceiveDispute: KeyError"
    ) as failed:
        service.handle(intake(D0), MEDIATOR)
    assert "13800138000" not in str(failed.value)  # numbers masked like every plugin failure
    assert list(service.store.stream_ids()) == []


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (county_rule("summary_length", "summary"), "must return violations"),
        ([county_rule("summary_length", "summary")], "namespaced"),
        ([county_rule("parties_on_both_sides", "parties")], "namespaced"),
        ([county_rule("intake.parties_on_both_sides", "")], "names no field"),
        (["county.summary_length"], "not a Violation"),
    ],
)
def test_a_check_must_answer_with_namespaced_violations_naming_a_field(
    clock: StoryClock, answer: object, problem: str
) -> None:
    class Sloppy:
        @hookimpl
        def mediation_command_checks(self) -> object:
            return answer

    service = county_service(clock, Sloppy())
    with pytest.raises(PluginError, match=problem):
        service.handle(intake(D0), MEDIATOR)
    assert list(service.store.stream_ids()) == []


def test_no_legal_rule_is_namespaced_so_a_county_rule_never_shadows_one() -> None:
    from mediation_core.domain.aggregates import RULEBOOK

    assert RULEBOOK
    assert [name for name in RULEBOOK if "." in name] == []


def test_a_check_takes_no_wrapper() -> None:
    class Wrapper:
        @hookimpl(wrapper=True)
        def mediation_command_checks(self) -> Iterator[None]:
            return (yield)

    with pytest.raises(Exception, match="takes no wrapper"):
        load_plugins(autoload=False, strict=True, plugins=[Wrapper()])


def test_follow_on_commands_are_checked_too(clock: StoryClock) -> None:
    """Accepting a referral opens its case: the case's opening is a command the county sees."""
    from builders import LIAISON, consents, referral
    from mediation_core.domain.referral import commands as rc

    seen.clear()
    service = county_service(clock, CountyChecks())
    on = dt.date(2026, 5, 6)
    issued = service.handle(referral(on), LIAISON)
    service.handle(rc.AcceptReferral(referral_id=issued.referral_id, on=on, consents=consents(on, "p1")), MEDIATOR)
    names = [name for name, *_ in seen]
    assert names[:2] == ["IssueReferral", "AcceptReferral"]
    assert len(names) > 2  # the case opened by the acceptance
    assert any(aggregate == "case" for _, aggregate, *_ in seen)
