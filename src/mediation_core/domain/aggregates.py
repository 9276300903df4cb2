"""Every aggregate of the domain, and the rulebook read off their decider tables.

A rule is in force because a decider lists it (or it is an input rule every command passes):
``RULEBOOK`` is exactly those rules, and ``docs/rules.md`` is generated from it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from mediation_core.domain.case.decide import CASES
from mediation_core.domain.dispatch.decide import DISPATCHES
from mediation_core.domain.evaluation_round.decide import EVALUATION_ROUNDS
from mediation_core.domain.inspection.decide import INSPECTIONS
from mediation_core.domain.kernel.input import INPUT_RULES
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.kernel.rulebook import Rule, rulebook
from mediation_core.domain.meeting.decide import MEETINGS
from mediation_core.domain.misconduct.decide import FINDINGS
from mediation_core.domain.police_case.decide import POLICE_CASES
from mediation_core.domain.referral.decide import REFERRALS
from mediation_core.domain.screening.decide import SCREENINGS
from mediation_core.domain.statistical_return.decide import RETURNS
from mediation_core.domain.traffic.decide import TRAFFIC
from mediation_core.domain.training.decide import TRAININGS

LIFECYCLES: tuple[Lifecycle, ...] = (
    CASES,
    REFERRALS,
    POLICE_CASES,
    DISPATCHES,
    TRAFFIC,
    MEETINGS,
    RETURNS,
    EVALUATION_ROUNDS,
    FINDINGS,
    TRAININGS,
    INSPECTIONS,
    SCREENINGS,
)
"""The twelve aggregates: the case, the four linkage records, the six coordination records and
the rooms' dispute screening (纠纷排查)."""

RULEBOOK: Mapping[str, Rule[Any, Any, Any]] = rulebook(
    itertools.chain(INPUT_RULES, *(lifecycle.rules() for lifecycle in LIFECYCLES))
)
"""Every rule in force, by name."""
