"""grade.py against hostile submissions: each attack of issue 18, and the rules.

One grading run (``--jobs 1``, as grade.py runs by default) grades a class
of crafted files for exercise 01-shout next to two honest students, ada
and bob, who hand in the reference solution. The tests then check each
attack's result, that ada's and bob's files are unchanged (checksums), that
no process a submission started is alive, and the grader's peak memory
while one submission prints 400 MB. The first half of the file covers the
grading rules themselves, without running anything.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.budget import full_runs_only

ROOT = Path(__file__).parent.parent
EXERCISES = ROOT / "chapters" / "exercises"
SOLUTION = (ROOT / "tests" / "exercise_solutions" / "01-shout.py").read_text()
STARTER = (EXERCISES / "01-shout" / "exercise.py").read_text()
sys.path.insert(0, str(EXERCISES))
import grade  # noqa: E402
from _grading import sandbox  # noqa: E402
from _grading.submissions import MAX_BYTES, take  # noqa: E402

sys.path.remove(str(EXERCISES))

EXPECTED = [f"01-shout/test_exercise.py::test_{n}" for n in "abcde"]


def report(test: str, when: str, outcome: str = "passed", xfail: bool = False):
    return {"test": test, "when": when, "outcome": outcome, "xfail": xfail}


def passing(test: str) -> list[dict[str, Any]]:
    return [report(test, when) for when in ("setup", "call", "teardown")]


def run_of(*records: dict[str, Any], ended: bool = True) -> sandbox.Run:
    return sandbox.Run(records=list(records), ended=ended)


# The rules, on streams made up here --------------------------------------


def test_every_expected_test_must_pass_once() -> None:
    every = [r for test in EXPECTED for r in passing(test)]
    assert grade.verdict(EXPECTED, run_of(*every)) == ("passed", 5, 5)
    # Missing: four of five ran.
    assert grade.verdict(EXPECTED, run_of(*every[3:])) == ("failed", 4, 5)
    # Duplicated: a second "passed" for the first test's call.
    extra = report(EXPECTED[0], "call")
    assert grade.verdict(EXPECTED, run_of(extra, *every)) == ("failed", 4, 5)
    # Tests nobody asked for count for nothing.
    assert grade.verdict(EXPECTED, run_of(*passing("x.py::test_z"))) == (
        "failed",
        0,
        5,
    )


@pytest.mark.parametrize(
    ("when", "outcome", "xfail"),
    [
        ("setup", "skipped", False),  # pytest.skip() in the submission
        ("call", "skipped", True),  # xfailed
        ("call", "failed", False),
        ("teardown", "failed", False),
    ],
)
def test_a_test_that_did_not_pass_is_failed(when: str, outcome: str, xfail: bool):
    records = [r for test in EXPECTED[1:] for r in passing(test)]
    first = passing(EXPECTED[0])
    first = [
        report(r["test"], when, outcome, xfail) if r["when"] == when else r
        for r in first
    ]
    assert grade.verdict(EXPECTED, run_of(*first, *records)) == ("failed", 4, 5)


def test_a_broken_or_unfinished_stream_is_no_result() -> None:
    every = [r for test in EXPECTED for r in passing(test)]
    assert grade.verdict(EXPECTED, run_of(*every, ended=False)) == (
        "failed (no result)",
        5,
        5,
    )
    broken = sandbox.Run()
    for line in [json.dumps(r).encode() for r in every] + [b"{not json"]:
        sandbox.take_record(line, broken)
    assert broken.malformed
    assert grade.verdict(EXPECTED, broken)[0] == "failed (no result)"
    for line in (b"[]", b'{"end": 0, "extra": 1}', b'{"test": "a"}'):
        odd = sandbox.Run()
        sandbox.take_record(line, odd)
        assert odd.malformed, line
    # After the end record, nothing counts: not even a stream that breaks.
    late = sandbox.Run()
    for line in (b'{"end": 0}', json.dumps(report("t", "call")).encode(), b"junk"):
        sandbox.take_record(line, late)
    assert (late.ended, late.malformed, late.records) == (True, False, [])


def test_a_file_is_taken_only_as_a_plain_utf8_file(tmp_path: Path) -> None:
    def hand_in(student: str) -> Path:
        folder = tmp_path / student / "01-shout"
        folder.mkdir(parents=True)
        return folder / "exercise.py"

    hand_in("ada").write_text(SOLUTION)
    hand_in("link").symlink_to(tmp_path / "ada" / "01-shout" / "exercise.py")
    (tmp_path / "linked").symlink_to(tmp_path / "ada")
    hand_in("folder").mkdir()
    hand_in("binary").write_bytes(b"x = '\xff'\n")
    hand_in("big").write_text("#" * 2000)
    os.mkfifo(hand_in("pipe"))
    (tmp_path / "none" / "01-shout").mkdir(parents=True)
    results = {
        student: take(tmp_path, student, "01-shout", max_bytes=1000)
        for student in ("link", "linked", "folder", "binary", "big", "pipe", "none")
    }
    assert results == {
        "link": "refused: symlink",
        "linked": "refused: symlink",
        "folder": "refused: folder",
        "binary": "refused: not UTF-8",
        "big": "refused: over 1000 bytes",
        "pipe": "refused: not a regular file",
        "none": "missing",
    }
    assert take(tmp_path, "ada", "01-shout", max_bytes=10_000) == SOLUTION.encode()


def read_as_nobody(path: Path) -> bool:
    """Whether the user nobody can open *path* (root only: it changes user)."""
    import pwd
    import shutil

    nobody = pwd.getpwnam("nobody")
    cat = shutil.which("cat", path=os.defpath)  # nobody may not run our Python
    assert cat is not None
    child = subprocess.run(
        [cat, str(path)],
        user=nobody.pw_uid,
        group=nobody.pw_gid,
        extra_groups=[],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return child.returncode == 0


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changes user: root only"
)
@pytest.mark.parametrize(
    ("folder_mode", "file_mode", "readable"),
    [
        (0o755, 0o644, True),  # listable
        (0o711, 0o644, True),  # not listable, but a file is read by its name
        (0o711, 0o600, False),
        (0o700, 0o644, False),
    ],
)
def test_the_warning_covers_a_folder_others_can_enter_without_listing(
    folder_mode: int, file_mode: int, readable: bool
) -> None:
    """grade.py warns exactly when nobody can read a submission: the attack is
    nobody opening the file by its name."""
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(dir="/tmp"))  # /tmp: every user may enter it
    try:
        top.chmod(0o711)
        submissions = top / "submissions"
        (submissions / "ada" / "01-shout").mkdir(parents=True)
        exercise = submissions / "ada" / "01-shout" / "exercise.py"
        exercise.write_text(SOLUTION)
        exercise.chmod(file_mode)
        for folder in (submissions / "ada" / "01-shout", submissions / "ada"):
            folder.chmod(0o711)
        submissions.chmod(folder_mode)
        assert read_as_nobody(exercise) == readable
        assert grade.others_can_read(submissions) == readable
    finally:
        shutil.rmtree(top)


as_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changes user: root only"
)


@pytest.fixture
def open_course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder in /tmp that stands for /srv: course/viewlib-course, a copy
    of what grading needs, and course/submissions, empty, both readable by
    other users."""
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(dir="/tmp"))  # /tmp: every user may enter it
    try:
        checkout = top / "course" / "viewlib-course"
        for part in ("viewlib", "chapters/exercises", "tests/exercise_solutions"):
            shutil.copytree(
                ROOT / part,
                checkout / part,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
        (top / "course" / "submissions").mkdir()
        for path in (top, *top.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield top
    finally:
        shutil.rmtree(top)


def the_warning_block() -> Any:
    from tests.console_blocks import blocks

    (block,) = [b for b in blocks("instructors.md") if "warning" in str(b.commands)]
    (command,) = block.commands
    assert command.text.startswith("python chapters/exercises/grade.py ")
    return command


@as_root
def test_the_page_shows_the_warnings(open_course: Path) -> None:
    """instructors.md's warnings are what grade.py prints, as root, for a
    checkout at /srv/course/viewlib-course with the submissions beside it,
    both open (here under a folder in /tmp, put back as /srv)."""
    from tests.console_blocks import difference

    command = the_warning_block()
    printed = subprocess.run(
        [sys.executable, *command.text.split()[1:]],
        cwd=open_course / "course" / "viewlib-course",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert printed.count("grade.py: warning:") == 2
    printed = printed.replace(str(open_course.resolve()), "/srv")
    assert difference(command.output, printed) is None, printed


@as_root
@full_runs_only("three grading runs")
def test_open_hidden_checks_warn_and_closed_folders_do_not(open_course: Path) -> None:
    checkout = open_course / "course" / "viewlib-course"
    hidden = open_course / "course" / "hidden-checks"
    (hidden / "01-shout").mkdir(parents=True)
    check = hidden / "01-shout" / "test_hidden.py"
    check.write_text("def test_app(exercise):\n    assert exercise.create_app\n")
    for path in (hidden, hidden / "01-shout", check):
        path.chmod(0o755 if path.is_dir() else 0o644)
    args = [*the_warning_block().text.split()[1:], "--checks", str(hidden)]
    run = subprocess.run(
        [sys.executable, *args],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f"can read {hidden.resolve()}: `chmod o-rwx` it" in run.stderr
    # Closed as the page says (`chmod o-rwx`), no folder brings a warning.
    for folder in (
        open_course / "course" / "submissions",
        hidden,
        checkout / "tests" / "exercise_solutions",
    ):
        folder.chmod(folder.stat().st_mode & ~0o007)
    run = subprocess.run(
        [sys.executable, *args],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr


def test_adding_a_column_to_the_table_is_one_pair() -> None:
    results = [grade.Result("ada", "01-shout", "passed", 5, 5)]
    feedback: grade.Column = ("feedback", lambda r: "ok")
    lines = grade.table(results, [*grade.COLUMNS, feedback]).splitlines()
    assert lines[0].split() == ["student", "exercise", "result", "checks", "feedback"]
    assert lines[2].split() == ["ada", "01-shout", "passed", "5/5", "ok"]


# The attacks, in one grading run -----------------------------------------

#: Print past pytest's capture (a passing test's output is not shown).
SAY = """
def say(*words):
    import gc
    from _pytest.capture import CaptureManager
    capture = next(o for o in gc.get_objects() if isinstance(o, CaptureManager))
    capture.suspend_global_capture()
    print(*words, flush=True)
    capture.resume_global_capture()
"""

#: Do something once, not at each of the five imports of the submission.
ONCE = (
    SAY
    + """
import os
if not os.path.exists("{flag}"):
    open("{flag}", "w").close()
    {code}
"""
)

#: The crafted submissions of issue 18, by student.
ATTACKS = {
    # Skipped checks are not passed checks.
    "skip": "import pytest\npytest.skip('nothing to grade', allow_module_level=True)\n",
    # An xfail is not a pass either.
    "xfail": "import pytest\npytest.xfail('later')\n",
    # Rewrite pytest's report file at exit, and write passes to every pipe.
    "atexit": """
import atexit, os, stat
PASSED = b'{"test": "x", "when": "call", "outcome": "passed", "xfail": false}\\n'
def lie():
    with open("report.xml", "w") as f:
        f.write('<testsuites><testsuite tests="5" failures="0" errors="0"/>')
        f.write('</testsuites>')
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, PASSED)
        except OSError:
            pass
atexit.register(lie)
raise RuntimeError("no solution, but a lie at exit")
""",
    # Look for the reference solution along the import path and the
    # working directory (and their parents), and run it.
    "solution": ONCE.format(
        flag="looked",
        code="""import json, sys
    say("SYSPATH", json.dumps(sys.path))
    say("ENV", json.dumps(sorted(os.environ)))
    say("CWD", os.getcwd())
    say("UID", os.getuid())""",
    )
    + """
import os, sys
places = [*sys.path, os.getcwd(), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
for place in filter(None, places):
    real = os.path.realpath(place)
    while True:
        candidate = os.path.join(real, "tests", "exercise_solutions", "01-shout.py")
        if os.path.isfile(candidate):
            say("FOUND", candidate)
            exec(open(candidate).read())
            break
        if os.path.dirname(real) == real:
            break
        real = os.path.dirname(real)
""",
    # Learn the submissions folder from an ancestor's command line (or its
    # environment, or working directory) and overwrite everyone's file.
    "overwrite": SAY
    + """
import os
def ancestors():
    pid = os.getpid()
    while pid > 1:
        with open(f"/proc/{pid}/stat") as f:
            pid = int(f.read().rpartition(")")[2].split()[1])
        yield pid
seen, readable = [], 0
for pid in ancestors():
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            seen += f.read().decode(errors="replace").split("\\0")
    except OSError:
        pass
    for name in ("environ", "cwd"):
        try:
            if name == "cwd":
                seen.append(os.readlink(f"/proc/{pid}/cwd"))
                readable += 1
            else:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    pairs = f.read().decode().split("\\0")
                    seen += [pair.split("=", 1)[-1] for pair in pairs]
                    readable += 1
        except OSError:
            pass
# What it read, deduplicated and each string cut to 300 characters, unless it
# names the test's folder: an ancestor with a long command line (a CI script
# passed as one argument) would otherwise push these lines out of the tail of
# output the grader keeps.
short = {s if len(s) <= 300 or "hostile" in s else s[:300] for s in seen if s}
say("CMDLINES", sorted(short))
hits = 0
for place in seen:
    if not os.path.isdir(place):
        continue
    for student in os.listdir(place):
        target = os.path.join(place, student, "01-shout", "exercise.py")
        try:
            with open(target, "w") as f:
                f.write("raise SystemExit('overwritten')\\n")
            hits += 1
        except OSError:
            pass
say("OVERWRITTEN", hits)
say("READABLE", readable)
""",
    # Print a malformed report, then leave at once: no end of the stream.
    "malformed": """
import os
with open("report.xml", "w") as f:
    f.write("<testsuites><testsuite tests=")
os._exit(0)
""",
    # Write garbage into every pipe it holds: the result stream breaks.
    "garbage": """
import os, stat
for fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.write(fd, b"{not json\\n")
    except OSError:
        pass
"""
    + STARTER,
    # Report passes for every test through pytest's own hook, in advance.
    "duplicate": """
import gc, sys
from _pytest.main import Session
from _pytest.reports import TestReport
if not hasattr(sys, "faked"):
    sys.faked = True
    session = next(o for o in gc.get_objects() if isinstance(o, Session))
    for item in session.items:
        for when in ("setup", "call", "teardown"):
            fake = TestReport(item.nodeid, item.location, {}, "passed", None, when)
            session.config.hook.pytest_runtest_logreport(report=fake)
"""
    + STARTER,
    # Leave sleeping grandchildren behind: some in new sessions, some
    # orphaned by a double fork. Then solve the exercise properly.
    "spawn": ONCE.format(
        flag="spawned",
        code="""import time
    ways = ("child", "setsid", "orphan") * 2
    read_end, write_end = os.pipe()
    for way in ways:
        pid = os.fork()
        if pid == 0:
            if way != "child":
                os.setsid()
            if way == "orphan" and os.fork():
                os._exit(0)
            os.write(write_end, b"%d\\n" % os.getpid())
            time.sleep(600)
            os._exit(0)
        if way == "orphan":
            os.waitpid(pid, 0)
    pids = b""
    while pids.count(b"\\n") < len(ways):
        pids += os.read(read_end, 100)
    say("\\n".join("SLEEPER " + p for p in pids.decode().split()))""",
    )
    + SOLUTION,
    # The fork bomb, bounded: try to start 200 sleeping processes.
    "bomb": ONCE.format(
        flag="bombed",
        code="""import time
    started = 0
    for _ in range(200):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(600)
            os._exit(0)
        started += 1
        say("SLEEPER", pid)
    say("STARTED", started)""",
    )
    + SOLUTION,
    # Burn CPU time until the CPU limit ends the run.
    "cpu": "while True:\n    pass\n",
    # Ask for 3 GiB, over the address space limit; then solve the exercise.
    "memory": ONCE.format(
        flag="asked",
        code="""try:
        bytearray(3 * 1024**3)
    except MemoryError:
        say("MEMORY refused")""",
    )
    + SOLUTION,
    # Write a file over the file size limit; then solve the exercise.
    "filesize": ONCE.format(
        flag="wrote",
        code="""try:
        with open("big", "wb") as f:
            f.write(b"x" * (65 * 1024 * 1024))
    except OSError as error:
        say("FSIZE", error.errno)""",
    )
    + SOLUTION,
    # Print 400 MB past pytest's capture, then solve the exercise.
    "flood": ONCE.format(
        flag="flooded",
        code="""import gc, sys
    from _pytest.capture import CaptureManager  # say() in one go
    capture = next(o for o in gc.get_objects() if isinstance(o, CaptureManager))
    capture.suspend_global_capture()
    block = b"x" * (1 << 20)
    for _ in range(400):
        sys.stdout.buffer.write(block)
    sys.stdout.flush()
    capture.resume_global_capture()""",
    )
    + SOLUTION,
}

#: Files that are refused before anything runs.
REFUSED = {
    "symlink": "refused: symlink",
    "linked": "refused: symlink",  # the student's whole folder is a link
    "folder": "refused: folder",
    "binary": "refused: not UTF-8",
    "huge": "refused: over 1048576 bytes",
}

#: Runs grade.py and reports the peak memory (KiB) of it and its children.
MEASURE = """
import json, resource, subprocess, sys
command = json.loads(sys.stdin.read())
done = subprocess.run(command, capture_output=True, text=True, timeout=600)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
out = {"code": done.returncode, "out": done.stdout, "err": done.stderr}
print(json.dumps({**out, "peak": peak}))
"""


def checksums(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not sys.platform.startswith("linux"):
        pytest.skip("the attacks read /proc: Linux only")
    submissions = tmp_path_factory.mktemp("hostile") / "submissions"

    def hand_in(student: str) -> Path:
        folder = submissions / student / "01-shout"
        folder.mkdir(parents=True)
        return folder / "exercise.py"

    for student in ("ada", "bob"):
        hand_in(student).write_text(SOLUTION)
    future = "from __future__ import annotations\n"  # first, or a SyntaxError
    for student, source in ATTACKS.items():
        hand_in(student).write_text(future + source.replace(future, ""))
    hand_in("symlink").symlink_to(submissions / "ada" / "01-shout" / "exercise.py")
    (submissions / "linked").symlink_to(submissions / "bob")
    hand_in("folder").mkdir()
    hand_in("binary").write_bytes(STARTER.encode() + b"# \xff\n")
    hand_in("huge").write_text(SOLUTION + "#" * (1024 * 1024))
    before = checksums(submissions)
    results = submissions.with_name("results.json")
    command = [sys.executable, str(EXERCISES / "grade.py"), str(submissions)]
    # A long timeout: the "cpu" case must meet its CPU limit first, even on
    # a loaded machine, where five seconds of CPU take far longer.
    command += ["--only", "01-shout", "--json", str(results), "--timeout", "120"]
    command += ["--processes", "16", "--cpu", "5", "--output", "64"]
    shown = ["--only", "01-shout", *command[-8:]]  # the page's command: no --json
    # The arguments go through stdin: no command line of ours names the folder.
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE],
        input=json.dumps(command),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    run = json.loads(measured.stdout)
    assert run["code"] == 0, run["err"]
    return {
        "submissions": submissions,
        "before": before,
        "after": checksums(submissions),
        "peak_kib": run["peak"],
        "table": run["out"],
        "options": shown,
        "results": {r["student"]: r for r in json.loads(results.read_text())},
    }


def outcome(graded: dict[str, Any], student: str) -> tuple[str, int, int]:
    r = graded["results"][student]
    return r["result"], r["passed"], r["total"]


def lines(graded: dict[str, Any], student: str, tag: str) -> list[str]:
    output = graded["results"][student]["output"]
    return [
        line.split(" ", 1)[1]
        for line in output.splitlines()
        if line.startswith(tag + " ")
    ]


full = full_runs_only("a grading run of twenty crafted submissions")


@full
@pytest.mark.parametrize(
    ("student", "expected"),
    [
        ("ada", ("passed", 5, 5)),
        ("bob", ("passed", 5, 5)),
        ("skip", ("failed", 0, 5)),
        ("xfail", ("failed", 0, 5)),
        ("atexit", ("failed", 0, 5)),
        ("solution", ("failed", 0, 5)),
        ("overwrite", ("failed", 0, 5)),
        ("malformed", ("failed (no result)", 0, 5)),
        ("garbage", ("failed (no result)", 0, 5)),
        ("duplicate", ("failed", 0, 5)),
        ("spawn", ("passed", 5, 5)),
        ("bomb", ("passed", 5, 5)),
        ("flood", ("passed", 5, 5)),
        ("cpu", ("failed (no result)", 0, 5)),  # not "timed out": the CPU limit
        ("memory", ("passed", 5, 5)),
        ("filesize", ("passed", 5, 5)),
        *[(student, (result, 0, 0)) for student, result in REFUSED.items()],
    ],
)
def test_each_attack_gets_the_right_result(graded, student, expected) -> None:
    assert outcome(graded, student) == expected


@full
def test_the_table_is_complete(graded) -> None:
    students = {"ada", "bob", *ATTACKS, *REFUSED}
    assert set(graded["results"]) == students
    assert graded["table"].splitlines()[-1] == (
        f"{len(students)} results: 7 passed, 6 failed, 3 failed (no result), 5 refused"
    )


@full
def test_no_other_students_file_changes(graded) -> None:
    assert graded["after"] == graded["before"]
    # The attack ran and found nothing to overwrite: no folder on any
    # command line it could read, none of the grader's /proc files.
    assert set(lines(graded, "overwrite", "OVERWRITTEN")) == {"0"}  # at each import
    seen = " ".join(lines(graded, "overwrite", "CMDLINES"))
    assert str(graded["submissions"]) not in seen
    assert "grade.py" in seen  # it did read the grader's command line
    if os.geteuid() == 0:  # as nobody: no environment, no working directory
        assert set(lines(graded, "overwrite", "READABLE")) == {"0"}


@full
def test_no_solution_on_the_path_and_a_minimal_environment(graded) -> None:
    assert lines(graded, "solution", "FOUND") == []
    [path] = lines(graded, "solution", "SYSPATH")
    assert not any(str(ROOT) in entry for entry in json.loads(path))
    [env] = lines(graded, "solution", "ENV")
    allowed = {"PATH", "HOME", "TMPDIR", "LANG", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
    allowed |= {"PYTEST_CURRENT_TEST", "PYTEST_VERSION"}  # pytest sets these
    assert set(json.loads(env)) <= allowed


@pytest.mark.skipif(os.name == "nt", reason="Windows adds two variables")
def test_the_childs_environment_is_the_allow_list_instructors_md_gives() -> None:
    folder = Path("/srv/run")
    assert sandbox.environment(folder) == {
        "PATH": os.defpath,
        "HOME": str(folder),
        "TMPDIR": str(folder / "tmp"),
        "LANG": "C.UTF-8",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }


@full
def test_no_process_a_submission_started_survives(graded) -> None:
    sleepers = lines(graded, "spawn", "SLEEPER") + lines(graded, "bomb", "SLEEPER")
    assert len(lines(graded, "spawn", "SLEEPER")) == 6  # they did start
    alive = [pid for pid in sleepers if Path(f"/proc/{pid}").exists()]
    assert alive == []


@full
def test_the_limits_hold(graded) -> None:
    [started] = lines(graded, "bomb", "STARTED")
    assert 0 < int(started) <= 16  # --processes 16
    assert lines(graded, "memory", "MEMORY") == ["refused"]  # --memory 2048
    assert lines(graded, "filesize", "FSIZE") == [str(errno.EFBIG)]  # --file-size 64


@full
def test_it_runs_alone_in_a_fresh_folder_as_nobody_when_root(graded) -> None:
    [cwd] = lines(graded, "solution", "CWD")
    assert Path(cwd).name.startswith("run-")
    assert not Path(cwd).is_relative_to(graded["submissions"].parent)
    assert not Path(cwd).exists()  # removed after the run
    [uid] = lines(graded, "solution", "UID")
    if os.geteuid() == 0:
        import pwd

        assert int(uid) == pwd.getpwnam("nobody").pw_uid
    else:
        assert int(uid) == os.geteuid()


@full
def test_the_graders_memory_stays_bounded_while_a_child_prints_400_mb(graded):
    # The peak of grade.py and every process it waited for, in KiB.
    assert graded["peak_kib"] < 200 * 1024
    assert graded["results"]["flood"]["output"].count("x") >= 60 * 1024


@full
def test_the_page_shows_the_class_table(graded) -> None:
    """instructors.md's table of the crafted class is this run's table."""
    from tests.console_blocks import blocks

    (block,) = [b for b in blocks("instructors.md") if "../class" in str(b.commands)]
    shown = [line.rstrip() for line in block.commands[0].output]
    assert shown == [line.rstrip() for line in graded["table"].splitlines()]
    # The page's command gives the options of the run compared.
    given = block.commands[0].text.split()
    assert given[given.index("../class") + 1 :] == graded["options"]
    sentence = "graded with the test's options (`" + " ".join(graded["options"][2:])
    page = " ".join((ROOT / "instructors.md").read_text(encoding="utf-8").split())
    assert sentence + "`)" in page


# --feedback on hostile files: viewcheck runs in a bounded child ------------

from _grading import feedback  # noqa: E402

FAKE_CHECKER = """\
import os, signal, sys, time


class Finding:
    def __init__(self, line):
        self.line = line

    def as_dict(self):
        return {"code": "CBV101", "line": self.line, "message": "m"}


def analyse(source, name):
    open(os.environ.get("PIDFILE", "/dev/null"), "w").write(str(os.getpid()))
    attack = source.strip()
    if attack == "hang":
        time.sleep(600)
    if attack == "spin":
        while True:
            pass
    if attack == "memory":
        hog = bytearray(4 * 1024 * 1024 * 1024)
    if attack == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if attack == "flood":
        return [Finding(n) for n in range(1, 100_001)], []
    if attack == "garbage":
        sys.stdout.write("not json")
        sys.stdout.flush()
        os._exit(0)
    return [], []
"""


def fake_checker(tmp_path: Path) -> Any:
    """A stand-in for viewcheck.checker whose analyse() does what the file says."""
    import types

    folder = tmp_path / "home" / "viewcheck"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "checker.py").write_text(FAKE_CHECKER)
    module = types.ModuleType("viewcheck.checker")
    module.__file__ = str(folder / "checker.py")
    return module


@pytest.mark.skipif(
    os.name != "posix", reason="the CPU and memory limits need resource"
)
@pytest.mark.parametrize(
    ("attack", "limits", "cell"),
    [
        ("hang", {"timeout": 2}, "feedback timed out"),
        ("spin", {"timeout": 60, "cpu": 1}, "feedback timed out"),
        ("memory", {"memory": 512 * 1024 * 1024}, "unreadable"),
        ("crash", {}, "unreadable"),
        ("garbage", {}, "unreadable"),
    ],
)
def test_feedback_that_cannot_finish_is_a_reason_in_its_cell(
    tmp_path: Path, monkeypatch: Any, attack: str, limits: dict[str, Any], cell: str
) -> None:
    # Each defence of feedback.bounded, attacked by an analyzer that hangs,
    # spins, allocates 4 GiB, crashes or answers garbage: the cell says why,
    # nothing is raised, and the child's process is gone.
    pidfile = tmp_path / "pid"
    monkeypatch.setenv("PIDFILE", str(pidfile))
    found = feedback.bounded(
        fake_checker(tmp_path), attack, "exercise.py", sandbox.Limits(**limits)
    )
    assert feedback.summary(found) == cell, found
    pid = int(pidfile.read_text())
    assert not Path(f"/proc/{pid}").exists() or os.name != "posix"


def test_feedback_keeps_the_first_findings_and_counts_the_rest(tmp_path: Path) -> None:
    found = feedback.bounded(fake_checker(tmp_path), "flood", "x.py", sandbox.Limits())
    assert len(found) == feedback.MAX_FINDINGS + 1
    assert feedback.summary(found).endswith("CBV101 line 50, and 99950 more")


def test_feedback_on_the_review_files_ends_with_a_reason(tmp_path: Path) -> None:
    # The real viewcheck on round 4's two files: an expression 200,000 deep
    # (the parser of Python 3.9 and 3.10 crashes on it; 3.11 refuses it) and
    # a decorators list of 520,000 names (1,040,063 bytes, under the 1 MiB
    # limit), which took minutes while the rule was quadratic.
    checker = feedback.load(EXERCISES / "grade.py")
    assert checker is not None
    deep = "x = " + "a+" * 200_000 + "a"
    (found,) = feedback.bounded(checker, deep, "exercise.py", sandbox.Limits())
    assert found["code"] == "unreadable"
    assert "too deeply nested" in str(found["message"])
    names = "from flask.views import View\nclass R(View):\n    decorators = ["
    names += ",".join(["a"] * 520_000) + "]\n"
    assert 1_000_000 < len(names) < MAX_BYTES
    assert feedback.bounded(checker, names, "exercise.py", sandbox.Limits()) == []


@full_runs_only("a pytest process per submission")
def test_a_file_that_crashes_the_parser_leaves_a_full_table(tmp_path: Path) -> None:
    # Round 4's attack on --feedback: on Python 3.9 and 3.10 this file took
    # the grader down (segmentation fault, no table). Run this on 3.9 too.
    submissions = tmp_path / "submissions"
    for student, text in (("ada", SOLUTION), ("eve", "x = " + "a+" * 200_000 + "a\n")):
        (submissions / student / "01-shout").mkdir(parents=True)
        (submissions / student / "01-shout" / "exercise.py").write_text(text)
    command = [sys.executable, str(EXERCISES / "grade.py"), str(submissions)]
    result = subprocess.run(
        [*command, "--only", "01-shout", "--feedback", "--as-me"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split(None, 4) for line in result.stdout.splitlines()[2:4]]
    assert rows[0] == ["ada", "01-shout", "passed", "5/5", "-"]
    assert rows[1][:2] == ["eve", "01-shout"]
    assert rows[1][2:4] in (["failed", "0/5"], ["failed", "(no"])
    assert rows[1][-1].endswith("unreadable line 1")
    assert result.stdout.splitlines()[-1].startswith("2 results: 1 passed, 1 failed")


def test_the_run_folder_holds_what_instructors_md_lists(tmp_path: Path) -> None:
    # "a fresh temporary folder that holds pytest.ini, ..." (instructors.md),
    # for exercise 7, whose folder has templates beside its check.
    grader = grade.Grader(sandbox.Limits(), None, tmp_path)
    work = grader.folder(["07-catalogue"], hidden=False)
    sandbox.hand_over(work, None)
    (work / "07-catalogue" / "exercise.py").write_text("# a file\n")  # as run() does
    listing = sorted(
        str(p.relative_to(work)) for p in work.rglob("*") if "viewlib" not in p.parts
    )
    assert listing == [
        "07-catalogue",
        "07-catalogue/exercise.py",
        "07-catalogue/templates",
        "07-catalogue/templates/base.html",
        "07-catalogue/templates/book_detail.html",
        "07-catalogue/templates/book_list.html",
        "07-catalogue/test_exercise.py",
        "_harness.py",
        "conftest.py",
        "pytest.ini",
        "tmp",
    ]
    assert (work / "viewlib" / "views.py").is_file()
    assert (work / "pytest.ini").read_text() == "[pytest]\n"
    assert not list((work / "tmp").iterdir())
    page = " ".join((ROOT / "instructors.md").read_text(encoding="utf-8").split())
    for name in (
        "`pytest.ini`",
        "`conftest.py`",
        "`viewlib/`",
        "`_harness.py`",
        "`tmp/`",
        "`templates/`",
        "`exercise.py`",
    ):
        assert name in page.split("fresh temporary folder that holds", 1)[1][:600]


def test_run_as_another_user_than_root_it_says_the_files_run_as_you(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    # instructors.md: "As another user than root, grade.py cannot change user,
    # prints `grade.py: the submissions run as you: ...`".
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(grade, "grade", lambda *args, **kwargs: [])
    monkeypatch.setattr(sandbox, "become_subreaper", lambda: False)
    assert grade.main([str(tmp_path), "--only", "01-shout"]) == 0
    line = "grade.py: the submissions run as you: they can read and change what you can"
    assert line in capsys.readouterr().err.splitlines()
    page = " ".join((ROOT / "instructors.md").read_text(encoding="utf-8").split())
    assert f"prints `{line}`" in page
    # And --user, which needs root, is refused rather than ignored.
    with pytest.raises(SystemExit):
        grade.main([str(tmp_path), "--user", "nobody"])
