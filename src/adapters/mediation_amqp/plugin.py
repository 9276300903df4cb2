"""Registers the AMQP publisher. Importing this module imports no broker client."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mediation_core.plugins import hookimpl
from mediation_core.plugins.types import EventSink, Publisher

SETTINGS = ("url", "exchange", "declare", "queue", "mandatory", "timeout")


def open_amqp(settings: Mapping[str, str]) -> EventSink:
    from mediation_amqp.publisher import AmqpSink  # noqa: PLC0415 - pika only once a subscriber is opened

    return AmqpSink.from_settings(settings)


@hookimpl
def mediation_publishers() -> Iterator[Publisher]:
    yield Publisher(
        name="amqp",
        open=open_amqp,
        description="An AMQP 0-9-1 broker (RabbitMQ): a durable topic exchange, persistent messages, "
        "publisher confirms.",
        requires=("pika",),
        extra="amqp",
        settings=SETTINGS,
    )
