"""``mediation plugins``: what is installed, what each plugin offers, what this deployment uses,
and which plugins failed to load and why."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from mediation_core.cli.output import table, to_json
from mediation_core.cli.session import Session


class _Optional(Protocol):
    @property
    def requires(self) -> tuple[str, ...]: ...

    @property
    def extra(self) -> str: ...


def register(add: Callable[..., Any]) -> None:
    add("plugins", "installed plugins, their hooks and records, which are in use, which failed and why", run_plugins)


def unavailable(records: Mapping[str, _Optional]) -> dict[str, str]:
    """Records whose optional library is not installed, with what to install."""
    out = {}
    for name, record in records.items():
        missing = [m for m in record.requires if importlib.util.find_spec(m) is None]
        if missing:
            hint = f' (pip install "mediation-core[{record.extra}]")' if record.extra else ""
            out[name] = f"needs {', '.join(missing)}{hint}"
    return out


def run_plugins(session: Session) -> int:
    args = session.args
    config = session.config
    plugins = session.plugins
    statuses = {s.name: s for s in plugins.statuses}
    missing_renderers = unavailable(plugins.renderers())
    missing_notifiers = unavailable(plugins.notifiers())
    configured = {n.backend: n.name for n in config.notifiers}
    entries: list[dict[str, Any]] = []
    for info in plugins.inventory():
        status = statuses.get(info.name)
        entries.append(
            {
                "name": info.name,
                "distribution": status.distribution if status else "mediation-core",
                "state": status.state if status else "built in",
                "error": "",
                "hooks": list(info.hooks),
                "records": {k: list(v) for k, v in info.records.items()},
            }
        )
    entries += [
        {"name": s.name, "distribution": s.distribution, "state": s.state, "error": s.error, "hooks": [], "records": {}}
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
    if not store_offered:
        out.write(f"\nthe configured store {config.store!r} is not offered by any plugin\n")
    return 0
