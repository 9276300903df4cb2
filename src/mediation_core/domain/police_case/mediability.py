"""What makes a 治安 case mediable (程序规定 arts. 178–179), and the records police mediation keeps.

Mediable = one of the listed acts, caused by a civil dispute, minor circumstances, at least one
qualifying circumstance (art. 178), and no exclusion (art. 179). Art. 178's list ends in 「等」, so
an act outside it may be mediable too when the officer records why (``other_act_reason``). The
exclusions only ever take mediability away: adding one can never make a case mediable (§9 rule 17).
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen


class PoliceAct(enum.Enum):
    """The acts art. 178 lists as mediable when the other conditions hold. OTHER is an act outside
    the list: the list ends in 「等」, so it may be mediable with a recorded reason."""

    ASSAULT = "assault"  # 殴打他人
    INTENTIONAL_INJURY = "intentional_injury"  # 故意伤害
    INSULT = "insult"  # 侮辱
    DEFAMATION = "defamation"  # 诽谤
    FALSE_ACCUSATION = "false_accusation"  # 诬告陷害
    PROPERTY_DAMAGE = "property_damage"  # 故意损毁财物
    DISTURBANCE = "disturbance"  # 干扰他人正常生活
    PRIVACY = "privacy"  # 侵犯隐私
    TRESPASS = "trespass"  # 非法侵入住宅
    OTHER = "other"  # 其他违反治安管理行为

    @property
    def listed(self) -> bool:
        return self is not PoliceAct.OTHER

    @property
    def title_zh(self) -> str:
        return _ACT_TITLES[self]


_ACT_TITLES = {
    PoliceAct.ASSAULT: "殴打他人",
    PoliceAct.INTENTIONAL_INJURY: "故意伤害",
    PoliceAct.INSULT: "侮辱",
    PoliceAct.DEFAMATION: "诽谤",
    PoliceAct.FALSE_ACCUSATION: "诬告陷害",
    PoliceAct.PROPERTY_DAMAGE: "故意损毁财物",
    PoliceAct.DISTURBANCE: "干扰他人正常生活",
    PoliceAct.PRIVACY: "侵犯隐私",
    PoliceAct.TRESPASS: "非法侵入住宅",
    PoliceAct.OTHER: "其他违反治安管理行为",
}


class Circumstance(enum.Enum):
    """The qualifying circumstances of art. 178; at least one is needed."""

    RELATIONSHIP_TRIVIAL = "relationship_trivial"  # 亲友、邻里、同事、在校学生之间因琐事发生纠纷
    VICTIM_FAULT = "victim_fault"  # 行为人的侵害行为系由被侵害人事前的过错行为引起
    EASIER_BY_MEDIATION = "easier_by_mediation"  # 其他适用调解处理更易化解矛盾


class Exclusion(enum.Enum):
    """Art. 179: any one of these bars police mediation."""

    HIRED_ASSAULT = "hired_assault"  # 雇凶伤害他人
    GROUP_FIGHT = "group_fight"  # 结伙斗殴
    PROVOCATION = "provocation"  # 寻衅滋事
    REPEAT_VIOLATIONS = "repeat_violations"  # 多次违反治安管理
    PARTY_UNWILLING = "party_unwilling"  # 当事人明确表示不愿意调解处理
    NEW_VIOLATION = "new_violation"  # 调解过程中又针对对方实施违反治安管理行为
    SUSPECT_FLED = "suspect_fled"  # 调解过程中违法嫌疑人逃跑
    OTHER_UNSUITABLE = "other_unsuitable"  # 其他不宜调解处理的情形

    @property
    def title_zh(self) -> str:
        return _EXCLUSION_TITLES[self]


_EXCLUSION_TITLES = {
    Exclusion.HIRED_ASSAULT: "雇凶伤害他人",
    Exclusion.GROUP_FIGHT: "结伙斗殴",
    Exclusion.PROVOCATION: "寻衅滋事",
    Exclusion.REPEAT_VIOLATIONS: "多次违反治安管理",
    Exclusion.PARTY_UNWILLING: "当事人明确表示不愿意调解处理",
    Exclusion.NEW_VIOLATION: "调解过程中又针对对方实施违反治安管理行为",
    Exclusion.SUSPECT_FLED: "调解过程中违法嫌疑人逃跑",
    Exclusion.OTHER_UNSUITABLE: "其他不宜调解处理的情形",
}


@frozen(kw_only=True)
class Assessment:
    """The station's assessment of a 治安 case against arts. 178–179."""

    act: PoliceAct
    from_civil_dispute: bool
    minor: bool  # 情节较轻
    circumstances: frozenset[Circumstance] = frozenset()
    exclusions: frozenset[Exclusion] = frozenset()
    other_act_reason: str = ""  # why an act outside art. 178's list is alike (「等」)


def art178_gaps(a: Assessment) -> list[tuple[str, str, str]]:
    """Which conditions of art. 178 fail: (field, 中文, English)."""
    gaps = []
    if not a.act.listed and not a.other_act_reason.strip():
        gaps.append(
            (
                "assessment.other_act_reason",
                f"「{a.act.title_zh}」不在第178条所列行为之内，须写明其与所列行为相当、可以调解的理由",
                "an act outside art. 178's list needs the officer's recorded reason why it is alike",
            )
        )
    if not a.from_civil_dispute:
        gaps.append(("assessment.from_civil_dispute", "须因民间纠纷引起", "it must arise from a civil dispute"))
    if not a.minor:
        gaps.append(("assessment.minor", "须情节较轻", "the circumstances must be minor"))
    if not a.circumstances:
        gaps.append(
            (
                "assessment.circumstances",
                "须具有亲友邻里同事同学琐事纠纷、被侵害人事前过错或其他更易化解矛盾的情形之一",
                "one qualifying circumstance is needed",
            )
        )
    return gaps


def mediable(a: Assessment) -> bool:
    """§9 rules 16 and 17 together: art. 178 holds and no art. 179 exclusion is present."""
    return not art178_gaps(a) and not a.exclusions


class SessionReason(enum.Enum):
    """Why a second session is held (art. 183: the police think it necessary, or a party asks)."""

    POLICE_NECESSARY = "police_necessary"
    PARTY_REQUEST = "party_request"


@frozen(kw_only=True)
class Delegate:
    """Someone acting for a party in police mediation (art. 181: only the victim may delegate,
    with a written power of attorney stating its scope)."""

    party_id: str
    name: str
    written_authority: bool
    scope: str = ""


@frozen(kw_only=True)
class PoliceSession:
    """One police mediation session as the record keeps it."""

    on: dt.date
    presiding_officer: str
    place: str
    party_ids: tuple[str, ...]
    summary: str
    reason: SessionReason | None = None
    late: bool = False
    late_reason: str = ""


@frozen(kw_only=True)
class Incident:
    """Time, place, persons, cause, course, circumstances and result of the incident (art. 184)."""

    time: str
    place: str
    persons: str
    cause: str
    course: str
    circumstances: str
    result: str


@frozen(kw_only=True)
class PoliceAgreementTerms:
    """治安调解协议书 contents (art. 184)."""

    organ_name: str
    presiding_officer: str
    present_party_ids: tuple[str, ...]
    incident: Incident
    terms: str
    performance_deadline: dt.date
    performance_method: str
    others_present: tuple[str, ...] = ()


@frozen(kw_only=True)
class OnTheSpotConditions:
    """当场调解 (art. 178 para. 3): every one must hold."""

    minor: bool  # 案件事实清楚、情节轻微
    facts_clear: bool
    causation_clear: bool  # 因果关系明确
    losses_undisputed: bool  # 不涉及医疗费用、物品损失或者双方当事人对医疗费用和物品损失的赔付无争议
    agree_on_the_spot: bool  # 双方同意当场调解
    perform_on_the_spot: bool  # 并当场履行


class SettlementRoute(enum.Enum):
    """How the parties settled without the police mediating (程序规定 art. 186; 处罚法（2025年修订）
    art. 9 para. 4): on their own, or before a people's mediation committee they went to themselves
    (an entrustment by the station is the separate 委托 route)."""

    OWN = "own"  # 当事人自行和解
    PEOPLES_MEDIATION = "peoples_mediation"  # 经人民调解委员会调解达成协议

    @property
    def title_zh(self) -> str:
        return "当事人自行和解" if self is SettlementRoute.OWN else "经人民调解委员会调解达成协议"


class Punishment(enum.Enum):
    """The station's decision that closes a 治安 case."""

    NO_PUNISHMENT = "no_punishment"  # 不予处罚
    PUNISHMENT = "punishment"  # 依法处罚

    @property
    def title_zh(self) -> str:
        return "不予处罚" if self is Punishment.NO_PUNISHMENT else "依法处罚"
