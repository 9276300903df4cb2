"""``mediation county add | list | report`` and ``mediation db upgrade --all-counties`` on a
real PostgreSQL database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from builders import run_cli
from mediation_core.app.counties import county_url
from mediation_sqlalchemy import migrate

pytestmark = pytest.mark.postgres

HEADER = """[database]
url = "{url}"

[province]
id = "leshan"
name = "乐山市"
[[province.actor]]
id = "city-centre"
name = "市矛盾纠纷多元化解协调中心"
role = "coordination_centre"
"""


@pytest.fixture
def schemas(postgres_server: str) -> Iterator[list[str]]:
    """Two unused schema names, dropped afterwards whatever the test made of them."""
    names = [f"county_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    yield names
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    admin.dispose()


def add(file: Path, county_id: str, name: str, schema: str, *extra: str) -> tuple[int, str, str]:
    return run_cli(
        "county",
        "add",
        county_id,
        "--name",
        name,
        "--schema",
        schema,
        "--scope",
        "district",
        "--identity-key-env",
        f"{county_id.upper()}_KEY",
        "--deployment",
        str(file),
        *extra,
    )


def test_counties_are_added_listed_upgraded_and_reported(
    tmp_path: Path, postgres_server: str, schemas: list[str]
) -> None:
    file = tmp_path / "deployment.toml"
    file.write_text(HEADER.format(url=postgres_server), encoding="utf-8")
    code, out, err = add(file, "shizhong", "市中区", schemas[0])
    assert (code, err) == (0, "")
    assert f"schema {schemas[0]} at revision {migrate.head_revision()}" in out
    assert add(file, "wutong", "五通桥区", schemas[1], "--disable-plugin", "notify")[0] == 0
    assert 'disable_plugins = ["notify"]' in file.read_text(encoding="utf-8")

    code, out, _ = run_cli("county", "list", "--deployment", str(file), "--json")
    listed = json.loads(out)["counties"]
    assert [(c["county"], c["name"], c["revision"]) for c in listed] == [
        ("shizhong", "市中区", migrate.head_revision()),
        ("wutong", "五通桥区", migrate.head_revision()),
    ]

    # one county left behind at an older revision: the list says so, the upgrade brings it up
    older = migrate.revisions()[-2]
    migrate.downgrade(county_url(postgres_server, schemas[1]), older)
    code, out, _ = run_cli("county", "list", "--deployment", str(file))
    assert code == 0
    assert "五通桥区" in out
    assert "待升级" in out
    code, out, err = run_cli("db", "upgrade", "--all-counties", "--deployment", str(file))
    assert (code, err) == (0, "")
    assert "shizhong (市中区, schema" in out
    assert "already up to date" in out
    assert f"{older} → {migrate.head_revision()}" in out
    assert "2 of 2 counties at the newest revision" in out

    code, out, err = run_cli(
        "county",
        "report",
        "--period",
        "2026",
        "--deployment",
        str(file),
        "--as",
        "coordination_centre:city-centre@leshan",
    )
    assert (code, err) == (0, "")
    assert "乐山市" in out
    assert "市中区" in out
    assert "五通桥区" in out
    code, _, err = run_cli("county", "report", "--period", "2026", "--deployment", str(file))
    assert code == 4  # the operator is not a province actor of the deployment
    code, _, err = run_cli(
        "county", "report", "--period", "2026-05-06..2026-06-30", "--deployment", str(file),
        "--as", "coordination_centre:city-centre@leshan",
    )  # fmt: skip
    assert code == 2
    assert "whole months" in err


def test_a_county_that_breaks_a_rule_is_not_added(tmp_path: Path, postgres_server: str, schemas: list[str]) -> None:
    file = tmp_path / "deployment.toml"
    header = HEADER.format(url=postgres_server)
    file.write_text(header, encoding="utf-8")
    code, _, err = add(file, "shizhong", "市中区", 'x"; drop schema public; --')
    assert code == 6
    assert "county schema" in err
    code, _, err = add(file, "Shi Zhong", "市中区", schemas[0])
    assert code == 6
    assert "county id 'Shi Zhong'" in err
    assert file.read_text(encoding="utf-8") == header  # nothing was written
    assert add(file, "shizhong", "市中区", schemas[0])[0] == 0
    code, _, err = add(file, "shizhong", "市中区", schemas[1])
    assert code == 2
    assert "already in" in err
    code, _, err = add(file, "other", "另一区", schemas[0])
    assert code == 6
    assert "used twice" in err
    code, _, err = run_cli("db", "current", "--all-counties", "--deployment", str(file))
    assert code == 2
