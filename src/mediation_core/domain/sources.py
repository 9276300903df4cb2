"""Where a dispute came from (案件来源): the early-intake channels of 公调对接."""

from __future__ import annotations

import enum


class CaseSource(enum.Enum):
    """Sources counted in statistics (legal-basis §5.2.2, seed report §4)."""

    DISPATCH_110 = "dispatch_110"  # 110接处警 / 同步介入
    COMMUNITY_VISIT = "community_visit"  # 社区民警走访
    ONLINE_PATROL = "online_patrol"  # 网上巡查
    STATION_TRANSFER = "station_transfer"  # 派出所移送
    STATION_ENTRUSTMENT = "station_entrustment"  # 派出所委托
    COURT = "court"  # 法院委托移送
    PETITION_OFFICE = "petition_office"  # 信访部门委托移送
    OTHER_AGENCY = "other_agency"  # 其他部门委托移送
    WALK_IN = "walk_in"  # 当事人申请 (依申请)
    INITIATIVE = "initiative"  # 主动调解

    @property
    def title_zh(self) -> str:
        return _TITLES[self]

    @property
    def from_police(self) -> bool:
        """True for the channels the police station feeds."""
        return self in _POLICE


_TITLES = {
    CaseSource.DISPATCH_110: "110接处警",
    CaseSource.COMMUNITY_VISIT: "社区民警走访",
    CaseSource.ONLINE_PATROL: "网上巡查",
    CaseSource.STATION_TRANSFER: "派出所移送",
    CaseSource.STATION_ENTRUSTMENT: "派出所委托",
    CaseSource.COURT: "法院委托移送",
    CaseSource.PETITION_OFFICE: "信访部门委托移送",
    CaseSource.OTHER_AGENCY: "其他部门委托移送",
    CaseSource.WALK_IN: "当事人申请",
    CaseSource.INITIATIVE: "主动调解",
}

_POLICE = frozenset(
    {
        CaseSource.DISPATCH_110,
        CaseSource.COMMUNITY_VISIT,
        CaseSource.ONLINE_PATROL,
        CaseSource.STATION_TRANSFER,
        CaseSource.STATION_ENTRUSTMENT,
    }
)
