"""Plugin dispatch and import benchmarks. Not tests: they print ratios measured side by side.

    python -m benchmarks.dispatch

- **plugin dispatch**: the command path (``MediationService.handle`` for every command of
  full case lifecycles, on the memory store, where nothing else hides the hooks' cost) with
  only the core's default plugins, and with five notifier plugins registered besides. Each
  offers a delivery channel (``mediation_notifiers``), raises notices on events
  (``mediation_notices``, none for these cases) and observes every recorded event
  (``mediation_event_recorded``). The share of the command's time that the five cost is
  measured two ways: directly, the time spent inside the hook calls of the command path
  (``notices``, ``event_recorded``, ``referral_checks``, ``command_checks``) with the five registered, timed
  around each call, ÷ the command path's time; and by difference, (with − without) ÷ with,
  the median over runs whose order alternates (the difference of two noisy times, so it
  moves more from run to run than the direct share).
- **import**: ``import mediation_core`` against ``import attrs, cattrs, pluggy`` (the
  libraries it is built on), each in a fresh interpreter, timed inside it; medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from attrs import frozen

from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.values.notices import Notice
from mediation_core.plugins import Notifier, Plugins, hookimpl
from mediation_core.plugins.manager import make_plugin_manager
from mediation_core.records import RecordedEvent
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore


class NotifierPlugin:
    """A notifier plugin as a county would write one: a channel, notices and an observer."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen = 0

    @hookimpl
    def mediation_notifiers(self) -> Iterable[Notifier]:
        yield Notifier(name=f"bench-{self.n}", open=lambda settings: lambda notice: None)

    @hookimpl
    def mediation_notices(self, event: RecordedEvent, state: object) -> Iterable[Notice]:
        return ()

    @hookimpl
    def mediation_event_recorded(self, event: RecordedEvent, state: object) -> None:
        self.seen += 1


SPENT = [0.0]
"""Seconds spent inside the command path's hook calls, accumulated by :class:`TimedPlugins`."""


@frozen
class TimedPlugins(Plugins):
    """The facade with every hook call of the command path timed."""

    def notices(self, event: RecordedEvent, state: object) -> list[Notice]:
        started = time.perf_counter()
        try:
            return super().notices(event, state)
        finally:
            SPENT[0] += time.perf_counter() - started

    def event_recorded(self, event: RecordedEvent, state: object) -> None:
        started = time.perf_counter()
        try:
            super().event_recorded(event, state)
        finally:
            SPENT[0] += time.perf_counter() - started

    def referral_checks(self, referral: Any, acceptance: Any, context: Any) -> list[Violation]:
        started = time.perf_counter()
        try:
            return super().referral_checks(referral, acceptance, context)
        finally:
            SPENT[0] += time.perf_counter() - started

    def command_checks(self, command: object, state: Any, **kwargs: Any) -> list[Violation]:
        started = time.perf_counter()
        try:
            return super().command_checks(command, state, **kwargs)
        finally:
            SPENT[0] += time.perf_counter() - started


def plugins_with(count: int, timed: bool = False) -> Plugins:
    manager = make_plugin_manager(autoload=False)
    for n in range(count):
        manager.register(NotifierPlugin(n), name=f"bench-notifier-{n}")
    return TimedPlugins(manager) if timed else Plugins(manager)


def command_seconds(plugins: Plugins, cases: int, offset: int) -> float:
    service = MediationService(MemoryStore(), plugins=plugins, clock=sc.ScriptClock(), identity_key=b"bench")
    service.register(demo_registry(), sc.ADMIN)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    scripts = [sc.lifecycle(f"case-{offset + n:06d}", serial=offset + n) for n in range(cases)]
    started = time.perf_counter()
    for script in scripts:
        for moment, command in script:
            clock.now = moment
            service.handle(command, sc.MEDIATOR)
    return time.perf_counter() - started


def dispatch(cases: int, runs: int, say: Callable[[str], None]) -> dict[str, float]:
    command_seconds(plugins_with(0), 2, 900_000)  # imports and converters, once
    direct = []
    for run in range(runs):
        SPENT[0] = 0.0
        total = command_seconds(plugins_with(5, timed=True), cases, (runs + run) * cases)
        direct.append(SPENT[0] / total)
        say(f"  dispatch run {run + 1}/{runs}: {SPENT[0] * 1000:6.1f} ms of {total * 1000:7.0f} ms in hook calls")
    shares, without, with_five = [], [], []
    for run in range(runs):
        if run % 2:  # alternate which goes first: the second of a pair runs on a warmer machine
            b = command_seconds(plugins_with(5), cases, run * cases)
            a = command_seconds(plugins_with(0), cases, run * cases)
        else:
            a = command_seconds(plugins_with(0), cases, run * cases)
            b = command_seconds(plugins_with(5), cases, run * cases)
        without.append(a)
        with_five.append(b)
        shares.append((b - a) / b)
        say(f"  difference run {run + 1}/{runs}: 0 plugins {a * 1000:7.0f} ms, 5 plugins {b * 1000:7.0f} ms")
    return {
        "direct": statistics.median(direct),
        "without": statistics.median(without),
        "with_five": statistics.median(with_five),
        "share": statistics.median(shares),
    }


TIMED = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"


def import_seconds(modules: str) -> float:
    out = subprocess.run([sys.executable, "-c", TIMED.format(modules)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def imports(runs: int, say: Callable[[str], None]) -> dict[str, float]:
    ours, theirs, ratios = [], [], []
    for _ in range(runs):
        a, b = import_seconds("mediation_core"), import_seconds("attrs, cattrs, pluggy")
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
    say(
        f"  import: mediation_core {statistics.median(ours) * 1000:.1f} ms, attrs+cattrs+pluggy "
        f"{statistics.median(theirs) * 1000:.1f} ms"
    )
    return {"ours": statistics.median(ours), "theirs": statistics.median(theirs), "ratio": statistics.median(ratios)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dispatch", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20, help="case lifecycles per run (default 20)")
    parser.add_argument("--runs", type=int, default=7, help="runs; medians are reported (default 7)")
    args = parser.parse_args(argv)

    def say(line: str) -> None:
        print(line, flush=True)

    say(f"plugin dispatch and import benchmark: {args.cases} case lifecycles per run, median of {args.runs} runs")
    d = dispatch(args.cases, args.runs, say)
    i = imports(max(args.runs, 11), say)
    say("")
    say(
        f"plugin dispatch with 5 notifier plugins: {d['direct'] * 100:.1f} % of the command path in hook calls, "
        f"{d['share'] * 100:.1f} % by difference (target <= 10 %)"
    )
    say(f"import mediation_core: {i['ratio']:.2f}x import attrs, cattrs, pluggy (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
