"""The ``mediation`` console script: the parser, the commands, and what an error looks like.

An error is one line on standard error (``mediation: error: …``), or one line per broken rule
when the rules refused a command, and never a traceback unless ``--debug``. With ``--json`` the
error is one JSON object on standard error. Exit codes are in :class:`ExitCode`.
"""

from __future__ import annotations

import argparse
import enum
import importlib.metadata
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.cli import cases, coordination, demo, ledger, outbox, plugins, schema, stores
from mediation_core.cli.session import Session, UsageError, common_options
from mediation_core.domain.errors import (
    AuthorisationError,
    CommandFormatError,
    ConcurrencyConflictError,
    DomainError,
    NotFoundError,
    OperationalError,
    RuleViolationError,
)
from mediation_core.exports.forms import DocumentUnavailableError
from mediation_core.exports.ledger import LedgerFileError, LedgerImportError
from mediation_core.plugins.manager import PluginError


class ExitCode(enum.IntEnum):
    """What ``mediation`` returns to the shell (docs/cli.md)."""

    OK = 0
    FAILURE = 1  # the store failed, or something unexpected happened
    USAGE = 2  # bad arguments, or an input file that cannot be read or does not fit
    REFUSED = 3  # the rules refused the command, or the ledger file has bad cells: nothing was written
    NOT_ALLOWED = 4  # the acting role or scope does not cover the command
    NOT_FOUND = 5  # no such case, referral, meeting …
    CONFIGURATION = 6  # the deployment's configuration or a selected plugin is missing or broken
    CONFLICT = 7  # another writer got there first: run the command again
    BROKEN = 8  # verify found a broken seal chain or (--deep, --anchor) any finding
    UNAVAILABLE = 9  # the store is busy (locked), unreachable or full: run again once it is back
    INTERRUPTED = 130


Command = Callable[[Session], int]

EPILOG = """exit codes:
  0 ok   1 failure   2 usage or bad input   3 refused by the rules (nothing written)
  4 not allowed   5 not found   6 configuration or plugin   7 conflict, run again
  8 verify found something   9 store busy, unreachable or full, run again   130 interrupted

environment: MEDIATION_STORE, MEDIATION_DB_URL, MEDIATION_IDENTITY_KEY, MEDIATION_NOTIFIERS_FILE,
MEDIATION_SEAL_KEYS_FILE, MEDIATION_ACTOR, MEDIATION_OPERATORS, MEDIATION_REGION (docs/cli.md,
docs/operations.md)"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mediation",
        description="公调对接: police-station and people's-mediation linkage",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common_options(parser, top=True)
    parser.add_argument("--version", action="version", version=f"mediation {package_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_text: str, run: Command, **kwargs: object) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, **kwargs)  # type: ignore[arg-type]
        common_options(p, top=False)
        p.set_defaults(run=run)
        return p

    for module in (stores, demo, cases, coordination, ledger, outbox, plugins, schema):
        module.register(add)
    return parser


def package_version() -> str:
    """The installed mediation-core's version."""
    try:
        return importlib.metadata.version("mediation-core")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    args.stdout, args.stderr = out, err
    session = Session(args)
    with log_to(err, getattr(args, "log_level", None)):
        return run(args, session, out, err)


@contextmanager
def log_to(stream: TextIO, level: str | None) -> Iterator[None]:
    """With ``--log-level``, the log records of that level and above on ``stream`` for the
    length of the command (the library's loggers redact personal data before any handler)."""
    if not level:
        yield
        return
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    previous = root.level
    root.addHandler(handler)
    root.setLevel(min(previous or logging.WARNING, logging.getLevelNamesMapping()[level]))
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def run(args: argparse.Namespace, session: Session, out: TextIO, err: TextIO) -> int:
    try:
        code: int = args.run(session)
        out.flush()  # a closed pipe shows here, not in the interpreter's last flush
    except KeyboardInterrupt:
        return report(args, err, ExitCode.INTERRUPTED, "interrupted", "interrupted")
    except BrokenPipeError:
        return closed_pipe(out)
    except Exception as exc:  # noqa: BLE001 - every error becomes one line and an exit code
        code, kind, lines = classify(exc)
        lines += [" ".join(str(note).split()) for note in getattr(exc, "__notes__", ())]
        if args.debug:
            traceback.print_exception(exc, file=err)
        return report(args, err, code, kind, *lines, violations=_violations(exc))
    return code


def closed_pipe(out: TextIO) -> int:
    """The reader of standard output went away (``mediation plugins | head``): what it did not
    read is dropped quietly, and standard output points at the null device so the interpreter's
    last flush cannot fail either."""
    try:
        fileno = out.fileno()
    except (AttributeError, OSError, ValueError):
        return int(ExitCode.OK)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)
    return int(ExitCode.OK)


def classify(exc: BaseException) -> tuple[ExitCode, str, list[str]]:
    """The exit code, a short kind and the lines that explain ``exc``."""
    if isinstance(exc, RuleViolationError):
        head = f"refused: {len(exc.violations)} rule violation(s); nothing was written"
        return ExitCode.REFUSED, "refused", [head, *(f"  - {v}" for v in exc.violations)]
    if isinstance(exc, LedgerImportError):
        return ExitCode.REFUSED, "refused", str(exc).splitlines()
    table: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], ExitCode, str], ...] = (
        (DocumentUnavailableError, ExitCode.REFUSED, "refused"),
        (
            (UsageError, CommandFormatError, LedgerFileError, FileNotFoundError, IsADirectoryError),
            ExitCode.USAGE,
            "usage",
        ),
        (AuthorisationError, ExitCode.NOT_ALLOWED, "not allowed"),
        (NotFoundError, ExitCode.NOT_FOUND, "not found"),
        ((ConfigurationError, PluginError), ExitCode.CONFIGURATION, "configuration"),
        (ConcurrencyConflictError, ExitCode.CONFLICT, "conflict"),
        (OperationalError, ExitCode.UNAVAILABLE, "unavailable"),
        (DomainError, ExitCode.FAILURE, "error"),
    )
    for types, code, kind in table:
        if isinstance(exc, types):
            return code, kind, [_one_line(exc)]
    if isinstance(exc, demo.DemoError):
        return ExitCode.FAILURE, "error", [_one_line(exc)]
    return (
        ExitCode.FAILURE,
        "error",
        [f"unexpected {type(exc).__name__}: {_one_line(exc)} (run with --debug for the traceback)"],
    )


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, CommandFormatError):
        text = "the command does not fit its type: " + "; ".join(exc.problems)
    if isinstance(exc, ConcurrencyConflictError):
        text += " (another writer was first: run the command again)"
    return " ".join(text.split())


def _violations(exc: BaseException) -> list[dict[str, str]]:
    if isinstance(exc, RuleViolationError):
        return [
            {"rule": v.rule, "field": v.field, "basis": v.basis, "message_zh": v.message_zh, "message_en": v.message_en}
            for v in exc.violations
        ]
    return []


def report(
    args: argparse.Namespace,
    err: TextIO,
    code: ExitCode,
    kind: str,
    *lines: str,
    violations: list[dict[str, str]] | None = None,
) -> int:
    if getattr(args, "json", False):
        payload: dict[str, object] = {"error": kind, "exit_code": int(code), "message": lines[0] if lines else kind}
        if violations:
            payload["violations"] = violations
        err.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        first, *rest = lines or (kind,)
        prefix = "mediation: " if first.startswith("refused") else "mediation: error: "
        err.write(prefix + first + "\n")
        err.writelines(line + "\n" for line in rest)
    return int(code)
