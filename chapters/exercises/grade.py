# SPDX-License-Identifier: MIT
"""Grade a folder of submissions: run each exercise's check on each student's file.

Usage::

    python chapters/exercises/grade.py SUBMISSIONS_DIR [--only NN-slug] [--json FILE]

SUBMISSIONS_DIR holds one folder per student, and in it one folder per
exercise, named like the exercise: ``SUBMISSIONS_DIR/ada/01-shout/exercise.py``.
For every student and every exercise next to this script, the check runs
in a temporary folder of its own (a copy of the exercise folder with the
student's ``exercise.py`` in it) with pytest in a separate process and a time
limit. The script prints a table, student by exercise, and the totals.

It needs only Python's standard library and pytest (and Flask, for the
checks). The students' code runs with your permissions: grade code you do not
trust in a container or as a user who can do no harm.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

CHECKS = Path(__file__).resolve().parent
#: Seconds one check may take on one submission before it counts as failed.
TIMEOUT = 60


@dataclass
class Result:
    student: str
    exercise: str
    result: str  # "passed", "failed", "timed out" or "missing"
    passed: int = 0  # checks (tests) passed
    total: int = 0  # checks run


def exercises(checks: Path = CHECKS) -> list[str]:
    """The names of the exercise folders: those that hold a check."""
    return sorted(
        p.name for p in checks.iterdir() if (p / "test_exercise.py").is_file()
    )


def viewlib_home() -> Path | None:
    """The folder that holds viewlib/ (the repository or the kit), if any."""
    for folder in CHECKS.parents:
        if (folder / "viewlib" / "__init__.py").is_file():
            return folder
    return None


def run_check(exercise: str, submission: Path, timeout: float) -> tuple[str, int, int]:
    """Run one check on one file; return the result and the checks passed/run."""
    with tempfile.TemporaryDirectory(prefix="grade-") as temp:
        work = Path(temp)
        # An ini file of its own: no configuration from folders above applies.
        (work / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        shutil.copy(CHECKS / "conftest.py", work / "conftest.py")
        shutil.copytree(
            CHECKS / exercise,
            work / exercise,
            ignore=shutil.ignore_patterns("__pycache__", "exercise.py"),
        )
        shutil.copy(submission, work / exercise / "exercise.py")
        env = {k: v for k, v in os.environ.items() if k != "EXERCISE_MODULE_PATH"}
        # The checks need no pytest plugins; whatever else is installed stays out.
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        home = viewlib_home()
        if home is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(home), env.get("PYTHONPATH")])
            )
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        command += ["--junitxml=report.xml", exercise]
        try:
            subprocess.run(
                command,
                cwd=work,
                env=env,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "timed out", 0, 0
        report = work / "report.xml"
        if not report.is_file():
            return "failed", 0, 0
        suite = ET.parse(report).getroot().find("testsuite")
        if suite is None:
            return "failed", 0, 0
        counts = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors")}
        passed = counts["tests"] - counts["failures"] - counts["errors"]
        passed -= int(suite.get("skipped", 0))
        ok = counts["tests"] > 0 and counts["failures"] + counts["errors"] == 0
        return ("passed" if ok else "failed"), passed, counts["tests"]


def grade(
    submissions: Path,
    only: list[str] | None = None,
    timeout: float = TIMEOUT,
    jobs: int | None = None,
) -> list[Result]:
    """Run the checks (all, or those named in *only*) on every student's files."""
    students = sorted(p.name for p in submissions.iterdir() if p.is_dir())
    pairs = [(s, e) for s in students for e in only or exercises()]

    def one(pair: tuple[str, str]) -> Result:
        student, exercise = pair
        submission = submissions / student / exercise / "exercise.py"
        if not submission.is_file():
            return Result(student, exercise, "missing")
        return Result(student, exercise, *run_check(exercise, submission, timeout))

    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
        return list(pool.map(one, pairs))


def table(results: list[Result]) -> str:
    """The results as an aligned text table, with the totals under it."""
    rows = [["student", "exercise", "result", "checks"]]
    for r in results:
        checks = f"{r.passed}/{r.total}" if r.total else "-"
        rows.append([r.student, r.exercise, r.result, checks])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rows.insert(1, ["-" * width for width in widths])
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows
    ]
    tally = dict.fromkeys(("passed", "failed", "timed out", "missing"), 0)
    for r in results:
        tally[r.result] += 1
    totals = ", ".join(f"{n} {name}" for name, n in tally.items() if n)
    lines.append(f"\n{len(results)} results: {totals or 'none'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, help="one folder per student")
    parser.add_argument(
        "--only",
        action="append",
        choices=exercises(),
        metavar="EXERCISE",
        help="grade only this exercise, such as 01-shout (repeat for more)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="also write the results here"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT,
        metavar="SECONDS",
        help=f"time limit of one check on one file (default {TIMEOUT})",
    )
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    results = grade(args.submissions, args.only, timeout=args.timeout)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
