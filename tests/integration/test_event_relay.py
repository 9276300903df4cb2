"""The event relay against the RabbitMQ server on this machine: every event arrives, in
per-stream order, in each subscriber's view; after a broker restart and after a relay killed
mid-batch a consumer that drops repeated message ids has every event exactly once; a stream
that cannot be published becomes a dead letter and is requeued."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

import pika.exceptions
import pytest
from rabbit import AMQP_URL, Consumer, broker_stopped, connect, deduplicated, rabbitmqctl

from builders import (
    ADMIN,
    D0,
    MEDIATOR,
    MEDIATOR_ID,
    OTHER_MEDIATOR_ID,
    ROOM,
    STATION,
    intake,
    person,
    resident_id,
    run_cli,
    two_people,
)
from mediation_amqp.plugin import open_amqp
from mediation_core.app.delivery import DeliveryPolicy
from mediation_core.app.ports import RelayStatus
from mediation_core.app.relay import Subscriber
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.parties import Guardian, Side
from mediation_core.plugins.manager import load_plugins
from mediation_sqlalchemy import open_sqlalchemy

pytestmark = pytest.mark.integration

KEY = "relay-tests-identity-key-of-32-bytes-at-least"
ROOM_DIRECTOR = Actor(actor_id="bus-room", role=Role.ROOM_DIRECTOR, scope_id=ROOM)
JUSTICE_OFFICE = Actor(actor_id="bus-township", role=Role.JUSTICE_OFFICE, scope_id="baiyang")
OFFICER = Actor(actor_id="bus-station", role=Role.POLICE_OFFICER, scope_id=STATION)
CHILD_ID = resident_id("20200101", 7)
RETRY_AT_ONCE = DeliveryPolicy(max_attempts=3, first_retry_seconds=0, spread=0, claim_seconds=0)


@pytest.fixture(scope="session")
def rabbitmq() -> str:
    """The broker's URL, after checking that it answers: skipped on a machine without it,
    a failure in CI (``.ci/run`` starts it)."""
    try:
        connect().close()
    except pika.exceptions.AMQPError as exc:
        reason = f"RabbitMQ at {AMQP_URL} is not reachable: {exc!r}"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"{reason} (CI=true: the event relay's tests must run)")
        pytest.skip(reason)
    return AMQP_URL


@pytest.fixture
def consumers(rabbitmq: str) -> Iterator[Callable[[], Consumer]]:
    made: list[Consumer] = []

    def new() -> Consumer:
        consumer = Consumer()
        consumer.declare()
        made.append(consumer)
        return consumer

    yield new
    for consumer in made:
        consumer.delete()


def district(url: str) -> MediationService:
    ids = (f"case-{n:03d}" for n in count(1))
    service = MediationService(
        open_sqlalchemy(url),
        plugins=load_plugins(autoload=False, strict=True),
        clock=StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=CHINA_TZ)),
        new_id=ids.__next__,
        identity_key=KEY.encode(),
        relay_policy=RETRY_AT_ONCE,
    )
    service.register(demo_registry(), ADMIN)
    return service


def record_cases(service: MediationService, n: int, *, child: bool = False, start: int = 0) -> list[str]:
    """``n`` cases received, accepted and given a mediator: three events each. With ``child``,
    the first case's respondent is a child of six (with a guardian)."""
    ids = []
    for i in range(start, start + n):
        parties = two_people(2 * i + 1, 2 * i + 2)
        if child and i == start:
            guardian = Guardian(name="王父", relation="父亲", consents_to_processing=True)
            parties = (parties[0], person("p2", Side.RESPONDENT, id_number=CHILD_ID, name="王小明", guardian=guardian))
        state = service.handle(intake(D0, parties), MEDIATOR)
        service.handle(c.AcceptCase(case_id=state.case_id, on=D0), MEDIATOR)
        service.handle(
            c.AssignMediator(case_id=state.case_id, mediator_id=MEDIATOR_ID, presiding=True, on=D0), MEDIATOR
        )
        ids.append(state.case_id)
    return ids


def subscriber(name: str, actor: Actor, consumer: Consumer, **settings: str) -> Subscriber:
    sink = open_amqp({"url": AMQP_URL, "exchange": consumer.exchange, **settings})
    return Subscriber(name=name, actor=actor, sink=sink)


def in_stream_order(messages: list) -> bool:  # type: ignore[type-arg]
    last: dict[str, int] = {}
    for m in messages:
        stream, version = m.body["stream_id"], m.body["version"]
        if version != last.get(stream, 0) + 1:
            return False
        last[stream] = version
    return True


def test_each_subscriber_receives_every_event_in_order_in_its_own_view(
    database_urls: Callable[[], str], consumers: Callable[[], Consumer]
) -> None:
    service = district(database_urls())
    cases = record_cases(service, 3, child=True)
    room, township, station = consumers(), consumers(), consumers()
    subscribers = [
        subscriber("room", ROOM_DIRECTOR, room),
        subscriber("township", JUSTICE_OFFICE, township),
        subscriber("station", OFFICER, station),
    ]
    try:
        reports = {s.name: service.relay(s) for s in subscribers}
        assert reports["room"].published == reports["township"].published == 9
        assert reports["station"].published == 0
        assert sorted(reports["station"].passed_over) == cases  # a station's officers read no case file

        full, masked = room.drain(), township.drain()
        assert station.drain() == []
        expected = {f"{case}:{v}" for case in cases for v in (1, 2, 3)}
        for received in (full, masked):
            assert {m.message_id for m in received} == expected
            assert len(received) == 9
            assert in_stream_order(received)
        first = full[0]
        assert first.routing_key == first.body["event_type"] == "case.received"
        assert first.properties.delivery_mode == 2
        assert first.properties.content_type == "application/json"
        assert first.properties.headers["aggregate"] == "case"
        assert first.properties.headers["event_type"] == "case.received"
        assert first.body["message_id"] == first.properties.message_id == f"{first.body['stream_id']}:1"

        def received_text(messages: list, case: str) -> str:  # type: ignore[type-arg]
            return " ".join(str(m.body["body"]) for m in messages if m.body["stream_id"] == case)

        adult_id = resident_id("19800101", 3)  # the second case's applicant
        assert adult_id in received_text(full, cases[1])
        assert adult_id not in received_text(masked, cases[1])
        assert "当事人p1" in received_text(masked, cases[1])  # masked: names stay, numbers do not
        assert {m.body["view"] for m in masked if m.body["stream_id"] == cases[1]} == {"masked"}
        # the child's case: the room reads it in full, the township without anyone's name
        assert "王小明" in received_text(full, cases[0])
        assert CHILD_ID in received_text(full, cases[0])
        assert "王小明" not in received_text(masked, cases[0])
        assert CHILD_ID not in received_text(masked, cases[0])
        assert {m.body["view"] for m in masked if m.body["stream_id"] == cases[0]} == {"withheld"}

        again = service.relay(subscribers[0])
        assert again.published == 0
        service.handle(c.AssignMediator(case_id=cases[2], mediator_id=OTHER_MEDIATOR_ID, on=D0), MEDIATOR)
        assert service.relay(subscribers[0]).published == 1
        [later] = room.drain()
        assert later.message_id == f"{cases[2]}:4"
        assert [lag.events_behind for lag in service.relay_lag(["room", "township"], ADMIN)] == [0, 1]
    finally:
        for s in subscribers:
            s.sink.close()
        service.store.close()


def test_a_broker_restart_loses_nothing_and_the_relay_carries_on(
    sqlite_files: Callable[[], str], consumers: Callable[[], Consumer]
) -> None:
    service = district(sqlite_files())
    cases = record_cases(service, 6)
    consumer = consumers()
    bus = subscriber("bus", ROOM_DIRECTOR, consumer)
    try:
        before = service.relay(bus, limit=3)
        assert before.published == 9
        with broker_stopped():
            during = service.relay(bus)
            assert during.published == 0
            assert len(during.retrying) == 3  # the broker is away: every remaining stream waits to retry
        after = service.relay(bus)
        assert len(after.caught_up) == 3
        received = consumer.drain()  # the nine published before the restart survived it
        kept = deduplicated(received)
        published = before.published + during.published + after.published
        assert {m.message_id for m in kept} == {f"{case}:{v}" for case in cases for v in (1, 2, 3)}
        assert len(kept) == 18
        assert in_stream_order(kept)
        print(
            f"\nbroker restart: events 18, published {published} ({before.published} before the restart, "
            f"{after.published} after), consumed {len(received)}, after de-duplication {len(kept)}"
        )
    finally:
        bus.sink.close()
        service.store.close()


def test_a_relay_killed_mid_batch_publishes_again_and_consumers_keep_each_event_once(
    tmp_path: Path, consumers: Callable[[], Consumer]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    service = district(url)
    cases = record_cases(service, 60)
    service.store.close()
    consumer = consumers()
    config = tmp_path / "subscribers.toml"
    config.write_text(
        f"""
[relay]
first_retry_seconds = 0
claim_seconds = 0

[[subscriber]]
name = "bus"
actor = "room_director:bus-room@{ROOM}"
[subscriber.settings]
url = "env:TEST_AMQP_URL"
exchange = "{consumer.exchange}"
""",
        encoding="utf-8",
    )
    env = {**os.environ, "MEDIATION_SUBSCRIBERS_FILE": str(config), "TEST_AMQP_URL": AMQP_URL}
    command = [str(Path(sys.executable).parent / "mediation"), "relay", "run", "--once", "--db", url]
    published = re.compile(r"^DEBUG mediation_core\.relay: published (\S+) to bus$")

    # the first relay's log goes through a one-page pipe read one byte at a time, so it cannot run
    # more than a page of lines ahead of the reader: it is killed in the middle of the batch
    first = subprocess.Popen([*command, "--log-level", "DEBUG"], env=env, stderr=subprocess.PIPE, bufsize=0)
    assert first.stderr is not None
    fcntl.fcntl(first.stderr.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
    seen_before_kill = 0
    while seen_before_kill < 20:
        line = first.stderr.readline()
        assert line, "the relay stopped before publishing 20 events"
        seen_before_kill += bool(published.match(line.decode().strip()))
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    first.stderr.close()
    assert first.returncode == -signal.SIGKILL

    second = subprocess.run([*command, "--log-level", "DEBUG"], env=env, capture_output=True, timeout=300, check=False)
    assert second.returncode == 0, second.stderr.decode()
    republished = [m.group(1) for line in second.stderr.decode().splitlines() if (m := published.match(line))]

    received = consumer.drain()
    kept = deduplicated(received)
    expected = {f"{case}:{v}" for case in cases for v in (1, 2, 3)}
    assert {m.message_id for m in kept} == expected
    assert len(kept) == len(expected) == 180
    assert in_stream_order(kept)
    assert set(republished) | {m.message_id for m in received[: len(received) - len(republished)]} == expected
    repeats = len(received) - len(kept)
    print(
        f"\nrelay killed mid-batch: events 180; the killed relay's messages in the queue "
        f"{len(received) - len(republished)} (killed after its 20th logged confirm); the second relay "
        f"published {len(republished)}; consumed {len(received)}, repeats dropped {repeats}, "
        f"after de-duplication {len(kept)}"
    )
    reopened = district(url)
    try:
        assert [lag.events_behind for lag in reopened.relay_lag(["bus"], ADMIN)] == [0]
    finally:
        reopened.store.close()


def test_a_stream_that_cannot_be_published_becomes_a_dead_letter_and_is_requeued(
    sqlite_files: Callable[[], str], rabbitmq: str
) -> None:
    service = district(sqlite_files())
    [case] = record_cases(service, 1)
    consumer = Consumer()  # its exchange does not exist yet, and the publisher does not declare it
    bus = subscriber("bus", ROOM_DIRECTOR, consumer, declare="false")
    try:
        for _ in range(RETRY_AT_ONCE.max_attempts - 1):
            assert service.relay(bus).retrying == (case,)
        assert service.relay(bus).dead == (case,)
        [dead] = service.relay_dead_letters(ADMIN)
        assert (dead.subscriber, dead.stream_id, dead.version, dead.status) == ("bus", case, 0, RelayStatus.DEAD)
        assert "NOT_FOUND" in dead.last_error
        assert service.relay(bus).published == 0  # a dead letter waits for a person
        consumer.declare()
        assert service.relay_requeue("bus", [case, "no-such-stream"], ADMIN) == [case]
        assert service.relay(bus).caught_up == (case,)
        assert [m.message_id for m in consumer.drain()] == [f"{case}:1", f"{case}:2", f"{case}:3"]
        assert service.relay_dead_letters(ADMIN) == []
    finally:
        bus.sink.close()
        service.store.close()
        consumer.delete()


def test_the_relay_command_exits_1_while_a_stream_fails_and_lists_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, consumers: Callable[[], Consumer]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    service = district(url)
    [case] = record_cases(service, 1)
    service.store.close()
    consumer = consumers()
    config = tmp_path / "subscribers.toml"
    listening = "amqp://guest:guest@127.0.0.1:5672/%2F"
    with socket.socket() as s:  # a port nobody listens on: the broker is away
        s.bind(("127.0.0.1", 0))
        closed = f"amqp://guest:guest@127.0.0.1:{s.getsockname()[1]}/%2F"
    monkeypatch.setenv("MEDIATION_SUBSCRIBERS_FILE", str(config))
    monkeypatch.setenv("MEDIATION_ACTOR", "administrator:a-li@district")
    subscribers = (
        '[relay]\nfirst_retry_seconds = 0\nspread = 0\n[[subscriber]]\nname = "bus"\n'
        f'actor = "room_director:bus@{ROOM}"\n[subscriber.settings]\nexchange = "{consumer.exchange}"\n'
    )
    config.write_text(subscribers + f'url = "{closed}"\n', encoding="utf-8")
    code, out, _ = run_cli("relay", "run", "--once", "--db", url)
    assert code == 1
    assert "published 0; caught up 0; retrying 1; dead 0" in out
    code, out, _ = run_cli("relay", "status", "--db", url, "--json")
    assert json.loads(out) == [{"subscriber": "bus", "streams_behind": 1, "events_behind": 3, "retrying": 1, "dead": 0}]
    config.write_text(subscribers + f'url = "{listening}"\n', encoding="utf-8")
    code, out, _ = run_cli("relay", "run", "--once", "--db", url)
    assert code == 0
    assert "published 3; caught up 1" in out
    assert [m.message_id for m in consumer.drain()] == [f"{case}:1", f"{case}:2", f"{case}:3"]


def test_a_connection_the_broker_dropped_is_replaced_without_a_failed_attempt(
    sqlite_files: Callable[[], str], consumers: Callable[[], Consumer]
) -> None:
    service = district(sqlite_files())
    first, second = record_cases(service, 2)
    consumer = consumers()
    bus = subscriber("bus", ROOM_DIRECTOR, consumer)
    try:
        assert service.relay(bus, limit=1).caught_up == (first,)
        rabbitmqctl("close_all_connections", "connection dropped by the event relay's test")
        after = service.relay(bus)
        assert (after.caught_up, after.retrying) == ((second,), ())
        kept = deduplicated(consumer.drain())
        assert [m.message_id for m in kept] == [f"{case}:{v}" for case in (first, second) for v in (1, 2, 3)]
    finally:
        bus.sink.close()
        service.store.close()
