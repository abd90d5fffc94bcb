"""viewcheck on hostile files: it ends, says why, and never takes its caller down.

A file can attack the analyzer two ways. On Python 3.9 and 3.10, CPython's
own parser crashes the process (a segmentation fault) on an expression
nested about 100,000 deep; viewcheck parses a large file in a child first
there, and reports the crash as a file it cannot parse (exit status 2).
And a long construct must cost time in proportion to its length: the
checker's steps are counted (no timings) on files of two sizes.

This file runs on Python 3.9 too; its tests that need another Python find
``python3.9`` on the PATH (CI puts pyenv's there).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from viewcheck import checker

ROOT = Path(__file__).parent.parent
STARTER = ROOT / "chapters" / "exercises" / "10-bug-hunt" / "exercise.py"
#: A file that crashes the parser of Python 3.9 and 3.10 (about 400 KB).
CRASHING = "x = " + "a+" * 200_000 + "a\n"
TIMEOUT = 120


def python(version: str) -> str:
    """This Python (``"this"``), or one of that version on the PATH, or a skip."""
    if version == "this":
        return sys.executable
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        found = shutil.which(f"python{version}", path=folder)
        if not found:
            continue
        probe = subprocess.run(
            [found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        if probe.stdout.strip() == version:
            return found
    if os.environ.get("CI"):
        pytest.fail(f"CI needs python{version} on the PATH")
    pytest.skip(f"no Python {version} on the PATH")


def run(
    executable: str, *args: str, **options: Any
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [executable, *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=env,
        **options,
    )


@pytest.mark.parametrize("version", ["this", "3.9", "3.10"])
def test_a_file_that_crashes_the_parser_is_exit_2_and_the_rest_is_checked(
    version: str, tmp_path: Path
) -> None:
    # Chapter 10, "Feedback on your own views": exit status 0, 1 or 2.
    executable = python(version)
    crash = run(
        executable, "-c", "import ast, sys; ast.parse(sys.stdin.read())", input=CRASHING
    )
    evil = tmp_path / "evil.py"
    evil.write_text(CRASHING)
    shutil.copy(STARTER, tmp_path / "starter.py")
    result = run(
        executable, "-m", "viewcheck", str(evil), str(tmp_path / "starter.py"), cwd=ROOT
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert [line.split()[1] for line in result.stdout.splitlines()] == [
        "CBV102",
        "CBV112",
        "CBV112",
        "CBV110",
    ]
    (problem,) = [line for line in result.stderr.splitlines() if "evil.py" in line]
    if crash.returncode < 0:  # this Python's parser crashes (3.9, 3.10)
        assert problem.endswith("parser crashed on it (SIGSEGV); too deeply nested")
    else:  # it raises RecursionError instead (3.11 and later)
        assert problem.endswith(
            "cannot parse: too deeply nested to analyse (RecursionError)"
        )
    assert problem.startswith(f"viewcheck: {evil}:1: cannot parse: ")


@pytest.mark.parametrize("version", ["this", "3.9", "3.10"])
def test_a_file_below_the_child_threshold_does_not_crash_the_parser(
    version: str,
) -> None:
    # The margin of checker.CHILD_PARSE_CHARS: each deep form at that size
    # parses (or raises) in place, even with a C stack six times smaller
    # than Linux's usual 8 MiB.
    executable = python(version)
    size = checker.CHILD_PARSE_CHARS
    forms = {"binary": "a+", "attribute": ".b", "call": "()", "subscript": "[0]"}
    limit = 8 * 1024 * 1024 // 6
    script = (
        "import ast, resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_STACK, ({limit}, {limit}))\n"
        "import os; os.execv(sys.executable, [sys.executable, '-c', "
        "'import ast, sys; ast.parse(sys.stdin.read())'])\n"
    )
    for name, piece in forms.items():
        source = "x = a" + piece * (size // len(piece)) + "\n"
        if piece == "a+":
            source = "x = " + "a+" * (size // 2) + "a\n"
        result = run(executable, "-c", script, input=source)
        assert result.returncode in (0, 1), (name, result.returncode)


def step_count(source: str) -> int:
    """How many lines of the checker's own code analysing *source* runs."""
    steps = 0
    here = checker.__file__

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal steps
        if frame.f_code.co_filename != here:
            return None
        if event == "line":
            steps += 1
        return trace

    sys.settrace(trace)
    try:
        checker.analyse(source, "long.py")
    finally:
        sys.settrace(None)
    return steps


HEAD = "from flask.views import MethodView, View\n"
SHAPES: dict[str, Callable[[int], str]] = {
    # The review's case: names[:index] per item, and any() over them.
    "decorators": lambda n: (
        HEAD
        + "class R(View):\n    decorators = ["
        + ",".join(["a"] * n + ["cache"] * n)
        + "]\n"
    ),
    "classes": lambda n: (
        HEAD
        + "".join(
            f"class C{i}(MethodView):\n    def get(self): pass\n" for i in range(n)
        )
    ),
    "subclasses": lambda n: (
        HEAD
        + "class C0(View): pass\n"
        + "".join(f"class C{i + 1}(C{i}): x = []\n" for i in range(n))
    ),
    "as_view": lambda n: (
        HEAD
        + "class C(View):\n    def dispatch_request(self): pass\n"
        + "".join(
            f"app.add_url_rule('/', view_func=C.as_view('e{i}'))\n" for i in range(n)
        )
    ),
    "handlers": lambda n: (
        HEAD
        + "class C(MethodView):\n    init_every_request = False\n"
        + "".join(
            f"    def m{i}(self): self.a{i} = []; self.post()\n" for i in range(n)
        )
    ),
    "late handlers": lambda n: (
        HEAD
        + "class C(MethodView):\n    def get(self): pass\n"
        + "".join(f"C.post{i} = f\nC.post = f\n" for i in range(n))
    ),
    "methods": lambda n: (
        HEAD + "class C(MethodView):\n    methods = [" + ",".join(["'PUT'"] * n) + "]\n"
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_checkers_work_grows_in_proportion_to_the_file(shape: str) -> None:
    # Steps counted, not timed: doubling a construct at most doubles the
    # work (plus a margin); a quadratic path would about quadruple it.
    make = SHAPES[shape]
    small, large = step_count(make(400)), step_count(make(800))
    assert large < 2.3 * small, (small, large)
