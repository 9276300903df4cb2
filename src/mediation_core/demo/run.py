"""Running the demo: the plan's commands through the service, day by day, then the outputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from itertools import groupby

from mediation_core.app.service import MediationService
from mediation_core.demo.district import ADMIN, District
from mediation_core.demo.plan import Plan, Step
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.errors import DomainError

Progress = Callable[[int, int], None]
"""Called with (steps done, steps in all) as the story runs."""


class DemoError(Exception):
    """The story broke a rule: a defect of the demo, reported with the step that failed."""


def days_of(plan: Plan) -> Iterator[tuple[dt.date, list[Step]]]:
    for day, steps in groupby(plan.steps, key=lambda s: s.day):
        yield day, list(steps)


def play(
    service: MediationService, clock: StoryClock, district: District, plan: Plan, progress: Progress | None = None
) -> None:
    """Register the district and run every step of the story, in time order: one unit of work per
    day of the story (the bulk path), every command through the service's one loop and its rules.
    A refused step is a defect of the story and stops the run (that day's unit is rolled back)."""
    clock.now = plan.steps[0].at
    service.register(district.registry, ADMIN)
    done = 0
    for _, steps in days_of(plan):
        with service.bulk() as batch:
            for step in steps:
                clock.now = step.at
                try:
                    batch.handle(step.command, step.actor)
                except DomainError as exc:
                    msg = f"step {step.seq} at {step.at:%Y-%m-%d %H:%M} ({type(step.command).__name__}): {exc}"
                    raise DemoError(msg) from exc
        done += len(steps)
        if progress is not None:
            progress(done, len(plan.steps))
    clock.now = plan.end
