"""The court's answer to a joint application for 司法确认: the ruling, its court and case number.

民事诉讼法（2023年修正）第206条 (第202条 of the 2021 text): the court rules the agreement valid
(裁定调解协议有效), after which a party may apply for enforcement when the other refuses to perform;
or it rejects the application (裁定驳回申请), and the parties may change the agreement or reach a
new one through mediation, or sue. 人民调解法（2010年）第33条 says the same.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

from attrs import frozen


class ConfirmationResult(enum.Enum):
    """What the court ruled on the application."""

    CONFIRMED = "confirmed"  # 裁定调解协议有效
    REFUSED = "refused"  # 裁定驳回申请

    @property
    def title_zh(self) -> str:
        return "裁定调解协议有效" if self is ConfirmationResult.CONFIRMED else "裁定驳回申请"


class RefusalRoute(enum.Enum):
    """The routes open to the parties after the court rejected the application."""

    AMEND = "amend"  # 通过调解方式变更原调解协议
    NEW_AGREEMENT = "new_agreement"  # 通过调解方式达成新的调解协议
    LITIGATION = "litigation"  # 向人民法院提起诉讼

    @property
    def title_zh(self) -> str:
        return _ROUTE_TITLES[self]


_ROUTE_TITLES = {
    RefusalRoute.AMEND: "通过调解方式变更原调解协议",
    RefusalRoute.NEW_AGREEMENT: "通过调解方式达成新的调解协议",
    RefusalRoute.LITIGATION: "向人民法院提起诉讼",
}

REFUSAL_ROUTES: tuple[RefusalRoute, ...] = tuple(RefusalRoute)
REFUSAL_NOTICE_ZH = (
    "人民法院已裁定驳回司法确认申请。当事人可以通过调解方式变更原调解协议或者达成新的调解协议，"
    "也可以向人民法院提起诉讼（《中华人民共和国民事诉讼法》第二百零六条）。"
)
"""The notice of routes every rejected application records (民事诉讼法（2023年修正）第206条)."""

ENFORCEABLE_ZH = "已经人民法院司法确认，具有强制执行效力"
"""What the case file and the agreement show once the court confirmed it."""

COURT_NAME = re.compile(r"\S{2,60}(?:人民法院|人民法庭)")
"""A people's court (人民法院) or the tribunal it sent out (人民法庭, 2011年规定 第2条)."""

COURT_CASE_NUMBER = re.compile(
    r"[（(](?P<year>\d{4})[）)][\u4e00-\u9fff](?:[\u4e00-\u9fff0-9A-Za-z]{0,18}[\u4e00-\u9fff])?第?(?P<seq>\d{1,6})号"
)
"""A case number (案号): （收案年度）法院代字 类型代字 案件编号 号, e.g. （2025）川1102民特123号
(最高人民法院关于人民法院案件案号的若干规定 (2015年, 2018年修正)); the 调确字 numbers of
法释〔2011〕5号 第4条 have the same shape."""


def court_case_year(number: str) -> int | None:
    """The year the court registered the case, read from a well-formed case number."""
    found = COURT_CASE_NUMBER.fullmatch(number.strip())
    return int(found["year"]) if found else None


@frozen(kw_only=True)
class ConfirmationRuling:
    """The ruling as the case file holds it. ``routes`` and ``notice`` are set on a rejection."""

    result: ConfirmationResult
    court: str
    court_case_number: str
    on: dt.date
    routes: tuple[RefusalRoute, ...] = ()
    notice: str = ""
    reason: str = ""

    @property
    def enforceable(self) -> bool:
        """The confirmed agreement can be enforced by the court (民事诉讼法 第206条)."""
        return self.result is ConfirmationResult.CONFIRMED

    def summary_zh(self) -> str:
        """One line for the case file and the agreement."""
        day = f"{self.on.year}年{self.on.month}月{self.on.day}日"
        head = f"{self.court}于{day}{self.result.title_zh}，案号{self.court_case_number}。"
        if self.enforceable:
            return f"{head}本协议{ENFORCEABLE_ZH}。"
        return f"{head}{self.notice}"
