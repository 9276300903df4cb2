"""Who was trained, and in what kind of training: the values commands, events and the state share."""

from __future__ import annotations

import enum

from attrs import frozen


class TrainingKind(enum.Enum):
    LEGAL_COURSE = "legal_course"  # 专题法律法规培训
    SHADOWING = "shadowing"  # 跟班轮训
    EXCHANGE = "exchange"  # 外出交流学习
    OTHER = "other"

    @property
    def title_zh(self) -> str:
        return {
            "legal_course": "专题法律法规培训",
            "shadowing": "跟班轮训",
            "exchange": "外出交流学习",
            "other": "其他",
        }[self.value]


@frozen(kw_only=True)
class Trainee:
    """A person trained, and the organisation they work for (a room, an office, a station)."""

    person_id: str
    name: str
    org_id: str
