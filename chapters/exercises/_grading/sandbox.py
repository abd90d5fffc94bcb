# SPDX-License-Identifier: MIT
"""Run pytest on one folder in a child that cannot outlive its run.

What each defence does where (the grader is tested on Linux):

- The child starts in a new session, so it and everything it starts share
  a process group, which is killed (SIGKILL) when the run times out and
  again when it ends. On Linux the grader is also a "child subreaper": a
  process that leaves the group (``setsid``) and loses its parent is handed
  to the grader instead of to init, and killed too. macOS has no subreaper,
  so a process that leaves the group there can survive; Windows has neither,
  and only pytest's own process is ended.
- The limits are set by ``harness.py`` with the ``resource`` module, where
  the system has it (not on Windows).
- Output goes through a pipe; only its last ``output`` bytes are kept.
- Results come through a second pipe, one JSON line per test report, read
  with caps on line length and line count: more is "malformed".
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HARNESS = Path(__file__).with_name("harness.py")
#: Caps on the result stream: longer lines, or more of them, are malformed.
MAX_LINE = 64 * 1024
MAX_RECORDS = 10_000


@dataclass
class Limits:
    """What one run may use (grade.py's options; sizes in bytes)."""

    timeout: float = 60.0  # seconds of wall-clock time
    cpu: int = 120  # seconds of CPU time, all threads together
    memory: int = 2048 * 1024 * 1024  # address space
    file_size: int = 64 * 1024 * 1024  # largest file it may write
    processes: int = 64  # processes and threads it may add
    output: int = 8 * 1024  # bytes of output kept (the tail)

    def resources(self) -> dict[str, int]:
        return {
            "cpu": self.cpu,
            "memory": self.memory,
            "file_size": self.file_size,
            "processes": self.processes,
        }


@dataclass
class Account:
    """The user a child runs as, when the grader runs as root."""

    name: str
    uid: int
    gid: int


@dataclass
class Run:
    """What came back from one child."""

    records: list[dict[str, Any]] = field(default_factory=list)
    ended: bool = False  # pytest said it finished
    malformed: bool = False  # the stream broke a rule: no result
    timed_out: bool = False
    output: str = ""  # the tail of stdout and stderr


# The grader's children that are pytest runs now; any other child it has
# was adopted (an orphan of a run) and is killed. The lock covers starting a
# child and sweeping, so a run that is starting is not taken for an orphan.
_lock = threading.Lock()
_running: set[int] = set()
_subreaper = False


def become_subreaper() -> bool:
    """Linux: have orphans of our children handed to us, not to init.

    Only for a process that starts no other children (grade.py's command):
    from then on, every child of it that is not a run is killed.
    """
    global _subreaper
    if sys.platform.startswith("linux"):
        import ctypes

        # PR_SET_CHILD_SUBREAPER is option 36 of prctl(2).
        _subreaper = bool(ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) == 0)
    return _subreaper


def import_folders() -> list[str]:
    """The grader's site-packages folders: where pytest and Flask are.

    Only these: not the repository, not the folders ``.pth`` files add.
    """
    return [
        p
        for p in sys.path
        if os.path.basename(p) in ("site-packages", "dist-packages")
        and os.path.isdir(p)
    ]


def environment(folder: Path) -> dict[str, str]:
    """The child's whole environment: an allow-list, nothing of the grader's."""
    env = {
        "PATH": os.defpath,
        "HOME": str(folder),
        "TMPDIR": str(folder / "tmp"),
        "LANG": "C.UTF-8",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    if os.name == "nt":  # Python on Windows needs these two
        env.update(
            {k: os.environ[k] for k in ("SYSTEMROOT", "TEMP") if k in os.environ}
        )
    return env


def hand_over(folder: Path, account: Account | None) -> None:
    """Give *folder* (HARNESS copied in, a tmp/ made) to the child's user."""
    shutil.copy(HARNESS, folder / "_harness.py")
    (folder / "tmp").mkdir()
    if account is None:
        return
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, account.uid, account.gid, follow_symlinks=False)


def run_pytest(
    folder: Path, args: list[str], limits: Limits, account: Account | None
) -> Run:
    """Run ``pytest ARGS`` in *folder* (made by the caller) and collect it."""
    hand_over(folder, account)
    read_end, write_end = os.pipe()
    settings = {
        "fd": write_end,
        "args": args,
        "paths": import_folders(),
        "limits": limits.resources(),
        "user": account.name if account else None,
        "uid": account.uid if account else None,
        "gid": account.gid if account else None,
    }
    command = [sys.executable, "-I", "-S", "_harness.py", json.dumps(settings)]
    run = Run()
    tail = bytearray()
    with _lock:
        child = subprocess.Popen(
            command,
            cwd=folder,
            env=environment(folder),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_end,),
            start_new_session=os.name == "posix",
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        )
        _running.add(child.pid)
    os.close(write_end)
    assert child.stdout is not None
    readers = [
        threading.Thread(target=keep_tail, args=(child.stdout, tail, limits.output)),
        threading.Thread(target=read_results, args=(read_end, run)),
    ]
    _, run.timed_out = supervise(child, readers, limits.timeout)
    run.output = tail.decode("utf-8", "replace")
    return run


@dataclass
class Tool:
    """What came back from a trusted tool run on untrusted data (:func:`run_tool`)."""

    returncode: int | None = None  # negative: ended by that signal
    output: bytes = b""  # the first ``cap`` bytes of its standard output
    timed_out: bool = False


def run_tool(command: list[str], data: bytes, timeout: float, cap: int) -> Tool:
    """Run *command* with *data* on its standard input, as a run is run.

    For the grader's own tools (viewcheck, for --feedback) on a submission's
    text: the child gets its own process group, killed with everything in it
    at *timeout* and at the end; it counts as a run, so a sweep spares it;
    only the first *cap* bytes of its output are kept. The command sets its
    own CPU and memory limits.
    """
    tool = Tool()
    with _lock:
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=os.name == "posix",
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        )
        _running.add(child.pid)
    assert child.stdin is not None
    assert child.stdout is not None
    head = bytearray()
    threads = [
        threading.Thread(target=feed, args=(child.stdin, data)),
        threading.Thread(target=keep_head, args=(child.stdout, head, cap)),
    ]
    tool.returncode, tool.timed_out = supervise(child, threads, timeout)
    tool.output = bytes(head)
    return tool


def feed(stream: Any, data: bytes) -> None:
    """Write *data* to *stream* and close it; a reader that left is no error."""
    try:
        with stream:
            stream.write(data)
    except (BrokenPipeError, OSError):
        pass


def keep_head(stream: Any, head: bytearray, size: int) -> None:
    """Read *stream* to its end, keeping only its first *size* bytes."""
    with stream:
        for chunk in iter(lambda: stream.read1(65536), b""):
            head += chunk[: max(0, size - len(head))]


def supervise(
    child: subprocess.Popen[bytes], threads: list[threading.Thread], timeout: float
) -> tuple[int | None, bool]:
    """Start *threads* (the child's readers and writers), wait for *child*
    at most *timeout* seconds, then end it and its group; its return code
    (None if it timed out) and whether it did.

    The threads are daemons: one left blocked does not hold up the exit.
    Every writer is dead once the group is ended (on Linux), so the pipes
    reach their end and the joins return.
    """
    for thread in threads:
        thread.daemon = True
        thread.start()
    returncode: int | None = None
    timed_out = False
    try:
        returncode = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        end(child)
    for thread in threads:
        thread.join(timeout=5)
    return returncode, timed_out


def keep_tail(stream: Any, tail: bytearray, size: int) -> None:
    """Read *stream* to its end, keeping only its last *size* bytes."""
    with stream:
        for chunk in iter(lambda: stream.read1(65536), b""):
            tail += chunk
            del tail[:-size]


def read_results(fd: int, run: Run) -> None:
    """Read the result stream into *run*, within the caps, to its end."""
    buffer = b""
    with open(fd, "rb", buffering=0) as stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            if run.ended or run.malformed:
                continue  # drain: what comes after the end counts for nothing
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if len(buffer) > MAX_LINE:
                run.malformed = True
            for line in lines:
                take_record(line, run)


def take_record(line: bytes, run: Run) -> None:
    if run.ended or run.malformed:
        return
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    shapes = ({"collected"}, {"test", "when", "outcome", "xfail"}, {"end"})
    if (
        not isinstance(record, dict)
        or set(record) not in shapes
        or len(run.records) >= MAX_RECORDS
    ):
        run.malformed = True
    elif "end" in record:
        run.ended = True
    else:
        run.records.append(record)


def end(child: subprocess.Popen[bytes]) -> None:
    """Kill the child, its process group and any orphan it left; reap them."""
    if os.name != "posix":
        child.kill()
        child.wait()
        with _lock:
            _running.discard(child.pid)
        return
    group = child.pid  # start_new_session: the child leads its own group
    for _ in range(200):  # about two seconds at most
        alive = signal_group(group)
        if child.poll() is not None:
            with _lock:
                _running.discard(child.pid)
        orphans = sweep()
        if not alive and not orphans and child.returncode is not None:
            return
        time.sleep(0.01)


def signal_group(group: int) -> bool:
    """SIGKILL every process of *group*; whether there was any."""
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # only zombies left (macOS): they go as they are reaped
    return True


def sweep() -> list[int]:
    """Kill and reap the children we adopted (Linux); return their pids."""
    if not _subreaper:
        return []
    me = os.getpid()
    with _lock:
        orphans = [pid for pid in children(me) if pid not in _running]
        for pid in orphans:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, os.WNOHANG)
            except (ProcessLookupError, ChildProcessError):
                pass
    return orphans


def children(parent: int) -> list[int]:
    """The processes whose parent is *parent*, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            continue
        # The name, in parentheses, may hold spaces: fields start after ')'.
        if int(stat.rpartition(b")")[2].split()[1]) == parent:
            found.append(int(entry))
    return found
