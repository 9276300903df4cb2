"""Two counties on one PostgreSQL database for the isolation and province tests: the demo
district as county A, and the same district renamed (ids, names, parties) as county B, so any
of B's text that reaches a reader of A is found by its markers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa

from mediation_core.app.counties import Deployment, county_url, deployment_config, open_county
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.organisations import Registry
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy.plugin import upgrade_postgresql

KEYS = {
    "COUNTY_A_IDENTITY_KEY": "a" * 40,
    "COUNTY_B_IDENTITY_KEY": "b" * 40,
    "COUNTY_A_SEAL_KEY": "seal-a" * 8,
    "COUNTY_B_SEAL_KEY": "seal-b" * 8,
    "COUNTY_A_ANCHOR_KEY": "anchor-a" * 6,
}
SEAL_KEYS = {
    "a": """current = "a-2026"
[[key]]
id = "a-2026"
algorithm = "hmac-sha256"
secret = "env:COUNTY_A_SEAL_KEY"
[anchor]
current = "a-anchor"
[[anchor.key]]
id = "a-anchor"
algorithm = "hmac-sha256"
secret = "env:COUNTY_A_ANCHOR_KEY"
""",
    "b": """current = "b-2026"
[[key]]
id = "b-2026"
algorithm = "hmac-sha256"
secret = "env:COUNTY_B_SEAL_KEY"
""",
}
PROVINCE = "leshan"
CITY_CENTRE = Actor(actor_id="city-centre", role=Role.COORDINATION_CENTRE, scope_id=PROVINCE, name="市协调中心")

B_PREFIX = "south-"
B_NAMES = {"王建国": "赵南星", "李海": "钱北辰", "市中区": "南溪区", "柏杨": "罗城", "彭山路": "南岸"}
"""County B's names in place of the demo district's: none of them occurs in county A."""

B_MARKERS = ("south-", "赵南星", "钱北辰", "南溪区", "罗城", "南岸")


def in_b(value: Any, ids: frozenset[str]) -> Any:
    """``value`` (a command, a registry, any attrs value) as county B has it: every id of
    ``ids`` prefixed, every name of :data:`B_NAMES` replaced."""
    if isinstance(value, str):
        if value in ids:
            return B_PREFIX + value
        for old, new in B_NAMES.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, tuple):
        return tuple(in_b(v, ids) for v in value)
    if isinstance(value, list):
        return [in_b(v, ids) for v in value]
    if isinstance(value, dict):
        return {in_b(k, ids): in_b(v, ids) for k, v in value.items()}
    if attrs.has(type(value)):
        changes = {f.alias: in_b(getattr(value, f.name), ids) for f in attrs.fields(type(value)) if f.init}
        return attrs.evolve(value, **changes)
    return value


REGISTRY_A = demo_registry()
IDS = frozenset({*REGISTRY_A.organisations, *REGISTRY_A.mediators, *REGISTRY_A.liaisons, "admin"})
REGISTRY_B: Registry = in_b(REGISTRY_A, IDS)
ADMIN_A = sc.ADMIN
ADMIN_B: Actor = in_b(sc.ADMIN, IDS)
MEDIATOR_A = sc.MEDIATOR
MEDIATOR_B: Actor = in_b(sc.MEDIATOR, IDS)


def deployment_text(url: str, schemas: tuple[str, str], seal_files: tuple[Path, Path]) -> str:
    return f"""
[database]
url = "{url}"

[province]
id = "{PROVINCE}"
name = "乐山市"
[[province.actor]]
id = "city-centre"
name = "市矛盾纠纷多元化解协调中心"
role = "coordination_centre"

[[county]]
id = "county-a"
name = "市中区"
schema = "{schemas[0]}"
scope = "district"
identity_key = "env:COUNTY_A_IDENTITY_KEY"
seal_keys_file = "{seal_files[0]}"

[[county]]
id = "county-b"
name = "南溪区"
schema = "{schemas[1]}"
scope = "south-district"
identity_key = "env:COUNTY_B_IDENTITY_KEY"
seal_keys_file = "{seal_files[1]}"
disable_plugins = ["notify"]
"""


def two_counties(server: str, folder: Path) -> Iterator[Deployment]:
    """A deployment of two counties, each with its own seal keys, each schema created and
    migrated as `mediation county add` does; both schemas are dropped afterwards."""
    schemas = (f"county_a_{uuid.uuid4().hex[:12]}", f"county_b_{uuid.uuid4().hex[:12]}")
    seal_files = (folder / "a-seal-keys.toml", folder / "b-seal-keys.toml")
    for path, text in zip(seal_files, SEAL_KEYS.values(), strict=True):
        path.write_text(text, encoding="utf-8")
    deployment = deployment_config(deployment_text(server, schemas, seal_files), KEYS)
    try:
        for schema in schemas:
            upgrade_postgresql(county_url(server, schema))
        yield deployment
    finally:
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for schema in schemas:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def county(deployment: Deployment, county_id: str, clock: sc.ScriptClock) -> MediationService:
    return open_county(deployment, county_id, clock=clock, environ=KEYS)


def run_case(service: MediationService, case_id: str, serial: int, *, b: bool, start: dt.date | None = None) -> None:
    """One case lifecycle of the scenarios, as county B has it when ``b``."""
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    script = sc.lifecycle(case_id, serial=serial, start=start or dt.date(2026, 5, 6))
    actor = MEDIATOR_B if b else MEDIATOR_A
    for moment, command in script:
        clock.now = moment
        service.handle(in_b(command, IDS) if b else command, actor)
