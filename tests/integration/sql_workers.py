"""Worker processes for the concurrency and crash tests of the SQL store.

Run as ``python sql_workers.py MODE URL WORKER COUNT``. A worker prints ``ready`` once its
store is open, waits for a line on standard input (so all workers start together), does its
work, and prints one JSON line with what it committed. Modes:

- ``append``: COUNT appends of one event to the stream ``shared``, each after reading the
  committed stream *outside* the transaction (so writers really race) and drawing a number
  from the series ``shared`` inside it; a conflict is retried with a fresh read.
- ``service``: COUNT whole case lifecycles of the worker's own cases in one room through
  ``MediationService.handle``, with an investigation recorded on the case ``shared`` after
  each (retried on conflict).
- ``import``: a bulk import of COUNT cases, a batch (``MediationService.bulk``) of 3 cases at
  a time, printing ``committed N`` after each batch; with ``PAUSE`` set to ``B:S`` it prints
  ``paused`` in batch B after S commands and blocks (uncommitted) until killed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sql_support import IDENTITY_KEY, service_on

from mediation_core.app.ports import Append
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.testing import scenarios as sc
from mediation_core.testing.storage import T0, chain, row_for
from mediation_sqlalchemy import open_sqlalchemy

BATCH = 3


def wait_for_start() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def appender(url: str, worker: int, count: int) -> dict[str, object]:
    store = open_sqlalchemy(url)
    won: list[tuple[int, int]] = []
    conflicts = 0
    wait_for_start()
    while len(won) < count:
        seen = store.read("shared")
        try:
            with store.transaction() as tx:
                number = tx.allocate_number("shared", 2026)
                body = {"worker": worker, "n": len(won), "number": number, "seen": len(seen)}
                records = chain("shared", [body], after=seen)
                tx.append(
                    Append(
                        stream_id="shared",
                        expected_version=len(seen),
                        records=records,
                        row=row_for("shared", len(seen) + 1),
                        deadlines=(),
                        notices=(),
                        created_at=T0,
                    )
                )
                tx.commit()
        except ConcurrencyConflictError:
            conflicts += 1
            continue
        won.append((records[0].version, number))
    store.close()
    return {"won": won, "conflicts": conflicts}


def handler(url: str, worker: int, count: int) -> dict[str, object]:
    service = service_on(open_sqlalchemy(url))
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    investigations, conflicts = 0, 0
    wait_for_start()
    for i in range(count):
        sc.run(service.handle, clock, sc.lifecycle(f"w{worker}-{i}", serial=1000 * worker + i))
        while True:
            try:
                service.handle(
                    c.RecordInvestigation(
                        case_id="shared",
                        on=clock.now.date(),
                        investigator_id="m-zhang",
                        subject=f"worker {worker}",
                        content=f"visit {i}",
                    ),
                    sc.MEDIATOR,
                )
                investigations += 1
                break
            except ConcurrencyConflictError:
                conflicts += 1
    service.store.close()
    return {"investigations": investigations, "conflicts": conflicts}


def importer(url: str, worker: int, count: int) -> dict[str, object]:
    service = service_on(open_sqlalchemy(url))
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    pause = os.environ.get("PAUSE")
    pause_batch, pause_step = (int(x) for x in pause.split(":")) if pause else (-1, -1)
    wait_for_start()
    committed = 0
    for batch_no, first in enumerate(range(0, count, BATCH)):
        with service.bulk() as batch:
            steps = 0
            for n in range(first, min(first + BATCH, count)):
                for moment, command in sc.lifecycle(f"import-{n:04d}", serial=n):
                    clock.now = moment
                    batch.handle(command, sc.MEDIATOR)
                    steps += 1
                    if batch_no == pause_batch and steps == pause_step:
                        print("paused", flush=True)
                        sys.stdin.readline()  # killed here, mid-transaction
        committed = min(first + BATCH, count)
        print(f"committed {committed}", flush=True)
    service.store.close()
    return {"committed": committed}


def main(argv: list[str]) -> None:
    mode, url, worker, count = argv[0], argv[1], int(argv[2]), int(argv[3])
    work = {"append": appender, "service": handler, "import": importer}[mode]
    result = work(url, worker, count)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    assert IDENTITY_KEY
    main(sys.argv[1:])
