"""The README's main command, run as a newcomer would: in a fresh copy of the project, with a fresh
virtual environment and a home folder of its own. It must build the demo district on the embedded
SQLite store, print the coordination-centre report near the source report's figures, and leave the
ledger, the dashboard and the documents behind."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("dev.py", "pyproject.toml", "README.md", "src")
"""What a fresh checkout needs to run ``dev.py``."""


def readme_commands() -> list[str]:
    """The commands of the README's "Two commands" block, without their comments."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None, "the README has no command block under 'Two commands'"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_names_the_demo_and_the_test_command() -> None:
    assert readme_commands() == ["python3 dev.py demo", "python3 dev.py test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 dev.py test" in ci  # CI runs exactly the README's test command


def fresh_checkout(into: Path) -> Path:
    checkout = into / "checkout"
    checkout.mkdir()
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, checkout / name)
    return checkout


def comparison(printed: str) -> dict[str, tuple[float, float]]:
    """The printed figures beside the source report's: figure title → (source, demo)."""
    table = printed.split("against the source report", 1)[1].split("\n\n", 1)[0]
    found = {}
    for line in table.splitlines():
        match = re.match(r"^(\S+)\s+([\d.]+)\s+([\d.]+)\s+[+-][\d.]+", line)
        if match:
            found[match[1]] = (float(match[2]), float(match[3]))
    return found


@pytest.mark.slow
def test_the_main_command_builds_the_demo_district_in_a_fresh_environment(tmp_path: Path) -> None:
    checkout = fresh_checkout(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    keep = ("PATH", "LANG", "LC_ALL", "SSL_CERT_FILE", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("PIP_")}
    env |= {"HOME": str(home), "MEDIATION_VENV": str(tmp_path / "venv"), "PYTHONIOENCODING": "utf-8"}
    command = readme_commands()[0].split()
    assert command[0] == "python3"
    result = subprocess.run(
        [sys.executable, *command[1:]], cwd=checkout, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    printed = result.stdout
    headline = next(line for line in printed.splitlines() if line.startswith("示范区 / demo district"))
    assert "(seed 2018)" in headline
    assert headline.endswith("on sqlite")
    assert "区矛盾纠纷多元化解协调中心报表" in printed
    assert "市中区 矛盾纠纷化解情况统计（2025年07月01日—2025年12月31日）" in printed
    figures = comparison(printed)
    source, demo = figures["调解纠纷（已办结）"]
    assert source == 2807
    assert abs(demo - source) <= 0.02 * source
    source, demo = figures["调解成功"]
    assert source == 2756
    assert abs(demo - source) <= 0.02 * source
    source, demo = figures["调解成功率（%）"]
    assert abs(demo - source) <= 0.5
    for title, allowed in (("调解疑难复杂纠纷", 6), ("防止民转刑", 5), ("预防处置群体性事件", 3)):
        source, demo = figures[title]
        assert abs(demo - source) <= allowed, title
    assert "every hash chain whole" in printed
    out = checkout / "mediation-demo"
    assert (out / "台账.xlsx").read_bytes()[:2] == b"PK"
    assert "<svg" in (out / "dashboard.html").read_text(encoding="utf-8")
    assert len(list((out / "documents").glob("*.docx"))) >= 8
    assert "skipped" not in printed
    assert (out / "demo.sqlite3").exists()
