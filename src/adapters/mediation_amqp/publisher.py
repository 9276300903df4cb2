"""The AMQP publisher: one blocking pika connection per subscriber, in confirm mode.

Each message is published with ``mandatory`` set (unless the settings say otherwise) and
``basic_publish`` returns only when the broker has confirmed it: a message the broker could not
route to any queue, or refused, raises, and the relay keeps its position and retries. Any
failure drops the connection, so the next publication (after a broker restart, say) connects
afresh.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import pika
import pika.exceptions
from attrs import define, field

from mediation_core.plugins.types import EventMessage, PublishError

STALE = (
    pika.exceptions.StreamLostError,
    pika.exceptions.ConnectionWrongStateError,
    pika.exceptions.ChannelWrongStateError,
    pika.exceptions.ConnectionClosed,
)
"""What publishing on a connection the broker has dropped meanwhile raises."""

TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}


def _flag(settings: Mapping[str, str], name: str, default: bool) -> bool:
    value = settings.get(name, "").strip().lower()
    if not value:
        return default
    if value not in TRUE | FALSE:
        msg = f"setting {name!r} must be true or false, got {value!r}"
        raise ValueError(msg)
    return value in TRUE


@define
class AmqpSink:
    """Publishes to ``exchange`` at the broker ``url`` (``amqp://user:password@host:5672/vhost``).

    ``declare``: declare the exchange (a durable topic exchange) on connecting; off, it must
    exist. ``queue``: also declare this durable queue and bind it to every routing key, so that
    nothing published is lost before its consumer first connects. ``mandatory``: a message no
    queue is bound for is an error, not dropped."""

    parameters: pika.URLParameters = field(repr=False)
    exchange: str
    declare: bool = True
    queue: str = ""
    mandatory: bool = True
    _connection: pika.BlockingConnection | None = field(default=None, repr=False)
    _channel: pika.adapters.blocking_connection.BlockingChannel | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> AmqpSink:
        url = settings.get("url", "").strip()
        if not url.startswith(("amqp://", "amqps://")):
            msg = "setting 'url' must be an AMQP URL (amqp://user:password@host:5672/vhost)"
            raise ValueError(msg)
        exchange = settings.get("exchange", "").strip()
        if not exchange:
            msg = "setting 'exchange' is required (the topic exchange the events are published to)"
            raise ValueError(msg)
        try:
            timeout = float(settings.get("timeout", "10") or "10")
        except ValueError:
            msg = f"setting 'timeout' must be a number of seconds, got {settings.get('timeout')!r}"
            raise ValueError(msg) from None
        parameters = pika.URLParameters(url)
        parameters.socket_timeout = timeout
        parameters.blocked_connection_timeout = timeout
        parameters.connection_attempts = 1
        return cls(
            parameters=parameters,
            exchange=exchange,
            declare=_flag(settings, "declare", default=True),
            queue=settings.get("queue", "").strip(),
            mandatory=_flag(settings, "mandatory", default=True),
        )

    def _open(self) -> pika.adapters.blocking_connection.BlockingChannel:
        if self._channel is not None and self._channel.is_open:
            return self._channel
        self.close()
        self._connection = pika.BlockingConnection(self.parameters)
        channel = self._connection.channel()
        if self.declare:
            channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
        if self.queue:
            channel.queue_declare(self.queue, durable=True)
            channel.queue_bind(self.queue, self.exchange, routing_key="#")
        channel.confirm_delivery()
        self._channel = channel
        return channel

    def publish(self, message: EventMessage) -> None:
        properties = pika.BasicProperties(
            message_id=message.message_id,
            content_type=message.content_type,
            content_encoding="utf-8",
            delivery_mode=pika.DeliveryMode.Persistent,
            type=str(message.headers.get("event_type", "")),
            app_id="mediation_core",
            headers=dict(message.headers),
        )
        try:
            if self._channel is not None and self._channel.is_open:
                try:
                    self._channel.basic_publish(
                        self.exchange, message.routing_key, message.body, properties, mandatory=self.mandatory
                    )
                except STALE:
                    # the broker dropped a connection that sat idle (missed heartbeats, a restart):
                    # connect again and publish once more; a repeat is dropped by its message id
                    self.close()
                else:
                    return
            channel = self._open()
            channel.basic_publish(
                self.exchange, message.routing_key, message.body, properties, mandatory=self.mandatory
            )
        except pika.exceptions.UnroutableError:
            self.close()
            msg = f"no queue is bound to exchange {self.exchange!r} for {message.routing_key!r}"
            raise PublishError(msg) from None
        except pika.exceptions.NackError:
            self.close()
            msg = f"the broker refused the message (nack) on exchange {self.exchange!r}"
            raise PublishError(msg) from None
        except pika.exceptions.AMQPError as exc:
            self.close()
            msg = f"{type(exc).__name__}: {exc}"
            raise PublishError(msg) from exc
        except OSError as exc:
            self.close()
            msg = f"cannot reach the broker: {exc}"
            raise PublishError(msg) from exc

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            with contextlib.suppress(pika.exceptions.AMQPError, OSError):  # the connection is gone already
                connection.close()
