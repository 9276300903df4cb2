"""mediation_core: 公调对接, the linkage between police stations and people's-mediation rooms.

The public API: the service and its configuration, the errors, and the values most callers
need; every command is in :mod:`mediation_core.commands`, every value a command or state holds in
:mod:`mediation_core.values`, every error in :mod:`mediation_core.errors`, and everything a county
plugin needs in :mod:`mediation_core.plugins` (docs/api.md). Importing the package loads nothing
but this file: each name is imported on first use (PEP 562), so ``import mediation_core.domain``
stays pure and ``import mediation_core`` stays cheap. No plugin is loaded and nothing is read at
import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mediation_core import _moved

_moved.install()

_EXPORTS: dict[str, str] = {
    "Config": "mediation_core.app.bootstrap",
    "ConfigurationError": "mediation_core.app.bootstrap",
    "open_service": "mediation_core.app.bootstrap",
    "open_store": "mediation_core.app.bootstrap",
    "Deployment": "mediation_core.app.counties",
    "ProvinceStatistics": "mediation_core.app.counties",
    "deployment_config": "mediation_core.app.counties",
    "open_county": "mediation_core.app.counties",
    "CaseFile": "mediation_core.app.service",
    "MediationService": "mediation_core.app.service",
    "Actor": "mediation_core.domain.values.actors",
    "Role": "mediation_core.domain.values.actors",
    "TRANSITIONS": "mediation_core.domain.case.state",
    "CaseState": "mediation_core.domain.case.state",
    "CaseStatus": "mediation_core.domain.case.state",
    "evolve": "mediation_core.domain.case.state",
    "replay": "mediation_core.domain.case.state",
    "decide": "mediation_core.domain.case.decide",
    "execute": "mediation_core.domain.case.decide",
    "AuthorisationError": "mediation_core.domain.errors",
    "CalendarRangeError": "mediation_core.domain.errors",
    "CaseNotFoundError": "mediation_core.domain.errors",
    "ConcurrencyConflictError": "mediation_core.domain.errors",
    "DomainError": "mediation_core.domain.errors",
    "InvalidTransitionError": "mediation_core.domain.errors",
    "OperationalError": "mediation_core.domain.errors",
    "RuleViolationError": "mediation_core.domain.errors",
    "StoreBusyError": "mediation_core.domain.errors",
    "StoreError": "mediation_core.domain.errors",
    "StoreFullError": "mediation_core.domain.errors",
    "StoreUnavailableError": "mediation_core.domain.errors",
    "Policy": "mediation_core.domain.values.policy",
    "RULEBOOK": "mediation_core.domain.aggregates",
    "Violation": "mediation_core.domain.kernel.rulebook",
    "CommandFormatError": "mediation_core.domain.errors",
    "IntegrityError": "mediation_core.domain.errors",
    "NotFoundError": "mediation_core.domain.errors",
    "PluginError": "mediation_core.plugins.manager",
    "LedgerImportError": "mediation_core.exports.ledger",
    "NotifierConfig": "mediation_core.app.delivery",
    "open_channels": "mediation_core.app.delivery",
    "DocumentForm": "mediation_core.exports.forms",
    "Period": "mediation_core.domain.values.periods",
}

__all__ = [  # noqa: RUF022 - kept in the order of _EXPORTS
    "Config",
    "ConfigurationError",
    "open_service",
    "open_store",
    "Deployment",
    "ProvinceStatistics",
    "deployment_config",
    "open_county",
    "CaseFile",
    "MediationService",
    "Actor",
    "Role",
    "TRANSITIONS",
    "CaseState",
    "CaseStatus",
    "evolve",
    "replay",
    "decide",
    "execute",
    "AuthorisationError",
    "CalendarRangeError",
    "CaseNotFoundError",
    "ConcurrencyConflictError",
    "DomainError",
    "InvalidTransitionError",
    "OperationalError",
    "RuleViolationError",
    "StoreBusyError",
    "StoreError",
    "StoreFullError",
    "StoreUnavailableError",
    "Policy",
    "RULEBOOK",
    "Violation",
    "CommandFormatError",
    "IntegrityError",
    "NotFoundError",
    "PluginError",
    "LedgerImportError",
    "NotifierConfig",
    "open_channels",
    "DocumentForm",
    "Period",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'mediation_core' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # re-exported names for type checkers; resolved lazily at runtime
    from mediation_core.app.bootstrap import Config, ConfigurationError, open_service, open_store
    from mediation_core.app.counties import Deployment, ProvinceStatistics, deployment_config, open_county
    from mediation_core.app.delivery import NotifierConfig, open_channels
    from mediation_core.app.service import CaseFile, MediationService
    from mediation_core.domain.aggregates import RULEBOOK
    from mediation_core.domain.case.decide import decide, execute
    from mediation_core.domain.case.state import TRANSITIONS, CaseState, CaseStatus, evolve, replay
    from mediation_core.domain.errors import (
        AuthorisationError,
        CalendarRangeError,
        CaseNotFoundError,
        CommandFormatError,
        ConcurrencyConflictError,
        DomainError,
        IntegrityError,
        InvalidTransitionError,
        NotFoundError,
        OperationalError,
        RuleViolationError,
        StoreBusyError,
        StoreError,
        StoreFullError,
        StoreUnavailableError,
    )
    from mediation_core.domain.kernel.rulebook import Violation
    from mediation_core.domain.values.actors import Actor, Role
    from mediation_core.domain.values.periods import Period
    from mediation_core.domain.values.policy import Policy
    from mediation_core.exports.forms import DocumentForm
    from mediation_core.exports.ledger import LedgerImportError
    from mediation_core.plugins.manager import PluginError
