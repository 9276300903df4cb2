"""The HTTP API on a real uvicorn server on loopback, exercised with httpx: a case from intake
to archive, refusals, conflicts, idempotent retries (across two server processes on one
store), and authentication failures."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import attrs
import httpx
import jsonschema
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from http_support import AUDIENCE, IDENTITY_KEY, ISSUER, Keys, Tally, command, jwks_server, serve, serve_process
from openapi_spec_validator import validate

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.app.ports import recorded_streams
from mediation_core.app.service import MediationService
from mediation_core.cli.session import parse_actor
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import AuthenticationError
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.plugins import hookimpl
from mediation_core.plugins.manager import load_plugins
from mediation_core.schemas import command_names
from mediation_core.testing import scenarios as sc
from mediation_http import create_app
from mediation_sqlalchemy import open_sqlalchemy

pytestmark = pytest.mark.integration

TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """The count of requests per class and of duplicates written, on the test report."""
    yield
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + TALLY.line())


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return Keys(tmp_path_factory.mktemp("keys"))


def open_service(url: str, clock: Callable[[], dt.datetime] | None = None) -> MediationService:
    return MediationService(
        open_sqlalchemy(url),
        plugins=load_plugins(),
        identity_key=IDENTITY_KEY.encode(),
        **({"clock": clock} if clock else {}),
    )


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    service = open_service(url)
    service.register(demo_registry(), sc.ADMIN)
    service.store.close()
    return url


@pytest.fixture
def clock() -> sc.ScriptClock:
    return sc.ScriptClock()


@pytest.fixture
def api(store_url: str, keys: Keys, clock: sc.ScriptClock) -> Iterator[tuple[str, MediationService]]:
    service = open_service(store_url, clock)
    with serve(service, keys) as base:
        yield base, service
    service.store.close()


def post(base: str, body: object, headers: dict[str, str], name: str = "") -> httpx.Response:
    return TALLY.count(httpx.post(f"{base}/commands", json=body, headers=headers, timeout=30), name)


def get(base: str, path: str, headers: dict[str, str], name: str = "", **params: str) -> httpx.Response:
    return TALLY.count(httpx.get(f"{base}{path}", headers=headers, params=params, timeout=30), name)


def conforms(base: str, name: str, value: object) -> None:
    """``value`` is valid against the schema the API's OpenAPI document gives ``name``."""
    document = httpx.get(f"{base}/openapi.json", timeout=30).json()
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    jsonschema.Draft202012Validator(schema).validate(value)


def test_the_openapi_document_is_valid_and_describes_every_command(api: tuple[str, MediationService]) -> None:
    base, _ = api
    response = TALLY.count(httpx.get(f"{base}/openapi.json", timeout=30), "openapi")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    body = document["paths"]["/commands"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert sorted(body["discriminator"]["mapping"]) == sorted(command_names())
    answers = document["paths"]["/commands"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "412", "422", "503"} <= set(answers)
    for name, value in (
        ("AcceptCase", command(c.AcceptCase(case_id="c-1", on=dt.date(2026, 5, 6)))),
        ("ReceiveDispute", command(receive("c-2")[1])),
    ):
        schema = {"$ref": body["discriminator"]["mapping"][name], "components": document["components"]}
        jsonschema.Draft202012Validator(schema).validate(value)


def receive(case_id: str) -> tuple[dt.datetime, c.ReceiveDispute]:
    moment, first = sc.lifecycle(case_id)[0]
    assert isinstance(first, c.ReceiveDispute)
    return moment, first


def test_a_case_goes_from_intake_to_archive_over_http(
    api: tuple[str, MediationService], keys: Keys, clock: sc.ScriptClock
) -> None:
    base, _ = api
    auth = keys.headers("m-zhang")
    version = 0
    for moment, cmd in sc.lifecycle("case-http-1"):
        clock.now = moment
        response = post(base, command(cmd), auth, "command ok")
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["command"] == type(cmd).__name__
        assert answer["stream_id"] == "case-http-1"
        assert answer["version"] > version
        version = answer["version"]
        assert response.headers["etag"] == f'"case-http-1:{version}"'
    case = get(base, "/cases/case-http-1", auth, "read ok")
    assert case.status_code == 200
    assert case.json()["state"]["status"] == "archived"
    conforms(base, "CaseFile", case.json())
    conforms(base, "CommandAnswer", answer)
    assert case.headers["etag"] == f'"case-http-1:{version}"'
    assert len(case.json()["records"]) == version
    assert (
        get(base, "/cases/case-http-1", {**auth, "If-None-Match": case.headers["etag"]}, "read ok").status_code == 304
    )
    ledger = get(base, "/ledger", auth, "read ok")
    assert [row["case_id"] for row in ledger.json()] == ["case-http-1"]
    assert ledger.json()[0]["status"] == "archived"
    conforms(base, "LedgerRow", ledger.json()[0])
    workbook = get(base, "/ledger", auth, "read ok", format="xlsx")
    assert workbook.content[:2] == b"PK"
    document = get(base, "/cases/case-http-1/documents/agreement", auth, "read ok")
    assert document.status_code == 200
    assert document.content[:2] == b"PK"
    assert "attachment" in document.headers["content-disposition"]
    stats = get(base, "/statistics", auth, "read ok", scope="pengshanlu-room", start="2026-05-01", end="2026-05-31")
    assert stats.status_code == 200, stats.text
    assert stats.json()["scope_id"] == "pengshanlu-room"
    conforms(base, "StatisticsReport", stats.json())
    deadlines = get(base, "/deadlines", auth, "read ok")
    assert deadlines.status_code == 200
    assert all(item["stream_id"] == "case-http-1" for item in deadlines.json())


def test_each_reader_gets_the_case_file_in_their_view(
    api: tuple[str, MediationService], keys: Keys, clock: sc.ScriptClock
) -> None:
    base, _ = api
    moment, first = receive("case-http-2")
    clock.now = moment
    answer = post(base, command(first), keys.headers("m-zhang"), "command ok").json()
    full = first.parties[0].id_number
    assert answer["state"]["parties"][0]["id_number"] == full
    mine = get(base, "/cases/case-http-2", keys.headers("m-zhang"), "read ok").json()
    assert mine["state"]["parties"][0]["id_number"] == full
    justice = get(base, "/cases/case-http-2", keys.headers("j-li"), "read ok")
    assert justice.status_code == 200
    assert full[6:14] not in justice.text  # the birth date in the ID number is masked everywhere
    assert justice.json()["state"]["parties"][0]["id_number"] != full


def test_a_refused_command_is_a_problem_naming_every_rule(
    api: tuple[str, MediationService], keys: Keys, clock: sc.ScriptClock
) -> None:
    base, service = api
    moment, first = receive("case-http-3")
    clock.now = moment
    assert post(base, command(first), keys.headers(), "command ok").status_code == 200
    refused = post(
        base,
        command(c.ArchiveCase(case_id="case-http-3", on=moment.date(), archivist_id="m-zhang")),
        keys.headers(),
        "refused",
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    conforms(base, "Problem", problem)
    assert problem["status"] == 422
    assert problem["type"] == "urn:mediation:problem:refused"
    assert problem["violations"]
    assert all(v["rule"] and v["field"] and v["basis"] for v in problem["violations"])
    assert len(service.store.read("case-http-3")) == 1
    malformed = post(
        base, {"command": "AcceptCase", "case_id": "case-http-3", "on": "yesterday"}, keys.headers(), "bad request"
    )
    assert malformed.status_code == 400
    assert "on" in malformed.json()["detail"]


def test_not_allowed_and_not_found(api: tuple[str, MediationService], keys: Keys, clock: sc.ScriptClock) -> None:
    base, service = api
    moment, first = receive("case-http-4")
    clock.now = moment
    assert post(base, command(first), keys.headers(), "command ok").status_code == 200
    accept = command(c.AcceptCase(case_id="case-http-4", on=moment.date()))
    officer = post(base, accept, keys.headers("o-wang"), "not allowed")
    assert officer.status_code == 403
    assert officer.json()["type"] == "urn:mediation:problem:not-allowed"
    assert len(service.store.read("case-http-4")) == 1
    nowhere = get(base, "/no-such-endpoint", keys.headers(), "not found")
    assert nowhere.status_code == 404
    assert nowhere.headers["content-type"] == "application/problem+json"
    huge = post(
        base,
        {"command": "AcceptCase", "case_id": "x", "on": "2026-05-06", "pad": "x" * (1 << 21)},
        keys.headers(),
        "too large",
    )
    assert huge.status_code == 413
    missing = get(base, "/cases/no-such-case", keys.headers(), "not found")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    unknown = post(base, command(c.AcceptCase(case_id="no-such-case", on=moment.date())), keys.headers(), "not found")
    assert unknown.status_code == 404


def test_two_clients_with_the_same_etag_one_wins(
    api: tuple[str, MediationService], keys: Keys, clock: sc.ScriptClock
) -> None:
    base, service = api
    script = sc.lifecycle("case-http-5")
    for moment, cmd in script[:2]:
        clock.now = moment
        assert post(base, command(cmd), keys.headers(), "command ok").status_code == 200
    tag = get(base, "/cases/case-http-5", keys.headers(), "read ok").headers["etag"]
    assert tag == '"case-http-5:2"'
    clock.now = script[2][0]
    assign = command(script[2][1])
    barrier = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def client(subject: str) -> None:
        headers = keys.headers(subject, **{"If-Match": tag})
        barrier.wait()
        answers.append(post(base, assign, headers, "same If-Match"))

    threads = [threading.Thread(target=client, args=(who,)) for who in ("m-zhang", "m-liu")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200, 412]
    loser = next(r for r in answers if r.status_code == 412)
    assert loser.headers["content-type"] == "application/problem+json"
    assert len(service.store.read("case-http-5")) == 3
    stale = post(base, command(script[3][1]), keys.headers(**{"If-Match": tag}), "precondition failed")
    assert stale.status_code == 412
    other = post(base, command(script[3][1]), keys.headers(**{"If-Match": '"case-x:3"'}), "precondition failed")
    assert other.status_code == 412


def test_a_retried_write_returns_the_first_result_and_writes_once(
    api: tuple[str, MediationService], keys: Keys, clock: sc.ScriptClock
) -> None:
    base, service = api
    moment, first = receive("case-http-6")
    clock.now = moment
    headers = keys.headers(**{"Idempotency-Key": "7d3f9a52-0b44-4b8e-9d55-2a1c3e0f6b11"})
    answers: list[httpx.Response] = []
    barrier = threading.Barrier(6)

    def client() -> None:
        barrier.wait()
        answers.append(post(base, command(first), headers, "idempotent retry"))

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r.status_code for r in answers} == {200}
    assert len({r.text for r in answers}) == 1
    assert sorted(r.headers["idempotency-replayed"] for r in answers) == ["false"] + ["true"] * 5
    written = len(service.store.read("case-http-6"))
    TALLY.duplicates += written - 1
    assert written == 1
    again = post(base, command(first), headers, "idempotent retry")
    assert again.text == answers[0].text
    respaced = TALLY.count(
        httpx.post(
            f"{base}/commands",
            content=json.dumps(dict(reversed(command(first).items())), ensure_ascii=False, indent=2).encode(),
            headers={**headers, "Content-Type": "application/json"},
            timeout=30,
        ),
        "idempotent retry",
    )
    assert respaced.headers["idempotency-replayed"] == "true"
    assert respaced.text == answers[0].text
    changed = command(first) | {"summary": "另一个纠纷"}
    reused = post(base, changed, headers, "refused")
    assert reused.status_code == 422
    assert reused.json()["type"] == "urn:mediation:problem:idempotency-key-reused"
    assert len(service.store.read("case-http-6")) == 1
    assert any(s.startswith("service-records/idempotency/") for s in service.store.stream_ids())
    assert list(recorded_streams(service.store)) == ["case-http-6"]
    assert service.verify_deep() == []


def idempotent_across_processes(url: str, keys: Keys, folder: Path) -> None:
    """Two server processes on one store, the same command under one key sent to both at once:
    one record, and both answer with it."""
    service = open_service(url)
    service.register(demo_registry(), sc.ADMIN)
    today = dt.datetime.now(CHINA_TZ).date()
    _, first = sc.lifecycle("case-http-7", start=today)[0]
    headers = keys.headers(**{"Idempotency-Key": "b3c1e0d2-4f5a-4e6b-8c7d-9e0f1a2b3c4d"})
    with serve_process(url, keys, folder) as one, serve_process(url, keys, folder) as two:
        barrier = threading.Barrier(8)
        answers: list[httpx.Response] = []

        def client(base: str) -> None:
            barrier.wait()
            answers.append(post(base, command(first), headers, "idempotent retry (two processes)"))

        threads = [threading.Thread(target=client, args=(base,)) for base in (one, two) * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers]
    assert len({r.json()["version"] for r in answers}) == 1
    assert sorted(r.headers["idempotency-replayed"] for r in answers) == ["false"] + ["true"] * 7
    written = len(service.store.read("case-http-7"))
    TALLY.duplicates += written - 1
    assert written == 1
    service.store.close()


def test_a_retry_is_idempotent_across_two_server_processes_on_one_sqlite_file(keys: Keys, tmp_path: Path) -> None:
    idempotent_across_processes(f"sqlite:///{tmp_path / 'shared.sqlite3'}", keys, tmp_path)


@pytest.mark.postgres
def test_a_retry_is_idempotent_across_two_server_processes_on_postgresql(
    keys: Keys, tmp_path: Path, postgres_schemas: Callable[[], str]
) -> None:
    idempotent_across_processes(postgres_schemas(), keys, tmp_path)


def test_requests_without_a_valid_token_never_reach_the_service(api: tuple[str, MediationService], keys: Keys) -> None:
    base, service = api

    def refused(headers: dict[str, str], status: int, name: str) -> dict[str, object]:
        response = get(base, "/ledger", headers, name)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        return dict(response.json())

    assert "Bearer" in httpx.get(f"{base}/ledger", timeout=30).headers["www-authenticate"]
    refused({}, 401, "no token")
    refused({"Authorization": "Basic bS16aGFuZzpzZWNyZXQ="}, 401, "no token")
    refused({"Authorization": f"Bearer {keys.token(stranger=True)}"}, 401, "bad signature")
    refused({"Authorization": f"Bearer {keys.token(audience='another-api')}"}, 401, "wrong audience")
    refused({"Authorization": f"Bearer {keys.token(issuer='https://elsewhere.example')}"}, 401, "wrong issuer")
    expired = refused({"Authorization": f"Bearer {keys.token(lifetime=dt.timedelta(minutes=-5))}"}, 401, "expired")
    assert "expired" in str(expired["detail"])
    unregistered = refused({"Authorization": f"Bearer {keys.token('m-nobody')}"}, 403, "unregistered")
    assert "m-nobody" in str(unregistered["detail"])
    body = command(receive("case-http-8")[1])
    assert (
        post(base, body, {"Authorization": f"Bearer {keys.token(stranger=True)}"}, "bad signature").status_code == 401
    )
    assert service.store.read("case-http-8") == []


class Gateway:
    """A county's own scheme: its gateway authenticates the user and names them in a header."""

    @hookimpl
    def mediation_authenticate(self, headers: Mapping[str, str]) -> Actor | None:
        text = headers.get("x-gateway-actor")
        if text is None:
            return None
        if text == "forged":
            raise AuthenticationError("the gateway's signature on the header does not verify")
        return parse_actor(text)


def test_a_countys_own_authentication_answers_first_and_its_actor_must_be_registered(
    api: tuple[str, MediationService], keys: Keys
) -> None:
    base, service = api
    service.plugins.pm.register(Gateway(), name="county-gateway")
    mediator = get(base, "/ledger", {"X-Gateway-Actor": "mediator:m-liu@pengshanlu-room"}, "county hook")
    assert mediator.status_code == 200
    ghost = get(base, "/ledger", {"X-Gateway-Actor": "mediator:m-ghost@pengshanlu-room"}, "unregistered")
    assert ghost.status_code == 403
    assert "m-ghost" in ghost.json()["detail"]
    wrong_room = get(base, "/ledger", {"X-Gateway-Actor": "mediator:m-liu@another-room"}, "unregistered")
    assert wrong_room.status_code == 403
    officer = get(base, "/ledger", {"X-Gateway-Actor": "police_officer:o-zhao@pengshanlu-station"}, "unregistered")
    assert officer.status_code == 403
    assert "MEDIATION_HTTP_ACTORS" in officer.json()["detail"]
    forged = get(base, "/ledger", {"X-Gateway-Actor": "forged", **keys.headers()}, "bad signature")
    assert forged.status_code == 401
    assert get(base, "/ledger", keys.headers(), "read ok").status_code == 200


def test_the_server_refuses_to_start_without_its_token_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env["MEDIATION_DB_URL"] = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "mediation_http", "--port", "0"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 6
    assert "MEDIATION_HTTP_JWKS" in done.stderr
    assert "Traceback" not in done.stderr


def test_tokens_are_checked_against_a_key_set_fetched_from_its_url(store_url: str, keys: Keys) -> None:
    service = open_service(store_url)
    with jwks_server(keys) as (url, fetched):
        settings = attrs.evolve(keys.settings(), jwks=url)
        with serve(service, keys, settings) as base:
            assert get(base, "/ledger", keys.headers(), "read ok (key set URL)").status_code == 200
            assert get(base, "/ledger", keys.headers("m-liu"), "read ok (key set URL)").status_code == 200
            stranger = {"Authorization": f"Bearer {keys.token(stranger=True)}"}
            assert get(base, "/ledger", stranger, "bad signature").status_code == 401
    assert fetched == ["/.well-known/jwks.json"]  # fetched once, then cached
    service.store.close()
    with pytest.raises(ConfigurationError, match="https"):
        create_app(open_service(store_url), attrs.evolve(keys.settings(), jwks="http://idp.example/jwks.json"))


def test_unsigned_early_and_algorithm_confused_tokens_are_refused(
    api: tuple[str, MediationService], keys: Keys
) -> None:
    base, _ = api
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": "m-zhang", "iss": ISSUER, "aud": AUDIENCE, "exp": now + dt.timedelta(minutes=5)}
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "k1"})
    public_pem = keys.signing.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    confused = hmac_token(claims, public_pem)
    early = jwt.encode(
        {**claims, "nbf": now + dt.timedelta(minutes=10)}, keys.signing, algorithm="RS256", headers={"kid": "k1"}
    )
    for token, name in ((unsigned, "unsigned"), (confused, "HS256 with the public key"), (early, "not yet valid")):
        response = get(base, "/ledger", {"Authorization": f"Bearer {token}"}, name)
        assert response.status_code == 401, (name, response.text)
        assert response.headers["content-type"] == "application/problem+json"


def hmac_token(claims: dict[str, object], secret: bytes) -> str:
    """A token signed with HMAC-SHA256 under ``secret`` (PyJWT refuses a PEM key as an HMAC
    secret, so the signature is made by hand, as an attacker would)."""
    import base64
    import hashlib
    import hmac
    import json

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    payload = part(json.dumps(claims, default=lambda v: int(v.timestamp())).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{part(signature)}"
