"""An observer runs after the commit: its failure is logged and counted, never the caller's error."""

from __future__ import annotations

import logging

import pluggy
import pytest

from builders import ADMIN, D0, MEDIATOR, intake
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.plugins import AggregateState, Plugins, RecordedEvent, hookimpl, make_plugin_manager
from mediation_memory import MemoryStore


class Exchange:
    """A county's data exchange that is down, and says so with a phone number in the message."""

    @hookimpl
    def mediation_event_recorded(self, event: RecordedEvent) -> None:
        msg = f"exchange down: could not send {event.stream_id} for 13800138000"
        raise RuntimeError(msg)


class Index:
    """A search index that works."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, str]] = []

    @hookimpl
    def mediation_event_recorded(self, event: RecordedEvent, state: AggregateState) -> None:
        self.seen.append((event.event_type, event.version, type(state).__name__))


@pytest.fixture
def index() -> Index:
    return Index()


@pytest.fixture
def plugins(index: Index) -> Plugins:
    pm = make_plugin_manager(autoload=False)
    pm.register(index, name="county-index")
    pm.register(Exchange(), name="county-exchange")  # registered last: pluggy calls it first
    return Plugins(pm)


@pytest.fixture
def service(plugins: Plugins, clock: StoryClock) -> MediationService:
    svc = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    svc.register(demo_registry(), ADMIN)
    return svc


def test_a_committed_command_returns_although_its_observer_raises(
    service: MediationService, index: Index, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="mediation_core.plugins"):
        received = service.handle(intake(D0), MEDIATOR)
        accepted = service.handle(c.AcceptCase(case_id=received.case_id, on=D0), MEDIATOR)
    assert accepted.case_id == received.case_id
    records = service.store.read(received.case_id)
    assert [(r.event_type, r.version) for r in records] == [("case.received", 1), ("case.accepted", 2)]
    assert index.seen == [("case.received", 1, "CaseState"), ("case.accepted", 2, "CaseState")]
    failed = [r for r in caplog.records if r.name == "mediation_core.plugins" and r.levelno == logging.ERROR]
    assert len(failed) == 2
    assert "'county-exchange'" in failed[0].getMessage()
    assert f"case.received {received.case_id} v1" in failed[0].getMessage()
    assert "138****8000" in caplog.text
    assert "13800138000" not in caplog.text  # neither in the message nor in the traceback


def test_failures_are_counted_per_plugin(service: MediationService, plugins: Plugins) -> None:
    assert plugins.observer_failures() == {}
    received = service.handle(intake(D0), MEDIATOR)
    service.handle(c.AcceptCase(case_id=received.case_id, on=D0), MEDIATOR)
    failures = plugins.observer_failures()
    assert list(failures) == ["county-exchange"]
    failure = failures["county-exchange"]
    assert failure.count == 2
    assert failure.last_event == f"case.accepted {received.case_id} v2"
    assert failure.last_error == f"RuntimeError: exchange down: could not send {received.case_id} for 138****8000"


def test_an_observer_takes_no_wrapper() -> None:
    class Wrapping:
        @hookimpl(wrapper=True)
        def mediation_event_recorded(self, event: RecordedEvent) -> object:
            return (yield)

    with pytest.raises(pluggy.PluginValidationError, match="observer hook 'mediation_event_recorded' takes no wrapper"):
        make_plugin_manager(autoload=False, plugins=[Wrapping()])
