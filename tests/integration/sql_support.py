"""Helpers for the SQL store's tests: cases made through the real service, raw table access."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from mediation_core.app.ports import Store, recorded_streams
from mediation_core.app.service import MediationService, replay_records
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.reporting.ledger import ledger_row
from mediation_core.domain.reporting.repeats import PartyKeyer
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy.engine import create_engine

IDENTITY_KEY = b"test-identity-key"


def service_on(store: Store, clock: sc.ScriptClock | None = None) -> MediationService:
    """A service over ``store`` with the demo district registered."""
    svc = MediationService(store, clock=clock or sc.ScriptClock(), identity_key=IDENTITY_KEY)
    svc.register(demo_registry(), sc.ADMIN)
    return svc


def run_cases(service: MediationService, count: int, *, first: int = 0, steps: int | None = None) -> list[str]:
    """Run ``count`` case lifecycles (the first ``steps`` commands of each, or all)."""
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    ids = []
    for n in range(first, first + count):
        case_id = f"case-{n:05d}"
        sc.run(service.handle, clock, sc.lifecycle(case_id, serial=n)[:steps])
        ids.append(case_id)
    return ids


def assert_every_case_whole(store: Store) -> int:
    """Every stored case replays, its chain verifies and its ledger row is its projection;
    return how many cases there are."""
    assert store.verify() == []
    keyer = PartyKeyer(key=IDENTITY_KEY)
    count = 0
    for case_id in recorded_streams(store):  # not the identity key's empty fingerprint streams
        records = store.read(case_id)
        state = replay_records(case_id, records)
        assert state is not None
        assert state.version == len(records)
        assert store.ledger_row(case_id) == ledger_row(state, keyer)
        count += 1
    return count


@contextmanager
def raw(url: str) -> Iterator[sa.Connection]:
    """A plain connection to the database, for reading or tampering with rows directly."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()
