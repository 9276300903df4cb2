"""The demo through the real service: every command passes the rules, the report counts what the
story drew, and the same seed writes the same case files on any store."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import pytest

from mediation_core.app.bootstrap import Config, open_service
from mediation_core.app.service import MediationService
from mediation_core.demo import PERIOD, DemoError, DemoOutcome, run_demo
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.values.calendar import CHINA_TZ

SMALL = 0.03
KEY = secrets.token_urlsafe(32)


def opened(store: str, url: str = "") -> tuple[MediationService, StoryClock]:
    clock = StoryClock(dt.datetime.combine(PERIOD.start, dt.time(8), CHINA_TZ))
    service = open_service(Config(store=store, url=url, identity_key=KEY), clock=clock)
    return service, clock


def run(seed: int, store: str = "memory", url: str = "") -> tuple[MediationService, DemoOutcome]:
    service, clock = opened(store, url)
    return service, run_demo(service, clock, seed=seed, scale=SMALL)


@pytest.mark.parametrize("seed", [1, 5, 2018])
def test_every_command_of_the_story_passes_the_rules_and_the_report_counts_what_was_drawn(seed: int) -> None:
    from mediation_core.calendars import national_calendar
    from mediation_core.demo import build_district, plan

    targets = plan(seed, build_district(), national_calendar(), SMALL).targets
    service, outcome = run(seed)
    report = outcome.report
    for key in (
        "concluded", "settled", "failed", "difficult", "civil_to_criminal_prevented", "public_order_prevented",
        "mass_incidents_averted", "suicides_prevented",
    ):  # fmt: skip
        assert report[key].cases == targets[key], key
    assert outcome.broken_chains == 0
    assert outcome.returns["missing"] == 1
    assert sum(outcome.grades.values()) == len(service.registry().mediators)
    assert report["settled_on_scene"].cases > 0
    assert {line.key for line in report.by_source} >= {"dispatch_110", "station_transfer", "walk_in"}


def test_the_same_seed_writes_the_same_case_files_on_sqlite_and_in_memory(tmp_path: Path) -> None:
    memory, _ = run(11)
    sqlite, _ = run(11, "sqlite", str(tmp_path / "demo.sqlite3"))
    streams = list(memory.store.stream_ids())
    assert streams == list(sqlite.store.stream_ids())
    for stream_id in streams:
        assert [r.hash for r in memory.store.read(stream_id)] == [r.hash for r in sqlite.store.read(stream_id)]
    assert list(memory.store.ledger()) == list(sqlite.store.ledger())
    sqlite.store.close()


def test_the_demo_refuses_a_store_that_already_holds_records() -> None:
    service, clock = opened("memory")
    run_demo(service, clock, seed=1, scale=0.01)
    with pytest.raises(DemoError, match="empty store"):
        run_demo(service, clock, seed=1, scale=0.01)
