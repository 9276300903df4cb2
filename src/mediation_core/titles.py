"""The Chinese titles of commands, events, query results and the enums that carry none.

Most enums carry their own (``title_zh``), some have a table where they are printed (the ledger's
columns, the forms, the reminders), and the ledger row names its columns (``LEDGER_HEADERS_ZH``):
those are reused here, and the rest is declared here. These are the titles the schemas
(:mod:`mediation_core.schemas`) and ``mediation schema`` show beside the codes, in the glossary's
words (docs/glossary.md). A command, event, result or enum value without a title fails the
schema tests.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from mediation_core.app.integrity import TITLES as FINDING_TITLES
from mediation_core.app.integrity import FindingKind
from mediation_core.app.ports import DeliveryStatus, RelayStatus
from mediation_core.domain.case.agreements import AgreementForm, AgreementSubject, Mark, SignatoryKind
from mediation_core.domain.case.commands import Authority
from mediation_core.domain.case.followups import Satisfaction
from mediation_core.domain.case.rules.intake import _AUTHORITY_ZH
from mediation_core.domain.police_case.mediability import Circumstance, SessionReason
from mediation_core.domain.referral.letters import ConsentForm, FeedbackKind, OriginKind
from mediation_core.domain.reminders import _URGENCY_ZH
from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH, Outcome
from mediation_core.domain.traffic.accident import DamageKind, DeterminationKind, TrafficRoute
from mediation_core.domain.values.deadlines import Urgency
from mediation_core.domain.values.notices import NoticeKind
from mediation_core.domain.values.organisations import Employment, OrgKind
from mediation_core.domain.values.parties import Side
from mediation_core.domain.values.risks import Difficulty
from mediation_core.exports.forms import SIDE_ZH
from mediation_core.exports.ledger import DIFFICULTY_TITLES, FORM_TITLES, OUTCOME_TITLES, SATISFACTION_TITLES

COMMAND_TITLES_ZH: Mapping[str, str] = {
    "AcceptCase": "受理纠纷",
    "AcceptPoliceMediation": "交警受理调解申请",
    "AcceptReferral": "签收移送（委托）函",
    "ActOnFinding": "处置排查发现的纠纷",
    "AnonymiseParties": "匿名化当事人个人信息",
    "ApplyJudicialConfirmation": "申请司法确认",
    "RecordJudicialConfirmation": "登记司法确认结果",
    "ApplyPoliceMediation": "申请交警调解",
    "ArchiveCase": "立卷归档",
    "AssignMediator": "指派调解员",
    "CancelMeeting": "取消例会",
    "CloseScreening": "结束纠纷排查",
    "CompleteActionItem": "完成会议督办事项",
    "ConcludeEvaluation": "完成年度考评",
    "CorrectTrainees": "更正培训人员名单",
    "DecidePunishment": "作出治安处罚决定",
    "DeclineCase": "不予受理",
    "DeclineReferral": "不予调解",
    "DraftWrittenAgreement": "起草调解协议书",
    "EndForProceedings": "因起诉或申请仲裁终止调解",
    "EntrustToRoom": "委托调解室调解",
    "ExtendTerm": "延长调解期限",
    "ExtendTimeLimit": "延长办案期限",
    "FileDocument": "材料归卷",
    "FlagRisk": "标记风险",
    "GradeDifficulty": "评定疑难程度",
    "HandDispatchToRoom": "110警情移送调解室",
    "HoldMeeting": "召开例会",
    "HoldPoliceSession": "进行治安调解",
    "HoldSession": "召开调解会",
    "HoldTrafficSession": "召开交通事故调解会",
    "InviteParticipant": "邀请参与调解",
    "IssueLinkedReferral": "随关联决定发出移送（委托）函",
    "IssueMediationDocument": "出具交通事故调解书",
    "IssueReferral": "发出移送（委托）函",
    "KeepAsPoliceMatter": "110警情由公安机关处理",
    "MediateAccidentOnTheSpot": "交通事故当场调解",
    "MediateOnTheSpot": "治安案件当场调解",
    "NotifyRights": "告知权利义务",
    "OpenPoliceCase": "受理治安案件",
    "ReachOralAgreement": "达成口头协议",
    "ReceiveDispute": "登记纠纷",
    "ReceivePeoplesMediationReport": "接收人民调解结果",
    "ReceiveReferralFeedback": "接收委托调解反馈",
    "RecordAssessment": "登记鉴定结果",
    "RecordConsent": "登记当事人是否同意调解",
    "RecordDamageDetermined": "登记损失确定",
    "RecordDispatch": "登记110接处警",
    "RecordExclusion": "登记不适用调解的情形",
    "RecordFinding": "登记排查发现的纠纷",
    "RecordFollowUp": "登记回访",
    "RecordInspection": "登记督导检查",
    "RecordInvestigation": "登记调查记录",
    "RecordJointApplication": "登记当事人共同申请调解",
    "RecordMisconduct": "认定调解员违纪",
    "RecordOwnSettlement": "登记当事人自行和解",
    "RecordOwnSettlementPerformed": "登记自行和解已履行",
    "RecordPoliceAgreement": "登记治安调解协议",
    "RecordPoliceMediationFailed": "登记治安调解不成",
    "RecordPolicePerformance": "登记治安调解协议履行情况",
    "RecordPrevention": "登记防止民转刑或群体性事件",
    "RecordRectification": "登记整改",
    "RecordScreening": "登记纠纷排查",
    "RecordTraining": "登记培训",
    "RegisterAccident": "登记道路交通事故赔偿纠纷",
    "ReportReferralOutcome": "反馈调解结果",
    "ReportReferralPerformance": "反馈协议履行情况",
    "ReportToPolice": "向公安机关报告",
    "RequestRecusal": "申请回避",
    "RequestSessionChange": "申请变更调解时间",
    "ResubmitReturn": "补报（更正）统计报表",
    "ReturnReferral": "退回移送（委托）",
    "ReviseEvaluation": "修改考评结果",
    "RevokeFinding": "撤销违纪认定",
    "ScheduleMeeting": "安排例会",
    "ScheduleSession": "安排调解会",
    "ScheduleTrafficSession": "安排交通事故调解会",
    "SendToPeoplesMediation": "交通事故转人民调解",
    "SettleOnScene": "随警调解当场化解",
    "SignAgreement": "签署调解协议",
    "StartAssessment": "委托鉴定",
    "StartMediation": "开始调解",
    "SubmitReturn": "报送统计报表",
    "TerminateCase": "终止调解",
    "TerminateTrafficMediation": "终止交通事故调解",
    "WithdrawReferral": "撤回移送（委托）",
}
"""Command name (``"command"`` in its JSON) → its Chinese title."""

EVENT_TITLES_ZH: Mapping[str, str] = {
    "access.chain_rekeyed": "身份密钥已更换",
    "access.chain_resealed": "封印链已重新签封",
    "access.denied": "访问被拒绝",
    "case.accepted": "纠纷已受理",
    "case.agreement_signed": "调解协议已签署",
    "case.agreement_took_effect": "调解协议已生效",
    "case.archived": "已立卷归档",
    "case.consent_recorded": "当事人意见已登记",
    "case.declined": "不予受理",
    "case.difficulty_graded": "疑难程度已评定",
    "case.document_filed": "材料已归卷",
    "case.escalation_prevented": "已防止民转刑或群体性事件",
    "case.follow_up_recorded": "回访已登记",
    "case.investigation_recorded": "调查记录已登记",
    "case.judicial_confirmation_applied": "已申请司法确认",
    "case.judicial_confirmation_ruled": "人民法院已作出司法确认裁定",
    "case.mediation_started": "调解已开始",
    "case.mediator_assigned": "调解员已指派",
    "case.mediator_recused": "调解员已回避",
    "case.oral_agreement_reached": "已达成口头协议",
    "case.participant_invited": "已邀请参与人",
    "case.parties_anonymised": "当事人信息已匿名化",
    "case.police_report_recorded": "已向公安机关报告",
    "case.received": "纠纷已登记",
    "case.rights_notified": "已告知权利义务",
    "case.risk_flagged": "风险已标记",
    "case.session_held": "调解会已召开",
    "case.session_scheduled": "调解会已安排",
    "case.term_extended": "调解期限已延长",
    "case.terminated": "调解已终止",
    "case.written_agreement_drafted": "调解协议书已起草",
    "dispatch.handed_to_room": "110警情已移送调解室",
    "dispatch.kept_as_police_matter": "110警情由公安机关处理",
    "dispatch.recorded": "110接处警已登记",
    "dispatch.settled_on_scene": "已随警调解当场化解",
    "evaluation.concluded": "年度考评已完成",
    "evaluation.revised": "考评结果已修改",
    "inspection.recorded": "督导检查已登记",
    "inspection.rectified": "已整改",
    "ledger.import_approved": "台账导入已核准",
    "ledger.import_completed": "台账导入已写完",
    "ledger.import_recorded": "台账导入已登记",
    "ledger.row_imported": "台账行已导入",
    "meeting.action_item_completed": "督办事项已完成",
    "meeting.cancelled": "例会已取消",
    "meeting.held": "例会已召开",
    "meeting.scheduled": "例会已安排",
    "misconduct.found": "违纪已认定",
    "misconduct.revoked": "违纪认定已撤销",
    "police_case.agreement_not_performed": "治安调解协议未履行",
    "police_case.agreement_performed": "治安调解协议已履行",
    "police_case.agreement_reached": "已达成治安调解协议",
    "police_case.assessment_issued": "鉴定结果已出具",
    "police_case.assessment_started": "已委托鉴定",
    "police_case.decided": "已作出处罚决定",
    "police_case.entrusted": "已委托调解室调解",
    "police_case.entrustment_ended": "委托调解已结束",
    "police_case.exclusion_found": "发现不适用调解的情形",
    "police_case.joint_application_recorded": "共同申请调解已登记",
    "police_case.mediation_failed": "治安调解不成",
    "police_case.opened": "治安案件已受理",
    "police_case.own_settlement_performed": "自行和解已履行",
    "police_case.own_settlement_reached": "当事人已自行和解",
    "police_case.peoples_agreement_not_performed": "人民调解协议未履行",
    "police_case.peoples_agreement_performed": "人民调解协议已履行",
    "police_case.peoples_mediation_failed": "人民调解不成",
    "police_case.peoples_mediation_settled": "人民调解成功",
    "police_case.session_held": "治安调解已进行",
    "police_case.settled_on_the_spot": "已当场调解",
    "police_case.time_limit_extended": "办案期限已延长",
    "referral.accepted": "移送（委托）已签收",
    "referral.declined": "不予调解",
    "referral.issued": "移送（委托）函已发出",
    "referral.outcome_reported": "调解结果已反馈",
    "referral.performance_reported": "履行情况已反馈",
    "referral.returned": "移送（委托）已退回",
    "referral.withdrawn": "移送（委托）已撤回",
    "return.resubmitted": "统计报表已补报",
    "return.submitted": "统计报表已报送",
    "screening.closed": "纠纷排查已结束",
    "screening.dispute_found": "排查发现纠纷",
    "screening.finding_acted_on": "排查发现的纠纷已处置",
    "screening.recorded": "纠纷排查已登记",
    "traffic.damage_determined": "损失已确定",
    "traffic.mediation_document_issued": "交通事故调解书已出具",
    "traffic.mediation_terminated": "交通事故调解已终止",
    "traffic.peoples_mediation_declined": "人民调解不予受理",
    "traffic.peoples_mediation_settled": "人民调解成功",
    "traffic.peoples_mediation_terminated": "人民调解已终止",
    "traffic.police_mediation_accepted": "交警已受理调解",
    "traffic.police_mediation_applied": "已申请交警调解",
    "traffic.registered": "交通事故赔偿纠纷已登记",
    "traffic.sent_to_peoples_mediation": "已转人民调解",
    "traffic.session_change_requested": "已申请变更调解时间",
    "traffic.session_held": "交通事故调解会已召开",
    "traffic.session_scheduled": "交通事故调解会已安排",
    "traffic.settled_on_the_spot": "交通事故已当场调解",
    "training.recorded": "培训已登记",
    "training.trainees_corrected": "培训人员名单已更正",
}
"""Event tag (as stored) → its Chinese title."""

RESULT_TITLES_ZH: Mapping[str, str] = {
    "AccessDenial": "拒绝访问记录",
    "AgendaItem": "例会议题",
    "CaseFile": "一案一卷",
    "CaseState": "案件",
    "ChainBreak": "封印链断裂",
    "CrossCheck": "公调数据比对",
    "DashboardData": "工作看板",
    "Deadline": "期限",
    "DeliveryReport": "通知投递情况",
    "DispatchState": "110警情",
    "Document": "查询文档",
    "DueItem": "到期事项",
    "EvaluationRound": "年度考评",
    "Expired": "保管期满的卷宗",
    "FilingStatus": "统计报表报送情况",
    "ImportedBatch": "台账导入批次",
    "Inspection": "督导检查",
    "InspectionLine": "督导检查情况",
    "LedgerRow": "调解登记台账行",
    "LedgerTable": "调解登记台账",
    "MediatorResult": "调解员考评结果",
    "Meeting": "例会",
    "MeetingSlot": "例会召开情况",
    "MisconductFinding": "违纪认定",
    "OutboxEntry": "待发通知",
    "PoliceCaseState": "治安案件",
    "ReferralState": "移送（委托）",
    "Registry": "组织名册",
    "RelayLag": "事件推送积压",
    "RelayPosition": "事件推送进度",
    "RelayReport": "事件推送情况",
    "Rekeyed": "身份密钥更换情况",
    "ResealEntry": "重新签封记录",
    "Screening": "纠纷排查",
    "ScreeningLine": "纠纷排查台账行",
    "SignedFileCheck": "签署文件核验结果",
    "StatisticalReturn": "统计报表",
    "StatisticsReport": "协调中心统计报告",
    "TrafficState": "道路交通事故赔偿调解",
    "TrainingLine": "培训情况",
    "TrainingSession": "培训",
    "integrity.Finding": "完整性检查发现",
}
"""Query result (by its schema name) → its Chinese title."""

FIELD_TITLES_ZH: Mapping[str, Mapping[str, str]] = {"LedgerRow": LEDGER_HEADERS_ZH}
"""Schema name → field → the Chinese title of the field, where the code names them already."""


def _by_value(cls: type[enum.Enum], titles: Mapping[str, str]) -> dict[enum.Enum, str]:
    return {member: titles[member.value] for member in cls}


def _by_member(titles: Mapping[Any, str]) -> dict[enum.Enum, str]:
    return {member: title for member, title in titles.items() if isinstance(member, enum.Enum)}


ENUM_TITLES_ZH: Mapping[type[enum.Enum], Mapping[enum.Enum, str]] = {
    # reused from where they are printed
    Outcome: _by_value(Outcome, OUTCOME_TITLES),
    AgreementForm: _by_value(AgreementForm, FORM_TITLES),
    Difficulty: _by_value(Difficulty, DIFFICULTY_TITLES),
    Satisfaction: _by_value(Satisfaction, SATISFACTION_TITLES),
    Side: _by_member(SIDE_ZH),
    Urgency: _by_member(_URGENCY_ZH),
    Authority: _by_member(_AUTHORITY_ZH),
    FindingKind: {kind: zh for kind, (zh, _) in FINDING_TITLES.items()},
    # declared here
    AgreementSubject: {
        AgreementSubject.CIVIL_RIGHTS: "民事权利义务",
        AgreementSubject.IDENTITY_RELATION: "身份关系",
        AgreementSubject.REAL_RIGHT_OWNERSHIP: "物权归属",
        AgreementSubject.IP_OWNERSHIP: "知识产权归属",
    },
    Mark: {Mark.SIGNATURE: "签名", Mark.SEAL: "盖章", Mark.FINGERPRINT: "按指印"},
    SignatoryKind: {
        SignatoryKind.PARTY: "当事人",
        SignatoryKind.MEDIATOR: "调解员",
        SignatoryKind.COMMITTEE_SEAL: "人民调解委员会印章",
        SignatoryKind.GUARDIAN: "监护人",
    },
    Circumstance: {
        Circumstance.RELATIONSHIP_TRIVIAL: "亲友、邻里、同事之间因琐事引发",
        Circumstance.VICTIM_FAULT: "被侵害人有过错",
        Circumstance.EASIER_BY_MEDIATION: "调解处理更易化解矛盾",
    },
    SessionReason: {SessionReason.POLICE_NECESSARY: "公安机关认为必要", SessionReason.PARTY_REQUEST: "当事人要求"},
    ConsentForm: {ConsentForm.WRITTEN: "书面", ConsentForm.RECORDED: "记录在案", ConsentForm.ORAL: "口头"},
    FeedbackKind: {
        FeedbackKind.DECLINED: "未予调解",
        FeedbackKind.SETTLED: "调解成功",
        FeedbackKind.FAILED: "调解不成",
        FeedbackKind.PERFORMED: "已履行",
        FeedbackKind.NOT_PERFORMED: "未履行",
    },
    OriginKind: {
        OriginKind.POLICE_CASE: "治安案件",
        OriginKind.DISPATCH: "110接处警",
        OriginKind.TRAFFIC: "道路交通事故",
    },
    DamageKind: {
        DamageKind.DEATH: "死亡",
        DamageKind.INJURY: "受伤",
        DamageKind.DISABILITY: "伤残",
        DamageKind.PROPERTY: "财产损失",
    },
    DeterminationKind: {
        DeterminationKind.DETERMINATION: "道路交通事故认定书",
        DeterminationKind.CERTIFICATE: "道路交通事故证明",
        DeterminationKind.REVIEW_DECISION: "道路交通事故认定复核结论",
    },
    TrafficRoute: {TrafficRoute.POLICE: "公安机关交通管理部门调解", TrafficRoute.PEOPLES: "人民调解"},
    Employment: {Employment.FULL_TIME: "专职", Employment.PART_TIME: "兼职"},
    OrgKind: {
        OrgKind.DISTRICT: "区（县）",
        OrgKind.TOWNSHIP: "乡镇（街道）",
        OrgKind.POLICE_STATION: "派出所",
        OrgKind.TRAFFIC_POLICE: "公安交警部门",
        OrgKind.MEDIATION_ROOM: "驻所调解室",
        OrgKind.COMMITTEE: "人民调解委员会",
        OrgKind.JUSTICE_OFFICE: "司法所",
        OrgKind.GOVERNANCE_OFFICE: "综治办（综治中心）",
        OrgKind.COORDINATION_CENTRE: "矛盾纠纷多元化解协调中心",
        OrgKind.INSURER: "保险公司",
    },
    RelayStatus: {RelayStatus.PENDING: "待推送", RelayStatus.DEAD: "推送失败"},
    DeliveryStatus: {
        DeliveryStatus.PENDING: "待发送",
        DeliveryStatus.DELIVERED: "已送达",
        DeliveryStatus.DEAD: "发送失败",
    },
    NoticeKind: {
        NoticeKind.ESCALATION_RISK: "矛盾激化风险",
        NoticeKind.REFERRAL_RECEIVED: "收到移送（委托）函",
        NoticeKind.REFERRAL_ACKNOWLEDGED: "移送（委托）已签收",
        NoticeKind.REFERRAL_DECLINED: "不予调解",
        NoticeKind.REFERRAL_RETURNED: "移送（委托）已退回",
        NoticeKind.REFERRAL_RESULT: "调解结果反馈",
        NoticeKind.ENTRUSTED_CASE_CONCLUDED: "委托调解案件已办结",
        NoticeKind.POLICE_DECISION_DUE: "待作出治安处理决定",
        NoticeKind.DEADLINE_DUE: "期限即将到期",
        NoticeKind.DEADLINE_OVERDUE: "期限已逾期",
        NoticeKind.MEETING_SCHEDULED: "例会通知",
        NoticeKind.INSURER_SESSION: "保险公司参加调解通知",
        NoticeKind.CASE_CONCLUDED: "案件已办结",
    },
}
"""Enum → member → its Chinese title, for the enums without ``title_zh``."""
