"""The ``mediation`` console script (``mediation --help``; docs/cli.md)."""

from __future__ import annotations

from mediation_core.cli.app import ExitCode, main

__all__ = ["ExitCode", "main"]
