"""What the command line prints: aligned tables (Chinese characters count double), JSON for
programs, and a progress bar on the terminal for long work."""

from __future__ import annotations

import json
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from mediation_core.serialization import unstructure


def printable(text: str) -> str:
    """``text`` safe for a terminal: a control character (an escape sequence's ESC among them)
    or a direction control is shown as its code point, never sent raw."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in text)


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    gap = " " * max(0, columns - width(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[bool] | None = None) -> str:
    """A plain-text table; ``numeric`` columns are right-aligned."""
    body = [[printable(str(cell)) for cell in row] for row in rows]
    right = list(numeric) if numeric is not None else [False] * len(headers)
    sizes = [max([width(h)] + [width(r[i]) for r in body]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, sizes[i], right[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * s for s in sizes))
    lines += ["  ".join(pad(r[i], sizes[i], right[i]) for i in range(len(headers))).rstrip() for r in body]
    return "\n".join(lines) + "\n"


def to_json(value: Any) -> str:
    """``value`` as indented JSON (domain values through the one converter)."""
    data = value if isinstance(value, dict | list | str | int | float | bool) or value is None else unstructure(value)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"


class Progress:
    """A one-line bar on a terminal (``stream`` a TTY, not ``--quiet``); silent otherwise, so
    piped output and logs stay clean."""

    def __init__(self, label: str, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.label = label
        self.started = time.monotonic()
        self.shown = -1.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self.shown < 0.1:
            return
        self.shown = now
        share = done / total
        bar = "█" * int(share * 30)
        elapsed = now - self.started
        eta = f" ~{elapsed / share - elapsed:4.0f}s left" if 0 < share < 1 else ""
        line = f"{self.label} {bar:<30} {share:6.1%} {done}/{total}{eta}"
        self.stream.write("\r\x1b[K" + (line if done < total else ""))
        self.stream.flush()


def requeued(out: TextIO, asked: Sequence[str], done: Sequence[str], *, as_json: bool) -> int:
    """What a requeue of dead letters (notices or relayed streams) did: those put back, and
    those asked for that were not dead letters."""
    skipped = sorted(set(asked) - set(done))
    if as_json:
        out.write(to_json({"requeued": list(done), "not_dead_letters": skipped}))
        return 0
    out.write(f"requeued: {len(done)}" + (f"; not dead letters: {', '.join(skipped)}" if skipped else "") + "\n")
    return 0
