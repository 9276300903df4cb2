"""The RabbitMQ server on this machine for the event relay's tests: a consumer that reads a
durable queue the way a subscriber's consumer would (de-duplicating by message id), and the
broker's restart through ``rabbitmqctl``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pika
import pika.exceptions
from attrs import define, field

AMQP_URL = os.environ.get("MEDIATION_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def connect(attempts: int = 1) -> pika.BlockingConnection:
    """A connection to the test broker; with ``attempts``, waits for it to come back after a
    restart (one second between tries)."""
    parameters = pika.URLParameters(AMQP_URL)
    parameters.socket_timeout = 5
    for n in range(attempts):
        try:
            return pika.BlockingConnection(parameters)
        except pika.exceptions.AMQPConnectionError:
            if n == attempts - 1:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")  # pragma: no cover


@define
class Received:
    message_id: str
    routing_key: str
    body: dict[str, Any]
    properties: pika.BasicProperties


@define
class Consumer:
    """A durable queue bound to every routing key of a durable topic exchange, both named for
    one test, read by ``basic_get`` with acknowledgements."""

    exchange: str = field(factory=lambda: f"mediation.test.{uuid.uuid4().hex[:12]}")
    queue: str = field(factory=lambda: f"mediation.test.{uuid.uuid4().hex[:12]}")

    def declare(self, *, exchange: bool = True) -> None:
        with closing(connect()) as conn:
            channel = conn.channel()
            if exchange:
                channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
            channel.queue_declare(self.queue, durable=True)
            if exchange:
                channel.queue_bind(self.queue, self.exchange, routing_key="#")

    def drain(self) -> list[Received]:
        """Every message in the queue, in queue order, acknowledged."""
        out = []
        with closing(connect()) as conn:
            channel = conn.channel()
            while True:
                method, properties, body = channel.basic_get(self.queue)
                if method is None:
                    return out
                out.append(Received(properties.message_id, method.routing_key, json.loads(body), properties))
                channel.basic_ack(method.delivery_tag)

    def delete(self) -> None:
        with closing(connect()) as conn:
            channel = conn.channel()
            channel.queue_delete(self.queue)
            channel.exchange_delete(self.exchange)


@contextmanager
def closing(conn: pika.BlockingConnection) -> Iterator[pika.BlockingConnection]:
    try:
        yield conn
    finally:
        if conn.is_open:
            conn.close()


def deduplicated(messages: list[Received]) -> list[Received]:
    """What a consumer keeps: the first message of each id (a repeat after a crash is dropped)."""
    seen: set[str] = set()
    kept = []
    for m in messages:
        if m.message_id not in seen:
            seen.add(m.message_id)
            kept.append(m)
    return kept


def rabbitmqctl(*args: str) -> None:
    ctl = shutil.which("rabbitmqctl")
    assert ctl, "rabbitmqctl is not installed: the broker restart test needs it"
    subprocess.run([ctl, *args], check=True, capture_output=True, timeout=120)


@contextmanager
def broker_stopped() -> Iterator[None]:
    """The broker's application stopped (connections dropped, port closed) and started again
    on leaving, durable queues and persistent messages kept."""
    rabbitmqctl("stop_app")
    try:
        yield
    finally:
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup")
        connect(attempts=60).close()
