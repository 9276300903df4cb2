"""A soak worker: one process issuing random valid commands against a shared store for a while.

Each worker moves disputes of its own along, one command at a time, in a random interleaving:
case lifecycles from intake to archive, cases terminated after a session, and referrals issued
by the station, accepted by the room and mediated to an oral agreement (followed up) or to
termination. Between them it records investigations and sessions on the shared cases, which
every worker writes to, so writers really collide. A conflict is retried and counted; any other
error is a failure the worker reports (the test expects none).

Run in a process of its own (``multiprocessing``, spawn): :func:`work`.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import traceback
from collections.abc import Callable
from typing import Any

from sql_support import IDENTITY_KEY

from builders import LIAISON, two_people
from builders import referral as station_referral
from mediation_core.app.service import MediationService
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.outcomes import TerminationReason
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy

SHARED_STEPS = 7
"""The shared cases are set up to this step of their lifecycle: mediating, where visits and
sessions may be recorded in any order by anyone."""

OPEN_FLOWS = 6
"""At most this many disputes of a worker are under way at once (all are finished at the end)."""

Step = Callable[[], None]


def shared_case(k: int) -> str:
    return f"shared-{k}"


def lifecycle_steps(case_id: str, serial: int, *, terminate: bool) -> list[tuple[dt.datetime, Any]]:
    """A case's commands: the whole lifecycle to archive, or terminated after its first session."""
    script = sc.lifecycle(case_id, serial=serial)
    if not terminate:
        return script
    moment, session = script[7]
    assert isinstance(session, c.HoldSession)
    return [*script[:8], (moment, c.TerminateCase(case_id=case_id, on=session.on, reason=TerminationReason.FAILED))]


class Worker:
    def __init__(self, url: str, worker: int, seed: int, shared: int) -> None:
        self.store = open_sqlalchemy(url)
        self.clock = sc.ScriptClock()
        self.service = MediationService(self.store, clock=self.clock, identity_key=IDENTITY_KEY)
        self.worker = worker
        self.random = random.Random(seed)
        self.shared = shared
        self.flows: list[list[Step]] = []
        self.opened = 0
        self.counts = {"commands": 0, "conflicts": 0, "cases": 0, "referrals": 0, "shared": 0, "finished": 0}

    # -- one command, retried on conflict ----------------------------------------------------
    def handle(self, moment: dt.datetime, command: Any, actor: Any = sc.MEDIATOR) -> Any:
        while True:
            self.clock.now = moment
            try:
                state = self.service.handle(command, actor)
            except ConcurrencyConflictError:
                self.counts["conflicts"] += 1
                continue
            self.counts["commands"] += 1
            return state

    # -- flows -------------------------------------------------------------------------------
    def new_case(self) -> list[Step]:
        serial = 10_000 * (self.worker + 1) + self.opened
        case_id = f"w{self.worker}-{self.opened}"
        script = lifecycle_steps(case_id, serial, terminate=self.random.random() < 0.3)
        self.counts["cases"] += 1
        return [lambda m=moment, cmd=command: self.handle(m, cmd) for moment, command in script]

    def new_referral(self) -> list[Step]:
        """Issued by the station, accepted by the room, mediated the same day."""
        day = dt.date(2026, 3, 2) + dt.timedelta(days=self.random.randrange(60))
        moment = dt.datetime.combine(day, dt.time(10), CHINA_TZ)
        settle = self.random.random() < 0.7
        ids: dict[str, str] = {}
        self.counts["referrals"] += 1

        def issue() -> None:
            ids["referral"] = self.handle(moment, station_referral(day, parties=two_people()), LIAISON).referral_id

        def accept() -> None:
            accepted = self.handle(moment, rc.AcceptReferral(referral_id=ids["referral"], on=day))
            ids["case"] = accepted.case_id

        def case(make: Callable[[str], Any]) -> Step:
            return lambda: self.handle(moment, make(ids["case"]))

        steps: list[Step] = [
            issue,
            accept,
            case(lambda cid: c.AssignMediator(case_id=cid, mediator_id="m-zhang", presiding=True, on=day)),
            case(lambda cid: c.NotifyRights(case_id=cid, on=day)),
            case(lambda cid: c.FileDocument(case_id=cid, item=CaseFileItem.IDENTITY_PROOF, title="身份证", on=day)),
            case(lambda cid: c.StartMediation(case_id=cid, on=day)),
            case(
                lambda cid: c.HoldSession(
                    case_id=cid,
                    on=day,
                    place="调解室",
                    mediator_ids=("m-zhang",),
                    party_ids=("p1", "p2"),
                    summary="调解",
                )
            ),
        ]
        if not settle:
            return [*steps, case(lambda cid: c.TerminateCase(case_id=cid, on=day, reason=TerminationReason.FAILED))]
        return [
            *steps,
            case(lambda cid: c.ReachOralAgreement(case_id=cid, on=day, content="当场赔偿")),
            case(
                lambda cid: c.RecordFollowUp(
                    case_id=cid,
                    on=day,
                    visitor_id="m-zhang",
                    party_id="p1",
                    satisfaction=Satisfaction.SATISFIED,
                    performance=Performance.PERFORMED,
                )
            ),
        ]

    def on_shared_case(self) -> None:
        """A visit or a session on a case every worker writes to."""
        case_id = shared_case(self.random.randrange(self.shared))
        moment, _ = sc.lifecycle(case_id)[SHARED_STEPS]
        on = moment.date()
        if self.random.random() < 0.5:
            command: Any = c.RecordInvestigation(
                case_id=case_id, on=on, investigator_id="m-zhang", subject=f"worker {self.worker}", content="走访"
            )
        else:
            command = c.HoldSession(
                case_id=case_id,
                on=on,
                place="调解室",
                mediator_ids=("m-zhang",),
                party_ids=("p1", "p2"),
                summary="再次调解",
            )
        self.handle(moment, command)
        self.counts["shared"] += 1

    # -- the loop ----------------------------------------------------------------------------
    def step(self) -> None:
        roll = self.random.random()
        if roll < 0.25 and self.shared:
            self.on_shared_case()
            return
        if (roll < 0.4 and len(self.flows) < OPEN_FLOWS) or not self.flows:
            self.flows.append(self.new_referral() if self.random.random() < 0.3 else self.new_case())
            self.opened += 1
        flow = self.random.choice(self.flows)
        flow.pop(0)()
        if not flow:
            self.flows.remove(flow)
            self.counts["finished"] += 1

    def run(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.step()
        while self.flows:  # finish what was begun, so every dispute ends in a known state
            self.step_unfinished()

    def step_unfinished(self) -> None:
        flow = self.flows[0]
        flow.pop(0)()
        if not flow:
            self.flows.pop(0)
            self.counts["finished"] += 1


def work(url: str, worker: int, seconds: float, seed: int, shared: int, start: Any, results: Any) -> None:
    """The process's body: wait for ``start``, work for ``seconds``, put the counts (or the
    failure) on ``results``."""
    try:
        soak = Worker(url, worker, seed, shared)
    except BaseException:
        results.put({"worker": worker, "error": traceback.format_exc()})
        raise
    start.wait()
    try:
        soak.run(seconds)
    except BaseException:
        results.put({"worker": worker, "error": traceback.format_exc(), **soak.counts})
        raise
    finally:
        soak.store.close()
    results.put({"worker": worker, "error": "", **soak.counts})
