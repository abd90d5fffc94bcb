"""The exercises' machinery: the grading script, and how pytest finds the checks.

``nox -s exercises`` proves each check fails on its starter and passes on its
solution; these tests cover the grading script itself (on a fake folder of
submissions built from starters and solutions) and the conftest's rules.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.budget import full_runs_only

ROOT = Path(__file__).parent.parent
EXERCISES = ROOT / "chapters" / "exercises"
SOLUTIONS = ROOT / "tests" / "exercise_solutions"
GRADED = ["01-shout", "02-spellcheck"]


def grade(
    submissions: Path, options: list[str], timeout: int
) -> subprocess.CompletedProcess[str]:
    """Run grade.py on *submissions* as an instructor would; it must exit 0."""
    result = subprocess.run(
        [sys.executable, str(EXERCISES / "grade.py"), str(submissions), *options],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


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
    # Room for a loaded machine: the honest runs take a few seconds each.
    options = [*only, "--timeout", "20", "--json", str(report)]
    result = grade(submissions, options, timeout=120)
    results = {
        (r["student"], r["exercise"]): (r["result"], r["passed"], r["total"])
        for r in json.loads(report.read_text())
    }
    assert results == {
        ("ada", "01-shout"): ("passed", 5, 5),
        ("ada", "02-spellcheck"): ("passed", 11, 11),
        ("bob", "01-shout"): ("failed", 0, 5),
        ("bob", "02-spellcheck"): ("missing", 0, 0),
        ("cy", "01-shout"): ("failed", 0, 5),
        ("cy", "02-spellcheck"): ("timed out", 0, 0),
    }
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["student", "exercise", "result", "checks"]
    assert lines[2].split() == ["ada", "01-shout", "passed", "5/5"]
    assert lines[-1] == "6 results: 2 passed, 2 failed, 1 timed out, 1 missing"


def check_run(
    *args: str,
    cwd: Path = ROOT,
    optimize: bool = False,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run pytest on an exercise check as a student would (no -q), in *cwd*,
    with *env* added to the environment."""
    flags = ["-O"] if optimize else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "pytest", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **(env or {})},
        timeout=120,
        check=False,
    )


def run_pytest(*args: str, **env: str) -> str:
    """pytest -q in the repository: its last line (the summary)."""
    return check_run("-q", *args, env=env).stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "check",
    sorted(EXERCISES.glob("*/test_exercise.py")),
    ids=lambda path: path.parent.name,
)
def test_every_check_opts_out_of_rewriting_and_gives_messages(check: Path) -> None:
    """Each check's module opts out of pytest's assert rewriting (its
    docstring says PYTEST_DONT_REWRITE), so a failure prints the check's
    message without pytest's "assert 404 == 200" under it; so every assert
    must carry a message."""
    tree = ast.parse(check.read_text(encoding="utf-8"))
    assert "PYTEST_DONT_REWRITE" in (ast.get_docstring(tree) or "")
    bare = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert) and not n.msg]
    assert bare == [], f"asserts without a message, at lines {bare}"


@full_runs_only("pytest processes of their own")
def test_a_failed_check_prints_its_own_message_alone() -> None:
    """On the starter, exercise 1's check prints its messages, and none of
    pytest's "assert 404 == 200" / "+ where" lines, nor the traceback (the
    check's code), unless a --tb style asks for it."""
    result = check_run("chapters/exercises/01-shout")
    lines = result.stdout.splitlines()
    assert any(line.startswith("AssertionError: GET /shout/ada") for line in lines)
    explained = [line for line in lines if re.match(r"E\s+(assert |\+\s+where)", line)]
    assert explained == [], explained
    where = re.compile(r"test_exercise\.py:\d+: in ")  # a traceback's entry
    assert [line for line in lines if where.search(line)] == []
    traced = check_run("chapters/exercises/01-shout", "--tb=short").stdout
    assert "E   AssertionError: GET /shout/ada" in traced
    assert where.search(traced), traced


@full_runs_only("pytest processes of their own")
def test_an_assert_in_the_student_s_code_keeps_its_traceback(tmp_path: Path) -> None:
    """The exercises' conftest shortens only the check's own asserts: one in
    the student's view still says where it is."""
    source = (SOLUTIONS / "01-shout.py").read_text(encoding="utf-8")
    marker = "    def dispatch_request(self, name: str) -> ResponseReturnValue:\n"
    assert marker in source
    mine = tmp_path / "mine.py"
    mine.write_text(source.replace(marker, marker + "        assert name.isalpha()\n"))
    result = check_run(
        "chapters/exercises/01-shout", env={"EXERCISE_MODULE_PATH": str(mine)}
    )
    assert "mine.py:" in result.stdout, result.stdout
    assert "assert name.isalpha()" in result.stdout, result.stdout


@full_runs_only("pytest processes of their own")
def test_the_report_names_the_file_exercise_module_path_gives() -> None:
    """Chapter 1: an exported EXERCISE_MODULE_PATH stays set for later checks,
    "so the report's first lines name the file it reads"."""
    solution = SOLUTIONS / "01-shout.py"
    result = check_run(
        "chapters/exercises/01-shout", env={"EXERCISE_MODULE_PATH": str(solution)}
    )
    header = result.stdout.split("collected")[0]
    assert f"exercise file: {solution.resolve()} (from EXERCISE_MODULE_PATH" in header


@full_runs_only("pytest processes of their own")
def test_the_checks_refuse_python_o(tmp_path: Path) -> None:
    """Under ``python -O`` plain asserts vanish and every check would pass:
    in an instructor's kit (viewlib and chapters/exercises, no pyproject.toml
    settings) the exercises' conftest stops the run instead."""
    shutil.copytree(ROOT / "viewlib", tmp_path / "viewlib")
    shutil.copytree(
        EXERCISES,
        tmp_path / "chapters" / "exercises",
        ignore=shutil.ignore_patterns("__pycache__", "_grading", "grade.py"),
    )
    result = check_run("chapters/exercises/01-shout", cwd=tmp_path, optimize=True)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "which python -O" in result.stderr, result.stderr
    # In this repository, whose settings make warnings errors, pytest's own
    # warning about -O stops the run first.
    in_repo = check_run("chapters/exercises/01-shout", optimize=True)
    assert in_repo.returncode != 0, in_repo.stdout
    assert "are you using python -O?" in in_repo.stderr, in_repo.stderr


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


@full_runs_only("a pytest process per submission")
def test_a_chapter_app_imports_in_the_terminal_but_not_when_graded(
    tmp_path: Path,
) -> None:
    """Exercise 5's hint: copy ``refuse_too_large`` into the file, since the
    grader's folder holds viewlib and the check, not ``chapters/apps``."""
    solution = (SOLUTIONS / "05-movies.py").read_text(encoding="utf-8")
    line = "from viewlib import MethodView\n"
    assert line in solution
    importing = solution.replace(
        line, line + "from json_input import refuse_too_large  # noqa: F401\n"
    )
    submissions = tmp_path / "submissions"
    submit(submissions, "ada", "05-movies", importing)
    copy = str(submissions / "ada" / "05-movies" / "exercise.py")
    # pytest in the repository has chapters/apps on its path (pyproject.toml) ...
    summary = run_pytest("chapters/exercises/05-movies", EXERCISE_MODULE_PATH=copy)
    assert summary.startswith("30 passed"), summary
    # ... the grader's run folder does not.
    options = ["--only", "05-movies", "--timeout", "30"]
    result = grade(submissions, options, timeout=120)
    row = result.stdout.splitlines()[2].split()
    assert row == ["ada", "05-movies", "failed", "0/30"], result.stdout


def test_the_instructors_page_lists_every_exercise() -> None:
    page = (ROOT / "instructors.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    listed = {row.split("`")[1] for row in rows}
    folders = {p.parent.name for p in EXERCISES.glob("*/test_exercise.py")}
    assert listed == folders, (
        f"instructors.md's table of exercises lacks {sorted(folders - listed)} "
        f"and names {sorted(listed - folders)}, which have no folder"
    )


#: A hidden check for exercise 1, as an instructor writes one (instructors.md).
HIDDEN_CHECK = """\
from types import ModuleType

from markupsafe import escape


def test_other_names_shout_too(exercise: ModuleType) -> None:
    client = exercise.create_app().test_client()
    for name in ("grace", "Émile", "o'neil"):
        response = client.get(f"/shout/{name}")
        assert response.text == f"HELLO, {escape(name.upper())}!", name
"""

#: Answers the visible check's questions, and no others.
HARDCODED = """\
from flask import Flask

from viewlib import View

ANSWERS = {"ada": "HELLO, ADA!", "<b>": "HELLO, &lt;B&gt;!"}


class Shout(View):
    def dispatch_request(self, name):
        if len(name) > 40:
            return {"error": "name must be at most 40 characters"}, 400
        return ANSWERS.get(name, "HELLO!")


def create_app():
    app = Flask(__name__)
    app.add_url_rule("/shout/<name>", view_func=Shout.as_view("shout"))
    return app
"""


@full_runs_only("a pytest process per submission")
def test_hidden_checks_run_the_same_way_in_a_column_of_their_own(
    tmp_path: Path,
) -> None:
    hidden = tmp_path / "hidden-checks"
    (hidden / "01-shout").mkdir(parents=True)
    (hidden / "01-shout" / "test_hidden.py").write_text(HIDDEN_CHECK)
    submissions = tmp_path / "submissions"
    submit(submissions, "ada", "01-shout", SOLUTIONS / "01-shout.py")
    submit(submissions, "cy", "01-shout", HARDCODED)
    # 02-spellcheck has no hidden check: its column says "-".
    submit(submissions, "cy", "02-spellcheck", SOLUTIONS / "02-spellcheck.py")
    report = tmp_path / "results.json"
    options = ["--only", "01-shout", "--only", "02-spellcheck", "--json", str(report)]
    options += ["--checks", str(hidden)]
    result = grade(submissions, options, timeout=300)
    rows = [line.split("  ") for line in result.stdout.splitlines()[2:6]]
    rows = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert rows == [
        ["ada", "01-shout", "passed", "5/5", "passed 1/1"],
        ["ada", "02-spellcheck", "missing", "-", "-"],
        ["cy", "01-shout", "passed", "5/5", "failed 0/1"],
        ["cy", "02-spellcheck", "passed", "11/11", "-"],
    ]
    assert result.stdout.splitlines()[-1] == "hidden checks: 1 passed, 1 failed"
    cy = json.loads(report.read_text())[2]
    assert (cy["hidden"], cy["hidden_passed"], cy["hidden_total"]) == ("failed", 0, 1)


# --- grade.py --feedback: viewcheck's findings beside the result ---

sys.path.insert(0, str(EXERCISES))  # grade.py's helpers, as grade.py imports them
from _grading import feedback  # noqa: E402

CHECKER = feedback.load(EXERCISES / "grade.py")


def test_feedback_names_each_mistake_and_its_line() -> None:
    assert CHECKER is not None
    source = (EXERCISES / "10-bug-hunt" / "exercise.py").read_text()
    found = feedback.findings(CHECKER, source, "exercise.py")
    assert [(f["code"], f["line"], f["silenced"]) for f in found] == [
        ("CBV102", 86, False),
        ("CBV112", 153, False),
        ("CBV112", 157, False),
        ("CBV110", 192, False),
    ]
    assert all(str(f["url"]).startswith("chapters/10-pitfalls.html#") for f in found)
    assert feedback.summary(found) == (
        "CBV102 line 86, CBV112 line 153, CBV112 line 157, CBV110 line 192"
    )


def test_feedback_shows_what_a_students_noqa_silences() -> None:
    assert CHECKER is not None
    source = (
        "from flask.views import MethodView\n\n\n"
        "class Ping(MethodView):\n"
        "    methods = ['GET', 'POST']  # noqa: CBV106  trust me\n\n"
        "    def get(self):\n        return 'pong'\n"
    )
    found = feedback.findings(CHECKER, source, "exercise.py")
    assert feedback.summary(found) == "CBV106 line 5 (silenced)"


def test_feedback_on_a_correct_file_is_empty() -> None:
    assert CHECKER is not None
    source = (SOLUTIONS / "10-bug-hunt.py").read_text()
    assert feedback.summary(feedback.findings(CHECKER, source, "exercise.py")) == "-"


def test_feedback_on_a_hostile_file_is_a_reason_not_a_crash() -> None:
    assert CHECKER is not None
    for source in ("def f(:\n", "x = " + "(" * 100_000 + ")" * 100_000, "a\0b"):
        (found,) = feedback.findings(CHECKER, source, "exercise.py")
        assert found["code"] == "unreadable", found
        assert feedback.summary([found]).startswith("unreadable")


@full_runs_only("a pytest process per submission")
def test_grading_with_feedback_adds_a_column(tmp_path: Path) -> None:
    submissions = tmp_path / "submissions"
    submit(submissions, "ada", "10-bug-hunt", SOLUTIONS / "10-bug-hunt.py")
    submit(submissions, "bob", "10-bug-hunt", EXERCISES / "10-bug-hunt" / "exercise.py")
    report = tmp_path / "results.json"
    options = ["--only", "10-bug-hunt", "--feedback", "--json", str(report)]
    result = grade(submissions, options, timeout=300)
    header, _, ada, bob = result.stdout.splitlines()[:4]
    assert header.split()[-2:] == ["feedback", "(viewcheck)"]
    assert ada.split()[:3] == ["ada", "10-bug-hunt", "passed"]
    assert ada.endswith(" -")
    assert bob.split()[:3] == ["bob", "10-bug-hunt", "failed"]
    assert bob.endswith("CBV112 line 157, CBV110 line 192")
    command = "$ python chapters/exercises/grade.py ../submissions "
    command += " ".join(options[:3])
    page = (ROOT / "instructors.md").read_text(encoding="utf-8")
    shown = page.split(command + "\n", 1)[1].split("```", 1)[0]
    assert result.stdout == shown, "instructors.md shows another --feedback table"
    rows = json.loads(report.read_text())
    assert rows[0]["feedback"] == []
    assert [f["code"] for f in rows[1]["feedback"]] == [
        "CBV102",
        "CBV112",
        "CBV112",
        "CBV110",
    ]


def test_run_folders_go_where_the_graded_user_can_reach(
    tmp_path: Path, monkeypatch: Any
) -> None:
    # A TMPDIR inside a private folder (nox's, in a checkout of mode 700) is
    # out of reach of `nobody`: the run folders go to the system's /tmp.
    import tempfile

    grade = importlib.import_module("grade")
    from _grading import sandbox

    private = tmp_path / "private"
    (private / "tmp").mkdir(parents=True)
    private.chmod(0o700)
    monkeypatch.setattr(tempfile, "tempdir", str(private / "tmp"))
    account = sandbox.Account("nobody", 65534, 65534)
    assert grade.temp_base(None) is None  # as yourself: the usual place
    assert grade.temp_base(account) == str(Path("/tmp").resolve())


def test_the_page_shows_the_hidden_check() -> None:
    """instructors.md's `cat` of the hidden check is the one these tests use."""
    from tests.console_blocks import blocks

    (block,) = [
        b for b in blocks("instructors.md") if "cat ../hidden" in str(b.commands)
    ]
    assert "\n".join(block.commands[0].output).strip() == HIDDEN_CHECK.strip()


PYTEST_QUIET = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")


def check_messages(exercise: str, path: Path) -> list[str]:
    """The one-line failure messages of an exercise's check run on *path*."""
    result = subprocess.run(
        [*PYTEST_QUIET, "--tb=line", f"chapters/exercises/{exercise}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "EXERCISE_MODULE_PATH": str(path),
        },
        timeout=120,
        check=False,
    )
    return [
        line.split("AssertionError: ", 1)[1]
        for line in result.stdout.splitlines()
        if line.startswith("/") and "AssertionError: " in line
    ]


@full_runs_only("a pytest process per file checked")
@pytest.mark.parametrize(
    ("exercise", "expected"),
    [
        (
            "01-shout",
            "GET /shout/aaa...a (a name of 40 characters, the most allowed) answered "
            "404 NOT FOUND: "
            "is Shout registered at /shout/<name> in create_app()?",
        ),
        (
            "04-notes",
            "PUT /notes/n answered 404 NOT FOUND: "
            "is NoteAPI registered at /notes/<name> in create_app()?",
        ),
    ],
    ids=["01-shout", "04-notes"],
)
def test_a_route_not_registered_is_blamed_not_the_size_rule(
    exercise: str, expected: str
) -> None:
    # On the starter the routes answer 404: the size rule's check says so,
    # and no message says a request was refused.
    messages = check_messages(exercise, EXERCISES / exercise / "exercise.py")
    assert expected in messages, messages
    assert not [message for message in messages if "refused" in message]


@full_runs_only("a pytest process per file checked")
@pytest.mark.parametrize(
    ("exercise", "wrong", "expected"),
    [
        (
            "01-shout",
            ("MAX_NAME = 40", "MAX_NAME = 39"),
            "a name of 40 characters is allowed, but was refused (400 BAD REQUEST)",
        ),
        (
            "04-notes",
            ("if len(text) > MAX_NOTE", "if len(text.encode()) > MAX_NOTE"),
            "is allowed, but was refused (413 REQUEST ENTITY TOO LARGE): "
            "count characters, not bytes",
        ),
    ],
    ids=["01-shout", "04-notes"],
)
def test_a_registered_view_that_refuses_too_soon_is_told_so(
    tmp_path: Path, exercise: str, wrong: tuple[str, str], expected: str
) -> None:
    solution = (SOLUTIONS / f"{exercise}.py").read_text(encoding="utf-8")
    assert wrong[0] in solution
    path = tmp_path / "exercise.py"
    path.write_text(solution.replace(wrong[0], wrong[1]), encoding="utf-8")
    messages = check_messages(exercise, path)
    assert any(expected in message for message in messages), messages


@full_runs_only("a pytest process of its own")
def test_a_class_registered_without_as_view_is_named(tmp_path: Path) -> None:
    """Chapter 1's first mistake, in exercise 1: the check says what to do
    instead of letting Flask's TypeError through."""
    source = (SOLUTIONS / "01-shout.py").read_text(encoding="utf-8")
    right = 'view_func=Shout.as_view("shout")'
    assert right in source
    wrong = tmp_path / "wrong.py"
    wrong.write_text(source.replace(right, "view_func=Shout"), encoding="utf-8")
    messages = check_messages("01-shout", wrong)
    named = [m for m in messages if "register Shout.as_view('shout')" in m]
    assert named, messages
    assert "TypeError" in named[0]


@full_runs_only("a pytest process of its own")
def test_exercise_5_s_starter_is_told_to_register_its_routes() -> None:
    """Every check of exercise 5 on the starter names the missing routes,
    rather than a 404 of its own."""
    starter = EXERCISES / "05-movies" / "exercise.py"
    messages = check_messages("05-movies", starter)
    assert len(messages) == 30, messages
    wanted = "no route answers /movies/, /movies/1: register your views at /movies/"
    assert all(wanted in message for message in messages), messages


@full_runs_only("a pytest process of its own")
def test_exercise_5_s_check_takes_the_item_route_however_it_is_spelled(
    tmp_path: Path,
) -> None:
    """The check looks for a route that answers /movies/1, not for the rule's
    text: a working answer whose rule reads /movies/<int(min=1):id> passes."""
    source = (SOLUTIONS / "05-movies.py").read_text(encoding="utf-8")
    rule = '"/movies/<int:id>"'
    assert rule in source
    spelled = tmp_path / "spelled.py"
    spelled.write_text(source.replace(rule, '"/movies/<int(min=1):id>"'))
    summary = run_pytest(
        "chapters/exercises/05-movies", EXERCISE_MODULE_PATH=str(spelled)
    )
    assert summary.startswith("30 passed"), summary


@full_runs_only("a pytest process of its own")
def test_exercise_5_s_check_names_the_request_and_the_app_s_error(
    tmp_path: Path,
) -> None:
    """A PATCH that requires every field: the message says what was sent
    and the error the app answered."""
    source = (SOLUTIONS / "05-movies.py").read_text(encoding="utf-8")
    partial = "return self.change(id, body(partial=True))"
    assert partial in source
    strict = tmp_path / "strict.py"
    strict.write_text(source.replace(partial, "return self.change(id, body())"))
    messages = check_messages("05-movies", strict)
    expected = (
        "PATCH /movies/1 with {'year': 1987} answered 400 BAD REQUEST "
        "({'error': 'missing field(s): title'}), not 200"
    )
    assert any(expected in message for message in messages), messages


@full_runs_only("a pytest process of its own")
def test_exercise_5_s_check_points_a_recursion_error_to_read_json(
    tmp_path: Path,
) -> None:
    """Views that read the body with request.get_json() instead of the
    starter's read_json() crash on the check's deeply nested body (a
    RecursionError from Python's json parser, on 3.9 to 3.13): the message
    says to use read_json(). A parser that took that depth would make the
    body a 400, with no crash."""
    source = (SOLUTIONS / "05-movies.py").read_text(encoding="utf-8")
    assert "= read_json()" in source
    plain = tmp_path / "plain.py"
    plain.write_text(source.replace("= read_json()", "= request.get_json()"))
    messages = check_messages("05-movies", plain)
    crashes = [m for m in messages if "POST /movies/ crashed the app" in m]
    try:
        json.loads("[" * 10_200)  # the check's body
    except RecursionError:
        hint = "read the body with the starter's read_json(), which refuses it"
        assert crashes, messages
        assert all("(RecursionError: " in m and hint in m for m in crashes), crashes
    except ValueError:
        assert not crashes, crashes


@full_runs_only("a pytest process of its own")
def test_exercise_5_s_check_wants_the_id_looked_up_before_the_body_is_read(
    tmp_path: Path,
) -> None:
    """An unknown id is a 404 whatever the body: a PUT that reads the body
    first, even one that checks its fields only after the lookup, is told so
    for a body not sent as JSON."""
    source = (SOLUTIONS / "05-movies.py").read_text(encoding="utf-8")
    lookup = "        self.get(id)  # an unknown id is a 404, whatever the body\n"
    assert lookup in source
    early = tmp_path / "early.py"
    early.write_text(source.replace(lookup, "        read_json()\n" + lookup))
    messages = check_messages("05-movies", early)
    expected = (
        "PUT /movies/99 with a body not sent as JSON answered 415 UNSUPPORTED "
        "MEDIA TYPE, not 404: look the id up before reading the body"
    )
    assert any(expected in message for message in messages), messages
    # The reference itself passes every one of them (30 of 30 elsewhere).
    assert not any(
        "/movies/99 with" in m
        for m in check_messages("05-movies", SOLUTIONS / "05-movies.py")
    )


#: A lookup that recurses forever, parsing a little JSON at each call: the
#: RecursionError it ends in is raised inside json's decoder (json.loads goes
#: several frames deeper than each step of the recursion).
PARSE_FOREVER = """

def parse_forever(id):
    import json

    json.loads("[1]")
    return parse_forever(id)
"""


@full_runs_only("a pytest process of its own")
@pytest.mark.parametrize(
    "replacement", ["self.get(id)", "parse_forever(id)"], ids=["plain", "parsing JSON"]
)
def test_exercise_5_s_check_gives_no_read_json_hint_to_your_recursion_on_other_bodies(
    tmp_path: Path, replacement: str
) -> None:
    """A RecursionError of the app's own (a handler that calls itself, or a
    helper that parses JSON at each call), in answer to any body but the
    check's deeply nested one, is reported without the read_json() hint."""
    source = (SOLUTIONS / "05-movies.py").read_text(encoding="utf-8")
    lookup = "self.store.get(id)"
    assert lookup in source
    looping = tmp_path / "looping.py"
    looping.write_text(source.replace(lookup, replacement, 1) + PARSE_FOREVER)
    messages = check_messages("05-movies", looping)
    crashes = [m for m in messages if "crashed the app (RecursionError" in m]
    assert crashes, messages
    assert not any("read_json()" in m for m in crashes), crashes


@full_runs_only("pytest processes of their own")
def test_a_crash_a_check_reports_is_one_line_and_tb_long_shows_where(
    tmp_path: Path,
) -> None:
    """The exercises' conftest: a crash in the view that a check catches and
    reports as an assert (exercise 2's check() does) prints one message that
    names the exception; --tb=long shows where it was raised."""
    source = (SOLUTIONS / "02-spellcheck.py").read_text(encoding="utf-8")
    marker = "        text = read_text()"
    assert marker in source
    crash = tmp_path / "crash.py"
    crash.write_text(source.replace(marker, '        {}["x"]\n' + marker))
    env = {"EXERCISE_MODULE_PATH": str(crash)}
    short = check_run("chapters/exercises/02-spellcheck", env=env).stdout
    assert "crashed the view (KeyError: 'x')" in short, short
    failures = short[short.index("= FAILURES =") : short.index("short test summary")]
    body = [
        line
        for line in failures.splitlines()[1:]
        if line.strip() and not line.startswith(("_", "="))  # headers
    ]
    assert body, short
    assert all(line.startswith("AssertionError: ") for line in body), body
    sections = re.split(r"^_{3,}.*$", failures, flags=re.MULTILINE)[1:]
    lines = [
        [text for text in section.splitlines() if text.strip() and text[0] != "="]
        for section in sections
    ]
    assert sections, failures
    assert all(len(each) == 1 for each in lines), lines
    traced = check_run("chapters/exercises/02-spellcheck", "--tb=long", env=env)
    assert "crash.py:" in traced.stdout, traced.stdout


@full_runs_only("pytest processes of their own")
@pytest.mark.parametrize("style", ["auto", "short", "long", "native", "line", "no"])
def test_an_import_error_is_one_line_with_its_line_number(
    tmp_path: Path, style: str
) -> None:
    """An error while the student's file is imported: each test's error
    section is load_exercise's one line, naming the line, under every --tb
    style that prints reports (auto, short, long, native, line; --tb=no
    prints no section); the starter's report shows a traceback under
    --tb=native too."""
    broken = tmp_path / "broken.py"
    broken.write_text('from viewlib import View\n\nraise ValueError("boom")\n')
    result = check_run(
        "chapters/exercises/01-shout",
        f"--tb={style}",
        env={"EXERCISE_MODULE_PATH": str(broken)},
    )
    line = "broken.py fails while Python imports it at line 3: ValueError: boom"
    if style != "no":
        errors = result.stdout[result.stdout.index("= ERRORS =") :]
        errors = errors[: errors.index("short test summary")]
        sections = re.split(r"^_{3,}.*$", errors, flags=re.MULTILINE)[1:]
        bodies = [
            [text for text in section.splitlines() if text.strip() and text[0] != "="]
            for section in sections
        ]
        assert len(bodies) == 5, result.stdout  # one per test of the check
        assert all(body == [line] for body in bodies), bodies
    else:
        assert "= ERRORS =" not in result.stdout, result.stdout  # no section
    if style == "native":
        starter = check_run("chapters/exercises/01-shout", "--tb=native").stdout
        assert "Traceback (most recent call last)" in starter, starter


#: What a starter hands the student finished, by exercise: the reference
#: solution keeps it as given, so a fix to one is a fix to both.
GIVEN = {"02-spellcheck": ["read_text"], "05-movies": ["read_json", "error_as_json"]}


@pytest.mark.parametrize("exercise", sorted(GIVEN))
def test_the_solution_keeps_what_the_starter_gives(exercise: str) -> None:
    def definitions(path: Path) -> dict[str, str | None]:
        source = path.read_text(encoding="utf-8")
        return {
            node.name: ast.get_source_segment(source, node)
            for node in ast.parse(source).body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))
        }

    starter = definitions(EXERCISES / exercise / "exercise.py")
    solution = definitions(SOLUTIONS / f"{exercise}.py")
    for name in GIVEN[exercise]:
        assert starter[name] is not None
        assert solution.get(name) == starter[name], f"{name} differs in the solution"
