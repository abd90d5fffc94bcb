# SPDX-License-Identifier: MIT
"""One cell of the version matrix: a Python, a Flask series, and its dependencies.

noxfile.py's ``matrix`` session runs :func:`run` with the newest
dependencies a series allows; ``matrix_oldest`` runs it with the oldest
(``oldest=True``): after the ordinary install, ``matrix/floors.py`` names
the oldest version of each of Flask's dependencies that everything installed
accepts, and the cell installs exactly those (pip's ``==``), repeating until
the list no longer changes. So Flask 2.2 runs with Werkzeug 2.2.2, the
oldest it accepts, where ``werkzeug<3`` alone would pick 2.3.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import nox

#: The supported range: every Flask series with what it needs beside it, on
#: every Python from 3.9. Flask 2.2 breaks with Werkzeug 3 (matrix/pins.py
#: shows how, by release); Flask 2.3 runs on Werkzeug 3, and its cells pin
#: Werkzeug 2.3 so that the matrix tests that too.
FLASK_SERIES = {
    "2.2": ("flask~=2.2.0", "werkzeug<3"),
    "2.3": ("flask~=2.3.0", "werkzeug<3"),
    "3.0": ("flask~=3.0.0",),
    "3.1": ("flask~=3.1.0",),
}
MATRIX_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
#: The Pythons of the oldest-dependencies cells: the oldest supported, and
#: the oldest that also runs the pages (PAGES_PYTHON).
OLDEST_PYTHONS = ["3.9", "3.11"]
#: The behavioural suite: what must hold on every cell of the matrix.
CONFORMANCE = (
    "tests/test_view.py",
    "tests/test_methodview.py",
    "tests/test_routing.py",
    "tests/test_differential.py",
    "tests/test_standalone.py",
)
#: The copyable packages, whose docstring examples every cell runs.
PACKAGES = ("viewlib", "viewcheck")
#: Tools of requirements.txt that a Flask series cannot have: the listings
#: that use them say so and are skipped there (flask-smorest 0.47 needs 3.0.2).
LEFT_OUT = {"2.2": ("flask-smorest",), "2.3": ("flask-smorest",)}
#: Warnings that Flask's own code raises on a Python newer than the series,
#: which the tests (warnings are errors) let pass: Flask 2.2's Flask(name)
#: calls pkgutil.get_loader (deprecated in 3.12, slated for removal in 3.14),
#: which for a name not yet imported (Flask("other")) calls
#: pkgutil.find_loader (deprecated too), and its `flask --app` loader passes
#: re.split's maxsplit by position (3.13).
FLASK_WARNINGS = {
    "2.2": (
        "ignore:'pkgutil.get_loader' is deprecated:DeprecationWarning",
        "ignore:'pkgutil.find_loader' is deprecated:DeprecationWarning",
        "ignore:'maxsplit' is passed as positional argument:DeprecationWarning",
    )
}
#: The first Python that requirements.txt installs on (sybil, Sphinx, and the
#: tests' tomllib): from it on, a cell also runs the pages and other tests.
PAGES_PYTHON = (3, 11)
#: Where each cell writes its JUnit reports (and, for the oldest
#: dependencies, the versions it pinned), for matrix/report.py.
REPORTS = Path("_build/matrix")
FLOORS = "matrix/floors.py"


def requirements_except(*names: str) -> list[str]:
    """requirements.txt's package lines, without these packages (nor `-e .`)."""
    with open("requirements.txt", encoding="utf-8") as file:
        lines = [line.split("#")[0].strip() for line in file]
    packages = [line for line in lines if line and not line.startswith("-")]
    return [line for line in packages if re.split(r"[<>=!~ ]", line)[0] not in names]


def pin_oldest(session: nox.Session, record: Path) -> None:
    """Install the oldest dependencies of Flask that the cell accepts.

    Writes Flask's version and theirs to *record*, one ``name==version`` a line.
    """
    pinned: list[str] = []
    for _ in range(5):
        found = str(session.run("python", FLOORS, silent=True)).split()
        if found == pinned:
            break
        pinned = found
        session.install(*pinned)
    else:
        session.error(f"the oldest dependencies did not settle: {pinned}")
    versions = str(session.run("python", FLOORS, "--with-flask", silent=True))
    record.write_text(versions, encoding="utf-8")


def run(session: nox.Session, flask: str, oldest: bool = False) -> None:
    """Test one Python x Flask cell; see the matrix sessions' docstrings.

    Every run of the cell runs even if one before it failed, so that its
    report is whole; the cell then fails, naming the runs that failed.
    """
    reports = REPORTS / session.name.replace("'", "")
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    failed: list[str] = []

    def pytest(*args: str, env: dict[str, str] | None = None) -> None:
        """Run pytest; on failing tests (exit code 1), note its report and go on.

        Its last argument is its ``--junitxml=`` report.
        """
        command = ("pytest", "-p", "no:cacheprovider", *session.posargs, *args)
        session.run(*command, env=env, success_codes=[0, 1])
        report = Path(args[-1].removeprefix("--junitxml="))
        suites = ET.parse(report).getroot().iter("testsuite")
        if any(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites):
            failed.append(report.name)

    session.install(*FLASK_SERIES[flask], "asgiref", "pytest", "hypothesis")
    session.install("--no-deps", ".")
    if oldest:
        pin_oldest(session, reports / "oldest.txt")
    doctest_flags = "doctest_optionflags=ELLIPSIS NORMALIZE_WHITESPACE"
    pytest(
        *("--confcutdir=tests", "--doctest-modules", "-o", doctest_flags),
        *(*CONFORMANCE, *PACKAGES, f"--junitxml={reports}/conformance.xml"),
    )
    # One run per exercise: the exercises' conftest takes one solution at a time.
    checks = Path("chapters/exercises")
    for check in sorted(checks.glob("*/test_exercise.py")):
        name = check.parent.name
        pytest(
            *(f"--confcutdir={checks}", str(check.parent)),
            f"--junitxml={reports}/exercise-{name}.xml",
            env={"EXERCISE_MODULE_PATH": f"tests/exercise_solutions/{name}.py"},
        )
    python = tuple(int(part) for part in str(session.python).split("."))
    if python >= PAGES_PYTHON:
        # The series names the Werkzeug it runs with (werkzeug<3 for 2.x) or none.
        tools = requirements_except("flask", "werkzeug", *LEFT_OUT.get(flask, ()))
        session.install(*FLASK_SERIES[flask], *tools)
        if oldest:
            # The tools may ask for newer versions than Flask alone (Sphinx:
            # Jinja2 3.1): the oldest that all of them accept.
            pin_oldest(session, reports / "oldest-pages.txt")
        # The default testpaths with the root conftest, minus what ran above.
        done = [f"--ignore={path}" for path in (*CONFORMANCE, *PACKAGES)]
        allowed = [f"-W{warning}" for warning in FLASK_WARNINGS.get(flask, ())]
        # The longest run of the cell, shared among the cores (pytest-xdist,
        # from requirements.txt), file by file: noxfile.py's FILE_BY_FILE.
        file_by_file = ("-n", "auto", "--maxprocesses", "4", "--dist", "loadfile")
        pytest(*done, *allowed, *file_by_file, f"--junitxml={reports}/pages.xml")
    if failed:
        session.error("failed: " + ", ".join(failed))
