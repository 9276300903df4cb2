"""Entry-point loading: good, broken, duplicate, misspelt and blocked plugins.

Fake distributions are written as ``*.dist-info`` folders on a temporary ``sys.path``
entry, exactly as an installed county package would appear.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pluggy
import pytest

from mediation_core.app.bootstrap import Config, open_store
from mediation_core.plugins import ENTRY_POINT_GROUP, PluginError, load_plugins, make_plugin_manager

Install = Callable[..., None]


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Install:
    """Install a fake distribution ``dist`` whose entry point ``name`` is module ``module``."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("MEDIATION_DISABLE_PLUGIN_AUTOLOAD", raising=False)

    def _install(dist: str, name: str, module: str, source: str) -> None:
        info = tmp_path / f"{dist}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {module}\n")
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))

    return _install


GOOD = """
    from mediation_core.plugins import StoreBackend, hookimpl
    from mediation_memory.store import MemoryStore

    @hookimpl
    def mediation_store_backends():
        yield StoreBackend(name="county-db", open=lambda url: MemoryStore(), description="county store")
"""


def test_a_county_plugin_is_discovered_and_its_store_opens(install: Install) -> None:
    install("county-plugin", "county", "county_plugin_good", GOOD)
    plugins = load_plugins(strict=True)
    assert {s.name: s.state for s in plugins.statuses}["county"] == "loaded"
    assert "county-db" in plugins.store_backends()
    store = open_store(Config(store="county-db"), plugins)
    assert list(store.stream_ids()) == []


def test_a_broken_plugin_is_reported_and_skipped_unless_strict(install: Install) -> None:
    install("broken-plugin", "broken", "county_plugin_broken", "raise ImportError('no gateway library')")
    with pytest.warns(UserWarning, match="skipping plugin 'broken'"):
        plugins = load_plugins()
    status = {s.name: s for s in plugins.statuses}["broken"]
    assert status.state == "failed"
    assert "no gateway library" in status.error
    with pytest.raises(PluginError, match="'broken' from broken-plugin failed to load"):
        load_plugins(strict=True)


def test_a_selected_store_that_failed_to_load_is_a_hard_error(install: Install) -> None:
    install("broken-plugin", "broken", "county_plugin_broken2", "raise ImportError('driver missing')")
    with pytest.warns(UserWarning, match="driver missing"):
        plugins = load_plugins()
    with pytest.raises(PluginError, match=r"store backend 'county-db' is not available.*driver missing"):
        open_store(Config(store="county-db"), plugins)


def test_two_distributions_claiming_one_name_are_an_error(install: Install) -> None:
    install("one-plugin", "same", "county_plugin_one", GOOD)
    install("two-plugin", "same", "county_plugin_two", GOOD)
    with pytest.raises(PluginError, match="'same' is claimed by"):
        load_plugins()


def test_two_plugins_offering_one_store_name_are_an_error(install: Install) -> None:
    install("one-plugin", "one", "county_plugin_a", GOOD)
    install("two-plugin", "two", "county_plugin_b", GOOD)
    with pytest.raises(PluginError, match="two plugins provide store backend 'county-db'"):
        load_plugins(strict=True).store_backends()


def test_a_misspelt_hook_fails_at_startup() -> None:
    class Misspelt:
        @pluggy.HookimplMarker("mediation_core")
        def mediation_store_backend(self) -> list[object]:  # missing the final "s"
            return []

    with pytest.raises(pluggy.PluginValidationError, match="unknown hook 'mediation_store_backend'"):
        make_plugin_manager(autoload=False, plugins=[Misspelt()])


def test_an_impl_asking_for_an_unknown_argument_is_rolled_back(install: Install) -> None:
    install(
        "odd-plugin",
        "odd",
        "county_plugin_odd",
        """
        from mediation_core.plugins import hookimpl

        @hookimpl
        def mediation_categories(region):
            return []
    """,
    )
    with pytest.warns(UserWarning, match="skipping plugin 'odd'"):
        pm = make_plugin_manager()
    assert pm.get_plugin("odd") is None


def test_plugins_can_be_blocked_and_autoload_switched_off(install: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    install("county-plugin", "county", "county_plugin_blocked", GOOD)
    monkeypatch.setenv("MEDIATION_DISABLE_PLUGINS", "county")
    plugins = load_plugins(strict=True)
    assert {s.name: s.state for s in plugins.statuses}["county"] == "blocked"
    assert "county-db" not in plugins.store_backends()
    monkeypatch.delenv("MEDIATION_DISABLE_PLUGINS")
    monkeypatch.setenv("MEDIATION_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert load_plugins(strict=True).statuses == ()


def test_the_memory_store_registers_through_the_entry_point_like_any_plugin() -> None:
    plugins = load_plugins(strict=True)
    assert "memory" in {s.name for s in plugins.statuses if s.state == "loaded"}
    assert plugins.store_backends()["memory"].default_url == "memory://"


MISSPELT = """
    from mediation_core.plugins import hookimpl

    @hookimpl
    def mediation_notifier():  # the hook is mediation_notifiers
        return []
"""


def test_an_installed_plugin_with_a_misspelt_hook_is_skipped_and_the_others_load(install: Install) -> None:
    install("county-plugin", "county", "county_plugin_spelt", GOOD)
    install("misspelt-plugin", "misspelt", "county_plugin_misspelt", MISSPELT)
    with pytest.warns(UserWarning, match="skipping plugin 'misspelt'"):
        plugins = load_plugins()
    status = {s.name: s for s in plugins.statuses}
    assert status["misspelt"].state == "failed"
    assert status["misspelt"].error == ("unknown hook 'mediation_notifier' (did you mean 'mediation_notifiers'?)")
    assert plugins.pm.get_plugin("misspelt") is None
    assert status["county"].state == "loaded"
    assert {"county-db", "memory", "sqlite"} <= set(plugins.store_backends())
    with pytest.raises(PluginError, match="'misspelt' from misspelt-plugin failed to load: unknown hook"):
        load_plugins(strict=True)


def test_an_installed_plugin_using_a_deprecated_argument_loads_with_a_note(install: Install) -> None:
    install(
        "old-plugin",
        "old",
        "county_plugin_old",
        """
        from mediation_core.plugins import hookimpl

        @hookimpl
        def mediation_referral_checks(referral, context):
            return []
    """,
    )
    with pytest.warns(DeprecationWarning, match="deprecated"):
        plugins = load_plugins(strict=True)
    status = {s.name: s for s in plugins.statuses}["old"]
    assert status.state == "loaded"
    assert len(status.notes) == 1
    assert status.notes[0].startswith("mediation_referral_checks(context=...) is deprecated")
    assert plugins.pm.get_plugin("old") is not None
