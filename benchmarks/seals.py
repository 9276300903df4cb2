"""What a keyed seal costs per append: HMAC-SM3 and HMAC-SHA256 against the plain SHA-256 hash.

    python -m benchmarks.seals [--cases N] [--runs N]

Two measures, each a median over ``--runs`` runs with the order of the three seals rotated
from run to run (so drift on a shared machine falls on each alike):

- **seal**: :func:`mediation_core.records.record` alone, per record, over the envelopes of
  real case files (the body dominates what is hashed);
- **append**: every command of ``--cases`` case lifecycles through the service on the memory
  store, per appended event (decide, seal, append: what a user waits for).

See docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.records import HMAC_SHA256, HMAC_SM3, SealKey, SealKeys, digest_available, record
from mediation_core.testing import scenarios as sc
from mediation_memory.store import MemoryStore

SECRET = b"benchmark seal key, 32 bytes ..."
IDENTITY = b"benchmark-identity-key"


def _keys() -> dict[str, SealKeys]:
    out = {"sha256 (no key)": SealKeys()}
    for algorithm in (HMAC_SM3, HMAC_SHA256):
        if digest_available(algorithm):
            out[algorithm] = SealKeys(keys=(SealKey(key_id="k", secret=SECRET, algorithm=algorithm),), current="k")
    return out


def _lifecycles(keys: SealKeys, cases: int) -> tuple[float, int]:
    """Seconds for every command of ``cases`` lifecycles, and the events appended."""
    store = MemoryStore()
    clock = sc.ScriptClock()
    service = MediationService(store, clock=clock, identity_key=IDENTITY, seal_keys=keys)
    service.register(demo_registry(), sc.ADMIN)
    scripts = [sc.lifecycle(f"case-{n:05d}", serial=n) for n in range(cases)]
    start = time.perf_counter()
    for script in scripts:
        sc.run(service.handle, clock, script)
    elapsed = time.perf_counter() - start
    return elapsed, sum(len(store.read(s)) for s in store.stream_ids())


def _seals(keys: SealKeys, envelopes: list[dict[str, object]]) -> float:
    key = keys.sealing
    start = time.perf_counter()
    for e in envelopes:
        record(**e, key=key)  # type: ignore[arg-type]
    return (time.perf_counter() - start) / len(envelopes)


def _envelopes(cases: int) -> list[dict[str, object]]:
    store = MemoryStore()
    clock = sc.ScriptClock()
    service = MediationService(store, clock=clock, identity_key=IDENTITY)
    service.register(demo_registry(), sc.ADMIN)
    for n in range(cases):
        sc.run(service.handle, clock, sc.lifecycle(f"case-{n:05d}", serial=n))
    return [
        {
            "stream_id": r.stream_id,
            "version": r.version,
            "event_type": r.event_type,
            "schema_version": r.schema_version,
            "body": r.body,
            "recorded_at": r.recorded_at,
            "actor": r.actor,
            "prev_hash": r.prev_hash,
        }
        for s in store.stream_ids()
        for r in store.read(s)
    ]


def _rotated(names: list[str], runs: int, measure: Callable[[str], float]) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in names}
    for run in range(runs):
        for name in names[run % len(names) :] + names[: run % len(names)]:
            samples[name].append(measure(name))
    return {name: statistics.median(values) for name, values in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.seals", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=40, help="case lifecycles per run (default 40)")
    parser.add_argument("--runs", type=int, default=9, help="runs per seal (default 9)")
    args = parser.parse_args(argv)
    keys = _keys()
    names = list(keys)
    envelopes = _envelopes(args.cases)
    per_seal = _rotated(names, args.runs, lambda name: _seals(keys[name], envelopes))
    events = 0

    def per_event(name: str) -> float:
        nonlocal events
        elapsed, events = _lifecycles(keys[name], args.cases)
        return elapsed / events

    per_append = _rotated(names, args.runs, per_event)
    base_seal, base_append = per_seal[names[0]], per_append[names[0]]
    print(f"seals: {len(envelopes)} records; appends: {args.cases} lifecycles, {events} events; {args.runs} runs")
    print(f"{'seal':<18}{'per record':>14}{'× sha256':>10}{'per append':>14}{'× sha256':>10}{'added':>12}")
    for name in names:
        print(
            f"{name:<18}{per_seal[name] * 1e6:>11.1f} µs{per_seal[name] / base_seal:>9.2f}×"
            f"{per_append[name] * 1e6:>11.1f} µs{per_append[name] / base_append:>9.2f}×"
            f"{(per_append[name] - base_append) * 1e6:>+9.1f} µs"
        )
    if HMAC_SM3 not in keys:
        print("hmac-sm3: not measured, this Python's OpenSSL offers no SM3")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
