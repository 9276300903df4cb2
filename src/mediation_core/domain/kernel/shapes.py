"""Is a command built from the types it declares? (Commands are not validated when built.)

A command reaches the service from Python code or from JSON. JSON is checked by the converter
(:func:`mediation_core.serialization.command_from_json`); a command built in Python may hold
anything, so the service checks its shape first: every field of the declared type, recursively,
with every problem named by its path (``$.parties[0].id_number``). Only then do the rules run.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, declared type) of an attrs class's fields, resolved once per class."""
    hints = typing.get_type_hints(cls)
    return tuple((field.name, hints[field.name]) for field in attrs.fields(cls))


@functools.cache
def _parts(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    """(origin, arguments) of a type, once per type."""
    return typing.get_origin(tp), typing.get_args(tp)


@functools.cache
def _is_attrs(tp: Any) -> bool:
    return isinstance(tp, type) and attrs.has(tp)


def _name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def shape_problems(value: object) -> list[str]:
    """Every field of ``value`` (an attrs command) that is not of its declared type."""
    problems: list[str] = []
    _check(value, type(value), "$", problems)
    return problems


def _check(value: Any, tp: Any, path: str, out: list[str]) -> None:  # noqa: PLR0911, PLR0912 - one branch per kind of type
    if tp is Any or tp is object:
        return
    origin, args = _parts(tp)
    if origin is typing.Union or origin is types.UnionType:
        _check_union(value, args, path, out)
        return
    if tp is type(None):
        if value is not None:
            out.append(f"expected null, got {type(value).__name__} @ {path}")
        return
    if origin is typing.Literal:
        if value not in args:
            out.append(f"expected one of {args}, got another {type(value).__name__} @ {path}")  # never the value
        return
    if origin in (tuple, frozenset, list):
        _check_collection(value, tp, origin, path, out)
        return
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        if not isinstance(value, Mapping):
            out.append(f"expected a mapping, got {type(value).__name__} @ {path}")
            return
        key_type, value_type = args or (Any, Any)
        for k, v in value.items():
            _check(k, key_type, f"{path}[{k!r}]", out)
            _check(v, value_type, f"{path}[{k!r}]", out)
        return
    problem = _scalar_problem(value, tp)
    if problem is not None:
        out.append(f"{problem} @ {path}")
        return
    if _is_attrs(tp):
        for name, declared in _fields(tp):
            _check(getattr(value, name), declared, f"{path}.{name}", out)


def _scalar_problem(value: Any, tp: Any) -> str | None:  # noqa: PLR0911 - one answer per scalar type
    got = type(value).__name__
    if tp is bool:
        return None if type(value) is bool else f"expected bool, got {got}"
    if tp is int:
        return None if isinstance(value, int) and not isinstance(value, bool) else f"expected int, got {got}"
    if tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"expected float, got {got}"
    if tp is str:
        return None if isinstance(value, str) else f"expected str, got {got}"
    if tp is Decimal:
        if not isinstance(value, Decimal):
            return f"expected Decimal, got {got}"
        return None if value.is_finite() else f"expected a finite number, got {value}"
    if tp is dt.datetime:
        return None if isinstance(value, dt.datetime) else f"expected datetime, got {got}"
    if tp is dt.date:
        return (
            None if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else f"expected date, got {got}"
        )
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return None if isinstance(value, tp) else f"expected {tp.__name__}, got {got}"  # never the value
    if isinstance(tp, type):
        return None if isinstance(value, tp) else f"expected {tp.__name__}, got {got}"
    return None


def _check_union(value: Any, arms: tuple[Any, ...], path: str, out: list[str]) -> None:
    if value is None and type(None) in arms:
        return
    concrete = [a for a in arms if a is not type(None)]
    for arm in concrete:  # a tagged union (a Party): the arm the value is an instance of
        if _is_attrs(arm) and isinstance(value, arm):
            _check(value, arm, path, out)
            return
    for arm in concrete:
        attempt: list[str] = []
        _check(value, arm, path, attempt)
        if not attempt:
            return
    expected = " | ".join(_name(a) for a in arms)
    out.append(f"expected {expected}, got {type(value).__name__} @ {path}")


def _check_collection(value: Any, tp: Any, origin: type, path: str, out: list[str]) -> None:
    if not isinstance(value, origin):
        out.append(f"expected {origin.__name__}, got {type(value).__name__} @ {path}")
        return
    collection: Any = value
    items: tuple[Any, ...] = tuple(sorted(collection, key=repr)) if origin is frozenset else tuple(collection)
    args = _parts(tp)[1]
    if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
        if len(items) != len(args):
            out.append(f"expected {len(args)} items, got {len(items)} @ {path}")
            return
        for i, (item, item_type) in enumerate(zip(items, args, strict=True)):
            _check(item, item_type, f"{path}[{i}]", out)
        return
    item_type = args[0] if args else Any
    for i, item in enumerate(items):
        _check(item, item_type, f"{path}[{i}]", out)
