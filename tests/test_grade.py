"""The exercises' machinery: the grading script, and how pytest finds the checks.

``nox -s exercises`` proves each check fails on its starter and passes on its
solution; these tests cover the grading script itself (on a fake folder of
submissions built from starters and solutions) and the conftest's rules.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.budget import full_runs_only

ROOT = Path(__file__).parent.parent
EXERCISES = ROOT / "chapters" / "exercises"
SOLUTIONS = ROOT / "tests" / "exercise_solutions"
GRADED = ["01-shout", "02-spellcheck"]


def submit(submissions: Path, student: str, exercise: str, source: Path | str) -> None:
    folder = submissions / student / exercise
    folder.mkdir(parents=True)
    if isinstance(source, Path):
        shutil.copy(source, folder / "exercise.py")
    else:
        (folder / "exercise.py").write_text(source, encoding="utf-8")


@full_runs_only("a pytest process per submission")
def test_grading_a_folder_of_submissions(tmp_path: Path) -> None:
    submissions = tmp_path / "submissions"
    for exercise in GRADED:  # ada hands in the reference solutions
        submit(submissions, "ada", exercise, SOLUTIONS / f"{exercise}.py")
    # bob hands in one starter untouched, and nothing for exercise 2
    submit(submissions, "bob", "01-shout", EXERCISES / "01-shout" / "exercise.py")
    # cy's first file does not parse; the second never finishes importing
    submit(submissions, "cy", "01-shout", "def create_app(:\n")
    submit(submissions, "cy", "02-spellcheck", "while True:\n    pass\n")
    report = tmp_path / "results.json"
    only = [arg for exercise in GRADED for arg in ("--only", exercise)]
    options = [*only, "--timeout", "3", "--json", str(report)]
    result = subprocess.run(
        [sys.executable, str(EXERCISES / "grade.py"), str(submissions), *options],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    results = {
        (r["student"], r["exercise"]): (r["result"], r["passed"], r["total"])
        for r in json.loads(report.read_text())
    }
    assert results == {
        ("ada", "01-shout"): ("passed", 5, 5),
        ("ada", "02-spellcheck"): ("passed", 10, 10),
        ("bob", "01-shout"): ("failed", 0, 5),
        ("bob", "02-spellcheck"): ("missing", 0, 0),
        ("cy", "01-shout"): ("failed", 0, 5),
        ("cy", "02-spellcheck"): ("timed out", 0, 0),
    }
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["student", "exercise", "result", "checks"]
    assert lines[2].split() == ["ada", "01-shout", "passed", "5/5"]
    assert lines[-1] == "6 results: 2 passed, 2 failed, 1 timed out, 1 missing"


def run_pytest(*args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        # Plugins (hypothesis) take a second to load, and these runs need none.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env},
        timeout=120,
        check=False,
    )
    return result.stdout.strip().splitlines()[-1]


@full_runs_only("pytest processes of their own")
def test_the_checks_run_only_when_asked_for() -> None:
    # `pytest chapters` (and plain `pytest`, through testpaths) leaves them out ...
    assert "exercises" not in run_pytest("--collect-only", "chapters")
    listed = run_pytest("--collect-only", "chapters/exercises/01-shout")
    assert listed.startswith("5 tests collected"), listed
    # ... and EXERCISE_MODULE_PATH points a check at another file.
    solution = str(SOLUTIONS / "01-shout.py")
    summary = run_pytest("chapters/exercises/01-shout", EXERCISE_MODULE_PATH=solution)
    assert summary.startswith("5 passed"), summary


def test_the_instructors_page_lists_every_exercise() -> None:
    page = (ROOT / "instructors.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    listed = {row.split("`")[1] for row in rows}
    folders = {p.parent.name for p in EXERCISES.glob("*/test_exercise.py")}
    assert listed == folders, (
        f"instructors.md's table of exercises lacks {sorted(folders - listed)} "
        f"and names {sorted(listed - folders)}, which have no folder"
    )
