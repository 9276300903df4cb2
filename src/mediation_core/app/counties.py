"""Many counties on one PostgreSQL database: the deployment file, a service per county, and the
statistics of the city or province above them (docs/counties.md, ADR 0015).

Each county is a complete store in a PostgreSQL schema of its own: its registry, policy
region, plugin selection, identity key, seal keys, case-number series and records live there
and nowhere else, so a county's service cannot reach another county's rows: its connections'
``search_path`` names its schema only. This module only holds the configuration and opens
services through the configured store backend; it issues no SQL.

The province (or city) is not a county: its actors are listed in the deployment file, not in
any county's registry, and they read statistics only: each county's statistics cells, summed
in the county's database, added up here. No ledger row and no personal data leaves a county.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from mediation_core.app.bootstrap import Config, ConfigurationError, open_service, seal_key_config, sections
from mediation_core.app.coordination import rooms_in
from mediation_core.app.reports import screening_rounds
from mediation_core.app.service import MediationService, utc_now
from mediation_core.calendars import NATIONAL
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.kernel.input import text_problems
from mediation_core.domain.reporting import rollups
from mediation_core.domain.reporting.province import (
    CountyFigures,
    ProvinceReport,
    county_report,
    days_histogram,
    province_report,
)
from mediation_core.domain.reporting.statistics import screening_figures
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period
from mediation_core.plugins.manager import Plugins, load_plugins

COUNTY_STORE = "postgresql"
"""Counties share a database as schemas of one PostgreSQL server."""

COUNTY_ID = re.compile(r"[a-z][a-z0-9_-]{0,39}")
"""A county's id in the deployment file: lower-case letters, digits, ``_`` and ``-``."""

SCHEMA_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
"""A county's PostgreSQL schema: a plain identifier (never quoted, never ``pg_…``)."""

READERS = 8
"""Counties read at once: their statements overlap on the server."""

PROVINCE_READERS = frozenset({Role.COORDINATION_CENTRE, Role.ADMINISTRATOR})
"""The roles a province or city actor may hold: they read statistics, nothing else."""

ENV_PREFIX = "env:"


def check_county_id(county_id: str) -> str:
    """``county_id`` if well formed, else a :class:`ConfigurationError` naming the rule."""
    if not COUNTY_ID.fullmatch(county_id):
        msg = f"county id {county_id!r}: must be 1 to 40 lower-case letters, digits, '_' or '-', starting with a letter"
        raise ConfigurationError(msg)
    return county_id


def check_schema(schema: str) -> str:
    """``schema`` if it is a plain PostgreSQL schema name a county may have, else a
    :class:`ConfigurationError` naming the rule."""
    if not SCHEMA_NAME.fullmatch(schema) or schema.startswith("pg_") or schema in {"public", "information_schema"}:
        msg = (
            f"county schema {schema!r}: must be 1 to 63 lower-case letters, digits or '_', starting with a letter, "
            "and not public, information_schema or pg_…"
        )
        raise ConfigurationError(msg)
    return schema


def _check_name(where: str, name: str) -> str:
    problems = text_problems(name, where)
    if not name.strip() or problems:
        msg = f"{where}: needs a name (Chinese, as officials read it) within the input rules" + (
            f": {'; '.join(problems)}" if problems else ""
        )
        raise ConfigurationError(msg)
    return name


def _check_env_name(where: str, name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        msg = f"{where}: {name!r} is not an environment variable name"
        raise ConfigurationError(msg)
    return name


@frozen(kw_only=True)
class County:
    """One county of the deployment: its schema, the organisation its own reports are made for
    (``scope``, the district in its registry), its policy region, the plugins it leaves out,
    and where its secrets are: the environment variable holding its identity key and the
    seal-key file (``MEDIATION_SEAL_KEYS_FILE``'s format) of its seal keys."""

    county_id: str = field(converter=check_county_id)
    name: str
    schema: str = field(converter=check_schema)
    scope: str
    region: str = NATIONAL
    identity_key_env: str
    seal_keys_file: str = ""
    disabled_plugins: tuple[str, ...] = ()


@frozen(kw_only=True)
class ProvinceActor:
    """A city or province official who reads the counties' statistics."""

    actor_id: str
    name: str
    role: Role


@frozen(kw_only=True)
class Deployment:
    """The counties sharing one database, and the province (or city) above them."""

    url: str = field(repr=False)
    province_id: str
    province_name: str
    counties: tuple[County, ...]
    actors: tuple[ProvinceActor, ...] = ()

    def county(self, county_id: str) -> County:
        """The county named ``county_id`` (a :class:`ConfigurationError` when there is none)."""
        for county in self.counties:
            if county.county_id == county_id:
                return county
        known = ", ".join(c.county_id for c in self.counties) or "none"
        msg = f"county {county_id!r} is not in the deployment (counties: {known})"
        raise ConfigurationError(msg)

    def actor(self, actor: Actor) -> ProvinceActor | None:
        """The province actor ``actor`` is, when the deployment lists it."""
        for known in self.actors:
            if known.actor_id == actor.actor_id and known.role is actor.role and actor.scope_id == self.province_id:
                return known
        return None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Deployment:
        """The deployment file named by ``MEDIATION_DEPLOYMENT_FILE``."""
        env = os.environ if environ is None else environ
        path = env.get("MEDIATION_DEPLOYMENT_FILE", "")
        if not path:
            msg = "MEDIATION_DEPLOYMENT_FILE is not set: it names the deployment file listing the counties"
            raise ConfigurationError(msg)
        return deployment_config(Path(path).read_text(encoding="utf-8"), env)


def deployment_config(text: str, environ: Mapping[str, str] | None = None) -> Deployment:
    """Parse a deployment file (TOML)::

        [database]
        url = "env:MEDIATION_DB_URL"        # the PostgreSQL database, without a search_path

        [province]
        id = "leshan"
        name = "乐山市"
        [[province.actor]]
        id = "city-centre"
        name = "市矛盾纠纷多元化解协调中心"
        role = "coordination_centre"        # or "administrator"

        [[county]]
        id = "shizhong"
        name = "市中区"
        schema = "county_shizhong"
        scope = "district"                  # the county's own organisation in its registry
        region = "national"                 # optional: the policy region
        identity_key = "env:SHIZHONG_IDENTITY_KEY"
        seal_keys_file = "/etc/mediation/shizhong-seal-keys.toml"   # optional
        disable_plugins = ["county-sms"]    # optional

    Raises :class:`ConfigurationError` naming what is wrong. Secrets are never in the file:
    the identity key is named by its environment variable and read when a county is opened
    for writes."""
    env = os.environ if environ is None else environ
    data = sections("deployment file", text, {"database", "province", "county"})
    url = _setting("deployment file [database] url", _table(data, "database").get("url"), env)
    if not url.startswith(("postgresql", "postgres:")):
        msg = "deployment file [database] url: counties share a PostgreSQL database (postgresql+psycopg://…)"
        raise ConfigurationError(msg)
    if "options=" in url.partition("?")[2]:
        msg = "deployment file [database] url: must not set options; each county's search_path is set on it"
        raise ConfigurationError(msg)
    province = _table(data, "province")
    _only("deployment file [province]", province, {"id", "name", "actor"})
    province_id = str(province.get("id", ""))
    if not COUNTY_ID.fullmatch(province_id):
        msg = f"deployment file [province] id {province_id!r}: lower-case letters, digits, '_' or '-'"
        raise ConfigurationError(msg)
    actors = tuple(_actor(n, item) for n, item in enumerate(province.get("actor", []), 1))
    counties = tuple(_county(n, item) for n, item in enumerate(data.get("county", []), 1))
    for attribute in ("county_id", "schema"):
        values = [getattr(c, attribute) for c in counties]
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            msg = f"deployment file: county {attribute.replace('_', ' ')} used twice: {', '.join(repeated)}"
            raise ConfigurationError(msg)
    return Deployment(
        url=url,
        province_id=province_id,
        province_name=_check_name("deployment file [province] name", str(province.get("name", ""))),
        counties=counties,
        actors=actors,
    )


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        msg = f"deployment file: [{name}] must be a table"
        raise ConfigurationError(msg)
    return table


def _only(where: str, item: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(item) - allowed
    if unknown:
        msg = f"{where}: unknown key(s) {', '.join(sorted(unknown))}"
        raise ConfigurationError(msg)


def _setting(where: str, value: object, env: Mapping[str, str]) -> str:
    if not isinstance(value, str) or not value:
        msg = f"{where}: required"
        raise ConfigurationError(msg)
    if value.startswith(ENV_PREFIX):
        name = _check_env_name(where, value.removeprefix(ENV_PREFIX))
        if not env.get(name):
            msg = f"{where}: reads the environment variable {name}, which is not set"
            raise ConfigurationError(msg)
        return env[name]
    return value


def _actor(n: int, item: object) -> ProvinceActor:
    where = f"deployment file [[province.actor]] #{n}"
    if not isinstance(item, dict):
        msg = f"{where}: must be a table"
        raise ConfigurationError(msg)
    _only(where, item, {"id", "name", "role"})
    actor_id = str(item.get("id", ""))
    if text_problems({"actor_id": actor_id}) or not re.fullmatch(r"[\w.:@-]{1,64}", actor_id):
        msg = f"{where}: id {actor_id!r} must be 1 to 64 letters, digits, '.', ':', '@' or '-'"
        raise ConfigurationError(msg)
    roles = {r.value: r for r in PROVINCE_READERS}
    role = roles.get(str(item.get("role", "")))
    if role is None:
        msg = f"{where}: role must be one of {', '.join(sorted(roles))}"
        raise ConfigurationError(msg)
    return ProvinceActor(actor_id=actor_id, name=_check_name(f"{where} name", str(item.get("name", ""))), role=role)


def _county(n: int, item: object) -> County:
    where = f"deployment file [[county]] #{n}"
    if not isinstance(item, dict):
        msg = f"{where}: must be a table"
        raise ConfigurationError(msg)
    _only(where, item, {"id", "name", "schema", "scope", "region", "identity_key", "seal_keys_file", "disable_plugins"})
    key = str(item.get("identity_key", ""))
    if not key.startswith(ENV_PREFIX):
        msg = f'{where}: identity_key must name an environment variable ("env:NAME"); the key is never in the file'
        raise ConfigurationError(msg)
    scope = str(item.get("scope", ""))
    if not re.fullmatch(r"[\w.:@-]{1,64}", scope):
        msg = f"{where}: scope {scope!r} must be the id of the county's own organisation in its registry"
        raise ConfigurationError(msg)
    disabled = item.get("disable_plugins", [])
    if not isinstance(disabled, list) or not all(isinstance(p, str) for p in disabled):
        msg = f"{where}: disable_plugins must be a list of plugin names"
        raise ConfigurationError(msg)
    return County(
        county_id=str(item.get("id", "")),
        name=_check_name(f"{where} name", str(item.get("name", ""))),
        schema=str(item.get("schema", "")),
        scope=scope,
        region=str(item.get("region", NATIONAL)),
        identity_key_env=_check_env_name(where, key.removeprefix(ENV_PREFIX)),
        seal_keys_file=str(item.get("seal_keys_file", "")),
        disabled_plugins=tuple(disabled),
    )


def county_url(url: str, schema: str) -> str:
    """The database URL whose connections use ``schema`` alone (``search_path``)."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{check_schema(schema)}"


def county_config(
    deployment: Deployment, county_id: str, *, environ: Mapping[str, str] | None = None, writes: bool = True
) -> Config:
    """The :class:`Config` of one county: its schema's URL, region, plugin selection, identity
    key (read from its environment variable; required only to write) and seal keys."""
    env = os.environ if environ is None else environ
    county = deployment.county(county_id)
    key = env.get(county.identity_key_env, "")
    if writes and not key:
        msg = (
            f"county {county_id}: its identity key is read from the environment variable "
            f"{county.identity_key_env}, which is not set"
        )
        raise ConfigurationError(msg)
    config = Config(
        store=COUNTY_STORE,
        url=county_url(deployment.url, county.schema),
        region=county.region,
        identity_key=key,
        disabled_plugins=county.disabled_plugins,
    )
    if not county.seal_keys_file:
        return config
    try:
        text = Path(county.seal_keys_file).read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"county {county_id}: its seal-key file {county.seal_keys_file} cannot be read ({exc.strerror})"
        raise ConfigurationError(msg) from exc
    seal_keys, anchor_keys = seal_key_config(text, env)
    return attrs.evolve(config, seal_keys=seal_keys, anchor_keys=anchor_keys)


def open_county(
    deployment: Deployment,
    county_id: str,
    *,
    plugins: Plugins | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    writes: bool = True,
    environ: Mapping[str, str] | None = None,
) -> MediationService:
    """The service of one county: every command and query of it reads and writes that county's
    schema only."""
    config = county_config(deployment, county_id, environ=environ, writes=writes)
    return open_service(config, plugins=plugins, clock=clock, writes=writes)


def _release(store: object) -> None:
    """Let go of a county store's idle connections after reading it (a store with a pool has
    ``release``): a hundred counties' pools kept open would pass PostgreSQL's connection limit."""
    release = getattr(store, "release", None)
    if callable(release):
        release()


class ProvinceStatistics:
    """The statistics of the province (or city) above a deployment's counties, for the
    province actors the deployment lists. It opens each county read-only, once, and reads only
    its registry (once, when opened: :meth:`refresh` reads them again), its statistics cells
    (summed over its rooms and the months in the county's database) and its screening rounds'
    counts: never a ledger row, never personal data. The counties are read a few at a time
    (:data:`READERS`), each county's connections let go of after its reads, so the province
    holds at most :data:`READERS` connections whatever the number of counties. Close it (or use
    it as a context manager) when done."""

    def __init__(
        self,
        deployment: Deployment,
        *,
        plugins: Plugins | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.deployment = deployment
        self._services: dict[str, MediationService] = {}
        self._registries: dict[str, Registry] = {}
        loaded: dict[tuple[str, ...], Plugins] = {}
        try:
            for county in deployment.counties:
                selection = county.disabled_plugins
                if plugins is None and selection not in loaded:
                    loaded[selection] = load_plugins(blocked=selection)
                service = open_county(
                    deployment,
                    county.county_id,
                    plugins=plugins or loaded[selection],
                    writes=False,
                    environ=environ,
                )
                self._services[county.county_id] = service
                self._registries[county.county_id] = service.store.registry()
                _release(service.store)  # opened one after another: none keeps a connection
        except BaseException:
            self.close()
            raise

    def report(self, period: Period, actor: Actor) -> ProvinceReport:
        """The province's report for ``period`` (whole calendar months: statistics cells answer
        only those) with each county's report beside it (its figures, categories, sources,
        months and median; the county's own report also has township and room lines)."""
        if self.deployment.actor(actor) is None:
            msg = (
                f"{actor} 不是本省（市）部署登记的省（市）级人员，无权查看全省（市）统计 / "
                f"is not a province actor of this deployment and may not read the province's statistics"
            )
            raise AuthorisationError(msg, actor=actor, action="province_statistics", target=self.deployment.province_id)
        if not rollups.answers(period):
            msg = f"period {period.label}: the province report is made from statistics cells, so it covers whole months"
            raise ValueError(msg)
        with ThreadPoolExecutor(max_workers=min(READERS, len(self.deployment.counties) or 1)) as pool:
            counties = list(pool.map(lambda county: self._county(county, period), self.deployment.counties))
        categories: dict[str, Category] = {}
        for service in self._services.values():
            categories.update(service.categories)
        return province_report(self.deployment.province_id, self.deployment.province_name, period, counties, categories)

    def _county(self, county: County, period: Period) -> CountyFigures:
        """One county's part: two reads of its schema (summed cells, screening rounds)."""
        service = self._services[county.county_id]
        registry = self._registries[county.county_id]
        rooms = rooms_in(registry, county.scope)
        summed = list(service.store.rollup_totals(rooms, rollups.months(period), per_room=False))
        report = county_report(summed, period, county.scope, registry, service.categories)
        screening = screening_figures(screening_rounds(service.store), period, county.scope, registry)
        _release(service.store)
        return CountyFigures(
            county_id=county.county_id,
            name=county.name,
            report=attrs.evolve(report, screening=screening),
            days=days_histogram(summed),
        )

    def refresh(self) -> None:
        """Read every county's registry again (a county added a room or renamed an office)."""
        for county_id, service in self._services.items():
            self._registries[county_id] = service.store.registry()
            _release(service.store)

    def close(self) -> None:
        for service in self._services.values():
            service.store.close()
        self._services.clear()

    def __enter__(self) -> ProvinceStatistics:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
