"""Synthetic parties: names, valid resident ID numbers and credit codes, phones, addresses.

Every person drawn is new (ID numbers come from a serial), so two disputes share parties only
when the demo means them to (a repeat dispute).
"""

from __future__ import annotations

import datetime as dt
import random

from mediation_core.demo.district import person_name
from mediation_core.domain.values.identifiers import resident_id_check_char, uscc_check_char
from mediation_core.domain.values.parties import GroupParty, NaturalPerson, OrganisationParty, Party, Side

AREA = "511102"
"""The administrative area code on the demo's ID numbers and credit codes."""

STREETS = (
    "幸福路",
    "滨河路",
    "人民路",
    "东大街",
    "新村路",
    "白塔街",
    "柏杨路",
    "嘉州大道",
    "青衣路",
    "学府路",
    "民主路",
    "桂花巷",
    "凤凰路",
    "肖坝路",
)
COMPANIES = (
    ("物业服务有限公司", "property"),
    ("商贸有限公司", "shop"),
    ("建筑劳务有限公司", "builder"),
    ("餐饮管理有限公司", "shop"),
    ("装饰工程有限公司", "builder"),
    ("汽车服务有限公司", "shop"),
)
OCCUPATIONS = ("务农", "个体经营", "务工", "退休", "自由职业", "企业职工", "教师", "驾驶员")
"""Occupations printed on the forms' 职业 line (picked from the ID number, so the draw of
every other value is unchanged)."""
PREFIXES = ["嘉州", "凌云", "海棠", "峨眉", "青衣", "大佛", "绿心", "三江", "岷江", "乐山"]


class People:
    """Draws parties for the disputes of one demo run."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.issued: set[str] = set()
        self.org_serial = 0

    def _id_number(self) -> str:
        """A valid number of an adult (18–80 on ``today``), never handed out twice in a run."""
        while True:
            born = self.today - dt.timedelta(days=self.rng.randrange(18 * 366, 80 * 365))
            first17 = f"{AREA}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            if first17 not in self.issued:
                self.issued.add(first17)
                return first17 + resident_id_check_char(first17)

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def address(self, place: str) -> str:
        return f"{place}{self.rng.choice(STREETS)}{self.rng.randrange(1, 300)}号"

    def person(self, party_id: str, side: Side, place: str) -> NaturalPerson:
        name = person_name(self.rng)
        id_number = self._id_number()
        return NaturalPerson(
            party_id=party_id,
            side=side,
            name=name,
            id_number=id_number,
            phone=self.phone(),
            address=self.address(place),
            ethnicity="汉族",
            occupation=OCCUPATIONS[int(id_number[14:16]) % len(OCCUPATIONS)],
        )

    def company(self, party_id: str, side: Side, place: str, kind: str = "") -> OrganisationParty:
        self.org_serial += 1
        choices = [c for c in COMPANIES if not kind or c[1] == kind] or list(COMPANIES)
        suffix, _ = self.rng.choice(choices)
        body = f"MA{self.org_serial:07d}"
        first17 = f"91{AREA}{body}"
        return OrganisationParty(
            party_id=party_id,
            side=side,
            name=f"乐山市{self.rng.choice(PREFIXES)}{suffix}",
            credit_code=first17 + uscc_check_char(first17),
            legal_representative=person_name(self.rng),
            phone=self.phone(),
            address=self.address(place),
        )

    def group(self, party_id: str, side: Side, place: str, headcount: int, what: str) -> GroupParty:
        reps = tuple(self.person(f"{party_id}-r{n}", side, place) for n in range(1, min(5, max(1, headcount // 8)) + 1))
        return GroupParty(party_id=party_id, side=side, name=what, headcount=headcount, representatives=reps)

    def pair(self, place: str) -> tuple[Party, ...]:
        """An applicant and a respondent, both natural persons."""
        return (self.person("p1", Side.APPLICANT, place), self.person("p2", Side.RESPONDENT, place))
