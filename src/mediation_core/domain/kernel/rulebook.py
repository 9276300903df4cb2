"""Rules as small named pure functions, each carrying its legal basis.

A rule is declared with :func:`rule`; the decorated function yields zero or more
:class:`Violation` records. A rule is in force because a decider's table lists it: the
rulebook (``mediation_core.domain.aggregates.RULEBOOK``, and ``docs/rules.md`` generated from
it) is read off those tables by :func:`rulebook`, never filled as a side effect of importing.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from attrs import field, frozen

C = TypeVar("C")
S = TypeVar("S")
X = TypeVar("X")


class RuleKind(enum.Enum):
    """Hard rules come from law and cannot be switched off; policy rules read county values."""

    HARD = "hard"
    POLICY = "policy"
    STANDARD = "standard"


@frozen(kw_only=True)
class Violation:
    """One broken rule on one field, in Chinese and English, with its basis."""

    rule: str
    field: str
    basis: str
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.field}: {self.message_zh} / {self.message_en} ({self.basis})"


@frozen(kw_only=True)
class Rule(Generic[C, S, X]):
    """A named check. ``check(command, state, context)`` yields violations."""

    name: str
    basis: str
    kind: RuleKind
    summary_zh: str
    summary_en: str
    section9: tuple[int, ...] = ()
    check: Callable[[C, S, X], Iterable[Violation]] = field(eq=False, repr=False)

    def __call__(self, command: C, state: S, context: X) -> list[Violation]:
        return list(self.check(command, state, context))

    def violation(self, field: str, zh: str | None = None, en: str | None = None) -> Violation:
        """A violation of this rule on ``field``; messages default to the rule's summary."""
        return Violation(
            rule=self.name,
            field=field,
            basis=self.basis,
            message_zh=zh or self.summary_zh,
            message_en=en or self.summary_en,
        )


def rule(
    name: str,
    *,
    basis: str,
    kind: RuleKind,
    zh: str,
    en: str,
    section9: tuple[int, ...] = (),
) -> Callable[[Callable[[C, S, X], Iterable[Violation]]], Rule[C, S, X]]:
    """Declare a rule; its name must be unique across the rulebook (checked by :func:`rulebook`)."""

    def declare(check: Callable[[C, S, X], Iterable[Violation]]) -> Rule[C, S, X]:
        return Rule(
            name=name,
            basis=basis,
            kind=kind,
            summary_zh=zh,
            summary_en=en,
            section9=section9,
            check=check,
        )

    return declare


def rulebook(rules: Iterable[Rule[Any, Any, Any]]) -> Mapping[str, Rule[Any, Any, Any]]:
    """The rules by name, sorted; two different rules under one name are a declaration error."""
    book: dict[str, Rule[Any, Any, Any]] = {}
    for each in rules:
        known = book.setdefault(each.name, each)
        if known is not each:
            msg = f"rule {each.name!r} declared twice"
            raise ValueError(msg)
    return MappingProxyType(dict(sorted(book.items())))


def run_rules(rules: Iterable[Rule[C, S, X]], command: C, state: S, context: X) -> Iterator[Violation]:
    """Run every rule and yield every violation (never stops at the first)."""
    for each in rules:
        yield from each(command, state, context)
