# SPDX-License-Identifier: MIT
"""The Python half of live.js: runs a page's examples in the browser.

Pyodide imports this file when the reader first presses a control (the Sphinx
build only copies it). It runs the examples as conftest.py has sybil run
them: in order, in one namespace per page whose ``__name__`` is
``"__main__"``; a module's docstrings in a copy of that module's namespace;
doctest sessions with ELLIPSIS and NORMALIZE_WHITESPACE. Each function answers
live.js in JSON.

It runs inside a Web Worker (``live-worker.js``), never on the page's own
thread, so a long run cannot freeze the page: the page stops it by ending the
worker. What a run prints goes to the page in chunks while it runs (through
the function ``set_sink`` is given), and at most ``LIMIT`` characters of it:
the rest is counted, not kept, so a huge print cannot exhaust the page.
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
import time
import traceback
from collections.abc import Callable, Iterator
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
#: The most characters of output one run keeps and shows; the rest is counted.
LIMIT = 100_000
#: Output reaches the page as it is written for the first ``EAGER`` writes of
#: a run; after that in pieces of about ``CHUNK`` characters, or sooner when
#: ``FLUSH_SECONDS`` have passed since the last one (a program that prints a
#: lot then sends a few dozen messages, not one per print).
EAGER = 200
CHUNK = 8_192
FLUSH_SECONDS = 0.1
sink: Callable[[str], None] | None = None


def set_sink(function: Callable[[str], None] | None) -> None:
    """Where each chunk of a run's output goes (the worker posts it to the page)."""
    global sink
    sink = function


class Capped(io.TextIOBase):
    """A stdout that keeps the first ``limit`` characters and counts the rest.

    What it keeps goes to ``sink`` in chunks as it comes.
    """

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.kept: list[str] = []
        self.shown = 0  # characters kept
        self.omitted = 0  # characters counted, not kept
        self.pending: list[str] = []
        self.pending_size = 0
        self.writes = 0
        self.last = time.monotonic()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = max(0, self.limit - self.shown)
        part = text[:room]
        self.omitted += len(text) - len(part)
        if part:
            self.kept.append(part)
            self.shown += len(part)
            self.pending.append(part)
            self.pending_size += len(part)
            self.writes += 1
            now = time.monotonic()
            if (
                self.writes <= EAGER
                or self.pending_size >= CHUNK
                or now - self.last >= FLUSH_SECONDS
            ):
                self.flush()
        return len(text)

    def flush(self) -> None:
        if self.pending and sink is not None:
            text = "".join(self.pending)
            for start in range(0, len(text), CHUNK):
                sink(text[start : start + CHUNK])
        self.pending, self.pending_size = [], 0
        self.last = time.monotonic()

    def getvalue(self) -> str:
        return "".join(self.kept)

    def summary(self) -> dict[str, Any]:
        """The kept output and the count of the rest, for the run's result."""
        self.flush()
        return {"output": self.getvalue(), "omitted": self.omitted}


@contextlib.contextmanager
def captured(stream: io.TextIOBase) -> Iterator[None]:
    """stdout and stderr into *stream*, for one run."""
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        yield


def capped(text: str) -> str:
    """At most ``LIMIT`` characters of *text*, saying how many more there were."""
    if len(text) <= LIMIT:
        return text
    return f"{text[:LIMIT]}\n… {len(text) - LIMIT} more characters not shown\n"


# As pytest runs the pages: from the checkout's root, with chapters/apps on
# the path (pyproject.toml), so `import viewlib` and `import hello` work.
if LOCAL.is_dir():
    os.chdir(LOCAL)
    sys.path[:0] = [str(LOCAL), str(APPS)]


def local_modules() -> dict[str, Any]:
    """The imported modules from local.zip: viewlib, the apps, the exercises."""
    return {
        name: module
        for name, module in list(sys.modules.items())
        if LOCAL in Path(getattr(module, "__file__", None) or "/").parents
    }


def reset() -> None:
    """Start afresh, as a new test run: empty namespaces, local modules imported again.

    The page checks in a new worker (a fresh interpreter) anyway; this also
    forgets viewlib and the apps, whatever an earlier run did to them.
    """
    namespaces.clear()
    for name in local_modules():
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


def execute(
    source: str, scope: dict[str, Any], filename: str, out: io.TextIOBase
) -> tuple[bool, Any]:
    """Run a code block, its output to *out*: whether it ran, its last value.

    A final expression's value is printed, as at Python's prompt.
    """
    with captured(out):
        try:
            tree = ast.parse(source, filename)
            # A final expression is evaluated apart, to show its value.
            last = tree.body.pop() if tree.body else None
            if not isinstance(last, ast.Expr):
                tree.body += [last] if last else []
                last = None
            exec(compile(tree, filename, "exec"), scope)
            value = None
            if last is not None:
                expression = ast.Expression(last.value)
                value = eval(compile(expression, filename, "eval"), scope)
                if value is not None:
                    print(repr(value))
        except BaseException as error:  # SystemExit and KeyboardInterrupt too
            out.write(shown(error))
            return False, None
    return True, value


class Example(io.TextIOBase):
    """One doctest example's output: kept (up to LIMIT) and passed on."""

    def __init__(self, out: io.TextIOBase) -> None:
        self.out = out
        self.kept = Capped()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.out.write(text)


def interact(
    source: str, scope: dict[str, Any], filename: str, out: Example
) -> BaseException | None:
    """Run one statement as Python's prompt does (its value echoed): its error."""
    with captured(out):
        try:
            exec(compile(source, filename, "single"), scope)
        except BaseException as error:
            out.write(shown(error))
            return error
    return None


def matches(example: doctest.Example, got: str, error: BaseException | None) -> bool:
    """Whether an example's output is what the page shows, as doctest judges."""
    checker = doctest.OutputChecker()
    if error is None or example.exc_msg is None:
        return checker.check_output(example.want, got, FLAGS)
    last = traceback.format_exception_only(type(error), error)[-1]
    return checker.check_output(example.exc_msg, last, FLAGS)


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
    """The Run control: the output of one block (a session: as typed at the prompt).

    The answer: ``output`` (at most LIMIT characters, also sent in chunks),
    ``omitted`` (how many more there were), ``ok`` (no exception) and, for a
    session, ``differences``: each example whose output is not the one
    written below its prompt, with both.
    """
    out = Capped()
    scope = namespace(key)
    reason, every = skipped(skip, skip_all, key)
    if kind == "code":
        if reason:
            out.write(f"skipped: {reason}")
            return json.dumps({**out.summary(), "ok": True})
        ok, _ = execute(source, scope, name, out)
        return json.dumps({**out.summary(), "ok": ok})
    ok, differences, compared = True, [], 0
    for number, example in enumerate(doctest.DocTestParser().get_examples(source)):
        out.write(prompted(example.source))
        if reason and (every or number == 0):
            out.write(f"(skipped: {reason})\n")
            continue
        got = Example(out)
        error = interact(example.source, scope, name, got)
        ok = ok and error is None
        compared += 1
        if not matches(example, got.kept.getvalue(), error):
            actual = got.kept.getvalue()
            if got.kept.omitted:
                actual += f"… {got.kept.omitted} more characters not shown\n"
            differences.append(
                {
                    "source": prompted(example.source),
                    "expected": capped(example.want),
                    "actual": actual,
                }
            )
    return json.dumps(
        {**out.summary(), "ok": ok, "compared": compared, "differences": differences}
    )


def evaluate(source: str, key: str | None = None) -> str:
    """Run any snippet and answer in structured form, for tools in the page.

    In the page's namespace *key* ("" for the page's examples), or in a
    namespace of its own when *key* is None. The answer: ``output`` and
    ``omitted`` as for ``run``, ``ok``, and ``value``: the final expression's
    value as JSON if it converts (a dict, a list, a string...), else its repr.
    """
    out = Capped()
    scope = {"__name__": "__live__"} if key is None else namespace(key)
    ok, value = execute(source + "\n", scope, "<snippet>", out)
    try:
        converted = json.loads(json.dumps(value))
    except (TypeError, ValueError):
        converted = repr(value)
    return json.dumps({**out.summary(), "ok": ok, "value": converted})


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
                "expected": capped(example.want),
                "actual": capped(got),
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
                "expected": capped(example.want),
                "actual": capped(actual),
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
        out = Capped()
        ok, _ = execute(source, scope, name, out)
        # The block itself is on the page, above its output.
        actual = out.getvalue() + (
            f"… {out.omitted} more characters not shown\n" if out.omitted else ""
        )
        failures = [] if ok else [{"source": "", "expected": "", "actual": actual}]
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


#: The name under which a failure or skip of the whole check file is listed.
COLLECTING = "collecting the checks"


#: pytest's line after a shortened comparison ("Use -v to get more diff"),
#: which a reader in the page cannot act on.
RERUN_HINT = re.compile(r"\s*Use -v+ to get (?:more|the full) diff\.?\s*")


class Outcomes:
    """A pytest plugin that keeps each check's outcome and, for a failure, the
    message pytest prints in its summary (an assertion's message: the hint)."""

    def __init__(self) -> None:
        self.tests: list[dict[str, str]] = []

    def add(self, name: str, outcome: str, message: str) -> None:
        # pytest's advice to rerun with -v means nothing in the page: dropped.
        lines = [
            line for line in message.splitlines() if not RERUN_HINT.fullmatch(line)
        ]
        entry = {"name": name, "outcome": outcome, "message": capped("\n".join(lines))}
        for number, test in enumerate(self.tests):
            if test["name"] == name:  # a teardown's failure after a pass
                if outcome != "passed":
                    self.tests[number] = entry
                return
        self.tests.append(entry)

    def pytest_runtest_logreport(self, report: Any) -> None:
        name = report.nodeid.split("::", 1)[-1]
        if report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash else report.longreprtext.strip()
            self.add(name, "failed", message)
        elif report.skipped:  # longrepr: (file, line, "Skipped: why")
            self.add(name, "skipped", str(report.longrepr[-1]))
        elif report.when == "call":
            self.add(name, "passed", "")

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.add(COLLECTING, "failed", report.longreprtext.strip())
        elif report.skipped:  # a pytest.skip() at a module's top level
            self.add(COLLECTING, "skipped", str(report.longrepr[-1]))


def expected_checks(folder: Path) -> list[str]:
    """The test functions a check file defines (a Test class's methods too)."""
    path = folder / "test_exercise.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("test"):
                names.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names += [
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                and item.name.startswith("test")
            ]
    return names


@contextlib.contextmanager
def fresh_local_modules() -> Iterator[None]:
    """Local modules (viewlib...) imported afresh inside, the page's ones after.

    A check sees viewlib as shipped, whatever the page's examples did to it,
    and the page's examples keep the modules they had.
    """
    kept = local_modules()
    for name in kept:
        del sys.modules[name]
    try:
        yield
    finally:
        for name in local_modules():
            del sys.modules[name]
        sys.modules.update(kept)


def check_exercise(exercise: str, source: str) -> str:
    """Run an exercise's checks with pytest on the reader's code.

    A check that is skipped, or that did not run at all, has not passed: the
    answer counts it under ``not_passed`` and lists it.
    """
    import pytest

    folder = LOCAL / "chapters" / "exercises" / exercise
    outcomes = Outcomes()
    with tempfile.TemporaryDirectory() as tmp, fresh_local_modules():
        path = Path(tmp) / "exercise.py"
        path.write_text(source)
        # chapters/exercises/conftest.py loads this file instead of exercise.py.
        os.environ["EXERCISE_MODULE_PATH"] = str(path)
        output = Capped()
        try:
            with captured(output):
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
    ran = {test["name"].split("[")[0] for test in outcomes.tests}
    for name in expected_checks(folder):
        if name not in ran:
            outcomes.add(name, "missing", "did not run")
    checks = [test for test in outcomes.tests if test["name"] != COLLECTING]
    passed = sum(test["outcome"] == "passed" for test in checks)
    return json.dumps(
        {
            "passed": passed,
            "failed": sum(test["outcome"] == "failed" for test in checks),
            "not_passed": len(checks) - passed,
            "tests": outcomes.tests,
        }
    )


#: The most characters of source "Check my view" analyses: a whole module is
#: far less; a larger paste is refused with a message, not parsed.
VIEWCHECK_LIMIT = 200_000
#: The most findings one answer lists; the rest are counted (``omitted``).
VIEWCHECK_SHOWN = 100


def viewcheck(source: str) -> str:
    """The "Check my view" panel: viewcheck's findings on the reader's code, never run.

    ``viewcheck.check_source`` only parses the source (``ast``) and reads its
    syntax tree, so nothing the reader wrote is executed. The answer:
    ``findings`` (each ``Finding.as_dict()``, in line order, at most
    ``VIEWCHECK_SHOWN``), ``omitted`` (how many more there were) and ``error``:
    None, or ``{"line", "message"}`` when the code cannot be analysed (a
    syntax error, a paste over ``VIEWCHECK_LIMIT`` characters, nesting too
    deep to analyse, which viewcheck reports as a ``SyntaxError``).
    """
    from viewcheck import check_source

    def refused(line: int | None, message: str) -> str:
        error = {"line": line, "message": message}
        return json.dumps({"findings": [], "omitted": 0, "error": error})

    if len(source) > VIEWCHECK_LIMIT:
        return refused(
            None,
            f"the code is {len(source):,} characters long; "
            f"Check my view reads at most {VIEWCHECK_LIMIT:,}",
        )
    try:
        findings = check_source(source, "<your code>")
    except SyntaxError as error:  # also what viewcheck raises for too deep a nesting
        return refused(error.lineno, f"{type(error).__name__}: {error.msg}")
    shown = [finding.as_dict() for finding in findings[:VIEWCHECK_SHOWN]]
    omitted = len(findings) - len(shown)
    return json.dumps({"findings": shown, "omitted": omitted, "error": None})
