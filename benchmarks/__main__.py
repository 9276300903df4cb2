"""Every benchmark in one run: ``python -m benchmarks`` (or ``python3 dev.py bench``).

    python -m benchmarks                      # storage, commands, dispatch and import, report (1,000,000 cases)
    python -m benchmarks --quick              # small sizes: a minute or two, for a smoke run
    python -m benchmarks --only report --cases 200000
    python -m benchmarks --only province      # 100 counties x 3,000 cases on one PostgreSQL

Each part prints ratios measured side by side in one run, medians of several runs; see
docs/performance.md. The parts can also be run alone (``python -m benchmarks.storage`` …).
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import commands, dispatch, province, report, seals, storage

PARTS = ("storage", "commands", "dispatch", "report", "seals", "province")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--quick", action="store_true", help="small sizes and few runs")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--cases", type=int, help="ledger rows of the report benchmark (default 1,000,000)")
    args = parser.parse_args(argv)
    parts = args.only or list(PARTS)
    runs = ["--runs", "3"] if args.quick else []
    status = 0
    if "storage" in parts:
        status |= storage.main(["--backend", args.backend, *(["--cases", "5"] if args.quick else []), *runs])
    if "commands" in parts:
        status |= commands.main(["--backend", args.backend, *(["--quick"] if args.quick else [])])
    if "dispatch" in parts:
        status |= dispatch.main([*(["--cases", "5"] if args.quick else []), *runs])
    if "report" in parts:
        cases = args.cases or (20_000 if args.quick else 1_000_000)
        status |= report.main(["--backend", args.backend, "--cases", str(cases), *runs])
    if "seals" in parts:
        status |= seals.main([*(["--cases", "5"] if args.quick else []), *runs])
    if "province" in parts and args.backend != "sqlite":  # counties share one PostgreSQL database
        status |= province.main([*(["--counties", "10", "--cases", "300"] if args.quick else []), *runs])
    return status


if __name__ == "__main__":
    sys.exit(main())
