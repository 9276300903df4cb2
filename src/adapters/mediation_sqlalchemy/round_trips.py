"""Counting the round trips a store makes to PostgreSQL, from the wire.

What a command costs on PostgreSQL is mostly how often the client waits for the server, not
how many statements it sends (ADR 0018). :class:`RoundTrips` has libpq write every protocol
message of the engine's connections to a trace (so the module needs psycopg) (libpq's own ``PQtrace``) and counts the
round trips in it: each run of messages the client sends that is followed by the server's
answers is one wait. A pipeline of many statements is one; ``BEGIN`` sent on its own is
one. The tests hold the command path to its budget with it, and the benchmark reports it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import sqlalchemy as sa
from psycopg import pq
from sqlalchemy import event


def count_round_trips(trace: str) -> int:
    """The round trips in a libpq trace: how many times a message from the client (``F``)
    is followed by one from the server (``B``)."""
    trips, sent = 0, False
    for line in trace.splitlines():
        direction = line.split("\t", 1)[0]
        if direction == "F":
            sent = True
        elif direction == "B" and sent:
            trips, sent = trips + 1, False
    return trips


class RoundTrips:
    """The round trips of an engine's PostgreSQL connections, counted per block::

        trips = RoundTrips(store.engine)
        with trips.counting() as counted:
            service.handle(command, actor)
        counted.value  # round trips the command made

    Each connection is traced from its next checkout on (libpq's trace, Linux builds of
    libpq). Not for production: the trace costs time on every message."""

    def __init__(self, engine: sa.Engine) -> None:
        if engine.dialect.name != "postgresql":
            msg = "round trips are counted on PostgreSQL engines only"
            raise ValueError(msg)
        if not sys.platform.startswith("linux"):
            msg = "libpq traces to a file on Linux only"
            raise NotImplementedError(msg)
        self._engine = engine
        self._files: dict[int, IO[bytes]] = {}
        self._traced: dict[int, Any] = {}
        self._on = False
        event.listen(engine, "checkout", self._checkout)

    def _checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if not self._on or id(dbapi_connection) in self._traced:
            return
        trace = tempfile.TemporaryFile()  # noqa: SIM115 - kept open until collected
        pgconn = dbapi_connection.pgconn
        pgconn.trace(os.dup(trace.fileno()))  # libpq closes its copy when untraced
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        self._files[id(dbapi_connection)] = trace
        self._traced[id(dbapi_connection)] = pgconn

    @contextmanager
    def counting(self) -> Iterator[Counted]:
        """Count the round trips made inside the block (set on ``value`` when it ends)."""
        counted = Counted()
        self._on = True
        try:
            yield counted
        finally:
            self._on = False
            counted.value = self._collect()

    def _collect(self) -> int:
        total = 0
        for key, pgconn in self._traced.items():
            pgconn.untrace()  # flushes and closes libpq's copy of the file
            trace = self._files[key]
            trace.seek(0)
            total += count_round_trips(trace.read().decode("utf-8", "replace"))
            trace.close()
        self._traced.clear()
        self._files.clear()
        return total

    def close(self) -> None:
        event.remove(self._engine, "checkout", self._checkout)


class Counted:
    """The round trips of one :meth:`RoundTrips.counting` block, once it has ended."""

    value: int = 0
