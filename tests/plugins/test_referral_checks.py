"""A county's referral checks add violations to the legal ones and can never remove them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from builders import ADMIN, LIAISON, MEDIATOR, consents, referral
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.state import ReferralState, ReferralStatus
from mediation_core.plugins import hookimpl
from mediation_core.plugins.manager import load_plugins
from mediation_memory import MemoryStore

ON = dt.date(2026, 5, 6)
seen: list[tuple[str, dt.date]] = []


class CountyChecks:
    """Land disputes go to the county centre; and a plugin that tries to clear legal violations."""

    @hookimpl
    def mediation_referral_checks(self, referral: ReferralState, acceptance: rc.AcceptReferral) -> Iterator[Violation]:
        seen.append((referral.referral_id, acceptance.on))
        if referral.category == "land_requisition":
            yield Violation(
                rule="county_land_to_centre",
                field="category",
                basis="某县矛盾纠纷分流办法 第5条",
                message_zh="征地拆迁纠纷由县协调中心统一分流",
                message_en="land requisition disputes are routed by the county centre",
            )


class Silencer:
    """Returns nothing: a broadcast hook cannot take back what the law found."""

    @hookimpl
    def mediation_referral_checks(self) -> list[Violation]:
        return []


@pytest.fixture
def county(clock: StoryClock) -> MediationService:
    plugins = load_plugins(autoload=False, strict=True, plugins=[CountyChecks(), Silencer()])
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    service.register(demo_registry(), ADMIN)
    return service


def test_local_violations_are_reported_with_the_legal_ones_and_nothing_is_written(county: MediationService) -> None:
    issued = county.handle(referral(ON, category="land_requisition", consenting=("p1",)), LIAISON)
    before = county.store.read(issued.referral_id), list(county.store.ledger())
    with pytest.raises(RuleViolationError) as refused:
        county.handle(rc.AcceptReferral(referral_id=issued.referral_id, on=ON), MEDIATOR)
    assert [(v.rule, v.field) for v in refused.value.violations] == [
        ("every_party_consents", "consents[p2]"),
        ("county_land_to_centre", "category"),
    ]
    assert (county.store.read(issued.referral_id), list(county.store.ledger())) == before
    assert seen[-1] == (issued.referral_id, ON)


def test_a_referral_the_county_has_no_objection_to_is_accepted(county: MediationService) -> None:
    issued = county.handle(referral(ON), LIAISON)
    accepted = county.handle(
        rc.AcceptReferral(referral_id=issued.referral_id, on=ON, consents=consents(ON, "p1")), MEDIATOR
    )
    assert accepted.status is ReferralStatus.ACCEPTED
