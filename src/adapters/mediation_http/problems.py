"""Errors as ``application/problem+json`` (RFC 9457), by the command line's exit-code classes.

The class of an error is the one :func:`mediation_core.cli.app.classify` gives it (one table
for both interfaces); this module only says which HTTP status each class is. A refusal by the
rules carries every violation with its rule, field and legal basis."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from mediation_core.cli.app import ExitCode, classify
from mediation_core.domain.errors import AuthenticationError, RuleViolationError

PROBLEM_JSON = "application/problem+json"

STATUS: dict[ExitCode, int] = {
    ExitCode.USAGE: 400,
    ExitCode.REFUSED: 422,
    ExitCode.NOT_ALLOWED: 403,
    ExitCode.NOT_FOUND: 404,
    ExitCode.CONFLICT: 409,
    ExitCode.UNAVAILABLE: 503,
    ExitCode.CONFIGURATION: 500,
    ExitCode.FAILURE: 500,
}
"""The HTTP status of each exit-code class (docs/http.md, "Errors")."""

TITLES = {
    400: "请求格式有误 / bad request",
    401: "未认证 / not authenticated",
    403: "无权办理 / not allowed",
    404: "未找到 / not found",
    405: "方法不支持 / method not allowed",
    409: "冲突，请重试 / conflict: another writer was first",
    412: "版本已变 / precondition failed: the record changed since it was read",
    413: "请求过大 / request too large",
    415: "格式不支持 / unsupported media type: send application/json",
    422: "规则拒绝 / refused by the rules: nothing was written",
    500: "内部错误 / internal error",
    503: "暂不可用 / unavailable: try again",
}


class Problem(Exception):  # noqa: N818 - it is the problem the response describes
    """An error the adapter itself finds (a bad header, a reused idempotency key)."""

    def __init__(self, status: int, kind: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.extra = extra


def problem(status: int, kind: str, detail: str, **extra: Any) -> dict[str, Any]:
    """An RFC 9457 problem object: ``type`` names the class, ``title`` says it in Chinese and
    English, ``detail`` this occurrence."""
    return {
        "type": f"urn:mediation:problem:{kind.replace(' ', '-')}",
        "title": TITLES.get(status, kind),
        "status": status,
        "detail": detail,
        **extra,
    }


def problem_body(exc: BaseException) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The status, problem body and headers that describe ``exc``."""
    if isinstance(exc, Problem):
        return exc.status, problem(exc.status, exc.kind, exc.detail, **exc.extra), {}
    if isinstance(exc, AuthenticationError):
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return 401, problem(401, "not authenticated", str(exc)), headers
    code, kind, lines = classify(exc)
    status = STATUS.get(code, 500)
    extra: dict[str, Any] = {"exit_code": int(code)}
    if isinstance(exc, RuleViolationError):
        extra["violations"] = [
            {"rule": v.rule, "field": v.field, "basis": v.basis, "message_zh": v.message_zh, "message_en": v.message_en}
            for v in exc.violations
        ]
    detail = lines[0] if lines else kind
    if status == 500 and code is ExitCode.FAILURE:
        detail = "unexpected error; the server's log has the details"
    headers = {"Retry-After": "1"} if status == 503 else {}
    return status, problem(status, kind, detail, **extra), headers


def render(exc: BaseException) -> JSONResponse:
    """``exc`` as a problem response."""
    status, body, headers = problem_body(exc)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)
