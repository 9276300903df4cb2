"""The architecture page describes the code as it is: every module, file and heading it names
exists, so a move that forgets the page fails here."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from test_self_contained import texts

ROOT = Path(__file__).parents[2]
PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
SOURCE_ROOTS = [
    ROOT,
    ROOT / "src" / "mediation_core",
    ROOT / "src" / "mediation_core" / "domain",
    ROOT / "src" / "adapters",
]


def resolve(dotted: str) -> object:
    """The module or attribute ``dotted`` names, importing its longest importable prefix."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:end]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[end:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


DOTTED = sorted(set(re.findall(r"`((?:mediation_core|mediation_sqlalchemy|mediation_memory)(?:\.\w+)+)", PAGE)))
PATHS = sorted(set(re.findall(r"`((?:\w+/)+(?:\w+\.py)?)`", PAGE)))


def test_the_page_names_modules_and_paths() -> None:
    assert len(DOTTED) > 20
    assert len(PATHS) > 20


@pytest.mark.parametrize("dotted", DOTTED)
def test_every_module_the_page_names_is_where_it_says(dotted: str) -> None:
    assert resolve(dotted) is not None  # an old path would warn, and warnings are errors


@pytest.mark.parametrize("path", PATHS)
def test_every_file_and_package_the_page_names_exists(path: str) -> None:
    assert any((root / path).exists() for root in SOURCE_ROOTS), path


def test_every_link_of_the_page_resolves() -> None:
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", PAGE)
    missing = [t for t in targets if not t.startswith("http") and not (ROOT / "docs" / t).exists()]
    assert missing == []


def test_citations_of_its_sections_name_headings_that_exist() -> None:
    headings = set(re.findall(r"^## (.+)$", PAGE, flags=re.MULTILINE))
    cited = {
        (name, heading)
        for name, text in texts()
        for heading in re.findall(r'docs/architecture\.md,? \(?"([^"]+)"', text)
    }
    assert cited, "no citation of a section found"
    assert {c for c in cited if c[1] not in headings} == set()
