"""§9 rules 32 and 33: resident ID and credit code checks, as properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mediation_core.domain.values.identifiers import (
    USCC_ALPHABET,
    Sex,
    is_valid_resident_id,
    is_valid_uscc,
    mask_phone,
    mask_resident_id,
    parse_resident_id,
    resident_id_check_char,
)
from mediation_core.testing.strategies import credit_codes, resident_ids


def test_published_vectors() -> None:
    assert is_valid_resident_id("11010519491231002X")
    assert is_valid_resident_id("360426199101010071")
    assert is_valid_uscc("91110000600037341L")
    info = parse_resident_id("11010519491231002X")
    assert (info.birth_date, info.sex) == (dt.date(1949, 12, 31), Sex.FEMALE)


@given(resident_ids())
def test_generated_ids_are_valid_and_sex_follows_the_17th_digit(number: str) -> None:
    info = parse_resident_id(number)
    assert info.sex is (Sex.MALE if int(number[16]) % 2 else Sex.FEMALE)
    assert info.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@given(resident_ids(), st.integers(0, 16), st.integers(1, 9))
def test_changing_any_single_digit_breaks_an_id(number: str, position: int, delta: int) -> None:
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert not is_valid_resident_id(changed)


@given(resident_ids(), st.sampled_from("0123456789X"))
def test_only_the_right_check_character_is_valid(number: str, check: str) -> None:
    candidate = number[:17] + check
    assert is_valid_resident_id(candidate) == (check == resident_id_check_char(number[:17]))


@given(st.text(max_size=20))
def test_arbitrary_text_is_never_a_valid_id_unless_it_checks(text: str) -> None:
    if is_valid_resident_id(text):
        assert len(text) == 18
        assert text[17].upper() == resident_id_check_char(text[:17])


@given(credit_codes(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_breaks_a_credit_code(code: str, position: int, char: str) -> None:
    assert is_valid_uscc(code)
    changed = code[:position] + char + code[position + 1 :]
    assert is_valid_uscc(changed) == (changed == code)


@given(resident_ids())
def test_masks_keep_only_the_ends(number: str) -> None:
    masked = mask_resident_id(number)
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert set(masked[6:-4]) == {"*"}
    assert mask_phone("13800138000") == "138****8000"
