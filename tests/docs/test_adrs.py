"""Architecture decision records: one number each, the same three sections, and every reference
to one points at a record that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_self_contained import texts

ADR = Path(__file__).parents[2] / "docs" / "adr"
RECORDS = sorted(ADR.glob("*.md"))
SECTIONS = ["## Context", "## Decision", "## Consequences"]


def number(path: Path) -> str:
    found = re.match(r"(\d{4})-[a-z0-9-]+\.md$", path.name)
    assert found, f"{path.name} is not named NNNN-title.md"
    return found.group(1)


def test_adr_numbers_are_unique_and_follow_on() -> None:
    numbers = [number(p) for p in RECORDS]
    assert len(numbers) == len(set(numbers)), sorted(n for n in numbers if numbers.count(n) > 1)
    assert [int(n) for n in numbers] == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.name)
def test_adr_has_its_number_a_status_and_the_three_sections(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# ADR {number(path)}: ")
    assert re.search(r"^Status: \w+", text, flags=re.MULTILINE)
    headings = re.findall(r"^## .+$", text, flags=re.MULTILINE)
    assert headings == SECTIONS
    bodies = re.split(r"^## .+$", text, flags=re.MULTILINE)[1:]
    assert all(body.strip() for body in bodies), "a section is empty"


def test_every_reference_to_an_adr_names_one_that_exists() -> None:
    files = {p.name for p in RECORDS}
    numbers = {number(p) for p in RECORDS}
    broken = []
    for name, text in texts():
        broken += [f"{name}: {m}" for m in re.findall(r"adr/(\d{4}-[a-z0-9-]+\.md)", text) if m not in files]
        broken += [f"{name}: ADR {m}" for m in re.findall(r"\bADR (\d{4})\b", text) if m not in numbers]
        broken += [f"{name}: {m}" for m in re.findall(r"\]\((\d{4}-[a-z0-9-]+\.md)\)", text) if m not in files]
    assert broken == []
