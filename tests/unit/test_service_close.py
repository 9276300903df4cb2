"""Closing a service: its store and notifier channels are released once, and any later use is
a clear error, never a silent reconnection."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import ADMIN, D0, MEDIATOR, intake
from mediation_core.app.bootstrap import Config, open_service
from mediation_core.app.delivery import Channel
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.errors import ServiceClosedError
from mediation_core.plugins import Delivery
from mediation_memory import MemoryStore

KEY = "a-deployment-identity-key-of-32-bytes-or-more"


class Closable:
    """A deliverer that holds something open, as an HTTP notifier holds its client."""

    def __init__(self) -> None:
        self.closed = 0

    def __call__(self, delivery: Delivery) -> None:
        pass

    def close(self) -> None:
        self.closed += 1


def test_a_service_opened_in_a_with_block_is_closed_when_it_ends(tmp_path: Path) -> None:
    config = Config(store="sqlite", url=f"sqlite:///{tmp_path / 'county.sqlite3'}", identity_key=KEY)
    with open_service(config) as service:
        service.register(demo_registry(), ADMIN)
        case = service.handle(intake(D0), MEDIATOR)
    assert service.closed
    with pytest.raises(ServiceClosedError, match="the service is closed"):
        service.handle(intake(D0), MEDIATOR)
    with pytest.raises(ServiceClosedError):
        service.ledger(ADMIN)
    with open_service(config) as again:  # what was recorded is there for the next service
        assert [r.case_id for r in again.ledger(ADMIN)] == [case.case_id]


def test_close_releases_the_store_and_every_channel_once(clock: StoryClock) -> None:
    deliverers = [Closable(), Closable()]
    store = MemoryStore()
    service = MediationService(
        store, clock=clock, channels=[Channel(name=f"c{n}", deliver=d) for n, d in enumerate(deliverers)]
    )
    service.close()
    service.close()  # idempotent
    assert [d.closed for d in deliverers] == [1, 1]
    with pytest.raises(Exception, match="closed"):
        store.transaction()
    with pytest.raises(ServiceClosedError):
        service.registry()


def test_a_channel_that_fails_to_close_does_not_keep_the_store_open(clock: StoryClock) -> None:
    class Broken(Closable):
        def close(self) -> None:
            raise OSError("socket already gone")

    store = MemoryStore()
    later = Closable()
    service = MediationService(
        store, clock=clock, channels=[Channel(name="broken", deliver=Broken()), Channel(name="ok", deliver=later)]
    )
    service.close()
    assert later.closed == 1
    with pytest.raises(Exception, match="closed"):
        store.transaction()


def test_an_error_in_the_with_block_still_closes_and_propagates(clock: StoryClock) -> None:
    with pytest.raises(ZeroDivisionError), MediationService(MemoryStore(), clock=clock) as service:
        _ = 1 / 0
    assert service.closed


def test_closing_a_webhook_channel_closes_its_http_client() -> None:
    from mediation_core.app.delivery import NotifierConfig, open_channels
    from mediation_core.plugins import load_plugins

    config = NotifierConfig(name="county-hook", backend="webhook", settings={"url": "http://127.0.0.1:9/notices"})
    (channel,) = open_channels([config], load_plugins(strict=True))
    client = channel.deliver.client  # type: ignore[attr-defined]
    assert not client.is_closed
    channel.close()
    assert client.is_closed
