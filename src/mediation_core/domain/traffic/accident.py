"""Traffic accident values: the determination, damages and their start dates, joint bodies,
sessions and the 调解书 (docs/legal-basis.md §4)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from attrs import frozen

from mediation_core.domain.values.organisations import MediationKind
from mediation_core.domain.values.parties import Side

WORKING_DAYS_BASIS = (
    "道路交通事故处理程序规定 第111条第(四)项 (2017年修订, 公安部令第146号): "
    "本规定所称一日、二日、三日、五日、十日、二十日是指工作日，不含节假日"
)
"""S9's days are working days: every count below runs on the working-day calendar."""
APPLICATION_DAYS = 10
"""S9 art. 86: all parties apply jointly in writing within 10 working days of receiving the 认定书."""
REENTRY_DAYS = 3
"""S9 art. 85: within 3 working days of a people's-mediation termination."""
DOCUMENT_DAYS = 10
"""S9 art. 90: a 调解书 or 终结书 within 10 working days of the start of mediation."""
NOTICE_DAYS = 3
"""S9 art. 88: the parties are notified at least 3 working days before a session."""
CHANGE_DAYS = 1
"""S9 art. 88: a change is asked for at least 1 working day before."""
MAX_PER_SIDE = 3
"""S9 art. 89: at most 3 people per side."""
FULL_SHARE = Decimal(100)


class DeterminationKind(enum.Enum):
    """What the parties received (S9 art. 86)."""

    DETERMINATION = "determination"  # 道路交通事故认定书
    CERTIFICATE = "certificate"  # 道路交通事故证明
    REVIEW_DECISION = "review_decision"  # 维持认定的复核结论


@frozen(kw_only=True)
class Determination:
    kind: DeterminationKind
    number: str
    received_on: dt.date


class DamageKind(enum.Enum):
    """S9 art. 90: what starts the mediation of each kind of damage."""

    DEATH = "death"  # 丧葬事宜结束
    INJURY = "injury"  # 治疗终结
    DISABILITY = "disability"  # 定残
    PROPERTY = "property"  # 确定损失

    @property
    def trigger_zh(self) -> str:
        return {
            "death": "丧葬事宜结束",
            "injury": "治疗终结",
            "disability": "伤残评定",
            "property": "财产损失确定",
        }[self.value]


@frozen(kw_only=True)
class Damage:
    """A damage and, once known, the day its trigger happened."""

    kind: DamageKind
    trigger_on: dt.date | None = None


class JointBody(enum.Enum):
    """The four bodies of "1+4" joint mediation (docs/legal-basis.md §4.2.6)."""

    TRAFFIC_POLICE = "traffic_police"  # 交警行政调解
    PEOPLES_MEDIATION = "peoples_mediation"  # 人民调解
    COURT = "court"  # 法院司法调解
    INSURER = "insurer"  # 保险公司第三方调解

    @property
    def title_zh(self) -> str:
        return {
            "traffic_police": "交警行政调解",
            "peoples_mediation": "人民调解",
            "court": "法院司法调解",
            "insurer": "保险公司",
        }[self.value]

    @property
    def mediation_kind(self) -> MediationKind:
        """The kind of mediation the body brings to the joint room (the registry's
        ``Organisation.mediation_kinds`` of the traffic room lists the same kinds)."""
        return {
            "traffic_police": MediationKind.ADMINISTRATIVE,
            "peoples_mediation": MediationKind.PEOPLES,
            "court": MediationKind.JUDICIAL,
            "insurer": MediationKind.INSURER,
        }[self.value]


@frozen(kw_only=True)
class InsurerNotice:
    """The insurer was told the session's time and place on ``notified_on`` (公通字〔2010〕29号)."""

    insurer: str
    notified_on: dt.date


@frozen(kw_only=True)
class Participant:
    """Someone attending a session for a side: a party, an agent, an owner, an insurer's staff."""

    side: Side
    name: str
    role: str


@frozen(kw_only=True)
class ScheduledSession:
    """A session fixed with the parties and notified on ``notified_on``."""

    session_on: dt.date
    place: str
    notified_on: dt.date


@frozen(kw_only=True)
class TrafficSession:
    on: dt.date
    place: str
    bodies: frozenset[JointBody]
    participants: tuple[Participant, ...]
    public: bool
    summary: str


@frozen(kw_only=True)
class CompensationItem:
    name: str
    amount: Decimal


@frozen(kw_only=True)
class Liability:
    """A party's liability and its proportion in percent."""

    party_id: str
    share: Decimal


@frozen(kw_only=True)
class TrafficSettlement:
    """道路交通事故损害赔偿调解书 contents (S9 art. 93)."""

    basis: str
    facts_and_losses: str
    items: tuple[CompensationItem, ...]
    liabilities: tuple[Liability, ...]
    performance_method: str
    performance_deadline: dt.date


class TrafficTermination(enum.Enum):
    """S9 art. 94 grounds, and failure to agree (终结书)."""

    LAWSUIT = "lawsuit"  # 一方当事人起诉
    ABSENT = "absent"  # 无正当理由不参加调解
    WITHDRAWN = "withdrawn"  # 调解过程中退出调解
    NO_AGREEMENT = "no_agreement"  # 调解未达成协议

    @property
    def title_zh(self) -> str:
        return {
            "lawsuit": "当事人向人民法院提起民事诉讼",
            "absent": "当事人无正当理由不参加调解",
            "withdrawn": "当事人退出调解",
            "no_agreement": "调解未达成协议",
        }[self.value]


class TrafficRoute(enum.Enum):
    """Who leads the mediation of the compensation dispute."""

    POLICE = "police"  # 公安机关交通管理部门调解
    PEOPLES = "peoples"  # 人民调解委员会调解
