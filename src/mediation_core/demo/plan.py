"""The demo's story: half a year of a district's work as dated commands, drawn from a seed.

Nothing here touches a store: :func:`plan` returns every command of the story with the moment it
happens and who issues it, and :mod:`mediation_core.demo.run` feeds them to the service in time
order, through the same rules as any user. The same seed gives the same story.

The story is shaped so that the coordination-centre report for the half-year lands near the
source report's figures (:data:`~mediation_core.demo.figures.SOURCE`): the number of disputes
concluded in the period, the failures, the difficult disputes and the prevented escalations are
drawn around those figures, and the disputes are thinned to match. Everything else (the category
and source mix, how long mediation takes, who mediates, repeats, follow-ups, archiving, meetings,
returns, training, the year-end evaluation) follows the shares below.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import random
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from attrs import define, frozen

from mediation_core.demo.district import (
    BRIGADE,
    CENTRE_STAFF,
    DISTRICT,
    STATIONS,
    TRAFFIC_ROOM,
    District,
    liaison_actor,
    mediator_actor,
    officer_actor,
    room_id,
    township_actor,
)
from mediation_core.demo.figures import SOURCE
from mediation_core.demo.people import People
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import Mark, Responsibility, SignatoryKind, WrittenTerms
from mediation_core.domain.case.courts import ConfirmationResult
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.outcomes import DeclineReason, TerminationReason
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.evaluation_round.commands import ConcludeEvaluation
from mediation_core.domain.meeting.commands import HoldMeeting, ScheduleMeeting
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.minutes import ActionItemDraft, Attendee, Decision
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.mediability import Assessment, Circumstance, PoliceAct, Punishment
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.letters import ConsentEvidence, ConsentForm
from mediation_core.domain.statistical_return.commands import SubmitReturn
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic.accident import (
    CompensationItem,
    Damage,
    DamageKind,
    Determination,
    DeterminationKind,
    InsurerNotice,
    JointBody,
    Liability,
    Participant,
    TrafficSettlement,
    TrafficTermination,
)
from mediation_core.domain.training.commands import RecordTraining
from mediation_core.domain.training.trainees import Trainee, TrainingKind
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ, WorkingDayCalendar
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.organisations import Mediator
from mediation_core.domain.values.parties import NaturalPerson, OrganisationParty, Party, Side
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.risks import Difficulty, RiskKind
from mediation_core.domain.values.sources import CaseSource, ReferralMode
from mediation_core.exports.forms import zh_date

PERIOD = Period.half(2025, 2)
"""The half-year the demo reports on: July to December 2025."""
STORY_END = dt.date(2026, 1, 20)
DEMO_COURT = "市中区人民法院"
"""The story goes on into January: follow-ups, archiving, the December returns, the evaluation."""
EVALUATION_DAY = dt.date(2026, 1, 16)
TRAFFIC_OFFICER = Actor(actor_id="t-officer", role=Role.POLICE_OFFICER, scope_id=BRIGADE, name="交警")


# -- the story's vocabulary --------------------------------------------------------------------------
class Flow(enum.Enum):
    """How a dispute reaches a room."""

    ON_SCENE = "on_scene"  # 110: the mediator went with the officers and settled it there
    DISPATCH_REFERRAL = "dispatch_referral"  # 110: not settled on the scene, handed to the room
    STATION_REFERRAL = "station_referral"  # 移送 from the station (community visit, online patrol, its desk)
    ENTRUSTMENT = "entrustment"  # 委托 from a 治安 case the station keeps
    DIRECT = "direct"  # walk-in application or the room's own initiative
    EXTERNAL = "external"  # court, petition office, another agency
    TRAFFIC = "traffic"  # traffic police → people's mediation at the joint room


FLOW_SHARES: dict[Flow, float] = {
    Flow.ON_SCENE: 0.28,
    Flow.DISPATCH_REFERRAL: 0.10,
    Flow.STATION_REFERRAL: 0.27,
    Flow.ENTRUSTMENT: 0.06,
    Flow.DIRECT: 0.23,
    Flow.EXTERNAL: 0.04,
}
"""Shares of a station room's disputes by flow (the source district's channels, docs/legal-basis.md §10.2: 110 同步介入,
走访 and 网上巡查 leads, 移送/委托, and applications)."""

STATION_REFERRAL_SOURCES = {
    CaseSource.STATION_TRANSFER: 0.55,
    CaseSource.COMMUNITY_VISIT: 0.3,
    CaseSource.ONLINE_PATROL: 0.15,
}
DIRECT_SOURCES = {CaseSource.WALK_IN: 0.8, CaseSource.INITIATIVE: 0.2}
EXTERNAL_SOURCES = {CaseSource.COURT: 0.4, CaseSource.PETITION_OFFICE: 0.25, CaseSource.OTHER_AGENCY: 0.35}
EXTERNAL_ISSUERS = {
    CaseSource.COURT: ("shizhong-court", "市中区人民法院", "（2025）川1102民诉前调{n}号"),
    CaseSource.PETITION_OFFICE: ("shizhong-petition", "市中区信访局", "市中信转〔2025〕{n}号"),
    CaseSource.OTHER_AGENCY: ("shizhong-market", "市中区市场监督管理局", "市中市监调〔2025〕{n}号"),
}

CATEGORY_MIX: dict[Flow, dict[str, float]] = {
    Flow.ON_SCENE: {
        "neighbourhood": 40,
        "marriage_family": 20,
        "damages": 20,
        "consumer": 8,
        "contract": 4,
        "other": 8,
    },
    Flow.DISPATCH_REFERRAL: {
        "neighbourhood": 30,
        "marriage_family": 20,
        "damages": 25,
        "consumer": 5,
        "property_management": 5,
        "contract": 8,
        "other": 7,
    },
    Flow.STATION_REFERRAL: {
        "neighbourhood": 30,
        "damages": 20,
        "marriage_family": 15,
        "housing_homestead": 8,
        "contract": 8,
        "property_management": 6,
        "production_business": 5,
        "wage_arrears": 3,
        "labour": 2,
        "other": 3,
    },
    Flow.ENTRUSTMENT: {"damages": 70, "neighbourhood": 30},
    Flow.DIRECT: {
        "marriage_family": 22,
        "neighbourhood": 25,
        "contract": 12,
        "housing_homestead": 8,
        "property_management": 8,
        "consumer": 6,
        "labour": 6,
        "wage_arrears": 5,
        "production_business": 4,
        "other": 4,
    },
    Flow.EXTERNAL: {
        "contract": 30,
        "marriage_family": 20,
        "labour": 15,
        "damages": 15,
        "housing_homestead": 10,
        "other": 10,
    },
    Flow.TRAFFIC: {"traffic_accident": 100},
}
"""The category mix of each flow (police-station rooms see mostly neighbours, families and
compensation for minor injuries; courts and agencies send contracts and labour disputes)."""

SUMMARIES: dict[str, tuple[str, ...]] = {
    "neighbourhood": (
        "因排水沟堵塞发生争执",
        "因楼上漏水发生纠纷",
        "因噪音扰邻发生口角",
        "因公共通道堆放杂物发生争执",
        "因树木遮挡采光发生纠纷",
        "因宠物伤人发生纠纷",
    ),
    "marriage_family": (
        "夫妻因家庭琐事发生争吵",
        "兄弟因赡养老人发生纠纷",
        "因子女抚养费发生纠纷",
        "婆媳因琐事发生争吵",
    ),
    "housing_homestead": ("因宅基地界址发生纠纷", "因房屋租赁押金发生纠纷", "因房屋装修损坏邻居墙体发生纠纷"),
    "contract": ("因借款到期未还发生纠纷", "因装修工程款发生纠纷", "因货款结算发生纠纷", "因车辆买卖发生纠纷"),
    "production_business": ("因门面经营范围发生纠纷", "因合伙经营分红发生纠纷"),
    "damages": ("因琐事推搡致一方轻微伤", "因车辆剐蹭发生赔偿纠纷", "因酒后争执致财物损坏", "因施工致邻居财产受损"),
    "labour": ("因解除劳动关系经济补偿发生争议", "因工伤待遇发生争议"),
    "property_management": ("业主因物业费与物业公司发生纠纷", "因小区停车管理发生纠纷"),
    "wage_arrears": ("农民工讨要拖欠工资", "装修工人讨要劳务费"),
    "consumer": ("因商品质量退换发生纠纷", "因预付卡退费发生纠纷", "因餐饮消费发生争执"),
    "traffic_accident": ("小型轿车与电动自行车相撞致人受伤", "两车追尾致车辆受损", "摩托车与行人相撞致人受伤"),
    "other": ("因网络购物发生纠纷", "因丢失物品归属发生争执"),
}

AMOUNTS: dict[str, tuple[int, int]] = {
    "neighbourhood": (0, 5_000),
    "marriage_family": (0, 20_000),
    "housing_homestead": (1_000, 50_000),
    "contract": (2_000, 80_000),
    "production_business": (5_000, 100_000),
    "damages": (300, 30_000),
    "labour": (3_000, 60_000),
    "property_management": (500, 10_000),
    "wage_arrears": (5_000, 150_000),
    "consumer": (100, 8_000),
    "traffic_accident": (2_000, 120_000),
    "other": (0, 5_000),
}

COMPANY_RESPONDENT = {
    "property_management": "property",
    "consumer": "shop",
    "wage_arrears": "builder",
    "labour": "builder",
}

OUTCOME_WORDS = ("双方自愿达成协议，当场履行完毕", "一方当场赔偿对方损失，对方不再追究", "双方互谅互让，握手言和")


@frozen(kw_only=True)
class Step:
    """One command at one moment, issued by one actor. ``seq`` keeps creation order among steps
    at the same moment."""

    at: dt.datetime
    seq: int
    actor: Actor
    command: Any

    @property
    def day(self) -> dt.date:
        return self.at.date()


@define
class Dispute:
    """One dispute as the story plans it, before it becomes commands."""

    serial: int
    flow: Flow
    room: str
    source: CaseSource
    category: str
    received: dt.date
    lag: int
    """Days from acceptance to the end of mediation."""
    parties: tuple[Party, ...] = ()
    amount: Decimal = Decimal(0)
    outcome: str = "settled"  # settled | failed | declined
    difficulty: Difficulty = Difficulty.ORDINARY
    risks: tuple[RiskKind, ...] = ()
    repeat_of: int | None = None

    @property
    def accepted(self) -> dt.date:
        return self.received

    @property
    def concluded(self) -> dt.date:
        return self.received + dt.timedelta(days=self.lag)

    @property
    def case_id(self) -> str:
        return f"demo-{self.serial:05d}"


@frozen(kw_only=True)
class Samples:
    """Cases and referrals whose documents the demo writes out."""

    written_agreement: str = ""
    oral_agreement: str = ""
    terminated: str = ""
    on_scene: str = ""
    referral: str = ""
    declined_referral: str = ""


@frozen(kw_only=True)
class Plan:
    """The whole story: every step in time order, and what it was drawn to show."""

    seed: int
    period: Period
    steps: tuple[Step, ...]
    end: dt.datetime
    targets: dict[str, int]
    samples: Samples
    disputes: int


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


class Planner:
    """Draws the story. One instance per plan; every draw comes from ``rng``."""

    def __init__(self, seed: int, district: District, calendar: WorkingDayCalendar, scale: float = 1.0) -> None:
        self.seed = seed
        self.scale = scale
        self.calendar = calendar
        self.rng = random.Random(seed)  # noqa: S311 - a reproducible story, not a secret
        self.district = district
        self.people = People(self.rng, PERIOD.start)
        self.steps: list[Step] = []
        self.samples: dict[str, str] = {}
        self.cursor: dt.datetime | None = None
        self.visits: dict[int, dt.date | None] = {}
        self.performances: dict[int, Performance] = {}
        self.disputes: list[Dispute] = []

    # -- time and steps ----------------------------------------------------------------------------
    def thread(self) -> None:
        """Start a new thread of steps (one dispute, one meeting): its steps follow each other."""
        self.cursor = None

    def add(self, day: dt.date, hour: int, minute: int, actor: Actor, command: Any) -> None:
        """A step at ``hour``:``minute`` of ``day``, or just after the thread's previous step if
        that is later; steps past the story's end are left out."""
        at = dt.datetime.combine(day, dt.time(hour, minute), CHINA_TZ)
        if self.cursor is not None and at <= self.cursor:
            at = self.cursor + dt.timedelta(minutes=1)
        if at.date() > STORY_END:
            return
        self.cursor = at
        self.steps.append(Step(at=at, seq=len(self.steps), actor=actor, command=command))

    def working_day(self, day: dt.date) -> dt.date:
        """``day`` or the first working day after it."""
        while not self.calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def consents(self, parties: Sequence[Party], on: dt.date) -> tuple[ConsentEvidence, ...]:
        form = self.rng.choice((ConsentForm.WRITTEN, ConsentForm.WRITTEN, ConsentForm.RECORDED))
        return tuple(
            ConsentEvidence(party_id=p.party_id, consents=True, on=on, form=form, reference=f"同意调解书-{p.party_id}")
            for p in parties
        )

    # -- the disputes ------------------------------------------------------------------------------
    def draw_disputes(self) -> list[Dispute]:
        """Disputes received over the period, a little more than needed (thinned later)."""
        weights = {room_id(s.key): s.weight for s in STATIONS}
        total_weight = sum(weights.values())
        per_day = SOURCE["concluded"] * self.scale * 1.12 / PERIOD.days
        traffic_per_day = 0.35 * self.scale
        out: list[Dispute] = []
        for day in days(PERIOD.start, PERIOD.end):
            busy = 1.15 if day.weekday() >= 5 else 0.94  # more 110 calls at the weekend
            for room, weight in sorted(weights.items()):
                for _ in range(poisson(self.rng, per_day * weight / total_weight * busy)):
                    out.append(self.dispute(len(out) + 1, room, day))
            for _ in range(poisson(self.rng, traffic_per_day)):
                out.append(self.dispute(len(out) + 1, TRAFFIC_ROOM, day, Flow.TRAFFIC))
        return out

    def dispute(self, serial: int, room: str, day: dt.date, flow: Flow | None = None) -> Dispute:
        rng = self.rng
        flow = flow or pick(rng, FLOW_SHARES)
        source = {
            Flow.ON_SCENE: CaseSource.DISPATCH_110,
            Flow.DISPATCH_REFERRAL: CaseSource.DISPATCH_110,
            Flow.ENTRUSTMENT: CaseSource.STATION_ENTRUSTMENT,
            Flow.TRAFFIC: CaseSource.TRAFFIC_POLICE,
        }.get(flow)
        if source is None:
            shares = {Flow.STATION_REFERRAL: STATION_REFERRAL_SOURCES, Flow.DIRECT: DIRECT_SOURCES}.get(
                flow, EXTERNAL_SOURCES
            )
            source = pick(rng, shares)
        category = pick(rng, CATEGORY_MIX[flow])
        roll = rng.random()
        if flow is Flow.ON_SCENE:
            lag = 0
        elif flow is Flow.TRAFFIC:
            lag = rng.randrange(4, 20)  # the insurer is told of the session three days ahead
        elif roll < 0.35:
            lag = rng.randrange(0, 3)
        elif roll < 0.70:
            lag = rng.randrange(3, 11)
        elif roll < 0.95:
            lag = rng.randrange(11, 25)
        elif roll < 0.99:
            lag = rng.randrange(25, 29)
        else:
            lag = rng.randrange(35, 55)  # the term is extended with every party's consent
        low, high = AMOUNTS[category]
        amount = Decimal(rng.randrange(low, high + 1) // 100 * 100)
        outcome = "settled"
        if flow in (Flow.DIRECT, Flow.STATION_REFERRAL) and rng.random() < 0.025:
            outcome = "declined"  # not for people's mediation: 不予受理, or a 不予调解函 to the station
        d = Dispute(
            serial=serial,
            flow=flow,
            room=room,
            source=source,
            category=category,
            received=day,
            lag=lag,
            amount=amount,
            outcome=outcome,
        )
        d.parties = self.parties_for(d)
        return d

    def place(self, room: str) -> str:
        township = self.district.township_of(room)
        return self.district.name(township) if township else "市中区"

    def parties_for(self, d: Dispute) -> tuple[Party, ...]:
        place = self.place(d.room)
        applicant = self.people.person("p1", Side.APPLICANT, place)
        kind = COMPANY_RESPONDENT.get(d.category)
        if kind and self.rng.random() < 0.6:
            return (applicant, self.people.company("p2", Side.RESPONDENT, place, kind))
        parties: tuple[Party, ...] = (applicant, self.people.person("p2", Side.RESPONDENT, place))
        if d.category in {"marriage_family", "neighbourhood"} and self.rng.random() < 0.1:
            parties = (*parties, self.people.person("p3", Side.RESPONDENT, place))
        return parties

    # -- shaping the numbers -----------------------------------------------------------------------
    def shape(self, disputes: list[Dispute]) -> tuple[list[Dispute], dict[str, int]]:
        """Thin the disputes so the period's concluded count lands on its target, then draw who
        fails, which disputes are difficult and which carried an escalation risk."""
        rng = self.rng

        def jitter(figure: str, spread: float) -> int:
            return max(0, round(SOURCE[figure] * self.scale * rng.uniform(1 - spread, 1 + spread)))

        concluded_target = jitter("concluded", 0.015)
        scale = concluded_target / SOURCE["concluded"]

        def in_period(d: Dispute) -> bool:
            return d.outcome != "declined" and d.concluded <= PERIOD.end

        order = list(disputes)
        rng.shuffle(order)
        dropped: set[int] = set()
        count = sum(1 for d in disputes if in_period(d))
        for d in order:
            if count <= concluded_target:
                break
            dropped.add(d.serial)
            if in_period(d):
                count -= 1
        kept = [d for d in disputes if d.serial not in dropped]
        for n, d in enumerate(kept, start=1):
            d.serial = n
        concluded = [d for d in kept if in_period(d)]
        mediated = [d for d in concluded if d.flow is not Flow.ON_SCENE]
        targets = {
            "concluded": len(concluded),
            "failed": round((SOURCE["concluded"] - SOURCE["settled"]) * scale * rng.uniform(0.9, 1.1)),
            "difficult": round(SOURCE["difficult"] * scale * rng.uniform(0.92, 1.08)),
            "civil_to_criminal_prevented": round(
                SOURCE["civil_to_criminal_prevented"] * scale * rng.uniform(0.92, 1.08)
            ),
            "mass_incidents_averted": round(SOURCE["mass_incidents_averted"] * scale * rng.uniform(0.9, 1.1)),
            "public_order_prevented": round(28 * scale * rng.uniform(0.85, 1.15)),
            "suicides_prevented": round(rng.randrange(2, 5) * scale),
        }
        station_mediated = [d for d in mediated if d.room != TRAFFIC_ROOM]
        failed = rng.sample(mediated, targets["failed"])
        for d in failed:
            d.outcome = "failed"
        settled = [d for d in station_mediated if d.outcome == "settled" and d.lag >= 5]
        pools = rng.sample(
            settled,
            targets["civil_to_criminal_prevented"]
            + targets["mass_incidents_averted"]
            + targets["public_order_prevented"]
            + targets["suicides_prevented"],
        )
        cursor = 0
        for kind, key in (
            (RiskKind.CIVIL_TO_CRIMINAL, "civil_to_criminal_prevented"),
            (RiskKind.MASS_INCIDENT, "mass_incidents_averted"),
            (RiskKind.PUBLIC_ORDER, "public_order_prevented"),
            (RiskKind.SUICIDE, "suicides_prevented"),
        ):
            for d in pools[cursor : cursor + targets[key]]:
                d.risks = (kind,)
                if kind is RiskKind.MASS_INCIDENT:
                    self.make_collective(d)
            cursor += targets[key]
        # difficult disputes: the escalation risks first (they are difficult by nature), then others
        risky = [d for d in pools if d.risks and d.risks[0] in (RiskKind.CIVIL_TO_CRIMINAL, RiskKind.MASS_INCIDENT)]
        rest = [d for d in mediated if not d.risks and d.lag >= 2]
        chosen = risky[: targets["difficult"]]
        chosen += rng.sample(rest, max(0, targets["difficult"] - len(chosen)))
        for d in chosen:
            d.difficulty = Difficulty.MAJOR if d.risks or rng.random() < 0.2 else Difficulty.DIFFICULT
        for d in kept:  # disputes concluded after the period: the same chances, drawn one by one
            later = d.outcome == "settled" and d.flow is not Flow.ON_SCENE and not in_period(d)
            if later and rng.random() < targets["failed"] / max(1, len(mediated)):
                d.outcome = "failed"
        self.draw_repeats(kept)
        targets["settled"] = targets["concluded"] - targets["failed"]
        return kept, targets

    def make_collective(self, d: Dispute) -> None:
        """A mass-incident risk: a group of workers or owners against one company."""
        place = self.place(d.room)
        d.category = self.rng.choice(("wage_arrears", "property_management"))
        what = "讨薪农民工" if d.category == "wage_arrears" else "小区业主"
        headcount = self.rng.randrange(15, 60)
        kind = "builder" if d.category == "wage_arrears" else "property"
        d.parties = (
            self.people.group("p1", Side.APPLICANT, place, headcount, f"{what}{headcount}人"),
            self.people.company("p2", Side.RESPONDENT, place, kind),
        )
        d.amount = Decimal(self.rng.randrange(50_000, 600_000) // 1000 * 1000)

    def draw_repeats(self, disputes: list[Dispute]) -> None:
        """About 1 % of disputes are the same parties back with the same kind of dispute."""
        by_room: dict[str, list[Dispute]] = {}
        for d in sorted(disputes, key=lambda x: x.received):
            earlier = [
                e
                for e in by_room.get(d.room, [])
                if e.outcome in ("settled", "failed")
                and e.concluded + dt.timedelta(days=7) <= d.received
                and all(isinstance(p, NaturalPerson) for p in e.parties)
                and e.repeat_of is None
            ]
            if (
                earlier
                and d.flow in (Flow.DIRECT, Flow.STATION_REFERRAL)
                and not d.risks
                and d.outcome != "declined"
                and self.rng.random() < 0.012
            ):
                first = self.rng.choice(earlier[-40:])
                d.category, d.parties, d.repeat_of = first.category, first.parties, first.serial
            by_room.setdefault(d.room, []).append(d)

    # -- rendering a dispute into commands -----------------------------------------------------------
    def mediator_for(self, room: str, on_scene: bool = False) -> Mediator:
        mediators = self.district.mediators(room)
        weights = [6.0 if m.employment.value == "full_time" else 1.0 for m in mediators]
        if on_scene:
            weights = [
                w * 1.5 if m.employment.value == "full_time" else w for w, m in zip(weights, mediators, strict=True)
            ]
        return self.rng.choices(mediators, weights=weights)[0]

    def render(self, d: Dispute) -> None:
        self.thread()
        {
            Flow.ON_SCENE: self.on_scene,
            Flow.DISPATCH_REFERRAL: self.dispatch_referral,
            Flow.STATION_REFERRAL: self.station_referral,
            Flow.ENTRUSTMENT: self.entrustment,
            Flow.DIRECT: self.direct,
            Flow.EXTERNAL: self.external,
            Flow.TRAFFIC: self.traffic_referral,
        }[d.flow](d)

    def summary(self, d: Dispute) -> str:
        return self.rng.choice(SUMMARIES[d.category])

    def record_dispatch(self, d: Dispute, station: str, hour: int, mediator_id: str = "") -> str:
        """The station's record of the 110 call (with the mediator who went along, if one did)."""
        dispatch_id = f"110-{d.serial:05d}"
        self.add(
            d.received,
            hour,
            self.rng.randrange(0, 20),
            officer_actor(station),
            dc.RecordDispatch(
                dispatch_id=dispatch_id,
                station_id=station,
                room_id=d.room,
                incident_number=f"JJ{d.received:%Y%m%d}{d.serial:05d}",
                call_received_at=dt.datetime.combine(d.received, dt.time(hour, 0), CHINA_TZ),
                place=self.people.address(self.place(d.room)),
                officers=("值班民警", "辅警"),
                summary=self.summary(d),
                mediator_id=mediator_id,
            ),
        )
        return dispatch_id

    def on_scene(self, d: Dispute) -> None:
        rng = self.rng
        station = self.district.station_of(d.room)
        m = self.mediator_for(d.room, on_scene=True)
        hour = rng.choice((9, 11, 14, 16, 19, 20, 21))
        dispatch_id = self.record_dispatch(d, station, hour, m.mediator_id)
        self.add(
            d.received,
            hour,
            rng.randrange(30, 59),
            mediator_actor(m),
            dc.SettleOnScene(
                dispatch_id=dispatch_id,
                on=d.received,
                mediator_id=m.mediator_id,
                category=d.category,
                summary=self.summary(d),
                parties=d.parties,
                content=rng.choice(OUTCOME_WORDS),
                amount_involved=d.amount,
                case_id=d.case_id,
                police_finding=dc.PoliceFinding.CIVIL_ONLY,
                finding_by="值班民警",
            ),
        )
        self.add(
            d.received,
            hour,
            59,
            mediator_actor(m),
            c.FileDocument(
                case_id=d.case_id, item=CaseFileItem.IDENTITY_PROOF, title="当事人身份证明（现场登记）", on=d.received
            ),
        )
        self.samples.setdefault("on_scene", d.case_id)
        self.follow_up_and_archive(d, m)

    def dispatch_referral(self, d: Dispute) -> None:
        rng = self.rng
        station = self.district.station_of(d.room)
        hour = rng.choice((10, 15, 19, 20))
        dispatch_id = self.record_dispatch(d, station, hour)
        referral_id = f"ref-{d.serial:05d}"
        self.add(
            d.received,
            hour,
            rng.randrange(30, 59),
            officer_actor(station),
            dc.HandDispatchToRoom(
                dispatch_id=dispatch_id,
                on=d.received,
                signed_by="值班所领导",
                category=d.category,
                cause=self.summary(d),
                facts="民警出警后现场未能化解，双方同意由驻所调解室调解",
                parties=d.parties,
                consents=self.consents(d.parties, d.received),
                referral_id=referral_id,
                police_finding=dc.PoliceFinding.CIVIL_ONLY,
                finding_by="值班民警",
            ),
        )
        self.accept_referral(d, referral_id, hour + 1)

    def station_referral(self, d: Dispute) -> None:
        rng = self.rng
        station = self.district.station_of(d.room)
        referral_id = f"ref-{d.serial:05d}"
        self.add(
            d.received,
            9,
            rng.randrange(0, 30),
            liaison_actor(station),
            rc.IssueReferral(
                referral_id=referral_id,
                room_id=d.room,
                source=d.source,
                mode=ReferralMode.TRANSFER,
                issuer_id=station,
                signed_by="所长",
                issued_on=d.received,
                category=d.category,
                cause=self.summary(d),
                facts={
                    CaseSource.COMMUNITY_VISIT: "社区民警走访发现纠纷隐患，双方同意人民调解",
                    CaseSource.ONLINE_PATROL: "网上巡查发现纠纷线索，经联系双方同意人民调解",
                }.get(d.source, "当事人到所反映，属可移送人民调解的民间纠纷"),
                parties=d.parties,
                consents=self.consents(d.parties, d.received),
                amount_involved=d.amount,
            ),
        )
        if d.outcome == "declined":  # the room finds it unsuitable: a 不予调解函 goes back
            m = self.mediator_for(d.room)
            reason = rng.choice((DeclineReason.ALREADY_HANDLED, DeclineReason.OUTSIDE_SCOPE))
            self.add(
                d.received,
                14,
                rng.randrange(0, 50),
                mediator_actor(m),
                rc.DeclineReferral(referral_id=referral_id, on=d.received, reason=reason, note="经审查不宜人民调解"),
            )
            self.samples.setdefault("declined_referral", referral_id)
            return
        self.samples.setdefault("referral", referral_id)
        self.accept_referral(d, referral_id, 10)

    def external(self, d: Dispute) -> None:
        rng = self.rng
        issuer, name, number = EXTERNAL_ISSUERS[d.source]
        referral_id = f"ref-{d.serial:05d}"
        m = self.mediator_for(d.room)
        self.add(
            d.received,
            9,
            rng.randrange(0, 30),
            mediator_actor(m),
            rc.IssueReferral(
                referral_id=referral_id,
                room_id=d.room,
                source=d.source,
                mode=ReferralMode.ENTRUSTMENT if d.source is CaseSource.COURT else ReferralMode.TRANSFER,
                issuer_id=issuer,
                issuer_name=name,
                letter_number=number.format(n=d.serial),
                signed_by="承办人",
                issued_on=d.received,
                category=d.category,
                cause=self.summary(d),
                facts="经征求当事人意见，双方同意委托/移送人民调解委员会调解",
                parties=d.parties,
                consents=self.consents(d.parties, d.received),
                amount_involved=d.amount,
            ),
        )
        self.accept_referral(d, referral_id, 10, mediator=m)

    def accept_referral(self, d: Dispute, referral_id: str, hour: int, mediator: Mediator | None = None) -> None:
        """The room accepts the letter the day it arrives (policy: within one working day)."""
        m = mediator or self.mediator_for(d.room)
        self.add(
            d.received,
            hour,
            40,
            mediator_actor(m),
            rc.AcceptReferral(referral_id=referral_id, on=d.received, case_id=d.case_id),
        )
        self.mediate(d, m)

    def direct(self, d: Dispute) -> None:
        rng = self.rng
        m = self.mediator_for(d.room)
        actor = mediator_actor(m)
        self.add(
            d.received,
            9,
            rng.randrange(0, 50),
            actor,
            c.ReceiveDispute(
                case_id=d.case_id,
                room_id=d.room,
                received_on=d.received,
                source=d.source,
                category=d.category,
                summary=self.summary(d),
                parties=d.parties,
                amount_involved=d.amount,
            ),
        )
        if d.outcome == "declined":
            reason = rng.choice(
                (DeclineReason.ALREADY_HANDLED, DeclineReason.OUTSIDE_SCOPE, DeclineReason.PARTY_REFUSED)
            )
            self.add(d.received, 10, 5, actor, c.DeclineCase(case_id=d.case_id, on=d.received, reason=reason))
            return
        self.add(d.received, 10, 0, actor, c.AcceptCase(case_id=d.case_id, on=d.received))
        self.mediate(d, m)

    def entrustment(self, d: Dispute) -> None:
        rng = self.rng
        station = self.district.station_of(d.room)
        officer = officer_actor(station)
        police_case_id = f"zhian-{d.serial:05d}"
        referral_id = f"ref-{d.serial:05d}"
        code = self.district.registry.org(station)
        prefix = code.code if code else "公"
        self.add(
            d.received,
            8,
            rng.randrange(0, 50),
            officer,
            pc.OpenPoliceCase(
                police_case_id=police_case_id,
                station_id=station,
                case_number=f"{prefix}(治)受案字〔{d.received.year}〕{d.serial:04d}号",
                accepted_on=d.received,
                act_on=d.received,
                summary="因民间纠纷引发的轻微殴打，双方均表示愿意调解",
                parties=d.parties,
                suspect_ids=("p2",),
                assessment=Assessment(
                    act=PoliceAct.ASSAULT,
                    from_civil_dispute=True,
                    minor=True,
                    circumstances=frozenset({Circumstance.RELATIONSHIP_TRIVIAL}),
                ),
            ),
        )
        self.add(
            d.received,
            9,
            0,
            officer,
            pc.EntrustToRoom(
                police_case_id=police_case_id,
                on=d.received,
                room_id=d.room,
                signed_by="所长",
                category=d.category,
                cause=self.summary(d),
                facts="违法嫌疑人与被侵害人系邻里，因琐事发生推搡，双方同意委托人民调解",
                consents=self.consents(d.parties, d.received),
                referral_id=referral_id,
            ),
        )
        self.accept_referral(d, referral_id, 10)
        # the station decides once the result (and, when settled, the performance) came back
        visit = self.visit_day(d)
        if d.outcome == "settled" and visit is not None:
            day = visit + dt.timedelta(days=rng.randrange(1, 4))
            if self.performance_of(d) is Performance.PERFORMED:
                self.add(
                    day,
                    15,
                    0,
                    officer,
                    pc.RecordJointApplication(
                        police_case_id=police_case_id,
                        on=day,
                        applicant_ids=tuple(p.party_id for p in d.parties),
                        written=True,
                    ),
                )
                self.add(
                    day,
                    15,
                    10,
                    officer,
                    pc.DecidePunishment(
                        police_case_id=police_case_id,
                        on=day,
                        decision=Punishment.NO_PUNISHMENT,
                        reference=f"{prefix}不罚决字〔{day.year}〕{d.serial:04d}号",
                        approved_by="所长",
                    ),
                )
                return
        if d.outcome in ("settled", "failed") and (d.outcome == "failed" or visit is not None):
            day = (visit or d.concluded) + dt.timedelta(days=rng.randrange(2, 6))
            self.add(
                day,
                15,
                0,
                officer,
                pc.DecidePunishment(
                    police_case_id=police_case_id,
                    on=day,
                    decision=Punishment.PUNISHMENT,
                    reference=f"{prefix}罚决字〔{day.year}〕{d.serial:04d}号",
                    civil_suit_notified=True,
                ),
            )

    # -- mediation, follow-up, archive ---------------------------------------------------------------
    def mediate(self, d: Dispute, m: Mediator) -> None:
        """The room's work on an accepted case, from assigning the mediator to the outcome."""
        rng = self.rng
        a = d.accepted
        actor = mediator_actor(m)
        case = d.case_id
        self.add(a, 11, 0, actor, c.AssignMediator(case_id=case, mediator_id=m.mediator_id, presiding=True, on=a))
        self.add(a, 11, 2, actor, c.NotifyRights(case_id=case, on=a))
        self.add(
            a,
            11,
            4,
            actor,
            c.FileDocument(case_id=case, item=CaseFileItem.IDENTITY_PROOF, title="当事人身份证明", on=a),
        )
        station = self.district.station_of(d.room)
        for kind in d.risks:
            persons = max(2, sum(getattr(p, "headcount", 1) for p in d.parties))
            self.add(a, 11, 6, actor, c.FlagRisk(case_id=case, kind=kind, persons=persons, on=a, note="排查发现风险"))
            if kind.needs_police_report:
                self.add(
                    a,
                    11,
                    8,
                    actor,
                    c.ReportToPolice(case_id=case, on=a, station_id=station, reference=f"风险报告-{d.serial:05d}"),
                )
        if d.difficulty is not Difficulty.ORDINARY:
            self.add(a, 11, 10, actor, c.GradeDifficulty(case_id=case, grade=d.difficulty, on=a, reason="案情复杂"))
        self.add(a, 11, 12, actor, c.StartMediation(case_id=case, on=a))
        end = d.concluded
        if d.lag >= 30:
            ext = a + dt.timedelta(days=26)
            self.add(
                ext,
                9,
                0,
                actor,
                c.ExtendTerm(case_id=case, on=ext, consenting_party_ids=tuple(p.party_id for p in d.parties)),
            )
        if d.lag >= 2 and (d.difficulty is not Difficulty.ORDINARY or rng.random() < 0.25):
            day = a + dt.timedelta(days=1)
            self.add(
                day,
                9,
                30,
                actor,
                c.RecordInvestigation(
                    case_id=case,
                    on=day,
                    investigator_id=m.mediator_id,
                    subject="走访了解情况",
                    content="向当事人及周边群众了解纠纷起因和经过",
                ),
            )
        sessions = 1 if d.lag < 3 else rng.choice((1, 1, 2, 2, 3))
        others = [x for x in self.district.mediators(d.room) if x.mediator_id != m.mediator_id]
        helper = (rng.choice(others),) if others and (d.difficulty is not Difficulty.ORDINARY) else ()
        for mh in helper:
            self.add(a, 11, 11, actor, c.AssignMediator(case_id=case, mediator_id=mh.mediator_id, on=a))
        for n in range(sessions):
            day = end if n == sessions - 1 else a + dt.timedelta(days=max(0, d.lag * (n + 1) // sessions - 1))
            hour = 14 if day == end else 15
            self.add(
                day,
                hour,
                0,
                actor,
                c.HoldSession(
                    case_id=case,
                    on=day,
                    place=self.district.name(d.room),
                    mediator_ids=(m.mediator_id, *(x.mediator_id for x in helper)),
                    party_ids=tuple(p.party_id for p in d.parties),
                    summary="调解员听取双方陈述，释法说理，引导双方协商"
                    if n < sessions - 1
                    else "双方在调解员主持下协商一致"
                    if d.outcome != "failed"
                    else "双方分歧较大，经调解未能协商一致",
                ),
            )
        self.prevent(d, case, actor, end)
        if d.outcome == "failed":
            reason = rng.choice(
                (
                    TerminationReason.FAILED,
                    TerminationReason.FAILED,
                    TerminationReason.PARTY_REFUSED,
                    TerminationReason.WITHDRAWN,
                )
            )
            self.add(
                end, 16, 0, actor, c.TerminateCase(case_id=case, on=end, reason=reason, note="经多次调解双方分歧较大")
            )
            self.samples.setdefault("terminated", case)
            if rng.random() < 0.5:
                self.visit(d, m, end + dt.timedelta(days=rng.randrange(3, 10)), None)
            return
        written = (
            d.difficulty is not Difficulty.ORDINARY
            or bool(d.risks)
            or d.amount >= 20_000
            or (d.category in {"contract", "labour", "wage_arrears", "traffic_accident"} and rng.random() < 0.5)
            or rng.random() < 0.08
        )
        if written:
            self.written_agreement(d, m, end)
            if "written_agreement" not in self.samples:
                self.confirmed(d, actor, end)
            self.samples.setdefault("written_agreement", case)
        else:
            self.add(
                end,
                16,
                0,
                actor,
                c.ReachOralAgreement(case_id=case, on=end, content=rng.choice(OUTCOME_WORDS)),
            )
            self.samples.setdefault("oral_agreement", case)
        self.follow_up_and_archive(d, m)

    def confirmed(self, d: Dispute, actor: Actor, effective_on: dt.date) -> None:
        """The sample agreement: the parties apply for 司法确认 the next day and the court confirms
        it two days later (no draw: the rest of the story stays as it was)."""
        applied_on, ruled_on = effective_on + dt.timedelta(days=1), effective_on + dt.timedelta(days=3)
        parties = tuple(p.party_id for p in d.parties)
        self.add(
            applied_on,
            16,
            40,
            actor,
            c.ApplyJudicialConfirmation(case_id=d.case_id, on=applied_on, applicant_ids=parties, court=DEMO_COURT),
        )
        self.add(
            ruled_on,
            9,
            0,
            actor,
            c.RecordJudicialConfirmation(
                case_id=d.case_id,
                on=ruled_on,
                result=ConfirmationResult.CONFIRMED,
                court=DEMO_COURT,
                court_case_number=f"（{applied_on.year}）川1102民特{d.serial % 1000 + 1}号",
            ),
        )

    def prevent(self, d: Dispute, case: str, actor: Actor, on: dt.date) -> None:
        """The flagged risk did not escalate: the room records it (防止民转刑, 预防处置群体性事件)
        the day the dispute concludes, before its outcome."""
        for kind in d.risks:
            if kind.preventable:
                measures = "稳控当事人情绪，联合派出所释法说理，防止矛盾激化"
                self.add(on, 14, 30, actor, c.RecordPrevention(case_id=case, kind=kind, on=on, measures=measures))

    def written_agreement(self, d: Dispute, m: Mediator, on: dt.date) -> None:
        actor = mediator_actor(m)
        deadline = on + dt.timedelta(days=self.rng.choice((7, 15, 30)))
        payer = d.parties[-1]
        terms = WrittenTerms(
            facts=f"{self.summary(d)}，经调解双方查明事实、分清责任",
            points_in_dispute="责任划分及赔偿（给付）数额",
            responsibilities=tuple(
                Responsibility(party_id=p.party_id, text="承担主要责任" if p is payer else "予以谅解")
                for p in d.parties
            ),
            obligations=f"{payer.name}于{zh_date(deadline)}前向对方支付人民币{d.amount or 500}元，双方再无其他纠葛",
            performance_method="现金或转账一次性支付",
            performance_place=self.district.name(d.room),
            performance_deadline=deadline,
        )
        self.add(on, 16, 0, actor, c.DraftWrittenAgreement(case_id=d.case_id, on=on, terms=terms))
        for i, p in enumerate(d.parties):
            mark = Mark.SEAL if isinstance(p, OrganisationParty) else Mark.SIGNATURE
            self.add(
                on,
                16,
                2 + i,
                actor,
                c.SignAgreement(case_id=d.case_id, kind=SignatoryKind.PARTY, signer_id=p.party_id, mark=mark, on=on),
            )
        self.add(
            on,
            16,
            10,
            actor,
            c.SignAgreement(case_id=d.case_id, kind=SignatoryKind.MEDIATOR, signer_id=m.mediator_id, on=on),
        )
        self.add(
            on,
            16,
            12,
            actor,
            c.SignAgreement(case_id=d.case_id, kind=SignatoryKind.COMMITTEE_SEAL, on=on, mark=Mark.SEAL),
        )

    def visit_day(self, d: Dispute) -> dt.date | None:
        """When the 回访 of a settled case happens: mostly within two weeks, now and then late,
        a few never (drawn once per dispute)."""
        if d.serial not in self.visits:
            roll = self.rng.random()
            if roll < 0.93:
                self.visits[d.serial] = d.concluded + dt.timedelta(days=self.rng.randrange(3, 13))
            elif roll < 0.97:
                self.visits[d.serial] = d.concluded + dt.timedelta(days=self.rng.randrange(25, 40))
            else:
                self.visits[d.serial] = None
        return self.visits[d.serial]

    def performance_of(self, d: Dispute) -> Performance:
        """What the 回访 finds (drawn once per dispute)."""
        if d.serial not in self.performances:
            roll = self.rng.random()
            self.performances[d.serial] = (
                Performance.PERFORMED
                if roll < 0.95
                else Performance.PARTLY
                if roll < 0.98
                else Performance.NOT_PERFORMED
            )
        return self.performances[d.serial]

    def follow_up_and_archive(self, d: Dispute, m: Mediator) -> None:
        """The 回访 of a settled case and, once the agreement is performed, the file archived."""
        rng = self.rng
        visit = self.visit_day(d)
        if visit is None:
            return
        performance = self.performance_of(d)
        self.visit(d, m, visit, performance)
        if performance is Performance.PERFORMED and rng.random() < 0.9:
            day = visit + dt.timedelta(days=rng.randrange(2, 20))
            actor = mediator_actor(m)
            self.add(
                day,
                16,
                30,
                actor,
                c.FileDocument(case_id=d.case_id, item=CaseFileItem.BACK_COVER, title="封底", on=day),
            )
            self.add(day, 16, 32, actor, c.ArchiveCase(case_id=d.case_id, on=day, archivist_id=m.mediator_id))

    def visit(self, d: Dispute, m: Mediator, day: dt.date, performance: Performance | None) -> None:
        satisfaction = Satisfaction.SATISFIED if self.rng.random() < 0.9 else Satisfaction.BASICALLY_SATISFIED
        self.add(
            day,
            10,
            self.rng.randrange(0, 50),
            mediator_actor(m),
            c.RecordFollowUp(
                case_id=d.case_id,
                on=day,
                visitor_id=m.mediator_id,
                party_id="p1",
                performance=performance,
                satisfaction=satisfaction,
            ),
        )

    # -- traffic accidents: the "1+4" joint room ------------------------------------------------------
    def traffic_referral(self, d: Dispute) -> None:
        """An accident whose parties chose people's mediation at the joint room."""
        rng = self.rng
        officer = TRAFFIC_OFFICER
        traffic_id = f"jt-{d.serial:05d}"
        insurers = (rng.choice(("人保财险", "平安财险", "太平洋财险", "国寿财险")),)
        self.register_accident(d, traffic_id, insurers, officer)
        referral_id = f"ref-{d.serial:05d}"
        self.add(
            d.received,
            10,
            0,
            officer,
            tc.SendToPeoplesMediation(
                traffic_id=traffic_id,
                on=d.received,
                room_id=TRAFFIC_ROOM,
                letter_number=f"乐公交移调〔{d.received.year}〕{d.serial:04d}号",
                signed_by="大队长",
                consents=self.consents(d.parties, d.received),
                referral_id=referral_id,
            ),
        )
        m = self.mediator_for(TRAFFIC_ROOM)
        self.add(
            d.received,
            11,
            0,
            mediator_actor(m),
            rc.AcceptReferral(referral_id=referral_id, on=d.received, case_id=d.case_id),
        )
        self.traffic_mediation(d, m, insurers)

    def register_accident(self, d: Dispute, traffic_id: str, insurers: tuple[str, ...], officer: Actor) -> None:
        received = d.received - dt.timedelta(days=self.rng.randrange(0, 4))
        self.add(
            d.received,
            9,
            0,
            officer,
            tc.RegisterAccident(
                traffic_id=traffic_id,
                brigade_id=BRIGADE,
                room_id=TRAFFIC_ROOM,
                accident_number=f"5111021{d.received:%Y%m%d}{d.serial:04d}",
                accident_on=received - dt.timedelta(days=self.rng.randrange(3, 10)),
                determination=Determination(
                    kind=DeterminationKind.DETERMINATION,
                    number=f"乐公交认字〔{received.year}〕第{d.serial:04d}号",
                    received_on=received,
                ),
                parties=d.parties,
                summary=self.summary(d),
                insurers=insurers,
            ),
        )

    def traffic_mediation(self, d: Dispute, m: Mediator, insurers: tuple[str, ...]) -> None:
        """People's mediation of a traffic case, with the traffic police, court and insurer at the table."""
        a = d.accepted
        actor = mediator_actor(m)
        case = d.case_id
        self.add(a, 11, 2, actor, c.AssignMediator(case_id=case, mediator_id=m.mediator_id, presiding=True, on=a))
        self.add(a, 11, 4, actor, c.NotifyRights(case_id=case, on=a))
        self.add(
            a,
            11,
            6,
            actor,
            c.FileDocument(case_id=case, item=CaseFileItem.IDENTITY_PROOF, title="当事人身份证明", on=a),
        )
        self.add(a, 11, 8, actor, c.StartMediation(case_id=case, on=a))
        end = d.concluded
        notified = self.calendar.latest_start(end, 3)  # 3 working days ahead (docs/legal-basis.md §4.3)
        self.add(
            end,
            14,
            0,
            actor,
            c.HoldSession(
                case_id=case,
                on=end,
                place="交通事故纠纷联合调解室",
                mediator_ids=(m.mediator_id,),
                party_ids=tuple(p.party_id for p in d.parties),
                summary="交警、人民调解员、法院和保险公司共同参与，就赔偿项目和数额协商",
                joint_bodies=frozenset(
                    {JointBody.TRAFFIC_POLICE, JointBody.PEOPLES_MEDIATION, JointBody.COURT, JointBody.INSURER}
                ),
                insurer_notices=tuple(InsurerNotice(insurer=i, notified_on=notified) for i in insurers),
            ),
        )
        if d.outcome == "failed":
            self.add(
                end,
                16,
                0,
                actor,
                c.TerminateCase(case_id=case, on=end, reason=TerminationReason.FAILED, note="赔偿数额分歧较大"),
            )
            return
        self.written_agreement(d, m, end)
        self.follow_up_and_archive(d, m)

    def traffic_police_mediation(self, serial: int, day: dt.date) -> None:
        """An accident mediated by the traffic police with the "1+4" bodies: no people's-mediation
        case, but the joint sessions of the source district's joint room (docs/legal-basis.md §4.2.6)."""
        rng = self.rng
        officer = TRAFFIC_OFFICER
        d = Dispute(
            serial=serial,
            flow=Flow.TRAFFIC,
            room=TRAFFIC_ROOM,
            source=CaseSource.TRAFFIC_POLICE,
            category="traffic_accident",
            received=day,
            lag=0,
        )
        d.parties = self.parties_for(d)
        traffic_id = f"jt-p{serial:04d}"
        insurers = (rng.choice(("人保财险", "平安财险", "太平洋财险")),)
        self.register_accident(d, traffic_id, insurers, officer)
        self.add(
            day,
            9,
            10,
            officer,
            tc.ApplyPoliceMediation(traffic_id=traffic_id, on=day, applicant_ids=("p1", "p2"), written=True),
        )
        self.add(
            day,
            9,
            20,
            officer,
            tc.AcceptPoliceMediation(
                traffic_id=traffic_id, on=day, damages=(Damage(kind=DamageKind.PROPERTY, trigger_on=day),)
            ),
        )
        session = self.calendar.add_working_days(day, rng.randrange(3, 7)).date  # S9's days are working days
        self.add(
            day,
            9,
            30,
            officer,
            tc.ScheduleTrafficSession(
                traffic_id=traffic_id, on=day, session_on=session, place="交通事故纠纷联合调解室"
            ),
        )
        names = [getattr(p, "name", "") for p in d.parties]
        self.add(
            session,
            10,
            0,
            officer,
            tc.HoldTrafficSession(
                traffic_id=traffic_id,
                on=session,
                place="交通事故纠纷联合调解室",
                bodies=frozenset(
                    {JointBody.TRAFFIC_POLICE, JointBody.PEOPLES_MEDIATION, JointBody.INSURER, JointBody.COURT}
                ),
                participants=(
                    Participant(side=Side.APPLICANT, name=names[0], role="当事人"),
                    Participant(side=Side.RESPONDENT, name=names[1], role="当事人"),
                    Participant(side=Side.RESPONDENT, name=f"{insurers[0]}理赔员", role="保险公司"),
                ),
                summary="“1+4”联合调解：交警、人民调解员、法院、保险公司共同参与",
            ),
        )
        if rng.random() < 0.15:
            self.add(
                session,
                11,
                0,
                officer,
                tc.TerminateTrafficMediation(traffic_id=traffic_id, on=session, reason=TrafficTermination.NO_AGREEMENT),
            )
            return
        amount = Decimal(rng.randrange(2_000, 60_000) // 100 * 100)
        self.add(
            session,
            11,
            0,
            officer,
            tc.IssueMediationDocument(
                traffic_id=traffic_id,
                on=session,
                signed_by=("p1", "p2"),
                settlement=TrafficSettlement(
                    basis="道路交通安全法第76条；道路交通事故认定书",
                    facts_and_losses=f"{self.summary(d)}，经核定损失共计{amount}元",
                    items=(CompensationItem(name="车辆维修费及医疗费", amount=amount),),
                    liabilities=(
                        Liability(party_id="p2", share=Decimal(70)),
                        Liability(party_id="p1", share=Decimal(30)),
                    ),
                    performance_method="保险公司直接赔付，超出部分由责任方现金支付",
                    performance_deadline=session + dt.timedelta(days=15),
                ),
            ),
        )

    # -- the standing meetings, returns, training and the evaluation ------------------------------------
    def meetings(self) -> None:
        """A joint meeting of every township each month (a few missed, one without the police) and
        a case-analysis meeting in every room."""
        rng = self.rng
        registry = self.district.registry
        for month in PERIOD.months():
            day = self.working_day(month.start + dt.timedelta(days=rng.randrange(9, 14)))
            for township in self.district.townships():
                tid = township.org_id
                if rng.random() < 0.03:
                    continue  # this month's joint meeting never took place
                meeting_id = f"joint-{tid}-{month.start:%Y-%m}"
                self.thread()
                actor = township_actor(tid)
                self.add(
                    day - dt.timedelta(days=3),
                    9,
                    0,
                    actor,
                    ScheduleMeeting(
                        meeting_id=meeting_id,
                        kind=MeetingKind.JOINT,
                        org_id=tid,
                        on=day,
                        place=f"{township.name}综治中心会议室",
                    ),
                )
                stations = self.district.stations_of_township(tid)
                attendees = [
                    Attendee(person_id=f"j-{tid}", name="司法所长", org_id=f"{tid}-justice"),
                    Attendee(person_id=f"g-{tid}", name="综治办主任", org_id=f"{tid}-governance"),
                ]
                if rng.random() > 0.04:  # now and then the station sends nobody: no quorum
                    attendees += [
                        Attendee(person_id=f"o-{s.org_id}", name="派出所分管领导", org_id=s.org_id) for s in stations
                    ]
                rooms = [r for r in registry.rooms() if r.parent_id == tid]
                attendees += [
                    Attendee(
                        person_id=self.district.director(r.org_id).mediator_id,
                        name=self.district.director(r.org_id).name,
                        org_id=r.org_id,
                    )
                    for r in rooms
                ]
                items: tuple[ActionItemDraft, ...] = ()
                if rooms and rng.random() < 0.5:
                    room = rooms[0].org_id
                    director = self.district.director(room)
                    items = (
                        ActionItemDraft(
                            owner_id=director.mediator_id,
                            owner_name=director.name,
                            owner_org_id=room,
                            task="对辖区重点矛盾纠纷开展一次集中排查",
                            due=day + dt.timedelta(days=20),
                        ),
                    )
                self.add(
                    day,
                    15,
                    0,
                    actor,
                    HoldMeeting(
                        meeting_id=meeting_id,
                        on=day,
                        attendees=tuple(attendees),
                        minutes="通报本月矛盾纠纷排查化解情况，研判重点纠纷，部署下月工作",
                        decisions=(Decision(text="继续落实110接处警同步介入，做到抓早抓小"),),
                        action_items=items,
                    ),
                )
            for room in self.district.room_ids:
                mediators = self.district.mediators(room)
                director = self.district.director(room)
                meeting_id = f"analysis-{room}-{month.start:%Y-%m}"
                self.thread()
                mday = self.working_day(day + dt.timedelta(days=rng.randrange(1, 6)))
                actor = mediator_actor(director)
                self.add(
                    mday - dt.timedelta(days=2),
                    9,
                    5,
                    actor,
                    ScheduleMeeting(
                        meeting_id=meeting_id,
                        kind=MeetingKind.CASE_ANALYSIS,
                        org_id=room,
                        on=mday,
                        place=self.district.name(room),
                    ),
                )
                present = [x for x in mediators if x is director or rng.random() < 0.8]
                self.add(
                    mday,
                    16,
                    0,
                    actor,
                    HoldMeeting(
                        meeting_id=meeting_id,
                        on=mday,
                        attendees=tuple(Attendee(person_id=x.mediator_id, name=x.name, org_id=room) for x in present),
                        minutes="分析本月疑难案件，交流调解心得",
                    ),
                )

    def returns(self) -> None:
        """Each room files its monthly return within the first working days of the next month; one
        files late now and then, and one return is never filed."""
        rng = self.rng
        rooms = self.district.room_ids
        active: dict[str, list[dt.date]] = {}  # the days each room's ledger has something on
        for d in self.disputes:
            if not (d.outcome == "declined" and d.flow is Flow.STATION_REFERRAL):  # a declined letter opens no case
                active.setdefault(d.room, []).extend((d.received, d.concluded))
        missing = (rng.choice(rooms), rng.choice(list(PERIOD.months())).start)
        for month in PERIOD.months():
            for room in rooms:
                if (room, month.start) == missing:
                    continue
                late = rng.random() < 0.03
                working_days = rng.randrange(7, 12) if late else rng.randrange(1, 5)  # due on the 5th working day
                day = self.calendar.add_working_days(month.end, working_days).date
                director = self.district.director(room)
                self.thread()
                nil = not any(month.start <= d <= month.end for d in active.get(room, ()))
                self.add(day, 17, 0, mediator_actor(director), SubmitReturn(org_id=room, period=month, on=day, nil=nil))

    def training(self) -> None:
        """Training for the staff: three district sessions for every mediator and liaison, and
        shorter ones: 306 person-times in all, as the source report counts (docs/legal-basis.md §10.6)."""
        registry = self.district.registry
        people = [Trainee(person_id=m.mediator_id, name=m.name, org_id=m.room_id) for m in registry.mediators.values()]
        liaisons = [Trainee(person_id=p.person_id, name=p.name, org_id=p.room_id) for p in registry.liaisons.values()]
        everyone = sorted(people, key=lambda t: t.person_id)
        sessions = [
            (dt.date(2025, 7, 18), "人民调解法及治安调解衔接专题培训", TrainingKind.LEGAL_COURSE, everyone),
            (dt.date(2025, 9, 19), "公调对接案件移送与反馈规范培训", TrainingKind.LEGAL_COURSE, everyone),
            (dt.date(2025, 11, 21), "调解文书制作与卷宗归档培训", TrainingKind.LEGAL_COURSE, everyone),
        ]
        taken = sum(len(s[3]) for s in sessions)
        sessions.append(
            (
                dt.date(2025, 12, 12),
                "联合调解室副主任跟班轮训",
                TrainingKind.SHADOWING,
                sorted(liaisons, key=lambda t: t.person_id)[: max(0, 306 - taken)],
            )
        )
        for n, (day, title, kind, trainees) in enumerate(sessions, start=1):
            if trainees:
                self.thread()
                self.add(
                    day,
                    9,
                    0,
                    CENTRE_STAFF,
                    RecordTraining(
                        training_id=f"training-2025-{n}",
                        org_id=DISTRICT,
                        on=day,
                        title=title,
                        kind=kind,
                        hours=Decimal(4),
                        trainees=tuple(trainees),
                    ),
                )

    def evaluation(self) -> None:
        self.thread()
        self.add(
            EVALUATION_DAY, 10, 0, CENTRE_STAFF, ConcludeEvaluation(scope_id=DISTRICT, year=2025, on=EVALUATION_DAY)
        )


def plan(seed: int, district: District, calendar: WorkingDayCalendar, scale: float = 1.0) -> Plan:
    """The whole story for ``seed``; meetings and returns fall on ``calendar``'s working days.
    ``scale`` shrinks (or grows) the number of disputes: 1 is the source report's volume."""
    planner = Planner(seed, district, calendar, scale)
    drawn = planner.draw_disputes()
    disputes, targets = planner.shape(drawn)
    planner.disputes = disputes
    traffic_days = [day for day in days(PERIOD.start, PERIOD.end) if planner.rng.random() < 0.55 * scale]
    for d in disputes:
        planner.render(d)
    for n, day in enumerate(traffic_days, start=1):
        planner.thread()
        planner.traffic_police_mediation(n, day)
    planner.meetings()
    planner.returns()
    planner.training()
    planner.evaluation()
    steps = sorted(planner.steps, key=lambda s: (s.at, s.seq))
    return Plan(
        seed=seed,
        period=PERIOD,
        steps=tuple(steps),
        end=dt.datetime.combine(STORY_END, dt.time(18), CHINA_TZ),
        targets=targets,
        samples=Samples(**planner.samples),
        disputes=len(disputes),
    )
