"""viewlib-only tests: the folder works when copied out alone, as coursework does.

These do not run against flask.views: they check what makes viewlib
copyable, namely its imports, its licence lines and its documentation.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

import viewlib

PACKAGE = Path(viewlib.__file__).parent
ALLOWED_THIRD_PARTY = {"flask", "werkzeug"}


def imported_top_level_names(source: str) -> set[str]:
    """Top-level module names a source file imports (relative imports excluded)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


def is_stdlib(name: str) -> bool:
    if sys.version_info >= (3, 10):
        return name in sys.stdlib_module_names
    spec = importlib.util.find_spec(name)  # Python 3.9: ask where it lives
    origin = (spec and spec.origin) or ""
    return origin in {"built-in", "frozen"} or origin.startswith(
        sysconfig.get_paths()["stdlib"]
    )


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_imports_only_stdlib_and_flask(path: Path) -> None:
    names = imported_top_level_names(path.read_text(encoding="utf-8"))
    foreign = {name for name in names if not is_stdlib(name)}
    assert foreign <= ALLOWED_THIRD_PARTY, f"{path.name} imports {foreign}"


@pytest.mark.parametrize(
    "path",
    sorted(
        p
        for p in PACKAGE.iterdir()
        if p.is_file() and p.suffix != ".pyc" and p.name != "LICENSE"
    ),
    ids=lambda p: p.name,
)
def test_every_file_names_its_licence(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# SPDX-License-Identifier: MIT"


def test_the_folder_carries_the_full_licence_text() -> None:
    """The MIT licence asks that its text travel with every copy of the code."""
    carried = (PACKAGE / "LICENSE").read_text(encoding="utf-8")
    assert carried.startswith("MIT License\n")
    root_licence = PACKAGE.parent / "LICENSE"
    if root_licence.is_file():  # in the repository, not in an installed copy
        assert carried == root_licence.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "obj",
    [
        viewlib,
        viewlib.View,
        viewlib.View.as_view,
        viewlib.View.dispatch_request,
        viewlib.MethodView,
        viewlib.MethodView.dispatch_request,
        sys.modules["viewlib.views"],  # documents http_method_funcs
    ],
    ids=lambda obj: obj.__qualname__ if hasattr(obj, "__qualname__") else obj.__name__,
)
def test_every_public_name_has_a_docstring_example(obj: object) -> None:
    assert ">>> " in (obj.__doc__ or "")


def flask_and_its_dependencies() -> set[str]:
    """Names of the installed distributions Flask needs, found recursively."""
    found: set[str] = set()
    pending = ["flask"]
    while pending:
        name = pending.pop()
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # a marker-guarded requirement this Python does not need
        found.add(name)
        for requirement in requirements:
            if "extra ==" in requirement:
                continue  # optional extras such as flask[async]
            dependency = requirement.split(";")[0].strip()
            for separator in "<>=!~[ (":
                dependency = dependency.split(separator)[0]
            if dependency.lower() not in found:
                pending.append(dependency.lower())
    return found


def link_top_level_packages(distribution: str, target: Path) -> None:
    """Make a distribution importable from *target*: link its top-level names.

    The ``.dist-info`` folder comes along, as Flask reads Werkzeug's version.
    """
    dist = metadata.distribution(distribution)
    for file in dist.files or []:
        top = file.parts[0]
        if top.endswith(".data") or top in {"..", "__pycache__"}:
            continue
        link = target / top
        if not link.exists():
            link.symlink_to(Path(str(dist.locate_file(top))))


@pytest.mark.clause("view.subclass", "methodview.dispatch")
def test_copied_folder_works_with_only_flask_importable(tmp_path: Path) -> None:
    coursework = tmp_path / "coursework"
    shutil.copytree(PACKAGE, coursework / "viewlib")
    only_flask = tmp_path / "only-flask"
    only_flask.mkdir()
    for distribution in flask_and_its_dependencies():
        link_top_level_packages(distribution, only_flask)

    script = textwrap.dedent(
        f"""
        import importlib.util, sys
        sys.path[:0] = [{str(coursework)!r}, {str(only_flask)!r}]
        for absent in ("pytest", "sybil", "sphinx", "asgiref"):
            assert importlib.util.find_spec(absent) is None, absent

        import flask
        before = set(sys.modules)
        import viewlib
        assert viewlib.__file__.startswith({str(coursework)!r}), viewlib.__file__
        print(sorted(set(sys.modules) - before))

        class Hello(viewlib.View):
            def dispatch_request(self, name):
                return f"Hello, {{name}}!"

        class Counter(viewlib.MethodView):
            def get(self):
                return "0"

        app = flask.Flask(__name__)
        app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
        app.add_url_rule("/counter", view_func=Counter.as_view("counter"))
        client = app.test_client()
        print(client.get("/hello/World").text, client.post("/counter").status_code)
        """
    )
    # -I: ignore the environment and user site; -S: no site-packages at all.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['viewlib', 'viewlib.views']",
        "Hello, World! 405",
    ]
