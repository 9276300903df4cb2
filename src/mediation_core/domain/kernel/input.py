"""What any command's fields may hold, before any decision reads them.

Every command of every aggregate passes these rules first: text of a sensible length without
control characters, identifiers a store can key records by, numbers and dates in range, lists of a
sensible size. They report every offending field at once, like every other rule; a command that
breaks one is refused before it is decided, so a decision never reads a malformed value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import Rule, RuleKind, Violation, rule, run_rules

LONG_TEXT_FIELDS = frozenset(
    {
        "summary",
        "facts",
        "facts_and_losses",
        "content",
        "minutes",
        "obligations",
        "points_in_dispute",
        "findings",
        "problems",
        "measures",
        "course",
        "circumstances",
        "terms",
        "text",
        "note",
        "reason",
        "late_reason",
        "result",
        "lawsuit",
        "basis",
        "task",
    }
)
"""Narrative fields (a form's 纠纷简要情况, 调解记录, 协议内容 …); every other text is a line
(a name, a place, a number, a title)."""

IDENTIFIER = re.compile(r"[\w.:@-]{1,64}")
"""Letters (any script), digits, ``_ . : @ -``; at most 64 characters (no path separators, no spaces)."""

MAX_INTEGER = 1_000_000
"""Counts (persons, a numerous side's headcount, an item's number) stay below a million."""
MAX_AMOUNT = Decimal(10) ** 12
"""Amounts (yuan) stay below a trillion."""
FEN = Decimal("0.01")
"""Money is counted in yuan to the fen (分); shares and hours may be finer."""


def _is_money(name: str) -> bool:
    return "amount" in name or name.startswith("fee")


YEARS = (1949, 2099)
FIRST_DAY, LAST_DAY = dt.date(YEARS[0], 10, 1), dt.date(YEARS[1], 12, 31)

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_NEWLINES = frozenset("\t\n\r")
_NOT_XML = frozenset("\ufffe\uffff")
"""Not characters of XML 1.0 (§2.2 Char) although Python calls them merely unassigned: one
of them in a party's name makes every .docx and .xlsx holding it unreadable."""


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The attrs fields of a class, or ``None`` when it is not an attrs class (once per class)."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in attrs.fields(cls)) if attrs.has(cls) else None
        return names


def _leaves(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, field name, value) of every scalar inside a command, recursively."""
    names = _field_names(type(value))
    if names is not None:
        for name in names:
            yield from _children(getattr(value, name), f"{path}.{name}" if path else name, name)
        return
    yield path, path.rsplit(".", 1)[-1].split("[", 1)[0], value


def _children(value: Any, path: str, name: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value, key=repr) if isinstance(value, frozenset | set) else value
        yield path, name, value  # the collection itself, for its size
        for i, item in enumerate(items):
            if _field_names(type(item)) is not None:
                yield from _leaves(item, f"{path}[{i}]")
            else:
                yield f"{path}[{i}]", name, item
    elif isinstance(value, Mapping):
        yield path, name, value
        for k, v in value.items():
            yield f"{path}[{k}]", name, v
    elif _field_names(type(value)) is not None:
        yield from _leaves(value, path)
    else:
        yield path, name, value


@attrs.frozen
class Walked:
    """A command with its fields walked once: the input rules all read the same leaves, so
    :func:`input_violations` hands them this instead of walking the command five times."""

    command: Any
    leaves: tuple[tuple[str, str, Any], ...]


def leaves(command: Any) -> Sequence[tuple[str, str, Any]]:
    """Every (path, field name, value) of a command, collections included."""
    if isinstance(command, Walked):
        return command.leaves
    return list(_leaves(command, ""))


def _is_identifier_field(name: str) -> bool:
    return name.endswith(("_id", "_ids"))


@rule(
    "text_within_limit",
    basis=(
        "人民调解文书格式 (see docs/legal-basis.md §5.1): 表格栏目为一行（姓名、地点、编号），叙述栏目为一页之内；"
        "县级实践"
    ),
    kind=RuleKind.POLICY,
    zh="文字过长",
    en="the text is too long",
)
def text_within_limit(cmd: Any, state: object, ctx: DecisionContext) -> Iterator[Violation]:
    policy = ctx.policy
    for path, name, value in leaves(cmd):
        if not isinstance(value, str):
            continue
        limit = policy.long_text_max_chars if name in LONG_TEXT_FIELDS else policy.short_text_max_chars
        if len(value) > limit:
            yield text_within_limit.violation(
                path, f"超过 {limit} 字（{len(value)} 字）", f"longer than {limit} characters ({len(value)})"
            )


@rule(
    "list_within_limit",
    basis="县级实践：一件纠纷的当事人、参加人、材料在数百以内（人数众多的一方推选代表，宁波条例 第20条）",
    kind=RuleKind.POLICY,
    zh="列表项目过多",
    en="the list has too many items",
)
def list_within_limit(cmd: Any, state: object, ctx: DecisionContext) -> Iterator[Violation]:
    limit = ctx.policy.list_max_items
    for path, _, value in leaves(cmd):
        if isinstance(value, tuple | list | frozenset | set | Mapping) and len(value) > limit:
            yield list_within_limit.violation(
                path, f"超过 {limit} 项（{len(value)} 项）", f"more than {limit} items ({len(value)})"
            )


def bad_character(text: str, *, narrative: bool) -> str | None:
    """The first character (as ``U+XXXX``) that may not be stored in ``text``: a control
    character (newlines and tabs only in narrative text), a surrogate, a direction control, or
    a character XML 1.0 cannot hold (documents and workbooks are XML); ``None`` when clean."""
    if text.isprintable():  # no Cc, Cf (the direction controls among them), Cs or Cn character
        return None
    for ch in text:
        if ch in _NEWLINES and narrative:
            continue
        category = unicodedata.category(ch)
        if (
            category in ("Cc", "Cs")
            or ch in _BIDI_CONTROLS
            or ch in _NOT_XML
            or (category == "Cn" and ord(ch) > 0xFFFF)
        ):
            return f"U+{ord(ch):04X}"
    return None


@rule(
    "text_printable",
    basis="人民调解法 第27条 (立卷归档: 记录须可辨认、可保存)；Unicode 控制字符与方向控制符不可打印",
    kind=RuleKind.STANDARD,
    zh="文字含有控制字符",
    en="the text holds control characters",
)
def text_printable(cmd: Any, state: object, ctx: DecisionContext) -> Iterator[Violation]:
    for path, name, value in leaves(cmd):
        if isinstance(value, str):
            bad = bad_character(value, narrative=name in LONG_TEXT_FIELDS)
            if bad:
                yield text_printable.violation(path, f"含有控制字符 {bad}", f"holds the control character {bad}")


@rule(
    "identifier_well_formed",
    basis="记录按标识存取 (一案一卷): 标识由字母、数字及 _ . : @ - 组成，不超过64字符",
    kind=RuleKind.STANDARD,
    zh="标识格式不正确",
    en="the identifier is malformed",
)
def identifier_well_formed(cmd: Any, state: object, ctx: DecisionContext) -> Iterator[Violation]:
    for path, name, value in leaves(cmd):
        if isinstance(value, str) and value and _is_identifier_field(name) and not IDENTIFIER.fullmatch(value):
            yield identifier_well_formed.violation(
                path,
                "标识只能由字母、数字及 _ . : @ - 组成，不超过64字符",
                "an identifier is letters, digits and _ . : @ -, at most 64 characters",
            )


@rule(
    "value_in_range",
    basis=(
        "记录真实性 (人民调解法 第27条): 日期在1949年10月1日至2099年之间，"
        "人数与数量为非负且小于一百万，金额为非负、精确到分且小于一万亿元"
    ),
    kind=RuleKind.STANDARD,
    zh="数值或日期超出合理范围",
    en="the number or date is out of range",
)
def value_in_range(cmd: Any, state: object, ctx: DecisionContext) -> Iterator[Violation]:
    for path, name, value in leaves(cmd):
        problem = _range_problem(name, value)
        if problem:
            yield value_in_range.violation(path, problem[0], problem[1])


def _range_problem(name: str, value: Any) -> tuple[str, str] | None:  # noqa: PLR0911 - one answer per kind
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if name == "year":
            ok = YEARS[0] <= value <= YEARS[1]
            return None if ok else (f"年份 {value} 超出范围", f"year {value} is out of range {YEARS[0]}–{YEARS[1]}")
        ok = 0 <= value < MAX_INTEGER
        return None if ok else (f"数值 {value} 超出范围", f"{value} is out of range 0–{MAX_INTEGER - 1}")
    if isinstance(value, Decimal):
        if not value.is_finite() or value.copy_abs() >= MAX_AMOUNT:  # copy_abs: no context, no overflow
            return f"金额 {value} 超出范围", f"{value} is out of range (below {MAX_AMOUNT})"
        if _is_money(name) and (value < 0 or value != value.quantize(FEN)):
            return (
                f"金额 {value} 须为非负且精确到分",
                f"an amount of money is not negative and is in yuan to the fen: {value}",
            )
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return "时间须注明时区", "a date and time needs its time zone"
        value = value.date()
    if isinstance(value, dt.date) and not FIRST_DAY <= value <= LAST_DAY:
        return (
            f"日期 {value.isoformat()} 超出范围",
            f"{value.isoformat()} is out of range {FIRST_DAY.isoformat()}–{LAST_DAY.isoformat()}",
        )
    return None


INPUT_RULES: tuple[Rule[Any, Any, DecisionContext], ...] = (
    text_within_limit,
    list_within_limit,
    text_printable,
    identifier_well_formed,
    value_in_range,
)


def input_violations(command: Any, context: DecisionContext) -> list[Violation]:
    """Every input rule's violations for ``command`` (an attrs command of any aggregate)."""
    return list(run_rules(INPUT_RULES, Walked(command, tuple(_leaves(command, ""))), None, context))


def text_problems(value: Any, path: str = "$") -> list[str]:
    """What the input rules would say of the characters and identifiers inside ``value``, for
    values that enter without a command (the registry): ``"U+0000 @ $.mediators[m-1].name"``.
    Every text there ends up in documents and workbooks, so it holds only what XML can."""
    problems = []
    for name, item in _texts(value, path):
        field = name.rsplit(".", 1)[-1].split("[", 1)[0]
        bad = bad_character(item, narrative=field in LONG_TEXT_FIELDS)
        if bad:
            problems.append(f"holds the control character {bad} @ {name}")
        elif _is_identifier_field(field) and item and not IDENTIFIER.fullmatch(item):
            problems.append(f"an identifier is letters, digits and _ . : @ -, at most 64 characters @ {name}")
    return problems


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, f"{path}[{key}]")
    elif isinstance(value, tuple | list | frozenset | set):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")
    elif (names := _field_names(type(value))) is not None:
        for name in names:
            yield from _texts(getattr(value, name), f"{path}.{name}")
