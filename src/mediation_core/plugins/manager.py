"""Building the plugin manager, and the typed facade the rest of the core calls.

No module-level manager and nothing loaded at import: :func:`make_plugin_manager` is a
plain function. Entry points load one by one and each is validated as it registers (a misspelt
hook name included), so a broken optional plugin is reported and skipped (or raised in strict
mode) without taking the others down; ``check_pending()`` still runs at the end.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import os
import threading
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs
import pluggy
from attrs import field, frozen

from mediation_core.app.logs import logger
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.referral.commands import AcceptReferral
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.evaluation import EvaluationItem, item_table
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.categories import Category, category_table
from mediation_core.domain.values.deadlines import DueItem
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.privacy import mask_text
from mediation_core.plugins import defaults
from mediation_core.plugins._markers import ENTRY_POINT_GROUP, PROJECT
from mediation_core.plugins.hookspecs import HOOK_KINDS, SPEC_CLASSES, HookKind
from mediation_core.plugins.inputs import AggregateState, CheckInputs, CommandInputs
from mediation_core.plugins.types import LedgerReader, Notifier, Publisher, Renderer, StoreBackend
from mediation_core.records import RecordedEvent


class PluginError(Exception):
    """A plugin failed to load, clashed with another, or is missing where required."""


LOG = logger("mediation_core.plugins")


@frozen(kw_only=True)
class PluginStatus:
    """What happened to one entry point: loaded, blocked, or failed (and why). ``notes`` are
    the deprecation warnings its hooks raised when it registered (hidden by Python's default
    warning filters, so listed here for ``mediation plugins``)."""

    name: str
    distribution: str
    state: str
    error: str = ""
    notes: tuple[str, ...] = ()


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


def load_plugins(
    *, autoload: bool = True, plugins: Iterable[object] = (), strict: bool = False, blocked: Iterable[str] = ()
) -> Plugins:
    """Like :func:`make_plugin_manager`, wrapped in the facade that remembers load statuses.
    ``blocked`` names entry points left out, like ``MEDIATION_DISABLE_PLUGINS`` (a county's
    plugin selection in a deployment of many counties)."""
    pm, statuses = _build(autoload=autoload, plugins=plugins, strict=strict, blocked=blocked)
    return Plugins(pm, tuple(statuses))


def _build(
    *, autoload: bool, plugins: Iterable[object], strict: bool, blocked: Iterable[str] = ()
) -> tuple[pluggy.PluginManager, list[PluginStatus]]:
    pm = pluggy.PluginManager(PROJECT)
    for specs in SPEC_CLASSES:
        pm.add_hookspecs(specs)
    pm.register(defaults, name="mediation_core.defaults")
    disabled = os.environ.get("MEDIATION_DISABLE_PLUGINS", "").split(",")
    for name in filter(None, (n.strip() for n in (*disabled, *blocked))):
        pm.set_blocked(name)
    statuses: list[PluginStatus] = []
    if autoload and not _truthy("MEDIATION_DISABLE_PLUGIN_AUTOLOAD"):
        statuses = _load_entry_points(pm, strict=strict or _truthy("MEDIATION_STRICT_PLUGINS"))
    for plugin in plugins:
        pm.register(plugin)
        _validate(pm, plugin)
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
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            failure = _register(pm, ep)
        for w in caught:  # raised again outside, where the caller's warning filters apply
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if failure is not None:
            if pm.get_plugin(ep.name) is not None:
                pm.unregister(name=ep.name)
            reason = _reason(failure)
            if strict:
                msg = f"plugin {ep.name!r} from {dist} failed to load: {reason}"
                raise PluginError(msg) from failure
            warnings.warn(f"skipping plugin {ep.name!r} from {dist}: {reason}", stacklevel=3)
            statuses.append(PluginStatus(name=ep.name, distribution=dist, state="failed", error=reason))
            continue
        notes = tuple(" ".join(str(w.message).split()) for w in caught if issubclass(w.category, DeprecationWarning))
        statuses.append(PluginStatus(name=ep.name, distribution=dist, state="loaded", notes=notes))
    return statuses


def _register(pm: pluggy.PluginManager, ep: importlib.metadata.EntryPoint) -> Exception | None:
    """Import, register and validate one entry point; what stopped it, if anything."""
    try:
        plugin = ep.load()
        pm.register(plugin, name=ep.name)
        _validate(pm, plugin)
    except Exception as exc:  # noqa: BLE001 - whatever a plugin raises on loading is its own failure
        return exc
    return None


def _reason(exc: BaseException) -> str:
    """One line saying why a plugin failed to load."""
    text = str(exc) if isinstance(exc, pluggy.PluginValidationError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def _validate(pm: pluggy.PluginManager, plugin: object) -> None:
    """Check one registered plugin's hooks now, not at the end of loading.

    pluggy checks an implementation's arguments when it registers but leaves a hook name
    without a spec pending until ``check_pending()``, which would then fail every plugin at
    once for one plugin's typo. An observer hook also takes no wrappers: each observer is
    called on its own (:meth:`Plugins.event_recorded`)."""
    for caller in pm.get_hookcallers(plugin) or ():
        mine = [impl for impl in caller.get_hookimpls() if impl.plugin is plugin]
        if not caller.has_spec() and any(not impl.optionalhook for impl in mine):
            near = difflib.get_close_matches(caller.name, HOOK_KINDS, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            msg = f"unknown hook {caller.name!r}{hint}"
            raise pluggy.PluginValidationError(plugin, msg)
        if caller.name in ONE_BY_ONE and any(i.wrapper or i.hookwrapper for i in mine):
            what = "observer hook" if HOOK_KINDS.get(caller.name) is HookKind.OBSERVER else "hook"
            msg = f"{what} {caller.name!r} takes no wrapper (plugin {pm.get_name(plugin)!r})"
            raise pluggy.PluginValidationError(plugin, msg)


ONE_BY_ONE = frozenset({"mediation_event_recorded", "mediation_command_checks"})
"""The hooks whose implementations the facade calls one at a time, so that a failure is
charged to its plugin (an observer's is logged, a check's is a ``PluginError``): they take
no wrappers."""


def _check_violations(plugin: str, found: object, rulebook: frozenset[str]) -> list[Violation]:
    """A county check's answer, held to the hook's contract: violations, each naming a field
    and a namespaced rule of the county's own."""
    if found is None:
        return []
    if not isinstance(found, Iterable) or isinstance(found, (str, bytes, Violation)):
        msg = f"plugin {plugin!r}: mediation_command_checks must return violations, not {type(found).__name__}"
        raise PluginError(msg)
    checked = []
    for v in found:
        if not isinstance(v, Violation):
            msg = f"plugin {plugin!r}: mediation_command_checks returned a {type(v).__name__}, not a Violation"
            raise PluginError(msg)
        namespace, dot, name = v.rule.partition(".")
        if not (namespace and dot and name) or v.rule in rulebook:
            msg = (
                f"plugin {plugin!r}: violation rule {v.rule!r} must be the county's own, "
                "namespaced as '<county>.<rule>' (not a rule of the rulebook)"
            )
            raise PluginError(msg)
        if not v.field.strip():
            msg = f"plugin {plugin!r}: violation {v.rule!r} names no field"
            raise PluginError(msg)
        checked.append(v)
    return checked


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
    "mediation_publishers": "publishers",
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


@frozen(kw_only=True)
class ObserverFailure:
    """How often one plugin's observer failed in this process, and the last failure: the
    event it was called for and the error, numbers masked."""

    plugin: str
    count: int
    last_event: str
    last_error: str


class _FailureCounts:
    """Observer failures per plugin; the service may call observers from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_plugin: dict[str, ObserverFailure] = {}

    def add(self, plugin: str, event: RecordedEvent, exc: Exception) -> None:
        where = f"{event.event_type} {event.stream_id} v{event.version}"
        error = mask_text(" ".join(f"{type(exc).__name__}: {exc}".split()))
        with self._lock:
            count = self._by_plugin[plugin].count if plugin in self._by_plugin else 0
            self._by_plugin[plugin] = ObserverFailure(
                plugin=plugin, count=count + 1, last_event=where, last_error=error
            )

    def snapshot(self) -> dict[str, ObserverFailure]:
        with self._lock:
            return dict(sorted(self._by_plugin.items()))


@frozen
class Plugins:
    """Typed facade: the core calls these methods, never ``pm.hook.*`` directly.
    ``statuses`` says how each entry point fared when the manager was built;
    :meth:`observer_failures` how often each plugin's observer has failed since."""

    pm: pluggy.PluginManager
    statuses: tuple[PluginStatus, ...] = ()
    _failures: _FailureCounts = field(factory=_FailureCounts, init=False, eq=False, repr=False)

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

    def publishers(self) -> Mapping[str, Publisher]:
        return _unique(self.pm.hook.mediation_publishers(), "publisher")

    def policy(self, region: str, default: Policy | None = None) -> Policy:
        result: Policy = self.pm.hook.mediation_policy(default=default or Policy(), region=region)
        return result

    def calendar(self, region: str) -> WorkingDayCalendar:
        result: WorkingDayCalendar = self.pm.hook.mediation_calendar(region=region)
        return result

    def authenticate(self, headers: Mapping[str, str], method: str, path: str) -> Actor | None:
        """The actor a network request comes from (``mediation_authenticate``), or ``None``."""
        result: Actor | None = self.pm.hook.mediation_authenticate(
            headers={k.lower(): v for k, v in headers.items()}, method=method, path=path
        )
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
        """Every plugin's violations for an acceptance. They receive :class:`CheckInputs` built
        from the context's public fields; an implementation still asking for the deprecated
        ``context`` gets the common decision context, which holds no secret."""
        hook = self.pm.hook.mediation_referral_checks
        implementations = hook.get_hookimpls()
        if not implementations:
            return []
        inputs = CheckInputs(
            now=context.now,
            policy=context.policy,
            calendar=context.calendar,
            registry=context.registry,
            categories=context.categories,
        )
        legacy = DecisionContext(**{f.name: getattr(context, f.name) for f in attrs.fields(DecisionContext)})
        found = hook(referral=referral, acceptance=acceptance, inputs=inputs, context=legacy)
        return [v for batch in found for v in batch or ()]

    def command_checks(
        self,
        command: object,
        state: AggregateState | None,
        *,
        aggregate: str,
        actor: Actor,
        context: DecisionContext,
        rulebook: frozenset[str] = frozenset(),
    ) -> list[Violation]:
        """Every plugin's violations for ``command`` on ``state``, each plugin called on its own:
        one that raises, or answers with something other than violations naming a field and a
        namespaced rule outside ``rulebook``, is a :class:`PluginError` naming it."""
        implementations = self.pm.hook.mediation_command_checks.get_hookimpls()
        if not implementations:
            return []
        inputs = CommandInputs(
            now=context.now,
            policy=context.policy,
            calendar=context.calendar,
            registry=context.registry,
            categories=context.categories,
            aggregate=aggregate,
            role=actor.role,
            org_id=actor.scope_id,
        )
        arguments = {"command": command, "state": state, "inputs": inputs}
        found: list[Violation] = []
        for impl in reversed(implementations):
            try:
                answer = impl.function(*(arguments[name] for name in impl.argnames))
                found.extend(_check_violations(impl.plugin_name, answer, rulebook))
            except PluginError:
                raise
            except Exception as exc:
                msg = (
                    f"plugin {impl.plugin_name!r} failed in mediation_command_checks on "
                    f"{type(command).__name__}: {type(exc).__name__}: {mask_text(str(exc))}"
                )
                raise PluginError(" ".join(msg.split())) from exc
        return found

    def notices(self, event: RecordedEvent, state: AggregateState) -> list[Notice]:
        return [n for batch in self.pm.hook.mediation_notices(event=event, state=state) for n in batch or ()]

    def deadline_notices(self, item: DueItem, state: AggregateState | None) -> list[Notice]:
        """Every plugin's reminders for a due deadline; none for a stream that has no state."""
        if state is None:
            return []
        return [n for batch in self.pm.hook.mediation_deadline_notices(item=item, state=state) for n in batch or ()]

    def event_recorded(self, event: RecordedEvent, state: AggregateState) -> None:
        """Call every observer on its own, in pluggy's order. The event is committed already:
        a failing observer is logged and counted against its plugin, never raised, and the
        observers after it still run."""
        arguments = {"event": event, "state": state}
        for impl in reversed(self.pm.hook.mediation_event_recorded.get_hookimpls()):
            try:
                impl.function(*(arguments[name] for name in impl.argnames))
            except Exception as exc:
                self._failures.add(impl.plugin_name, event, exc)
                LOG.error(
                    "observer of plugin %r failed on %s %s v%d; the event stays committed: %s: %s",
                    impl.plugin_name,
                    event.event_type,
                    event.stream_id,
                    event.version,
                    type(exc).__name__,
                    exc,
                    exc_info=exc,
                )

    def observer_failures(self) -> Mapping[str, ObserverFailure]:
        """How often each plugin's ``mediation_event_recorded`` failed in this process, by
        plugin name (plugins that never failed are absent)."""
        return self._failures.snapshot()
