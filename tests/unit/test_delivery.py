"""The outbox is delivered with retries, backoff and dead letters, each notifier isolated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import attrs
import pytest

from builders import ADMIN, D0, MEDIATOR, PARTIES, ROOM
from mediation_core.app.bootstrap import ConfigurationError, notifier_config
from mediation_core.app.delivery import (
    Channel,
    DeliveryPolicy,
    NoChannelsError,
    NotifierConfig,
    deliver_pending,
    open_channels,
)
from mediation_core.app.ports import DeliveryStatus
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.notices import NoticeKind
from mediation_core.domain.values.risks import RiskKind
from mediation_core.domain.values.sources import CaseSource
from mediation_core.plugins import hookimpl
from mediation_core.plugins.manager import PluginError, Plugins, load_plugins
from mediation_core.plugins.types import Delivery, DeliveryError, Notifier


class Inbox:
    """A receiving end that can be switched off: what arrived, by channel and key."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.up = True
        self.permanent = False
        self.received: list[Delivery] = []

    def __call__(self, delivery: Delivery) -> None:
        if self.permanent:
            raise DeliveryError("HTTP 400 invalid payload", permanent=True)
        if not self.up:
            raise ConnectionRefusedError(f"{self.name} is down")
        self.received.append(delivery)

    @property
    def keys(self) -> list[str]:
        return [d.key for d in self.received]


def channel(inbox: Inbox, **kw: frozenset[str]) -> Channel:
    return Channel(name=inbox.name, deliver=inbox, **kw)


def flag_risk(service: MediationService, case_id: str, kind: RiskKind = RiskKind.MASS_INCIDENT) -> None:
    service.handle(c.FlagRisk(case_id=case_id, kind=kind, persons=12, on=D0, note="聚集"), MEDIATOR)


def new_case(service: MediationService) -> str:
    state = service.handle(
        c.ReceiveDispute(
            case_id="",
            room_id=ROOM,
            received_on=D0,
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary="邻里纠纷",
            parties=PARTIES,
        ),
        MEDIATOR,
    )
    return state.case_id


@pytest.fixture
def case_id(service: MediationService) -> str:
    return new_case(service)


def test_a_notice_reaches_every_channel_with_its_key_and_resolved_addressees(
    service: MediationService, case_id: str, clock: StoryClock
) -> None:
    mail, robot = Inbox("mail"), Inbox("robot")
    service.channels = (channel(mail), channel(robot))
    flag_risk(service, case_id)
    report = service.deliver_pending()
    [entry] = service.store.outbox()
    assert report.delivered == (entry.notice.key,)
    assert entry.status is DeliveryStatus.DELIVERED
    assert entry.delivered_by == ("mail", "robot")
    assert entry.delivered_at == clock()
    assert mail.keys == robot.keys == [f"{case_id}:2:escalation_risk"]
    delivery = mail.received[0]
    assert delivery.attempt == 1
    assert delivery.channel == "mail"
    assert [(a.name, a.role) for a in delivery.addressees] == [
        ("陈警官", "station_liaison"),
        ("区矛盾纠纷多元化解协调中心", "coordination_centre"),
    ]
    assert service.deliver_pending().attempted == 0  # delivered once, never again


def test_an_outage_loses_nothing_and_delivers_exactly_once_after_recovery(
    service: MediationService, case_id: str, clock: StoryClock
) -> None:
    mail, robot = Inbox("mail"), Inbox("robot")
    robot.up = False
    service.channels = (channel(mail), channel(robot))
    service.delivery_policy = DeliveryPolicy(first_retry_seconds=60, factor=2, spread=0)
    flag_risk(service, case_id)
    key = f"{case_id}:2:escalation_risk"

    assert service.deliver_pending().retrying == (key,)
    entry = service.store.outbox_entry(key)
    assert entry is not None
    assert (entry.status, entry.attempts, entry.delivered_by) == (DeliveryStatus.PENDING, 1, ("mail",))
    assert entry.next_attempt_at == clock() + dt.timedelta(seconds=60)
    assert "robot: ConnectionRefusedError: robot is down" in entry.last_error

    assert service.deliver_pending().attempted == 0  # not due yet: the backoff holds
    clock.now += dt.timedelta(seconds=60)
    assert service.deliver_pending().retrying == (key,)
    entry = service.store.outbox_entry(key)
    assert entry is not None
    assert entry.next_attempt_at == clock() + dt.timedelta(seconds=120)  # doubled

    robot.up = True
    clock.now += dt.timedelta(seconds=120)
    assert service.deliver_pending().delivered == (key,)
    assert mail.keys == [key]  # the channel that had delivered is not written to again
    assert robot.keys == [key]
    assert robot.received[0].attempt == 3
    clock.now += dt.timedelta(days=1)
    assert service.deliver_pending().attempted == 0
    assert robot.keys == [key]


def test_after_max_attempts_a_notice_is_a_dead_letter_and_can_be_requeued(
    service: MediationService, case_id: str, clock: StoryClock
) -> None:
    robot = Inbox("robot")
    robot.up = False
    service.channels = (channel(robot),)
    service.delivery_policy = DeliveryPolicy(max_attempts=3, first_retry_seconds=10, spread=0)
    flag_risk(service, case_id)
    for _ in range(3):
        service.deliver_pending()
        clock.now += dt.timedelta(hours=1)
    [dead] = service.dead_letters(ADMIN)
    assert (dead.status, dead.attempts) == (DeliveryStatus.DEAD, 3)
    assert "robot is down" in dead.last_error
    assert service.deliver_pending().attempted == 0  # the dead stay dead
    with pytest.raises(AuthorisationError):
        service.dead_letters(MEDIATOR)

    robot.up = True
    assert service.requeue([dead.notice.key, "no-such-key"], ADMIN) == [dead.notice.key]
    assert service.dead_letters(ADMIN) == []
    assert service.deliver_pending().delivered == (dead.notice.key,)
    assert robot.keys == [dead.notice.key]


def test_a_permanent_failure_is_dead_at_once_and_other_channels_still_deliver(
    service: MediationService, case_id: str
) -> None:
    good, bad = Inbox("good"), Inbox("bad")
    bad.permanent = True
    service.channels = (channel(bad), channel(good))
    flag_risk(service, case_id)
    report = service.deliver_pending()
    [entry] = service.store.outbox()
    assert report.dead == (entry.notice.key,)
    assert entry.delivered_by == ("good",)
    assert entry.last_error == "bad: HTTP 400 invalid payload (permanent)"
    assert good.keys == [entry.notice.key]


def test_channels_serve_only_their_kinds_and_roles(service: MediationService, case_id: str) -> None:
    centre, liaison, other = Inbox("centre"), Inbox("liaison"), Inbox("other")
    service.channels = (
        channel(centre, roles=frozenset({"coordination_centre"})),
        channel(liaison, roles=frozenset({"station_liaison"}), kinds=frozenset({"escalation_risk"})),
        channel(other, kinds=frozenset({"deadline_due"})),
    )
    flag_risk(service, case_id)
    service.deliver_pending()
    assert [a.role for a in centre.received[0].addressees] == ["coordination_centre"]
    assert [a.name for a in liaison.received[0].addressees] == ["陈警官"]
    assert other.received == []
    assert service.store.outbox()[0].delivered_by == ("centre", "liaison")


def test_a_notice_no_channel_serves_is_a_dead_letter_that_says_why(service: MediationService, case_id: str) -> None:
    service.channels = (channel(Inbox("deadlines"), kinds=frozenset({"deadline_due"})),)
    flag_risk(service, case_id)
    service.deliver_pending()
    [dead] = service.dead_letters(ADMIN)
    assert "no notifier is configured for kind escalation_risk" in dead.last_error


def test_without_channels_delivery_is_refused_and_the_outbox_kept(service: MediationService, case_id: str) -> None:
    flag_risk(service, case_id)
    with pytest.raises(NoChannelsError):
        service.deliver_pending()
    assert [e.status for e in service.store.outbox()] == [DeliveryStatus.PENDING]


def test_a_claimed_notice_is_skipped_by_a_second_worker(service: MediationService, case_id: str) -> None:
    flag_risk(service, case_id)
    inbox = Inbox("robot")
    store = service.store
    [entry] = store.outbox()
    stale = entry
    store.update_outbox(attrs.evolve(entry, attempts=1), expected_attempts=0)  # the other worker's claim
    report = deliver_pending(_StaleOutbox(store, [stale]), [channel(inbox)], service.clock())
    assert report.skipped == (entry.notice.key,)
    assert inbox.received == []


class _StaleOutbox:
    """Delegates to a store but lists the outbox as it was read before another worker's claim."""

    def __init__(self, store: object, listed: list[object]) -> None:
        self._store = store
        self._listed = listed

    def outbox(self, status: object = None) -> list[object]:
        return self._listed

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def test_backoff_grows_to_its_cap_and_spreads_by_key() -> None:
    policy = DeliveryPolicy(first_retry_seconds=60, factor=2, max_backoff_seconds=600, spread=0.1)
    waits = [policy.backoff(n, "k").total_seconds() for n in range(1, 8)]
    assert waits == sorted(waits)
    assert 60 <= waits[0] < 66
    assert 600 <= waits[-1] < 660
    assert policy.backoff(1, "k") == policy.backoff(1, "k")
    assert len({policy.backoff(1, f"k{n}") for n in range(20)}) > 1


# -- the sweep ------------------------------------------------------------------------------------
def test_the_sweep_reminds_the_mediator_and_director_once_per_urgency(
    service: MediationService, case_id: str, clock: StoryClock
) -> None:
    service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR)
    service.handle(c.AssignMediator(case_id=case_id, mediator_id="m-liu", presiding=True, on=D0), MEDIATOR)
    term_due = service.case_file(case_id, MEDIATOR).state.term_due
    assert term_due is not None
    clock.set(term_due - dt.timedelta(days=2))
    service.sweep()
    service.sweep()
    clock.set(term_due - dt.timedelta(days=1))
    service.sweep()
    reminders = [e.notice for e in service.store.outbox()]
    assert [n.key for n in reminders] == [f"{case_id}:deadline:mediation_term:{term_due}:due_soon"]
    [reminder] = reminders
    assert reminder.kind is NoticeKind.DEADLINE_DUE
    assert "调解期限届满" in reminder.subject
    clock.set(term_due)
    service.sweep()
    clock.set(term_due + dt.timedelta(days=1))
    service.sweep()
    service.sweep()
    keys = [e.notice.key for e in service.store.outbox()]
    assert [k.rsplit(":", 1)[1] for k in keys] == ["due_soon", "due_today", "overdue"]
    overdue = service.store.outbox()[-1].notice
    assert overdue.kind is NoticeKind.DEADLINE_OVERDUE
    inbox = Inbox("mail")
    service.channels = (channel(inbox),)
    service.deliver_pending()
    names = {a.name for d in inbox.received for a in d.addressees}
    assert names == {"刘芳", "张明"}  # the assigned mediator, and the room's director
    assert {a.role for a in inbox.received[0].addressees} == {"mediator", "room_director"}


def test_the_sweep_raises_nothing_before_the_warning_window(
    service: MediationService, case_id: str, clock: StoryClock
) -> None:
    service.handle(c.AcceptCase(case_id=case_id, on=D0), MEDIATOR)
    term_due = service.case_file(case_id, MEDIATOR).state.term_due
    assert term_due is not None
    clock.set(term_due - dt.timedelta(days=service.policy.deadline_warning_days + 1))
    assert service.sweep() == []
    assert service.store.outbox() == []
    clock.set(term_due - dt.timedelta(days=service.policy.deadline_warning_days))
    assert [i.stream_id for i in service.sweep()] == [case_id]
    assert len(service.store.outbox()) == 1


# -- opening configured channels ------------------------------------------------------------------
class _Plugin:
    def __init__(self, *notifiers: Notifier) -> None:
        self.notifiers = notifiers

    @hookimpl
    def mediation_notifiers(self) -> Iterator[Notifier]:
        yield from self.notifiers


def _open_echo(settings: Mapping[str, str]) -> Inbox:
    if "url" not in settings:
        msg = "setting 'url' is required"
        raise ValueError(msg)
    return Inbox(settings["url"])


def test_configured_channels_open_by_backend_name() -> None:
    plugins = load_plugins(autoload=False, strict=True, plugins=[_Plugin(Notifier(name="echo", open=_open_echo))])
    [opened] = open_channels(
        [NotifierConfig(name="centre", backend="echo", settings={"url": "u"}, kinds=frozenset({"x"}))], plugins
    )
    assert (opened.name, opened.kinds) == ("centre", frozenset({"x"}))


@pytest.mark.parametrize(
    ("notifier", "config", "message"),
    [
        (None, NotifierConfig(name="a", backend="nope"), "notifier 'nope' (channel 'a') is not available"),
        (
            Notifier(name="echo", open=_open_echo),
            NotifierConfig(name="a", backend="echo"),
            "notifier channel 'a' (echo): setting 'url' is required",
        ),
        (
            Notifier(name="echo", open=_open_echo, requires=("no_such_module_xyz",), extra="webhook"),
            NotifierConfig(name="a", backend="echo", settings={"url": "u"}),
            'needs no_such_module_xyz: pip install "mediation-core[webhook]"',
        ),
    ],
)
def test_a_configured_channel_that_cannot_open_stops_with_a_clear_error(
    notifier: Notifier | None, config: NotifierConfig, message: str
) -> None:
    plugins: Plugins = load_plugins(autoload=False, strict=True, plugins=[_Plugin(notifier)] if notifier else [])
    with pytest.raises(PluginError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        open_channels([config], plugins)


def test_two_plugins_offering_one_notifier_name_is_an_error() -> None:
    plugins = load_plugins(
        autoload=False,
        strict=True,
        plugins=[_Plugin(Notifier(name="echo", open=_open_echo)), _Plugin(Notifier(name="echo", open=_open_echo))],
    )
    with pytest.raises(PluginError, match="two plugins provide notifier 'echo'"):
        plugins.notifiers()


def test_notifier_configuration_is_read_from_toml_with_secrets_from_the_environment() -> None:
    text = """
[delivery]
max_attempts = 5
first_retry_seconds = 30

[[notifier]]
name = "centre-robot"
backend = "dingtalk"
kinds = ["escalation_risk"]
roles = ["coordination_centre"]
[notifier.settings]
url = "http://127.0.0.1:1/robot"
secret = "env:ROBOT_SECRET"
timeout = 5

[[notifier]]
backend = "log"
"""
    configs, policy = notifier_config(text, {"ROBOT_SECRET": "SEC123"})
    assert policy == DeliveryPolicy(max_attempts=5, first_retry_seconds=30)
    assert configs == (
        NotifierConfig(
            name="centre-robot",
            backend="dingtalk",
            settings={"url": "http://127.0.0.1:1/robot", "secret": "SEC123", "timeout": "5"},
            kinds=frozenset({"escalation_risk"}),
            roles=frozenset({"coordination_centre"}),
        ),
        NotifierConfig(name="log", backend="log"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[notifier]]\nbackend='x'\n[notifier.settings]\npw='env:NOPE'\n", "NOPE, which is not set"),
        ("[[notifier]]\nname='x'\n", "needs a backend"),
        ("[[notifier]]\nbackend='x'\ncolour='red'\n", "unknown key(s) colour"),
        ("[delivery]\nmax_attempts=0\n", "max_attempts must be >= 1"),
        ("[delivery]\nretries=3\n", "[delivery]"),
        ("[smtp]\nhost='x'\n", "unknown section(s) smtp"),
        ("[[notifier]\n", "not valid TOML"),
    ],
)
def test_a_bad_notifier_configuration_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        notifier_config(text, {})
    assert message in str(caught.value)


def test_open_service_opens_the_configured_channels(tmp_path: object) -> None:
    from mediation_core.app.bootstrap import Config, open_service

    plugins = load_plugins(autoload=False, strict=True, plugins=[_Plugin(Notifier(name="echo", open=_open_echo))])
    plugins.pm.register(__import__("mediation_memory.plugin", fromlist=["plugin"]))
    config = Config(store="memory", notifiers=(NotifierConfig(name="a", backend="echo", settings={"url": "u"}),))
    service = open_service(config, plugins=plugins)
    assert [ch.name for ch in service.channels] == ["a"]
    broken = Config(store="memory", notifiers=(NotifierConfig(name="a", backend="echo"),))
    with pytest.raises(PluginError):
        open_service(broken, plugins=plugins)


def test_an_unacknowledged_referral_reminds_the_room(service: MediationService, clock: StoryClock) -> None:
    from builders import LIAISON, referral

    clock.set(D0)
    letter = service.handle(referral(D0), LIAISON)
    due = letter.deadlines[DeadlineKind.REFERRAL_ACKNOWLEDGEMENT].due
    clock.set(due + dt.timedelta(days=1))
    service.sweep()
    service.sweep()
    [reminder] = [e.notice for e in service.store.outbox() if e.notice.kind is NoticeKind.DEADLINE_OVERDUE]
    assert reminder.key == f"{letter.referral_id}:deadline:referral_acknowledgement:{due}:overdue"
    assert letter.letter_number in reminder.subject
    assert {r.role for r in reminder.recipients} == {"mediator", "room_director"}
