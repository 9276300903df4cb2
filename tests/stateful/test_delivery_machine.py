"""Whatever the outages, the outbox loses nothing and each channel gets each notice once."""

from __future__ import annotations

import datetime as dt

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from mediation_core.app.delivery import Channel, DeliveryPolicy, deliver_pending
from mediation_core.app.ports import DeliveryStatus
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.values.notices import Notice, NoticeKind, Recipient
from mediation_core.plugins.types import Delivery
from mediation_core.testing.storage import T0, append
from mediation_memory import MemoryStore

CHANNELS = ("mail", "robot", "sms")
POLICY = DeliveryPolicy(max_attempts=4, first_retry_seconds=60, factor=2, max_backoff_seconds=600, spread=0.1)


class Receiver:
    def __init__(self, name: str) -> None:
        self.name = name
        self.up = True
        self.got: list[str] = []

    def __call__(self, delivery: Delivery) -> None:
        if not self.up:
            raise ConnectionError(f"{self.name} down")
        self.got.append(delivery.key)


class DeliveryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryStore()
        self.store.save_registry(demo_registry())
        self.receivers = {name: Receiver(name) for name in CHANNELS}
        self.channels = [Channel(name=n, deliver=r) for n, r in self.receivers.items()]
        self.now = T0
        self.keys: list[str] = []

    @rule(count=st.integers(1, 3))
    def record_notices(self, count: int) -> None:
        case_id = f"c{len(self.keys)}"
        notices = [
            Notice(
                key=f"{case_id}:{n}",
                kind=NoticeKind.ESCALATION_RISK,
                subject="风险",
                body="…",
                recipients=(Recipient(role="station_liaison", org_id="pengshanlu-room"),),
                case_id=case_id,
            )
            for n in range(count)
        ]
        append(self.store, case_id, [{"n": 1}], notices=notices)
        self.keys += [n.key for n in notices]

    @rule(name=st.sampled_from(CHANNELS), up=st.booleans())
    def switch(self, name: str, up: bool) -> None:
        self.receivers[name].up = up

    @rule(minutes=st.integers(0, 120))
    def wait(self, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)

    @rule()
    def deliver(self) -> None:
        deliver_pending(self.store, self.channels, self.now, POLICY)

    @rule()
    def recover_everything(self) -> None:
        """Every receiver comes back, the dead letters are requeued, and the outbox drains."""
        from mediation_core.app.delivery import requeue

        for receiver in self.receivers.values():
            receiver.up = True
        requeue(self.store, [e.notice.key for e in self.store.outbox(DeliveryStatus.DEAD)], self.now)
        for _ in range(POLICY.max_attempts + 1):
            self.now += dt.timedelta(hours=1)
            deliver_pending(self.store, self.channels, self.now, POLICY)
        assert self.store.outbox(DeliveryStatus.PENDING) == []
        assert self.store.outbox(DeliveryStatus.DEAD) == []
        for receiver in self.receivers.values():
            assert sorted(receiver.got) == sorted(self.keys)

    @invariant()
    def nothing_is_lost_or_repeated(self) -> None:
        entries = {e.notice.key: e for e in self.store.outbox()}
        assert sorted(entries) == sorted(self.keys)
        for receiver in self.receivers.values():
            assert len(receiver.got) == len(set(receiver.got))
        for key, entry in entries.items():
            got_it = {n for n, r in self.receivers.items() if key in r.got}
            assert got_it == set(entry.delivered_by)
            assert (entry.status is DeliveryStatus.DELIVERED) == (got_it == set(CHANNELS))
            assert entry.attempts <= POLICY.max_attempts


def test_outages_lose_nothing_and_repeat_nothing() -> None:
    run_state_machine_as_test(DeliveryMachine, settings=settings(max_examples=40, stateful_step_count=30))
