"""Anonymising archived case files after their retention period (docs/legal-basis.md §9 rule 38).

Cases with generated parties run intake to archive; any subset of them is anonymised ten
years on. The statistics (the reference report over the ledger rows, the service's report and
the returns' filing status) are the same before and after; each anonymised case still replays,
verifies and matches its ledger row; and no original ID number, phone number or name is left
in the store's rows of that case, read through the store and, for SQLite, from the tables.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation_core.app.ports import Store
from mediation_core.app.service import MediationService, replay_records
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.reporting.ledger import ledger_row
from mediation_core.domain.reporting.statistics import report
from mediation_core.domain.statistical_return.commands import SubmitReturn
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.parties import NaturalPerson, Side
from mediation_core.domain.values.periods import Period
from mediation_core.testing import scenarios as sc
from mediation_core.testing.strategies import names, resident_ids
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy

TEN_YEARS_ON = dt.datetime(2036, 7, 1, 10, tzinfo=CHINA_TZ)
YEAR = Period.year(2026)
phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@st.composite
def people(draw: st.DrawFn) -> tuple[NaturalPerson, NaturalPerson]:
    born = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2000, 12, 31))
    ids = draw(st.lists(resident_ids(born), min_size=2, max_size=2, unique=True))
    return tuple(  # type: ignore[return-value]
        NaturalPerson(
            party_id=f"p{i + 1}",
            side=(Side.APPLICANT, Side.RESPONDENT)[i],
            name=draw(names),
            id_number=ids[i],
            phone=draw(phones),
            address=f"幸福路{i + 1}号",
        )
        for i in range(2)
    )


def script(case_id: str, serial: int, parties: tuple[NaturalPerson, NaturalPerson]) -> sc.Script:
    """The lifecycle with these parties, their names, ID and phone numbers in the free text too."""
    a, b = parties
    out = []
    for moment, scripted in sc.lifecycle(case_id, serial=serial):
        command = scripted
        if isinstance(command, c.ReceiveDispute):
            summary = f"{a.name}（{a.id_number}，{a.phone}）与{b.name}因排水沟发生争执"
            command = attrs.evolve(command, parties=parties, summary=summary)
        elif isinstance(command, c.DraftWrittenAgreement):
            facts = f"{b.name}堵塞排水沟，{a.name}联系电话{a.phone}"
            command = attrs.evolve(command, terms=attrs.evolve(command.terms, facts=facts))
        elif isinstance(command, c.HoldSession):
            command = attrs.evolve(command, summary=f"{a.name}、{b.name}同意协商")
        out.append((moment, command))
    return out


def figures(service: MediationService) -> tuple[Any, ...]:
    rows = list(service.store.ledger())
    registry = service.registry()
    return (
        report(rows, YEAR, "district", registry, service.categories),
        service.statistics(YEAR, "district", sc.ADMIN),
        service.statistics(YEAR, sc.ROOM, sc.ADMIN),
        service.filings(YEAR, "district", sc.ADMIN),
    )


def personal_strings(parties: tuple[NaturalPerson, ...]) -> set[str]:
    return {s for p in parties for s in (p.name, p.id_number, p.phone, p.address)}


def leaks(texts: list[str], secrets: set[str]) -> list[str]:
    return sorted(s for s in secrets for t in texts if s in t)


def store_texts(store: Store, case_id: str) -> list[str]:
    rows = [json.dumps(r.body, ensure_ascii=False) for r in store.read(case_id)]
    rows.append(repr(store.ledger_row(case_id)))
    return rows


def raw_texts(path: Path, case_id: str) -> list[str]:
    """Every row of every table that names the case, as the database file holds it."""
    with sqlite3.connect(path) as conn:
        out = []
        for table, column in (("events", "stream_id"), ("ledger", "case_id"), ("ledger_party_keys", "case_id")):
            out += [repr(row) for row in conn.execute(f"SELECT * FROM {table} WHERE {column} = ?", (case_id,))]
        out += [repr(row) for row in conn.execute("SELECT * FROM documents")]
        return out


@contextmanager
def memory() -> Iterator[tuple[Store, Callable[[str], list[str]]]]:
    yield MemoryStore(), lambda case_id: []


@contextmanager
def sqlite_file() -> Iterator[tuple[Store, Callable[[str], list[str]]]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.sqlite"
        store = open_sqlalchemy(f"sqlite:///{path}")
        try:
            yield store, lambda case_id: raw_texts(path, case_id)
        finally:
            store.close()


def check(opened: Callable[[], Any], cases: list[tuple[NaturalPerson, NaturalPerson]], chosen: set[int]) -> None:
    with opened() as (store, raw):
        clock = sc.ScriptClock()
        service = MediationService(store, clock=clock, identity_key=b"k" * 32)
        service.register(demo_registry(), sc.ADMIN)
        for n, parties in enumerate(cases):
            sc.run(service.handle, clock, script(f"case-{n}", n, parties))
        clock.now = dt.datetime(2026, 7, 2, 10, tzinfo=CHINA_TZ)
        service.handle(SubmitReturn(org_id=sc.ROOM, period=Period.month(2026, 5), on=dt.date(2026, 7, 2)), sc.MEDIATOR)
        clock.now = TEN_YEARS_ON
        before = figures(service)
        for n in sorted(chosen):
            service.handle(c.AnonymiseParties(case_id=f"case-{n}", on=TEN_YEARS_ON.date()), sc.ADMIN)
        assert figures(service) == before
        assert store.verify() == []
        for n, parties in enumerate(cases):
            case_id = f"case-{n}"
            state = replay_records(case_id, store.read(case_id))
            assert state is not None
            assert ledger_row(state, service.party_keyer) == store.ledger_row(case_id)
            secrets = personal_strings(parties)
            found = leaks(store_texts(store, case_id) + raw(case_id), secrets)
            if n in chosen:
                assert found == [], f"{case_id} still holds {found}"
                assert state.anonymised_on == TEN_YEARS_ON.date()
            else:
                assert found != []  # the others keep their parties until their turn


case_lists = st.lists(people(), min_size=1, max_size=3)


@given(data=st.data(), cases=case_lists)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_anonymising_any_archived_cases_keeps_the_statistics_and_leaves_no_personal_data(
    data: st.DataObject, cases: list[tuple[NaturalPerson, NaturalPerson]]
) -> None:
    chosen = data.draw(st.sets(st.integers(0, len(cases) - 1)))
    check(memory, cases, chosen)


@given(data=st.data(), cases=case_lists)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_sql_store_keeps_no_personal_data_of_an_anonymised_case_in_its_tables(
    data: st.DataObject, cases: list[tuple[NaturalPerson, NaturalPerson]]
) -> None:
    chosen = data.draw(st.sets(st.integers(0, len(cases) - 1), min_size=1))
    check(sqlite_file, cases, chosen)
