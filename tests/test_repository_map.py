# SPDX-License-Identifier: MIT
"""README.md's and CONTRIBUTING.md's lists that mirror the repository.

A companion to ``tests/test_page_figures.py``, in the same way: each list is
read from the page and compared with the code, so that the two change
together.

- the default nox sessions, in their order (README, "Run every test");
- the chapters that end with an exercise, and the two that do not (README);
- the browser session's checks (CONTRIBUTING's map);
- the modules of ``chapters/apps/`` that are not apps (README's layout and
  CONTRIBUTING's map);
- the behavioural test files of README's "viewlib side only" command, and
  the kinds of test plain ``pytest`` skips for time (``full_runs_only``);
- the rows for an app's hostile-input, thread and server tests
  (CONTRIBUTING's map);
- where the version bounds live, besides requirements.txt (both pages), and
  what the matrix pins for Flask 2.3 and the async extra asks of asgiref
  (README, "Supported versions");
- what ``shop.py``, an HTML app, answers to bad input (CONTRIBUTING's map).
- the README's ``-- --port 8001`` for the serve session.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib

from tests.noxfile_facts import facts
from tests.test_page_figures import code_spans, paragraph

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def row(text: str, start: str) -> str:
    """The line of a Markdown table that begins with *start*."""
    (found,) = [line for line in text.splitlines() if line.startswith(start)]
    return found


@pytest.fixture(scope="module")
def noxfile() -> dict[str, Any]:
    """What noxfile.py declares (``tests/noxfile_facts.py``)."""
    return facts()


# The default sessions -------------------------------------------------------


def test_serve_takes_the_readmes_port_option(noxfile) -> None:
    """README: "Port 8000 taken? Add ``-- --port 8001``"; on 127.0.0.1 either way."""
    assert "Port 8000 taken? Add `-- --port 8001`" in " ".join(README.split())
    assert noxfile["serve"] == [["127.0.0.1", 8000], ["127.0.0.1", 8001]]


def test_the_readme_lists_the_default_sessions_in_order(noxfile) -> None:
    text = paragraph(README, "**Run every test**")
    said = [span for span in code_spans(text) if not span.startswith("python -m nox")]
    assert said == noxfile["sessions"]
    # `nox --list` shows each session's docstring.
    assert not {name.split("-")[0] for name in said} & set(noxfile["undescribed"])
    assert "README.md lists them" in row(CONTRIBUTING, "$ python -m nox  ")


# The exercises --------------------------------------------------------------


def test_chapters_1_to_12_end_with_an_exercise_13_with_a_task_14_with_none() -> None:
    folders = sorted((ROOT / "chapters" / "exercises").glob("[0-9][0-9]-*"))
    numbers = [int(folder.name[:2]) for folder in folders]
    last = max(numbers)
    assert numbers == list(range(1, last + 1))
    said = re.search(r"Chapters 1 to (\d+) each end with an exercise", README)
    assert said is not None
    assert int(said[1]) == last
    assert f"at the end of chapters 1 to {last}**" in README
    for folder in folders:
        (chapter,) = (ROOT / "chapters").glob(f"{folder.name[:2]}-*.md")
        try_this = chapter.read_text(encoding="utf-8").split("\n## Try this\n")[1]
        assert f"chapters/exercises/{folder.name}" in try_this, chapter.name
    task, none = (
        (ROOT / "chapters").glob("13-*.md"),
        (ROOT / "chapters").glob("14-*.md"),
    )
    try_this = next(task).read_text(encoding="utf-8").split("\n## Try this\n")[1]
    assert "bench/cases.py" in try_this
    assert "chapters/exercises/" not in try_this
    assert "## Try this" not in next(none).read_text(encoding="utf-8")
    assert "chapter 13 ends with an open task" in " ".join(README.split())


# The browser checks ------------------------------------------------------------


def test_the_browser_session_runs_every_in_browser_check_but_lives(noxfile) -> None:
    every = sorted(path.name for path in (ROOT / "tests").glob("*_in_browser.py"))
    assert "live_in_browser.py" in every
    every.remove("live_in_browser.py")
    assert [Path(check).name for check in noxfile["browser"]] == every
    assert len(every) >= 2  # the site's and the shop's
    noxfile_text = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    live = noxfile_text[noxfile_text.index("def live(") :]
    assert '"tests/live_in_browser.py"' in live[: live.index("\n@")]
    text = row(CONTRIBUTING, "| a check that needs a browser")
    assert "`live_in_browser.py` excepted, which `nox -s live` runs" in text


# chapters/apps: the apps and the rest ------------------------------------------


def apps_modules() -> dict[str, tuple[bool, str]]:
    """Each module of chapters/apps: whether it has a create_app, its docstring."""
    found = {}
    for path in sorted((ROOT / "chapters" / "apps").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        factory = any(
            isinstance(node, ast.FunctionDef) and node.name == "create_app"
            for node in tree.body
        )
        found[path.name] = (factory, " ".join((ast.get_docstring(tree) or "").split()))
    return found


def test_the_layout_names_every_module_of_chapters_apps_that_is_not_an_app() -> None:
    modules = apps_modules()
    not_apps = {name for name, (factory, _) in modules.items() if not factory}
    assert {"json_input.py", "local_server.py"} <= not_apps  # the parsing finds them
    text = row(README, "| `chapters/apps/` |")
    named = {span for span in code_spans(text) if span.endswith(".py")}
    assert named - {"todo.py"} == not_apps  # todo.py: whose tests test_todo.py holds
    assert "`templates/`" in text
    assert (ROOT / "chapters" / "apps" / "templates").is_dir()


def test_the_map_names_each_helper_whose_docstring_says_it_is_not_an_app() -> None:
    modules = apps_modules()
    helpers = {
        name for name, (_, doc) in modules.items() if "This is not an app" in doc
    }
    assert all(not modules[name][0] for name in helpers)
    text = row(CONTRIBUTING, "| code several apps share")
    listed, _, others = text.partition("The other modules there")
    named = {s for s in code_spans(listed) if s.endswith(".py") and "/" not in s}
    assert named == helpers
    rest = {name for name, (factory, _) in modules.items() if not factory} - helpers
    assert {span for span in code_spans(others) if span.endswith(".py")} == rest


# The behavioural tests, viewlib side only ------------------------------------------


def test_the_viewlib_side_command_selects_half_of_each_behavioural_file() -> None:
    from matrix.cell import CONFORMANCE

    text = row(README, "| the behavioural tests, viewlib side only")
    command = code_spans(text)[-1].split()
    assert command[0] == "pytest"
    assert command[-2:] == ["-k", "viewlib"]
    files = command[1:-2]
    named = {s for s in code_spans(text) if s.startswith("tests/")}
    # The other two files of the matrix's conformance suite are named in the row.
    assert set(files) | named == set(CONFORMANCE)

    # One collection; `-k viewlib` keeps the ids that hold "viewlib" (no file
    # name here does), as counted below.
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--co",
            "-q",
            *files,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    ids = [line for line in out.splitlines() if "::" in line]
    assert not [file for file in files if "viewlib" in file]
    for file in files:
        every = [test for test in ids if test.startswith(f"{file}::")]
        viewlib = [test for test in every if "viewlib" in test]
        assert every, file
        assert len(viewlib) * 2 == len(every), file  # once per implementation
        assert all("[viewlib" in test for test in viewlib), file  # the views fixture


# Where the version bounds live --------------------------------------------------


def test_the_version_bounds_outside_requirements_are_where_the_pages_say() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(">=" in need for need in pyproject["build-system"]["requires"])
    extra = pyproject["project"]["optional-dependencies"]["async"]
    assert "asgiref>=3.2.8" in extra
    assert "nox.needs_version = " in (ROOT / "noxfile.py").read_text(encoding="utf-8")
    from matrix.cell import FLASK_SERIES

    assert any(len(pins) > 1 for pins in FLASK_SERIES.values())
    fetch = (ROOT / "_ext" / "live" / "fetch.py").read_text(encoding="utf-8")
    assert re.search(r'^PYODIDE_VERSION = "[\d.]+"$', fetch, re.M)
    axe = (ROOT / "accessibility" / "axe.py").read_text(encoding="utf-8")
    assert re.search(r'^AXE_VERSION = "[\d.]+"$', axe, re.M)
    for text in (
        row(README, "| `requirements.txt` |"),
        row(CONTRIBUTING, "| a tool version |"),
    ):
        for place in (
            "`pyproject.toml`",
            "`noxfile.py`",
            "`matrix/cell.py`",
            "`accessibility/axe.py`",
            "`_ext/live/fetch.py`",
        ):
            assert place in text


def test_the_matrix_runs_flask_2_3_with_werkzeug_2_3_and_asgiref_3_2_8() -> None:
    from matrix.cell import FLASK_SERIES

    assert "werkzeug<3" in FLASK_SERIES["2.3"]  # Werkzeug 2.3 is the last 2.x
    text = " ".join(README.split())
    assert "and runs Flask 2.3 with Werkzeug 2.3 (`matrix/cell.py`)" in text
    from matrix.pins import CASES

    # README: "Flask 2.2.0 to 2.2.3 fail to import ...": matrix/pins.py's cases.
    assert "Flask 2.2.0 to 2.2.3 fail to import" in text
    assert "2.2.4 and 2.2.5's test client warns" in text
    assert "Flask 2.2.0 to 2.2.3 also need one older than 2.3" in text
    assert "(`python -m nox -s werkzeug_pins` shows each case)" in text
    outcomes = {(flask, werkzeug): said for flask, werkzeug, said in CASES.values()}
    assert outcomes[("flask==2.2.0", "werkzeug==3.0.6")] == "ImportError at import"
    assert outcomes[("flask==2.2.3", "werkzeug==3.0.6")] == "ImportError at import"
    assert (
        outcomes[("flask==2.2.4", "werkzeug==3.0.6")]
        == "DeprecationWarning at test_client"
    )
    assert (
        outcomes[("flask==2.2.5", "werkzeug==3.0.6")]
        == "DeprecationWarning at test_client"
    )
    assert (
        outcomes[("flask==2.2.4", "werkzeug==3.1.9")] == "AttributeError at test_client"
    )
    assert (
        outcomes[("flask==2.2.5", "werkzeug==3.1.9")] == "AttributeError at test_client"
    )
    # "Flask 2.2.0 to 2.2.3 also need one older than 2.3"
    assert (
        outcomes[("flask==2.2.0", "werkzeug==2.3.8")] == "DeprecationWarning at request"
    )
    assert (
        outcomes[("flask==2.2.3", "werkzeug==2.3.8")] == "DeprecationWarning at request"
    )
    assert outcomes[("flask==2.2.4", "werkzeug==2.3.8")] == "ok"
    versions = (ROOT / "versions.md").read_text(encoding="utf-8")
    oldest = [
        line
        for line in versions.splitlines()
        if re.match(r"- Python 3\.\d+, Flask", line)
    ]
    assert len(oldest) == 8
    for line in oldest:
        assert "asgiref==3.2.8" in line, line
        if "Flask 2.3" in line:
            assert re.search(r"werkzeug==2\.3\.", line), line
    assert "check on asgiref 3.2.8, and versions.md lists it" in text


# shop.py: an HTML app's answers to bad input --------------------------------------


def test_the_shop_answers_bad_input_with_html_4xx_and_bad_login_with_json() -> None:
    import shop

    app = shop.create_app()
    client = app.test_client()
    missing = client.get("/shop/products/999")
    assert missing.status_code == 404
    assert missing.mimetype == "text/html"
    assert "<title>404 Not Found</title>" in missing.text  # Werkzeug's page
    login = client.post("/shop/login", data={"username": ""})
    assert login.status_code == 422
    assert login.mimetype == "application/json"
    client.post("/shop/login", data={"username": "ada"})
    form = client.post("/shop/products/new", data={"name": "", "price": "x"})
    assert form.status_code == 422
    assert form.mimetype == "text/html"
    assert '<input name="price" value="x">' in form.text


# What plain pytest skips for time -------------------------------------------------


def test_the_readme_names_every_kind_of_test_plain_pytest_skips_for_time() -> None:
    text = row(README, "| everything pytest runs")
    assert "`full_runs_only` (`tests/budget.py`)" in text
    kinds = {  # the README's words: what the reasons given say
        "hundreds of requests from real threads": ("real threads",),
        "a server per page": ("a server per page",),
        "pytest or the grader in processes of their own": ("process", "grading run"),
    }
    assert all(kind in text for kind in kinds)
    reasons = [
        reason
        for path in (ROOT / "tests").glob("*.py")
        if path.name != Path(__file__).name
        for reason in re.findall(
            r'full_runs_only\(\s*"([^"]+)"', path.read_text(encoding="utf-8")
        )
    ]
    assert len(reasons) >= 10  # the parsing finds them
    for reason in reasons:
        assert any(word in reason for words in kinds.values() for word in words), reason


# The rows for an app's tests ---------------------------------------------------------


def test_the_map_names_every_thread_and_server_test_and_the_hostile_one_of_no_app() -> (
    None
):
    tests = ROOT / "tests"
    threads = row(CONTRIBUTING, "| an app under real threads")
    found = {
        p.name
        for p in [*tests.glob("test_*_threads.py"), *tests.glob("test_*_server.py")]
    }
    assert found == {
        s for s in code_spans(threads) if s.startswith("test_") and "*" not in s
    }
    for name in found:
        source = (tests / name).read_text(encoding="utf-8")
        assert "full_runs_only(" in source, name
        assert '"127.0.0.1"' in source or "serving(" in source, name
    hostile = row(CONTRIBUTING, "| an app's hostile-input test")
    named = {s for s in code_spans(hostile) if "*" not in s}
    for path in [*tests.glob("test_*_apps.py"), *tests.glob("test_*_hostile.py")]:
        source = path.read_text(encoding="utf-8")
        if "examples(" not in source:  # not an app's hypothesis test
            assert path.name in named, path.name


def test_the_exercises_without_a_todo_are_the_ones_readme_names() -> None:
    # README, "Do the exercise": each TODO marks a place for your code, and
    # exercise 10 has none (the reader fixes the code it gives).
    starters = sorted(
        (ROOT / "chapters" / "exercises").glob("[0-9][0-9]-*/exercise.py")
    )
    without = {p.parent.name[:2] for p in starters if "TODO" not in p.read_text()}
    assert without == {"10"}
    assert "(exercise 10\n   has none: you fix the code it gives)" in README
