"""Runs the documentation as tests.

sybil turns every Python example in the chapters (MyST Markdown) and in
viewlib's docstrings into a pytest item, so `pytest` proves that each listing a
reader sees runs and prints what it shows. `pytest chapters/03-decorators.md`
runs a single chapter. Each document gets a fresh namespace, so a chapter only
sees what it defines itself.

`pytest --views=flask.views chapters index.md` runs the same pages with every
`import viewlib` answered by Flask's own classes, to prove the chapters hold for
`flask.views` too. A listing that shows a deliberate difference says so in the
text and is skipped on that run with
`% skip: next if(IMPLEMENTATION == "flask.views", reason="...")`.
"""

from __future__ import annotations

import os
import re
import sys
import types
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from sybil import Sybil
from sybil.parsers import myst, rest

# ELLIPSIS lets a listing elide what varies from run to run (addresses, dates).
DOCTEST_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE
IMPLEMENTATIONS = ("viewlib", "flask.views")
APPS = Path(__file__).parent / "chapters" / "apps"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--views",
        choices=IMPLEMENTATIONS,
        default="viewlib",
        help="the module the chapters' `import viewlib` gets (default: viewlib)",
    )


def pytest_configure(config: pytest.Config) -> None:
    global IMPLEMENTATION  # read by start_document below
    IMPLEMENTATION = config.getoption("views")


IMPLEMENTATION = "viewlib"


def flask_views_as_viewlib() -> types.ModuleType:
    """A stand-in ``viewlib`` module whose names are Flask's own classes."""
    import flask.views

    stand_in = types.ModuleType("viewlib", "flask.views, standing in for viewlib")
    stand_in.View = flask.views.View  # type: ignore[attr-defined]
    stand_in.MethodView = flask.views.MethodView  # type: ignore[attr-defined]
    stand_in.http_method_funcs = flask.views.http_method_funcs  # type: ignore[attr-defined]
    stand_in.__all__ = ["MethodView", "View", "http_method_funcs"]  # type: ignore[attr-defined]
    return stand_in


_saved_viewlib: list[types.ModuleType | None] = []


def start_document(namespace: dict[str, Any]) -> None:
    """Set up one chapter's namespace, as a script of that implementation.

    sybil runs a document's code in a bare namespace, where ``__name__`` would
    fall back to ``"builtins"``, a module Flask cannot find a root path for.
    With ``"__main__"`` the chapters' ``Flask(__name__)`` behaves as it does
    in ``python app.py``. ``IMPLEMENTATION`` names the classes under test;
    ``FLASK_VERSION`` and ``WERKZEUG_VERSION``, the installed releases as
    tuples such as ``(3, 1, 3)``, let a listing that needs a newer release be
    skipped on an older one:
    ``% skip: start if(FLASK_VERSION < (3, 1), reason="...")``.
    """
    namespace["__name__"] = "__main__"
    namespace["IMPLEMENTATION"] = IMPLEMENTATION
    for name in ("flask", "werkzeug"):
        release = re.findall(r"\d+", version(name))[:3]
        namespace[f"{name.upper()}_VERSION"] = tuple(int(part) for part in release)
    if IMPLEMENTATION == "flask.views":
        _saved_viewlib.append(sys.modules.get("viewlib"))
        sys.modules["viewlib"] = flask_views_as_viewlib()
        # The chapters' apps import viewlib when first imported: import them
        # afresh so that they see the stand-in too.
        for name, module in list(sys.modules.items()):
            if APPS in Path(getattr(module, "__file__", None) or "/").parents:
                del sys.modules[name]


def end_document(namespace: dict[str, Any]) -> None:
    """Put the real viewlib back after a run on ``flask.views``."""
    if _saved_viewlib:
        saved = _saved_viewlib.pop()
        if saved is None:
            sys.modules.pop("viewlib", None)
        else:
            sys.modules["viewlib"] = saved


chapters = Sybil(
    name="chapters",
    parsers=[
        myst.PythonCodeBlockParser(doctest_optionflags=DOCTEST_FLAGS),
        myst.SkipParser(),
        myst.ClearNamespaceParser(),
    ],
    patterns=["index.md", "glossary.md", "api.md", "chapters/*.md"],
    setup=start_document,
    teardown=end_document,
)

docstrings = Sybil(
    name="docstrings",
    parsers=[rest.DocTestParser(optionflags=DOCTEST_FLAGS)],
    patterns=["viewlib/*.py", "viewcheck/*.py"],
)

pytest_collect_file = (chapters + docstrings).pytest()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Each example a ``% skip`` comment skips is reported at its own line.

    An example is a ``>>>`` line, or a listing without prompts. sybil skips
    it by raising ``unittest.SkipTest``, so pytest would name the
    line of its own code that turned that into a skip; the page's file and
    line say which example it was.
    """
    outcome = yield
    report = outcome.get_result()
    example = getattr(item, "example", None)
    if example is not None and report.skipped and isinstance(report.longrepr, tuple):
        where = os.path.relpath(example.path)  # as pytest names a file
        report.longrepr = (where, example.line, report.longrepr[2])
