"""mediation_core: 公调对接, the linkage between police stations and people's-mediation rooms.

The public API. Importing it has no side effects: no plugin is loaded, nothing is read.
"""

from mediation_core.app.bootstrap import Config, ConfigurationError, open_service, open_store
from mediation_core.app.service import CaseFile, MediationService
from mediation_core.domain.actors import Actor, Role
from mediation_core.domain.case import TRANSITIONS, CaseState, CaseStatus, evolve, replay
from mediation_core.domain.decide import decide, execute
from mediation_core.domain.errors import (
    AuthorisationError,
    CalendarRangeError,
    CaseNotFoundError,
    ConcurrencyConflictError,
    DomainError,
    InvalidTransitionError,
    RuleViolationError,
    StoreError,
)
from mediation_core.domain.policy import Policy
from mediation_core.domain.rulebook import RULEBOOK, Violation

__all__ = [
    "RULEBOOK",
    "TRANSITIONS",
    "Actor",
    "AuthorisationError",
    "CalendarRangeError",
    "CaseFile",
    "CaseNotFoundError",
    "CaseState",
    "CaseStatus",
    "ConcurrencyConflictError",
    "Config",
    "ConfigurationError",
    "DomainError",
    "InvalidTransitionError",
    "MediationService",
    "Policy",
    "Role",
    "RuleViolationError",
    "StoreError",
    "Violation",
    "decide",
    "evolve",
    "execute",
    "open_service",
    "open_store",
    "replay",
]
