"""The case file (一案一卷): what it holds, in binding order, and when it is complete.

The order and the required/if-needed status follow one county's 卷宗 template
(docs/legal-basis.md §5.1.3); the statutory minimum is 人民调解法 art. 27.
"""

from __future__ import annotations

import enum


class CaseFileItem(enum.Enum):
    """Items of the case file, declared in the binding order of docs/legal-basis.md §5.1.3."""

    REGISTRATION = "registration"  # 申请书 / 受理登记表
    RIGHTS_NOTICE = "rights_notice"  # 权利义务告知书
    IDENTITY_PROOF = "identity_proof"  # 当事人身份证明
    POWER_OF_ATTORNEY = "power_of_attorney"  # 授权委托书
    INVESTIGATION_RECORD = "investigation_record"  # 调查记录
    EVIDENCE = "evidence"  # 证据材料
    MEDIATION_RECORD = "mediation_record"  # 调解记录
    AGREEMENT = "agreement"  # 人民调解协议书 / 人民调解口头协议登记表
    TERMINATION_RECORD = "termination_record"  # 终止调解通知书
    PERFORMANCE_RECEIPT = "performance_receipt"  # 履行凭证
    FOLLOW_UP_RECORD = "follow_up_record"  # 回访记录
    JUDICIAL_CONFIRMATION = "judicial_confirmation"  # 司法确认材料
    FILE_STATEMENT = "file_statement"  # 卷宗情况说明
    BACK_COVER = "back_cover"  # 封底

    @property
    def title_zh(self) -> str:
        """The item's Chinese title as printed in the file index (卷内目录)."""
        return _TITLES[self]


_TITLES = {
    CaseFileItem.REGISTRATION: "人民调解申请书/受理登记表",
    CaseFileItem.RIGHTS_NOTICE: "人民调解当事人权利义务告知书",
    CaseFileItem.IDENTITY_PROOF: "当事人身份证明",
    CaseFileItem.POWER_OF_ATTORNEY: "授权委托书",
    CaseFileItem.INVESTIGATION_RECORD: "人民调解调查记录",
    CaseFileItem.EVIDENCE: "证据材料",
    CaseFileItem.MEDIATION_RECORD: "人民调解记录",
    CaseFileItem.AGREEMENT: "人民调解协议书/人民调解口头协议登记表",
    CaseFileItem.TERMINATION_RECORD: "终止人民调解通知书",
    CaseFileItem.PERFORMANCE_RECEIPT: "履行凭证",
    CaseFileItem.FOLLOW_UP_RECORD: "人民调解回访记录",
    CaseFileItem.JUDICIAL_CONFIRMATION: "司法确认材料",
    CaseFileItem.FILE_STATEMENT: "卷宗情况说明",
    CaseFileItem.BACK_COVER: "封底",
}

BINDING_ORDER: tuple[CaseFileItem, ...] = tuple(CaseFileItem)

STATUTORY_MINIMUM: frozenset[CaseFileItem] = frozenset({CaseFileItem.REGISTRATION, CaseFileItem.MEDIATION_RECORD})
"""人民调解法 art. 27: registration and work records, plus the agreement or the termination
record (the outcome item is checked separately, since a case has one or the other)."""

DEFAULT_REQUIRED_ITEMS: tuple[CaseFileItem, ...] = (
    CaseFileItem.REGISTRATION,
    CaseFileItem.RIGHTS_NOTICE,
    CaseFileItem.IDENTITY_PROOF,
    CaseFileItem.MEDIATION_RECORD,
    CaseFileItem.BACK_COVER,
)
"""The required items of docs/legal-basis.md §5.1.3 other than the outcome (agreement or termination record)."""
