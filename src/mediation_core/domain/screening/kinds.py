"""The risk level of a dispute found in screening and what the room did with it."""

from __future__ import annotations

import enum


class ScreeningRisk(enum.Enum):
    """风险等级 of a dispute found in screening."""

    GENERAL = "general"  # 一般
    SERIOUS = "serious"  # 较大
    MAJOR = "major"  # 重大

    @property
    def title_zh(self) -> str:
        return {ScreeningRisk.GENERAL: "一般", ScreeningRisk.SERIOUS: "较大", ScreeningRisk.MAJOR: "重大"}[self]


class ScreeningAction(enum.Enum):
    """处置情况: what was done with a dispute found. A watched dispute may later be mediated or
    handed over; the other two are final."""

    MEDIATED = "mediated"  # 纳入调解 (a case with source 纠纷排查)
    HANDED_TO_POLICE = "handed_to_police"  # 移交公安处置
    WATCHED = "watched"  # 稳控关注

    @property
    def title_zh(self) -> str:
        return _ACTIONS[self]


_ACTIONS = {
    ScreeningAction.MEDIATED: "纳入调解",
    ScreeningAction.HANDED_TO_POLICE: "移交公安处置",
    ScreeningAction.WATCHED: "稳控关注",
}
