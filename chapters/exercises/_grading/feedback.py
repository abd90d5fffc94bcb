# SPDX-License-Identifier: MIT
"""Feedback for ``grade.py --feedback``: viewcheck's findings on a submission.

viewcheck (the analyzer beside viewlib) reads a file's source and runs none
of it, on the copy the grader took before any submission ran. It still works
on hostile text: a file can be slow to analyse or, on Python 3.9 and 3.10,
crash the parser. So :func:`bounded` runs it in a child process of its own
(this file, run as a script), with the run's limits of wall-clock time, CPU
time and memory; a file it cannot finish on gets a reason in its cell
("unreadable", "feedback timed out"), and the others are graded as usual.
A submission's ``# noqa`` comments silence findings for the student's own
tools, not for the instructor: silenced findings are shown too, marked as
such.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

#: Findings kept per file; more become one "and N more" entry.
MAX_FINDINGS = 50
#: Bytes of the child's answer read; more is "unreadable".
MAX_ANSWER = 1024 * 1024


def load(start: Path) -> ModuleType | None:
    """Import viewcheck from the first folder above *start* that holds it."""
    try:
        import viewcheck.checker
    except ImportError:
        for folder in start.parents:
            if (folder / "viewcheck" / "__init__.py").is_file():
                sys.path.insert(0, str(folder))  # the grader's path, not a child's
                import viewcheck.checker

                break
        else:
            return None
    return viewcheck.checker


def findings(checker: ModuleType, source: str, name: str) -> list[dict[str, object]]:
    """Each finding as a dict (``silenced`` marks one the file's noqa hides).

    A file viewcheck cannot read gets one entry with ``code`` "unreadable"
    and the reason, never an exception: feedback is advice, not a grade.
    """
    try:
        kept, silenced = checker.analyse(source, name)
    except SyntaxError as error:
        line = error.lineno or 0
        return [{"code": "unreadable", "line": line, "message": str(error.msg)}]
    except Exception as error:  # advice must never stop the grading
        return [{"code": "unreadable", "line": 0, "message": type(error).__name__}]
    found = [{**f.as_dict(), "silenced": False} for f in kept]
    found += [{**f.as_dict(), "silenced": True} for f in silenced]
    return sorted(found, key=lambda f: (int(str(f["line"])), str(f["code"])))


def summary(found: list[dict[str, object]]) -> str:
    """The table's cell: ``CBV103 line 4, CBV101 line 9 (silenced)``, or "-"."""
    if not found:
        return "-"
    parts = []
    for f in found:
        where = f" line {f['line']}" if f.get("line") else ""
        note = " (silenced)" if f.get("silenced") else ""
        parts.append(f"{f['code']}{where}{note}")
    return ", ".join(parts)


def bounded(
    checker: ModuleType, source: str, name: str, limits: Any
) -> list[dict[str, object]]:
    """:func:`findings` in a child process, within *limits* (a ``sandbox.Limits``).

    The child is started as a run is (its own process group, killed at the
    time limit and at the end) and sets its CPU and memory limits itself.
    """
    from .sandbox import run_tool

    home = Path(str(checker.__file__)).resolve().parents[1]
    settings = {"home": str(home), "cpu": limits.cpu, "memory": limits.memory}
    command = [
        sys.executable,
        "-I",
        str(Path(__file__).resolve()),
        json.dumps(settings),
    ]
    tool = run_tool(command, source.encode("utf-8"), limits.timeout, MAX_ANSWER)
    if tool.timed_out or tool.returncode == -getattr(signal, "SIGXCPU", 0):
        seconds = (
            f"{limits.timeout:g} s" if tool.timed_out else f"{limits.cpu} s of CPU"
        )
        return [{"code": "feedback timed out", "line": 0, "message": f"over {seconds}"}]
    if tool.returncode != 0:
        code = tool.returncode or 0
        why = signal.Signals(-code).name if -code in signal.valid_signals() else code
        return [
            {"code": "unreadable", "line": 0, "message": f"viewcheck stopped ({why})"}
        ]
    try:
        found = json.loads(tool.output)
        assert isinstance(found, list)
    except (ValueError, AssertionError):
        return [
            {"code": "unreadable", "line": 0, "message": "no answer from viewcheck"}
        ]
    return found


def child(settings: dict[str, Any]) -> None:
    """The child's side: limits, then viewcheck on standard input, as JSON."""
    try:
        import resource
    except ImportError:  # Windows: only the time limit applies
        pass
    else:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # SIGXCPU at the soft limit (read as "timed out"), SIGKILL a second on.
        cpu = settings["cpu"]
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        memory = settings["memory"]
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    source = sys.stdin.buffer.read().decode("utf-8")
    sys.path.insert(0, settings["home"])
    import viewcheck.checker

    found = findings(viewcheck.checker, source, "exercise.py")
    if len(found) > MAX_FINDINGS:
        more = len(found) - MAX_FINDINGS
        found = [*found[:MAX_FINDINGS], {"code": f"and {more} more", "line": 0}]
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    child(json.loads(sys.argv[1]))
