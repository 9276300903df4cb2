"""Loggers that never write a resident ID number, a phone number or a URL's secret.

Every logger of the library and its adapters comes from :func:`logger`, which attaches
:class:`PersonalDataFilter`: the message is formatted, then ID and phone numbers in it are
masked (however they are written: :func:`~mediation_core.domain.values.privacy.mask_text`)
and the values of secret query parameters of URLs (``access_token``, ``sign``, ``key`` …)
redacted before any handler sees it (个人信息保护法 art. 51; 居民身份证法 art. 19). A
notifier's error text, a database's message or a notice subject may quote a number; the log
never does. The HTTP notifiers attach the same filter to the loggers of ``httpx`` and
``httpcore``, which log request URLs.
"""

from __future__ import annotations

import logging
import re

from mediation_core.domain.values.privacy import mask_text

SECRET_QUERY_PARAMETERS = ("access_token", "sign", "signature", "key", "token", "secret", "password")
"""Query parameters whose values are credentials: a DingTalk robot's ``access_token`` and
``sign``, a WeCom robot's ``key``, and the usual names of tokens and signatures."""

REDACTED = "[redacted]"

_SECRET_IN_URL = re.compile(r"([?&](?:" + "|".join(SECRET_QUERY_PARAMETERS) + r")=)[^&#\s\"'<>]*", re.IGNORECASE)


def redact_url_secrets(text: str) -> str:
    """``text`` with the value of every secret query parameter of a URL in it replaced by
    ``[redacted]`` (``…/send?access_token=[redacted]&timestamp=…&sign=[redacted]``)."""
    return _SECRET_IN_URL.sub(lambda m: m.group(1) + REDACTED, text) if "=" in text else text


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def unescape_json(text: str) -> str:
    """``text`` with JSON's ``\\uXXXX`` escapes written out: a gateway that answers in
    ASCII-only JSON writes full-width digits and zero-width spaces as escapes, which would
    otherwise break a number into pieces no mask recognises (surrogates are left escaped)."""
    if "\\u" not in text:
        return text

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1), 16)
        return m.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)

    return _JSON_ESCAPE.sub(char, text)


def scrub(text: str) -> str:
    """What any text that leaves for a log or a stored error goes through: JSON escapes
    written out, URL secrets redacted, ID and phone numbers masked."""
    return mask_text(redact_url_secrets(unescape_json(text)))


class PersonalDataFilter(logging.Filter):
    """Formats the record's message once, masks ID and phone numbers in it and redacts URL
    secrets (in the text of an attached exception as well)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed format: keep the raw text, masked
            message = f"{record.msg} {record.args}"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


_FILTER = PersonalDataFilter()


def logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with the personal-data filter attached (once)."""
    log = logging.getLogger(name)
    attach_filter(log)
    return log


def attach_filter(log: logging.Logger) -> None:
    """Attach the personal-data filter to a logger the library does not own (a third-party
    HTTP client's): a logger's filters see only its own records, not its children's."""
    if _FILTER not in log.filters:
        log.addFilter(_FILTER)
