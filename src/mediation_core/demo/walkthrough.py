"""A scripted walk of one dispute from intake to archive, printing its file and ledger line.

It is the smallest complete use of the public API: a registry, an actor per role, and one
command per step, with a clock that follows the story's dates.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal

import attrs

from mediation_core.app.bootstrap import DEMO_IDENTITY_KEY, EPHEMERAL_STORE, Config, open_service
from mediation_core.app.service import CaseFile, MediationService
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import Mark, Responsibility, SignatoryKind, WrittenTerms
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH, LedgerRow
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.organisations import (
    Employment,
    Liaison,
    MediationKind,
    Mediator,
    Organisation,
    OrgKind,
    Registry,
)
from mediation_core.domain.values.parties import NaturalPerson, Side
from mediation_core.domain.values.sources import CaseSource
from mediation_core.serialization import unstructure


class StoryClock:
    """A clock the script moves forward, so the walk prints the same file every run."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, day: dt.date, hour: int = 10) -> None:
        self.now = dt.datetime.combine(day, dt.time(hour), CHINA_TZ)


def demo_registry() -> Registry:
    """A district with one township, its station, the township's people's mediation committee and
    the committee's room stationed at the station."""
    orgs = [
        Organisation(org_id="district", kind=OrgKind.DISTRICT, name="市中区"),
        Organisation(
            org_id="centre", kind=OrgKind.COORDINATION_CENTRE, name="区矛盾纠纷多元化解协调中心", parent_id="district"
        ),
        Organisation(org_id="baiyang", kind=OrgKind.TOWNSHIP, name="柏杨街道", parent_id="district"),
        Organisation(org_id="baiyang-justice", kind=OrgKind.JUSTICE_OFFICE, name="柏杨司法所", parent_id="baiyang"),
        Organisation(
            org_id="baiyang-governance", kind=OrgKind.GOVERNANCE_OFFICE, name="柏杨街道综治办", parent_id="baiyang"
        ),
        Organisation(
            org_id="pengshanlu-station",
            kind=OrgKind.POLICE_STATION,
            name="彭山路派出所",
            parent_id="baiyang",
            code="彭公",
        ),
        Organisation(
            org_id="baiyang-committee", kind=OrgKind.COMMITTEE, name="柏杨街道人民调解委员会", parent_id="baiyang"
        ),
        Organisation(
            org_id="pengshanlu-room",
            kind=OrgKind.MEDIATION_ROOM,
            name="彭山路派出所联合调解室",
            parent_id="baiyang",
            code="彭调",
            station_id="pengshanlu-station",
            committee_id="baiyang-committee",
            mediation_kinds=(MediationKind.PEOPLES, MediationKind.JUDICIAL, MediationKind.ADMINISTRATIVE),
        ),
    ]
    mediators = [
        Mediator(
            mediator_id="m-zhang",
            name="张明",
            room_id="pengshanlu-room",
            employment=Employment.FULL_TIME,
            director=True,
        ),
        Mediator(mediator_id="m-liu", name="刘芳", room_id="pengshanlu-room", employment=Employment.PART_TIME),
    ]
    liaisons = [
        Liaison(person_id="l-police", name="陈警官", room_id="pengshanlu-room", from_org_id="pengshanlu-station"),
        Liaison(person_id="l-township", name="赵主任", room_id="pengshanlu-room", from_org_id="baiyang"),
    ]
    return Registry.of(orgs, mediators, liaisons)


def walk(service: MediationService, clock: StoryClock) -> CaseFile:
    """Run the story; return the archived case file. A store that already holds the
    walked case (the embedded database keeps it between runs) shows it as stored."""
    admin = Actor(actor_id="admin", role=Role.ADMINISTRATOR, scope_id="district")
    service.register(demo_registry(), admin)
    mediator = Actor(actor_id="m-zhang", role=Role.MEDIATOR, scope_id="pengshanlu-room", name="张明")
    case_id = "walkthrough-0001"
    if service.store.read(case_id):
        return service.case_file(case_id, mediator)
    d = dt.date

    def step(day: dt.date, command: c.CaseCommand) -> None:
        clock.set(day)
        service.handle(command, mediator)

    parties = (
        NaturalPerson(
            party_id="p1",
            side=Side.APPLICANT,
            name="王建国",
            id_number="11010519491231002X",
            phone="13800138000",
            address="柏杨街道幸福路12号",
        ),
        NaturalPerson(
            party_id="p2",
            side=Side.RESPONDENT,
            name="李海",
            id_number="360426199101010071",
            phone="13900139000",
            address="柏杨街道幸福路14号",
        ),
    )
    step(
        d(2026, 5, 6),
        c.ReceiveDispute(
            case_id=case_id,
            room_id="pengshanlu-room",
            received_on=d(2026, 5, 6),
            source=CaseSource.DISPATCH_110,
            category="neighbourhood",
            summary="邻里因排水沟堵塞发生争执，110出警，调解员随警到场",
            parties=parties,
            amount_involved=Decimal("3000"),
        ),
    )
    step(d(2026, 5, 6), c.AcceptCase(case_id=case_id, on=d(2026, 5, 6)))
    step(d(2026, 5, 6), c.AssignMediator(case_id=case_id, mediator_id="m-zhang", presiding=True, on=d(2026, 5, 6)))
    step(d(2026, 5, 6), c.NotifyRights(case_id=case_id, on=d(2026, 5, 6)))
    step(
        d(2026, 5, 6),
        c.FileDocument(
            case_id=case_id, item=CaseFileItem.IDENTITY_PROOF, title="双方当事人身份证复印件", on=d(2026, 5, 6)
        ),
    )
    step(d(2026, 5, 7), c.StartMediation(case_id=case_id, on=d(2026, 5, 7)))
    step(
        d(2026, 5, 7),
        c.RecordInvestigation(
            case_id=case_id,
            on=d(2026, 5, 7),
            investigator_id="m-zhang",
            subject="现场查看排水沟",
            content="排水沟被建筑垃圾堵塞，雨水倒灌王家院内",
        ),
    )
    step(
        d(2026, 5, 8),
        c.HoldSession(
            case_id=case_id,
            on=d(2026, 5, 8),
            place="彭山路派出所联合调解室",
            mediator_ids=("m-zhang",),
            party_ids=("p1", "p2"),
            summary="双方陈述事实，调解员释法说理，双方同意协商解决",
        ),
    )
    terms = WrittenTerms(
        facts="李海堆放建筑垃圾堵塞排水沟，致王建国院内进水",
        points_in_dispute="清理责任及损失赔偿",
        responsibilities=(
            Responsibility(party_id="p1", text="配合清理"),
            Responsibility(party_id="p2", text="承担主要责任"),
        ),
        obligations="李海于5月15日前清理排水沟并赔偿王建国损失人民币3000元",
        performance_method="现金当面支付",
        performance_place="彭山路派出所联合调解室",
        performance_deadline=d(2026, 5, 15),
    )
    step(d(2026, 5, 8), c.DraftWrittenAgreement(case_id=case_id, on=d(2026, 5, 8), terms=terms))
    for signer in ("p1", "p2"):
        step(
            d(2026, 5, 8),
            c.SignAgreement(
                case_id=case_id, kind=SignatoryKind.PARTY, signer_id=signer, mark=Mark.FINGERPRINT, on=d(2026, 5, 8)
            ),
        )
    step(
        d(2026, 5, 8),
        c.SignAgreement(case_id=case_id, kind=SignatoryKind.MEDIATOR, signer_id="m-zhang", on=d(2026, 5, 8)),
    )
    step(
        d(2026, 5, 9),
        c.SignAgreement(case_id=case_id, kind=SignatoryKind.COMMITTEE_SEAL, on=d(2026, 5, 9), mark=Mark.SEAL),
    )
    step(
        d(2026, 5, 20),
        c.RecordFollowUp(
            case_id=case_id,
            on=d(2026, 5, 20),
            visitor_id="m-zhang",
            party_id="p1",
            performance=Performance.PERFORMED,
            satisfaction=Satisfaction.SATISFIED,
        ),
    )
    step(d(2026, 5, 22), c.FileDocument(case_id=case_id, item=CaseFileItem.BACK_COVER, title="封底", on=d(2026, 5, 22)))
    step(d(2026, 5, 22), c.ArchiveCase(case_id=case_id, on=d(2026, 5, 22), archivist_id="m-zhang"))
    return service.case_file(case_id, mediator)


def render(case_file: CaseFile) -> str:
    """The case file and its ledger line as text."""
    out = io.StringIO()
    state = case_file.state
    print(f"案件卷宗 / case file {state.number}  ({state.status.title_zh} / {state.status.value})", file=out)
    if state.confirmation is not None:
        print(f"  司法确认 / judicial confirmation: {state.confirmation.summary_zh()}", file=out)
    for r in case_file.records:
        body = json.dumps(r.body, ensure_ascii=False, sort_keys=True)
        print(
            f"  v{r.version:<2} {r.recorded_at.astimezone(CHINA_TZ):%Y-%m-%d %H:%M} {r.event_type:<36} "
            f"{r.actor:<40} {r.hash[:12]}",
            file=out,
        )
        print(f"      {body[:160]}{'…' if len(body) > 160 else ''}", file=out)
    print("\n台账 / ledger line", file=out)
    for key, value in _ledger_cells(case_file.row):
        print(f"  {LEDGER_HEADERS_ZH[key]} ({key}): {value}", file=out)
    return out.getvalue()


def _ledger_cells(row: LedgerRow) -> Iterator[tuple[str, object]]:
    data = unstructure(row)
    for key in LEDGER_HEADERS_ZH:
        yield key, data[key]


def walk_config(config: Config) -> Config:
    """Where the walk runs: the configured store when the deployment's identity key is set;
    without one, a store in memory under the public demonstration key, so that no store that
    keeps data ever holds digests made under a key everyone knows."""
    if config.identity_key:
        return config
    return attrs.evolve(config, store=EPHEMERAL_STORE, url="", identity_key=DEMO_IDENTITY_KEY)


def main(config: Config | None = None) -> str:
    """Run the walk on the configured store (the embedded SQLite file unless configured) when
    an identity key is configured, else in memory (:func:`walk_config`)."""
    clock = StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=CHINA_TZ))
    config = walk_config(config if config is not None else Config.from_env())
    service = open_service(config, clock=clock)
    try:
        return render(walk(service, clock))
    finally:
        service.store.close()
