# SPDX-License-Identifier: MIT
"""How pytest runs the exercise checks (pytest reads this file by itself).

Each folder here is one exercise: ``exercise.py`` is the student's file, and
``test_exercise.py`` is its check. Run one check with::

    pytest chapters/exercises/01-shout

- A check runs only when you ask for it by path (a folder or file inside
  ``chapters/exercises``). A plain ``pytest``, or ``pytest chapters``, leaves
  the checks out: on the starters, as shipped, they fail by design.
- The ``exercise`` fixture gives each test the module ``exercise.py`` from the
  check's own folder, imported afresh for every test, so data kept at module
  level starts empty each time.
- In a kit (``viewlib/`` handed out next to ``chapters/exercises/``), a
  plain ``pytest`` finds viewlib too: the folder that holds it goes on the
  import path if Python does not find viewlib already.
- The environment variable ``EXERCISE_MODULE_PATH`` points the fixture at
  another file, for one check at a time; ``nox -s exercises`` uses it to run
  each check on its reference solution::

      export EXERCISE_MODULE_PATH=tests/exercise_solutions/01-shout.py
      pytest chapters/exercises/01-shout

  An exported variable stays set for every later check in that terminal, of
  any exercise, so the report's header (not shown under ``-q``) names the
  file it reads.
- Each check's docstring says ``PYTEST_DONT_REWRITE``: pytest leaves its
  asserts as Python wrote them, so a failed one prints the check's own
  message, not pytest's account of the values compared, and
  ``pytest_runtest_makereport`` below prints that message without the
  traceback (``--tb=short`` or ``--tb=long`` brings it back); an error that
  escapes the check uncaught keeps its traceback (``pytest_runtest_makereport``
  says which). Plain asserts
  are skipped under ``python -O``, so such a run is refused: by pytest's own
  warning where warnings are errors (this repository's settings), else by
  ``pytest_configure`` below.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from collections.abc import Generator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXERCISES = Path(__file__).resolve().parent
#: The environment variable that replaces each check's ``exercise.py``.
MODULE_PATH_VARIABLE = "EXERCISE_MODULE_PATH"


def pytest_configure(config: pytest.Config) -> None:
    """Refuse ``python -O``; make the nearest viewlib/ above this folder
    importable, if none is."""
    if sys.flags.optimize:
        # The checks' asserts are not rewritten (PYTEST_DONT_REWRITE, so a
        # failed one prints its own message), and -O removes them: a check
        # would then fail only on an exception, and many starters would pass.
        raise pytest.UsageError(
            "the exercise checks are plain assert statements, which python -O "
            "(or PYTHONOPTIMIZE) skips: run pytest without it"
        )
    if importlib.util.find_spec("viewlib") is not None:
        return
    for folder in EXERCISES.parents:
        if (folder / "viewlib" / "__init__.py").is_file():
            sys.path.insert(0, str(folder))
            return


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """A failed assert of the check prints its message, without the traceback.

    The message says what to fix; the traceback under it is what a student
    scrolls past, from tens of lines to thousands for a starter. Only an
    ``AssertionError`` raised in the check file is shortened; that includes
    a crash in your view that a check catches and reports as an assert (the
    message names the exception). An error that escapes the check uncaught
    keeps pytest's traceback, which says where it happened. For a shortened
    assert, ``--tb=short``, ``--tb=long`` or ``--tb=native`` brings the
    traceback back (for a reported crash, down to where it was raised);
    pytest's default, ``auto``, given or not, is shortened here. An error
    while your file is imported is ``load_exercise``'s one message, below.
    """
    outcome = yield
    report = outcome.get_result()
    excinfo = call.excinfo
    if (
        report.failed
        and excinfo is not None
        and excinfo.errisinstance(AssertionError)
        and Path(excinfo.traceback[-1].path).name == "test_exercise.py"
        and item.config.getoption("tbstyle", "auto") == "auto"
    ):
        report.longrepr = f"{excinfo.typename}: {excinfo.value}"


def pytest_report_header(config: pytest.Config) -> str | None:
    """Name the file the checks read when ``EXERCISE_MODULE_PATH`` is set."""
    override = os.environ.get(MODULE_PATH_VARIABLE)
    if not override:
        return None
    return (
        f"exercise file: {Path(override).resolve()} (from {MODULE_PATH_VARIABLE}; "
        f"unset it to check each folder's exercise.py)"
    )


def asked_for(config: pytest.Config) -> list[Path]:
    """The paths this pytest run was asked for explicitly (none for testpaths)."""
    source = config.args_source
    if source == pytest.Config.ArgsSource.TESTPATHS:
        return []
    base = config.invocation_params.dir
    if source == pytest.Config.ArgsSource.INVOCATION_DIR:
        return [base]
    # An argument may name a test inside a file: path/test_x.py::test_y.
    return [(base / arg.split("::")[0]).resolve() for arg in config.args]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave the checks out unless a path inside this folder was asked for."""
    if not collection_path.resolve().is_relative_to(EXERCISES):
        return None
    if any(path.is_relative_to(EXERCISES) for path in asked_for(config)):
        return None
    return True


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Let several checks run in one pytest process.

    Every check is called ``test_exercise.py``, in folders whose names are not
    Python names, so pytest imports each as the module ``test_exercise``.
    Forgetting the previous one lets the next one import under that name.
    """
    if isinstance(collector, pytest.Module) and collector.path.parent != EXERCISES:
        sys.modules.pop(collector.path.stem, None)


def load_exercise(path: Path) -> ModuleType:
    """Import the file at *path* as the module ``exercise``, afresh.

    An exception on the way makes each test an error at setup (pytest's
    ERROR), reported in one message under every ``--tb`` style that prints
    reports (``--tb=no`` prints none; ``-ra``'s short summary still shows it):
    the error's text, and the line of the file where Python reports it (for
    a syntax error in the file itself, the line its message names, which may
    come after the mistake). ``sys.exit()`` in the file, not an exception,
    keeps pytest's traceback.
    """
    if not path.is_file():
        pytest.fail(f"there is no file {path}", pytrace=False)
    spec = importlib.util.spec_from_file_location("exercise", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Flask(__name__) finds the app's folder (templates, static) through
    # sys.modules, so the module is registered before it runs.
    sys.modules["exercise"] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        problem = f"{type(error).__name__}: {error}"
        line = error.lineno if isinstance(error, SyntaxError) else None
        for frame in traceback.extract_tb(error.__traceback__):
            if Path(frame.filename).resolve() == path.resolve():
                line = frame.lineno  # the file's last line on the way to the error
    else:
        return module
    # Outside the except block, so that pytest shows this message alone.
    at = f" at line {line}" if line else ""
    pytest.fail(
        f"{path.name} fails while Python imports it{at}: {problem}", pytrace=False
    )


@pytest.fixture
def exercise(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    """The student's module: ``exercise.py`` next to the check, or the file
    that ``EXERCISE_MODULE_PATH`` names."""
    override = os.environ.get(MODULE_PATH_VARIABLE)
    path = Path(override) if override else request.path.parent / "exercise.py"
    yield load_exercise(path.resolve())
    sys.modules.pop("exercise", None)
