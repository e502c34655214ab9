"""A real PostgreSQL server for the store tests: given, or a throwaway cluster.

``AUDITOR_TEST_POSTGRES_DSN`` names a server to use (CI services, a developer's local
database). Otherwise, when Debian's ``postgresql`` package is installed
(``/usr/lib/postgresql/*/bin``) or ``initdb`` is on the PATH, a cluster is created in a
temporary directory, started on a free port for the test session and removed after it.
PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres``
user (which the Debian package creates) and its commands run through ``runuser``.
Each test gets its own schema, dropped afterwards, so tests never see each other's runs.

Without a server, the tests that need one skip and say how to get one.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

DSN_ENV = "AUDITOR_TEST_POSTGRES_DSN"
HOW_TO = (
    f"set {DSN_ENV}=postgresql://... or install PostgreSQL "
    "(apt-get install -y postgresql; .ci/run does it)"
)


def find_bindir() -> Path | None:
    """The newest PostgreSQL bin directory with initdb and pg_ctl, if any."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
    )
    for folder in reversed(candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A throwaway cluster: initdb, pg_ctl start, pg_ctl stop, rm -rf."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip(
                    f"running as root and there is no postgres user to own a cluster; {HOW_TO}"
                )
            if not shutil.which("runuser"):
                pytest.skip(f"running as root without runuser; {HOW_TO}")
            self.as_user = "postgres"
        # Not under pytest's tmp dir: that is private to the current user (0700).
        self.base = Path(tempfile.mkdtemp(prefix="auditor-pg-", dir="/tmp"))
        self.data = self.base / "data"
        self.port = _free_port()
        if self.as_user:
            entry = pwd.getpwnam(self.as_user)
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self.base.chmod(0o700)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> str:
        init = self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "auditor",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        if init.returncode != 0:
            self.remove()
            pytest.skip(f"initdb failed ({init.stderr.strip()[-300:]}); {HOW_TO}")
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        start = self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.base / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        if start.returncode != 0:
            log = (self.base / "server.log").read_text(errors="replace")[-500:]
            self.remove()
            pytest.skip(f"pg_ctl start failed ({start.stderr.strip()} {log}); {HOW_TO}")
        return f"postgresql://auditor@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The DSN of a running PostgreSQL server for this test session (or a skip)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[postgres]'")
    given = os.environ.get(DSN_ENV)
    if given:
        yield given
        return
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(f"no PostgreSQL server: {HOW_TO}")
    cluster = Cluster(bindir)
    dsn = cluster.start()
    try:
        yield dsn
    finally:
        cluster.stop()


def with_schema(dsn: str, schema: str) -> str:
    """The DSN with ``search_path`` set to one schema (tables are created there)."""
    sep = "&" if "?" in dsn else "?"
    return f"{dsn}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A store URL of its own: a fresh schema on the session's server, dropped after."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(postgres_server, schema)
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
