"""Sessions for everything the project runs: `nox` runs the default ones.

Most sessions run in the environment that the README's command installed
(`python -m pip install -r requirements.txt`, which also installs this
checkout, editable): no virtual environment per session and nothing installed
twice. They run their tools with the Python that runs nox (`sys.executable`).
Four sessions keep environments of their own, because isolation is their
point: `matrix` and `matrix_oldest` (other Pythons, Flask versions and the
oldest dependencies), `exercises` (a student's machine: Flask and pytest
only) and `flask_next` (Flask's main branch, installed by uv).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

from matrix import cell as matrix_cell
from matrix import pins as matrix_pins
from matrix import report as matrix_report_module
from matrix.cell import FLASK_SERIES, MATRIX_PYTHONS, OLDEST_PYTHONS

nox.needs_version = ">=2025.11.12"
# The standard library's venv: nothing extra to install, and nox does not go
# looking for (and report the absence of) other backends.
nox.options.default_venv_backend = "venv"
# Tests run last so that pytest's summary is the last test report printed.
nox.options.sessions = [
    "lint",
    "typing",
    "docs",
    "browser",
    "live",
    "postgresql",
    # The matrix's two corners (the rest: `nox -s matrix`, see the README).
    "matrix-3.9(flask='2.2')",
    "matrix-3.13(flask='3.1')",
    "chapters_on_flask",
    "exercises",
    "tests",
]

#: Run a tool of the README's environment: `*PYTHON, "pytest"` is `python -m pytest`.
PYTHON = (sys.executable, "-m")
#: pytest-xdist: one pytest process per core (at most 4, since each browser
#: check starts a Chromium of its own), sharing out the tests of a long session.
ON_EVERY_CORE = ("-n", "auto", "--maxprocesses", "4")
#: The same, keeping each file's tests in one process and in order: a page's
#: examples (sybil) share one namespace, each running on what the last left.
FILE_BY_FILE = (*ON_EVERY_CORE, "--dist", "loadfile")
#: Sessions that run in that environment rather than a virtualenv of their own.
in_place = nox.session(venv_backend="none")
#: Render the site to _build/html; any warning (a broken link too) fails it.
BUILD_SITE = (*PYTHON, "sphinx", "-W", "--keep-going", "-b", "html", ".", "_build/html")


def pinned(*names: str) -> list[str]:
    """The requirements.txt lines of these packages: the versions live there."""
    with open("requirements.txt", encoding="utf-8") as file:
        lines = [line.split("#")[0].strip() for line in file]
    wanted = [line for line in lines if line.split("~")[0].split("=")[0] in names]
    assert len(wanted) == len(names), f"not all of {names} in requirements.txt"
    return wanted


@in_place
def tests(session: nox.Session) -> None:
    """Run the conformance suite, every chapter and every docstring example."""
    # The full counts of every property test, and each chapter in a process
    # of its own (tests/budget.py); plain `pytest` runs a quick sample.
    full_runs = {"VIEWLIB_FULL_RUNS": "1"}
    session.run(*PYTHON, "pytest", *FILE_BY_FILE, *session.posargs, env=full_runs)


@in_place
def chapters_on_flask(session: nox.Session) -> None:
    """Run every chapter with Flask's own classes standing in for viewlib."""
    pages = ("chapters", "index.md", "glossary.md")
    session.run(*PYTHON, "pytest", "--views=flask.views", *pages, *session.posargs)


@in_place
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.run(*PYTHON, "ruff", "check", ".")
    session.run(*PYTHON, "ruff", "format", "--check", ".")


@in_place
def typing(session: nox.Session) -> None:
    """Type-check viewlib (strict) and the code around it."""
    session.run(*PYTHON, "mypy", *session.posargs)
    # Every exercise folder holds modules named `exercise` and `test_exercise`,
    # which one mypy run would take for duplicates: check each folder alone.
    for folder in sorted(Path("chapters/exercises").glob("[0-9][0-9]-*")):
        session.run(*PYTHON, "mypy", "--strict", *map(str, folder.glob("*.py")))


@in_place
def docs(session: nox.Session) -> None:
    """Render the site to _build/html, failing on any warning."""
    # The in-browser runtime for the Run controls (cached in .live-cache/).
    # Offline, it says why and the site builds without it: Run says so too.
    session.run(sys.executable, "_ext/live/fetch.py", "--optional")
    session.run(*BUILD_SITE)
    # Opened as a file, a page's Run controls say they need a server
    # (live.js, readManifest): `serve` is one.
    session.log("Built _build/html. To read it with its Run controls: nox -s serve")


def browser_checks() -> list[str]:
    """The browser session's checks: every tests/*_in_browser.py but the live one's."""
    found = Path("tests").glob("*_in_browser.py")
    return sorted(str(path) for path in found if path.name != "live_in_browser.py")


@in_place
def browser(session: nox.Session) -> None:
    """Build the site and read every page in headless Chromium.

    Every page, in light and dark mode at 1280 and 390 px: it renders
    cleanly and axe-core finds no WCAG A/AA or best-practice violation
    (accessibility/axe.py fetches axe-core into .axe-cache/); one example
    runs from the keyboard (so the in-browser runtime is fetched as the docs
    session fetches it). Needs Debian's browser: `apt-get install chromium
    chromium-driver`. Without the browser, or offline without axe-core, the
    session or those checks skip, except in CI, where that is an error.
    """
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        message = "no chromium: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            session.error(message)
        session.skip(message)
    optional = () if os.environ.get("CI") else ("--optional",)
    session.run(*PYTHON, "accessibility.axe", *optional)
    session.run(sys.executable, "_ext/live/fetch.py", *optional)
    session.run(*BUILD_SITE, "-q")
    shutil.rmtree("_build/screenshots", ignore_errors=True)  # this run's alone
    session.run(*PYTHON, "pytest", *ON_EVERY_CORE, *browser_checks(), *session.posargs)
    session.log("Screenshots and figures: _build/screenshots/")


@in_place
def postgresql(session: nox.Session) -> None:
    """Prove chapter 12's PostgreSQL section on a throwaway local server.

    Needs Debian's `postgresql` package (initdb, pg_ctl); the checks skip
    without it, except in CI, where that is an error. The server, its data
    and its port are started and removed by tests/postgresql_server.py.
    """
    checks = ("tests/postgresql_checks.py", *session.posargs)
    session.run(*PYTHON, "pytest", "-p", "no:cacheprovider", *checks)


@in_place
def live(session: nox.Session) -> None:
    """Run every page's examples in headless Chromium, as a reader's browser does.

    Fetches the in-browser runtime (_ext/live/fetch.py: Pyodide from npm,
    pure wheels from PyPI, hash-checked and cached in .live-cache/), builds the
    site with it and runs tests/live_in_browser.py: "Check this page" on every
    page, an edited example, the exercises, Check my view (viewcheck on pasted
    code), what a reader may type (an endless loop and Stop, floods of
    output, os._exit, a broken viewlib) and edits kept across a reload, with
    no other host reachable; axe-core (fetched as the browser session
    fetches it) on Check my view's findings and on a restored edit.
    Needs Chromium, like the browser session: skipped without it, except in
    CI; offline without axe-core, those two checks skip, except in CI.
    """
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        message = "no chromium: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            session.error(message)
        session.skip(message)
    optional = () if os.environ.get("CI") else ("--optional",)
    session.run(*PYTHON, "accessibility.axe", *optional)
    session.run(sys.executable, "_ext/live/fetch.py")
    session.run(*BUILD_SITE, "-q")
    checks = ("tests/live_in_browser.py", *session.posargs)
    shutil.rmtree("_build/live", ignore_errors=True)  # this run's figures alone
    quiet = (*PYTHON, "pytest", "-p", "no:cacheprovider")
    # The timed tests alone, since a second browser would slow what they time;
    # then the others, shared among the cores. A -m in posargs would replace
    # this split (pytest keeps the last -m): select with -k instead.
    # pytest's 5, no test selected: a -k in posargs may leave one run empty.
    none_selected = [0, 5] if session.posargs else [0]
    session.run(*quiet, "-m", "timed", *checks, success_codes=none_selected)
    untimed = ("-m", "not timed", *ON_EVERY_CORE)
    session.run(*quiet, *untimed, *checks, success_codes=none_selected)
    session.log("Figures: _build/live/figures*.json")


@in_place
def mutation(session: nox.Session) -> None:
    """Mutation-test viewlib/views.py with mutmut (settings in pyproject.toml).

    mutmut makes one small change to the code at a time (a "mutant") and runs
    the conformance and differential tests; a mutant no test fails on
    "survives". Each survivor must be listed in mutation/equivalents.md
    with the reason it changes no behaviour, or this session fails; so must a
    listed mutant that no longer survives (its id may now name another one).
    Not in the default run: it takes a few minutes.
    """
    # Start clean: mutmut caches results in mutants/ between runs.
    shutil.rmtree("mutants", ignore_errors=True)
    session.run(*PYTHON, "mutmut", "run", *session.posargs)
    session.run(*PYTHON, "mutation")


@in_place
def bench(session: nox.Session) -> None:
    """Time class-based views against functions and flask.views (chapter 13).

    Writes chapters/data/bench.json and chapters/images/bench.svg and prints
    the tables; `-- --help` lists the options (rounds, other output files).
    About a minute. Not in the default run: timings are measurements, not
    tests. The chapter quotes the committed figures, so after a run
    `pytest chapters/13-cost.md tests/test_bench_figures.py` names the ones
    that changed.
    """
    session.run(*PYTHON, "bench", *session.posargs)


@in_place
def loop(session: nox.Session) -> None:
    """Time a learner's loop: all tests, one chapter, a cold and a warm docs build.

    Prints four figures, measured here and now (bench/loop.py); nothing
    asserts on them. Not in the default run.
    """
    session.run(*PYTHON, "bench.loop")


@nox.session(python=MATRIX_PYTHONS)
@nox.parametrize("flask", list(FLASK_SERIES))
def matrix(session: nox.Session, flask: str) -> None:
    """Test one Python x Flask cell of the supported range (matrix/cell.py).

    Every cell runs the conformance suite and viewlib's docstrings (tools
    unpinned: pip picks the newest that supports the cell's Python; the root
    conftest, which needs sybil, is left out), then each exercise's check on
    its reference solution (Flask and pytest, as a student has). From Python
    3.11 a cell also installs requirements.txt's tools, without its Flask and
    Werkzeug pins and those a series cannot have, and runs the rest of plain
    `pytest`: the chapters, the other pages and every other test (the
    bookshelf's too), in their quick sample (tests/budget.py). Each run writes
    a JUnit report to _build/matrix/<cell>/ for matrix_report; posargs go to
    every run. A missing interpreter skips the cell on your machine and fails
    it in CI.
    """
    matrix_cell.run(session, flask)


@nox.session(python=OLDEST_PYTHONS)
@nox.parametrize("flask", list(FLASK_SERIES))
def matrix_oldest(session: nox.Session, flask: str) -> None:
    """A matrix cell with the oldest dependencies its Flask series accepts.

    As `matrix`, but after installing, each of Flask's dependencies is pinned
    to the oldest version that Flask and the other installed packages accept
    (matrix/floors.py): Flask 2.2 then runs on Werkzeug 2.2.2. On Python 3.9
    and 3.11; the versions land in versions.md.
    """
    matrix_cell.run(session, flask, oldest=True)


@nox.session(venv_backend="uv")
@nox.parametrize("case", list(matrix_pins.CASES))
def werkzeug_pins(session: nox.Session, case: str) -> None:
    """Show why Flask 2.2 needs werkzeug<3: each pair and how it fails.

    matrix/pins.py holds the pairs; not a default session (README,
    "Supported versions", cites it).
    """
    matrix_pins.run(session, case)


# uv installs the environment in seconds where pip took minutes (measured in CI).
@nox.session(venv_backend="uv")
def flask_next(session: nox.Session) -> None:
    """Run the release environment's tests on Flask's main branch (3.2.0.dev).

    Installs Flask from git+https://github.com/pallets/flask@main, or from
    $FLASK_NEXT (a source tarball or checkout, or a URL; CI sets it to the
    snapshot in ../shared/upstream when there is one), with the other tools
    of requirements.txt, then runs plain `pytest` and the chapters on
    flask.views. compat/flask_next.py holds the details; posargs go to pytest.
    """
    from compat import flask_next as plan

    reports = plan.REPORTS / "next"
    shutil.rmtree(reports, ignore_errors=True)
    # uv trusts its own certificate list unless told to use the system's,
    # which is what pip uses (a registry behind a proxy with its own CA).
    session.env["UV_SYSTEM_CERTS"] = "1"
    session.install(plan.flask_source(), *plan.requirements())
    session.install("--no-deps", "-e", ".")
    session.run(
        "python", "-m", "compat.flask_next", "describe", f"{reports}/flask.json"
    )
    for args in plan.pytest_runs(reports):
        session.run("python", "-m", "pytest", *args, *session.posargs)


@in_place
def flask_next_report(session: nox.Session) -> None:
    """Write versions.md's "Flask main" section: run `nox -s flask_next` first.

    Runs the same two pytest runs on the release requirements.txt installs,
    for the row beside Flask main's, then writes the section from both.
    """
    from compat import flask_next as plan

    reports = plan.REPORTS / "release"
    shutil.rmtree(reports, ignore_errors=True)
    session.run(*PYTHON, "compat.flask_next", "describe", f"{reports}/flask.json")
    for args in plan.pytest_runs(reports):
        session.run(*PYTHON, "pytest", *args)
    session.run(*PYTHON, "compat.flask_next", "report")


@nox.session(python=False)
def matrix_report(session: nox.Session) -> None:
    """Write versions.md, the site's table of the matrix run, from its reports.

    Run it after the whole matrix:
    `python -m nox -s matrix matrix_oldest matrix_report` (matrix/report.py).
    After rerunning some cells, `-- --keep` keeps what versions.md says of
    the cells that have no report in _build/matrix/.
    """
    keep = session.posargs == ["--keep"]
    if session.posargs and not keep:
        session.error("the only option is --keep")
    cells = matrix_report_module.write(keep=keep)
    session.log(
        f"versions.md: {cells} cells reported" + (", others kept" if keep else "")
    )


@in_place
def serve(session: nox.Session) -> None:
    """Serve the site at http://127.0.0.1:8000, rebuilding on every save.

    Arguments after ``--`` go to sphinx-autobuild: ``-- --port 8001`` serves
    on port 8001 instead (its last ``--port`` wins).
    """
    session.run(
        *PYTHON,
        "sphinx_autobuild",
        *("--host", "127.0.0.1", "--port", "8000"),
        *session.posargs,
        # Tool caches change on every test run; they are not part of the site.
        *("--re-ignore", r"(^|/)(\.nox|\.\w+_cache|_build)(/|$)"),
        *(".", "_build/html"),
    )


@nox.session
def exercises(session: nox.Session) -> None:
    """Prove that each exercise's check fails on its starter, passes on its solution.

    For each folder chapters/exercises/NN-slug, the grading script runs the
    check on three "students": the starter exercise.py as shipped (the check
    must fail), the reference solution tests/exercise_solutions/NN-slug.py
    (it must pass), and that solution with its `from viewlib import` lines
    rewritten to `flask.views` (it must pass too). Only what a student
    installs is installed: Flask with its async extra (asgiref, which the
    async exercises need) and pytest.
    """
    import ast
    import json
    import re
    from pathlib import Path

    session.install(*pinned("flask", "asgiref", "pytest"))
    checks = Path("chapters/exercises")
    names = sorted(
        p.name for p in checks.iterdir() if (p / "test_exercise.py").is_file()
    )
    if not names:
        session.error("no exercise folders in chapters/exercises")

    def on_flask(source: str, name: str) -> str:
        """The solution with its viewlib imports naming flask.views."""
        pattern = r"^(\s*)from viewlib import "
        source = re.sub(pattern, r"\1from flask.views import ", source, flags=re.M)
        for node in ast.walk(ast.parse(source)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name.partition(".")[0] == "viewlib" for name in names):
                session.error(f"{name}: write `from viewlib import ...`")
        return source

    students: dict[str, dict[str, str]] = {
        "starter": {},
        "solution": {},
        "on flask.views": {},
    }
    for name in names:
        solution = Path("tests/exercise_solutions") / f"{name}.py"
        if not solution.is_file():
            session.error(f"{name}: no reference solution {solution}")
        students["starter"][name] = (checks / name / "exercise.py").read_text()
        students["solution"][name] = solution.read_text(encoding="utf-8")
        students["on flask.views"][name] = on_flask(students["solution"][name], name)
    submissions = Path(session.create_tmp()) / "submissions"
    shutil.rmtree(submissions, ignore_errors=True)
    for student, files in students.items():
        for name, source in files.items():
            (submissions / student / name).mkdir(parents=True)
            (submissions / student / name / "exercise.py").write_text(source)
    report = submissions.with_name("results.json")
    # Our own starters and solutions: trusted, so graded two at a time
    # (grade.py's default, one at a time, is for untrusted files).
    jobs = str(os.cpu_count() or 2)
    grade = ["python", str(checks / "grade.py"), str(submissions), "--jobs", jobs]
    grade += ["--json", str(report)]
    session.run(*grade, silent=True)

    results = {(r["student"], r["exercise"]): r for r in json.loads(report.read_text())}
    header = ["exercise", "starter (must fail)", "solution", "on flask.views"]
    rows, wrong = [header], []
    for name in names:
        row = [name]
        for student in students:
            r = results[student, name]
            expected = "failed" if student == "starter" else "passed"
            # A check that ran no test (an import error in it) proves nothing.
            ok = r["result"] == expected and r["total"] > 0
            row.append(
                f"{r['result']} {r['passed']}/{r['total']}" + ("" if ok else " WRONG")
            )
            if not ok:
                wrong.append(
                    f"{name} on the {student}: {r['result']}, expected {expected}"
                )
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    rows.insert(1, ["-" * w for w in widths])
    for row in rows:
        session.log("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    if wrong:
        session.error("\n".join(wrong))
