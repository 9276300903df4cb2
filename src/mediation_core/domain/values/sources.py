"""Where a dispute came from (案件来源): the early-intake channels of 公调对接."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen

from mediation_core.domain.values.digests import FileDigest


class CaseSource(enum.Enum):
    """Sources counted in statistics (docs/legal-basis.md §5.2.2, §10.2, §10.9, §10.10).

    ``WALK_IN`` (当事人申请) means one thing wherever it appears: the parties applied for
    mediation themselves. On a case it is a party who came to the room; on a referral it is
    the station's 告知 (人民调解法 第18条) that sent the party to apply, and the case opened from
    it still counts as the party's application. ``SCREENING`` is a dispute the room found in
    its own screening round (纠纷排查); ``MEDIATOR_ON_SCENE`` one a mediator went to the scene of
    on their own, not with officers on a 110 call (that is ``DISPATCH_110``). ``ONLINE_APPLICATION``
    (线上申请) is a party's own application made online; the intake records each applicant's
    consent as the platform captured it (:class:`OnlineConsent`)."""

    DISPATCH_110 = "dispatch_110"  # 110接处警 / 同步介入
    COMMUNITY_VISIT = "community_visit"  # 社区民警走访
    ONLINE_PATROL = "online_patrol"  # 网上巡查
    STATION_TRANSFER = "station_transfer"  # 派出所移送
    STATION_ENTRUSTMENT = "station_entrustment"  # 派出所委托
    TRAFFIC_POLICE = "traffic_police"  # 交警部门移送 (道路交通事故"1+4"联合调解)
    COURT = "court"  # 法院委托移送
    PETITION_OFFICE = "petition_office"  # 信访部门委托移送
    OTHER_AGENCY = "other_agency"  # 其他部门委托移送
    WALK_IN = "walk_in"  # 当事人申请 (依申请, 人民调解法 第17条; also when a station told the party to apply, 第18条)
    INITIATIVE = "initiative"  # 主动调解
    SCREENING = "screening"  # 纠纷排查 (found by the room's own screening round, then mediated)
    MEDIATOR_ON_SCENE = "mediator_on_scene"  # 调解员自行赶赴现场 (without going out with a 110 call)
    ONLINE_APPLICATION = "online_application"  # 线上申请 (a party applied through an online platform)

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
    CaseSource.TRAFFIC_POLICE: "交警部门移送",
    CaseSource.COURT: "法院委托移送",
    CaseSource.PETITION_OFFICE: "信访部门委托移送",
    CaseSource.OTHER_AGENCY: "其他部门委托移送",
    CaseSource.WALK_IN: "当事人申请",
    CaseSource.INITIATIVE: "主动调解",
    CaseSource.SCREENING: "纠纷排查",
    CaseSource.MEDIATOR_ON_SCENE: "调解员自行赶赴现场",
    CaseSource.ONLINE_APPLICATION: "线上申请",
}

_POLICE = frozenset(
    {
        CaseSource.DISPATCH_110,
        CaseSource.COMMUNITY_VISIT,
        CaseSource.ONLINE_PATROL,
        CaseSource.STATION_TRANSFER,
        CaseSource.STATION_ENTRUSTMENT,
        CaseSource.TRAFFIC_POLICE,
    }
)
"""Channels fed by the police (a station, its 110 desk, or the traffic police)."""


@frozen(kw_only=True)
class OnScene:
    """A mediator who went to the scene on their own (自行直接赶赴现场, docs/legal-basis.md
    §10.10): who went, when they arrived and where. A case of source
    ``CaseSource.MEDIATOR_ON_SCENE`` records it at intake."""

    mediator_id: str
    arrived_at: dt.datetime
    place: str


@frozen(kw_only=True)
class OnlineConsent:
    """An online applicant's consent to people's mediation as the platform captured it: who
    (``party_id``), on which platform (``channel``, e.g. 浙里调), when (``captured_at``, with its
    time zone), the platform's record number (``reference``) and the digest of the consent text
    the applicant agreed to (``text_hash``), so the text kept on the platform can be checked
    against the case file (电子签名法（2019年修正） 第2条、第13条)."""

    party_id: str
    channel: str
    captured_at: dt.datetime
    reference: str
    text_hash: FileDigest


class ReferralMode(enum.Enum):
    """How a referred dispute reaches the room (docs/legal-basis.md §3.4).

    A transfer (移送) hands the dispute over: the referrer's role ends and it is only told
    the result. An entrustment (委托) keeps the referrer's own case open (typically a mediable
    治安 case): the room reports back (反馈) and the referrer decides what follows."""

    TRANSFER = "transfer"  # 移送
    ENTRUSTMENT = "entrustment"  # 委托

    @property
    def title_zh(self) -> str:
        return "移送" if self is ReferralMode.TRANSFER else "委托"
