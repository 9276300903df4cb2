"""A county's referral checks add violations to the legal ones and can never remove them."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator

import attrs
import pytest

from builders import ADMIN, LIAISON, MEDIATOR, ROOM, consents, referral
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.state import ReferralState, ReferralStatus
from mediation_core.domain.values.policy import Policy
from mediation_core.plugins import CheckInputs, Plugins, hookimpl
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
        ("consent_on_record", "consents[p2]"),
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


# -- what a check receives ---------------------------------------------------------------------------------
SECRET = b"the deployment's identity key"


class Inspecting:
    """Keeps what it was handed."""

    def __init__(self) -> None:
        self.inputs: list[CheckInputs] = []

    @hookimpl
    def mediation_referral_checks(self, acceptance: rc.AcceptReferral, inputs: CheckInputs) -> list[Violation]:
        self.inputs.append(inputs)
        return []


def keyed_service(plugins: Plugins, clock: StoryClock) -> MediationService:
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock, identity_key=SECRET)
    service.register(demo_registry(), ADMIN)
    return service


def test_a_check_reads_what_the_decision_reads_and_no_secret(clock: StoryClock) -> None:
    inspecting = Inspecting()
    service = keyed_service(load_plugins(autoload=False, strict=True, plugins=[inspecting]), clock)
    issued = service.handle(referral(ON), LIAISON)
    service.handle(rc.AcceptReferral(referral_id=issued.referral_id, on=ON), MEDIATOR)
    (inputs,) = inspecting.inputs
    assert set(attrs.fields_dict(CheckInputs)) == {"now", "policy", "calendar", "registry", "categories"}
    assert (inputs.now, inputs.today) == (clock(), ON)
    assert (inputs.policy, inputs.calendar) == (service.policy, service.calendar)
    assert inputs.registry.org(ROOM) is not None
    assert "neighbourhood" in inputs.categories
    with pytest.raises(TypeError):
        inputs.registry.organisations[ROOM] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        inputs.categories["county_local"] = None  # type: ignore[index]


class County01:
    """A check written for 0.1: it asks for the whole decision context."""

    def __init__(self) -> None:
        self.contexts: list[DecisionContext] = []

    @hookimpl
    def mediation_referral_checks(
        self, referral: ReferralState, acceptance: rc.AcceptReferral, context: DecisionContext
    ) -> Iterator[Violation]:
        self.contexts.append(context)
        if context.policy.policy_id == Policy().policy_id and referral.category == "land_requisition":
            yield Violation(
                rule="county_land_to_centre",
                field="category",
                basis="某县矛盾纠纷分流办法 第5条",
                message_zh="征地拆迁纠纷由县协调中心统一分流",
                message_en="land requisition disputes are routed by the county centre",
            )


def test_a_check_asking_for_the_context_still_runs_warns_once_and_never_gets_the_key(clock: StoryClock) -> None:
    old = County01()
    with pytest.warns(DeprecationWarning, match=r"context=\.\.\.\) is deprecated") as registering:
        plugins = load_plugins(autoload=False, strict=True, plugins=[old])
    assert len(registering) == 1
    service = keyed_service(plugins, clock)
    with warnings.catch_warnings(record=True) as running:
        warnings.simplefilter("always")
        for _ in range(2):
            issued = service.handle(referral(ON, category="land_requisition"), LIAISON)
            with pytest.raises(RuleViolationError) as refused:
                service.handle(rc.AcceptReferral(referral_id=issued.referral_id, on=ON), MEDIATOR)
            assert [v.rule for v in refused.value.violations] == ["county_land_to_centre"]
    assert running == []  # once, when it registered; not on every call
    assert len(old.contexts) == 2
    assert service.party_keyer.key == SECRET
    for context in old.contexts:  # no field of what the county's code is handed holds the key
        assert type(context) is DecisionContext
        assert all(SECRET not in repr(getattr(context, f.name)).encode() for f in attrs.fields(DecisionContext))
        assert not hasattr(context, "party_keyer")
    assert old.contexts[0].today == ON
