"""诉讼时效: what bringing a dispute to people's mediation does to the parties' limitation period.

A right-holder's request to a people's mediation committee interrupts the limitation period
from the day it is made (最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定（2020年修正）
第12条), and the period runs afresh from the end of that procedure (民法典 第195条); the general
period is three years (民法典 第188条). A case a party asked to have mediated that ends without
agreement therefore tells its parties both dates in the notice of other routes, so nobody reads
"expired" from the original dispute date. A case the committee took up on its own initiative,
or on a referral no party applied for, interrupted nothing, and its notice says nothing of it.
"""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from mediation_core.domain.values.sources import CaseSource

GENERAL_PERIOD_YEARS = 3
"""民法典 第188条: the general limitation period. Special periods (e.g. 4 years for international
sale contracts) belong to the claim, which the room does not judge."""


@frozen(kw_only=True)
class Interruption:
    """The limitation period of a dispute brought to mediation on ``interrupted_on``."""

    interrupted_on: dt.date
    """The day the request was made: the case's intake date (申请调解之日)."""
    recounted_from: dt.date
    """The day the mediation ended: the period runs afresh from here (有关程序终结时)."""

    @property
    def general_period_ends_on(self) -> dt.date:
        """The last day of a fresh general period counted from ``recounted_from``."""
        return add_years(self.recounted_from, GENERAL_PERIOD_YEARS)

    def notice_zh(self) -> str:
        return (
            f"自{_zh(self.interrupted_on)}申请人民调解之日起诉讼时效中断，"
            f"自{_zh(self.recounted_from)}调解终止之日起重新计算（《民法典》第一百九十五条）。"
        )


def requested_by_a_party(source: CaseSource, requested_by: tuple[str, ...]) -> bool:
    """Whether a party asked for mediation: ``requested_by`` names who did, and a walk-in
    application (当事人申请) or an online one (线上申请) is the applicants' own request."""
    return bool(requested_by) or source in (CaseSource.WALK_IN, CaseSource.ONLINE_APPLICATION)


def interruption(
    source: CaseSource, requested_by: tuple[str, ...], received_on: dt.date, ended_on: dt.date
) -> Interruption | None:
    """The interruption a case ending on ``ended_on`` tells its parties, or ``None`` when no
    party requested the mediation (诉讼时效规定（2020年修正）第12条)."""
    if not requested_by_a_party(source, requested_by):
        return None
    return Interruption(interrupted_on=received_on, recounted_from=ended_on)


def _zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved ``years`` on; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
