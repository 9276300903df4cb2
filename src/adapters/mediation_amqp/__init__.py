"""Publishes recorded events to an AMQP 0-9-1 broker (RabbitMQ) for the event relay
(docs/events.md), through pika: persistent messages on a durable topic exchange, each
confirmed by the broker before the relay moves its position on."""
