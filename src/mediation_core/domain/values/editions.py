"""Which text of 治安管理处罚法 governs a 治安 case: the one in force on the day of the act.

行政处罚法（2021年修订）第37条: an administrative punishment applies the law in force when the
act was committed. The 2025 revision of 治安管理处罚法 (adopted 2025-06-27) is in force from
2026-01-01 (its art. 144), so an act on 2025-12-31 is handled under the 2012 text and one on
2026-01-01 under the 2025 text (docs/legal-basis.md §2.3). Each edition carries the article
numbers and the case-handling limits the police rules read.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen


@frozen(kw_only=True)
class EditionTerms:
    """What one edition says on the points the library models."""

    title_zh: str
    in_force: dt.date
    mediation_article: str
    own_settlement_basis: str
    time_limit_article: str
    time_limit_from_zh: str
    max_extensions: int
    extension_approval_zh: str
    case_acceptance_article: str


class LawEdition(enum.Enum):
    """An edition of 治安管理处罚法, named by the year of its text."""

    PSAPL_2012 = "2012"  # 治安管理处罚法（2005年通过，2012年修正）
    PSAPL_2025 = "2025"  # 治安管理处罚法（2025年修订）

    @property
    def terms(self) -> EditionTerms:
        return EDITIONS[self]

    @property
    def title_zh(self) -> str:
        return EDITIONS[self].title_zh

    @property
    def in_force(self) -> dt.date:
        return EDITIONS[self].in_force

    @property
    def max_extensions(self) -> int:
        return EDITIONS[self].max_extensions


EDITIONS: dict[LawEdition, EditionTerms] = {
    LawEdition.PSAPL_2012: EditionTerms(
        title_zh="治安管理处罚法（2012年修正）",
        in_force=dt.date(2013, 1, 1),
        mediation_article="治安管理处罚法（2012年修正）第9条",
        own_settlement_basis="公安机关办理行政案件程序规定（2020年修正）第186条",
        time_limit_article="治安管理处罚法（2012年修正）第99条",
        time_limit_from_zh="受理之日",
        max_extensions=1,
        extension_approval_zh="上一级公安机关批准",
        case_acceptance_article="治安管理处罚法（2012年修正）第77条、第78条",
    ),
    LawEdition.PSAPL_2025: EditionTerms(
        title_zh="治安管理处罚法（2025年修订）",
        in_force=dt.date(2026, 1, 1),
        mediation_article="治安管理处罚法（2025年修订）第9条",
        own_settlement_basis=(
            "治安管理处罚法（2025年修订）第9条第4款; 公安机关办理行政案件程序规定（2020年修正）第186条"
        ),
        time_limit_article="治安管理处罚法（2025年修订）第118条",
        time_limit_from_zh="立案之日",
        max_extensions=2,
        extension_approval_zh="上一级公安机关批准（公安派出所办理的，由所属公安机关批准）",
        case_acceptance_article="治安管理处罚法（2025年修订）第90条",
    ),
}
"""Edition → its terms. The 2012 text says only 「可以延长三十日」, read as one extension; the 2025
text adds 「期限延长以二次为限」 (art. 118)."""

REVISION_IN_FORCE = EDITIONS[LawEdition.PSAPL_2025].in_force
"""治安管理处罚法（2025年修订）第144条: in force 2026-01-01."""


def edition_for(act_on: dt.date) -> LawEdition:
    """The edition in force on the day of the act (行政处罚法 第37条): the latest whose in-force date
    is on or before ``act_on``; an act before 2026-01-01 gets the 2012 text."""
    chosen = LawEdition.PSAPL_2012
    for edition in sorted(EDITIONS, key=lambda e: EDITIONS[e].in_force):
        if EDITIONS[edition].in_force <= act_on:
            chosen = edition
    return chosen
