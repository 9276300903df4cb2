"""``mediation deliver``, ``dead-letters`` and ``requeue`` on the configured deployment."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediation_core.cli import ExitCode, main


def test_deliver_sweeps_and_delivers_through_the_configured_notifiers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "notifiers.toml"
    config.write_text('[[notifier]]\nbackend = "log"\n', encoding="utf-8")
    monkeypatch.setenv("MEDIATION_STORE", "memory")
    monkeypatch.setenv("MEDIATION_NOTIFIERS_FILE", str(config))
    assert main(["deliver"]) == 0
    assert capsys.readouterr().out == "deadlines due: 0; delivered: 0; retrying: 0; dead: 0; claimed elsewhere: 0\n"
    assert main(["dead-letters"]) == 0
    assert capsys.readouterr().out == "no dead letters\n"
    assert main(["requeue", "nope"]) == ExitCode.USAGE  # requeueing is a person's act: who?
    assert "a write needs an explicit actor" in capsys.readouterr().err
    operators = tmp_path / "operators.json"
    operators.write_text('{"li": "administrator:a-li@district"}', encoding="utf-8")
    monkeypatch.setenv("MEDIATION_OPERATORS", str(operators))
    assert main(["--as", "administrator:a-li@district", "requeue", "nope"]) == 0
    assert capsys.readouterr().out == "requeued: 0; not dead letters: nope\n"


def test_deliver_without_notifiers_says_so(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MEDIATION_STORE", "memory")
    monkeypatch.delenv("MEDIATION_NOTIFIERS_FILE", raising=False)
    assert main(["deliver"]) == ExitCode.CONFIGURATION
    assert "no notifier is configured" in capsys.readouterr().err


def test_a_notifier_that_cannot_open_stops_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "notifiers.toml"
    config.write_text('[[notifier]]\nname = "mail"\nbackend = "smtp"\n', encoding="utf-8")
    monkeypatch.setenv("MEDIATION_STORE", "memory")
    monkeypatch.setenv("MEDIATION_NOTIFIERS_FILE", str(config))
    assert main(["deliver"]) == ExitCode.CONFIGURATION
    assert "notifier channel 'mail' (smtp): setting 'host' is required" in capsys.readouterr().err
