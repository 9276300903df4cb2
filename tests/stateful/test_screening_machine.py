"""Screening rounds driven through the service in random order against a model: rounds opened
and closed, disputes found with every action, watched ones acted on later, and commands the
rules refuse leaving the stream as it was. After every step the statistics' screening figures
equal the model's count and the stored stream replays to the state the service returned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from builders import ADMIN, MEDIATOR, ROOM, STATION, intake
from mediation_core.app.service import MediationService, event_of
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.screening.commands import ActOnFinding, CloseScreening, RecordFinding, RecordScreening
from mediation_core.domain.screening.decide import SCREENINGS
from mediation_core.domain.screening.kinds import ScreeningAction, ScreeningRisk
from mediation_core.domain.screening.state import ScreeningStatus
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.sources import CaseSource
from mediation_core.plugins.manager import load_plugins
from mediation_memory import MemoryStore

START = dt.date(2026, 3, 2)
WHOLE = Period.parse("2026-03-01..2026-12-31")


class Screenings(RuleBasedStateMachine):
    """The model: per round its date, whether it is closed, and per finding its date and action."""

    rounds = Bundle("rounds")

    def __init__(self) -> None:
        super().__init__()
        self.today = START
        self.serial = 0
        self.service = MediationService(
            MemoryStore(), plugins=load_plugins(autoload=False, strict=True), clock=self.now, new_id=self.next_id
        )
        self.service.register(demo_registry(), ADMIN)
        self.model: dict[str, dict[str, Any]] = {}

    def now(self) -> dt.datetime:
        return dt.datetime.combine(self.today, dt.time(10), CHINA_TZ)

    def next_id(self) -> str:
        self.serial += 1
        return f"id-{self.serial}"

    def refused(self, command: object, stream_id: str) -> None:
        before = self.service.store.read(stream_id)
        with pytest.raises(RuleViolationError):
            self.service.handle(command, MEDIATOR)
        assert self.service.store.read(stream_id) == before

    def target(self, action: ScreeningAction, valid: bool) -> dict[str, Any]:
        """What an action names: a fresh screening case, the station, or nothing; or, when not
        ``valid``, what breaks the rule (a walk-in case, a room for a station, a stray case)."""
        if action is ScreeningAction.MEDIATED:
            source = CaseSource.SCREENING if valid else CaseSource.WALK_IN
            return {"case_id": self.service.handle(intake(self.today, source=source), MEDIATOR).case_id}
        if action is ScreeningAction.HANDED_TO_POLICE:
            return {"station_id": STATION if valid else ROOM}
        return {} if valid else {"station_id": STATION}

    @rule(days=st.integers(0, 10))
    def days_pass(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    @rule(target=rounds, back=st.integers(0, 3))
    def record_round(self, back: int) -> str:
        on = max(START, self.today - dt.timedelta(days=back))
        state = self.service.handle(
            RecordScreening(screening_id="", room_id=ROOM, on=on, area="幸福路社区", screeners=("m-zhang",)), MEDIATOR
        )
        assert state.status is ScreeningStatus.OPEN
        self.model[state.stream_id] = {"on": on, "closed": False, "findings": []}
        return str(state.stream_id)

    @rule(
        screening_id=rounds,
        action=st.sampled_from(ScreeningAction),
        risk=st.sampled_from(ScreeningRisk),
        valid=st.booleans(),
    )
    def find(self, screening_id: str, action: ScreeningAction, risk: ScreeningRisk, valid: bool) -> None:
        model = self.model[screening_id]
        command = RecordFinding(
            screening_id=screening_id,
            on=self.today,
            summary="邻里纠纷",
            risk=risk,
            action=action,
            **self.target(action, valid),
        )
        if model["closed"] or not valid:
            self.refused(command, screening_id)
            return
        state = self.service.handle(command, MEDIATOR)
        model["findings"].append({"on": self.today, "action": action})
        assert state.findings[-1].finding_no == len(model["findings"])

    @rule(
        screening_id=rounds,
        number=st.integers(1, 4),
        action=st.sampled_from(ScreeningAction),
        valid=st.booleans(),
    )
    def act(self, screening_id: str, number: int, action: ScreeningAction, valid: bool) -> None:
        findings = self.model[screening_id]["findings"]
        command = ActOnFinding(
            screening_id=screening_id, finding_no=number, on=self.today, action=action, **self.target(action, valid)
        )
        allowed = (
            valid
            and number <= len(findings)
            and findings[number - 1]["action"] is ScreeningAction.WATCHED
            and action is not ScreeningAction.WATCHED
        )
        if not allowed:
            self.refused(command, screening_id)
            return
        self.service.handle(command, MEDIATOR)
        findings[number - 1]["action"] = action

    @rule(screening_id=rounds)
    def close(self, screening_id: str) -> None:
        model = self.model[screening_id]
        command = CloseScreening(screening_id=screening_id, on=self.today)
        if model["closed"]:
            self.refused(command, screening_id)
            return
        assert self.service.handle(command, MEDIATOR).status is ScreeningStatus.CLOSED
        model["closed"] = True

    @invariant()
    def the_figures_are_the_model_counted(self) -> None:
        figures = self.service.statistics(WHOLE, "district", ADMIN).screening
        found = [f for m in self.model.values() for f in m["findings"]]
        assert figures.rounds == len(self.model)
        assert figures.found == len(found)
        for key, action in (
            ("mediated", ScreeningAction.MEDIATED),
            ("handed_over", ScreeningAction.HANDED_TO_POLICE),
            ("watched", ScreeningAction.WATCHED),
        ):
            assert figures[key] == sum(1 for f in found if f["action"] is action)

    @invariant()
    def every_stream_replays_to_its_document(self) -> None:
        for screening_id, model in self.model.items():
            state = SCREENINGS.replay(screening_id, [event_of(r) for r in self.service.store.read(screening_id)])
            assert state is not None
            assert (state.status is ScreeningStatus.CLOSED) == model["closed"]
            assert [f.action for f in state.findings] == [f["action"] for f in model["findings"]]


def test_screening_short() -> None:
    run_state_machine_as_test(
        Screenings,
        settings=settings(
            max_examples=30, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )


@pytest.mark.slow
def test_screening_long() -> None:
    run_state_machine_as_test(
        Screenings,
        settings=settings(
            max_examples=100, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
