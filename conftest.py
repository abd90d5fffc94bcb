"""Runs the documentation as tests.

sybil turns every Python example in the chapters (MyST Markdown) and in
viewlib's docstrings into a pytest item, so `pytest` proves that each listing a
reader sees runs and prints what it shows. `pytest chapters/03-decorators.md`
runs a single chapter. Each document gets a fresh namespace, so a chapter only
sees what it defines itself.
"""

from __future__ import annotations

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers import myst, rest

# ELLIPSIS lets a listing elide what varies from run to run (addresses, dates).
DOCTEST_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE

chapters = Sybil(
    name="chapters",
    parsers=[
        myst.PythonCodeBlockParser(doctest_optionflags=DOCTEST_FLAGS),
        myst.SkipParser(),
        myst.ClearNamespaceParser(),
    ],
    patterns=["index.md", "chapters/*.md"],
)

docstrings = Sybil(
    name="docstrings",
    parsers=[rest.DocTestParser(optionflags=DOCTEST_FLAGS)],
    patterns=["viewlib/*.py"],
)

pytest_collect_file = (chapters + docstrings).pytest()
