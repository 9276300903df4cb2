"""verify() finds the first broken link of a case file tampered with in the database itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sql_support import raw, run_cases, service_on

from mediation_core.records import ChainBreak
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.store import SqlStore

ev = t.events.c


@pytest.fixture
def filed(database_urls: Callable[[], str]) -> Iterator[tuple[str, SqlStore]]:
    """Three archived cases in a fresh database, and the store over it."""
    url = database_urls()
    store = open_sqlalchemy(url)
    run_cases(service_on(store), 3)
    assert store.verify() == []
    yield url, store
    store.close()


def only(breaks: list[ChainBreak]) -> tuple[str, int]:
    (found,) = breaks
    return found.stream_id, found.position


def test_an_edited_body_is_found_at_its_position(filed: tuple[str, SqlStore]) -> None:
    url, store = filed
    with raw(url) as conn:
        body = conn.execute(sa.select(ev.body).where(ev.stream_id == "case-00001", ev.version == 5)).scalar_one()
        conn.execute(
            sa.update(t.events)
            .where(ev.stream_id == "case-00001", ev.version == 5)
            .values(body={**body, "on": "2026-01-01"})
        )
    (found,) = store.verify()
    assert (found.stream_id, found.position) == ("case-00001", 5)
    assert "edited" in found.reason


def test_an_edited_envelope_is_found_too(filed: tuple[str, SqlStore]) -> None:
    url, store = filed
    with raw(url) as conn:
        edit = sa.update(t.events).where(ev.stream_id == "case-00002", ev.version == 2)
        conn.execute(edit.values(actor="mediator:someone-else"))
    assert only(store.verify()) == ("case-00002", 2)


def test_a_deleted_event_is_found_where_it_is_missing(filed: tuple[str, SqlStore]) -> None:
    url, store = filed
    with raw(url) as conn:
        conn.execute(sa.delete(t.events).where(ev.stream_id == "case-00000", ev.version == 7))
    (found,) = store.verify()
    assert (found.stream_id, found.position) == ("case-00000", 7)
    assert "deleted or reordered" in found.reason


def test_a_deleted_last_event_is_found_against_the_stream_head(filed: tuple[str, SqlStore]) -> None:
    url, store = filed
    last = len(store.read("case-00002"))
    with raw(url) as conn:
        conn.execute(sa.delete(t.events).where(ev.stream_id == "case-00002", ev.version == last))
    (found,) = store.verify()
    assert (found.stream_id, found.position) == ("case-00002", last)
    assert "deleted" in found.reason


def test_two_swapped_events_are_found_at_the_first_of_them(filed: tuple[str, SqlStore]) -> None:
    url, store = filed
    with raw(url) as conn:
        for old, new in ((3, -3), (4, 3), (-3, 4)):
            conn.execute(sa.update(t.events).where(ev.stream_id == "case-00001", ev.version == old).values(version=new))
    assert only(store.verify()) == ("case-00001", 3)


def test_an_event_added_behind_the_store_is_found(filed: tuple[str, SqlStore]) -> None:
    url, store = filed
    last = store.read("case-00000")[-1]
    with raw(url) as conn:
        conn.execute(
            sa.insert(t.events).values(
                stream_id=last.stream_id,
                version=last.version + 1,
                event_type=last.event_type,
                schema_version=last.schema_version,
                body=dict(last.body),
                recorded_at=last.recorded_at,
                actor=last.actor,
                prev_hash=last.hash,
                hash="0" * 64,
            )
        )
    assert only(store.verify()) == ("case-00000", last.version + 1)


def test_every_broken_stream_is_reported_once_in_stream_order(filed: tuple[str, SqlStore]) -> None:
    url, store = filed
    with raw(url) as conn:
        conn.execute(sa.update(t.events).where(ev.stream_id == "case-00002", ev.version == 1).values(actor="x"))
        conn.execute(sa.update(t.events).where(ev.stream_id == "case-00000", ev.version >= 9).values(actor="x"))
    assert [(b.stream_id, b.position) for b in store.verify()] == [("case-00000", 9), ("case-00002", 1)]
