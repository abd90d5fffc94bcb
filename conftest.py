"""Runs the documentation as tests.

sybil turns every Python example in the chapters (MyST Markdown) and in
viewlib's docstrings into a pytest item, so `pytest` proves that each listing a
reader sees runs and prints what it shows. `pytest chapters/03-decorators.md`
runs a single chapter. Each document gets a fresh namespace, so a chapter only
sees what it defines itself.
"""

from __future__ import annotations

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from typing import Any

from sybil import Sybil
from sybil.parsers import myst, rest

# ELLIPSIS lets a listing elide what varies from run to run (addresses, dates).
DOCTEST_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE


def run_as_script(namespace: dict[str, Any]) -> None:
    """Give a chapter the ``__name__`` a script has.

    sybil runs a document's code in a bare namespace, where ``__name__`` would
    fall back to ``"builtins"``, a module Flask cannot find a root path for.
    With ``"__main__"`` the chapters' ``Flask(__name__)`` behaves as it does
    in ``python app.py``.
    """
    namespace["__name__"] = "__main__"


chapters = Sybil(
    name="chapters",
    parsers=[
        myst.PythonCodeBlockParser(doctest_optionflags=DOCTEST_FLAGS),
        myst.SkipParser(),
        myst.ClearNamespaceParser(),
    ],
    patterns=["index.md", "chapters/*.md"],
    setup=run_as_script,
)

docstrings = Sybil(
    name="docstrings",
    parsers=[rest.DocTestParser(optionflags=DOCTEST_FLAGS)],
    patterns=["viewlib/*.py"],
)

pytest_collect_file = (chapters + docstrings).pytest()
