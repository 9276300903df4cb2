"""The repository stands on its own: every citation points at a page a reader of the repository
has, and every section of docs/legal-basis.md that the code cites exists."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from mediation_core.app.service import MediationService
from mediation_core.domain.aggregates import RULEBOOK
from mediation_core.domain.case.invariants import INVARIANTS

ROOT = Path(__file__).parents[2]
LEGAL_BASIS = ROOT / "docs" / "legal-basis.md"
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "build",
    "dist",
}

# Documents that were never part of the repository; assembled so that this file does not name them.
OUTSIDE = [
    "DESIGN" + ".md",
    "STYLE" + ".md",
    "DESIGN" + " §",
    "STYLE" + " §",
    "legal-basis" + " §",
    "seed" + " report",
    "seed" + " §",
    "../" + "shared",
]


def repository_files() -> list[Path]:
    """The tracked files (every file of the tree when git is not at hand)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        found = []
        for folder, dirs, files in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
            found += [Path(folder) / f for f in files]
        return found
    return [ROOT / name for name in out.decode().split("\0") if name]


def texts() -> Iterator[tuple[str, str]]:
    """(path, text) of every text file, the changelog excepted: it keeps the history as it was."""
    for path in repository_files():
        name = path.relative_to(ROOT).as_posix()
        if name == "CHANGELOG.md" or not path.is_file():
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def test_no_file_cites_a_document_outside_the_repository() -> None:
    found = [
        f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for name, text in texts()
        for phrase in OUTSIDE
        for m in re.finditer(re.escape(phrase), text, flags=re.IGNORECASE)
    ]
    assert found == []


def page_sections() -> set[str]:
    """Section numbers of docs/legal-basis.md: headings, numbered paragraphs and §9's table rows."""
    page = LEGAL_BASIS.read_text(encoding="utf-8")
    headings = re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", page, flags=re.MULTILINE)
    paragraphs = re.findall(r"^\*\*(\d+(?:\.\d+)+)\b", page, flags=re.MULTILINE)
    return set(headings) | set(paragraphs)


def section9_rows() -> dict[int, str]:
    """The forty testable rules: number → the row's text."""
    page = LEGAL_BASIS.read_text(encoding="utf-8")
    part = page.split("## 9. ", 1)[1].split("\n## ", 1)[0]
    return {int(m.group(1)): m.group(0) for m in re.finditer(r"^\| (\d+) \|.*$", part, flags=re.MULTILINE)}


CITATION = re.compile(r"legal-basis\.md\)? (§[^)\n;]*)")


def citations() -> Iterator[tuple[str, str, str]]:
    """(path, cited section, the citation) for every § after a mention of legal-basis.md."""
    for name, text in texts():
        for m in CITATION.finditer(text):
            cited = m.group(1)
            for rules in re.finditer(r"§9 rules? ([\d ,–and]+)", cited):
                for number in re.findall(r"\d+", rules.group(1)):
                    yield name, f"9 rule {number}", m.group(0)
            for section in re.finditer(r"§(\d+(?:\.\d+)*)(?! rule)", cited):
                yield name, section.group(1), m.group(0)


def test_legal_basis_citations_name_sections_that_exist() -> None:
    sections = page_sections()
    rows = section9_rows()
    missing = []
    seen = 0
    for name, cited, citation in citations():
        seen += 1
        ok = int(cited.removeprefix("9 rule ")) in rows if cited.startswith("9 rule ") else cited in sections
        if not ok:
            missing.append(f"{name}: §{cited} in {citation!r}")
    assert seen > 100, "the citations were not found at all"
    assert missing == []


def test_every_source_identifier_is_listed() -> None:
    page = LEGAL_BASIS.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| (S\d+) \|", page, flags=re.MULTILINE))
    cited = {
        (name, s)
        for name, text in texts()
        if name.startswith(("docs/", "src/mediation_core/"))
        for s in re.findall(r"(?<![\w.])(S\d{1,2})(?![\w])", text)
    }
    assert {s for _, s in cited} <= listed, sorted(c for c in cited if c[1] not in listed)


def test_section9_lists_the_forty_rules_and_every_rule_that_encodes_one() -> None:
    assert MediationService  # importing the service declares every aggregate's rules
    rows = section9_rows()
    assert sorted(rows) == list(range(1, 41))
    encoders = [(r.name, r.section9) for r in RULEBOOK.values()] + [(i.name, i.section9) for i in INVARIANTS]
    known = {name for name, _ in encoders}
    for number, row in rows.items():
        encoded_by = row.split("|")[3]
        named = set(re.findall(r"`(\w+)`", encoded_by))
        assert named <= known, f"§9 rule {number} names {sorted(named - known)}"
        expected = {name for name, numbers in encoders if number in numbers}
        assert expected <= named, f"§9 rule {number} does not list {sorted(expected - named)}"


def test_every_section9_rule_is_encoded() -> None:
    assert MediationService
    encoded = {n for r in RULEBOOK.values() for n in r.section9} | {n for i in INVARIANTS for n in i.section9}
    assert sorted(encoded) == list(range(1, 41))


def test_the_page_refers_only_to_its_own_sections() -> None:
    page = LEGAL_BASIS.read_text(encoding="utf-8")
    referred = set(re.findall(r"§(\d+(?:\.\d+)*)", page))
    assert referred, "no cross-references found"
    assert referred <= page_sections(), sorted(referred - page_sections())
