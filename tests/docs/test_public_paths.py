"""What county code imports keeps working: every path the 0.1 docs showed resolves, and one
that moved says where it went (a ``DeprecationWarning``) until the old path goes in 0.3."""

from __future__ import annotations

import importlib
import inspect
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from mediation_core._moved import MOVED, new_name
from mediation_core.domain.aggregates import RULEBOOK
from mediation_core.domain.kernel.input import text_within_limit
from mediation_core.domain.kernel.rulebook import RuleKind, rule, rulebook

SNAPSHOTS = Path(__file__).parents[1] / "snapshots"
DOCUMENTED = [
    line
    for line in (SNAPSHOTS / "documented-paths-0.1.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]
COORDINATION_NAMES = [
    line
    for line in (SNAPSHOTS / "coordination-names-0.1.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


def resolve(path: str) -> object:
    """The module or attribute ``path`` names, importing its longest importable prefix."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:end]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[end:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(path)


def forget_old_names() -> None:
    """Drop the aliases earlier imports left, so that an old path warns again."""
    for name in list(sys.modules):
        if new_name(name) is not None:
            del sys.modules[name]


@pytest.mark.parametrize("path", DOCUMENTED)
def test_every_documented_path_resolves(path: str) -> None:
    forget_old_names()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = resolve(path)
    assert found is not None
    moved = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    parts = path.split(".")
    prefixes = {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
    if prefixes & set(MOVED) or path.startswith("mediation_core.domain.case."):
        assert moved, f"{path} moved but says nothing"
        assert "goes in 0.3" in moved[0]
    else:
        assert not moved, f"{path} did not move but warns: {moved}"


def test_an_old_and_a_new_path_are_one_module() -> None:
    forget_old_names()
    with pytest.warns(DeprecationWarning, match=r"mediation_core\.domain\.commands moved to"):
        old = importlib.import_module("mediation_core.domain.commands")
    assert old is importlib.import_module("mediation_core.domain.case.commands")


@pytest.mark.parametrize("path", COORDINATION_NAMES)
def test_every_name_of_a_split_coordination_module_resolves_through_its_old_path(path: str) -> None:
    """meetings, returns, evaluation_rounds, inspections, misconduct and training were one module
    each in 0.1: every name they had still resolves there, and the warning names a path that
    gives the same object (for a class or function, the module that defines it)."""
    forget_old_names()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = resolve(path)
    moved = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    said = next((m for m in moved if m.startswith(f"{path} moved to ")), None)
    assert said is not None, f"{path} resolves but does not say where it went: {moved}"
    assert "goes in 0.3" in said
    new = said.removeprefix(f"{path} moved to ").split(";")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve(new) is found
    if inspect.isclass(found) or inspect.isfunction(found):
        assert new.rpartition(".")[0] == found.__module__


@pytest.mark.parametrize("old", ["mediation_core.domain.meetings", "mediation_core.domain.training"])
def test_a_name_a_split_module_never_had_is_still_missing(old: str) -> None:
    forget_old_names()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        module = importlib.import_module(old)
        with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
            _ = module.NoSuchName


def test_the_rulebook_lists_the_rules_of_its_snapshot() -> None:
    """Names, kinds and bases, against a snapshot first taken before the restructuring: the
    rulebook read off the decider tables holds every rule importing the whole service did. A
    change to a rule rewrites the snapshot (``python tests/snapshots/rulebook.py``) in the same
    commit, so review sees it."""
    snapshot = json.loads((SNAPSHOTS / "rulebook.json").read_text(encoding="utf-8"))
    for entry in snapshot:  # a basis that names a module names it where it lives now
        entry["basis"] = re.sub(
            r"mediation_core(?:\.\w+)+", lambda m: new_name(m.group(0)) or m.group(0), entry["basis"]
        )
    now = [
        {"name": r.name, "kind": r.kind.value, "basis": r.basis}
        for r in sorted(RULEBOOK.values(), key=lambda r: r.name)
    ]
    assert now == snapshot


def test_the_rulebook_needs_no_import_side_effect() -> None:
    """In a fresh interpreter, importing the domain's aggregates alone gives the whole rulebook."""
    code = (
        "import sys; from mediation_core.domain.aggregates import RULEBOOK; "
        "print(len(RULEBOOK), 'mediation_core.app' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    snapshot = json.loads((SNAPSHOTS / "rulebook.json").read_text(encoding="utf-8"))
    assert out == [str(len(snapshot)), "False"]


def test_a_rule_name_declared_twice_is_refused() -> None:
    twin = rule(text_within_limit.name, basis="x", kind=RuleKind.HARD, zh="x", en="x")(text_within_limit.check)
    with pytest.raises(ValueError, match="declared twice"):
        rulebook([text_within_limit, twin])
    assert list(rulebook([text_within_limit, text_within_limit])) == [text_within_limit.name]


def shown_paths() -> list[tuple[str, str]]:
    """(page, dotted path) for every ``mediation_*`` path the README and docs show today, in
    backticks or in an import line. The section of docs/api.md that says where the 0.1 paths
    went is left out: it shows them on purpose."""
    root = SNAPSHOTS.parents[1]
    found = set()
    for page in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]:
        if "examples" in page.parts:
            continue
        text = page.read_text(encoding="utf-8").split("## Paths that moved")[0]
        found |= {(page.name, p) for p in re.findall(r"`(mediation_[a-z]+(?:\.\w+)+)", text)}
        for line in re.finditer(r"^\s*from (mediation_\w+(?:\.\w+)*) import ([\w, ()]+)$", text, re.MULTILINE):
            names = (n.strip().split(" as ")[0] for n in line.group(2).strip("()").split(","))
            found |= {(page.name, f"{line.group(1)}.{n}") for n in names if n}
    return sorted(found)


LOGGERS = {
    name
    for path in (SNAPSHOTS.parents[1] / "src").rglob("*.py")
    for name in re.findall(r'logger\("([\w.]+)"\)', path.read_text(encoding="utf-8"))
}
"""Logger names the docs may show: they look like module paths."""


@pytest.mark.parametrize(("page", "path"), shown_paths())
def test_every_path_the_docs_show_today_resolves_without_a_warning(page: str, path: str) -> None:
    if path in LOGGERS:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve(path) is not None, f"{page}: {path}"
