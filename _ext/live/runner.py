# SPDX-License-Identifier: MIT
"""The Python half of live.js: runs a page's examples in the browser.

Pyodide imports this file when the reader first presses a control (the Sphinx
build only copies it). It runs the examples as conftest.py has sybil run
them: in order, in one namespace per page whose ``__name__`` is
``"__main__"``; a module's docstrings in a copy of that module's namespace;
doctest sessions with ELLIPSIS and NORMALIZE_WHITESPACE. Each function answers
live.js in JSON.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import importlib
import io
import json
import os
import re
import sys
import tempfile
import traceback
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import Any

#: conftest.DOCTEST_FLAGS
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
#: Where live.js unpacks local.zip: this checkout's viewlib/, chapters/apps/...
LOCAL = Path("/home/pyodide/local")
APPS = LOCAL / "chapters" / "apps"
namespaces: dict[str, dict[str, Any]] = {}

# As pytest runs the pages: from the checkout's root, with chapters/apps on
# the path (pyproject.toml), so `import viewlib` and `import hello` work.
if LOCAL.is_dir():
    os.chdir(LOCAL)
    sys.path[:0] = [str(LOCAL), str(APPS)]


def reset() -> None:
    """Start afresh, as a new test run: empty namespaces, apps imported again."""
    namespaces.clear()
    for name, module in list(sys.modules.items()):
        if APPS in Path(getattr(module, "__file__", None) or "/").parents:
            del sys.modules[name]


def namespace(key: str) -> dict[str, Any]:
    if key not in namespaces:
        if key:  # sybil runs a module's docstrings in a copy of its namespace
            namespaces[key] = dict(vars(importlib.import_module(key)))
        else:  # conftest.start_document, on viewlib
            namespaces[key] = {"__name__": "__main__", "IMPLEMENTATION": "viewlib"}
            for name in ("flask", "werkzeug"):  # as conftest.start_document
                release = re.findall(r"\d+", version(name))[:3]
                namespaces[key][f"{name.upper()}_VERSION"] = tuple(
                    int(part) for part in release
                )
    return namespaces[key]


def skip_reason(argument: str | None, key: str) -> str | None:
    """sybil's ``% skip: next|start <argument>``: why examples are skipped, or None."""
    if argument is None:
        return None
    if not argument:
        return "skip"
    scope = dict(namespace(key))
    if argument.startswith("if"):  # if(condition, reason=...), as sybil reads it
        scope["if_"] = lambda condition, reason=None: (
            (reason or "skipped") if condition else None
        )
        argument = "if_" + argument[2:]
    reason = eval(argument, scope)
    return str(reason) if reason else None


def shown(error: BaseException) -> str:
    """The traceback, less this file's own frame."""
    tb: TracebackType | None = error.__traceback__
    if tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def execute(source: str, scope: dict[str, Any], filename: str) -> tuple[str, bool]:
    """Run a code block: what it printed, then its last expression's value."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            tree = ast.parse(source, filename)
            # A final expression is evaluated apart, to show its value.
            last = tree.body.pop() if tree.body else None
            if not isinstance(last, ast.Expr):
                tree.body += [last] if last else []
                last = None
            exec(compile(tree, filename, "exec"), scope)
            if last is not None:
                expression = ast.Expression(last.value)
                value = eval(compile(expression, filename, "eval"), scope)
                if value is not None:
                    print(repr(value))
        except BaseException as error:
            output.write(shown(error))
            return output.getvalue(), False
    return output.getvalue(), True


def interact(source: str, scope: dict[str, Any], filename: str) -> tuple[str, bool]:
    """Run one statement as Python's prompt does (its value echoed)."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            exec(compile(source, filename, "single"), scope)
        except BaseException as error:
            output.write(shown(error))
            return output.getvalue(), False
    return output.getvalue(), True


def prompted(source: str) -> str:
    lines = source.rstrip("\n").splitlines()
    return "".join(
        f"{'>>>' if i == 0 else '...'} {line}\n" for i, line in enumerate(lines)
    )


def skipped(
    skip: str | None, skip_all: str | None, key: str
) -> tuple[str | None, bool]:
    """Why a block's examples are skipped (or None), and whether all or the first.

    ``% skip: next`` skips one example, ``% skip: start`` every one until
    ``% skip: end``, as sybil does.
    """
    if skip_all is not None:
        return skip_reason(skip_all, key), True
    return skip_reason(skip, key), False


def run(
    kind: str, source: str, key: str, skip: str | None, skip_all: str | None, name: str
) -> str:
    """The Run control: the output of one block (a session: as typed at the prompt)."""
    scope = namespace(key)
    reason, every = skipped(skip, skip_all, key)
    if kind == "code":
        if reason:
            return json.dumps({"output": f"skipped: {reason}", "ok": True})
        output, ok = execute(source, scope, name)
        return json.dumps({"output": output, "ok": ok})
    transcript, ok = [], True
    for number, example in enumerate(doctest.DocTestParser().get_examples(source)):
        transcript.append(prompted(example.source))
        if reason and (every or number == 0):
            transcript.append(f"(skipped: {reason})\n")
            continue
        output, ran = interact(example.source, scope, name)
        transcript.append(output)
        ok = ok and ran
    return json.dumps({"output": "".join(transcript), "ok": ok})


class Recorder(doctest.DocTestRunner):
    """A doctest runner that keeps each failure's expected and actual output."""

    def __init__(self) -> None:
        super().__init__(optionflags=FLAGS)
        self.problems: list[dict[str, str]] = []

    def report_start(self, out: Any, test: Any, example: Any) -> None:
        pass

    def report_success(self, out: Any, test: Any, example: Any, got: str) -> None:
        pass

    def report_failure(self, out: Any, test: Any, example: Any, got: str) -> None:
        self.problems.append(
            {
                "source": prompted(example.source),
                "expected": example.want,
                "actual": got,
            }
        )

    def report_unexpected_exception(
        self, out: Any, test: Any, example: Any, exc_info: Any
    ) -> None:
        tb = exc_info[2].tb_next  # doctest's own frame
        actual = "".join(traceback.format_exception(exc_info[0], exc_info[1], tb))
        self.problems.append(
            {
                "source": prompted(example.source),
                "expected": example.want,
                "actual": actual,
            }
        )


def check(
    kind: str, source: str, key: str, skip: str | None, skip_all: str | None, name: str
) -> str:
    """Check this page, one block: how many examples passed, failed, were skipped."""
    scope = namespace(key)
    reason, every = skipped(skip, skip_all, key)
    if kind == "code":
        if reason:
            return json.dumps({"passed": 0, "failed": 0, "skipped": 1, "failures": []})
        output, ok = execute(source, scope, name)
        # The block itself is on the page, above its output.
        failures = [] if ok else [{"source": "", "expected": "", "actual": output}]
        return json.dumps(
            {
                "passed": int(ok),
                "failed": int(not ok),
                "skipped": 0,
                "failures": failures,
            }
        )
    test = doctest.DocTestParser().get_doctest(source, {}, name, name, 0)
    test.globs = scope  # the page's namespace itself, as sybil's DocTest keeps it
    skips = (
        (len(test.examples) if every else min(1, len(test.examples))) if reason else 0
    )
    test.examples = test.examples[skips:]
    recorder = Recorder()
    failed, attempted = recorder.run(test, out=lambda text: None, clear_globs=False)
    return json.dumps(
        {
            "passed": attempted - failed,
            "failed": failed,
            "skipped": skips,
            "failures": recorder.problems,
        }
    )


def count(kind: str, source: str) -> int:
    """How many examples sybil makes of a block (for the local-only ones)."""
    if kind == "code":
        return 1
    return len(doctest.DocTestParser().get_examples(source))


class Outcomes:
    """A pytest plugin that keeps each test's outcome."""

    def __init__(self) -> None:
        self.tests: list[dict[str, str]] = []

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call" or report.outcome == "failed":
            message = (
                report.longreprtext.strip().splitlines()[-1:] if report.failed else []
            )
            name = report.nodeid.split("::", 1)[-1]
            self.tests.append(
                {"name": name, "outcome": report.outcome, "message": "".join(message)}
            )

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.tests.append(
                {
                    "name": "collecting the checks",
                    "outcome": "failed",
                    "message": report.longreprtext.strip()[-2000:],
                }
            )


def check_exercise(exercise: str, source: str) -> str:
    """Run an exercise's checks with pytest on the reader's code."""
    import pytest

    folder = LOCAL / "chapters" / "exercises" / exercise
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exercise.py"
        path.write_text(source)
        # chapters/exercises/conftest.py loads this file instead of exercise.py.
        os.environ["EXERCISE_MODULE_PATH"] = str(path)
        outcomes = Outcomes()
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                pytest.main(
                    [
                        str(folder),
                        "-q",
                        "-p",
                        "no:cacheprovider",
                        f"--rootdir={folder.parent}",
                    ],
                    plugins=[outcomes],
                )
        finally:
            del os.environ["EXERCISE_MODULE_PATH"]
    passed = sum(test["outcome"] == "passed" for test in outcomes.tests)
    return json.dumps(
        {
            "passed": passed,
            "failed": sum(test["outcome"] == "failed" for test in outcomes.tests),
            "tests": outcomes.tests,
        }
    )
