"""Shared fixtures: hypothesis profiles, a fixed clock, a small district, services."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from builders import ADMIN
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_memory import MemoryStore

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("fast", max_examples=10, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def plugins() -> Plugins:
    """The core's defaults only: tests never auto-load installed plugins."""
    return load_plugins(autoload=False, strict=True)


@pytest.fixture
def clock() -> StoryClock:
    return StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=CHINA_TZ))


@pytest.fixture
def service(plugins: Plugins, clock: StoryClock) -> MediationService:
    ids = (f"case-{n}" for n in range(1, 10**6))
    svc = MediationService(MemoryStore(), plugins=plugins, clock=clock, new_id=ids.__next__)
    svc.register(demo_registry(), ADMIN)
    return svc


# -- databases ---------------------------------------------------------------------------------
POSTGRES_URL = os.environ.get("MEDIATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _unavailable(reason: str) -> None:
    """Skip with the reason, except in CI, where a missing server is a failure."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The test server's URL, after checking that it answers."""
    try:
        import psycopg
    except ImportError as exc:
        _unavailable(f"the PostgreSQL driver is not installed ({exc}); install mediation-core[postgres]")
    base = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(base, connect_timeout=5).close()
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL at {POSTGRES_URL} is not reachable: {str(exc).strip()}")
    return POSTGRES_URL


@pytest.fixture
def postgres_schemas(postgres_server: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty schemas: each call returns a URL whose connections use a
    new schema of their own, dropped after the test, so tests never see each other's rows."""
    import sqlalchemy as sa

    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def new() -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        created.append(name)
        joiner = "&" if "?" in postgres_server else "?"
        return f"{postgres_server}{joiner}options=-csearch_path%3D{name}"

    yield new
    with admin.connect() as conn:
        for name in created:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    admin.dispose()


@pytest.fixture
def sqlite_files(tmp_path: Path) -> Callable[[], str]:
    """A factory of fresh database files (never ``:memory:``)."""
    paths = (tmp_path / f"store-{n}.sqlite3" for n in itertools.count())
    return lambda: f"sqlite:///{next(paths)}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_urls(request: pytest.FixtureRequest) -> Callable[[], str]:
    """Fresh databases on each backend: a file on SQLite, a schema on PostgreSQL."""
    if request.param == "sqlite":
        factory: Callable[[], str] = request.getfixturevalue("sqlite_files")
    else:
        factory = request.getfixturevalue("postgres_schemas")
    return factory


@pytest.fixture
def every_log_record() -> Iterator[list[logging.LogRecord]]:
    """Every record any logger emits, at every level, as a handler on the root logger receives it."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    handler, level = Keep(logging.DEBUG), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
