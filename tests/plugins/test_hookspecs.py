"""Hook specs are well formed, every hook has one honest kind and a precise input type, and every
built-in implementation (the core's defaults and each adapter the distribution registers)
matches its spec."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import typing
from collections.abc import Iterable

import pytest

import mediation_core.plugins
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.plugins import ENTRY_POINT_GROUP, HOOK_KINDS, HookKind, defaults
from mediation_core.plugins._markers import PROJECT
from mediation_core.plugins.hookspecs import SPEC_CLASSES
from mediation_core.plugins.manager import REGISTRATION_HOOKS

SPECS = {name: fn for cls in SPEC_CLASSES for name, fn in vars(cls).items() if name.startswith("mediation_")}
ADAPTERS = sorted(
    (
        ep
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        if ep.dist and ep.dist.name == "mediation-core"
    ),
    key=lambda ep: ep.name,
)
BUILT_IN = [defaults, *(ep.load() for ep in ADAPTERS)]


def test_every_adapter_of_the_distribution_is_checked() -> None:
    assert [ep.name for ep in ADAPTERS] == ["amqp", "memory", "notify", "reports", "sqlalchemy"]
    assert "mediation_sqlalchemy.plugin" in {m.__name__ for m in BUILT_IN}


def spec_namespace() -> dict[str, object]:
    """The names hookspecs.py imports only for type checking: all of them are on the plugin
    surface (``mediation_core.plugins``), except the deprecated ``DecisionContext``."""
    return {**vars(mediation_core.plugins), "DecisionContext": DecisionContext}


def spec_opts(fn: object) -> dict[str, object]:
    return getattr(fn, f"{PROJECT}_spec")  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_is_documented_with_its_call_semantics(name: str) -> None:
    doc = inspect.getdoc(SPECS[name]) or ""
    firstresult = spec_opts(SPECS[name])["firstresult"]
    assert ("Stops at first non-None result" in doc) == firstresult
    assert firstresult or "Broadcast" in doc or "broadcast" in doc
    assert ".. versionadded::" in doc


@pytest.mark.parametrize("name", sorted(n for n in SPECS if spec_opts(SPECS[n])["firstresult"]))
def test_decision_hooks_have_a_trylast_core_default(name: str) -> None:
    impl = getattr(defaults, name)
    assert getattr(impl, f"{PROJECT}_impl")["trylast"] is True


@pytest.mark.parametrize(
    ("module", "name"),
    [(m, n) for m in BUILT_IN for n in dir(m) if n in SPECS],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_built_in_impl_matches_its_spec(module: object, name: str) -> None:
    impl = getattr(module, name)
    spec = SPECS[name]
    spec_params = list(inspect.signature(spec).parameters)[1:]  # drop self
    impl_params = list(inspect.signature(impl).parameters)
    assert set(impl_params) <= set(spec_params), f"{name} asks for arguments the spec does not pass"
    spec_hints = typing.get_type_hints(spec, localns=spec_namespace())
    impl_hints = typing.get_type_hints(impl, {**spec_namespace(), **vars(module)})
    for param in impl_params:
        assert impl_hints.get(param) == spec_hints[param], f"{name}({param}) is typed differently from its spec"


# -- kinds -------------------------------------------------------------------------------------------------
KIND_LINE = r"^(Registration|Contribution|Observer|Decision)[ .(]"
"""A docstring paragraph that says which kind the hook is."""


def test_every_hook_has_exactly_one_kind() -> None:
    assert set(HOOK_KINDS) == set(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_kind_is_named_in_the_docstring_and_fits_how_the_hook_is_called(name: str) -> None:
    kind = HOOK_KINDS[name]
    doc = inspect.getdoc(SPECS[name]) or ""
    named = {HookKind(k.lower()) for k in re.findall(KIND_LINE, doc, flags=re.MULTILINE)}
    assert named == {kind}, f"{name}'s docstring names {sorted(k.value for k in named)}, not {kind.value}"
    firstresult = spec_opts(SPECS[name])["firstresult"]
    assert firstresult == (kind is HookKind.DECISION)
    returns = typing.get_type_hints(SPECS[name], localns=spec_namespace())["return"]
    if kind is HookKind.OBSERVER:
        assert returns is type(None)
    if kind in (HookKind.REGISTRATION, HookKind.CONTRIBUTION):
        assert typing.get_origin(returns) is Iterable
    assert (kind is HookKind.REGISTRATION) == (name in REGISTRATION_HOOKS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_no_hook_takes_an_untyped_object(name: str) -> None:
    hints = typing.get_type_hints(SPECS[name], localns=spec_namespace())
    assert object not in hints.values(), f"{name} types an input as object"
