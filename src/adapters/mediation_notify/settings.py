"""Reading a channel's settings: every value arrives as a string from the configuration."""

from __future__ import annotations

from collections.abc import Mapping

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def required(settings: Mapping[str, str], key: str) -> str:
    value = settings.get(key, "").strip()
    if not value:
        msg = f"setting {key!r} is required"
        raise ValueError(msg)
    return value


def flag(settings: Mapping[str, str], key: str, default: bool = False) -> bool:
    value = settings.get(key)
    if value is None:
        return default
    if value.strip().lower() in TRUE:
        return True
    if value.strip().lower() in FALSE:
        return False
    msg = f"setting {key!r} must be true or false, not {value!r}"
    raise ValueError(msg)


def number(settings: Mapping[str, str], key: str, default: float) -> float:
    value = settings.get(key)
    if value is None or not value.strip():
        return default
    try:
        parsed = float(value)
    except ValueError:
        msg = f"setting {key!r} must be a number, not {value!r}"
        raise ValueError(msg) from None
    if parsed <= 0:
        msg = f"setting {key!r} must be positive, not {value!r}"
        raise ValueError(msg)
    return parsed


def known(settings: Mapping[str, str], allowed: tuple[str, ...]) -> None:
    """A misspelt setting is an error, not a silently ignored one."""
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        msg = f"unknown setting(s) {', '.join(unknown)}; this notifier reads {', '.join(allowed)}"
        raise ValueError(msg)
