"""The event relay's own logic on the memory store, with a sink that keeps what it is given: the
subscriber's configuration, which streams reach which reader, order, partial failures, dead
letters at once on a permanent refusal, and who may run it. The broker itself is exercised in
tests/integration/test_event_relay.py."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from builders import ADMIN, D0, LIAISON, MEDIATOR, OFFICER, ROOM, intake, referral, run_cli
from mediation_core.app.bootstrap import ConfigurationError, subscriber_config
from mediation_core.app.delivery import DeliveryPolicy
from mediation_core.app.ports import RelayStatus
from mediation_core.app.relay import RELAY_POLICY, Subscriber, SubscriberConfig, open_subscribers
from mediation_core.app.service import MediationService
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import AuthorisationError, StoreError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.plugins import hookimpl
from mediation_core.plugins.manager import PluginError, load_plugins
from mediation_core.plugins.types import EventMessage, Publisher, PublishError

ROOM_DIRECTOR = Actor(actor_id="bus", role=Role.ROOM_DIRECTOR, scope_id=ROOM)
AT_ONCE = DeliveryPolicy(max_attempts=2, first_retry_seconds=0, spread=0, claim_seconds=0)


class Sink:
    """Keeps every message it confirms; refuses the message ids in ``refuse`` once each
    (``permanent`` ones for good)."""

    def __init__(self, refuse: tuple[str, ...] = (), permanent: bool = False) -> None:
        self.confirmed: list[EventMessage] = []
        self.refuse = list(refuse)
        self.permanent = permanent
        self.closed = False

    def publish(self, message: EventMessage) -> None:
        if message.message_id in self.refuse:
            if not self.permanent:
                self.refuse.remove(message.message_id)
            raise PublishError("the broker said no", permanent=self.permanent)
        self.confirmed.append(message)

    def close(self) -> None:
        self.closed = True

    @property
    def ids(self) -> list[str]:
        return [m.message_id for m in self.confirmed]


def one_case(service: MediationService) -> str:
    case_id = service.handle(intake(D0), MEDIATOR).case_id
    service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR)
    return case_id


# -- configuration -------------------------------------------------------------------------------
def test_the_subscriber_file_names_the_reader_the_broker_and_the_policy() -> None:
    subscribers, policy = subscriber_config(
        """
        [relay]
        max_attempts = 3
        [[subscriber]]
        name = "district-platform"
        actor = "coordination_centre:platform@centre"
        [subscriber.settings]
        url = "env:AMQP_URL"
        exchange = "mediation.events"
        """,
        {"AMQP_URL": "amqp://u:p@broker/%2F"},
    )
    assert policy == attrs.evolve(RELAY_POLICY, max_attempts=3)
    [bus] = subscribers
    assert bus == SubscriberConfig(
        name="district-platform",
        actor=Actor(actor_id="platform", role=Role.COORDINATION_CENTRE, scope_id="centre"),
        backend="amqp",
        settings={"url": "amqp://u:p@broker/%2F", "exchange": "mediation.events"},
    )
    assert "u:p" not in repr(bus)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[subscriber]]\nname = "a"', "needs a name and an actor"),
        ('[[subscriber]]\nname = "a"\nactor = "chief:x@y"', "expected ROLE:ID@SCOPE"),
        ('[[subscriber]]\nname = "a b"\nactor = "mediator:x@y"', "letters, digits"),
        ('[[subscriber]]\nname = "a"\nactor = "mediator:x@y"\nqueue = "q"', "unknown key(s) queue"),
        ('[relay]\nmax_attempts = 0\n[[subscriber]]\nname = "a"\nactor = "mediator:x@y"', "max_attempts must be >= 1"),
        ('[[subscriber]]\nname = "a"\nactor = "mediator:x@y"\n[subscriber.settings]\nurl = "env:NOPE"', "NOPE"),
        ("[notifier]", "unknown section(s) notifier"),
    ],
)
def test_a_bad_subscriber_file_is_refused_naming_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match="subscriber configuration") as refused:
        subscriber_config(text, {})
    assert message in str(refused.value)


def test_a_subscriber_needs_an_installed_publisher_and_a_unique_name() -> None:
    config = SubscriberConfig(name="bus", actor=ROOM_DIRECTOR, backend="kafka")
    with pytest.raises(PluginError, match="publisher 'kafka' \\(subscriber 'bus'\\) is not available"):
        open_subscribers([config], load_plugins(autoload=False, strict=True))
    with pytest.raises(PluginError, match="repeated: bus"):
        open_subscribers([config, config], load_plugins(autoload=False, strict=True))


def test_a_publishers_bad_setting_is_an_error_naming_the_subscriber() -> None:
    def refuse(settings: object) -> Sink:
        raise ValueError("setting 'exchange' is required")

    class Plugin:
        @hookimpl
        def mediation_publishers(self) -> list[Publisher]:
            return [Publisher(name="test-bus", open=refuse)]

    plugins = load_plugins(autoload=False, plugins=[Plugin()], strict=True)
    config = SubscriberConfig(name="bus", actor=ROOM_DIRECTOR, backend="test-bus")
    with pytest.raises(PluginError, match="subscriber 'bus' \\(test-bus\\): setting 'exchange' is required"):
        open_subscribers([config], plugins)


# -- the loop ------------------------------------------------------------------------------------
def test_each_stream_goes_out_in_order_once_and_its_position_follows(service: MediationService) -> None:
    first, second = one_case(service), one_case(service)
    sink = Sink()
    bus = Subscriber(name="bus", actor=ROOM_DIRECTOR, sink=sink)
    report = service.relay(bus)
    assert (report.published, sorted(report.caught_up)) == (4, [first, second])
    assert sink.ids == [f"{first}:1", f"{first}:2", f"{second}:1", f"{second}:2"]
    body = json.loads(sink.confirmed[0].body)
    assert (body["format"], body["aggregate"], body["view"]) == (1, "case", "full")
    assert sink.confirmed[0].routing_key == "case.received"
    assert service.relay(bus).published == 0
    service.handle(c.AssignMediator(case_id=second, mediator_id="m-zhang", presiding=True, on=D0), MEDIATOR)
    assert service.relay(bus).published == 1
    assert sink.ids[-1] == f"{second}:3"


def test_a_failure_keeps_what_was_confirmed_and_the_retry_goes_on_from_there(service: MediationService) -> None:
    service.relay_policy = AT_ONCE
    case = one_case(service)
    sink = Sink(refuse=(f"{case}:2",))
    bus = Subscriber(name="bus", actor=ROOM_DIRECTOR, sink=sink)
    assert service.relay(bus).retrying == (case,)
    [waiting] = service.store.relay_positions("bus")
    assert (waiting.version, waiting.attempts, waiting.status) == (1, 1, RelayStatus.PENDING)
    assert "the broker said no" in waiting.last_error
    assert service.relay(bus).caught_up == (case,)
    assert sink.ids == [f"{case}:1", f"{case}:2"]  # version 1 is not sent again


def test_a_permanent_refusal_is_a_dead_letter_at_once_until_requeued(service: MediationService) -> None:
    case = one_case(service)
    sink = Sink(refuse=(f"{case}:1",), permanent=True)
    bus = Subscriber(name="bus", actor=ROOM_DIRECTOR, sink=sink)
    assert service.relay(bus).dead == (case,)
    [dead] = service.relay_dead_letters(ADMIN, "bus")
    assert dead.last_error.endswith("(permanent)")
    assert [lag.dead for lag in service.relay_lag(["bus"], ADMIN)] == [1]
    sink.refuse.clear()
    assert service.relay(bus).published == 0
    assert service.relay_requeue("bus", [case], ADMIN) == [case]
    assert service.relay(bus).published == 2


def test_the_station_receives_its_referral_but_no_case_file(service: MediationService) -> None:
    letter = service.handle(referral(D0), LIAISON)
    case = one_case(service)
    station, room = Sink(), Sink()
    report = service.relay(Subscriber(name="station", actor=OFFICER, sink=station))
    assert report.passed_over == (case,)
    assert station.ids == [f"{letter.referral_id}:1"]
    assert json.loads(station.confirmed[0].body)["aggregate"] == "referral"
    service.relay(Subscriber(name="room", actor=ROOM_DIRECTOR, sink=room))
    assert sorted(room.ids) == sorted([f"{letter.referral_id}:1", f"{case}:1", f"{case}:2"])


def test_only_the_system_or_an_administrator_runs_the_relay(service: MediationService) -> None:
    bus = Subscriber(name="bus", actor=ROOM_DIRECTOR, sink=Sink())
    with pytest.raises(AuthorisationError):
        service.relay(bus, actor=MEDIATOR)
    with pytest.raises(AuthorisationError):
        service.relay_requeue("bus", ["x"], MEDIATOR)


def test_a_store_without_relay_positions_cannot_run_the_relay(service: MediationService) -> None:
    class Bare:
        """Everything the service reads through, nothing of the relay role."""

        def __init__(self, store: object) -> None:
            self._store = store

        def __getattr__(self, name: str) -> object:
            if name.startswith("relay") or name == "save_relay_position":
                raise AttributeError(name)
            return getattr(self._store, name)

    service.store = Bare(service.store)  # type: ignore[assignment]
    with pytest.raises(StoreError, match="keeps no relay positions"):
        service.relay(Subscriber(name="bus", actor=ROOM_DIRECTOR, sink=Sink()), now=dt.datetime.now(dt.UTC))


# -- the command line ----------------------------------------------------------------------------
def test_the_relay_command_needs_a_configured_subscriber(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    monkeypatch.delenv("MEDIATION_SUBSCRIBERS_FILE", raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", "relay-unit-test-identity-key-32-bytes-or-more")
    assert run_cli("init", "--db", db)[0] == 0
    code, _, err = run_cli("relay", "status", "--db", db)
    assert code == 6
    assert "MEDIATION_SUBSCRIBERS_FILE" in err
    config = tmp_path / "subscribers.toml"
    config.write_text(
        '[[subscriber]]\nname = "bus"\nactor = "room_director:bus@pengshanlu-room"\n'
        '[subscriber.settings]\nurl = "amqp://guest:guest@127.0.0.1:5672/%2F"\nexchange = "x"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MEDIATION_SUBSCRIBERS_FILE", str(config))
    code, out, _ = run_cli("relay", "status", "--db", db, "--json")
    assert code == 0
    assert json.loads(out) == [{"subscriber": "bus", "streams_behind": 0, "events_behind": 0, "retrying": 0, "dead": 0}]
    code, _, err = run_cli("relay", "status", "--db", db, "--subscriber", "other")
    assert code == 6
    assert "--subscriber 'other' is not configured; configured: bus" in err
    code, _, err = run_cli("relay", "requeue", "--db", db)
    assert code == 6
    assert "--subscriber NAME" in err
