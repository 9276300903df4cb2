"""What a return's decision reads besides the common inputs: the ledger's report it locks."""

from __future__ import annotations

from attrs import frozen

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.reporting.statistics import StatisticsReport


@frozen(kw_only=True)
class ReturnContext(DecisionContext):
    """``report`` is the ledger's statistics report for the scope and period a return locks,
    read by the shell in the same command (``None`` when it was not read)."""

    report: StatisticsReport | None = None
