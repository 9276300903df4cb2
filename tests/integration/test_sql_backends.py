"""The SQL store as a deployment meets it: backends by entry point, the embedded default and
its location, a configured backend that cannot load, a cheap plugin import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mediation_core.app.bootstrap import DEFAULT_STORE, Config, open_service, open_store
from mediation_core.demo.walkthrough import main as walkthrough
from mediation_core.domain.errors import StoreError
from mediation_core.plugins import PluginError, load_plugins
from mediation_sqlalchemy import default_sqlite_path, default_sqlite_url
from mediation_sqlalchemy.store import SqlStore


def test_both_backends_register_through_the_entry_point() -> None:
    plugins = load_plugins(strict=True)
    backends = plugins.store_backends()
    assert {"sqlite", "postgresql"} <= set(backends)
    assert {s.name: s.state for s in plugins.statuses}["sqlalchemy"] == "loaded"


def test_the_embedded_sqlite_file_is_the_default_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MEDIATION_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Config().store == DEFAULT_STORE == "sqlite"
    assert default_sqlite_path() == tmp_path / "xdg" / "mediation-core" / "mediation.sqlite3"
    assert not default_sqlite_path().parent.exists()  # nothing is created by asking
    service = open_service(Config(identity_key="k" * 32), plugins=load_plugins(strict=True))
    try:
        assert isinstance(service.store, SqlStore)
        assert default_sqlite_path().is_file()
    finally:
        service.store.close()


def test_without_xdg_the_default_is_under_the_home_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MEDIATION_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_sqlite_url() == f"sqlite:///{tmp_path}/.local/share/mediation-core/mediation.sqlite3"
    monkeypatch.setenv("MEDIATION_DATA_DIR", str(tmp_path / "county"))
    assert default_sqlite_path() == tmp_path / "county" / "mediation.sqlite3"


def test_a_data_folder_created_on_first_use_keeps_the_walked_case(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MEDIATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MEDIATION_STORE", raising=False)
    monkeypatch.delenv("MEDIATION_DB_URL", raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", "w" * 32)  # the walk keeps its case only under a key
    first = walkthrough()
    assert (tmp_path / "data" / "mediation.sqlite3").is_file()
    assert walkthrough() == first  # the second run shows the stored case, byte for byte
    assert walkthrough(Config(store="memory", identity_key="w" * 32)) == first


def test_a_configured_backend_that_does_not_load_is_an_error_not_a_fallback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MEDIATION_DISABLE_PLUGINS", "sqlalchemy")
    plugins = load_plugins()
    with pytest.raises(PluginError, match="store backend 'sqlite' is not available"):
        open_store(Config(url=str(tmp_path / "x.sqlite3")), plugins)


def test_the_postgresql_backend_needs_its_url() -> None:
    backends = load_plugins(strict=True).store_backends()
    with pytest.raises(StoreError, match="postgresql\\+psycopg://"):
        backends["postgresql"].open("")
    with pytest.raises(StoreError, match="sqlite:///path"):
        backends["sqlite"].open("postgresql+psycopg://postgres@127.0.0.1/test")


def test_a_bare_path_opens_a_sqlite_file(tmp_path: Path) -> None:
    store = load_plugins(strict=True).store_backends()["sqlite"].open(str(tmp_path / "a" / "b.sqlite3"))
    try:
        assert (tmp_path / "a" / "b.sqlite3").is_file()
    finally:
        store.close()


def test_discovering_the_plugin_imports_no_database_library() -> None:
    code = (
        "import sys; from mediation_core.plugins import load_plugins;"
        "b = load_plugins(strict=True).store_backends(); assert 'sqlite' in b;"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
