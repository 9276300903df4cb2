"""Whole case lifecycles as command scripts, for load, concurrency and crash tests of stores.

:func:`lifecycle` gives the commands that take one dispute from intake to archive in the
demo district (:func:`mediation_core.demo.walkthrough.demo_registry`), each with the moment it
happens; ``serial`` makes the parties' ID numbers distinct per case, so generated cases are
not repeats of one another. :func:`run` drives a service through such a script.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import Mark, Responsibility, SignatoryKind, WrittenTerms
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.identifiers import resident_id_check_char
from mediation_core.domain.values.parties import NaturalPerson, Side
from mediation_core.domain.values.sources import CaseSource

ROOM = "pengshanlu-room"
MEDIATOR = Actor(actor_id="m-zhang", role=Role.MEDIATOR, scope_id=ROOM, name="张明")
ADMIN = Actor(actor_id="admin", role=Role.ADMINISTRATOR, scope_id="district")

Script = list[tuple[dt.datetime, Any]]


def resident_id(serial: int) -> str:
    """A valid resident ID number, distinct for every ``serial`` below 36,500,000."""
    born = dt.date(1930, 1, 1) + dt.timedelta(days=serial // 1000 % 36_500)
    first17 = f"511102{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def lifecycle(case_id: str, *, serial: int = 0, start: dt.date = dt.date(2026, 5, 6)) -> Script:
    """The commands of one dispute from intake to archive: received, accepted, mediated,
    settled by a signed written agreement, followed up, archived."""

    def at(days: int, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(start + dt.timedelta(days=days), dt.time(hour), CHINA_TZ)

    def on(days: int) -> dt.date:
        return start + dt.timedelta(days=days)

    parties = (
        NaturalPerson(
            party_id="p1",
            side=Side.APPLICANT,
            name="王建国",
            id_number=resident_id(2 * serial),
            phone="13800138000",
            address="柏杨街道幸福路12号",
        ),
        NaturalPerson(
            party_id="p2",
            side=Side.RESPONDENT,
            name="李海",
            id_number=resident_id(2 * serial + 1),
            phone="13900139000",
            address="柏杨街道幸福路14号",
        ),
    )
    terms = WrittenTerms(
        facts="李海堆放建筑垃圾堵塞排水沟，致王建国院内进水",
        points_in_dispute="清理责任及损失赔偿",
        responsibilities=(
            Responsibility(party_id="p1", text="配合清理"),
            Responsibility(party_id="p2", text="承担主要责任"),
        ),
        obligations="李海清理排水沟并赔偿王建国损失人民币3000元",
        performance_method="现金当面支付",
        performance_place="彭山路派出所联合调解室",
        performance_deadline=on(9),
    )
    return [
        (
            at(0),
            c.ReceiveDispute(
                case_id=case_id,
                room_id=ROOM,
                received_on=on(0),
                source=CaseSource.DISPATCH_110,
                category="neighbourhood",
                summary="邻里因排水沟堵塞发生争执，110出警，调解员随警到场",
                parties=parties,
                amount_involved=Decimal("3000"),
            ),
        ),
        (at(0), c.AcceptCase(case_id=case_id, on=on(0))),
        (at(0), c.AssignMediator(case_id=case_id, mediator_id="m-zhang", presiding=True, on=on(0))),
        (at(0), c.NotifyRights(case_id=case_id, on=on(0))),
        (at(0), c.FileDocument(case_id=case_id, item=CaseFileItem.IDENTITY_PROOF, title="身份证复印件", on=on(0))),
        (at(1), c.StartMediation(case_id=case_id, on=on(1))),
        (
            at(1),
            c.RecordInvestigation(
                case_id=case_id, on=on(1), investigator_id="m-zhang", subject="现场查看", content="排水沟堵塞"
            ),
        ),
        (
            at(2),
            c.HoldSession(
                case_id=case_id,
                on=on(2),
                place="彭山路派出所联合调解室",
                mediator_ids=("m-zhang",),
                party_ids=("p1", "p2"),
                summary="双方同意协商解决",
            ),
        ),
        (at(2), c.DraftWrittenAgreement(case_id=case_id, on=on(2), terms=terms)),
        *[
            (
                at(2),
                c.SignAgreement(
                    case_id=case_id, kind=SignatoryKind.PARTY, signer_id=p, mark=Mark.FINGERPRINT, on=on(2)
                ),
            )
            for p in ("p1", "p2")
        ],
        (at(2), c.SignAgreement(case_id=case_id, kind=SignatoryKind.MEDIATOR, signer_id="m-zhang", on=on(2))),
        (at(3), c.SignAgreement(case_id=case_id, kind=SignatoryKind.COMMITTEE_SEAL, on=on(3), mark=Mark.SEAL)),
        (
            at(14),
            c.RecordFollowUp(
                case_id=case_id,
                on=on(14),
                visitor_id="m-zhang",
                party_id="p1",
                performance=Performance.PERFORMED,
                satisfaction=Satisfaction.SATISFIED,
            ),
        ),
        (at(16), c.FileDocument(case_id=case_id, item=CaseFileItem.BACK_COVER, title="封底", on=on(16))),
        (at(16), c.ArchiveCase(case_id=case_id, on=on(16), archivist_id="m-zhang")),
    ]


class ScriptClock:
    """A clock that tells the moment of the script step being run."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 5, 6, 10, tzinfo=CHINA_TZ)

    def __call__(self) -> dt.datetime:
        return self.now


def run(handle: Callable[[Any, Actor], Any], clock: ScriptClock, script: Iterable[tuple[dt.datetime, Any]]) -> Any:
    """Run ``script`` through ``handle`` (a service's or a bulk batch's), moving ``clock``
    to each step's moment; return the last state."""
    state = None
    for moment, command in script:
        clock.now = moment
        state = handle(command, MEDIATOR)
    return state
