"""County policy: configurable values with a documented default and a cited basis.

Hard legal rules are not here and cannot be switched off. Each field's docstring names its
basis; ``docs/policy.md`` is generated from :data:`POLICY_FIELDS_BASIS`.
"""

from __future__ import annotations

from attrs import field, fields, frozen

from mediation_core.domain.calendar import BeyondRange
from mediation_core.domain.casefile import DEFAULT_REQUIRED_ITEMS, CaseFileItem
from mediation_core.domain.sources import ReferralMode


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


@frozen(kw_only=True)
class Policy:
    """A county's choices. Build with keyword overrides: ``Policy(mediation_term_days=20)``."""

    policy_id: str = "default"
    version: str = "2026.1"
    case_number_format: str = "（{year}）{room_code}人调字第{seq:03d}号"
    referral_letter_format: str = "{station_code}{mode}调〔{year}〕{seq}号"
    mediation_term_days: int = field(default=30, validator=_positive)
    term_extension_days: int = field(default=30, validator=_positive)
    max_term_extensions: int = field(default=1, validator=_non_negative)
    escalation_report_days: int = field(default=1, validator=_non_negative)
    follow_up_working_days: int = field(default=15, validator=_positive)
    follow_up_required_for_archive: bool = True
    written_form_on_party_request: bool = True
    written_form_when_deferred_performance: bool = True
    written_form_when_difficult: bool = True
    performance_place_required: bool = True
    archive_required_items: tuple[CaseFileItem, ...] = DEFAULT_REQUIRED_ITEMS
    beyond_calendar: BeyondRange = BeyondRange.WEEKENDS_ONLY
    deadline_warning_days: int = field(default=3, validator=_non_negative)
    repeat_window_days: int = field(default=180, validator=_non_negative)
    repeat_min_shared_parties: int = field(default=2, validator=_positive)
    referral_ack_working_days: int = field(default=1, validator=_positive)
    entrustment_feedback_days: int = field(default=30, validator=_positive)
    police_first_session_working_days: int = field(default=3, validator=_positive)
    insurer_notice_days: int = field(default=3, validator=_non_negative)

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


POLICY_FIELDS_BASIS: dict[str, str] = {
    "policy_id": "County identifier recorded on deadlines.",
    "version": "County policy version recorded on deadlines.",
    "case_number_format": "卷号 form 「（年）人调字第 号」 (legal-basis §5.1.3, S17).",
    "referral_letter_format": (
        "Number of a station's 移送/委托人民调解函, gap-free per station and year; {mode} is 移 or 委 "
        "(移送人民调解函, legal-basis §3.2)."
    ),
    "mediation_term_days": "「一般在一个月内调结」 人民调解工作若干规定 art. 33; 宁波条例 art. 27 (§1.3.14).",
    "term_extension_days": "Extension length; 济源 court practice: at most 30 more days (§1.3.14).",
    "max_term_extensions": "How many extensions, each with every party's consent (§1.3.14, S16 art. 36).",
    "escalation_report_days": "「及时报告」 人民调解法 art. 25: days allowed to report to the police.",
    "follow_up_working_days": (
        "回访 within this many working days of the agreement taking effect (S16 art. 39; S18 practice)."
    ),
    "follow_up_required_for_archive": "A settled case is archived only after a 回访 (file review criteria §5.1.4).",
    "written_form_on_party_request": "Written agreement when a party asks (S12 art. 34; S14 art. 24).",
    "written_form_when_deferred_performance": "Written agreement when performance is not immediate (S14 art. 24).",
    "written_form_when_difficult": "Written agreement for difficult or major disputes (S14 art. 24).",
    "performance_place_required": "Written agreement states the place of performance (S12 art. 35).",
    "archive_required_items": "卷宗 required items (§5.1.3, one county template).",
    "beyond_calendar": "Past the calendar's published range: refuse, or count weekends only and flag.",
    "deadline_warning_days": "A deadline is 'due soon' this many calendar days before it falls due.",
    "repeat_window_days": (
        "An intake repeats an earlier case of the same parties and category received at most this many days "
        "after that case was concluded (or received, while open). Fewer repeat calls about the same dispute "
        "is a stated goal of 公调对接 (川司法发〔2016〕65号, legal-basis §3.2); the window is county practice."
    ),
    "referral_ack_working_days": (
        "The room acknowledges (accepts, declines or returns) a 移送/委托函 within this many working days. No "
        "national limit exists (legal-basis §8 item 2); local practice: contact within 1 hour, feedback on "
        "ordinary disputes within 24 hours (新余, §3.7)."
    ),
    "entrustment_feedback_days": (
        "An entrusted case reports its result to the station within this many days of acceptance (宁波条例 art. 19 "
        "「及时反馈」; §3.3, §3.7); by default the one-month mediation term."
    ),
    "police_first_session_working_days": (
        "治安调解: first session within this many working days of accepting the case, or of the injury or value "
        "assessment being issued (公安机关治安调解工作规范 art. 9, legal-basis §2.2.9)."
    ),
    "insurer_notice_days": (
        "People's mediation of an insured traffic case notifies the insurer of each session this many days ahead "
        "(公通字〔2010〕29号, legal-basis §4.2.5, §9 rule 31)."
    ),
    "repeat_min_shared_parties": (
        "How many parties (by resident ID number or credit code) the earlier case must share; when an intake "
        "identifies fewer parties, all of them must be shared."
    ),
}

if set(POLICY_FIELDS_BASIS) != {f.name for f in fields(Policy)}:  # pragma: no cover
    msg = "every Policy field needs a documented basis"
    raise RuntimeError(msg)
