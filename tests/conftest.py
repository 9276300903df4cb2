"""Shared fixtures: hypothesis profiles, a fixed clock, a small district, services."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, settings

from mediation_core.app.service import MediationService
from mediation_core.domain.actors import Actor, Role
from mediation_core.domain.calendar import CHINA_TZ
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_core.walkthrough import StoryClock, demo_registry
from mediation_memory import MemoryStore

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("fast", max_examples=10, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOM = "pengshanlu-room"
MEDIATOR = Actor(actor_id="m-zhang", role=Role.MEDIATOR, scope_id=ROOM, name="张明")
ADMIN = Actor(actor_id="admin", role=Role.ADMINISTRATOR, scope_id="district")


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
