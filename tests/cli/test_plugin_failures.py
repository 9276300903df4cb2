"""A broken county plugin installed on the machine, through the real ``mediation`` program: it is
listed and skipped, and every command goes on; it stops the program (exit 6) only in strict mode or
when the configuration selects what it would have offered. An observer that fails never fails the
command that was recorded.

The plugins are real distributions (a ``*.dist-info`` with an entry point) on the ``PYTHONPATH`` of
the console script, as a county's package would be installed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from builders import ADMIN, D0, MEDIATOR, intake, two_people
from mediation_core.app.service import MediationService
from mediation_core.cli import ExitCode
from mediation_core.cli.app import build_parser
from mediation_core.cli.session import Session
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case.commands import AcceptCase
from mediation_core.plugins import (
    ENTRY_POINT_GROUP,
    Plugins,
    PluginStatus,
    RecordedEvent,
    hookimpl,
    make_plugin_manager,
)
from mediation_core.serialization import unstructure
from mediation_memory import MemoryStore

MEDIATION = Path(sys.executable).with_name("mediation")

MISSPELT = """
    from mediation_core.plugins import hookimpl

    @hookimpl
    def mediation_notifier():  # the hook is mediation_notifiers
        return []
"""

FAILING_OBSERVER = """
    from mediation_core.plugins import hookimpl

    @hookimpl
    def mediation_event_recorded(event):
        raise RuntimeError(f"exchange down: could not send {event.stream_id} for 13800138000")
"""


def install(site: Path, dist: str, name: str, module: str, source: str) -> None:
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {module}\n")
    (site / f"{module}.py").write_text(textwrap.dedent(source))


def mediation(site: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, with ``site`` on its path and no configuration but ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    clean["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [str(MEDIATION), *argv], env={**clean, **env}, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site directory holding a county package whose hook name is misspelt."""
    path = tmp_path / "site"
    path.mkdir()
    install(path, "county-misspelt", "county", "county_misspelt", MISSPELT)
    return path


def test_every_command_goes_on_and_the_listing_says_why_the_plugin_was_skipped(site: Path) -> None:
    verified = mediation(site, "--store", "memory", "verify")
    assert verified.returncode == ExitCode.OK, verified.stderr
    assert "skipping plugin 'county' from county-misspelt" in verified.stderr
    listed = mediation(site, "--store", "memory", "--json", "plugins")
    assert listed.returncode == ExitCode.OK, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["county"]["state"] == "failed"
    assert plugins["county"]["error"] == ("unknown hook 'mediation_notifier' (did you mean 'mediation_notifiers'?)")
    assert plugins["sqlalchemy"]["state"] == "loaded"
    text = mediation(site, "--store", "memory", "plugins").stdout
    assert "failed: unknown hook 'mediation_notifier'" in text


def test_strict_mode_stops_the_program_naming_the_plugin(site: Path) -> None:
    run = mediation(site, "--store", "memory", "verify", MEDIATION_STRICT_PLUGINS="1")
    assert run.returncode == ExitCode.CONFIGURATION
    assert "plugin 'county' from county-misspelt failed to load: unknown hook 'mediation_notifier'" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_store_only_the_failed_plugin_could_offer_stops_the_program(site: Path) -> None:
    run = mediation(site, "--store", "county-db", "verify")
    assert run.returncode == ExitCode.CONFIGURATION
    assert "store backend 'county-db' is not available" in run.stderr
    assert "failed to load: county (unknown hook 'mediation_notifier'" in run.stderr


def test_a_failing_observer_never_fails_the_command_it_observes(site: Path, tmp_path: Path) -> None:
    install(site, "county-exchange", "exchange", "county_exchange", FAILING_OBSERVER)
    db = str(tmp_path / "office.sqlite3")
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(unstructure(demo_registry()), ensure_ascii=False), encoding="utf-8")
    assert mediation(site, "--db", db, "init", "--registry", str(registry)).returncode == ExitCode.OK
    parties = [{**unstructure(p), "kind": "person"} for p in two_people()]
    command = {
        "command": "ReceiveDispute",
        "case_id": "c-1",
        "room_id": "pengshanlu-room",
        "received_on": "2026-05-06",
        "source": "walk_in",
        "category": "neighbourhood",
        "summary": "邻里纠纷",
        "parties": parties,
    }
    commands = tmp_path / "receive.json"
    commands.write_text(json.dumps(command, ensure_ascii=False), encoding="utf-8")
    as_mediator = ("--as", "mediator:m-zhang@pengshanlu-room")
    recorded = mediation(
        site, "--db", db, *as_mediator, "case", "record", str(commands), MEDIATION_IDENTITY_KEY="k" * 32
    )
    assert recorded.returncode == ExitCode.OK, recorded.stderr
    assert recorded.stdout.splitlines() == ["recorded ReceiveDispute: c-1 v1 received"]
    assert "observer of plugin 'exchange' failed on case.received c-1 v1" in recorded.stderr
    assert "138****8000" in recorded.stderr
    assert "13800138000" not in recorded.stderr
    shown = mediation(site, "--db", db, "--json", "case", "show", "c-1")
    assert [r["version"] for r in json.loads(shown.stdout)["records"]] == [1]


# -- what `mediation plugins` says about a plugin that loaded ---------------------------------------------
class Exchange:
    @hookimpl
    def mediation_event_recorded(self, event: RecordedEvent) -> None:
        msg = f"exchange down: could not send {event.stream_id} for 13800138000"
        raise RuntimeError(msg)


def test_the_listing_shows_deprecations_and_failed_observers(clock: StoryClock) -> None:
    """In a process that keeps its plugins (a web application, a worker), the listing reports
    how often each plugin's observer failed and why."""
    pm = make_plugin_manager(autoload=False)
    pm.register(Exchange(), name="exchange")
    note = "mediation_referral_checks(context=...) is deprecated and goes in 0.3"
    plugins = Plugins(
        pm, (PluginStatus(name="exchange", distribution="county-exchange", state="loaded", notes=(note,)),)
    )
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    service.register(demo_registry(), ADMIN)
    received = service.handle(intake(D0), MEDIATOR)
    service.handle(AcceptCase(case_id=received.case_id, on=D0), MEDIATOR)

    def listing(*argv: str) -> str:
        args = build_parser().parse_args(["--store", "memory", *argv, "plugins"])
        args.stdout = io.StringIO()
        session = Session(args)
        session._plugins = plugins
        assert args.run(session) == ExitCode.OK
        return str(args.stdout.getvalue())

    entry = {p["name"]: p for p in json.loads(listing("--json"))["plugins"]}["exchange"]
    assert entry["notes"] == [note]
    assert entry["observer_failures"] == {
        "plugin": "exchange",
        "count": 2,
        "last_event": f"case.accepted {received.case_id} v2",
        "last_error": f"RuntimeError: exchange down: could not send {received.case_id} for 138****8000",
    }
    text = listing()
    assert f"exchange: {note}" in text
    assert "exchange: observer failed 2 time(s), the commands stood; last on case.accepted" in text
