"""Import paths that moved in 0.2, kept working for one release with a ``DeprecationWarning``.

A finder placed first on ``sys.meta_path`` answers for the old names only: it imports the new
module and puts it in ``sys.modules`` under the old name too, so both names are one module
(never a second copy that would declare its rules twice). A module split into several has no
one module to stand for it: its old name becomes an empty module whose names resolve from the
parts (``SPLIT``), each with its own warning.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

_D = "mediation_core.domain"
MOVED: dict[str, str] = {
    f"{_D}.{old}": f"{_D}.{new}"
    for old, new in {
        "deciders": "kernel.decider",
        "transitions": "kernel.fold",
        "lifecycles": "kernel.lifecycle",
        "context": "kernel.context",
        "shapes": "kernel.shapes",
        "rules.input": "kernel.input",
        "actors": "values.actors",
        "parties": "values.parties",
        "identifiers": "values.identifiers",
        "periods": "values.periods",
        "policy": "values.policy",
        "calendar": "values.calendar",
        "organisations": "values.organisations",
        "deadlines": "values.deadlines",
        "notices": "values.notices",
        "privacy": "values.privacy",
        "sources": "values.sources",
        "categories": "values.categories",
        "recipients": "values.recipients",
        "risks": "values.risks",
        "access": "values.access",
        "commands": "case.commands",
        "events": "case.events",
        "decide": "case.decide",
        "agreements": "case.agreements",
        "casefile": "values.casefile",
        "followups": "case.followups",
        "invariants": "case.invariants",
        "outcomes": "case.outcomes",
        "limitation": "case.limitation",
        "retention": "case.retention",
        "rules": "case.rules",
        "rules.referral": "referral.rules",
        "rules.police": "police_case.rules",
        "rules.dispatch": "dispatch.rules",
        "rules.traffic": "traffic.rules",
        "police": "police_case",
        "insurers": "traffic.insurers",
        "agenda": "meeting.agenda",
        "ledger": "reporting.ledger",
        "statistics": "reporting.statistics",
        "rollups": "reporting.rollups",
        "crosscheck": "reporting.crosscheck",
        "repeats": "reporting.repeats",
        "subsidies": "reporting.subsidies",
        "evaluation": "reporting.evaluation",
        "imports": "reporting.imports",
    }.items()
}
MOVED["mediation_core.walkthrough"] = "mediation_core.demo.walkthrough"

SPLIT: dict[str, tuple[str, ...]] = {
    f"{_D}.{old}": tuple(f"{_D}.{new}" for new in parts)
    for old, parts in {
        "meetings": (
            "meeting.minutes",
            "meeting.kinds",
            "meeting.schedule",
            "meeting.commands",
            "meeting.events",
            "meeting.state",
            "meeting.rules",
            "meeting.decide",
            "meeting.compliance",
        ),
        "returns": (
            "statistical_return.figures",
            "statistical_return.commands",
            "statistical_return.events",
            "statistical_return.state",
            "statistical_return.filing",
            "statistical_return.rules",
            "statistical_return.decide",
        ),
        "evaluation_rounds": (
            "evaluation_round.results",
            "evaluation_round.commands",
            "evaluation_round.events",
            "evaluation_round.state",
            "evaluation_round.rules",
            "evaluation_round.decide",
        ),
        "rulebook": ("kernel.rulebook", "aggregates"),
        "inspections": (
            "inspection.commands",
            "inspection.events",
            "inspection.state",
            "inspection.rules",
            "inspection.decide",
            "inspection.report",
        ),
    }.items()
}
"""Modules split into several in 0.2. The parts are listed so that each comes after the parts it
imports from: the first part that has a name is the one that defines it."""
MOVED.update({old: parts[0] for old, parts in SPLIT.items()})


def new_name(old: str) -> str | None:
    """Where ``old`` lives now (the longest moved prefix decides), or ``None``; for a module
    split into several, the first of them."""
    parts = old.split(".")
    for end in range(len(parts), 1, -1):
        head = ".".join(parts[:end])
        if head in MOVED:
            return ".".join([MOVED[head], *parts[end:]])
    return None


class _Alias:
    """The loader of an old name (a plain class: ``importlib.abc`` costs more to import than
    ``import mediation_core`` itself)."""

    def __init__(self, targets: tuple[str, ...]) -> None:
        self.targets = targets

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        warnings.warn(
            f"{module.__name__} moved to {', '.join(self.targets)}; the old path goes in 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        if len(self.targets) == 1:
            sys.modules[module.__name__] = importlib.import_module(self.targets[0])
        else:  # no one module to stand for it: its names resolve from the parts, one by one
            module.__dict__["__getattr__"] = forward(module.__name__, *self.targets)


class MovedFinder:
    """Finds the old names of moved modules (and only those)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("mediation_core."):
            return None
        new = new_name(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("Loader", _Alias(SPLIT.get(fullname, (new,)))))


def install() -> None:
    if not any(isinstance(f, MovedFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, MovedFinder())


def forward(package: str, *targets: str) -> Callable[[str], Any]:
    """A ``__getattr__`` for a name that was one module until 0.2 (a package now, or split into
    several modules): its old names resolve from the first of ``targets`` that has them, with a
    ``DeprecationWarning`` naming where they are now."""

    def moved_name(name: str) -> Any:
        if not name.startswith("__"):
            for target in targets:
                module = importlib.import_module(target)
                if hasattr(module, name):
                    warnings.warn(
                        f"{package}.{name} moved to {target}.{name}; the old path goes in 0.3",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    return getattr(module, name)
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)

    return moved_name
