"""``mediation plugins``: what is installed, what each plugin offers, what this deployment uses,
which plugins failed to load and why, which use a deprecated hook argument, and whose observers
failed in this process."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs

from mediation_core.cli.output import table, to_json
from mediation_core.cli.session import Session


class _Optional(Protocol):
    @property
    def requires(self) -> tuple[str, ...]: ...

    @property
    def extra(self) -> str: ...


def register(add: Callable[..., Any]) -> None:
    add(
        "plugins",
        "installed plugins, their hooks and records, which are in use, which failed and why, deprecations "
        "and observer failures",
        run_plugins,
    )


def unavailable(records: Mapping[str, _Optional]) -> dict[str, str]:
    """Records whose optional library is not installed, with what to install."""
    out = {}
    for name, record in records.items():
        missing = [m for m in record.requires if importlib.util.find_spec(m) is None]
        if missing:
            hint = f' (pip install "mediation-core[{record.extra}]")' if record.extra else ""
            out[name] = f"needs {', '.join(missing)}{hint}"
    return out


def observer_failed(failure: Mapping[str, Any]) -> str:
    """One line on a plugin's failing observer."""
    return (
        f"observer failed {failure['count']} time(s), the commands stood; "
        f"last on {failure['last_event']}: {failure['last_error']}"
    )


def run_plugins(session: Session) -> int:
    args = session.args
    config = session.config
    plugins = session.plugins
    statuses = {s.name: s for s in plugins.statuses}
    missing_renderers = unavailable(plugins.renderers())
    missing_notifiers = unavailable(plugins.notifiers())
    configured = {n.backend: n.name for n in config.notifiers}
    failures = plugins.observer_failures()
    entries: list[dict[str, Any]] = []
    for info in plugins.inventory():
        status = statuses.get(info.name)
        failure = failures.get(info.name)
        entries.append(
            {
                "name": info.name,
                "distribution": status.distribution if status else "mediation-core",
                "state": status.state if status else "built in",
                "error": "",
                "notes": list(status.notes) if status else [],
                "observer_failures": attrs.asdict(failure) if failure else None,
                "hooks": list(info.hooks),
                "records": {k: list(v) for k, v in info.records.items()},
            }
        )
    entries += [
        {
            "name": s.name,
            "distribution": s.distribution,
            "state": s.state,
            "error": s.error,
            "notes": list(s.notes),
            "observer_failures": None,
            "hooks": [],
            "records": {},
        }
        for s in plugins.statuses
        if s.state != "loaded"
    ]
    store_offered = config.store in plugins.store_backends()
    if args.json:
        active = {
            "store": config.store,
            "store_offered": store_offered,
            "notifiers": {n.name: n.backend for n in config.notifiers},
            "unavailable": {"renderers": missing_renderers, "notifiers": missing_notifiers},
        }
        args.stdout.write(to_json({"plugins": entries, "active": active}))
        return 0

    def use(kind: str, name: str) -> str:
        if kind == "store backends":
            return "in use" if name == config.store else ""
        if kind == "notifiers":
            return missing_notifiers.get(name, f"configured as {configured[name]}" if name in configured else "")
        if kind == "renderers":
            return missing_renderers.get(name, "available")
        return "active"

    out = args.stdout
    out.write(
        table(
            ["plugin", "distribution", "state", "hooks"],
            [
                (
                    e["name"],
                    e["distribution"],
                    e["state"] + (f": {e['error']}" if e["error"] else ""),
                    ", ".join(h.removeprefix("mediation_") for h in e["hooks"]),
                )
                for e in entries
            ],
        )
    )
    rows = [
        (kind, name, e["name"], use(kind, name))
        for e in entries
        for kind, names in e["records"].items()
        for name in names
    ]
    out.write("\n" + table(["offers", "name", "from", "here"], rows))
    problems = [f"{e['name']}: {note}" for e in entries for note in e["notes"]]
    problems += [f"{e['name']}: {observer_failed(e['observer_failures'])}" for e in entries if e["observer_failures"]]
    if problems:
        out.write("\n" + "\n".join(problems) + "\n")
    if not store_offered:
        out.write(f"\nthe configured store {config.store!r} is not offered by any plugin\n")
    return 0
