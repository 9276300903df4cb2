"""What hooks receive besides the record they are about: narrow, frozen, and free of secrets.

A county plugin runs inside the deployment's process but is not trusted with its secrets: the
service's decision context carries the key that digests party identities, and a plugin that kept
it could test guessed ID numbers against the ledger. So hooks get these values, built from the
context's public fields, never the context itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeAlias, TypeVar

from attrs import field, frozen

from mediation_core.domain.case.state import CaseState
from mediation_core.domain.dispatch.state import DispatchState
from mediation_core.domain.evaluation_round.state import EvaluationRound
from mediation_core.domain.inspection.state import Inspection
from mediation_core.domain.meeting.state import Meeting
from mediation_core.domain.misconduct.state import MisconductFinding
from mediation_core.domain.police_case.state import PoliceCaseState
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.screening.state import Screening
from mediation_core.domain.statistical_return.state import StatisticalReturn
from mediation_core.domain.traffic.state import TrafficState
from mediation_core.domain.training.state import TrainingSession
from mediation_core.domain.values.actors import Role
from mediation_core.domain.values.calendar import WorkingDayCalendar, local_date
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES, Category
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.policy import Policy

AggregateState: TypeAlias = (
    CaseState
    | ReferralState
    | PoliceCaseState
    | DispatchState
    | TrafficState
    | Meeting
    | StatisticalReturn
    | EvaluationRound
    | MisconductFinding
    | TrainingSession
    | Inspection
    | Screening
)
"""The state of one aggregate after a command, as ``mediation_notices``,
``mediation_deadline_notices`` and ``mediation_event_recorded`` receive it: a ``CaseState`` for
``case.*`` events, a ``ReferralState`` for ``referral.*``, a ``Meeting`` for ``meeting.*`` … (the
event type's prefix names the aggregate). Narrow it with ``isinstance`` or ``match``."""


K = TypeVar("K")
V = TypeVar("V")


def _read_only(mapping: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(mapping))


def _read_only_registry(registry: Registry) -> Registry:
    """A copy whose tables a plugin cannot change under the decision that runs after it."""
    return Registry(
        organisations=_read_only(registry.organisations),
        mediators=_read_only(registry.mediators),
        liaisons=_read_only(registry.liaisons),
    )


def _read_only_categories(categories: Mapping[str, Category]) -> Mapping[str, Category]:
    return _read_only(categories)


def _ministry_categories() -> Mapping[str, Category]:
    return {c.code: c for c in MINISTRY_CATEGORIES}


@frozen(kw_only=True)
class CheckInputs:
    """What a county's local check may read besides the record and the command: the clock
    reading, the county's policy and calendar, the registry snapshot and the dispute categories.

    The values the decision itself reads, and nothing more: no key, no store, no service. The
    registry's tables and the categories are read-only copies, so a check cannot change what the
    decision after it sees."""

    now: dt.datetime
    policy: Policy
    calendar: WorkingDayCalendar
    registry: Registry = field(factory=Registry, converter=_read_only_registry)
    categories: Mapping[str, Category] = field(factory=_ministry_categories, converter=_read_only_categories)

    @property
    def today(self) -> dt.date:
        """Today's date in China."""
        return local_date(self.now)


@frozen(kw_only=True)
class CommandInputs(CheckInputs):
    """What ``mediation_command_checks`` may read besides the command and its aggregate's
    state: :class:`CheckInputs` (clock reading, policy, calendar, read-only registry and
    categories), the aggregate's name (``"case"``, ``"referral"``, ``"meeting"`` …) and who
    issues the command: the actor's role and organisation. Never the actor's id, the store or
    the service."""

    aggregate: str
    role: Role
    org_id: str
    """The organisation the actor acts for (``Actor.scope_id``)."""
