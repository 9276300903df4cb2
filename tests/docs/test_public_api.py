"""The public surface a county imports: every command, every value a command or state holds,
every error, and the plugin kit, each from one documented module that survives moves inside
the package. The example county package imports nothing else of mediation_core."""

from __future__ import annotations

import ast
import enum
import typing
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import mediation_core
from mediation_core import commands, errors, values
from mediation_core.domain import errors as domain_errors
from mediation_core.domain.aggregates import LIFECYCLES

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "mediation-county-example"
PUBLIC = {
    "mediation_core",
    "mediation_core.commands",
    "mediation_core.values",
    "mediation_core.errors",
    "mediation_core.plugins",
    "mediation_core.testing",
}


def test_every_command_of_every_aggregate_is_public() -> None:
    every = {t for lifecycle in LIFECYCLES for t in lifecycle.command_types}
    assert {getattr(commands, name) for name in commands.__all__} == every


def held(tp: object) -> Iterator[type]:
    """The project's attrs classes and enums a field annotation names, at any depth."""
    if typing.get_origin(tp) is not None:
        for arg in typing.get_args(tp):
            yield from held(arg)
    elif (
        isinstance(tp, type)
        and tp.__module__.startswith("mediation_core")
        and (attrs.has(tp) or issubclass(tp, enum.Enum))
    ):
        yield tp


def reachable(roots: set[type]) -> set[type]:
    found: set[type] = set()
    todo = list(roots)
    while todo:
        cls = todo.pop()
        if not attrs.has(cls):
            continue
        attrs.resolve_types(cls)
        for f in attrs.fields(cls):
            for each in held(f.type):
                if each not in found:
                    found.add(each)
                    todo.append(each)
    return found


def test_every_value_a_command_holds_is_public() -> None:
    needed = reachable({t for lifecycle in LIFECYCLES for t in lifecycle.command_types})
    public = {getattr(values, name) for name in values.__all__}
    assert sorted(t.__name__ for t in needed - public) == []


def test_every_state_and_status_is_public() -> None:
    """What ``handle`` returns and what it is in: each aggregate's state and status type."""
    public = {getattr(values, name) for name in values.__all__}
    classes = {t for t in public if isinstance(t, type)}
    states = {t for t in classes if attrs.has(t) and {"status", "version"} <= set(attrs.fields_dict(t))}
    for state in states:
        attrs.resolve_types(state)
    status_of_a_state = {attrs.fields_dict(t)["status"].type for t in states}
    for lifecycle in LIFECYCLES:
        status_type = type(next(iter(lifecycle.fold.transitions.values())))
        assert status_type in public, lifecycle.name
        assert status_type in status_of_a_state, lifecycle.name


def test_every_error_is_public() -> None:
    raised = {
        v
        for v in vars(domain_errors).values()
        if isinstance(v, type) and issubclass(v, Exception) and v.__module__ == domain_errors.__name__
    }
    assert raised <= {getattr(errors, name) for name in errors.__all__}


@pytest.mark.parametrize("name", mediation_core.__all__)
def test_every_top_level_name_resolves(name: str) -> None:
    assert getattr(mediation_core, name) is not None


def imports_of(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_the_example_county_package_imports_only_the_public_surface() -> None:
    files = sorted(EXAMPLE.rglob("*.py"))
    assert files
    used = {m for f in files for m in imports_of(f) if m.split(".")[0].startswith("mediation_")}
    outside = sorted(m for m in used if m not in PUBLIC and not m.startswith("mediation_county_example"))
    assert outside == []
