"""A renderer is found by its subject and its format, and its name says both."""

from __future__ import annotations

import pytest

from mediation_core.app import exporting
from mediation_core.plugins import PluginError, Renderer


def renderer(name: str, subject: str) -> Renderer:
    return Renderer(
        name=name, media_type="text/plain", suffix=".txt", render=lambda v: str(v).encode(), subject=subject
    )


def test_the_format_is_the_name_after_the_subject() -> None:
    assert renderer("ledger-bureau", "ledger").format == "bureau"
    assert renderer("statistics-brief-gb18030", "statistics").format == "brief-gb18030"


@pytest.mark.parametrize(
    ("name", "subject"), [("bureau", "ledger"), ("statistics-xlsx", "ledger"), ("ledger-", "ledger")]
)
def test_a_name_that_does_not_say_its_subject_and_format_is_refused(name: str, subject: str) -> None:
    with pytest.raises(ValueError, match=rf"a renderer of '{subject}' is named '{subject}-<format>'"):
        renderer(name, subject)


def test_a_file_is_rendered_by_the_renderer_of_its_subject_and_format() -> None:
    installed = {r.name: r for r in (renderer("ledger-md", "ledger"), renderer("statistics-md", "statistics"))}
    assert exporting.render(installed, "ledger", "md", 42) == b"42"
    with pytest.raises(PluginError, match="no renderer 'ledger-xlsx'; for ledger the installed ones are: ledger-md"):
        exporting.render(installed, "ledger", "xlsx", 42)
