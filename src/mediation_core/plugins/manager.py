"""Building the plugin manager, and the typed facade the rest of the core calls.

No module-level manager and nothing loaded at import: :func:`make_plugin_manager` is a
plain function. Entry points load one by one; a broken optional plugin is reported and
skipped (or raised in strict mode), and ``check_pending()`` always runs.
"""

from __future__ import annotations

import importlib.metadata
import os
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, cast

import pluggy
from attrs import frozen

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.referral.commands import AcceptReferral
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.evaluation import EvaluationItem, item_table
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.categories import Category, category_table
from mediation_core.domain.values.deadlines import DueItem
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.policy import Policy
from mediation_core.plugins import defaults
from mediation_core.plugins._markers import ENTRY_POINT_GROUP, PROJECT
from mediation_core.plugins.hookspecs import SPEC_CLASSES
from mediation_core.plugins.types import LedgerReader, Notifier, Renderer, StoreBackend
from mediation_core.records import RecordedEvent


class PluginError(Exception):
    """A plugin failed to load, clashed with another, or is missing where required."""


@frozen(kw_only=True)
class PluginStatus:
    """What happened to one entry point: loaded, blocked, or failed (and why)."""

    name: str
    distribution: str
    state: str
    error: str = ""


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def make_plugin_manager(
    *, autoload: bool = True, plugins: Iterable[object] = (), strict: bool = False
) -> pluggy.PluginManager:
    """A fresh manager with the core's defaults, the installed plugins and ``plugins``.

    Environment: ``MEDIATION_DISABLE_PLUGIN_AUTOLOAD=1`` skips entry points,
    ``MEDIATION_DISABLE_PLUGINS=a,b`` blocks plugins by name, and
    ``MEDIATION_STRICT_PLUGINS=1`` turns load failures into errors.
    """
    return _build(autoload=autoload, plugins=plugins, strict=strict)[0]


def load_plugins(*, autoload: bool = True, plugins: Iterable[object] = (), strict: bool = False) -> Plugins:
    """Like :func:`make_plugin_manager`, wrapped in the facade that remembers load statuses."""
    pm, statuses = _build(autoload=autoload, plugins=plugins, strict=strict)
    return Plugins(pm, tuple(statuses))


def _build(
    *, autoload: bool, plugins: Iterable[object], strict: bool
) -> tuple[pluggy.PluginManager, list[PluginStatus]]:
    pm = pluggy.PluginManager(PROJECT)
    for specs in SPEC_CLASSES:
        pm.add_hookspecs(specs)
    pm.register(defaults, name="mediation_core.defaults")
    for name in filter(None, (n.strip() for n in os.environ.get("MEDIATION_DISABLE_PLUGINS", "").split(","))):
        pm.set_blocked(name)
    statuses: list[PluginStatus] = []
    if autoload and not _truthy("MEDIATION_DISABLE_PLUGIN_AUTOLOAD"):
        statuses = _load_entry_points(pm, strict=strict or _truthy("MEDIATION_STRICT_PLUGINS"))
    for plugin in plugins:
        pm.register(plugin)
    pm.check_pending()
    return pm, statuses


def _load_entry_points(pm: pluggy.PluginManager, *, strict: bool) -> list[PluginStatus]:
    statuses: list[PluginStatus] = []
    providers: dict[str, str] = {}
    for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = ep.dist.name if ep.dist else "<unknown>"
        if ep.name in providers and providers[ep.name] != dist:
            msg = f"plugin name {ep.name!r} is claimed by {providers[ep.name]} and {dist}"
            raise PluginError(msg)
        if ep.name in providers:
            continue
        providers[ep.name] = dist
        if pm.is_blocked(ep.name):
            statuses.append(PluginStatus(name=ep.name, distribution=dist, state="blocked"))
            continue
        try:
            pm.register(ep.load(), name=ep.name)
        except Exception as exc:
            if pm.get_plugin(ep.name) is not None:
                pm.unregister(name=ep.name)
            if strict:
                msg = f"plugin {ep.name!r} from {dist} failed to load: {exc!r}"
                raise PluginError(msg) from exc
            warnings.warn(f"skipping plugin {ep.name!r} from {dist}: {exc!r}", stacklevel=3)
            statuses.append(PluginStatus(name=ep.name, distribution=dist, state="failed", error=repr(exc)))
            continue
        statuses.append(PluginStatus(name=ep.name, distribution=dist, state="loaded"))
    return statuses


def _unique(records: Iterable[Iterable[Any]], what: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for batch in records:
        for record in batch or ():
            if record.name in found:
                msg = f"two plugins provide {what} {record.name!r}"
                raise PluginError(msg)
            found[record.name] = record
    return dict(sorted(found.items()))


REGISTRATION_HOOKS: dict[str, str] = {
    "mediation_store_backends": "store backends",
    "mediation_notifiers": "notifiers",
    "mediation_renderers": "renderers",
    "mediation_ledger_readers": "ledger readers",
    "mediation_categories": "categories",
    "mediation_evaluation_items": "evaluation items",
}
"""The registration hooks, and what their records are called in a listing."""


@frozen(kw_only=True)
class PluginInfo:
    """One registered plugin: its name, the hooks it implements, and the named records each of
    its registration hooks yields (``{"renderers": ("ledger-xlsx", …)}``)."""

    name: str
    hooks: tuple[str, ...]
    records: Mapping[str, tuple[str, ...]]


@frozen
class Plugins:
    """Typed facade: the core calls these methods, never ``pm.hook.*`` directly.
    ``statuses`` says how each entry point fared when the manager was built."""

    pm: pluggy.PluginManager
    statuses: tuple[PluginStatus, ...] = ()

    @classmethod
    def default(cls) -> Plugins:
        """Only the core's built-in defaults, with no entry points loaded."""
        return cls(make_plugin_manager(autoload=False))

    def inventory(self) -> list[PluginInfo]:
        """Every registered plugin (the core's defaults included) with its hooks and records,
        for listings such as ``mediation plugins``."""
        found = []
        for plugin in self.pm.get_plugins():
            name = self.pm.get_name(plugin) or repr(plugin)
            callers = self.pm.get_hookcallers(plugin) or []
            records: dict[str, tuple[str, ...]] = {}
            for caller in callers:
                label = REGISTRATION_HOOKS.get(caller.name)
                if label is None:
                    continue
                for impl in caller.get_hookimpls():
                    if impl.plugin is plugin:
                        yielded = cast("Iterable[Any]", impl.function() or ())
                        records[label] = tuple(str(getattr(r, "name", None) or getattr(r, "code", "")) for r in yielded)
            found.append(PluginInfo(name=name, hooks=tuple(sorted(c.name for c in callers)), records=records))
        return sorted(found, key=lambda i: i.name)

    def store_backends(self) -> Mapping[str, StoreBackend]:
        return _unique(self.pm.hook.mediation_store_backends(), "store backend")

    def renderers(self) -> Mapping[str, Renderer]:
        return _unique(self.pm.hook.mediation_renderers(), "renderer")

    def ledger_readers(self) -> Mapping[str, LedgerReader]:
        return _unique(self.pm.hook.mediation_ledger_readers(), "ledger reader")

    def notifiers(self) -> Mapping[str, Notifier]:
        return _unique(self.pm.hook.mediation_notifiers(), "notifier")

    def policy(self, region: str, default: Policy | None = None) -> Policy:
        result: Policy = self.pm.hook.mediation_policy(default=default or Policy(), region=region)
        return result

    def calendar(self, region: str) -> WorkingDayCalendar:
        result: WorkingDayCalendar = self.pm.hook.mediation_calendar(region=region)
        return result

    def categories(self) -> Mapping[str, Category]:
        extra = [c for batch in self.pm.hook.mediation_categories() for c in batch or ()]
        return category_table(extra)

    def evaluation_items(self) -> Mapping[str, EvaluationItem]:
        """The built-in evaluation items and every plugin's, by code; a clash is an error."""
        extra = [i for batch in self.pm.hook.mediation_evaluation_items() for i in batch or ()]
        try:
            return item_table(extra)
        except ValueError as exc:
            raise PluginError(str(exc)) from exc

    def referral_checks(
        self, referral: ReferralState, acceptance: AcceptReferral, context: DecisionContext
    ) -> list[Violation]:
        found = self.pm.hook.mediation_referral_checks(referral=referral, acceptance=acceptance, context=context)
        return [v for batch in found for v in batch or ()]

    def notices(self, event: RecordedEvent, state: object) -> list[Notice]:
        return [n for batch in self.pm.hook.mediation_notices(event=event, state=state) for n in batch or ()]

    def deadline_notices(self, item: DueItem, state: object) -> list[Notice]:
        return [n for batch in self.pm.hook.mediation_deadline_notices(item=item, state=state) for n in batch or ()]

    def event_recorded(self, event: RecordedEvent, state: object) -> None:
        self.pm.hook.mediation_event_recorded(event=event, state=state)
