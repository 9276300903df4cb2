"""Personal data in what leaves the system: each reader gets the parties' data only as far as
the reader's role needs it.

个人信息保护法 arts. 6 and 51 (minimum necessary; de-identification), 人民调解法 art. 15
(mediators keep the parties' privacy), 居民身份证法 art. 19. Every read model, report, export
and document is built for one actor, in one of three :class:`PersonalDataView` s:

- ``FULL``: as recorded. The roles of ``Policy.personal_data_roles`` (the room's mediators and
  director, administrators), within their scope.
- ``MASKED``: ID and phone numbers masked (first 6 and last 4 characters of an ID, first 3 and
  last 4 digits of a phone), in their fields and inside free text; names kept.
- ``WITHHELD``: no party personal data at all: natural persons' names reduced to the surname
  and 某 (王某, as published judgements do), ID numbers, phones, addresses, ethnicity and
  occupation removed, the known names struck from free text as well. The roles of
  ``Policy.party_data_withheld_roles`` (the coordination centre by default) read this view.

The same functions anonymise the parties of an archived case whose retention period has
ended (:func:`anonymised_party`): anonymisation is the ``WITHHELD`` view made permanent.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.identifiers import (
    is_valid_resident_id,
    mask_phone,
    mask_resident_id,
    parse_resident_id,
)
from mediation_core.domain.values.parties import (
    SENSITIVE_AGE,
    GroupParty,
    Guardian,
    NaturalPerson,
    OrganisationParty,
    Party,
    is_child,
)

DEFAULT_PERSONAL_DATA_ROLES: tuple[Role, ...] = (Role.MEDIATOR, Role.ROOM_DIRECTOR, Role.ADMINISTRATOR)
"""Who handles a case and so may read its parties' ID and phone numbers in full (within scope)."""

DEFAULT_WITHHELD_ROLES: tuple[Role, ...] = (Role.COORDINATION_CENTRE,)
"""Who reads district-wide figures and records without any party personal data."""


class PersonalDataView(enum.Enum):
    """How much of the parties' personal data a reader gets."""

    FULL = "full"
    MASKED = "masked"
    WITHHELD = "withheld"


def may_see_personal_data(actor: Actor, *, in_scope: bool, roles: Iterable[Role] = DEFAULT_PERSONAL_DATA_ROLES) -> bool:
    """True when ``actor`` may read ID and phone numbers in full: the role is one of ``roles``
    and the case lies within the actor's scope (``in_scope``, decided against the registry)."""
    return in_scope and actor.role in frozenset(roles)


def view_for(
    actor: Actor,
    *,
    in_scope: bool,
    full_roles: Iterable[Role] = DEFAULT_PERSONAL_DATA_ROLES,
    withheld_roles: Iterable[Role] = DEFAULT_WITHHELD_ROLES,
    sensitive: bool = False,
) -> PersonalDataView:
    """The view ``actor`` reads a record in; ``in_scope`` says whether the record lies within
    the actor's scope. A role in both lists reads the fuller view. A ``sensitive`` record (a
    party under 14, 个人信息保护法 art. 28) is withheld from every reader who would see it
    masked: a child's name reaches only those who handle the case."""
    if may_see_personal_data(actor, in_scope=in_scope, roles=full_roles):
        return PersonalDataView.FULL
    if sensitive or actor.role in frozenset(withheld_roles):
        return PersonalDataView.WITHHELD
    return PersonalDataView.MASKED


# -- numbers inside free text -------------------------------------------------------------------
# A number is found however it is written: full-width or other compatibility digits (NFKC),
# zero-width and other invisible format characters, spaces, hyphens, dots or brackets between
# its digit groups, a +86 / 86 / 0086 prefix, an "ID" or "身份证" label glued to it. Matching
# runs over the normalised digits; masking replaces the original characters one for one, so the
# text keeps its length and its layout.

_SEPARATORS = frozenset(" -.()\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
"""Characters (after NFKC) that may stand between the digit groups of one number."""
_DIGIT_CHARS = (
    r"\u0030-\u0039\u00b2-\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u24ea\uff10-\uff19"
    r"\U0001d7ce-\U0001d7ff\U0001fbf0-\U0001fbf9"
)
"""Every character NFKC turns into one ASCII digit (full-width, superscript, circled …)."""
_FORMAT_CHARS = (
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
"""Unicode category Cf: invisible format characters (zero-width space, joiners, BOM …)."""
_SEPARATOR_CHARS = (
    r"\u0009-\u000d\u001c-\u0020\u0028-\u0029\u002d-\u002e\u0085\u00a0\u1680\u2000-\u200a\u2010-\u2015"
    r"\u2024\u2028-\u2029\u202f\u205f\u207b\u207d-\u207e\u208b\u208d-\u208e\u2212\u3000\ufe31-\ufe32"
    r"\ufe35-\ufe36\ufe52\ufe58-\ufe5a\ufe63\uff08-\uff09\uff0d-\uff0e"
)
"""Whitespace and every character NFKC turns into one of :data:`_SEPARATORS`."""
_DIGIT = re.compile(f"[{_DIGIT_CHARS}]")
_NUMBER_REGION = re.compile(f"[{_DIGIT_CHARS}][{_DIGIT_CHARS}{_FORMAT_CHARS}{_SEPARATOR_CHARS}Xx\uff38\uff58]*")
"""A stretch of text that may hold numbers: a digit, then digits, separators, format
characters and check characters. The scanner reads only these (generated from the Unicode
database; ``tests/security/test_masking_formats.py`` checks them against it)."""
_MAX_SEPARATOR_RUN = 3
"""At most this many separators between two digit groups of one number ("135 - 1234")."""
_MAX_NUMBER_DIGITS = 18
_MIN_NUMBER_DIGITS = 10

_NUMBER_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("resident_id", re.compile(r"[1-9]\d{16}[\dX]")),
    ("resident_id_15", re.compile(r"[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")),
    ("mobile", re.compile(r"(?:0086|86|0)?1[3-9]\d{9}")),
    ("landline", re.compile(r"0[1-9]\d{8,10}")),
)
"""What the digits of one number (separators and prefixes' + removed) look like, by kind:
the 18-character resident ID (GB 11643-1999), the 15-digit ID of the first generation (its
six-digit birth date checked for a plausible month and day), a mobile number with or
without its country or trunk prefix, a landline with its area code."""


@functools.lru_cache(maxsize=4096)
def _normal_char(ch: str) -> str:
    """One character as matching sees it: NFKC (full-width ``１`` is ``1``, ``Ｘ`` is ``X``),
    and nothing for an invisible format character (zero-width space, joiners, BOM, soft
    hyphen: Unicode category Cf)."""
    if unicodedata.category(ch) == "Cf":
        return ""
    return unicodedata.normalize("NFKC", ch)


def normalise(text: str) -> str:
    """``text`` as number matching reads it: NFKC-normalised, invisible format characters
    (zero-width space, joiners, BOM, soft hyphen) removed. The one normaliser of masking,
    anonymisation and the log filter."""
    return "".join(_normal_char(ch) for ch in text)


@attrs.frozen
class NumberInText:
    """A resident ID or phone number found in free text: its ``kind``, the span
    ``start:end`` of the original text it covers, the original index of each of its digits
    (``digits``) and which of those the office mask keeps (``kept``)."""

    kind: str
    start: int
    end: int
    digits: tuple[int, ...]
    kept: frozenset[int]


def _kept(kind: str, digits: str) -> frozenset[int]:
    """Which digit positions the mask keeps: an ID its first 6 (the address code) and last 4
    (3 for a 15-digit ID), so the birth date goes; a mobile its prefix, first 3 and last 4; a
    landline its area code and last 4."""
    n = len(digits)
    if kind == "resident_id":
        return frozenset((*range(6), *range(n - 4, n)))
    if kind == "resident_id_15":
        return frozenset((*range(6), *range(n - 3, n)))
    if kind == "mobile":
        prefix = n - 11
        return frozenset((*range(prefix + 3), *range(n - 4, n)))
    area = 3 if digits.startswith(("010", "02")) else 4
    return frozenset((*range(area), *range(n - 4, n)))


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _in_identifier(text: str, start: int, end: int) -> bool:
    """True when the number at ``start:end`` is part of a longer code rather than a number of
    its own: an ASCII letter or digit glued after it, or a run of lowercase hex letters glued
    before it, directly or across one ``-`` / ``_`` (a hash, a UUID). A label such as ``ID``,
    ``tel`` or ``身份证`` before a number does not make it a code."""
    after = _neighbour(text, end, 1)
    if after is not None:
        if _is_ascii_alnum(text[after]):
            return True
        if text[after] in "-_":
            beyond = _neighbour(text, after + 1, 1)
            if beyond is not None and text[beyond] in _HEX_LETTERS:
                return True
    before = _neighbour(text, start - 1, -1)
    if before is not None and text[before] in "-_":
        before = _neighbour(text, before - 1, -1)
    if before is None or text[before] not in _HEX_LETTERS:
        return False
    i = before
    while i >= 0 and _is_ascii_alnum(text[i]) and not text[i].isdigit():
        if text[i] not in _HEX_LETTERS:
            return False  # a label: "id", "tel"
        i -= 1
    return True


_HEX_LETTERS = "abcdef"


def _neighbour(text: str, i: int, step: int) -> int | None:
    """The index of the first visible character from ``i`` on in direction ``step``."""
    while 0 <= i < len(text):
        if _normal_char(text[i]):
            return i
        i += step
    return None


def _digit_groups(text: str) -> list[list[list[int]]]:
    """The runs of digit groups in ``text``: each run a list of groups (the original indices
    of their digits, an ID's check ``X`` included), consecutive groups parted by at most
    :data:`_MAX_SEPARATOR_RUN` separators."""
    runs: list[list[list[int]]] = []
    for region in _NUMBER_REGION.finditer(text):
        start, end = region.span()
        if end - start < _MIN_NUMBER_DIGITS:
            continue  # too short to hold a number
        chars = region.group()
        if chars.isascii() and chars.isdigit():  # the usual case: one plain run of digits
            runs.append([list(range(start, end))])
        else:
            runs.extend(_region_groups(text, start, end))
    return runs


def _region_groups(text: str, start: int, end: int) -> list[list[list[int]]]:
    runs: list[list[list[int]]] = []
    groups: list[list[int]] = []
    group: list[int] = []
    gap = 0  # separators since the last digit
    for i in range(start, end):
        ch = text[i]
        normal = _normal_char(ch)
        if not normal:
            continue
        if len(normal) == 1 and normal.isdigit() and normal.isascii():
            if not group and gap > _MAX_SEPARATOR_RUN and groups:
                runs.append(groups)
                groups = []
            group.append(i)
            gap = 0
        elif normal in "Xx" and (group or (groups and gap <= _MAX_SEPARATOR_RUN)):
            groups.append([*group, i])  # an ID's check character ends its number
            runs.append(groups)
            groups, group, gap = [], [], 0
        elif normal in _SEPARATORS or normal.isspace():
            if group:
                groups.append(group)
                group = []
            gap += 1
        else:
            if group:
                groups.append(group)
                group = []
            if groups:
                runs.append(groups)
                groups = []
            gap = 0
    if group:
        groups.append(group)
    if groups:
        runs.append(groups)
    return runs


def _shape(digits: str) -> str | None:
    for kind, pattern in _NUMBER_SHAPES:
        if pattern.fullmatch(digits):
            return kind
    return None


def find_numbers(text: str) -> list[NumberInText]:
    """Every resident ID and phone number in ``text``, however it is formatted (see
    :func:`normalise`): consecutive digit groups are joined, the longest join that has the shape
    of a number first, so a number split by spaces, hyphens or zero-width characters is found
    whole, and two numbers side by side are found apart."""
    found: list[NumberInText] = []
    for groups in _digit_groups(text):
        i = 0
        while i < len(groups):
            match = _longest_number(text, groups, i)
            if match is None:
                i += 1
                continue
            found.append(match[0])
            i = match[1]
    return found


def _longest_number(text: str, groups: list[list[int]], i: int) -> tuple[NumberInText, int] | None:
    """The longest number made of ``groups[i:j]``, with the index ``j`` after it."""
    spans: list[tuple[list[int], int]] = []
    indices: list[int] = []
    for j in range(i, len(groups)):
        indices = indices + groups[j]
        if len(indices) > _MAX_NUMBER_DIGITS + 1:
            break
        spans.append((indices, j + 1))
    for indices, after in reversed(spans):
        digits = "".join(_normal_char(text[k]) for k in indices).upper()
        candidates = [indices] if not digits.endswith("X") else [indices, indices[:-1]]
        for chosen in candidates:
            shown = digits[: len(chosen)]
            kind = _shape(shown)
            if kind is None or _in_identifier(text, chosen[0], chosen[-1] + 1):
                continue
            kept = frozenset(chosen[n] for n in _kept(kind, shown))
            return NumberInText(kind, chosen[0], chosen[-1] + 1, tuple(chosen), kept), after
    return None


def mask_text(text: str) -> str:
    """Mask every resident ID number and phone number written inside free text, however it is
    formatted (:func:`find_numbers`): the digits the office mask hides become ``*``, one for
    one, separators and layout kept."""
    if not _may_hold_number(text):
        return text
    chars = list(text)
    for number in find_numbers(text):
        for k in number.digits:
            if k not in number.kept:
                chars[k] = "*"
    return "".join(chars)


def _may_hold_number(text: str) -> bool:
    """A cheap first look: text with fewer than ten digits (of any width) holds no number."""
    if text.isascii():
        return sum(map(text.count, "0123456789")) >= _MIN_NUMBER_DIGITS
    return len(_DIGIT.findall(text)) >= _MIN_NUMBER_DIGITS


ANONYMOUS_MARK = "某"


def mask_name(name: str) -> str:
    """A natural person's name reduced to its first character and 某 (王建国 → 王某)."""
    stripped = name.strip()
    if not stripped or stripped.endswith(ANONYMOUS_MARK):
        return stripped
    return stripped[0] + ANONYMOUS_MARK


def strike_names(text: str, names: Iterable[str]) -> str:
    """``text`` with every occurrence of the given names (two characters or more) replaced
    by the masked name, longest names first (so 王建国 is not left as 王某国)."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def view_text(text: str, view: PersonalDataView, names: Iterable[str] = ()) -> str:
    """Free text in ``view``: IDs and phones masked unless ``FULL``, the parties' ``names``
    struck out as well when ``WITHHELD``."""
    if view is PersonalDataView.FULL:
        return text
    if view is PersonalDataView.WITHHELD:
        text = strike_names(text, names)
    return mask_text(text)


def _guardian(g: Guardian | None, view: PersonalDataView) -> Guardian | None:
    if g is None or view is PersonalDataView.FULL:
        return g
    if view is PersonalDataView.WITHHELD:
        return attrs.evolve(g, name=mask_name(g.name), id_number="", phone="")
    return attrs.evolve(g, id_number=mask_resident_id(g.id_number), phone=mask_phone(g.phone))


def _person(p: NaturalPerson, view: PersonalDataView) -> NaturalPerson:
    if view is PersonalDataView.WITHHELD:
        return attrs.evolve(
            p,
            name=mask_name(p.name),
            id_number="",
            phone="",
            address="",
            ethnicity="",
            occupation="",
            guardian=_guardian(p.guardian, view),
            birth_date=None,
        )
    return attrs.evolve(
        p,
        birth_date=None,
        id_number=mask_resident_id(p.id_number),
        phone=mask_phone(p.phone),
        address=mask_text(p.address),
        guardian=_guardian(p.guardian, view),
    )


def viewed_party(party: Party, view: PersonalDataView) -> Party:
    """The party as ``view`` shows it. An organisation's name and credit code are public; its
    legal representative is a natural person."""
    if view is PersonalDataView.FULL:
        return party
    if isinstance(party, NaturalPerson):
        return _person(party, view)
    if isinstance(party, OrganisationParty):
        if view is PersonalDataView.WITHHELD:
            return attrs.evolve(party, legal_representative=mask_name(party.legal_representative), phone="")
        return attrs.evolve(party, phone=mask_phone(party.phone))
    if isinstance(party, GroupParty):
        return attrs.evolve(party, representatives=tuple(_person(r, view) for r in party.representatives))
    msg = f"unknown party type {type(party).__name__}"  # pragma: no cover
    raise TypeError(msg)


def masked_party(party: Party) -> Party:
    """The party with its ID and phone numbers masked (an organisation's credit code is public)."""
    return viewed_party(party, PersonalDataView.MASKED)


def masked_parties(parties: Iterable[Party]) -> tuple[Party, ...]:
    return tuple(masked_party(p) for p in parties)


def anonymised_party(party: Party) -> Party:
    """The party as kept after its case's retention period (个人信息保护法 art. 47): the
    ``WITHHELD`` view, for good, with a numerous side's name cleared of its representatives'
    names too. Counts (a numerous side's headcount), sides and party ids stay."""
    viewed = viewed_party(party, PersonalDataView.WITHHELD)
    if isinstance(party, GroupParty):
        return attrs.evolve(viewed, name=anonymised_text(party.name, person_names([party])))
    return viewed


ERASED = "[已删除]"
"""What an ID or phone number written inside free text becomes once anonymised."""


def erase_numbers(text: str) -> str:
    """``text`` with every resident ID number and phone number in it removed, however it is
    formatted (:func:`find_numbers`; a ``+`` before a number goes with it)."""
    if not _may_hold_number(text):
        return text
    for number in reversed(find_numbers(text)):
        start = number.start
        plus = _neighbour(text, start - 1, -1)
        if plus is not None and _normal_char(text[plus]) == "+":
            start = plus
        text = text[:start] + ERASED + text[number.end :]
    return text


def anonymised_text(text: str, names: Iterable[str], *, erase: Iterable[str] = ()) -> str:
    """Free text of an anonymised case: the ``names`` struck (王某), every ID and phone
    number removed, and each of ``erase`` (the parties' addresses, numbers written another
    way) replaced by :data:`ERASED`."""
    return erase_numbers(erase_strings(strike_names(text, names), erase))


def erase_strings(text: str, strings: Iterable[str]) -> str:
    """``text`` with every occurrence of ``strings`` (four characters or more, longest first)
    replaced by :data:`ERASED`: a person's own numbers and address wherever they were written."""
    for s in sorted({s.strip() for s in strings if len(s.strip()) >= 4}, key=len, reverse=True):
        text = text.replace(s, ERASED)
    return text


def struck_text(text: str, names: Iterable[str], erase: Iterable[str]) -> str:
    """Free text that names other people too (a meeting's agenda, a notice): only these
    ``names`` struck (王某) and only these strings (``erase``: numbers, addresses) removed."""
    return erase_strings(strike_names(text, names), erase)


def personal_strings(value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, other personal strings) of every person held anywhere inside ``value`` (a typed
    record, its parties, representatives and guardians): the names to strike and the ID
    numbers, phones and addresses to erase wherever they were copied."""
    names: list[str] = []
    other: list[str] = []

    def person(p: NaturalPerson) -> None:
        names.append(p.name)
        other.extend((p.id_number, p.phone, p.address))
        if p.guardian is not None:
            guardian(p.guardian)

    def guardian(g: Guardian) -> None:
        names.append(g.name)
        other.extend((g.id_number, g.phone))

    def walk(v: Any) -> None:
        if isinstance(v, NaturalPerson):
            person(v)
        elif isinstance(v, GroupParty):
            for r in v.representatives:
                person(r)
        elif isinstance(v, OrganisationParty):
            names.append(v.legal_representative)
            other.append(v.phone)
        elif isinstance(v, Guardian):
            guardian(v)
        elif isinstance(v, tuple | list | frozenset | set):
            for item in v:
                walk(item)
        elif isinstance(v, Mapping):
            for item in v.values():
                walk(item)
        elif attrs.has(type(v)):
            for f in attrs.fields(type(v)):
                walk(getattr(v, f.name))

    walk(value)
    return tuple(dict.fromkeys(n for n in names if n)), tuple(dict.fromkeys(o for o in other if o))


_CODE_FIELDS = frozenset(
    {"category", "insurers", "reference", "notice", "hex", "certificate", "court", "court_case_number", "channel"}
)
"""Text fields that hold codes, references or fixed wording, never a party's data."""


def anonymised_value(value: Any, names: Iterable[str], *, key: str = "", erase: Iterable[str] = ()) -> Any:
    """A typed record (an event and everything in it) with the parties' personal data gone:
    parties as :func:`anonymised_party` keeps them, guardians without numbers, and every
    free-text field as :func:`anonymised_text` (``erase``: the people's addresses and numbers,
    struck wherever they were copied). Identifiers, codes, enums, dates and amounts are left
    alone, so the record still folds and counts the same."""
    names, erase = tuple(names), tuple(erase)
    if isinstance(value, NaturalPerson | OrganisationParty | GroupParty):
        return anonymised_party(value)
    if isinstance(value, Guardian):
        return _guardian(value, PersonalDataView.WITHHELD)
    if isinstance(value, str):
        kept = _is_identifier(key) or key in _CODE_FIELDS
        return value if kept else anonymised_text(value, names, erase=erase)
    if isinstance(value, tuple):
        return tuple(anonymised_value(v, names, key=key, erase=erase) for v in value)
    if attrs.has(type(value)):
        changes = {}
        for f in attrs.fields(type(value)):
            before = getattr(value, f.name)
            after = anonymised_value(before, names, key=f.name, erase=erase)
            if after is not before:
                changes[f.name] = after
        return attrs.evolve(value, **changes) if changes else value
    return value


def struck_value(value: Any, names: Iterable[str], erase: Iterable[str], *, key: str = "") -> Any:
    """A typed record that names other people as well (a meeting and its agenda, a notice):
    only these ``names`` struck and these strings (``erase``) removed from its free text, as
    :func:`struck_text`; identifiers stay."""
    names, erase = tuple(names), tuple(erase)
    if isinstance(value, str):
        return value if _is_identifier(key) else struck_text(value, names, erase)
    if isinstance(value, tuple):
        return tuple(struck_value(v, names, erase, key=key) for v in value)
    if isinstance(value, Mapping):
        return {k: struck_value(v, names, erase, key=str(k)) for k, v in value.items()}
    if attrs.has(type(value)):
        changes = {}
        for f in attrs.fields(type(value)):
            before = getattr(value, f.name)
            after = struck_value(before, names, erase, key=f.name)
            if after != before:
                changes[f.name] = after
        return attrs.evolve(value, **changes) if changes else value
    return value


def names_a_child(value: Any, day: dt.date) -> bool:
    """Whether ``value`` (a typed record or a JSON-ready one: a referral, a 治安 case, a
    Document body) holds a natural person under 14 on ``day``, by the resident ID number or the
    recorded birth date: such a record is read like a sensitive case (个人信息保护法 art. 28)."""
    if isinstance(value, NaturalPerson):
        return is_child(value, day)
    if isinstance(value, Mapping):
        number = value.get("id_number")
        if isinstance(number, str) and is_valid_resident_id(number):
            born = parse_resident_id(number).birth_date
            if day.year - born.year - ((day.month, day.day) < (born.month, born.day)) < SENSITIVE_AGE:
                return True
        return any(names_a_child(v, day) for v in value.values())
    if isinstance(value, list | tuple):
        return any(names_a_child(v, day) for v in value)
    if attrs.has(type(value)):
        return any(names_a_child(getattr(value, f.name), day) for f in attrs.fields(type(value)))
    return False


def json_person_names(value: Any) -> tuple[str, ...]:
    """Every person's name in a JSON-ready value: parties (objects with a party ``kind``), their
    guardians and representatives, organisations' legal representatives. What must be struck
    from a Document's free text to withhold them."""
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, Mapping):
            kind = v.get("kind")
            if (kind == "person" or "relation" in v) and isinstance(v.get("name"), str):
                out.append(v["name"])
            if kind == "organisation" and isinstance(v.get("legal_representative"), str):
                out.append(v["legal_representative"])
            for item in v.values():
                walk(item)
        elif isinstance(v, list | tuple):
            for item in v:
                walk(item)

    walk(value)
    return tuple(dict.fromkeys(n for n in out if n))


def person_names(parties: Iterable[Party]) -> tuple[str, ...]:
    """Every natural person's name among ``parties`` (representatives, guardians and legal
    representatives included): what must be struck from free text to withhold them."""
    out: list[str] = []
    for p in parties:
        people: list[NaturalPerson] = []
        if isinstance(p, NaturalPerson):
            people.append(p)
        elif isinstance(p, GroupParty):
            people.extend(p.representatives)
        elif isinstance(p, OrganisationParty):
            out.append(p.legal_representative)
        for person in people:
            out.append(person.name)
            if person.guardian is not None:
                out.append(person.guardian.name)
    return tuple(n for n in out if n)


# -- JSON-ready values ---------------------------------------------------------------------------
_PARTY_KINDS = frozenset({"person", "organisation", "group"})
_IDENTIFIER_KEYS = frozenset(
    {"hash", "prev_hash", "key", "kind", "status", "event_type", "number", "letter_number", "case_number"}
)
"""Keys whose values are identifiers or codes, never free text (left as they are)."""


def _is_identifier(key: str) -> bool:
    return key in _IDENTIFIER_KEYS or key.endswith(("_id", "_ids", "_number", "_code", "_on", "_at", "_due"))


def _party_json(value: Mapping[str, Any], view: PersonalDataView, names: tuple[str, ...]) -> dict[str, Any]:
    out = dict(value)
    kind = out.get("kind")
    if kind == "person" or "id_number" in out:
        out = _person_json(out, view)
    elif kind == "organisation":
        out["phone"] = "" if view is PersonalDataView.WITHHELD else mask_phone(str(out.get("phone", "")))
        if view is PersonalDataView.WITHHELD:
            out["legal_representative"] = mask_name(str(out.get("legal_representative", "")))
    elif kind == "group":
        out["representatives"] = [_person_json(dict(r), view) for r in out.get("representatives", [])]
    for k, v in list(out.items()):
        if k not in _PERSON_FIELDS and k not in ("representatives", "legal_representative", "phone", "name"):
            out[k] = view_json(v, view, names, key=k)
    return out


_PERSON_FIELDS = frozenset(
    {"name", "id_number", "phone", "address", "ethnicity", "occupation", "guardian", "birth_date"}
)


def _person_json(value: dict[str, Any], view: PersonalDataView) -> dict[str, Any]:
    out = dict(value)
    withheld = view is PersonalDataView.WITHHELD
    if "name" in out and withheld:
        out["name"] = mask_name(str(out["name"]))
    if "id_number" in out:
        out["id_number"] = "" if withheld else mask_resident_id(str(out["id_number"]))
    if "phone" in out:
        out["phone"] = "" if withheld else mask_phone(str(out["phone"]))
    if "address" in out:
        out["address"] = "" if withheld else mask_text(str(out["address"]))
    for field in ("ethnicity", "occupation"):
        if field in out and withheld:
            out[field] = ""
    if "birth_date" in out:
        out["birth_date"] = None
    if isinstance(out.get("guardian"), Mapping):
        out["guardian"] = _person_json(dict(out["guardian"]), view)
    return out


def view_json(value: Any, view: PersonalDataView, names: Iterable[str] = (), *, key: str = "") -> Any:
    """A JSON-ready value (an event body, a Document body, an unstructured state) as ``view``
    shows it: parties (objects with a party ``kind``) and guardians as :func:`viewed_party`
    shows them, ``party_names`` lists as names or masked names, ``party_keys`` dropped (a
    digest tests a guess of a masked ID's hidden digits), and every other string that is not
    an identifier as :func:`view_text` shows it. ``names`` are the parties' names to strike out of free text."""
    if view is PersonalDataView.FULL:
        return value
    names = tuple(names)
    if isinstance(value, Mapping):
        if value.get("kind") in _PARTY_KINDS and "party_id" in value:
            return _party_json(value, view, names)
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k == "party_names" and isinstance(v, list | tuple):
                withheld = view is PersonalDataView.WITHHELD
                out[k] = [mask_name(str(n)) if withheld else n for n in v]
            elif k == "party_keys":  # digests of ID numbers: for full views only (see Viewer.row)
                out[k] = []
            elif k == "guardian" and isinstance(v, Mapping):
                out[k] = _person_json(dict(v), view)
            elif k in ("id_number", "phone") and isinstance(v, str):
                out[k] = _person_json({k: v}, view)[k]
            else:
                out[k] = view_json(v, view, names, key=str(k))
        return out
    if isinstance(value, list | tuple):
        return [view_json(v, view, names, key=key) for v in value]
    if isinstance(value, str) and not _is_identifier(key):
        return view_text(value, view, names)
    return value
