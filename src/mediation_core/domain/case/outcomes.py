"""How a case ends other than by agreement: declined at intake, or terminated in mediation."""

from __future__ import annotations

import enum


class DeclineReason(enum.Enum):
    """Coded reasons for 不予受理 (人民调解工作若干规定, docs/legal-basis.md §1.3.11)."""

    OUTSIDE_SCOPE = "outside_scope"  # 不属于民间纠纷
    RESERVED_TO_SPECIALISED_ORGAN = "reserved_to_specialised_organ"  # 法律规定由专门机关管辖
    ALREADY_HANDLED = "already_handled"  # 法院、公安或其他行政机关已受理或处理
    PARTY_REFUSED = "party_refused"  # 当事人明确拒绝调解
    DUPLICATE = "duplicate"  # 重复登记
    OTHER = "other"

    @property
    def title_zh(self) -> str:
        return _DECLINE_TITLES[self]


_DECLINE_TITLES = {
    DeclineReason.OUTSIDE_SCOPE: "不属于人民调解受理范围的纠纷",
    DeclineReason.RESERVED_TO_SPECIALISED_ORGAN: "法律、法规规定只能由专门机关管辖处理的纠纷",
    DeclineReason.ALREADY_HANDLED: "人民法院、公安机关或者其他行政机关已经受理或者解决的纠纷",
    DeclineReason.PARTY_REFUSED: "当事人明确拒绝调解",
    DeclineReason.DUPLICATE: "重复登记",
    DeclineReason.OTHER: "其他不宜受理的情形",
}


class TerminationReason(enum.Enum):
    """Why mediation ended without agreement (人民调解法 art. 26; 宁波条例 art. 23)."""

    FAILED = "failed"  # 调解不成
    PARTY_REFUSED = "party_refused"  # 当事人拒绝继续调解
    WITHDRAWN = "withdrawn"  # 当事人撤回申请或放弃调解
    IMPOSSIBLE = "impossible"  # 发生特定事由，调解无法继续
    TIME_LIMIT_EXPIRED = "time_limit_expired"  # 调解期限届满未达成协议
    OTHER = "other"
    LITIGATION = "litigation"  # 当事人起诉
    ARBITRATION = "arbitration"  # 当事人申请仲裁

    @property
    def title_zh(self) -> str:
        return _TERMINATION_TITLES[self]


_TERMINATION_TITLES = {
    TerminationReason.FAILED: "调解不成",
    TerminationReason.PARTY_REFUSED: "当事人拒绝调解",
    TerminationReason.WITHDRAWN: "当事人撤回调解申请",
    TerminationReason.IMPOSSIBLE: "发生特定事由致调解无法继续",
    TerminationReason.TIME_LIMIT_EXPIRED: "调解期限届满未达成协议",
    TerminationReason.OTHER: "其他依法终止调解的情形",
    TerminationReason.LITIGATION: "当事人向人民法院起诉",
    TerminationReason.ARBITRATION: "当事人申请仲裁",
}

PROCEEDINGS_REASONS = {
    "litigation": TerminationReason.LITIGATION,
    "arbitration": TerminationReason.ARBITRATION,
}
"""The termination reason of a party's lawsuit or arbitration application, by ``Route`` value."""


class Route(enum.Enum):
    """Other routes a terminated case's parties are told about (人民调解法 art. 26)."""

    ARBITRATION = "arbitration"  # 仲裁
    ADMINISTRATIVE = "administrative"  # 行政
    LITIGATION = "litigation"  # 诉讼

    @property
    def title_zh(self) -> str:
        return {"arbitration": "仲裁", "administrative": "行政", "litigation": "司法诉讼"}[self.value]


ALL_ROUTES: tuple[Route, ...] = tuple(Route)
ROUTES_NOTICE_ZH = "本次人民调解已终止。当事人可以依法通过仲裁、行政、司法等途径维护自己的权利。"
"""The notice of other routes given on every termination (人民调解法 art. 26)."""
