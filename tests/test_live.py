"""The in-browser runner's Python half, here in CPython (the browser: nox -s live).

_ext/live/runner.py must run a page as conftest.py has sybil run it; these
checks catch a drift between the two without a browser.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sphinx.errors import ExtensionError

import _ext.live as live
import conftest
from _ext.live import bytecode, fetch, runner
from tests.budget import full_runs_only

ROOT = Path(__file__).parent.parent
EXERCISE = ROOT / "chapters/exercises/01-shout"


@pytest.mark.skipif(
    conftest.IMPLEMENTATION != "viewlib", reason="the browser runs viewlib only"
)
def test_a_page_starts_with_the_namespace_sybil_gives_it() -> None:
    sybil: dict[str, object] = {}
    conftest.start_document(sybil)
    conftest.end_document(sybil)
    runner.reset()
    assert runner.namespace("") == sybil


def test_a_session_is_checked_with_doctest_and_failures_show_both_outputs() -> None:
    runner.reset()
    session = ">>> x = 2\n>>> x * 21\n42\n>>> x + 1\n4\n"
    result = json.loads(runner.check("doctest", session, "", None, None, "<t>"))
    assert (result["passed"], result["failed"]) == (2, 1)
    assert result["failures"] == [
        {"source": ">>> x + 1\n", "expected": "4\n", "actual": "3\n"}
    ]


def test_code_runs_in_the_page_namespace_and_shows_its_last_value() -> None:
    runner.reset()
    ran = json.loads(
        runner.run("code", "y = 6\nprint('hi')\ny * 7", "", None, None, "<t>")
    )
    assert ran == {"output": "hi\n42\n", "omitted": 0, "ok": True}
    assert runner.namespace("")["y"] == 6


def test_skip_next_skips_one_example_and_skip_start_all_of_them() -> None:
    runner.reset()
    session = ">>> 1\n2\n>>> 3\n3\n"
    condition = 'if(IMPLEMENTATION == "viewlib", reason="why")'
    one = json.loads(runner.check("doctest", session, "", condition, None, "<t>"))
    every = json.loads(runner.check("doctest", session, "", None, condition, "<t>"))
    false = 'if(IMPLEMENTATION != "viewlib", reason="why")'
    none = json.loads(runner.check("doctest", session, "", false, None, "<t>"))
    assert (one["skipped"], one["passed"], one["failed"]) == (1, 1, 0)
    assert (every["skipped"], every["passed"]) == (2, 0)
    assert (none["skipped"], none["failed"]) == (0, 1)


def test_a_pure_wheel_tagged_for_a_platform_is_retagged(tmp_path: Path) -> None:
    wheel = tmp_path / "demo-1.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo/__init__.py", "")
        archive.writestr(
            "demo-1.0.dist-info/WHEEL",
            "Root-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n",
        )
        archive.writestr("demo-1.0.dist-info/RECORD", "demo-1.0.dist-info/WHEEL,,\n")
    pure = fetch.retag_pure(wheel)
    assert pure.name == "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(pure) as archive:
        tags = archive.read("demo-1.0.dist-info/WHEEL").decode()
        record = archive.read("demo-1.0.dist-info/RECORD").decode()
    assert "Tag: py3-none-any" in tags
    assert "Root-Is-Purelib: true" in tags
    assert record.startswith("demo-1.0.dist-info/WHEEL,sha256=")


def imported_value(path: Path, folder: Path) -> str:
    """``demo.VALUE`` as a fresh Python imports it from *path* (writing nothing)."""
    script = "import demo; print(demo.VALUE, demo.__file__)"
    return subprocess.run(
        [
            sys.executable,
            "-B",
            "-c",
            f"import sys; sys.path.insert(0, {str(path)!r}); {script}",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]


def rewrite_member(archive: Path, name: str, data: str) -> None:
    with zipfile.ZipFile(archive) as source:
        members = {item.filename: source.read(item) for item in source.infolist()}
    members[name] = data.encode()
    with zipfile.ZipFile(archive, "w") as target:
        for member, content in members.items():
            target.writestr(member, content)


def test_bytecode_in_a_wheel_is_what_python_imports(tmp_path: Path) -> None:
    """fetch.py's compile step (run in Pyodide, checked here in CPython): the
    compiled file sits where Python looks for it and is used without being
    checked against the source: the source changed afterwards is not read."""
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo/__init__.py", "VALUE = 'compiled'\n")
        archive.writestr("demo/broken.py", "def (:\n")  # left as source
        archive.writestr("demo-1.0.dist-info/RECORD", "")
    assert bytecode.add_bytecode(wheel, "/site", flat=False) == 1
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert names == [
        "demo/__init__.py",
        f"demo/__pycache__/__init__.{tag}.pyc",
        "demo/broken.py",
        "demo-1.0.dist-info/RECORD",
    ]
    (tmp_path / "site" / "demo" / "__init__.py").write_text("VALUE = 'source'\n")
    assert imported_value(tmp_path / "site", tmp_path) == "compiled"


def test_bytecode_in_the_standard_library_zip_is_what_python_imports(
    tmp_path: Path,
) -> None:
    stdlib = tmp_path / "python_stdlib.zip"
    with zipfile.ZipFile(stdlib, "w") as archive:
        archive.writestr("demo.py", "VALUE = 'compiled'\n")
    assert bytecode.add_bytecode(stdlib, str(stdlib), flat=True) == 1
    with zipfile.ZipFile(stdlib) as archive:
        assert archive.namelist() == ["demo.py", "demo.pyc"]
        header = archive.read("demo.pyc")[:8]
    # PEP 552: this Python's magic number, then "hash-based, not checked".
    assert header == importlib.util.MAGIC_NUMBER + b"\x01\0\0\0"
    rewrite_member(stdlib, "demo.py", "VALUE = 'source'\n")
    assert imported_value(stdlib, tmp_path) == "compiled"


def test_only_the_wanted_modules_are_compiled(tmp_path: Path) -> None:
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo/__init__.py", "")
        archive.writestr("demo/unused.py", "")
    assert bytecode.top_level(wheel) == {"demo"}
    wanted = {"/site/demo/__init__.py"}
    assert bytecode.add_bytecode(wheel, "/site", False, wanted) == 1
    with zipfile.ZipFile(wheel) as archive:
        compiled = [name for name in archive.namelist() if name.endswith(".pyc")]
    assert compiled == [f"demo/__pycache__/__init__.{sys.implementation.cache_tag}.pyc"]


def test_the_modules_the_pages_import_are_read_from_their_sources(
    tmp_path: Path,
) -> None:
    (tmp_path / "chapters" / "apps").mkdir(parents=True)
    (tmp_path / "chapters" / "01-x.md").write_text(
        "```python\n>>> from flask import Flask\n... import json, os.path\n```\n"
        "Prose that says import nothing here.\n"
    )
    (tmp_path / "chapters" / "apps" / "app.py").write_text(
        "from .sibling import x\n    import sqlite3 as db\n"
    )
    names = fetch.imported_names(tmp_path)
    # runner.py's own imports are always there.
    assert {"flask", "json", "os.path", "sqlite3", "doctest"} <= set(names)
    assert not [name for name in names if name.startswith(".")]
    assert "nothing" not in names


def test_output_is_capped_and_sent_in_chunks() -> None:
    """A huge print keeps its first LIMIT characters, counts the rest, and
    reaches the page in chunks of at most CHUNK characters."""
    runner.reset()
    chunks: list[str] = []
    runner.set_sink(chunks.append)
    try:
        ran = json.loads(
            runner.run("code", "print('x' * 10**7)", "", None, None, "<t>")
        )
    finally:
        runner.set_sink(None)
    assert ran["ok"]
    assert ran["output"] == "x" * runner.LIMIT
    assert ran["omitted"] == 10**7 + 1 - runner.LIMIT  # the newline too
    assert "".join(chunks) == ran["output"]
    assert max(map(len, chunks)) == runner.CHUNK


def test_a_session_run_says_which_outputs_differ_from_the_page() -> None:
    runner.reset()
    session = (
        ">>> 6 * 7\n42\n>>> 'edited'\n'page'\n>>> 1 / 0\n"
        "Traceback (most recent call last):\n...\nZeroDivisionError: division by zero\n"
    )
    ran = json.loads(runner.run("doctest", session, "", None, None, "<t>"))
    assert ran["compared"] == 3
    assert ran["differences"] == [
        {"source": ">>> 'edited'\n", "expected": "'page'\n", "actual": "'edited'\n"}
    ]


def test_evaluate_answers_in_structured_form() -> None:
    """For tools in the page: the output, whether it ran, the last value."""
    done = json.loads(runner.evaluate("print('hi')\n{'views': [1, 2]}"))
    assert done == {
        "output": "hi\n{'views': [1, 2]}\n",
        "omitted": 0,
        "ok": True,
        "value": {"views": [1, 2]},
    }
    failed = json.loads(runner.evaluate("raise SystemExit(3)"))
    assert (failed["ok"], failed["value"]) == (False, None)
    assert failed["output"].endswith("SystemExit: 3\n")


MISTAKEN_VIEW = """\
from viewlib import View

@login_required
class Home(View):
    def dispatch_request(self):
        return "home"
"""


def test_check_my_view_lists_findings_with_line_hint_and_section() -> None:
    """The panel's glue: viewcheck's findings as JSON, the line the mistake is on."""
    answer = json.loads(runner.viewcheck(MISTAKEN_VIEW))
    assert answer["error"] is None
    assert [(f["line"], f["code"]) for f in answer["findings"]] == [(3, "CBV103")]
    (finding,) = answer["findings"]
    assert finding["url"] == "chapters/10-pitfalls.html#decorating-the-class"
    assert finding["hint"] == "list it in the class's decorators attribute instead"


def test_check_my_view_finds_nothing_in_the_fix() -> None:
    fixed = MISTAKEN_VIEW.replace("@login_required\n", "").replace(
        "(View):\n", "(View):\n    decorators = [login_required]\n\n"
    )
    assert json.loads(runner.viewcheck(fixed)) == {
        "findings": [],
        "omitted": 0,
        "error": None,
    }


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("class Home(View:\n    pass\n", 1, "SyntaxError: "),
        ("x = 1\n\ndef f(\n", 3, "SyntaxError: "),
        ("x = 1\0\n", None, "SyntaxError: "),  # a NUL character
        ("x = " + "(" * 5000 + ")" * 5000 + "\n", 1, "SyntaxError: "),
        ("x = " + "-" * 100_000 + "1\n", 1, "SyntaxError: too deeply nested"),
    ],
    ids=["syntax", "unclosed", "NUL", "parentheses", "deep"],
)
def test_check_my_view_says_why_it_cannot_check(
    source: str, line: int | None, message: str
) -> None:
    answer = json.loads(runner.viewcheck(source))
    assert answer["findings"] == []
    assert answer["error"]["line"] == line
    assert answer["error"]["message"].startswith(message), answer


def test_check_my_view_refuses_a_paste_over_its_limit() -> None:
    source = "x = 1\n" * (runner.VIEWCHECK_LIMIT // 6 + 1)
    answer = json.loads(runner.viewcheck(source))
    assert answer["findings"] == []
    assert answer["error"] == {
        "line": None,
        "message": f"the code is {len(source):,} characters long; "
        f"Check my view reads at most {runner.VIEWCHECK_LIMIT:,}",
    }
    at_the_limit = source[: runner.VIEWCHECK_LIMIT]
    assert json.loads(runner.viewcheck(at_the_limit))["error"] is None


def test_check_my_view_lists_the_first_findings_and_counts_the_rest() -> None:
    """A paste with thousands of mistakes: the page gets the first
    VIEWCHECK_SHOWN findings and the count of the others."""
    unit = "@login_required\nclass Home(View):\n    pass\n"
    count = (runner.VIEWCHECK_LIMIT - 100) // len(unit)
    source = "from viewlib import View\n" + unit * count
    answer = json.loads(runner.viewcheck(source))
    assert len(answer["findings"]) == runner.VIEWCHECK_SHOWN
    assert answer["omitted"] == count - runner.VIEWCHECK_SHOWN
    assert [f["line"] for f in answer["findings"][:2]] == [2, 5]


def test_check_my_view_never_runs_the_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Code that would write a file, print and exit, at import and in a class
    body, is only parsed: no file, no output, this process goes on."""
    marker = tmp_path / "ran"
    source = (
        f"open({str(marker)!r}, 'w').write('ran')\nprint('ran')\n"
        f"class Home(View):\n    import os; os._exit(3)\n" + MISTAKEN_VIEW
    )
    answer = json.loads(runner.viewcheck(source))
    assert answer["error"] is None
    assert [f["code"] for f in answer["findings"]] == ["CBV103"]
    assert not marker.exists()
    assert capsys.readouterr() == ("", "")


CHECK = """
import json, sys
from pathlib import Path
from _ext.live import runner
runner.LOCAL = Path.cwd()
for source in json.load(sys.stdin):
    print(runner.check_exercise("01-shout", source))
"""
SKIPPING = "import pytest\npytest.skip('later', allow_module_level=True)\n"


@pytest.fixture(scope="module")
def checked() -> dict[str, dict[str, Any]]:
    """runner.check_exercise on exercise 1's starter, a module that skips, and
    the solution: in one Python of its own (it runs pytest)."""
    sources = {
        "starter": (EXERCISE / "exercise.py").read_text(),
        "skipping": SKIPPING,
        "solution": (ROOT / "tests/exercise_solutions/01-shout.py").read_text(),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        input=json.dumps(list(sources.values())),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=True,
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()[-3:]]
    return dict(zip(sources, answers))


@full_runs_only("pytest in a process of its own")
def test_an_exercise_check_shows_the_hint_pytest_shows(
    checked: dict[str, dict[str, Any]],
) -> None:
    result = checked["starter"]
    tests = {t["name"]: t for t in result["tests"]}
    first = tests["test_shout_answers_in_capitals"]
    assert first["outcome"] == "failed"
    assert first["message"].startswith("AssertionError: GET /shout/ada answered 404")
    assert "is Shout registered at /shout/<name> in create_app()?" in first["message"]
    assert result["passed"] == 0
    assert result["not_passed"] == len(tests)


@full_runs_only("pytest in a process of its own")
def test_skipped_or_missing_checks_are_not_passed(
    checked: dict[str, dict[str, Any]],
) -> None:
    result = checked["skipping"]
    assert {t["outcome"] for t in result["tests"]} == {"skipped"}
    assert (result["passed"], result["failed"]) == (0, 0)
    assert result["not_passed"] == len(runner.expected_checks(EXERCISE)) > 0
    assert checked["solution"]["not_passed"] == 0
    assert checked["solution"]["passed"] == len(runner.expected_checks(EXERCISE))


def test_a_check_message_drops_pytests_rerun_with_v_advice() -> None:
    outcomes = runner.Outcomes()
    message = (
        "AssertionError: assert 'a' == 'b'\n  \n  - b\n  + a\n  Use -v to get more diff"
    )
    outcomes.add("test_x", "failed", message)
    assert (
        outcomes.tests[0]["message"]
        == "AssertionError: assert 'a' == 'b'\n  \n  - b\n  + a"
    )


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, timeout=60
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with viewlib and an app tracked, and what must stay out:
    an untracked .env and database, and links (one tracked) to a file outside."""
    (tmp_path / "viewlib").mkdir()
    (tmp_path / "viewlib/__init__.py").write_text("")
    apps = tmp_path / "chapters/apps"
    apps.mkdir(parents=True)
    (apps / "hello.py").write_text("")
    git(tmp_path, "init", "-q")
    (apps / "linked.py").symlink_to("/etc/hostname")
    git(tmp_path, "add", "viewlib", "chapters")  # the link too
    (apps / ".env").write_text("SECRET_KEY=not-for-the-site\n")
    (apps / "notes.db").write_bytes(b"SQLite format 3\x00")
    (apps / "host.py").symlink_to("/etc/hostname")
    (tmp_path / "chapters/data").symlink_to("/etc", target_is_directory=True)
    return tmp_path


def test_local_zip_holds_only_tracked_files_and_no_links(
    checkout: Path, tmp_path: Path
) -> None:
    target = tmp_path / "local.zip"
    live.pack_local(target, checkout)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert names == ["chapters/apps/hello.py", "viewlib/__init__.py"]


def test_without_git_only_allowed_kinds_and_no_links(checkout: Path) -> None:
    shutil.rmtree(checkout / ".git")
    assert live.published(checkout) == [
        "chapters/apps/hello.py",
        "viewlib/__init__.py",
    ]


@pytest.mark.parametrize("name", ["chapters/apps/.env", "chapters/apps/notes.db"])
def test_a_tracked_dot_file_or_database_fails_the_build(
    checkout: Path, name: str
) -> None:
    git(checkout, "add", "-f", name)
    with pytest.raises(ExtensionError, match=name):
        live.published(checkout)


def test_the_build_refuses_a_cached_file_that_its_manifest_does_not_match(
    tmp_path, monkeypatch
):
    # README: the cache's manifest.json records each file's sha256, and the
    # build checks the cached files against it as it copies them.
    cache, out = tmp_path / "cache", tmp_path / "site"
    (cache / "wheels").mkdir(parents=True)
    wheel = cache / "wheels" / "a.whl"
    wheel.write_bytes(b"as fetched")
    manifest = {"inputs": {}, "files": {"wheels/a.whl": fetch.sha256(wheel)}}
    (cache / "manifest.json").write_text(json.dumps(manifest))
    (out / "_static" / "live").mkdir(parents=True)
    monkeypatch.setattr(fetch, "CACHE", cache)
    monkeypatch.setitem(live.STATE, "unavailable", None)
    monkeypatch.setattr(live, "pack_local", lambda target: target.write_bytes(b""))

    class Builder:
        format = "html"

    class App:
        outdir = str(out)
        builder = Builder()

    live.copy_runtime(App(), None)  # type: ignore[arg-type]
    assert (out / "_static/live/wheels/a.whl").read_bytes() == b"as fetched"
    wheel.write_bytes(b"changed since")
    with pytest.raises(
        RuntimeError, match=r"does not match \.live-cache/manifest\.json"
    ):
        live.copy_runtime(App(), None)  # type: ignore[arg-type]
