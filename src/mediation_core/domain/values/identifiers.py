"""Identity documents, resident ID numbers (GB 11643-1999), unified social credit codes
(GB 32100-2015) and phone numbers.

All are pure checks: the address code of an ID is not looked up (address tables change),
only its shape, check character and birth date are (docs/legal-basis.md §7.1, §7.2). A party
need not hold a resident ID: 人民调解法（2010）第29条 asks for the parties' 基本情况, so a
passport, a Hong Kong / Macao / Taiwan permit or residence permit, a foreign permanent
residence card, or no number at all (with the reason recorded) will do (§7.5).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re

from attrs import frozen

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


class Sex(enum.Enum):
    """Derived from the parity of the ID's 17th digit: odd male, even female."""

    MALE = "male"
    FEMALE = "female"


@frozen
class ResidentIdInfo:
    """What a valid resident ID number tells: birth date, sex and address code."""

    number: str
    birth_date: dt.date
    sex: Sex
    address_code: str


def resident_id_check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
"""No holder of a number issued since 1999 was born before 1900: an earlier birth date is a
typing error (docs/legal-basis.md §7.1)."""


def _birth_date_problem(number: str, today: dt.date | None) -> str | None:
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "出生日期不是真实日期 / the birth date is not a real date"
    if born < EARLIEST_BIRTH_DATE:
        return "出生日期早于1900年 / the birth date is before 1900"
    if today is not None and born > today:
        return "出生日期晚于今天 / the birth date is in the future"
    return None


@functools.lru_cache(maxsize=1 << 16)
def resident_id_problem(number: str, today: dt.date | None = None) -> str | None:
    """Why ``number`` is not a valid resident ID, or ``None`` when it is. A birth date before
    1900, or (when ``today`` is given) after ``today``, is invalid. Remembered: every command
    of a case checks its parties' numbers again."""
    if len(number) != 18:
        return f"应为18位，实为{len(number)}位 / must be 18 characters, got {len(number)}"
    if not number[:17].isascii() or not number[:17].isdigit():
        return "前17位须为数字 / the first 17 characters must be digits"
    born = _birth_date_problem(number, today)
    if born is not None:
        return born
    if number[17].upper() != resident_id_check_char(number[:17]):
        return "校验码错误 / the check character is wrong"
    return None


def parse_resident_id(number: str) -> ResidentIdInfo:
    """Validate and decode; raises ``ValueError`` with the reason when invalid."""
    problem = resident_id_problem(number)
    if problem is not None:
        raise ValueError(problem)
    return ResidentIdInfo(
        number=number.upper(),
        birth_date=dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        sex=Sex.MALE if int(number[16]) % 2 else Sex.FEMALE,
        address_code=number[:6],
    )


def is_valid_resident_id(number: str) -> bool:
    """True iff ``number`` passes GB 11643 (shape, birth date and check character)."""
    return resident_id_problem(number) is None


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or ``None``."""
    if len(code) != 18:
        return f"应为18位，实为{len(code)}位 / must be 18 characters, got {len(code)}"
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return f"含非法字符 {''.join(bad)} / characters outside the code alphabet: {''.join(bad)}"
    if not code[2:8].isdigit():
        return "第3至8位行政区划码须为数字 / positions 3-8 (division code) must be digits"
    if code[17] != uscc_check_char(code[:17]):
        return "校验码错误 / the check character is wrong"
    return None


def is_valid_uscc(code: str) -> bool:
    """True iff ``code`` passes GB 32100 (alphabet, division digits and check character)."""
    return uscc_problem(code) is None


def mask_resident_id(number: str) -> str:
    """Keep the first 6 and last 4 characters, as offices print them."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a phone number."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class IdKind(enum.Enum):
    """The identity document a natural person's number belongs to (证件类型)."""

    RESIDENT_ID = "resident_id"  # 居民身份证 (GB 11643)
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"  # 港澳台居民居住证 (GB 11643, 810000/820000/830000)
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    PASSPORT = "passport"  # 护照
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"  # 外国人永久居留身份证

    @property
    def title_zh(self) -> str:
        return _ID_KIND_TITLES[self]

    @property
    def gb11643(self) -> bool:
        """Numbers of this kind follow GB 11643 and tell the birth date and sex."""
        return self in (IdKind.RESIDENT_ID, IdKind.HMT_RESIDENCE_PERMIT)


_ID_KIND_TITLES = {
    IdKind.RESIDENT_ID: "居民身份证",
    IdKind.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
    IdKind.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdKind.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdKind.PASSPORT: "护照",
    IdKind.FOREIGN_PERMANENT_RESIDENCE: "外国人永久居留身份证",
}


class NoIdReason(enum.Enum):
    """Why a party's record holds no document number (the basic information is still taken)."""

    REFUSED = "refused"  # 拒绝提供
    NONE_HELD = "none_held"  # 无

    @property
    def title_zh(self) -> str:
        return "拒绝提供" if self is NoIdReason.REFUSED else "无"


HMT_ADDRESS_CODES = ("810000", "820000", "830000")
"""港澳台居民居住证 numbers carry 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan)."""

_HK_MACAO = re.compile(r"[HM][0-9]{8}([0-9]{2})?")
_TAIWAN = re.compile(r"[0-9]{8}([0-9A-Z]{2})?")
_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
_FOREIGN_2017 = re.compile(r"[A-Z]{3}[0-9]{12}")


def _gb11643_problem(kind: IdKind, number: str, today: dt.date | None) -> str | None:
    problem = resident_id_problem(number, today)
    if problem is not None:
        return problem
    hmt = number[:6] in HMT_ADDRESS_CODES
    if kind is IdKind.HMT_RESIDENCE_PERMIT and not hmt:
        return "居住证号码地址码应为810000、820000或830000 / the address code must be 810000, 820000 or 830000"
    if kind is IdKind.RESIDENT_ID and hmt:
        return (
            "该号码为港澳台居民居住证号码 / this is the residence permit number of a Hong Kong, Macao or "
            "Taiwan resident"
        )
    return None


def _foreign_permanent_problem(number: str) -> str | None:
    if _FOREIGN_2017.fullmatch(number):
        return None
    if len(number) == 18 and number[0] == "9" and number[:17].isascii() and number[:17].isdigit():
        ok = number[17].upper() == resident_id_check_char(number[:17])
        return None if ok else "校验码错误 / the check character is wrong"
    return (
        "应为以9开头的18位号码或3位字母加12位数字 / must be 18 characters starting with 9, or 3 letters and 12 digits"
    )


_SHAPES: dict[IdKind, tuple[re.Pattern[str], str]] = {
    IdKind.HK_MACAO_PERMIT: (
        _HK_MACAO,
        "应为H或M加8位数字（或10位数字） / must be H or M followed by 8 (or 10) digits",
    ),
    IdKind.TAIWAN_PERMIT: (
        _TAIWAN,
        "应为8位数字（旧版10位） / must be 8 digits (10 characters on the earlier booklet)",
    ),
    IdKind.PASSPORT: (_PASSPORT, "应为5至20位大写字母或数字 / must be 5 to 20 capital letters or digits"),
}


def id_document_problem(kind: IdKind, number: str, today: dt.date | None = None) -> str | None:
    """Why ``number`` is not a valid number of a ``kind`` document, or ``None``.

    Resident ID and HMT residence permit: GB 11643 (birth date 1900..today); the permit's
    address code is 810000, 820000 or 830000. 港澳居民来往内地通行证: H or M and 8 digits, with
    the 2 digits of the issue count where printed. 台湾居民来往大陆通行证: 8 digits (the card),
    or 10 characters (the earlier booklet). 外国人永久居留身份证: 18 digits starting with 9 and a
    MOD 11-2 check character (2023 card), or 3 letters and 12 digits (2017 card). Passport:
    5 to 20 Latin capitals and digits (issuing states differ)."""
    if kind.gb11643:
        return _gb11643_problem(kind, number, today)
    if kind is IdKind.FOREIGN_PERMANENT_RESIDENCE:
        return _foreign_permanent_problem(number)
    pattern, problem = _SHAPES[kind]
    return None if pattern.fullmatch(number) else problem


@frozen
class IdentityDocument:
    """A document and its number (kind + number), validated per kind."""

    kind: IdKind
    number: str

    def problem(self, today: dt.date | None = None) -> str | None:
        return id_document_problem(self.kind, self.number, today)


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(-[0-9]{1,6})?")
_OVERSEAS = re.compile(r"\+[1-9][0-9]{0,2}[ -]?[0-9][0-9 -]{5,16}[0-9]")


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` is not a phone number, or ``None`` (an empty string is no number, not a bad one).

    Accepted forms: a mainland mobile (1[3-9] and 9 more digits); a landline with its area
    code (0 and 2–3 digits, an optional hyphen, 7–8 digits, an optional ``-`` extension); an
    overseas number in international form: ``+``, the country code, then the number, with
    spaces or hyphens allowed, 8 to 15 digits in all (ITU-T E.164)."""
    if not phone:
        return None
    if _MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone):
        return None
    if _OVERSEAS.fullmatch(phone) and 8 <= sum(ch.isdigit() for ch in phone) <= 15:
        return None
    return (
        "应为手机号码、带区号的固定电话或以+和国家代码开头的境外号码 / must be a mainland mobile number, "
        "a landline with its area code, or an overseas number starting with + and the country code"
    )
