"""Masking survives formatting: an ID or phone number is found however it is written.

Full-width digits, zero-width characters, spaces, hyphens and dots between digit groups, a
+86 / 86 / 0086 prefix, an "ID" label glued to the number, the 15-digit IDs of the first
generation and the X check character: ``mask_text`` (every masked view), anonymisation and the
log filter all see through them, because they share one normaliser.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation_core.app.logs import logger
from mediation_core.domain.values.identifiers import resident_id_check_char
from mediation_core.domain.values.privacy import (
    ERASED,
    PersonalDataView,
    anonymised_text,
    erase_numbers,
    mask_text,
    normalise,
    view_json,
)
from mediation_core.testing import strategies as mst

ISSUE_EXAMPLES = [
    ("ID110105196001010017", "110105196001010017"),
    ("+8613512345678", "13512345678"),
    ("8613512345678", "13512345678"),
    ("008613512345678", "13512345678"),
    ("135-1234-5678", "13512345678"),
    ("135 1234 5679", "13512345679"),
    ("１３５１２３４５６７８", "13512345678"),
    ("1101051960\u200b01010017", "110105196001010017"),
    ("110105600101001", "110105600101001"),
    ("11010519491231002X", "11010519491231002X"),
]
"""The formattings that passed every mask before, each with the number it hides."""

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
SEPARATORS = [" ", "-", " - ", "\u3000", "\u00a0", ".", "\u2014", "－"]
AROUND = st.text("王李张联系电话号码是，。：；！的请 ", max_size=8)
"""Text around a number: no digits and no ASCII letters, so every digit left is the number's."""


def _birth_dates() -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2015, 12, 31))


@st.composite
def ids_with_x(draw: st.DrawFn) -> str:
    """18-character IDs whose check character is X."""
    address = draw(st.sampled_from(mst.ADDRESS_CODES))
    birth = draw(_birth_dates())
    for seq in range(1000):
        first17 = f"{address}{birth:%Y%m%d}{seq:03d}"
        if resident_id_check_char(first17) == "X":
            return first17 + "X"
    raise AssertionError  # pragma: no cover - one in eleven sequence numbers gives X


@st.composite
def old_ids(draw: st.DrawFn) -> str:
    """15-digit IDs of the first generation: address, YYMMDD, sequence."""
    address = draw(st.sampled_from(mst.ADDRESS_CODES))
    birth = draw(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(1999, 12, 31)))
    return f"{address}{birth:%y%m%d}{draw(st.integers(0, 999)):03d}"


numbers = st.one_of(
    st.tuples(st.just("id"), mst.resident_ids()),
    st.tuples(st.just("id"), ids_with_x()),
    st.tuples(st.just("id15"), old_ids()),
    st.tuples(st.just("mobile"), mst.phones),
)


def _full_width(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if ch.isascii() and (ch.isdigit() or ch == "X") else ch


@st.composite
def formatted(draw: st.DrawFn) -> tuple[str, str, str]:
    """``(kind, number, text)``: a number written the way people and gateways write it."""
    kind, number = draw(numbers)
    chars = list(number)
    if kind != "mobile" and chars[-1] == "X" and draw(st.booleans()):
        chars[-1] = "x"
    chars = [_full_width(c) if draw(st.booleans()) else c for c in chars] if draw(st.booleans()) else chars
    cuts = draw(st.sets(st.integers(1, len(chars) - 1), max_size=4))
    pieces: list[str] = []
    for i, ch in enumerate(chars):
        if i in cuts:
            pieces.append(draw(st.sampled_from(SEPARATORS)))
        if i and draw(st.integers(0, 9)) == 0:
            pieces.append(draw(st.sampled_from(ZERO_WIDTH)))
        pieces.append(ch)
    written = "".join(pieces)
    if kind == "mobile":
        prefix = draw(st.sampled_from(["", "+86", "86", "0086", "+86 ", "+86-", "0086 ", "(+86) "]))
    else:
        prefix = draw(st.sampled_from(["", "ID", "ID:", "ID ", "身份证", "身份证号：", "公民身份号码 "]))
    return kind, number, f"{draw(AROUND)}{prefix}{written}{draw(AROUND)}"


def _digit_runs(text: str) -> list[str]:
    """The runs of digits left in ``text`` once normalised and its separators dropped: a ``*``
    breaks a run, a space or hyphen does not."""
    kept = re.sub(r"[^0-9*X]", "", normalise(text).upper())
    return re.findall(r"[0-9X]+", kept)


def _windows(number: str, kind: str) -> set[str]:
    """Every six consecutive digits of ``number`` but the first six of an ID (its address code,
    a county's, which the office mask keeps by design)."""
    start = 1 if kind in ("id", "id15") else 0
    return {number[i : i + 6] for i in range(start, len(number) - 5)}


@given(formatted())
def test_masking_never_leaves_six_consecutive_digits_of_a_number(case: tuple[str, str, str]) -> None:
    kind, number, text = case
    masked = mask_text(text)
    runs = _digit_runs(masked)
    for window in _windows(number, kind):
        assert not any(window in run for run in runs), (text, masked)
    assert len(masked) == len(text)
    assert mask_text(masked) == masked


@given(formatted())
def test_masking_hides_the_birth_date_and_the_middle_digits(case: tuple[str, str, str]) -> None:
    kind, _, text = case
    masked = normalise(mask_text(text))
    stars = masked.count("*")
    assert stars == {"id": 8, "id15": 6, "mobile": 4}[kind], (text, masked)


@given(formatted())
def test_anonymisation_erases_the_whole_number(case: tuple[str, str, str]) -> None:
    _, _, text = case
    erased = anonymised_text(text, ())
    assert ERASED in erased
    assert not re.search(r"[0-9]", normalise(erased)), (text, erased)
    assert erase_numbers(erased) == erased


@given(formatted())
def test_a_masked_view_of_free_text_hides_the_number(case: tuple[str, str, str]) -> None:
    kind, number, text = case
    viewed = view_json({"summary": text, "note": [text]}, PersonalDataView.MASKED)
    for value in (viewed["summary"], viewed["note"][0]):
        for window in _windows(number, kind):
            assert not any(window in run for run in _digit_runs(value))


@pytest.mark.parametrize(("written", "number"), ISSUE_EXAMPLES)
def test_the_formattings_that_leaked_are_masked_everywhere(
    written: str, number: str, every_log_record: list[logging.LogRecord]
) -> None:
    kind = "mobile" if len(number) == 11 else "id"
    for text in (written, f"网关返回：号码{written}无效", f"ID{written}"):
        for window in _windows(number, kind):
            assert not any(window in run for run in _digit_runs(mask_text(text))), text
        assert not re.search(r"[0-9]", normalise(anonymised_text(text, ()))), text
        logger("mediation_core.test_masking").warning("gateway said: %s", text)
        message = every_log_record[-1].getMessage()
        for window in _windows(number, kind):
            assert not any(window in run for run in _digit_runs(message)), message


def test_a_number_inside_an_identifier_is_left_alone() -> None:
    """Hashes and UUIDs that happen to hold eleven digits are not phone numbers; a label glued
    to a number does not make it an identifier."""
    for ident in ("case 3fa13512345678b0", "key d13512345678", "13512345678-ab", "ab-13512345678", "13512345678x"):
        assert mask_text(ident) == ident
    assert mask_text("tel13512345678") == "tel135****5678"
    assert mask_text("id-13512345678") == "id-135****5678"


def test_other_numbers_are_left_alone() -> None:
    text = "赔偿3000元，案号（2026）彭调人调字第001号，日期2026-05-06 10:30，金额1234567890，IP 192.168.100.101"
    assert mask_text(text) == text
    assert erase_numbers(text) == text


def test_two_numbers_side_by_side_are_masked_apart() -> None:
    assert mask_text("13512345678 13612345678") == "135****5678 136****5678"
    assert mask_text("第3 13512345678") == "第3 135****5678"
    assert mask_text("座机(010) 1234-5678") == "座机(010) ****-5678"


def test_the_scanner_reads_every_character_that_normalises_to_a_digit_or_a_separator() -> None:
    """The region pattern that decides where the scanner looks is generated from the Unicode
    database: every character NFKC turns into a digit or a separator, and every invisible format
    character, is in it (so a fast look never skips a number the scanner would find)."""
    import sys
    import unicodedata

    from mediation_core.domain.values import privacy

    digit = re.compile(f"[{privacy._DIGIT_CHARS}]")
    inside = re.compile(f"[{privacy._FORMAT_CHARS}{privacy._SEPARATOR_CHARS}]")
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        normal = unicodedata.normalize("NFKC", ch)
        if unicodedata.category(ch) == "Cf" or (
            normal and (normal in privacy._SEPARATORS or normal.isspace()) and len(normal) == 1
        ):
            assert inside.fullmatch(ch) or digit.fullmatch(ch), hex(cp)
        elif len(normal) == 1 and normal.isascii() and normal.isdigit():
            assert digit.fullmatch(ch), hex(cp)
