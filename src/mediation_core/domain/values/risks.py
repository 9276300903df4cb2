"""Risk flags and difficulty grades: what the statistics call prevented escalations."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen


class RiskKind(enum.Enum):
    """Risks a mediator records (人民调解法 art. 25; figures of docs/legal-basis.md §5.3.1)."""

    CIVIL_TO_CRIMINAL = "civil_to_criminal"  # 可能民转刑
    PUBLIC_ORDER = "public_order"  # 可能引发治安案件
    MASS_INCIDENT = "mass_incident"  # 可能引发群体性事件
    SUICIDE = "suicide"  # 可能引发自杀

    @property
    def needs_police_report(self) -> bool:
        """Art. 25: a dispute that may lead to a 治安 or criminal case is reported to the police."""
        return self in {RiskKind.CIVIL_TO_CRIMINAL, RiskKind.PUBLIC_ORDER}

    @property
    def preventable(self) -> bool:
        """The two risks whose prevention the district counts whatever the outcome
        (防止民转刑, 预防处置群体性事件; docs/legal-basis.md §10.11)."""
        return self in {RiskKind.CIVIL_TO_CRIMINAL, RiskKind.MASS_INCIDENT}

    @property
    def prevention_zh(self) -> str:
        """What preventing the risk is called in the district's figures."""
        return {
            "civil_to_criminal": "防止民转刑",
            "public_order": "防止引发治安案件",
            "mass_incident": "预防处置群体性事件",
            "suicide": "防止民间纠纷引起自杀",
        }[self.value]

    @property
    def title_zh(self) -> str:
        return {
            "civil_to_criminal": "可能民转刑",
            "public_order": "可能引发治安案件",
            "mass_incident": "可能引发群体性事件",
            "suicide": "可能引发自杀",
        }[self.value]


class Difficulty(enum.Enum):
    """Difficulty grade; thresholds are local, so a mediator or director sets it."""

    ORDINARY = "ordinary"  # 一般
    DIFFICULT = "difficult"  # 疑难复杂
    MAJOR = "major"  # 疑难险重 / 重大

    @property
    def is_difficult(self) -> bool:
        return self is not Difficulty.ORDINARY


@frozen(kw_only=True)
class RiskFlag:
    """A recorded risk with the persons involved (statistics count cases and persons)."""

    kind: RiskKind
    persons: int
    on: dt.date
    note: str = ""


@frozen(kw_only=True)
class Prevention:
    """A flagged risk that the room kept from escalating (防止民转刑) or an incident it handled
    early (预防处置群体性事件): what it did (``measures``) and when, whatever the outcome."""

    kind: RiskKind
    on: dt.date
    measures: str


@frozen(kw_only=True)
class PoliceReport:
    """A report to the police under art. 25."""

    on: dt.date
    station_id: str
    reference: str
    late: bool = False
