"""The core stays pure: importing all of it loads no adapter, database, network or office library."""

from __future__ import annotations

import subprocess
import sys
import textwrap

FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "psycopg2",
    "smtplib",
    "http.client",
    "urllib.request",
    "requests",
    "httpx",
    "aiohttp",
    "openpyxl",
    "docx",
    "xlsxwriter",
    "mediation_memory",
    "mediation_sqlalchemy",
    "mediation_notify",
    "mediation_reports",
)


def test_importing_every_core_module_loads_nothing_forbidden() -> None:
    script = textwrap.dedent(f"""
        import pkgutil, sys, importlib
        import mediation_core
        for info in pkgutil.walk_packages(mediation_core.__path__, "mediation_core."):
            if info.name.startswith("mediation_core.testing"):
                continue  # the test kit needs pytest and hypothesis, nothing forbidden either
            importlib.import_module(info.name)
        loaded = sorted(m for m in {FORBIDDEN!r} if m in sys.modules)
        print(",".join(loaded))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_domain_imports_only_the_standard_library_and_attrs() -> None:
    script = textwrap.dedent("""
        import pkgutil, sys, importlib
        before = set(sys.modules)
        import mediation_core.domain
        for info in pkgutil.walk_packages(mediation_core.domain.__path__, "mediation_core.domain."):
            importlib.import_module(info.name)
        third_party = sorted({m.split(".")[0] for m in set(sys.modules) - before}
                             - set(sys.stdlib_module_names) - {"mediation_core", "attr", "attrs"})
        print(",".join(third_party))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_public_api_resolves_every_name() -> None:
    import mediation_core

    for name in mediation_core.__all__:
        assert getattr(mediation_core, name) is not None
