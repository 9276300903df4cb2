"""The ASGI application: routes, who is asking, and the service in Starlette's thread pool.

Every route but ``/openapi.json`` authenticates first (``mediation_authenticate``, then the
registered-actor check) and only then calls the service; the service is synchronous, so its
call runs in Starlette's thread pool (``run_in_threadpool``) while the event loop serves other
requests. docs/http.md lists the routes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.app.commands import Bulk
from mediation_core.app.logs import logger
from mediation_core.app.service import MediationService
from mediation_core.domain.errors import (
    AuthenticationError,
    CommandFormatError,
    ConcurrencyConflictError,
    NotFoundError,
)
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.periods import Period
from mediation_core.exports.forms import DocumentForm
from mediation_core.serialization import load_json, unstructure
from mediation_http import commands, idempotency
from mediation_http.auth import JwtAuthenticator, registered
from mediation_http.problems import Problem, render
from mediation_http.settings import HttpSettings

log = logger("mediation_http")
"""The library's logger: resident ID and phone numbers are redacted before any handler."""

MAX_BODY = 1 << 20
"""The largest command body accepted (1 MiB): a command is a few kilobytes."""
FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}

Handler = Callable[[Request, Actor], Response]
JWT_PLUGIN = "mediation-http-jwt"
"""The name the bearer-JWT ``mediation_authenticate`` is registered under."""


class Api:
    """The routes over one service."""

    def __init__(self, service: MediationService) -> None:
        self.service = service
        self.keys = idempotency.Keys(service)
        self.actors: Mapping[str, Actor] = {}

    # -- who is asking ---------------------------------------------------------------------
    def actor(self, request: Request) -> Actor:
        """The registered actor of ``request``, or the refusal (401, 403)."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        actor = self.service.plugins.authenticate(headers=headers, method=request.method, path=request.url.path)
        if actor is None:
            msg = "no credentials: send Authorization: Bearer <token>"
            raise AuthenticationError(msg)
        return registered(actor, self.service.registry(), self.actors)

    def route(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            body = bytearray()
            if request.method == "POST":
                async for chunk in request.stream():  # read no further than the limit
                    body += chunk
                    if len(body) > MAX_BODY:
                        return render(Problem(413, "too large", f"a request body is at most {MAX_BODY} bytes"))
            request.state.body = bytes(body)
            return await run_in_threadpool(self._guarded, handler, request)

        return endpoint

    def _guarded(self, handler: Handler, request: Request) -> Response:
        try:
            return handler(request, self.actor(request))
        except Exception as exc:
            response = render(exc)
            if response.status_code == 500:
                log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
            return response

    # -- commands ---------------------------------------------------------------------------
    def post_command(self, request: Request, actor: Actor) -> Response:
        body: bytes = request.state.body
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise Problem(415, "unsupported media type", "a command is sent as application/json")
        command = commands.parse_command(load_json(body))
        _, stream_id = commands.stream_of(command)
        expected = _if_match(request.headers.get("if-match"), stream_id)
        key = request.headers.get("idempotency-key")
        replayed = False
        try:
            if key is None:
                state = self.service.handle(command, actor, expected_version=expected)
                result = commands.written(command, state)
            else:

                def work(batch: Bulk) -> tuple[commands.Written, Any]:
                    done = batch.handle(command, actor, expected_version=expected)
                    return commands.written(command, done), done

                digest = idempotency.request_digest(command, request.headers.get("if-match"))
                result, fresh = self.keys.run(actor, idempotency.check_key(key), digest, work)
                replayed = fresh is None
                if fresh is None:
                    state = commands.state_at(self.service, result.aggregate, result.stream_id, result.version)
                else:
                    state = fresh
                    if commands.rewrites(command):
                        self.service.compact()
        except ConcurrencyConflictError as exc:
            if expected is not None:
                raise Problem(412, "precondition failed", f"{exc}; read it again and decide anew") from None
            raise
        answer = commands.answer(self.service, result, state, actor)
        out = {"ETag": result.etag}
        if key is not None:
            out["Idempotency-Replayed"] = "true" if replayed else "false"
        return JSONResponse(answer, status_code=200, headers=out)

    # -- reads --------------------------------------------------------------------------------
    def get_case(self, request: Request, actor: Actor) -> Response:
        case = self.service.case_file(request.path_params["case_id"], actor)
        tag = commands.etag(case.state.case_id, case.state.version)
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(unstructure(case), headers={"ETag": tag})

    def get_record(self, request: Request, actor: Actor) -> Response:
        aggregate = request.path_params["aggregate"]
        stream_id = request.path_params["stream_id"]
        try:
            state = self.service.load(aggregate, stream_id, actor)
        except ValueError as exc:
            raise NotFoundError(str(exc)) from None
        return JSONResponse(
            {"aggregate": aggregate, "state": unstructure(state)},
            headers={"ETag": commands.etag(stream_id, state.version)},
        )

    def get_referral(self, request: Request, actor: Actor) -> Response:
        referral_id = request.path_params["referral_id"]
        state = self.service.referral(referral_id, actor)
        return JSONResponse(
            {"aggregate": "referral", "state": unstructure(state)},
            headers={"ETag": commands.etag(referral_id, state.version)},
        )

    def get_case_document(self, request: Request, actor: Actor) -> Response:
        fmt = request.query_params.get("format", "docx")
        data = self.service.document(request.path_params["case_id"], _form(request), actor, fmt)
        return _file(data, fmt, f"{request.path_params['case_id']}-{request.path_params['form']}")

    def get_referral_document(self, request: Request, actor: Actor) -> Response:
        fmt = request.query_params.get("format", "docx")
        data = self.service.referral_document(request.path_params["referral_id"], _form(request), actor, fmt)
        return _file(data, fmt, f"{request.path_params['referral_id']}-{request.path_params['form']}")

    def get_ledger(self, request: Request, actor: Actor) -> Response:
        rooms = request.query_params.getlist("room") or None
        fmt = request.query_params.get("format", "")
        if fmt:
            return _file(self.service.export_ledger(actor, fmt, rooms), fmt, "ledger")
        return JSONResponse([unstructure(r) for r in self.service.ledger(actor, rooms)])

    def get_statistics(self, request: Request, actor: Actor) -> Response:
        scope = _required(request, "scope")
        period = _period(request)
        fmt = request.query_params.get("format", "")
        if fmt:
            return _file(self.service.statistics_file(period, scope, actor, fmt), fmt, f"statistics-{scope}")
        return JSONResponse(unstructure(self.service.statistics(period, scope, actor)))

    def get_deadlines(self, request: Request, actor: Actor) -> Response:
        until_text = request.query_params.get("until")
        until = _date("until", until_text) if until_text else None
        due = self.service.open_deadlines(actor, until)
        return JSONResponse([{"stream_id": stream_id, "deadline": unstructure(d)} for stream_id, d in due])


async def _no_route(_: Request, exc: Exception) -> Response:
    """An unknown path (404) or method (405), as a problem like every other error."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    kind = {404: "not found", 405: "method not allowed"}.get(status, "error")
    detail = "no such endpoint (GET /openapi.json lists them)" if status == 404 else str(getattr(exc, "detail", ""))
    return render(Problem(status, kind, detail))


def _required(request: Request, name: str) -> str:
    value = request.query_params.get(name, "")
    if not value:
        raise CommandFormatError([f"the query parameter {name} is required @ {name}"])
    return value


def _date(name: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandFormatError([f"{name}={text[:40]!r}: a date, YYYY-MM-DD @ {name}"]) from None


def _period(request: Request) -> Period:
    start = _date("start", _required(request, "start"))
    end = _date("end", _required(request, "end"))
    try:
        return Period(start=start, end=end)
    except ValueError as exc:
        raise CommandFormatError([f"{exc} @ end"]) from None


def _form(request: Request) -> DocumentForm:
    text = request.path_params["form"]
    try:
        return DocumentForm(text)
    except ValueError:
        forms = ", ".join(f.value for f in DocumentForm)
        raise NotFoundError(f"no form {text[:40]!r}; the forms are: {forms}") from None


def _file(data: bytes, fmt: str, name: str) -> Response:
    media = FILE_TYPES.get(fmt, "application/octet-stream")
    disposition = f'attachment; filename="{name}.{fmt}"'
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


def _if_match(header: str | None, stream_id: str) -> int | None:
    """The stream version an ``If-Match`` header names (``"<stream>:<version>"``, the ETag of
    a read), or ``None`` without the header."""
    if header is None:
        return None
    tag = header.strip()
    if tag.startswith("W/"):
        raise Problem(400, "bad if-match", "If-Match takes the strong ETag of a read, not a weak one")
    text = tag.strip('"')
    stream, _, version = text.rpartition(":")
    if not stream or not version.isdigit() or len(tag) < 2 or not (tag[0] == tag[-1] == '"'):
        raise Problem(400, "bad if-match", 'If-Match: the ETag of a read, "<stream>:<version>"')
    if stream_id and stream != stream_id:
        detail = f"If-Match names {stream!r}, and the command addresses {stream_id!r}"
        raise Problem(412, "precondition failed", detail)
    return int(version)


def create_app(
    service: MediationService,
    settings: HttpSettings | None = None,
) -> Starlette:
    """The HTTP API over ``service``. With ``settings`` the bearer-JWT check is registered as
    the last ``mediation_authenticate`` (a county's own hook answers first); without them only
    the plugins' hooks authenticate, and a request none of them recognises is refused."""
    api = Api(service)
    if settings is not None:
        authenticator = JwtAuthenticator(settings, service.registry)
        pm = service.plugins.pm
        if pm.get_plugin(JWT_PLUGIN) is not None:  # a second application over the same service
            pm.unregister(name=JWT_PLUGIN)
        pm.register(authenticator, name=JWT_PLUGIN)
        api.actors = authenticator.actors
    from mediation_http.openapi import openapi_document  # noqa: PLC0415 - the schemas are built once, here

    document = json.dumps(openapi_document(), ensure_ascii=False).encode()

    async def openapi(_: Request) -> Response:
        return Response(document, media_type="application/json")

    routes = [
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/commands", api.route(api.post_command), methods=["POST"]),
        Route("/cases/{case_id}", api.route(api.get_case), methods=["GET"]),
        Route("/cases/{case_id}/documents/{form}", api.route(api.get_case_document), methods=["GET"]),
        Route("/referrals/{referral_id}", api.route(api.get_referral), methods=["GET"]),
        Route("/referrals/{referral_id}/documents/{form}", api.route(api.get_referral_document), methods=["GET"]),
        Route("/records/{aggregate}/{stream_id}", api.route(api.get_record), methods=["GET"]),
        Route("/ledger", api.route(api.get_ledger), methods=["GET"]),
        Route("/statistics", api.route(api.get_statistics), methods=["GET"]),
        Route("/deadlines", api.route(api.get_deadlines), methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _no_route})
    app.state.api = api
    if not service.plugins.pm.hook.mediation_authenticate.get_hookimpls():
        msg = "no mediation_authenticate hook is registered: give the HTTP API its settings (docs/http.md)"
        raise ConfigurationError(msg)
    return app
