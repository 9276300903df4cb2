"""The acts a finding names, and the sanctions that may follow (人民调解法 art. 15).

Commands, events, the rules and the evaluation all read them.
"""

from __future__ import annotations

import enum


class MisconductKind(enum.Enum):
    PARTIALITY = "partiality"  # 偏袒一方当事人
    INSULT = "insult"  # 侮辱当事人
    IMPROPER_BENEFIT = "improper_benefit"  # 索取、收受财物或者牟取其他不正当利益
    PRIVACY_LEAK = "privacy_leak"  # 泄露当事人的个人隐私、商业秘密
    RECUSAL_BREACH = "recusal_breach"  # 应当回避而未回避

    @property
    def title_zh(self) -> str:
        return _TITLES[self]

    @property
    def under_art_15(self) -> bool:
        """One of the four acts 人民调解法 art. 15 prohibits."""
        return self is not MisconductKind.RECUSAL_BREACH


_TITLES = {
    MisconductKind.PARTIALITY: "偏袒一方当事人",
    MisconductKind.INSULT: "侮辱当事人",
    MisconductKind.IMPROPER_BENEFIT: "索取、收受财物或者牟取其他不正当利益",
    MisconductKind.PRIVACY_LEAK: "泄露当事人的个人隐私、商业秘密",
    MisconductKind.RECUSAL_BREACH: "应当回避而未回避",
}


class Sanction(enum.Enum):
    """What follows a confirmed finding; criticism is the least a finding carries."""

    CRITICISM = "criticism"  # 批评教育、责令改正
    REMOVAL = "removal"  # 罢免或者解聘

    @property
    def title_zh(self) -> str:
        return "批评教育、责令改正" if self is Sanction.CRITICISM else "罢免或者解聘"
