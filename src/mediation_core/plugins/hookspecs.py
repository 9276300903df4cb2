# mypy: disable-error-code="empty-body"
"""Hook specifications: the only door between the core and the outside.

Three kinds only (docs/architecture.md, "Plugins"): *registration* hooks yield named records (broadcast; a
duplicate name is an error), *observer* hooks return nothing (broadcast), *decision* hooks
stop at the first non-None result and have the core's default registered ``trylast``.
Hooks are always called with keyword arguments; an implementation may accept a subset.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mediation_core.plugins._markers import hookspec

if TYPE_CHECKING:
    from mediation_core.domain.kernel.context import DecisionContext
    from mediation_core.domain.kernel.rulebook import Violation
    from mediation_core.domain.referral.commands import AcceptReferral
    from mediation_core.domain.referral.state import ReferralState
    from mediation_core.domain.reporting.evaluation import EvaluationItem
    from mediation_core.domain.values.calendar import WorkingDayCalendar
    from mediation_core.domain.values.categories import Category
    from mediation_core.domain.values.deadlines import DueItem
    from mediation_core.domain.values.notices import Notice
    from mediation_core.domain.values.policy import Policy
    from mediation_core.plugins.types import LedgerReader, Notifier, Renderer, StoreBackend
    from mediation_core.records import RecordedEvent


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

    @hookspec
    def mediation_referral_checks(
        self, referral: ReferralState, acceptance: AcceptReferral, context: DecisionContext
    ) -> Iterable[Violation]:
        """Return extra local violations for ``referral`` about to be accepted by ``acceptance``.

        Broadcast: every plugin's violations are reported together with the legal checks'
        (all at once, and nothing is written); a plugin can add violations, never remove the
        legal ones. Name your own rule, the field and its local basis in each violation.

        Example::

            @hookimpl
            def mediation_referral_checks(referral, acceptance, context):
                if referral.category == "land_requisition":
                    yield Violation(rule="county_land_to_centre", field="category",
                                    basis="某县矛盾纠纷分流办法 第5条",
                                    message_zh="征地拆迁纠纷由协调中心分流",
                                    message_en="land requisition disputes go to the coordination centre")

        .. versionadded:: 0.1
        .. versionchanged:: 0.1 typed: a ``ReferralState`` and its ``AcceptReferral``.
        """


class NotificationSpecs:
    """Hooks that turn recorded facts into notices."""

    @hookspec
    def mediation_notices(self, event: RecordedEvent, state: object) -> Iterable[Notice]:
        """Return notices caused by ``event``; ``state`` is its aggregate after the command
        (a :class:`~mediation_core.domain.case.state.CaseState` for ``case.*`` events).

        Broadcast: all notices are written to the outbox in the same transaction as the
        event; each notice's ``key`` must be unique and deterministic.

        .. versionadded:: 0.1
        """

    @hookspec
    def mediation_deadline_notices(self, item: DueItem, state: object) -> Iterable[Notice]:
        """Return notices for a deadline the sweep found due soon, due today or overdue;
        ``state`` is the aggregate the deadline belongs to (a ``CaseState`` for a case).

        Broadcast: the notices are added to the outbox unless their key is already there,
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
    def mediation_event_recorded(self, event: RecordedEvent, state: object) -> None:
        """Called once per event after its transaction committed, for integrations;
        ``state`` is the event's aggregate after the command.

        Observer (broadcast, returns nothing). An exception propagates to the caller of
        the command, but the event stays committed.

        .. versionadded:: 0.1
        """


SPEC_CLASSES = (StorageSpecs, PolicySpecs, NotificationSpecs, ReportingSpecs, LifecycleSpecs)
