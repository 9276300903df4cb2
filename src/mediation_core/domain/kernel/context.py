"""What ``decide`` may read besides the command and the state: injected, never looked up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from attrs import field, frozen

from mediation_core.domain.meeting.agenda import AgendaItem
from mediation_core.domain.reporting.evaluation import EvaluationInputs, EvaluationItem, item_table
from mediation_core.domain.reporting.statistics import StatisticsReport
from mediation_core.domain.values.calendar import WorkingDayCalendar, local_date
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES, Category
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.policy import Policy


@frozen(kw_only=True)
class DecisionContext:
    """The clock reading, the county's policy and calendar, and the registry snapshot.

    ``sequence`` is the gap-free number the store allocated in the same transaction (for an
    ``AcceptCase``, the room's next case number); ``None`` when the command needs none.
    ``party_keyer`` digests party identities under the deployment's key, and
    ``earlier_cases`` are the earlier cases sharing a party with an intake, which the service
    looked up so that the decision can link a repeat. ``report`` is the ledger's statistics
    report for the scope and period a return locks, read in the same command; ``agenda`` the
    agenda a scheduled meeting takes from the ledger, and ``scope_cases`` the case ids of the
    meeting's scope that its decisions and action items may name. ``evaluation_items`` are the
    scoring items (built in and the county's, from ``mediation_evaluation_items``) and
    ``evaluation`` the facts an evaluation round reads. ``stream_head`` is the hash of the
    stream's last record, which anonymising a case file records before re-sealing it.
    """

    now: dt.datetime
    policy: Policy
    calendar: WorkingDayCalendar
    registry: Registry = field(factory=Registry)
    categories: Mapping[str, Category] = field(factory=lambda: {c.code: c for c in MINISTRY_CATEGORIES})
    sequence: int | None = None
    report: StatisticsReport | None = None
    agenda: tuple[AgendaItem, ...] = ()
    scope_cases: frozenset[str] = frozenset()
    evaluation_items: Mapping[str, EvaluationItem] = field(factory=item_table)
    evaluation: EvaluationInputs | None = None

    @property
    def today(self) -> dt.date:
        """Today's date in China."""
        return local_date(self.now)
