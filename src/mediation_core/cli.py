"""The ``mediation`` console script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mediation_core.domain.errors import DomainError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mediation", description="公调对接 mediation core")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("walkthrough", help="walk one dispute from intake to archive and print its file")
    args = parser.parse_args(argv)
    from mediation_core.app.bootstrap import ConfigurationError  # noqa: PLC0415 - keep --help instant

    try:
        if args.command == "walkthrough":
            from mediation_core.walkthrough import main as walk  # noqa: PLC0415

            sys.stdout.write(walk())
    except (DomainError, ConfigurationError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
