# SPDX-License-Identifier: MIT
"""The grader's code inside each child: limits, a lesser user, pytest, a report.

grade.py copies this file into each run folder as ``_harness.py`` and starts
it with ``python -I -S _harness.py SETTINGS`` (``-I``: no environment
variables, user site or script folder on the import path; ``-S``: no
``site``, so no ``.pth`` file puts, say, an editable install of the
repository on it). SETTINGS is JSON. Before any code of the submission runs,
this file:

1. sets the resource limits (CPU seconds, address space, file size, number
   of processes), the hard limit too, so the submission cannot raise them;
2. as root, opens the folders of the import path, then gives up root for the
   user the grader names: the opened folders stay readable through
   ``/proc/self/fd`` even when they sit in a folder that user cannot enter
   (such as ``/root``);
3. runs pytest with the plugin below, which writes one JSON line per test
   report to a pipe the grader reads. The grader, not a file in this folder,
   keeps the results.

It needs only the standard library and pytest, and runs on Python 3.9+.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

#: The limits, by the names grade.py uses, and their resource constants.
LIMITS = {
    "cpu": "RLIMIT_CPU",
    "memory": "RLIMIT_AS",
    "file_size": "RLIMIT_FSIZE",
    "processes": "RLIMIT_NPROC",
}


def note(message: str) -> None:
    """Say something in the run's output, which the grader keeps a tail of."""
    print(f"grade.py: {message}", file=sys.stderr, flush=True)


def tasks_of(uid: int) -> int:
    """How many processes and threads the user *uid* runs now (Linux: /proc)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass  # gone since the listing, or not ours to read
    return count


def set_limits(limits: dict[str, int], uid: int) -> None:
    """Apply each limit that this system's ``resource`` module has."""
    try:
        import resource
    except ImportError:  # Windows
        note("no resource module here: only the time limit applies")
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name, value in limits.items():
        constant = getattr(resource, LIMITS[name], None)
        if name == "processes":
            if not os.path.isdir("/proc"):
                constant = None  # without /proc the user's count is unknown
            else:
                # The limit counts every process and thread of the user,
                # this one included once it has become that user.
                value += tasks_of(uid) + 1
                if uid == 0:
                    note("limit processes not applied: root is exempt from it")
                    continue
        if constant is None:
            note(f"limit {name} not applied: this system has no {LIMITS[name]}")
            continue
        try:
            resource.setrlimit(constant, (value, value))
        except (ValueError, OSError) as error:
            note(f"limit {name} not applied: {error}")


def become(uid: int, gid: int, paths: list[str]) -> list[str]:
    """Give up root for *uid*; return *paths* as folders still readable after."""
    opened = {
        path: f"/proc/self/fd/{os.open(path, os.O_RDONLY | os.O_DIRECTORY)}"
        for path in paths
    }
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("grade.py: could not give up root")
    # Packages imported already (encodings, for one) find their submodules
    # through __path__: point it at the opened folders too.
    for module in list(sys.modules.values()):
        for i, folder in enumerate(getattr(module, "__path__", None) or []):
            for path, opened_path in opened.items():
                if isinstance(folder, str) and folder.startswith(path + os.sep):
                    module.__path__[i] = opened_path + folder[len(path) :]
    sys.path_importer_cache.clear()
    return list(opened.values())


def not_dumpable() -> None:
    """Linux: let no other process of this user read this one's /proc files."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except (ImportError, OSError, AttributeError):
        pass


class Reporter:
    """A pytest plugin: each report, as it happens, as a JSON line on a pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, record: dict[str, Any]) -> None:
        data = (json.dumps(record) + "\n").encode()
        try:
            while data:
                data = data[os.write(self.fd, data) :]
        except OSError:
            pass  # the grader stopped listening: it decides without us

    def pytest_collection_finish(self, session: Any) -> None:
        self.send({"collected": [item.nodeid for item in session.items]})

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.send(
            {
                "test": report.nodeid,
                "when": report.when,
                "outcome": report.outcome,
                "xfail": hasattr(report, "wasxfail"),
            }
        )

    def pytest_sessionfinish(self, session: Any, exitstatus: int) -> None:
        self.send({"end": int(exitstatus)})
        os.close(self.fd)  # what runs after pytest (atexit) cannot write here
        self.fd = -1


def main() -> int:
    settings = json.loads(sys.argv[1])
    fd = settings["fd"]
    os.set_inheritable(fd, False)  # no program the submission starts gets it
    sys.dont_write_bytecode = True
    # The standard library's folders (all that -S leaves), then site-packages.
    paths = [p for p in [*sys.path, *settings["paths"]] if os.path.isdir(p)]
    set_limits(settings["limits"], settings["uid"] if settings["user"] else os.getuid())
    if settings["user"]:
        paths = become(settings["uid"], settings["gid"], paths)
    sys.path[:] = [os.getcwd(), *paths]
    not_dumpable()
    import pytest

    return int(pytest.main(settings["args"], plugins=[Reporter(fd)]))


if __name__ == "__main__":
    sys.exit(main())
