"""Follow-up visits (回访): performance and satisfaction (docs/legal-basis.md §1.4.8: 人民调解法 art. 31;
S16 art. 39)."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen


class Performance(enum.Enum):
    PERFORMED = "performed"  # 已履行
    PARTLY = "partly"  # 部分履行
    NOT_PERFORMED = "not_performed"  # 未履行

    @property
    def title_zh(self) -> str:
        return {"performed": "已履行", "partly": "部分履行", "not_performed": "未履行"}[self.value]


class Satisfaction(enum.Enum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


@frozen(kw_only=True)
class FollowUp:
    """One visit as the 回访记录 form records it. ``performance`` is ``None`` for a
    terminated case, which has no agreement to perform."""

    on: dt.date
    visitor_id: str
    party_id: str
    performance: Performance | None
    satisfaction: Satisfaction
    lawsuit: str = ""
    escalation_signs: bool = False
    measures: str = ""
