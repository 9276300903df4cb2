"""The ledger (台账) as a table with Chinese headers, one row per case, and back.

:func:`ledger_table` turns ledger rows into cells a clerk reads (dates, numbers, Chinese titles
for coded values); :func:`rows_from_table` reads such a table back, checking every cell and
reporting *every* problem by row and column at once (:class:`LedgerImportError`), so a file
is imported whole or not at all. Reading back what was written gives the same rows (only the
``party_keys`` index, which exports leave out, is empty).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
from attrs import frozen

from mediation_core.domain.case.agreements import AgreementForm
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.outcomes import DeclineReason, TerminationReason
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.input import IDENTIFIER, input_violations
from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH, LedgerRow, Outcome
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.privacy import mask_text
from mediation_core.domain.values.risks import Difficulty
from mediation_core.domain.values.sources import CaseSource, ReferralMode

Cell = str | int | Decimal | dt.date | None
SEPARATOR = "、"
"""Joins the names in one cell (当事人, 调解员)."""

TITLE = "人民调解案件台账"

MAX_FILE_BYTES = 64 * 2**20
"""A ledger file holds at most 64 MiB (a CSV of 100,000 cases is about 30 MiB). The file is
read as it goes, row by row, so memory does not grow with it beyond the bytes themselves."""
MAX_UNPACKED_BYTES = 512 * 2**20
"""An .xlsx's XML parts add up to at most 512 MiB unpacked (a workbook of 100,000 cases is
about 150 MiB): a zip bomb is refused before a cell is read."""
MAX_ROWS = 200_000
"""At most 200,000 data rows in one file (a district's year is a few thousand cases; a county
bringing in years of rooms' ledgers at once, a few tens of thousands)."""
MAX_PROBLEMS = 1_000
"""An import stops checking a file after this many problems and reports them (with a note that
there may be more): a wrong file says what is wrong in its first thousand problems."""
MAX_COLUMNS = 100
"""At most 100 columns (the ledger has 38; a clerk's own columns beside them are ignored)."""

NAMED = ("room_id", "presiding_mediator", "mediators")
"""Columns holding a room's or a mediator's id, shown by name (:func:`registry_names`)."""
HEADER_ROWS = 5
"""A reader looks for the header row among a file's first rows (a workbook has a title and a
填表单位 row above it)."""

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection)."""


def _looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEADS) or (text.startswith("'") and _looks_like_formula(text[1:]))


def escape_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it: a leading ``'`` before a formula
    character (and before an already escaped one, so :func:`unescape_formula` gives ``text``
    back exactly)."""
    return "'" + text if _looks_like_formula(text) else text


def unescape_formula(text: str) -> str:
    """The text :func:`escape_formula` escaped; any other text unchanged."""
    return text[1:] if text.startswith("'") and _looks_like_formula(text[1:]) else text


class LedgerFileError(ValueError):
    """A ledger file refused before its cells are read: too big, not the format it claims, or
    without the ledger's headers. Nothing was imported."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(f"the ledger file was refused, nothing was imported: {zh} / {en}")


def _titles(pairs: Mapping[str, str]) -> dict[str, str]:
    if len(set(pairs.values())) != len(pairs):  # pragma: no cover - a table of titles must be one-to-one
        msg = "two values share a Chinese title"
        raise RuntimeError(msg)
    return dict(pairs)


def _enum_titles(members: Sequence[enum.Enum]) -> dict[str, str]:
    return _titles({m.value: m.title_zh for m in members})  # type: ignore[attr-defined]


OUTCOME_TITLES = _titles({"open": "未结", "declined": "不予受理", "settled": "调解成功", "failed": "调解不成"})
FORM_TITLES = _titles({AgreementForm.ORAL.value: "口头协议", AgreementForm.WRITTEN.value: "书面协议"})
DIFFICULTY_TITLES = _titles(
    {Difficulty.ORDINARY.value: "一般", Difficulty.DIFFICULT.value: "疑难复杂", Difficulty.MAJOR.value: "重大"}
)
SATISFACTION_TITLES = _titles(
    {
        Satisfaction.SATISFIED.value: "满意",
        Satisfaction.BASICALLY_SATISFIED.value: "基本满意",
        Satisfaction.DISSATISFIED.value: "不满意",
    }
)
CODED: dict[str, dict[str, str]] = {
    "status": _enum_titles(list(CaseStatus)),
    "outcome": OUTCOME_TITLES,
    "source": _enum_titles(list(CaseSource)),
    "agreement_form": FORM_TITLES,
    "termination_reason": _enum_titles(list(TerminationReason)),
    "decline_reason": _enum_titles(list(DeclineReason)),
    "difficulty": DIFFICULTY_TITLES,
    "performance": _enum_titles(list(Performance)),
    "satisfaction": SATISFACTION_TITLES,
    "referral_mode": _enum_titles(list(ReferralMode)),
}
"""Columns holding a code, shown by its Chinese title (and read back from it, or the code)."""

LIST_COLUMNS = frozenset({"party_names", "mediators"})
_TYPES: dict[str, object] = {f.name: f.type for f in attrs.fields(LedgerRow)}
DATE_COLUMNS = frozenset(n for n, t in _TYPES.items() if str(t) in {"dt.date", "dt.date | None"})
INT_COLUMNS = frozenset(n for n, t in _TYPES.items() if str(t) == "int")
REQUIRED = frozenset({"case_id", "version", "room_id", "status", "outcome", "source", "category", "received_on"})
FREE_TEXT = frozenset({"summary"})
COLUMNS: tuple[str, ...] = tuple(LEDGER_HEADERS_ZH)
HEADERS: tuple[str, ...] = tuple(LEDGER_HEADERS_ZH.values())


@frozen(kw_only=True)
class LedgerTable:
    """The ledger as a renderer lays it out: a title, the Chinese headers and the cells.

    ``masked`` says whether ID and phone numbers inside free text were masked for the reader;
    ``scope`` names whose cases these are."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    masked: bool = False
    scope: str = ""
    generated_at: dt.datetime | None = None


def registry_names(names: Mapping[str, str]) -> dict[str, str]:
    """Of ``names`` (a room's or mediator's id → name), the ones a ledger may show for the id
    and read back to it: a name no other room or mediator bears, that is no one's id and holds
    no 、 (the separator of the 调解员 cell). An id without such a name is shown as the id."""
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {
        key: name
        for key, name in names.items()
        if name and counts[name] == 1 and name not in names and SEPARATOR not in name and name == name.strip()
    }


@frozen(kw_only=True)
class RawTable:
    """A ledger file unpacked: its header cells and its data rows, as the file holds them.
    ``first_row`` is the file's number of the first data row (for problem reports)."""

    headers: tuple[Any, ...]
    rows: Iterable[tuple[Any, ...]]
    """The data rows: a tuple, or an iterator that reads the file as it goes (the built-in CSV
    and xlsx readers). The import iterates them once per pass and calls the reader again for
    each pass, so a reader never has to hold the whole file's rows."""
    first_row: int = 2


@frozen(kw_only=True)
class ImportProblem:
    """One bad cell (or a bad header, ``row`` 1): the row as the file numbers it, the column
    header, the value found and what is wrong, in Chinese and English."""

    row: int
    column: str
    value: str
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        return f"第{self.row}行「{self.column}」{self.value!r}: {self.message_zh} / {self.message_en}"


class LedgerImportError(ValueError):
    """A ledger file was not imported; ``problems`` lists every bad cell at once (``more``:
    checking stopped at :data:`MAX_PROBLEMS`). ``incomplete`` names the batch when a row could
    not be written after earlier chunks were: that batch never counts and cannot be approved
    (see :func:`mediation_core.app.exporting.import_ledger`)."""

    def __init__(self, problems: Sequence[ImportProblem], *, more: bool = False, incomplete: str = "") -> None:
        self.problems = tuple(problems)
        self.more = more  # checking stopped at MAX_PROBLEMS problems: the file may hold more
        self.incomplete = incomplete  # the batch left incomplete when a row failed after others were written
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        hidden = len(self.problems) - 50
        tail = f"\n  … and {hidden} more" if hidden > 0 else ""
        if more:
            tail += f"\n  (checking stopped after {len(self.problems)} problems; there may be more)"
        what = (
            f"batch {incomplete} stopped incomplete here (it never counts and cannot be approved)"
            if incomplete
            else "nothing was imported"
        )
        super().__init__(f"{len(self.problems)} problem(s) in the ledger file; {what}:\n{shown}{tail}")


@frozen(kw_only=True)
class ParsedLedger:
    """Rows read from a file, each with the row number the file gave it."""

    rows: tuple[LedgerRow, ...]
    line_numbers: tuple[int, ...]


def _cell(
    row: LedgerRow, column: str, categories: Mapping[str, Category], masked: bool, names: Mapping[str, str]
) -> Cell:
    value = getattr(row, column)
    if value is None:
        return None
    if column in NAMED or column in LIST_COLUMNS:
        items = value if isinstance(value, tuple) else (value,)
        return SEPARATOR.join(names.get(i, i) if column in NAMED else i for i in items)
    if isinstance(value, enum.Enum):
        value = value.value
    if column in CODED:
        return CODED[column].get(str(value), str(value))
    if column == "category":
        category = categories.get(value)
        return category.name_zh if category else value
    if masked and column in FREE_TEXT:
        return mask_text(value)
    if isinstance(value, (str, int, Decimal, dt.date)):
        return value
    msg = f"ledger column {column} holds a {type(value).__name__}"  # pragma: no cover
    raise TypeError(msg)


def ledger_table(
    rows: Sequence[LedgerRow],
    categories: Mapping[str, Category],
    *,
    masked: bool,
    scope: str = "",
    generated_at: dt.datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> LedgerTable:
    """The rows as the ledger's cells, one row per case, in the order given. ``names`` (from
    :func:`registry_names`) shows rooms and mediators by name; the import reads a name back
    to its id with the same map."""
    shown = names or {}
    return LedgerTable(
        title=TITLE,
        headers=HEADERS,
        rows=tuple(tuple(_cell(r, c, categories, masked, shown) for c in COLUMNS) for r in rows),
        masked=masked,
        scope=scope,
        generated_at=generated_at,
    )


# -- reading back ----------------------------------------------------------------------------------
_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


class _BadCellError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if not isinstance(value, str) else value.strip()


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise _BadCellError("日期不应带时间", "a date must not carry a time of day")
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise _BadCellError("不是有效日期（如 2026-05-06）", "not a valid date (e.g. 2026-05-06)")


def _int(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise _BadCellError("应为非负整数", "must be a whole number of 0 or more")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = _text(value)
        if not re.fullmatch(r"\d+", text):
            raise _BadCellError("应为非负整数", "must be a whole number of 0 or more")
        if len(text) > 20:  # no count has 20 digits, and int() refuses 4,300
            raise _BadCellError("数值超出范围", "out of range: more than 20 digits")
        number = int(text)
    if number < 0:
        raise _BadCellError("应为非负整数", "must be a whole number of 0 or more")
    return number


def _amount(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(_text(value).replace(",", ""))
    except InvalidOperation:
        raise _BadCellError("应为金额（元）", "must be an amount in yuan") from None
    if not amount.is_finite() or amount < 0:
        raise _BadCellError("应为非负金额", "must be an amount of 0 or more")
    return amount


def _coded(column: str) -> Callable[[Any], str | None]:
    titles = CODED[column]
    by_title = {title: code for code, title in titles.items()}

    def parse(value: Any) -> str | None:
        text = _text(value)
        if not text:
            return None
        if text in by_title:
            return by_title[text]
        if text in titles:
            return text
        choices = "、".join(titles.values())
        raise _BadCellError(f"应为以下之一：{choices}", f"must be one of: {choices}")

    return parse


def _parsers(categories: Mapping[str, Category], names: Mapping[str, str]) -> dict[str, Callable[[Any], Any]]:
    by_name = {c.name_zh: code for code, c in categories.items()}
    ids = {name: key for key, name in names.items()}

    def category(value: Any) -> str:
        text = _text(value)
        if text in by_name:
            return by_name[text]
        if text in categories:
            return text
        raise _BadCellError("不是已登记的纠纷类型", "not a registered dispute category")

    parsers: dict[str, Callable[[Any], Any]] = {c: _coded(c) for c in CODED}
    parsers["category"] = category
    for column in DATE_COLUMNS:
        parsers[column] = _date
    for column in INT_COLUMNS:
        parsers[column] = _int
    parsers["amount_involved"] = _amount
    for column in LIST_COLUMNS:
        parsers[column] = _names_of
    parsers["mediators"] = lambda v: tuple(ids.get(n, n) for n in _names_of(v))
    parsers["room_id"] = lambda v: ids.get(_text(v), _text(v))
    parsers["presiding_mediator"] = lambda v: ids.get(_text(v), _text(v)) or None
    return parsers


def _names_of(value: Any) -> tuple[str, ...]:
    """The names of a list cell (当事人, 调解员), split at 、."""
    return tuple(n.strip() for n in _text(value).split(SEPARATOR) if n.strip())


def _optional_text(value: Any) -> str | None:
    return _text(value) or None


def _free_text(value: Any) -> str:
    """Free text is kept exactly as written (no trimming)."""
    return "" if value is None else value if isinstance(value, str) else _text(value)


_TEXT_PARSERS: dict[str, Callable[[Any], Any]] = {"case_id": _text, "room_id": _text, "summary": _free_text}


def _positions(headers: Sequence[Any], header_row: int) -> dict[str, int]:
    """Where each ledger column is; raises for a missing or repeated header."""
    problems: list[ImportProblem] = []
    by_header = {h: c for c, h in LEDGER_HEADERS_ZH.items()}
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = by_header.get(_text(header))
        if column is None:
            continue
        if column in positions:
            problems.append(
                ImportProblem(
                    row=header_row,
                    column=_text(header),
                    value="",
                    message_zh="表头重复",
                    message_en="the header appears twice",
                )
            )
        positions[column] = index
    problems += [
        ImportProblem(
            row=header_row,
            column=LEDGER_HEADERS_ZH[c],
            value="",
            message_zh="缺少此列",
            message_en="the column is missing",
        )
        for c in COLUMNS
        if c not in positions
    ]
    if problems:
        raise LedgerImportError(problems)
    return positions


def check_headers(headers: Sequence[Any], header_row: int = 1) -> None:
    """Raise :class:`LedgerImportError` unless ``headers`` hold every ledger column once: a
    reader calls it on the first row, before reading the others."""
    if len(headers) > MAX_COLUMNS:
        raise LedgerFileError(f"超过 {MAX_COLUMNS} 列", f"more than {MAX_COLUMNS} columns")
    _positions(headers, header_row)


def _read_row(
    cells: Sequence[Any], line: int, positions: Mapping[str, int], parsers: Mapping[str, Callable[[Any], Any]]
) -> tuple[dict[str, Any], list[ImportProblem]]:
    values: dict[str, Any] = {}
    problems: list[ImportProblem] = []
    for column in COLUMNS:
        index = positions[column]
        raw = cells[index] if index < len(cells) else None
        header = LEDGER_HEADERS_ZH[column]
        if column in REQUIRED and _text(raw) == "":
            problems.append(ImportProblem(row=line, column=header, value="", message_zh="必填", message_en="required"))
            continue
        try:
            values[column] = parsers.get(column, _TEXT_PARSERS.get(column, _optional_text))(raw)
        except _BadCellError as bad:
            problems.append(
                ImportProblem(row=line, column=header, value=_text(raw), message_zh=bad.zh, message_en=bad.en)
            )
    return values, problems


@frozen(kw_only=True)
class ParsedRow:
    """One non-blank row of a file read back: its row number, the row (``None`` when a cell is
    bad) and the problems of its cells."""

    line: int
    row: LedgerRow | None
    problems: tuple[ImportProblem, ...] = ()


def parse_rows(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    categories: Mapping[str, Category],
    *,
    first_row: int = 2,
    names: Mapping[str, str] | None = None,
) -> Iterator[ParsedRow]:
    """Read a ledger table back one row at a time (see :func:`rows_from_table`, which collects
    them): blank rows are skipped, every cell is checked, a case id used by an earlier row is a
    problem. Only the case ids seen so far are kept, so a file of any length is read in
    bounded memory. Raises :class:`LedgerImportError` at once when a ledger column is missing."""
    positions = _positions(headers, first_row - 1)
    parsers = _parsers(categories, names or {})
    seen: dict[str, int] = {}
    for offset, cells in enumerate(rows):
        line = first_row + offset
        if all(_text(c) == "" for c in cells):
            continue
        values, row_problems = _read_row(cells, line, positions, parsers)
        case_id = values.get("case_id")
        if case_id and case_id in seen:
            row_problems.append(
                ImportProblem(
                    row=line,
                    column=LEDGER_HEADERS_ZH["case_id"],
                    value=case_id,
                    message_zh=f"与第{seen[case_id]}行重复",
                    message_en=f"the same case as row {seen[case_id]}",
                )
            )
        if case_id:
            seen.setdefault(case_id, line)
        if row_problems:
            yield ParsedRow(line=line, row=None, problems=tuple(row_problems))
            continue
        values["status"] = CaseStatus(values["status"])
        values["outcome"] = Outcome(values["outcome"])
        values["difficulty"] = values["difficulty"] or Difficulty.ORDINARY.value
        yield ParsedRow(line=line, row=LedgerRow(**values, party_keys=()))


def rows_from_table(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    categories: Mapping[str, Category],
    *,
    first_row: int = 2,
    names: Mapping[str, str] | None = None,
) -> ParsedLedger:
    """Read a ledger table back. ``headers`` are the header cells (row ``first_row - 1`` of the
    file), ``rows`` the data rows from ``first_row`` on; blank rows are skipped. Columns may
    come in any order; columns that are not the ledger's are ignored. Raises
    :class:`LedgerImportError` listing every problem: a missing column, a bad cell, a
    required cell left empty, or a case id used twice. ``names`` (the export's
    :func:`registry_names`) reads a room's or mediator's name back to its id; an id is read as is."""
    problems: list[ImportProblem] = []
    parsed: list[LedgerRow] = []
    numbers: list[int] = []
    for found in parse_rows(headers, rows, categories, first_row=first_row, names=names):
        problems += found.problems
        if found.row is not None:
            parsed.append(found.row)
            numbers.append(found.line)
    if problems:
        raise LedgerImportError(problems)
    return ParsedLedger(rows=tuple(parsed), line_numbers=tuple(numbers))


# -- the rules every command passes, for imported rows ------------------------------------------
PAST_DATES = ("received_on", "accepted_on", "concluded_on", "archived_on", "first_follow_up_on")
"""Dates of what happened: an imported case cannot have happened after the day it is imported
(due dates, 调解期限 and 回访期限, may lie ahead)."""
ID_VALUED = ("repeat_of", "presiding_mediator", "mediators")
"""Columns holding identifiers although their names do not end in ``_id``."""


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else SEPARATOR.join(value) if isinstance(value, tuple) else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def input_problems(
    parsed: ParsedLedger, context: DecisionContext, *, numbers_in_store: Mapping[str, str]
) -> list[ImportProblem]:
    """Every imported row through the input rules commands pass (text length and characters,
    identifiers, numbers and dates in range: :mod:`mediation_core.domain.kernel.input`), plus
    what a file can get wrong that a command cannot: an identifier in a column not named
    ``…_id``, a date of what happened after the import, and a case number (案号) used by two
    rows or by a case already in the system (``numbers_in_store``: number → case id)."""
    numbers: dict[str, int] = {}
    return [
        problem
        for row, line in zip(parsed.rows, parsed.line_numbers, strict=True)
        for problem in row_input_problems(row, line, context, numbers_in_store=numbers_in_store, numbers_seen=numbers)
    ]


def row_input_problems(
    row: LedgerRow,
    line: int,
    context: DecisionContext,
    *,
    numbers_in_store: Mapping[str, str],
    numbers_seen: dict[str, int],
) -> list[ImportProblem]:
    """One row of :func:`input_problems`; ``numbers_seen`` (case number → row) carries the
    numbers of the rows before it and takes this row's."""
    problems: list[ImportProblem] = []

    def problem(column: str, zh: str, en: str) -> None:
        problems.append(
            ImportProblem(
                row=line,
                column=LEDGER_HEADERS_ZH.get(column, column),
                value=_shown(getattr(row, column)),
                message_zh=zh,
                message_en=en,
            )
        )

    for violation in input_violations(row, context):
        problem(violation.field.split("[", 1)[0].split(".", 1)[0], violation.message_zh, violation.message_en)
    for column in ID_VALUED:
        value = getattr(row, column)
        for item in value if isinstance(value, tuple) else (value,) if value else ():
            if not IDENTIFIER.fullmatch(item):
                problem(
                    column,
                    "标识只能由字母、数字及 _ . : @ - 组成，不超过64字符",
                    "an identifier is letters, digits and _ . : @ -, at most 64 characters",
                )
                break
    for column in PAST_DATES:
        day = getattr(row, column)
        if day is not None and day > context.today:
            problem(column, f"晚于导入之日 {context.today.isoformat()}", f"after the import ({context.today})")
    if row.number:
        if row.number in numbers_seen:
            problem(
                "number",
                f"与第{numbers_seen[row.number]}行案号重复",
                f"the same case number as row {numbers_seen[row.number]}",
            )
        elif numbers_in_store.get(row.number, row.case_id) != row.case_id:
            problem("number", "案号已被系统中的案件使用", "a case in the system has this case number")
        numbers_seen.setdefault(row.number, line)
    return problems
