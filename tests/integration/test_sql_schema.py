"""The shipped migrations build exactly the tables the store uses, and upgrading an old
database keeps every case readable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sql_support import assert_every_case_whole, raw, run_cases, service_on

from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import StoreError
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.reporting.rollups import CATEGORY, SOURCE, CellKey, contributions
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.serialization import converter
from mediation_core.testing.scenarios import MEDIATOR, ROOM
from mediation_core.testing.storage import row_for
from mediation_memory import MemoryStore
from mediation_sqlalchemy import migrate, open_sqlalchemy
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.codecs import cell_rows, ledger_codec, registry_rows
from mediation_sqlalchemy.engine import create_engine

FAR = dt.date(2100, 1, 1)


def test_the_ledger_table_has_a_column_for_every_ledger_field() -> None:
    assert [c.name for c in t.ledger.c] == list(ledger_codec().columns)
    assert len(ledger_codec().columns) == len(attrs.fields(LedgerRow))


def test_head_of_the_migrations_is_the_metadata_the_store_uses(database_urls: Callable[[], str]) -> None:
    url = database_urls()
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "version_table": migrate.VERSION_TABLE}
            )
            diffs = compare_metadata(context, t.metadata)
    finally:
        engine.dispose()
    ignored = {"add_table_comment", "remove_table_comment", "modify_comment"}
    assert [d for d in diffs if not (isinstance(d, tuple) and d[0] in ignored)] == []


def test_downgrade_to_nothing_and_up_again(database_urls: Callable[[], str]) -> None:
    url = database_urls()
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    with raw(url) as conn:
        assert set(sa.inspect(conn).get_table_names()) <= {migrate.VERSION_TABLE}
    store = open_sqlalchemy(url)
    try:
        assert list(store.stream_ids()) == []
        assert migrate.current_revision(store.engine) == migrate.head_revision()
    finally:
        store.close()


def test_a_database_of_a_newer_version_is_refused(database_urls: Callable[[], str]) -> None:
    url = database_urls()
    migrate.upgrade(url)
    with raw(url) as conn:
        conn.execute(sa.text(f"UPDATE {migrate.VERSION_TABLE} SET version_num = 'from-the-future'"))
    with pytest.raises(StoreError, match="from-the-future"):
        open_sqlalchemy(url)


def test_a_database_filled_at_the_first_revision_upgrades_with_every_case_intact(
    database_urls: Callable[[], str],
) -> None:
    """Cases written by the first schema (rows made by the service on the memory store and
    inserted into the tables as that revision created them) still replay, verify and match
    their ledger rows after the upgrade to head."""
    source = MemoryStore()
    service = service_on(source)
    closed = run_cases(service, 4)
    run_cases(service, 2, first=4, steps=6)  # two cases still open, with open deadlines

    url = database_urls()
    migrate.upgrade(url, migrate.revisions()[0])
    with raw(url) as conn:
        tables = sa.MetaData()
        tables.reflect(conn)
        _fill(conn, tables, source)
    with pytest.raises(migrate.SchemaOutdatedError, match="run `mediation db upgrade`"):
        open_sqlalchemy(url)  # opening never upgrades a database holding records
    migrate.upgrade(url)
    store = open_sqlalchemy(url)
    try:
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        assert assert_every_case_whole(store) == 6
        assert store.deadlines_due(FAR) == source.deadlines_due(FAR) != []
        assert store.outbox() == source.outbox()
        assert store.registry() == source.registry()
        assert sorted(store.rollups()) == sorted(source.rollups()) != []  # filled from the stored rows
        upgraded = service_on(store)
        assert upgraded.case_file(closed[0], MEDIATOR).state.status is CaseStatus.ARCHIVED
        run_cases(upgraded, 1, first=6)  # and the upgraded database takes new cases
        assert store.ledger_row("case-00006").number == "（2026）彭调人调字第007号"  # type: ignore[union-attr]
    finally:
        store.close()


def _fill(conn: sa.Connection, tables: sa.MetaData, source: MemoryStore) -> None:
    """Insert the memory store's contents into the tables as reflected from the database,
    keeping only the columns that this revision has."""

    def insert(name: str, rows: list[dict[str, Any]]) -> None:
        table = tables.tables[name]
        if rows:
            conn.execute(table.insert(), [{k: v for k, v in r.items() if k in table.c} for r in rows])

    codec, conv = ledger_codec(), converter()
    streams, events, ledger, keys, deadlines = [], [], [], [], []
    for stream_id in source.stream_ids():
        records = source.read(stream_id)
        head = records[-1]
        streams.append(
            {"stream_id": stream_id, "version": head.version, "head_hash": head.hash, "updated_at": head.recorded_at}
        )
        events += [{**attrs.asdict(r), "body": dict(r.body)} for r in records]
        row = source.ledger_row(stream_id)
        assert row is not None
        ledger.append(codec.encode(row))
        keys += [{"party_key": k, "case_id": stream_id} for k in row.party_keys]
    open_deadlines: dict[str, list[Deadline]] = {}
    for stream_id, d in source.deadlines_due(FAR):
        open_deadlines.setdefault(stream_id, []).append(d)
    for stream_id, found in open_deadlines.items():
        for position, d in enumerate(found, start=1):
            deadlines.append({**attrs.asdict(d), "kind": d.kind.value, "stream_id": stream_id, "position": position})
    insert("streams", streams)
    insert("events", events)
    insert("ledger", ledger)
    insert("ledger_party_keys", keys)
    insert("deadlines", deadlines)
    insert(
        "outbox",
        [
            {
                "key": e.notice.key,
                "kind": e.notice.kind.value,
                "case_id": e.notice.case_id,
                "notice": conv.unstructure(e.notice),
                "created_at": e.created_at,
                "status": e.status.value,
                "attempts": e.attempts,
                "next_attempt_at": e.next_attempt_at,
                "last_error": e.last_error,
            }
            for e in source.outbox()
        ],
    )
    insert("registry", registry_rows(source.registry()))
    last = max(int(r.number[-4:-1]) for r in source.ledger() if r.number)
    insert("numbers", [{"series": ROOM, "year": 2026, "last": last}])


def test_revision_0004_recounts_the_prevention_figures_and_its_downgrade_restores_the_old_rule(
    database_urls: Callable[[], str],
) -> None:
    """At 0003 the two figures counted settled cases with the risk flagged; 0004 counts recorded
    preventions, of which an old database has none, so their cells go; going back restores them."""
    url = database_urls()
    migrate.upgrade(url, "0003")
    row = row_for(
        "old-1",
        3,
        ROOM,
        status=CaseStatus.ARCHIVED,
        outcome=Outcome.SETTLED,
        concluded_on=dt.date(2026, 3, 9),
        civil_to_criminal_persons=4,
        mass_incident_persons=20,
    )
    old_cells = {
        key: tally
        for key, tally in contributions(row).items()
        if key.figure not in {"civil_to_criminal_prevented", "mass_incidents_averted"}
    }
    for figure, persons in (("civil_to_criminal_prevented", 4), ("mass_incidents_averted", 20)):
        for axis, value in ((CATEGORY, row.category), (SOURCE, row.source)):
            old_cells[CellKey(ROOM, "2026-03", axis, value, figure)] = Tally(
                cases=1, persons=persons, amount=row.amount_involved
            )
    with raw(url) as conn:
        tables = sa.MetaData()
        tables.reflect(conn)
        ledger = tables.tables["ledger"]
        stream = {"stream_id": row.case_id, "version": 3, "head_hash": "h", "updated_at": dt.datetime(2026, 3, 9)}
        conn.execute(tables.tables["streams"].insert(), [stream])
        conn.execute(ledger.insert(), [{k: v for k, v in ledger_codec().encode(row).items() if k in ledger.c}])
        conn.execute(tables.tables["statistics_cells"].insert(), cell_rows(old_cells))

    def figures() -> dict[str, int]:
        with raw(url) as conn:
            found = conn.execute(sa.text("SELECT figure, SUM(cases) FROM statistics_cells GROUP BY figure")).all()
        return {str(f): int(n) for f, n in found}

    assert figures()["civil_to_criminal_prevented"] == 2  # one case, on the category and the source axis
    migrate.upgrade(url)
    assert "civil_to_criminal_prevented" not in figures()
    assert "mass_incidents_averted" not in figures()
    assert figures()["settled"] == 2
    migrate.downgrade(url, "0003")
    assert figures()["civil_to_criminal_prevented"] == 2
    assert figures()["mass_incidents_averted"] == 2
