"""Public plugin API: everything a county plugin needs, importable from here.

The ``hookimpl`` marker; what hooks receive (:class:`CheckInputs`, :class:`CommandInputs`, :data:`AggregateState`, the
referral, the acceptance, the deadline, the policy and calendar, the recorded event); what they
return (violations, notices, categories, evaluation items and the named records of the
registration hooks); and the manager with its typed facade.
"""

from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.referral.commands import AcceptReferral
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.evaluation import Dimension, EvaluationItem, capped
from mediation_core.domain.reporting.statistics import StatisticsReport
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.deadlines import DueItem, Urgency
from mediation_core.domain.values.notices import Notice, NoticeKind, Recipient
from mediation_core.domain.values.policy import Policy
from mediation_core.exports.ledger import RawTable
from mediation_core.plugins._markers import ENTRY_POINT_GROUP, PROJECT, hookimpl
from mediation_core.plugins.hookspecs import HOOK_KINDS, HookKind
from mediation_core.plugins.inputs import AggregateState, CheckInputs, CommandInputs
from mediation_core.plugins.manager import (
    ObserverFailure,
    PluginError,
    Plugins,
    PluginStatus,
    load_plugins,
    make_plugin_manager,
)
from mediation_core.plugins.types import (
    Deliver,
    Delivery,
    DeliveryError,
    EventMessage,
    EventSink,
    LedgerReader,
    Notifier,
    Publisher,
    PublishError,
    Renderer,
    StoreBackend,
)
from mediation_core.records import RecordedEvent

__all__ = [
    "ENTRY_POINT_GROUP",
    "HOOK_KINDS",
    "PROJECT",
    "AcceptReferral",
    "Actor",
    "AggregateState",
    "Category",
    "CheckInputs",
    "CommandInputs",
    "Deliver",
    "Delivery",
    "DeliveryError",
    "Dimension",
    "DueItem",
    "EvaluationItem",
    "EventMessage",
    "EventSink",
    "HookKind",
    "LedgerReader",
    "Notice",
    "NoticeKind",
    "Notifier",
    "ObserverFailure",
    "PluginError",
    "PluginStatus",
    "Plugins",
    "Policy",
    "PublishError",
    "Publisher",
    "RawTable",
    "Recipient",
    "RecordedEvent",
    "ReferralState",
    "Renderer",
    "Role",
    "StatisticsReport",
    "StoreBackend",
    "Urgency",
    "Violation",
    "WorkingDayCalendar",
    "capped",
    "hookimpl",
    "load_plugins",
    "make_plugin_manager",
]
