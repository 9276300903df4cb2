"""The docs tell the truth: generated pages are current and every hook is documented."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from mediation_core._docs import PAGES
from mediation_core.plugins.hookspecs import HOOK_KINDS, SPEC_CLASSES

DOCS = Path(__file__).parents[2] / "docs"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generated_page_is_current(name: str) -> None:
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == PAGES[name](), f"docs/{name} is stale: run `python -m mediation_core._docs docs`"


def hook_signatures() -> list[str]:
    out = []
    for cls in SPEC_CLASSES:
        for name, fn in vars(cls).items():
            if name.startswith("mediation_"):
                params = list(inspect.signature(fn).parameters)[1:]
                out.append(f"{name}({', '.join(params)})")
    return out


@pytest.mark.parametrize("signature", hook_signatures())
def test_every_hook_is_documented_with_its_exact_signature(signature: str) -> None:
    page = (DOCS / "plugins" / "hooks.md").read_text(encoding="utf-8")
    assert f"## {signature}\n" in page


def test_hooks_page_documents_no_hook_that_does_not_exist() -> None:
    page = (DOCS / "plugins" / "hooks.md").read_text(encoding="utf-8")
    documented = re.findall(r"^## (mediation_\w+\([^)]*\))$", page, flags=re.MULTILINE)
    assert sorted(documented) == sorted(hook_signatures())


def test_each_hook_section_names_its_kind() -> None:
    page = (DOCS / "plugins" / "hooks.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (mediation_\w+)\(.*\n\n\*(\w+)[.*]", page, flags=re.MULTILINE)
    assert {name: kind.lower() for name, kind in sections} == {n: k.value for n, k in HOOK_KINDS.items()}


def test_changelog_follows_keep_a_changelog() -> None:
    text = (DOCS.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
    assert "### Plugin API" in text
