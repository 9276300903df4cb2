# mypy: disable-error-code="empty-body"
"""Hook specifications: the only door between the core and the outside.

Four kinds (:class:`HookKind`, docs/plugins/hooks.md): *registration* hooks yield named records
(broadcast; a duplicate name is an error), *contribution* hooks return values that are all
collected and may only add to what the core does (broadcast), *observer* hooks return nothing and
their failures never reach the caller (broadcast), *decision* hooks stop at the first non-None
result and have the core's default registered ``trylast``. Hooks are always called with keyword
arguments; an implementation may accept a subset.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from mediation_core.plugins._markers import hookspec

if TYPE_CHECKING:
    from mediation_core.domain.kernel.context import DecisionContext
    from mediation_core.domain.kernel.rulebook import Violation
    from mediation_core.domain.referral.commands import AcceptReferral
    from mediation_core.domain.referral.state import ReferralState
    from mediation_core.domain.reporting.evaluation import EvaluationItem
    from mediation_core.domain.values.actors import Actor
    from mediation_core.domain.values.calendar import WorkingDayCalendar
    from mediation_core.domain.values.categories import Category
    from mediation_core.domain.values.deadlines import DueItem
    from mediation_core.domain.values.notices import Notice
    from mediation_core.domain.values.policy import Policy
    from mediation_core.plugins.inputs import AggregateState, CheckInputs, CommandInputs
    from mediation_core.plugins.types import LedgerReader, Notifier, Publisher, Renderer, StoreBackend
    from mediation_core.records import RecordedEvent


class HookKind(enum.Enum):
    """How the core calls a hook and what it does with the answers."""

    REGISTRATION = "registration"
    """Broadcast; every implementation yields named records, a duplicate name is an error."""
    CONTRIBUTION = "contribution"
    """Broadcast; every implementation's values are collected; they can only add."""
    OBSERVER = "observer"
    """Broadcast after the fact; returns nothing; a failure is logged and counted, never raised."""
    DECISION = "decision"
    """``firstresult``: the first non-None answer wins; the core's default answers last."""


CONTEXT_DEPRECATED = DeprecationWarning(
    "mediation_referral_checks(context=...) is deprecated and goes in 0.3: take `inputs` "
    "(mediation_core.plugins.CheckInputs: now, today, policy, calendar, registry, categories) instead"
)
"""Warned once, when a plugin whose ``mediation_referral_checks`` asks for ``context`` registers."""


class StorageSpecs:
    """Hooks that contribute persistence."""

    @hookspec
    def mediation_store_backends(self) -> Iterable[StoreBackend]:
        """Contribute storage backends, selectable by name in the configuration.

        Registration (broadcast): every plugin's records are collected; two records with
        the same ``name`` are an error naming both plugins.

        Example::

            @hookimpl
            def mediation_store_backends():
                yield StoreBackend(name="county-db", open=open_county_store)

        .. versionadded:: 0.1
        """


class PolicySpecs:
    """Hooks that adapt the core to a county."""

    @hookspec(firstresult=True)
    def mediation_policy(self, default: Policy, region: str) -> Policy | None:
        """Return the county's policy for ``region``, usually ``attrs.evolve(default, ...)``.

        Decision. Stops at first non-None result. The core's default (``trylast``)
        returns ``default`` unchanged.

        .. versionadded:: 0.1
        """

    @hookspec(firstresult=True)
    def mediation_calendar(self, region: str) -> WorkingDayCalendar | None:
        """Return the working-day calendar for ``region`` (for example the national one
        with local closures added by ``calendar.with_closures(...)``).

        Decision. Stops at first non-None result. The core's default (``trylast``)
        returns the national calendar.

        .. versionadded:: 0.1
        """

    @hookspec
    def mediation_categories(self) -> Iterable[Category]:
        """Contribute local dispute categories beyond the Ministry's list.

        Registration (broadcast): a code that clashes with another category is an error.

        .. versionadded:: 0.1
        """

    @hookspec
    def mediation_evaluation_items(self) -> Iterable[EvaluationItem]:
        """Contribute local scoring items for the year-end evaluation of mediators (考评).

        Registration (broadcast): every plugin's items are added to the built-in ones; an
        item code that clashes with another item is an error. ``Policy.evaluation_item_points``
        sets each item's maximum points (0 drops it). An item's ``measure(facts, policy)``
        returns the share (clamped to [0, 1]) of its points and must rise, or stay, with
        good facts so that scores remain monotone.

        Example::

            @hookimpl
            def mediation_evaluation_items():
                yield EvaluationItem(
                    code="county_publicity",
                    dimension=Dimension.DUTY,
                    title_zh="参加普法宣传",
                    title_en="legal publicity",
                    max_points=10,
                    measure=lambda facts, policy: capped(facts.trainings, 4),
                )

        .. versionadded:: 0.1
        """

    @hookspec(warn_on_impl_args={"context": CONTEXT_DEPRECATED})
    def mediation_referral_checks(
        self, referral: ReferralState, acceptance: AcceptReferral, inputs: CheckInputs, context: DecisionContext
    ) -> Iterable[Violation]:
        """Return extra local violations for ``referral`` about to be accepted by ``acceptance``;
        ``inputs`` holds the clock reading, the policy, the calendar, the registry and the
        categories the decision reads.

        Contribution (broadcast): every plugin's violations are reported together with the legal
        checks' (all at once, and nothing is written); a plugin can add violations, never remove
        the legal ones. Name your own rule, the field and its local basis in each violation.

        ``context`` is deprecated: an implementation that asks for it still runs, with the
        decision context minus the deployment's party key, and warns once when it registers.

        Example::

            @hookimpl
            def mediation_referral_checks(referral, acceptance, inputs):
                if inputs.policy.policy_id == "county" and referral.category == "land_requisition":
                    yield Violation(rule="county_land_to_centre", field="category",
                                    basis="某县矛盾纠纷分流办法 第5条",
                                    message_zh="征地拆迁纠纷由协调中心分流",
                                    message_en="land requisition disputes go to the coordination centre")

        .. versionadded:: 0.1
        .. deprecated:: 0.2 superseded by ``mediation_command_checks``, which sees every
           command; kept working until 0.3.
        .. versionchanged:: 0.1 typed: a ``ReferralState`` and its ``AcceptReferral``.
        .. versionchanged:: 0.2 ``inputs`` (:class:`~mediation_core.plugins.CheckInputs`);
           ``context`` deprecated, removed in 0.3.
        """

    @hookspec
    def mediation_command_checks(
        self, command: Any, state: AggregateState | None, inputs: CommandInputs
    ) -> Iterable[Violation]:
        """Return a county's own violations for ``command`` (any command of any aggregate),
        about to be decided on ``state``, its aggregate's current state (``None`` before the
        stream's first event; frozen, so read-only). ``inputs``
        (:class:`~mediation_core.plugins.CommandInputs`) holds the clock reading, the policy,
        the calendar, the registry, the categories, the aggregate's name and the actor's role
        and organisation: nothing else of the service.

        Contribution (broadcast): the legal rules always run first, and every plugin's violations
        are added to theirs and reported together (all at once, and nothing is written); a plugin
        can add violations, never remove or change the legal ones. Each violation must name the
        field and a namespaced rule of the county's own (``county.<name>``: a dot, and not a
        rule of the rulebook); a malformed violation, or a check that raises, is a
        ``PluginError`` naming the plugin, and the command is not recorded. Follow-on commands
        (a case opened by accepting a referral) are checked too. Match on the command's type:
        the hook is called for every command.

        Example::

            @hookimpl
            def mediation_command_checks(command, state, inputs):
                if isinstance(command, ScheduleMeeting) and command.on and command.on.weekday() >= 5:
                    yield Violation(rule="county.meetings_on_working_days", field="on",
                                    basis="某县联席会议制度 第3条",
                                    message_zh="联席会议安排在工作日召开",
                                    message_en="joint meetings are held on working days")

        .. versionadded:: 0.2
        """


class NotificationSpecs:
    """Hooks that turn recorded facts into notices."""

    @hookspec
    def mediation_notices(self, event: RecordedEvent, state: AggregateState) -> Iterable[Notice]:
        """Return notices caused by ``event``; ``state`` is its aggregate after the command
        (a :class:`~mediation_core.domain.case.state.CaseState` for ``case.*`` events; see
        :data:`~mediation_core.plugins.AggregateState`).

        Contribution (broadcast): all notices are written to the outbox in the same transaction as the
        event; each notice's ``key`` must be unique and deterministic.

        .. versionadded:: 0.1
        .. versionchanged:: 0.2 ``state`` typed as ``AggregateState``.
        """

    @hookspec
    def mediation_deadline_notices(self, item: DueItem, state: AggregateState) -> Iterable[Notice]:
        """Return notices for a deadline the sweep found due soon, due today or overdue;
        ``state`` is the aggregate the deadline belongs to (a ``CaseState`` for a case, a
        ``ReferralState`` for a referral).

        Contribution (broadcast): the notices are added to the outbox unless their key is already there,
        so every sweep may raise them again. Make the key deterministic in the stream, the
        deadline kind, the due date and the urgency (``item.stream_id``, ``item.deadline.kind``,
        ``item.deadline.due``, ``item.urgency``): one notice per deadline and urgency.

        Example::

            @hookimpl
            def mediation_deadline_notices(item, state):
                if item.urgency is Urgency.OVERDUE:
                    yield Notice(key=f"{item.stream_id}:township:{item.deadline.kind.value}:{item.deadline.due}",
                                 kind=NoticeKind.DEADLINE_OVERDUE, subject="逾期", body="…",
                                 recipients=(Recipient(role="township_liaison", org_id=state.room_id),))

        .. versionadded:: 0.1
        .. versionchanged:: 0.2 ``state`` typed as ``AggregateState``.
        """

    @hookspec
    def mediation_notifiers(self) -> Iterable[Notifier]:
        """Contribute delivery channels (email, a group robot, an SMS gateway …), which the
        deployment's configuration selects and sets up by name.

        Registration (broadcast): two notifiers with the same ``name`` are an error. The core
        delivers through every configured one, isolating each one's failures.

        Example::

            @hookimpl
            def mediation_notifiers():
                yield Notifier(name="county-sms", open=open_county_sms, requires=("httpx",),
                               extra="webhook", settings=("url", "token"))

        .. versionadded:: 0.1
        """

    @hookspec
    def mediation_publishers(self) -> Iterable[Publisher]:
        """Contribute message brokers the event relay publishes recorded events to (AMQP …),
        which a subscriber's configuration selects and sets up by name (docs/events.md).

        Registration (broadcast): two publishers with the same ``name`` are an error.

        Example::

            @hookimpl
            def mediation_publishers():
                yield Publisher(name="county-bus", open=open_county_bus, requires=("pika",),
                                extra="amqp", settings=("url", "exchange"))

        .. versionadded:: 0.2
        """


class ReportingSpecs:
    """Hooks that contribute output formats."""

    @hookspec
    def mediation_renderers(self) -> Iterable[Renderer]:
        """Contribute report and document formats, selectable by name.

        Registration (broadcast): two renderers with the same ``name`` are an error.

        .. versionadded:: 0.1
        """

    @hookspec
    def mediation_ledger_readers(self) -> Iterable[LedgerReader]:
        """Contribute ledger file formats that can be imported, selectable by name (a county's
        own Excel layout, say). A reader unpacks the file into header cells and rows; the core
        checks every cell and imports all rows or none.

        Registration (broadcast): two readers with the same ``name`` are an error.

        Example::

            @hookimpl
            def mediation_ledger_readers():
                yield LedgerReader(name="county-xls", media_type="application/vnd.ms-excel",
                                   suffix=".xls", read=read_county_xls, requires=("xlrd",))

        .. versionadded:: 0.1
        """


class LifecycleSpecs:
    """Hooks that observe what happened."""

    @hookspec
    def mediation_event_recorded(self, event: RecordedEvent, state: AggregateState) -> None:
        """Called once per event after its transaction committed, for integrations;
        ``state`` is the event's aggregate after the command.

        Observer (broadcast, returns nothing). Each implementation is called on its own: an
        exception is logged (numbers masked) and counted against its plugin
        (``Plugins.observer_failures()``, ``mediation plugins``), and never reaches the caller
        of the command, which was committed already.

        .. versionadded:: 0.1
        .. versionchanged:: 0.2 ``state`` typed as ``AggregateState``; a failure no longer
           reaches the caller.
        """


class AccessSpecs:
    """Hooks that say who is asking."""

    @hookspec(firstresult=True)
    def mediation_authenticate(self, headers: Mapping[str, str], method: str, path: str) -> Actor | None:
        """The actor a request over a network interface (the HTTP API) comes from, or ``None``
        when this implementation cannot tell. ``headers`` are the request's headers, names in
        lower case (``authorization`` …), ``method`` its HTTP method and ``path`` its path; no
        framework object. An implementation that finds the credentials invalid raises
        :class:`~mediation_core.errors.AuthenticationError` with the reason.

        Decision. Stops at first non-None result. The core's default (``trylast``) returns
        ``None``: nobody is authenticated, and the request is refused (401). The HTTP adapter
        registers its bearer-JWT verifier ``trylast`` as well, after the core's default, so a
        county's own scheme answers first, then the JWT check. The actor returned must still
        be a registered one (docs/http.md, "Authentication"), or the request is refused (403)
        before it reaches the service.

        .. versionadded:: 0.2
        """


SPEC_CLASSES = (StorageSpecs, PolicySpecs, NotificationSpecs, ReportingSpecs, LifecycleSpecs, AccessSpecs)

HOOK_KINDS: dict[str, HookKind] = {
    "mediation_store_backends": HookKind.REGISTRATION,
    "mediation_categories": HookKind.REGISTRATION,
    "mediation_evaluation_items": HookKind.REGISTRATION,
    "mediation_notifiers": HookKind.REGISTRATION,
    "mediation_publishers": HookKind.REGISTRATION,
    "mediation_renderers": HookKind.REGISTRATION,
    "mediation_ledger_readers": HookKind.REGISTRATION,
    "mediation_referral_checks": HookKind.CONTRIBUTION,
    "mediation_command_checks": HookKind.CONTRIBUTION,
    "mediation_notices": HookKind.CONTRIBUTION,
    "mediation_deadline_notices": HookKind.CONTRIBUTION,
    "mediation_event_recorded": HookKind.OBSERVER,
    "mediation_policy": HookKind.DECISION,
    "mediation_calendar": HookKind.DECISION,
    "mediation_authenticate": HookKind.DECISION,
}
"""Every hook's kind: how the core calls it (the docs and the facade follow this table)."""
