# SPDX-License-Identifier: MIT
"""Feedback for ``grade.py --feedback``: viewcheck's findings on a submission.

viewcheck (the analyzer beside viewlib) reads a file's source and runs none
of it, so it runs here, in the grader's own process, on the copy the grader
took before any submission ran. A submission's ``# noqa`` comments silence
findings for the student's own tools, not for the instructor: silenced
findings are shown too, marked as such.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType


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
