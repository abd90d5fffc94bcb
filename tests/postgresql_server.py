"""A throwaway PostgreSQL server on 127.0.0.1, for ``tests/postgresql_checks.py``.

``throwaway_server()`` creates a data directory in a temporary folder
(``initdb``), starts PostgreSQL on 127.0.0.1 at a free port with its socket
in that folder (``pg_ctl start``), yields the connection settings, then stops
it (``pg_ctl stop``) and deletes the folder. The superuser's password is made
up for each run and given to ``initdb`` in a file; nothing is kept.

PostgreSQL refuses to run as root: as root (CI), the server runs as the
``postgres`` user that Debian's package creates, through ``runuser``, and the
folder is handed to that user. The binaries are Debian's, under
``/usr/lib/postgresql/<version>/bin`` (``apt-get install postgresql``), or
the first ``initdb`` on the ``PATH``.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TIMEOUT = 60  # seconds, for initdb, start and stop each

INSTALL = "apt-get install postgresql (Debian), or put initdb on the PATH"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first; or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]),
    )
    initdb = found[-1] if found else shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def throwaway_server() -> Iterator[dict[str, str]]:
    """Run PostgreSQL for the block; yield psycopg's connection keywords."""
    folder = binaries()
    if folder is None:
        raise FileNotFoundError(f"PostgreSQL is not installed: {INSTALL}")
    as_root = os.geteuid() == 0
    # runuser lives in /usr/sbin, which a minimal PATH (CI's) leaves out.
    runuser = shutil.which(
        "runuser", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"
    )
    run_as: list[str] = (
        [runuser or "runuser", "-u", "postgres", "--"] if as_root else []
    )
    password = secrets.token_urlsafe(24)
    port = str(free_port())
    with tempfile.TemporaryDirectory(prefix="viewlib-pg-") as temp:
        root = Path(temp)
        (root / "password").write_text(password)
        if as_root:
            user = pwd.getpwnam("postgres")
            for path in (root, root / "password"):
                os.chown(path, user.pw_uid, user.pw_gid)
        data = root / "data"

        def run(*command: str) -> None:
            subprocess.run(
                [*run_as, *command],
                check=True,
                timeout=TIMEOUT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )

        run(
            str(folder / "initdb"),
            f"--pgdata={data}",
            "--username=postgres",
            f"--pwfile={root / 'password'}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
        )
        settings = f"-c listen_addresses=127.0.0.1 -p {port} -k {root}"
        pg_ctl = str(folder / "pg_ctl")
        log = str(root / "server.log")
        run(pg_ctl, "start", "-D", str(data), "-o", settings, "-l", log, "-w")
        try:
            yield {
                "host": "127.0.0.1",
                "port": port,
                "user": "postgres",
                "password": password,
                "dbname": "postgres",
                "connect_timeout": "10",
            }
        finally:
            run(pg_ctl, "stop", "-D", str(data), "-m", "fast", "-w")
