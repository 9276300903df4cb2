"""The county's hook implementations, registered through the entry point
``county-example = "mediation_county_example.plugin"`` (pyproject.toml)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from mediation_core.plugins import (
    AcceptReferral,
    AggregateState,
    CheckInputs,
    CommandInputs,
    Notifier,
    Policy,
    ReferralState,
    Renderer,
    Violation,
    hookimpl,
)
from mediation_county_example import POLICY_ID, REGION


@hookimpl
def mediation_policy(default: Policy, region: str) -> Policy | None:
    """The county's practice, for its own region only (elsewhere: pass)."""
    if region != REGION:
        return None
    return attrs.evolve(
        default, policy_id=POLICY_ID, version="2026.1", follow_up_working_days=10, mediation_term_days=20
    )


@hookimpl
def mediation_referral_checks(
    referral: ReferralState, acceptance: AcceptReferral, inputs: CheckInputs
) -> Iterable[Violation]:
    from mediation_county_example.referrals import diversion  # noqa: PLC0415 - keep discovery cheap

    return list(diversion(referral, acceptance, inputs))


@hookimpl
def mediation_command_checks(command: Any, state: AggregateState | None, inputs: CommandInputs) -> Iterable[Violation]:
    from mediation_county_example.meetings import meeting_place  # noqa: PLC0415 - keep discovery cheap

    return list(meeting_place(command, inputs))


@hookimpl
def mediation_notifiers() -> Iterator[Notifier]:
    from mediation_county_example.sms import SETTINGS, open_sms  # noqa: PLC0415

    yield Notifier(
        name="county-sms",
        open=open_sms,
        description="示范县政务短信平台: signed form posts, 100 numbers a request, the notice key as message id.",
        settings=SETTINGS,
    )


@hookimpl
def mediation_renderers() -> Iterator[Renderer]:
    from mediation_county_example.brief import brief  # noqa: PLC0415

    yield Renderer(
        name="statistics-brief",
        media_type="text/plain; charset=gb18030",
        suffix=".txt",
        render=brief,
        description="示范县矛盾纠纷化解工作简报 (GB18030 text for the county's office system).",
        subject="statistics",
    )
