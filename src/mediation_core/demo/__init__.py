"""The demo district: half a year of a synthetic district's work, through the public service API.

:func:`run_demo` draws the story for a seed (:mod:`mediation_core.demo.plan`), runs every
command through the service with a clock that follows the story, and returns the
coordination-centre report beside the source report's figures. The same seed gives the same
district, the same commands and the same report.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from attrs import frozen

from mediation_core.app.bootstrap import DEMO_IDENTITY_KEY
from mediation_core.app.ports import recorded_streams
from mediation_core.app.service import MediationService
from mediation_core.demo.district import CENTRE_STAFF, DISTRICT, District, build_district
from mediation_core.demo.figures import SOURCE, Comparison, compare
from mediation_core.demo.outputs import Written, write_outputs
from mediation_core.demo.plan import PERIOD, Plan, plan
from mediation_core.demo.run import DemoError, Progress, play
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.meeting.compliance import Compliance
from mediation_core.domain.reporting.statistics import StatisticsReport
from mediation_core.domain.statistical_return.filing import Filing


@frozen(kw_only=True)
class DemoOutcome:
    """What one run did and what it shows."""

    seed: int
    scale: float
    report: StatisticsReport
    comparisons: tuple[Comparison, ...]
    commands: int
    disputes: int
    seconds: float
    broken_chains: int
    meetings: dict[str, int]
    returns: dict[str, int]
    grades: dict[str, int]
    written: Written


def run_demo(
    service: MediationService,
    clock: StoryClock,
    *,
    seed: int,
    scale: float = 1.0,
    out: Path | None = None,
    progress: Progress | None = None,
) -> DemoOutcome:
    """Run the story for ``seed`` on ``service`` (whose clock is ``clock``, and whose store is
    empty), then write the outputs into ``out`` (when given). ``scale`` shrinks the volume of
    disputes (1: the source report's)."""
    if next(recorded_streams(service.store), None) is not None:
        msg = "the demo needs an empty store; this one already holds records"
        raise DemoError(msg)
    started = time.perf_counter()
    district = build_district()
    story = plan(seed, district, service.calendar, scale)
    play(service, clock, district, story, progress)
    seconds = time.perf_counter() - started
    report = service.statistics(story.period, DISTRICT, CENTRE_STAFF)
    written = write_outputs(service, district, story, out) if out is not None else Written(files=(), skipped=())
    return DemoOutcome(
        seed=seed,
        scale=scale,
        report=report,
        comparisons=tuple(compare(report, scale)),
        commands=len(story.steps),
        disputes=story.disputes,
        seconds=seconds,
        broken_chains=len(service.verify()),
        meetings=dict(
            Counter(s.compliance.value for s in service.meeting_compliance(story.period, DISTRICT, CENTRE_STAFF))
        ),
        returns=_returns(service, story),
        grades=dict(Counter(r.grade.value for r in service.evaluation(2025, DISTRICT, CENTRE_STAFF).results)),
        written=written,
    )


def _returns(service: MediationService, story: Plan) -> dict[str, int]:
    found = service.filings(story.period, DISTRICT, CENTRE_STAFF)
    return {
        "filed": sum(1 for f in found if f.filing is not Filing.MISSING),
        "late": sum(1 for f in found if f.late),
        "missing": sum(1 for f in found if f.filing is Filing.MISSING),
    }


__all__ = [
    "DEMO_IDENTITY_KEY",
    "PERIOD",
    "SOURCE",
    "Compliance",
    "DemoError",
    "DemoOutcome",
    "District",
    "build_district",
    "plan",
    "run_demo",
]
