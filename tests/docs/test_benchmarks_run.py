"""The command path benchmark runs and prints its tables in docs/performance.md's layout
(tiny sizes; the figures themselves are not checked: timings are never asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("eventsourcing")  # the bench extra

from benchmarks import commands

PERFORMANCE = Path(__file__).parents[2] / "docs" / "performance.md"


def test_the_command_path_benchmark_prints_the_tables_the_docs_keep(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--quick", "--backend", "sqlite", "--only", "ceiling", "--only", "cached", "--only", "import"]
    assert commands.main(argv) == 0
    printed = capsys.readouterr().out
    for part in ("ceiling", "cached", "import"):
        assert commands.HEADS[part] in printed
    assert "| sqlite | 32 |" in printed  # the ceiling: two lifecycles of 16 commands
    assert "| csv | 50 |" in printed


def test_docs_performance_keeps_every_table_in_the_benchmarks_layout() -> None:
    text = PERFORMANCE.read_text(encoding="utf-8")
    for heading in commands.HEADS.values():
        assert heading in text
