"""Hook specs are well formed, and every built-in implementation matches its spec."""

from __future__ import annotations

import inspect
import typing

import pytest

from mediation_core.plugins import defaults
from mediation_core.plugins._markers import PROJECT
from mediation_core.plugins.hookspecs import SPEC_CLASSES
from mediation_memory import plugin as memory_plugin
from mediation_notify import plugin as notify_plugin
from mediation_reports import plugin as reports_plugin

SPECS = {name: fn for cls in SPEC_CLASSES for name, fn in vars(cls).items() if name.startswith("mediation_")}
BUILT_IN = [defaults, memory_plugin, notify_plugin, reports_plugin]


def spec_namespace() -> dict[str, object]:
    """The names hookspecs.py imports only for type checking."""
    from mediation_core import plugins, records
    from mediation_core.domain.case import state as case
    from mediation_core.domain.kernel import context, rulebook
    from mediation_core.domain.reporting import evaluation
    from mediation_core.domain.values import calendar, categories, deadlines, notices, policy
    from mediation_core.plugins import types

    return {
        "StoreBackend": plugins.StoreBackend,
        "Notifier": types.Notifier,
        "LedgerReader": types.LedgerReader,
        "DueItem": deadlines.DueItem,
        "Renderer": plugins.Renderer,
        "Policy": policy.Policy,
        "WorkingDayCalendar": calendar.WorkingDayCalendar,
        "Category": categories.Category,
        "EvaluationItem": evaluation.EvaluationItem,
        "DecisionContext": context.DecisionContext,
        "Notice": notices.Notice,
        "Violation": rulebook.Violation,
        "RecordedEvent": records.RecordedEvent,
        "CaseState": case.CaseState,
    }


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
