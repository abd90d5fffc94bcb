# SPDX-License-Identifier: MIT
"""Grade a folder of submissions: run each exercise's check on each student's file.

Usage::

    python chapters/exercises/grade.py SUBMISSIONS_DIR [--only NN-slug] [--json FILE]
                                       [--checks HIDDEN_DIR] [limits]

SUBMISSIONS_DIR holds one folder per student, and in it one folder per
exercise, named like the exercise: ``SUBMISSIONS_DIR/ada/01-shout/exercise.py``.
The script prints a table, student by exercise, and the totals.

The submissions are untrusted code, so each runs alone (instructors.md has
the threat model):

- Every file is read once, before anything runs; a symbolic link, a folder,
  a file over ``--max-size`` or one that is not UTF-8 is refused.
- Each (student, exercise) gets a fresh temporary folder holding an empty
  pytest.ini, the conftest, a copy of viewlib/, _harness.py, an empty tmp/
  and the exercise's folder (its check, its other files, that one file). The
  child's environment is an allow-list; the repository, the solutions and
  the submissions folder are not on its import path, its working directory
  or any command line it can read.
- The child has limits (time, CPU, memory, file size, processes), runs as
  the user ``nobody`` when the grader runs as root, and is killed with
  everything it started when its time is up and when it ends.
- A small pytest plugin streams each test's result to the grader over a
  pipe; the grader keeps the first report of each test. A file passes only
  if every test that the check defines ran once and passed.
- ``--checks DIR``: hidden checks, laid out like this folder, run the same
  way and shown in a column of their own.
- ``--feedback``: a column with viewcheck's findings on each file (the
  class-based-view mistakes the tutorial shows), so a failing file says why.
  viewcheck reads the file and runs none of it, in a child process with the
  run's time, CPU and memory limits: a file it cannot finish on says so in
  its cell ("unreadable", "feedback timed out").

It needs only Python's standard library and pytest (and Flask, for the
checks); the helpers are in the ``_grading`` folder next to it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

from _grading import feedback, sandbox
from _grading.submissions import MAX_BYTES, take

CHECKS = Path(__file__).resolve().parent
#: Seconds one check may take on one submission before it counts as failed.
TIMEOUT = 60
MB = 1024 * 1024
#: Where each limit applies; --help prints it.
WHERE = """\
limits, where they apply: the grader is tested on Linux, where all of them
apply. The CPU, memory (address space), file size and process limits use
Python's resource module: a system without one of them skips it and says so
in the run's output (--json); Windows has none of them. The process limit
counts processes and threads, and does not bind root. At the time limit and
at the end of each run, the child's process group is killed; on Linux, so
are processes that left the group. On macOS such a process can survive; on
Windows only pytest's own process is ended. Run the grader in a container or
a virtual machine to protect the machine itself.
"""


@dataclass
class Result:
    student: str
    exercise: str
    # "passed", "failed", "failed (no result)", "timed out", "missing",
    # or "refused: <why>"
    result: str
    passed: int = 0  # checks (tests) passed
    total: int = 0  # checks the check defines
    output: str = ""  # the tail of the run's output
    hidden: str | None = None  # the same three for the hidden checks, if any
    hidden_passed: int = 0
    hidden_total: int = 0
    #: viewcheck's findings on the file (--feedback), as dicts, or None
    feedback: list[dict[str, object]] | None = None


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


def verdict(expected: list[str], run: sandbox.Run) -> tuple[str, int, int]:
    """The result of a run, and the checks passed of those *expected*.

    A test passes if its setup, call and teardown each reported "passed"
    once: a test skipped, xfailed, missing or reported twice fails. A stream
    that broke a rule, or that stopped before pytest's end, is no result.
    """
    phases: dict[str, list[tuple[str, str]]] = {}
    for record in run.records:
        if "test" in record:
            outcome = "xfailed" if record["xfail"] else record["outcome"]
            phases.setdefault(record["test"], []).append((record["when"], outcome))
    ran_once = [("setup", "passed"), ("call", "passed"), ("teardown", "passed")]
    passed = sum(phases.get(test) == ran_once for test in expected)
    if run.timed_out:
        return "timed out", 0, 0
    if run.malformed or not run.ended:
        return "failed (no result)", passed, len(expected)
    ok = passed == len(expected) > 0
    return ("passed" if ok else "failed"), passed, len(expected)


def copy_check(source: Path, target: Path) -> None:
    """Copy a check's folder, without any exercise.py or cache in it."""
    ignore = shutil.ignore_patterns("__pycache__", "exercise.py", ".pytest_cache")
    shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)


@dataclass
class Grader:
    """Everything one grading needs: where the checks are, limits, user."""

    limits: sandbox.Limits
    account: sandbox.Account | None
    workspace: Path  # a private folder for the runs (mode 711)
    hidden: Path | None = None  # --checks DIR

    def folder(self, names: list[str], hidden: bool) -> Path:
        """A fresh run folder: pytest.ini, conftest, viewlib/, the checks."""
        work = Path(tempfile.mkdtemp(prefix="run-", dir=self.workspace))
        # An ini file of its own: no configuration from folders above applies.
        (work / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        shutil.copy(CHECKS / "conftest.py", work / "conftest.py")
        home = viewlib_home()
        if home is not None:
            copy_check(home / "viewlib", work / "viewlib")
        for name in names:
            if hidden:  # the exercise's other files (templates), not its tests
                skip = shutil.ignore_patterns("__pycache__", "exercise.py", "test_*.py")
                shutil.copytree(CHECKS / name, work / name, ignore=skip)
                assert self.hidden is not None
                copy_check(self.hidden / name, work / name)
            else:
                copy_check(CHECKS / name, work / name)
        return work

    def collect(self, names: list[str], hidden: bool) -> dict[str, list[str]]:
        """The tests each check defines, collected with no submission in place."""
        work = self.folder(names, hidden)
        args = ["-q", "-p", "no:cacheprovider", "--collect-only", *names]
        run = sandbox.run_pytest(work, args, self.limits, self.account)
        shutil.rmtree(work, ignore_errors=True)
        collected = [r for r in run.records if "collected" in r]
        tests: dict[str, list[str]] = {name: [] for name in names}
        for test in collected[0]["collected"] if collected else []:
            tests.setdefault(test.split("/")[0], []).append(test)
        empty = [name for name in names if not tests[name]]
        if empty:
            kind = "hidden check" if hidden else "check"
            raise SystemExit(
                f"grade.py: the {kind} of {', '.join(empty)} defines no test "
                f"(or fails to import):\n{run.output}"
            )
        return tests

    def run(self, exercise: str, source: Path, hidden: bool) -> sandbox.Run:
        """Run one check (the visible or the hidden one) on one staged file."""
        work = self.folder([exercise], hidden)
        shutil.copy(source, work / exercise / "exercise.py")
        args = ["-q", "-p", "no:cacheprovider", exercise]
        try:
            return sandbox.run_pytest(work, args, self.limits, self.account)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def temp_base(account: sandbox.Account | None) -> str | None:
    """Where the run folders go: the usual temporary folder, unless another
    user (``nobody``) could not pass through one of the folders above it (a
    TMPDIR inside a private folder, as under nox in a folder of mode 700);
    then the system's own /tmp, or /var/tmp."""
    if account is None:
        return None
    for base in (tempfile.gettempdir(), "/tmp", "/var/tmp"):
        path = Path(base).resolve()
        folders = [path, *path.parents]
        if path.is_dir() and all(os.stat(p).st_mode & stat.S_IXOTH for p in folders):
            return str(path)
    raise SystemExit(
        f"grade.py: {account.name} cannot reach any temporary folder: set TMPDIR "
        "to a folder that other users may pass through"
    )


def grade(
    submissions: Path,
    only: list[str] | None = None,
    timeout: float = TIMEOUT,
    jobs: int = 1,
    *,
    limits: sandbox.Limits | None = None,
    account: sandbox.Account | None = None,
    hidden: Path | None = None,
    max_bytes: int = MAX_BYTES,
    checker: ModuleType | None = None,
) -> list[Result]:
    """Run the checks (all, or those named in *only*) on every student's files.

    With *checker* (viewcheck's, from ``feedback.load``), each file read
    also gets viewcheck's findings, before anything runs.
    """
    limits = limits or sandbox.Limits(timeout=timeout, cpu=max(1, int(2 * timeout)))
    names = only or exercises()
    students = sorted(p.name for p in submissions.iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory(prefix="grade-", dir=temp_base(account)) as temp:
        workspace, staged = Path(temp, "runs"), Path(temp, "staged")
        # Others may pass through to their own run folder but list nothing;
        # the staged copies stay the grader's alone.
        workspace.mkdir(mode=0o711)
        staged.mkdir(mode=0o700)
        os.chmod(temp, 0o711)
        grader = Grader(limits, account, workspace, hidden)
        # Read every file once, before any submission runs.
        taken: dict[tuple[str, str], Path | str] = {}
        for student in students:
            for name in names:
                data = take(submissions, student, name, max_bytes)
                if isinstance(data, bytes):
                    path = staged / f"{len(taken)}.py"
                    path.write_bytes(data)
                    taken[student, name] = path
                else:
                    taken[student, name] = data
        expected = grader.collect(names, hidden=False)
        hidden_names = [n for n in names if hidden and (hidden / n).is_dir()]
        expected_hidden = grader.collect(hidden_names, True) if hidden_names else {}

        def one(pair: tuple[str, str]) -> Result:
            student, name = pair
            source = taken[pair]
            if isinstance(source, str):
                return Result(student, name, source)
            run = grader.run(name, source, hidden=False)
            result = Result(student, name, *verdict(expected[name], run), run.output)
            if checker is not None:
                text = source.read_bytes().decode("utf-8")  # take() checked it
                result.feedback = feedback.bounded(checker, text, "exercise.py", limits)
            if name in expected_hidden:
                secret = grader.run(name, source, hidden=True)
                result.hidden, result.hidden_passed, result.hidden_total = verdict(
                    expected_hidden[name], secret
                )
            return result

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, taken))


#: The table's columns: a title and what to show for a result. Add a column
#: by adding a pair.
Column = tuple[str, Callable[[Result], str]]
COLUMNS: list[Column] = [
    ("student", lambda r: r.student),
    ("exercise", lambda r: r.exercise),
    ("result", lambda r: r.result),
    ("checks", lambda r: f"{r.passed}/{r.total}" if r.total else "-"),
]
HIDDEN: Column = (
    "hidden checks",
    lambda r: f"{r.hidden} {r.hidden_passed}/{r.hidden_total}" if r.hidden else "-",
)
FEEDBACK: Column = (
    "feedback (viewcheck)",
    lambda r: feedback.summary(r.feedback) if r.feedback is not None else "-",
)
ORDER = ("passed", "failed", "failed (no result)", "timed out", "refused", "missing")


def tally(results: list[str]) -> str:
    """ "2 passed, 1 refused": how many of each result, in a fixed order."""
    counts = dict.fromkeys(ORDER, 0)
    for result in results:
        counts[result.split(":")[0]] += 1
    return ", ".join(f"{n} {name}" for name, n in counts.items() if n) or "none"


def table(results: list[Result], columns: list[Column] | None = None) -> str:
    """The results as an aligned text table, with the totals under it."""
    if columns is None:
        columns = COLUMNS + ([HIDDEN] if any(r.hidden for r in results) else [])
        columns += [FEEDBACK] if any(r.feedback is not None for r in results) else []
    rows = [[title for title, _ in columns]]
    rows += [[show(r) for _, show in columns] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    rows.insert(1, ["-" * width for width in widths])
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows
    ]
    lines.append(f"\n{len(results)} results: {tally([r.result for r in results])}")
    secret = [r.hidden for r in results if r.hidden]
    if secret:
        lines.append(f"hidden checks: {tally(secret)}")
    return "\n".join(lines)


def others_can_read(path: Path) -> bool:
    """Whether a user other than the owner (or its group) can read *path*.

    Other users reach *path* through parents they may enter (the execute
    bit), then read it if they may list it (the read bit), or, in a folder
    they may enter without listing it (mode 711), read a file inside whose
    name they know or guess: such a file counts too.
    """
    path = path.resolve()
    if not all(os.stat(p).st_mode & stat.S_IXOTH for p in path.parents):
        return False
    return readable_by_others(path)


def readable_by_others(path: Path) -> bool:
    """*path* is readable by others, or enterable and holds what is (no links)."""
    mode = os.lstat(path).st_mode
    if mode & stat.S_IROTH:
        return True
    if not (stat.S_ISDIR(mode) and mode & stat.S_IXOTH):
        return False
    try:
        entries = list(os.scandir(path))
    except OSError:
        return False
    return any(readable_by_others(Path(entry.path)) for entry in entries)


def account_for(name: str | None) -> sandbox.Account | None:
    """The user *name* (for --user), or None to run the children as ourselves."""
    if name is None:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise SystemExit(f"grade.py: there is no user {name!r}") from None
    return sandbox.Account(name, entry.pw_uid, entry.pw_gid)


RESUME = "--arguments-on-fd"


def hide_arguments(argv: list[str]) -> None:
    """Start again with the arguments on a pipe, off the command line.

    Any process can read any other's command line (/proc/PID/cmdline on
    Linux, ``ps`` anywhere), so a submission could learn the submissions
    folder from it. POSIX only: elsewhere the arguments stay where they are.
    """
    data = json.dumps(argv).encode()
    if os.name != "posix" or len(data) > 60_000:  # more than a pipe holds
        return
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)
    os.set_inheritable(read_end, True)
    script = os.path.abspath(__file__)
    os.execv(sys.executable, [sys.executable, script, RESUME, str(read_end)])


def parser() -> argparse.ArgumentParser:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    p = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n")[0],
        epilog=WHERE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("submissions", type=Path, help="one folder per student")
    p.add_argument(
        "--only",
        action="append",
        choices=exercises(),
        metavar="EXERCISE",
        help="grade only this exercise, such as 01-shout (repeat for more)",
    )
    p.add_argument(
        "--json", type=Path, metavar="FILE", help="also write the results here"
    )
    p.add_argument(
        "--checks",
        type=Path,
        metavar="DIR",
        help="hidden checks, laid out like chapters/exercises (DIR/01-shout/test_*.py)",
    )
    p.add_argument(
        "--feedback",
        action="store_true",
        help="add a column with viewcheck's findings on each file: the "
        "class-based-view mistakes it recognises, with their lines (it reads "
        "the files and runs none of them, in a child process with the run's "
        "time, CPU and memory limits)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="grade N files at a time (default 1: runs at the same time share a "
        "user, and one could signal or starve another)",
    )
    limits = p.add_argument_group("limits of one run (one check on one file)")
    limits.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT,
        metavar="SECONDS",
        help=f"wall-clock time (default {TIMEOUT})",
    )
    limits.add_argument(
        "--cpu",
        type=int,
        metavar="SECONDS",
        help="CPU time, all threads together (default: twice the timeout, so that "
        "a one-thread loop is 'timed out')",
    )
    limits.add_argument(
        "--memory",
        type=int,
        default=2048,
        metavar="MB",
        help="address space (default 2048)",
    )
    limits.add_argument(
        "--file-size",
        type=int,
        default=64,
        metavar="MB",
        help="largest file the run may write (default 64)",
    )
    limits.add_argument(
        "--processes",
        type=int,
        default=64,
        metavar="N",
        help="processes and threads the run may add to its user's (default 64)",
    )
    limits.add_argument(
        "--output",
        type=int,
        default=8,
        metavar="KB",
        help="the tail of its output kept for --json (default 8)",
    )
    limits.add_argument(
        "--max-size",
        type=int,
        default=MAX_BYTES // 1024,
        metavar="KB",
        help=f"largest submission accepted (default {MAX_BYTES // 1024})",
    )
    user = p.add_mutually_exclusive_group()
    user.add_argument(
        "--user",
        default="nobody" if root else None,
        metavar="NAME",
        help="run the children as this user (needs root; default as root: nobody)",
    )
    user.add_argument(
        "--as-me",
        dest="user",
        action="store_const",
        const=None,
        help="run the children as the user running grade.py",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    hidden_args = argv is None and sys.argv[1:2] == [RESUME]
    if hidden_args:
        with open(int(sys.argv[2]), "rb") as pipe:
            argv = json.loads(pipe.read())
    args = parser().parse_args(argv)
    if argv is None:  # from the command line: move the arguments off it
        hide_arguments(sys.argv[1:])
    if not args.submissions.is_dir():
        parser().error(f"{args.submissions} is not a folder")
    if args.checks is not None and not args.checks.is_dir():
        parser().error(f"{args.checks} is not a folder")
    account = account_for(args.user)
    if account is not None and os.geteuid() != 0:
        parser().error("--user needs root")
    submissions = args.submissions.resolve()
    report = args.json.resolve() if args.json else None
    hidden = args.checks.resolve() if args.checks else None
    if hidden_args:
        os.chdir("/")  # our working directory tells nothing either
    if account is None:
        print(
            "grade.py: the submissions run as you: they can read and change "
            "what you can",
            file=sys.stderr,
        )
    else:
        solutions = CHECKS.parent.parent / "tests" / "exercise_solutions"
        private = [submissions, hidden, solutions if solutions.is_dir() else None]
        for folder in filter(None, private):
            if others_can_read(folder):
                print(
                    f"grade.py: warning: {account.name} (so the graded code) can read "
                    f"{folder}: `chmod o-rwx` it",
                    file=sys.stderr,
                )
    limits = sandbox.Limits(
        timeout=args.timeout,
        cpu=args.cpu or max(1, int(2 * args.timeout)),
        memory=args.memory * MB,
        file_size=args.file_size * MB,
        processes=args.processes,
        output=args.output * 1024,
    )
    checker = feedback.load(CHECKS) if args.feedback else None
    if args.feedback and checker is None:
        parser().error("--feedback needs viewcheck/ in a folder above grade.py")
    sandbox.become_subreaper()
    results = grade(
        submissions,
        args.only,
        jobs=args.jobs,
        limits=limits,
        account=account,
        hidden=hidden,
        max_bytes=args.max_size * 1024,
        checker=checker,
    )
    print(table(results))
    if report:
        report.write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
