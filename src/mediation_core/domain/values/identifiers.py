"""Resident ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015).

Both are pure checks: the address code of an ID is not looked up (address tables change),
only its shape, check character and birth date are (docs/legal-basis.md §7.1, §7.2).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools

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


@functools.lru_cache(maxsize=1 << 16)
def resident_id_problem(number: str) -> str | None:
    """Why ``number`` is not a valid resident ID, or ``None`` when it is. Remembered: every
    command of a case checks its parties' numbers again."""
    if len(number) != 18:
        return f"应为18位，实为{len(number)}位 / must be 18 characters, got {len(number)}"
    if not number[:17].isascii() or not number[:17].isdigit():
        return "前17位须为数字 / the first 17 characters must be digits"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "出生日期不是真实日期 / the birth date is not a real date"
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
