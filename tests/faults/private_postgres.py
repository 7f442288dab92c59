"""A PostgreSQL server of the test's own, in a temporary directory, to stop and start at will.

Never the machine's shared server on 5432: this one listens on a free loopback port with
trust authentication and is destroyed with its files when the test ends. PostgreSQL refuses
to run as root, so under root its commands run as the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.faults.processes import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    return Path(found[-1]).parent if found else None


def _major(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


POSTGRES_BIN = _bin_dir()


class PrivatePostgres:
    """initdb into a temporary directory, then pg_ctl start / stop on a free port."""

    def __init__(self) -> None:
        assert POSTGRES_BIN is not None, "PostgreSQL server binaries are not installed"
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="homeward-pg-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user is not None:
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its `postgres` database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"  # a test server: speed, not durability
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; "immediate" drops every connection at once, as a crash does."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        """Stop the server if it runs and delete its files."""
        status = self._run("pg_ctl", "-D", str(self.data), "status", check=False)
        if status.returncode == 0:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        """The server's own log."""
        path = self.root / "log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert POSTGRES_BIN is not None
        result = subprocess.run(
            [str(POSTGRES_BIN / tool), *args],
            user=self.user,
            group=self.user,
            extra_groups=[] if self.user else None,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}\n{result.stderr}")
        return result
