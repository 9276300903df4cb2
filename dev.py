#!/usr/bin/env python3
"""One-command setup and run, for a fresh machine that has only Python 3.11+.

    python3 dev.py demo     # set up, then run the main job: `mediation demo` (any of its options follow)
    python3 dev.py test     # set up, then run the whole test suite
    python3 dev.py lint     # set up, then ruff, mypy and the import contracts
    python3 dev.py bench    # set up, then every benchmark (python -m benchmarks; --quick, --only …)

The virtual environment lives in ``.venv`` (or ``$MEDIATION_VENV``) and is created on first
use; later runs only re-install when ``pyproject.toml`` (or the example county package's)
changed. The tests also install the example county package from ``docs/examples``, as a county
would install its own, and run its tests.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("MEDIATION_VENV", ROOT / ".venv"))
EXTRAS = {
    "demo": "[xlsx,docx]",
    "test": "[dev,webhook,xlsx,docx,postgres,amqp,http,bench]",
    "lint": "[dev,webhook,xlsx,docx,postgres,amqp,http]",
    "bench": "[bench]",
}
"""The extras each task installs: the demo writes the ledger workbook and Word documents; the
tests exercise every optional adapter against real servers (PostgreSQL at 127.0.0.1:5432 among
them) and run the command benchmark at tiny sizes, which needs the eventsourcing library it
compares against, as the benchmarks do."""
EXAMPLE = ROOT / "docs" / "examples" / "mediation-county-example"
"""The example county package: installed for the tests and the linters, tested like a county's own."""
WITH_EXAMPLE = {"test", "lint"}


def bin_path(name: str) -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / name


def ensure_venv(extras: str, example: bool = False) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is required; this is {sys.version.split()[0]}")
    if not bin_path("python").exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed{extras or '[]'}{'+example' if example else ''}"
    manifests = [ROOT / "pyproject.toml", *([EXAMPLE / "pyproject.toml"] if example else [])]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in manifests)).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    pip = [str(bin_path("python")), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-U", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}{extras}", *(["-e", str(EXAMPLE)] if example else [])], check=True)
    stamp.write_text(digest)


def run(*argv: str) -> int:
    return subprocess.run(argv, cwd=ROOT, check=False).returncode


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "help"
    if task not in EXTRAS:
        print(__doc__)
        return 2
    ensure_venv(EXTRAS[task], example=task in WITH_EXAMPLE)
    extra = argv[1:]
    if task == "demo":
        return run(str(bin_path("mediation")), "demo", *extra)
    if task == "test":
        return run(str(bin_path("python")), "-m", "pytest", *extra)
    if task == "bench":
        return run(str(bin_path("python")), "-m", "benchmarks", *extra)
    return (
        run(str(bin_path("ruff")), "check", "src", "tests", "benchmarks", "docs/examples")
        or run(str(bin_path("ruff")), "format", "--check", "src", "tests", "benchmarks", "docs/examples")
        or run(str(bin_path("mypy")))
        or run(str(bin_path("lint-imports")))
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
