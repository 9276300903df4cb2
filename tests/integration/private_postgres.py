"""A private PostgreSQL cluster for the tests that restart or stop the server.

The machine's shared server is never restarted: this starts a cluster of its own in a temporary
folder, on a free port, with its socket in that folder, and removes it afterwards. ``initdb``
refuses to run as root, so as root the cluster belongs to the ``postgres`` user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from servers import free_port

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def binaries() -> Path | None:
    """The newest installed server's bin folder, or ``None``."""
    override = os.environ.get("MEDIATION_TEST_PG_BIN")
    candidates = [Path(override)] if override else BIN_DIRS
    found = [d for d in candidates if (d / "initdb").exists() and (d / "pg_ctl").exists()]
    if not found and shutil.which("initdb") and shutil.which("pg_ctl"):
        return Path(shutil.which("initdb") or "").parent
    return found[0] if found else None


class Cluster:
    """A running private cluster: its URL, and restarting it."""

    def __init__(self, bin_dir: Path, data: Path, socket_dir: Path, port: int, user: str | None) -> None:
        self.bin_dir, self.data, self.socket_dir, self.port, self.user = bin_dir, data, socket_dir, port, user
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60", *args]
        if args[0] in {"start", "restart"}:
            command += ["-l", str(self.data.parent / "server.log")]
        self._run(command)

    def restart(self, mode: str = "fast") -> None:
        """Stop the server (``fast`` ends every session, ``immediate`` is a crash) and start it."""
        self.ctl("restart", "-m", mode)

    def _run(self, command: list[str]) -> None:
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)


@contextmanager
def private_cluster(bin_dir: Path) -> Iterator[Cluster]:
    """initdb, start, yield, stop, remove."""
    user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="mediation-pg-"))
    data, sockets = root / "data", root / "socket"
    sockets.mkdir()
    if user:
        ids = pwd.getpwnam(user)
        for path in (root, sockets):
            os.chown(path, ids.pw_uid, ids.pw_gid)
    cluster = Cluster(bin_dir, data, sockets, free_port(), user)
    try:
        cluster._run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        cluster.ctl("start")
        try:
            yield cluster
        finally:
            cluster.ctl("stop", "-m", "immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)
