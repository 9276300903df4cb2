"""Where the embedded SQLite database lives when nothing else is configured.

``$MEDIATION_DATA_DIR`` if set, else ``$XDG_DATA_HOME/mediation-core`` (``~/.local/share/
mediation-core`` when XDG_DATA_HOME is unset), file ``mediation.sqlite3``. The folder is
created on first use, not here: reading the default must not touch the disk.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_NAME = "mediation.sqlite3"


def default_data_dir() -> Path:
    """The folder of the embedded database."""
    explicit = os.environ.get("MEDIATION_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "mediation-core"


def default_sqlite_path() -> Path:
    """The embedded database file."""
    return default_data_dir() / FILE_NAME


def default_sqlite_url() -> str:
    """The embedded database as a SQLAlchemy URL."""
    return f"sqlite:///{default_sqlite_path()}"
