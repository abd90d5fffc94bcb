"""viewcheck's doors: the command line, ``--app``, the flake8 plugin, the API.

The command line is a contract other tools rely on: one line per finding,
``PATH:LINE: CODE message; hint: ...; see URL``; exit status 0, 1 or 2; a
clear message and never a traceback. Each test runs it as a user does, in a
process of its own.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import tomllib
from flask import Flask

from viewcheck import Finding, check_source
from viewcheck.app import check_app
from viewcheck.cli import main
from viewcheck.flake8_plugin import Plugin

ROOT = Path(__file__).parent.parent
LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+): (?P<code>CBV\d{3}) .+; hint: .+; see \S+#\S+$"
)

MISTAKE = """\
from flask import request
from viewlib import View


class Greet(View):
    init_every_request = False

    def dispatch_request(self):
        self.name = request.args.get("name", "")
        return {"name": self.name}
"""
FIXED = MISTAKE.replace("self.name", "name")


def viewcheck(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "viewcheck", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
    )


def in_process(*arguments: str) -> subprocess.CompletedProcess[str]:
    """The command line's ``main``, run here: what ``python -m viewcheck`` runs.

    Used where a process each would cost more than the check; the contract
    of the real process (``python -m``) has tests of its own below.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            status = main(list(arguments), out=out)
        except SystemExit as exit:  # argparse's usage errors
            status = int(exit.code or 0)
    return subprocess.CompletedProcess(
        arguments, status, out.getvalue(), err.getvalue()
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "mistake.py").write_text(MISTAKE)
    (tmp_path / "fixed.py").write_text(FIXED)
    return tmp_path


def test_a_finding_is_one_line_and_exit_status_1(files: Path) -> None:
    result = viewcheck(str(files / "mistake.py"))  # python -m viewcheck itself
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    match = LINE.match(line)
    assert match, line
    assert (match["line"], match["code"]) == ("9", "CBV102")
    assert match["path"] == str(files / "mistake.py")
    # The same line as Finding.format() (chapter 10 says so).
    (finding,) = check_source(MISTAKE, str(files / "mistake.py"))
    assert line == finding.format()
    assert "1 finding(s) in 1 file(s)" in result.stderr


def test_nothing_found_is_exit_status_0(files: Path) -> None:
    result = in_process(str(files / "fixed.py"))
    assert (result.returncode, result.stdout) == (0, "")


def test_a_folder_is_searched_for_python_files(files: Path) -> None:
    hidden = files / ".venv" / "lib"
    hidden.mkdir(parents=True)
    (hidden / "vendored.py").write_text(MISTAKE)
    (files / "notes.txt").write_text(MISTAKE)
    result = in_process(str(files))
    assert result.returncode == 1
    assert [LINE.match(line)["path"] for line in result.stdout.splitlines()] == [  # type: ignore[index]
        str(files / "mistake.py")
    ]
    assert "in 2 file(s)" in result.stderr


def test_json_for_tools(files: Path) -> None:
    result = in_process("--format", "json", str(files))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["files"] == 2
    assert report["errors"] == []
    assert report["silenced"] == 0
    (finding,) = report["findings"]
    expected = check_source(MISTAKE, str(files / "mistake.py"))[0].as_dict()
    assert finding == expected
    assert sorted(finding) == ["code", "col", "hint", "line", "message", "path", "url"]


def test_docs_puts_the_site_address_before_each_link(files: Path) -> None:
    result = in_process("--docs", "http://127.0.0.1:8000", str(files / "mistake.py"))
    assert "see http://127.0.0.1:8000/chapters/10-pitfalls.html#" in result.stdout


def test_noqa_markers_are_counted(files: Path) -> None:
    marked = MISTAKE.replace('"")\n', '"")  # noqa: CBV102  shared on purpose\n')
    (files / "mistake.py").write_text(marked)
    result = in_process(str(files))
    assert result.returncode == 0
    assert "1 silenced by # noqa" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("def broken(:\n", "cannot parse"),
        (b"x = 1\x00\n", "cannot parse"),
        (b"name = '\xff\xfe'\n", "cannot"),
        ("x = " + "+".join(["a"] * 100_000) + "\n", "cannot parse"),
        ("x = " + "(" * 300 + ")" * 300 + "\n", "cannot parse"),
    ],
    ids=["syntax", "nul-byte", "not-utf8", "deep-tree", "deep-parentheses"],
)
def test_a_file_it_cannot_read_is_exit_status_2_without_traceback(
    files: Path, content: str | bytes, message: str
) -> None:
    bad = files / "bad.py"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content)
    result = in_process(str(files))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{bad}" in result.stderr
    assert message in result.stderr
    # The other files are still checked and reported.
    assert [LINE.match(line)["code"] for line in result.stdout.splitlines()] == [  # type: ignore[index]
        "CBV102"
    ]


@pytest.mark.parametrize(
    "arguments",
    [[], ["--format", "xml", "x.py"], ["no/such/file.py"], ["--app", "nocolon"]],
    ids=["nothing", "bad-format", "missing-file", "bad-app-spec"],
)
def test_usage_errors_are_exit_status_2(arguments: list[str]) -> None:
    result = in_process(*arguments)
    assert result.returncode == 2
    assert result.stderr.strip()
    assert "Traceback" not in result.stderr


def test_the_projects_correct_code_passes() -> None:
    """The issue's acceptance command: the apps and the reference solutions."""
    result = in_process(
        str(ROOT / "chapters/apps"), str(ROOT / "tests/exercise_solutions")
    )
    assert (result.returncode, result.stdout) == (0, "")


def test_exercise_10s_starter_fails_with_four_findings() -> None:
    result = in_process(str(ROOT / "chapters/exercises/10-bug-hunt/exercise.py"))
    assert result.returncode == 1
    codes = [LINE.match(line)["code"] for line in result.stdout.splitlines()]  # type: ignore[index]
    assert codes == ["CBV102", "CBV112", "CBV112", "CBV110"]
    # Chapter 10's second command: the same four, as JSON.
    path = str(ROOT / "chapters/exercises/10-bug-hunt/exercise.py")
    report = json.loads(in_process("--format", "json", path).stdout)
    assert [finding["code"] for finding in report["findings"]] == codes


# --- --app: what the running app reveals ---

APP = """\
from flask import Flask
from viewlib import MethodView


def log(view):
    def wrapper(**kwargs):  # no functools.wraps: the attributes are lost
        return view(**kwargs)
    return wrapper


class Notes(MethodView):
    def get(self):
        return "notes"

    def post(self):
        return "added"


class Ping(MethodView):
    def get(self):
        return "pong"


def create_app():
    app = Flask(__name__)
    app.add_url_rule("/notes", view_func=log(Notes.as_view("notes")))
    app.add_url_rule("/ping", view_func=Ping.as_view("ping"), methods=["GET", "PUT"])
    return app
"""


def app_module(views: ModuleType, source: str = APP) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "an_app"}
    source = source.replace("from viewlib import", f"from {views.__name__} import")
    exec(compile(source, "an_app.py", "exec"), namespace)
    return namespace


def test_app_mode_finds_lost_attributes_and_unhandled_methods(
    views: ModuleType,
) -> None:
    app = app_module(views)["create_app"]()
    found = [(f.code, f.message) for f in check_app(app)]
    assert [code for code, _ in found] == ["CBV201", "CBV202"]
    # Without functools.wraps the endpoint is the wrapper's name.
    assert "'wrapper' (Notes)" in found[0][1]
    assert "'ping' (PUT)" in found[1][1]
    # What the findings say is what the app does:
    client = app.test_client()
    app.logger.disabled = True
    assert client.post("/notes").status_code == 405  # POST was lost with methods
    assert client.put("/ping").status_code == 500  # routed, no handler


def test_app_mode_is_silent_on_a_correct_app(views: ModuleType) -> None:
    fixed = APP.replace('log(Notes.as_view("notes"))', 'Notes.as_view("notes")')
    fixed = fixed.replace(', methods=["GET", "PUT"]', "")
    assert check_app(app_module(views, fixed)["create_app"]()) == []


APPS_WITH_FACTORIES = sorted(
    path.stem
    for path in (ROOT / "chapters/apps").glob("*.py")
    if "\ndef create_app(" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("module", APPS_WITH_FACTORIES)
def test_app_mode_is_silent_on_the_chapters_apps(module: str) -> None:
    factory = importlib.import_module(module).create_app
    assert check_app(factory()) == []


def test_app_mode_takes_a_file_path() -> None:
    """Chapter 10's command, from the repository's root."""
    result = viewcheck("--app", "chapters/apps/bookshelf.py:create_app")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_app_mode_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "an_app.py").write_text(APP)
    result = viewcheck("--app", "an_app:create_app", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [LINE.match(line)["code"] for line in lines] == ["CBV201", "CBV202"]  # type: ignore[index]
    assert lines[0].startswith("an_app.py:11: ")  # the class Notes line


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("raise RuntimeError('no database')\n", "RuntimeError: no database"),
        ("def create_app():\n    return 42\n", "not a Flask app"),
        ("", "AttributeError"),
    ],
    ids=["import-fails", "not-an-app", "no-factory"],
)
def test_an_app_that_cannot_load_is_exit_status_2(
    tmp_path: Path, source: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = f"broken_app_{len(source)}"
    (tmp_path / f"{module}.py").write_text(source)
    monkeypatch.setattr(sys, "path", list(sys.path))  # load_app adds tmp_path
    monkeypatch.setitem(sys.modules, module, None)  # imported afresh, then forgotten
    del sys.modules[module]
    result = in_process("--app", f"{tmp_path / module}.py:create_app")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# --- the flake8 plugin, through the entry point pyproject.toml declares ---


def test_flake8_runs_the_rules_through_the_declared_entry_point(tmp_path: Path) -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    entry_points = declared["entry-points"]["flake8.extension"]
    assert entry_points == {"CBV": "viewcheck.flake8_plugin:Plugin"}
    # An installed distribution is a dist-info folder: make one that declares
    # the same entry point, so flake8 finds the plugin as it would after
    # `pip install`, whichever checkout the environment has installed.
    # When this checkout is installed (`pip install -r requirements.txt`
    # installs it editable), its own dist-info already declares the plugin,
    # and a second declaration would make flake8 run it twice.
    from importlib.metadata import entry_points as installed

    site = tmp_path / "site"
    info = site / "viewcheck_plugin-0.1.dist-info"
    site.mkdir()
    if not any(e.name == "CBV" for e in installed(group="flake8.extension")):
        info.mkdir()
    lines = [f"{name} = {target}" for name, target in entry_points.items()]
    if info.is_dir():
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: viewcheck-plugin\nVersion: 0.1\n"
        )
        (info / "entry_points.txt").write_text(
            "[flake8.extension]\n" + "\n".join(lines) + "\n"
        )
    sample = tmp_path / "sample.py"
    sample.write_text(
        MISTAKE + "\n\nclass Other(View):\n    init_every_request = False\n\n"
        "    def dispatch_request(self):\n"
        "        self.x = 1  # noqa: CBV102  on purpose\n        return 'x'\n"
    )
    environment = {**os.environ, "PYTHONPATH": f"{tmp_path / 'site'}{os.pathsep}{ROOT}"}
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "CBV", str(sample)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{sample}:9:9: CBV102 self.name is set while handling")
    assert line.endswith("#state-on-self-in-a-shared-instance")


def test_the_plugin_class_as_flake8_calls_it() -> None:
    import ast

    found = list(Plugin(ast.parse(MISTAKE), "m.py").run())
    assert [(line, col, text.split()[0]) for line, col, text, _ in found] == [
        (9, 8, "CBV102")
    ]


# --- the API other tools call (grade.py's feedback, the page's panel) ---


def test_check_source_api() -> None:
    (finding,) = check_source(MISTAKE, "greet.py")
    assert isinstance(finding, Finding)
    assert (finding.path, finding.line, finding.code) == ("greet.py", 9, "CBV102")
    assert finding.url.endswith("#state-on-self-in-a-shared-instance")
    assert finding.format().startswith("greet.py:9: CBV102 ")
    assert json.loads(json.dumps(finding.as_dict()))["hint"] == finding.hint
    with pytest.raises(SyntaxError):
        check_source("def broken(:", "broken.py")


def test_check_source_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').close()\n" + textwrap.dedent(MISTAKE)
    assert [f.code for f in check_source(source)] == ["CBV102"]
    assert not marker.exists()


def test_a_flask_app_object_is_accepted_directly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ready_app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\n"
    )
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "ready_app", None)
    del sys.modules["ready_app"]
    result = in_process("--app", f"{tmp_path / 'ready_app.py'}:app")
    assert result.returncode == 0, result.stderr
    assert isinstance(sys.modules["ready_app"].app, Flask)
