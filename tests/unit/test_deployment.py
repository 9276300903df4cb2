"""The deployment file of many counties: what it accepts, what it refuses (naming the field and
the rule), and the configuration each county is opened with."""

from __future__ import annotations

import pytest

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.app.counties import County, county_config, county_url, deployment_config
from mediation_core.domain.values.actors import Role
from mediation_core.plugins.manager import load_plugins

URL = "postgresql+psycopg://mediation@db.example:5432/province"
ENV = {"DB_URL": URL, "A_KEY": "a" * 40}


def text(county: str = "", database: str = 'url = "env:DB_URL"', actor: str = 'role = "coordination_centre"') -> str:
    return f"""
[database]
{database}

[province]
id = "leshan"
name = "乐山市"
[[province.actor]]
id = "city-centre"
name = "市矛盾纠纷多元化解协调中心"
{actor}

[[county]]
id = "shizhong"
name = "市中区"
schema = "county_shizhong"
scope = "district"
identity_key = "env:A_KEY"
disable_plugins = ["notify"]
{county}
"""


def test_a_deployment_lists_its_counties_and_province_actors() -> None:
    deployment = deployment_config(text(), ENV)
    assert deployment.url == URL
    assert (deployment.province_id, deployment.province_name) == ("leshan", "乐山市")
    assert deployment.counties == (
        County(
            county_id="shizhong",
            name="市中区",
            schema="county_shizhong",
            scope="district",
            identity_key_env="A_KEY",
            disabled_plugins=("notify",),
        ),
    )
    assert [(a.actor_id, a.role) for a in deployment.actors] == [("city-centre", Role.COORDINATION_CENTRE)]
    assert "mediation@db" not in repr(deployment)  # the URL may hold a password


def test_a_county_is_opened_on_its_own_schema_with_its_own_key_and_plugins() -> None:
    deployment = deployment_config(text(), ENV)
    config = county_config(deployment, "shizhong", environ=ENV)
    assert config.store == "postgresql"
    assert config.url == f"{URL}?options=-csearch_path%3Dcounty_shizhong"
    assert config.identity_key == "a" * 40
    assert config.disabled_plugins == ("notify",)
    assert county_url(f"{URL}?sslmode=require", "county_x") == f"{URL}?sslmode=require&options=-csearch_path%3Dcounty_x"
    reading = county_config(deployment, "shizhong", environ={}, writes=False)
    assert reading.identity_key == ""
    with pytest.raises(ConfigurationError, match="A_KEY, which is not set"):
        county_config(deployment, "shizhong", environ={})
    with pytest.raises(ConfigurationError, match="'nowhere' is not in the deployment"):
        county_config(deployment, "nowhere", environ=ENV)
    keyed = deployment_config(text('seal_keys_file = "/nonexistent/seal-keys.toml"'), ENV)
    with pytest.raises(ConfigurationError, match="shizhong: its seal-key file /nonexistent/seal-keys"):
        county_config(keyed, "shizhong", environ=ENV)


@pytest.mark.parametrize(
    ("changed", "error"),
    [
        ({"county": 'id = "Shi Zhong"'}, "county id 'Shi Zhong'"),
        ({"county": 'schema = "pg_catalog"'}, "county schema 'pg_catalog'"),
        ({"county": 'schema = "public"'}, "county schema 'public'"),
        ({"county": 'schema = "a\\"; drop schema b; --"'}, "county schema"),
        ({"county": 'schema = "County"'}, "county schema 'County'"),
        ({"county": 'identity_key = "' + "k" * 40 + '"'}, "identity_key must name an environment variable"),
        ({"county": 'name = "市中\\u0000区"'}, "control character"),
        ({"county": 'colour = "red"'}, "unknown key"),
        ({"database": 'url = "env:NOT_SET"'}, "NOT_SET, which is not set"),
        ({"database": 'url = "sqlite:///x.sqlite3"'}, "PostgreSQL"),
        ({"database": f'url = "{URL}?options=-csearch_path%3Dx"'}, "must not set options"),
        ({"actor": 'role = "mediator"'}, "role must be one of administrator, coordination_centre"),
    ],
)
def test_a_bad_deployment_file_is_refused_naming_the_field(changed: dict[str, str], error: str) -> None:
    body = text(**changed)
    if "county" in changed:  # the changed key replaces the county's own
        key = changed["county"].split(" = ")[0]
        lines = body.split("[[county]]")
        kept = [line for line in lines[1].splitlines() if not line.startswith(f"{key} = ")]
        body = lines[0] + "[[county]]\n" + "\n".join(kept) + "\n" + changed["county"] + "\n"
    with pytest.raises(ConfigurationError, match=error):
        deployment_config(body, ENV)


def test_a_county_id_or_schema_used_twice_is_refused() -> None:
    twice = text() + '\n[[county]]\nid = "other"\nname = "另一区"\nschema = "county_shizhong"\nscope = "d2"\n'
    twice += 'identity_key = "env:A_KEY"\n'
    with pytest.raises(ConfigurationError, match="county schema used twice: county_shizhong"):
        deployment_config(twice, ENV)


def test_a_countys_plugin_selection_leaves_plugins_out() -> None:
    assert "notify" in {s.name for s in load_plugins().statuses}
    assert "notify" not in {s.name for s in load_plugins(blocked=("notify",)).statuses if s.state == "loaded"}
