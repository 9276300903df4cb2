"""County policy: configurable values with a documented default and a cited basis.

Hard legal rules are not here and cannot be switched off. Each field's docstring names its
basis; ``docs/policy.md`` is generated from :data:`POLICY_FIELDS_BASIS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from attrs import field, fields, frozen

from mediation_core.domain.values.actors import Role
from mediation_core.domain.values.calendar import BeyondRange
from mediation_core.domain.values.casefile import DEFAULT_REQUIRED_ITEMS, CaseFileItem
from mediation_core.domain.values.parties import MAX_REPRESENTATIVES
from mediation_core.domain.values.privacy import DEFAULT_PERSONAL_DATA_ROLES, DEFAULT_WITHHELD_ROLES
from mediation_core.domain.values.sources import ReferralMode

POLICE_BINDING_TERMS: tuple[str, ...] = (
    "公安机关不予处罚",
    "派出所不予处罚",
    "不予治安管理处罚",
    "不予行政处罚",
    "不予处罚",
    "免予处罚",
    "免除处罚",
    "公安机关不予追究",
    "派出所不予追究",
    "不追究治安责任",
    "不追究行政责任",
    "不追究刑事责任",
    "撤销案件",
    "撤销治安案件",
    "撤案",
    "不予立案",
    "不予拘留",
)
"""Terms by which a people's-mediation agreement would decide for the police (docs/legal-basis.md
§2.6). The rule ``agreement_binds_no_police`` always checks these; a county may add more."""


def _positive(_: object, attribute: object, value: int) -> None:
    if value <= 0:
        name = getattr(attribute, "name", "?")
        msg = f"policy.{name} must be > 0, got {value}"
        raise ValueError(msg)


def _non_negative(_: object, attribute: object, value: int) -> None:
    if value < 0:
        name = getattr(attribute, "name", "?")
        msg = f"policy.{name} must be >= 0, got {value}"
        raise ValueError(msg)


def _term_set(instance: object, attribute: object, value: int) -> None:
    """The mediation term is counted in days when they are set, else in months: one must be > 0."""
    _non_negative(instance, attribute, value)
    if value == 0 and getattr(instance, "mediation_term_months", 0) == 0:
        msg = "policy.mediation_term_days and policy.mediation_term_months are both 0: the term needs one"
        raise ValueError(msg)


def _statutory_true(_: object, attribute: object, value: bool) -> None:
    if value is not True:
        name = getattr(attribute, "name", "?")
        msg = (
            f"policy.{name} cannot be switched off: a party's request for a written agreement is a trigger of "
            "人民调解工作若干规定（2002）第34条 (docs/legal-basis.md §1.4.2) / "
            "当事人要求制作书面协议的，应当制作，不能关闭"
        )
        raise ValueError(msg)


@frozen(kw_only=True)
class Policy:
    """A county's choices. Build with keyword overrides: ``Policy(mediation_term_days=20)``."""

    policy_id: str = "default"
    version: str = "2026.1"
    case_number_format: str = "（{year}）{room_code}人调字第{seq:03d}号"
    referral_letter_format: str = "{station_code}{mode}调〔{year}〕{seq}号"
    decline_letter_format: str = "{room_code}不调〔{year}〕{seq}号"
    mediation_term_months: int = field(default=1, validator=_non_negative)
    mediation_term_days: int = field(default=0, validator=_term_set)
    term_extension_days: int = field(default=30, validator=_positive)
    max_term_extensions: int = field(default=1, validator=_non_negative)
    escalation_report_days: int = field(default=1, validator=_non_negative)
    follow_up_working_days: int = field(default=15, validator=_positive)
    follow_up_required_for_archive: bool = True
    written_form_on_party_request: bool = field(default=True, validator=_statutory_true)
    written_form_when_deferred_performance: bool = True
    written_form_when_difficult: bool = True
    performance_place_required: bool = True
    archive_required_items: tuple[CaseFileItem, ...] = DEFAULT_REQUIRED_ITEMS
    beyond_calendar: BeyondRange = BeyondRange.WEEKENDS_ONLY
    deadline_warning_days: int = field(default=3, validator=_non_negative)
    personal_data_roles: tuple[Role, ...] = DEFAULT_PERSONAL_DATA_ROLES
    party_data_withheld_roles: tuple[Role, ...] = DEFAULT_WITHHELD_ROLES
    repeat_window_days: int = field(default=180, validator=_non_negative)
    repeat_min_shared_parties: int = field(default=2, validator=_positive)
    referral_ack_working_days: int = field(default=1, validator=_positive)
    entrustment_feedback_days: int = field(default=30, validator=_positive)
    police_first_session_working_days: int = field(default=3, validator=_positive)
    police_other_acts_mediable: bool = True
    police_binding_terms: tuple[str, ...] = POLICE_BINDING_TERMS
    insurer_notice_days: int = field(default=3, validator=_non_negative)
    return_cadence_months: int = field(default=1, validator=_positive)
    return_due_working_days: int = field(default=5, validator=_non_negative)
    joint_meeting_cadence_months: int = field(default=1, validator=_positive)
    case_analysis_cadence_months: int = field(default=1, validator=_positive)
    meeting_working_day: int = field(default=8, validator=_positive)
    case_analysis_quorum_percent: int = field(default=50, validator=_positive)
    duty_weight: int = field(default=30, validator=_non_negative)
    discipline_weight: int = field(default=20, validator=_non_negative)
    results_weight: int = field(default=50, validator=_non_negative)
    evaluation_item_points: Mapping[str, int] = field(factory=dict)
    grade_excellent_min: int = field(default=90, validator=_non_negative)
    grade_competent_min: int = field(default=70, validator=_non_negative)
    grade_basic_min: int = field(default=60, validator=_non_negative)
    excellent_quota_percent: int = field(default=15, validator=_non_negative)
    call_out_target: int = field(default=12, validator=_positive)
    cases_target: int = field(default=30, validator=_positive)
    difficulty_weights: Mapping[str, int] = field(factory=lambda: {"ordinary": 1, "difficult": 2, "major": 3})
    weighted_cases_target: int = field(default=45, validator=_positive)
    training_target: int = field(default=2, validator=_positive)
    misconduct_bars_excellent: bool = True
    subsidy_by_difficulty: Mapping[str, Decimal] = field(
        factory=lambda: {"ordinary": Decimal(50), "difficult": Decimal(200), "major": Decimal(500)}
    )
    subsidy_oral_ordinary: Decimal = Decimal(10)
    short_text_max_chars: int = field(default=200, validator=_positive)
    long_text_max_chars: int = field(default=5000, validator=_positive)
    list_max_items: int = field(default=500, validator=_positive)
    max_representatives: int = field(default=MAX_REPRESENTATIVES, validator=_positive)
    retention_years: int = field(default=10, validator=_positive)
    on_scene_days: int = field(default=1, validator=_non_negative)
    referral_consent_recorded: bool = True

    @property
    def label(self) -> str:
        """``policy_id@version``, recorded on every deadline this policy produced."""
        return f"{self.policy_id}@{self.version}"

    def case_number(self, *, year: int, room_code: str, seq: int) -> str:
        """Format the gap-free sequence number of an accepted case."""
        return self.case_number_format.format(year=year, room_code=room_code, seq=seq)

    def referral_letter_number(self, *, station_code: str, mode: ReferralMode, year: int, seq: int) -> str:
        """Format the gap-free number of a station's 移送函 (``mode`` 移) or 委托函 (委)."""
        return self.referral_letter_format.format(station_code=station_code, mode=mode.title_zh[0], year=year, seq=seq)

    def decline_letter_number(self, *, room_code: str, year: int, seq: int) -> str:
        """Format the gap-free number of a room's 不予调解函 (its own sequence, never the referral's)."""
        return self.decline_letter_format.format(room_code=room_code, year=year, seq=seq)


POLICY_FIELDS_BASIS: dict[str, str] = {
    "policy_id": "County identifier recorded on deadlines.",
    "version": "County policy version recorded on deadlines.",
    "case_number_format": "卷号 form 「（年）人调字第 号」 (county template S17, docs/legal-basis.md §5.1.3).",
    "referral_letter_format": (
        "Number of a station's 移送/委托人民调解函, gap-free per station and year; {mode} is 移 or 委 "
        "(移送人民调解函, docs/legal-basis.md §3.2)."
    ),
    "decline_letter_format": (
        "Number of a room's 不予调解函, gap-free per room and year and separate from the referral letter it "
        "answers (宁波市人民调解条例 art. 19, docs/legal-basis.md §3.3)."
    ),
    "mediation_term_months": (
        "「一般在一个月内调结」 人民调解工作若干规定 art. 33; 宁波条例 art. 27: a calendar month, ending on the "
        "corresponding day or the month's last day (民法典 art. 202) and moved past a rest day (art. 203) "
        "(docs/legal-basis.md §1.3.14)."
    ),
    "mediation_term_days": (
        "A county that sets its term in days instead: when above 0 the term is this many calendar days "
        "(moved past a rest day) and mediation_term_months is not used (docs/legal-basis.md §1.3.14)."
    ),
    "term_extension_days": "Extension length; 济源 court practice: at most 30 more days (docs/legal-basis.md §1.3.14).",
    "max_term_extensions": (
        "How many extensions, each with every party's consent (S16 art. 36, docs/legal-basis.md §1.3.14)."
    ),
    "escalation_report_days": "「及时报告」 人民调解法 art. 25: days allowed to report to the police.",
    "follow_up_working_days": (
        "回访 within this many working days of the agreement taking effect (S16 art. 39; S18 practice; "
        "docs/legal-basis.md §1.4.8)."
    ),
    "follow_up_required_for_archive": (
        "A settled case is archived only after a 回访 (file review criteria, docs/legal-basis.md §5.1.4)."
    ),
    "written_form_on_party_request": (
        "Deprecated, always true: a party's request is a statutory trigger of the written form (人民调解工作若干规定"
        "（2002）第34条, docs/legal-basis.md §1.4.2), enforced by `written_form_required`; setting it false is refused."
    ),
    "written_form_when_deferred_performance": (
        "A county's extra trigger: written agreement when performance is not immediate (宁波市人民调解条例（2014）"
        "第24条; docs/legal-basis.md §1.4.2); rule `written_form_local_triggers`."
    ),
    "written_form_when_difficult": (
        "A county's extra trigger: written agreement for difficult or major disputes (宁波市人民调解条例（2014）"
        "第24条; docs/legal-basis.md §1.4.2); rule `written_form_local_triggers`."
    ),
    "performance_place_required": (
        "Written agreement states the place of performance (S12 art. 35; docs/legal-basis.md §1.4.3)."
    ),
    "archive_required_items": "卷宗 required items (one county template, docs/legal-basis.md §5.1.3).",
    "beyond_calendar": "Past the calendar's published range: refuse, or count weekends only and flag.",
    "deadline_warning_days": "A deadline is 'due soon' this many calendar days before it falls due.",
    "personal_data_roles": (
        "Roles that read parties' ID and phone numbers in full in reports, exports and documents, within their "
        "scope; everyone else gets them masked (个人信息保护法 arts. 6, 51; 人民调解法 art. 15)."
    ),
    "party_data_withheld_roles": (
        "Roles that read cases, rows and records without any party personal data: names reduced to the surname "
        "and 某, ID numbers, phones and addresses removed (个人信息保护法 art. 6: no more than the purpose needs; "
        "district figures need no party's identity). Default: the coordination centre."
    ),
    "repeat_window_days": (
        "An intake repeats an earlier case of the same parties and category received at most this many days "
        "after that case was concluded (or received, while open). Fewer repeat calls about the same dispute "
        "is a stated goal of 公调对接 (川司法发〔2016〕65号, docs/legal-basis.md §3.2); the window is county practice."
    ),
    "referral_ack_working_days": (
        "The room acknowledges (accepts, declines or returns) a 移送/委托函 within this many working days. No "
        "national limit exists (docs/legal-basis.md §8.2); local practice: contact within 1 hour, feedback on "
        "ordinary disputes within 24 hours (新余, §3.7)."
    ),
    "entrustment_feedback_days": (
        "An entrusted case reports its result to the station within this many days of acceptance (宁波条例 art. 19 "
        "「及时反馈」; docs/legal-basis.md §3.3, §3.7); by default the one-month mediation term."
    ),
    "police_first_session_working_days": (
        "治安调解: first session within this many working days of accepting the case, or of the injury or value "
        "assessment being issued (公安机关治安调解工作规范 art. 9, docs/legal-basis.md §2.2.9)."
    ),
    "police_other_acts_mediable": (
        "Whether the station may mediate an act outside 程序规定 art. 178's list (the list ends in 「等」) when the "
        "officer records why it is alike; False keeps police mediation to the listed acts (docs/legal-basis.md §2.4)."
    ),
    "police_binding_terms": (
        "Words that make a people's-mediation agreement decide for the police (不予处罚, 撤销案件 …); the built-in "
        "list always applies and a county may add to it (人民调解法 art. 2; 治安管理处罚法 art. 9; docs/legal-basis.md "
        "§2.6)."
    ),
    "insurer_notice_days": (
        "People's mediation of an insured traffic case notifies the insurer of each session this many working "
        "days ahead (公通字〔2010〕29号; working days as in 道路交通事故处理程序规定 art. 111(4); "
        "docs/legal-basis.md §4.2.5, §4.3, §9 rule 31)."
    ),
    "repeat_min_shared_parties": (
        "How many parties (by resident ID number or credit code) the earlier case must share; when an intake "
        "identifies fewer parties, all of them must be shared."
    ),
    "return_cadence_months": (
        "Rooms report to the coordination centre every this many months (district practice: 定期报送区矛盾纠纷多元化解"
        "协调中心, docs/legal-basis.md §10.4; the 2010 司法部 statistics tables were not read, §8.5): monthly by "
        "default."
    ),
    "return_due_working_days": "A return is due this many working days after its period ends (county practice).",
    "joint_meeting_cadence_months": (
        "司法所、综治办、派出所「每月召开例会」 (双例会, docs/legal-basis.md §10.3): one joint meeting per township "
        "per block "
        "of this many months."
    ),
    "case_analysis_cadence_months": (
        "驻所调解室「定期召开案情分析会」 (docs/legal-basis.md §10.3); the frequency is county practice: monthly by "
        "default."
    ),
    "meeting_working_day": (
        "Meetings are proposed on this working day of their month, after the month's returns are due "
        "(return_due_working_days), so the meeting has the filed figures."
    ),
    "case_analysis_quorum_percent": (
        "A case-analysis meeting has its quorum when at least this share of the room's mediators attend "
        "(county practice; the joint meeting's quorum is 司法所 + 综治办 + 派出所 and is not configurable)."
    ),
    "duty_weight": (
        "Weight of 尽责履职 (duty performance) in the 100-point evaluation. The three headings are district "
        "practice (docs/legal-basis.md §10.5); weights are county practice (§6.3: 平邑 puts 70 of 100 on 业务工作)."
    ),
    "discipline_weight": "Weight of 遵章守纪 (discipline): 人民调解法 art. 15 findings and recusal breaches.",
    "results_weight": (
        "Weight of 工作业绩 (work results); the national appraisal model stresses results (公务员法 art. 35)."
    ),
    "evaluation_item_points": (
        "Maximum points per evaluation item code, overriding each item's default; 0 drops an item. Items are "
        "listed in docs/evaluation.md; counties add items through the mediation_evaluation_items hook."
    ),
    "grade_excellent_min": "Score for 优秀 (grades as in 公务员法 art. 38; thresholds are county practice).",
    "grade_competent_min": "Score for 称职.",
    "grade_basic_min": "Score for 基本称职; below it 不称职.",
    "excellent_quota_percent": (
        "At most this share of the mediators evaluated together are 优秀 (公务员考核规定: 优秀 一般不超过 15%); "
        "the quota is rounded down."
    ),
    "call_out_target": (
        "On-scene call-outs (随警出警) a year for full points (同步介入, docs/legal-basis.md §3.6, §10.2)."
    ),
    "cases_target": "Cases concluded a year for full points on the caseload item.",
    "difficulty_weights": (
        "Weight of a settled case by difficulty grade for the difficulty-weighted item (S20 厚街, "
        "docs/legal-basis.md §6.4)."
    ),
    "weighted_cases_target": "Difficulty-weighted settled cases a year for full points.",
    "training_target": "Training sessions attended a year for full points (人民调解法 art. 14: regular training).",
    "misconduct_bars_excellent": (
        "A mediator with a confirmed misconduct finding in the year cannot be 优秀 (as a 受处分 civil servant "
        "cannot, 公务员考核规定). A serious finding always makes the year 不称职 (人民调解法 art. 15)."
    ),
    "subsidy_by_difficulty": (
        "以案定补 amount (yuan) per settled, filed and performed case by difficulty grade (S20: 雅安 10–3000 by "
        "difficulty; 厚街 by difficulty, persons and amount; docs/legal-basis.md §6.4)."
    ),
    "subsidy_oral_ordinary": (
        "以案定补 amount for an ordinary case settled by oral agreement (S20: 板桥镇 10 yuan; docs/legal-basis.md "
        "§6.4)."
    ),
    "short_text_max_chars": (
        "Longest text of a one-line field (a name, a place, a title, a number): the forms' lines "
        "(人民调解文书格式, docs/legal-basis.md §5.1) hold far less; county practice."
    ),
    "long_text_max_chars": (
        "Longest narrative (纠纷简要情况, 调解记录, 协议内容, notes and reasons): a page or two of the forms; "
        "longer material is filed as a document of the case file (docs/legal-basis.md §5.1.3)."
    ),
    "list_max_items": (
        "Most items in one list of a command (parties, participants, trainees …): a numerous side acts "
        "through its representatives (宁波条例 art. 20, at most five); county practice."
    ),
    "max_representatives": (
        "Most representatives a numerous side elects (宁波市人民调解条例（2014）第20条: 1 to 5; no national "
        "limit, docs/legal-basis.md §1.3.16); rule `representatives_at_most_five`."
    ),
    "on_scene_days": (
        "Days after the call a settlement on the scene may still be dated: 0 the same day, 1 the next day too "
        "(a late-night call), district practice of the 110 linkage (docs/legal-basis.md §3.6); rule "
        "`settled_on_the_scene`. Not law: a settlement later than this goes the room's ordinary intake."
    ),
    "retention_years": (
        "Retention period (保管期限) of an archived case file, in years, when the archivist sets none: no national "
        "period for people's-mediation files was confirmed (docs/legal-basis.md §5.1.3, §8.8); counties commonly "
        "keep them 10 years. After it the parties are anonymised (个人信息保护法（2021）第19条、第47条)."
    ),
    "referral_consent_recorded": (
        "A referred dispute is accepted only with every party's consent on record (宁波市人民调解条例（2014）第19条, "
        "local practice; docs/legal-basis.md §3.9). The law only bars mediation against an explicit refusal "
        "(人民调解法（2010）第17条), which stays a hard rule; false accepts a referral without recorded consent."
    ),
}

if set(POLICY_FIELDS_BASIS) != {f.name for f in fields(Policy)}:  # pragma: no cover
    msg = "every Policy field needs a documented basis"
    raise RuntimeError(msg)
