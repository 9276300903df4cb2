"""Loggers that never write a resident ID number or a phone number.

Every logger of the library and its adapters comes from :func:`logger`, which attaches
:class:`PersonalDataFilter`: the message is formatted, then ID and phone numbers in it are
masked before any handler sees it (个人信息保护法 art. 51; 居民身份证法 art. 19). A notifier's
error text, a database's message or a notice subject may quote a number; the log never does.
"""

from __future__ import annotations

import logging

from mediation_core.domain.values.privacy import mask_text


class PersonalDataFilter(logging.Filter):
    """Formats the record's message once and masks ID and phone numbers in it (and in the
    text of an attached exception)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed format: keep the raw text, masked
            message = f"{record.msg} {record.args}"
        record.msg = mask_text(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_FILTER = PersonalDataFilter()


def logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with the personal-data filter attached (once)."""
    log = logging.getLogger(name)
    if _FILTER not in log.filters:
        log.addFilter(_FILTER)
    return log
