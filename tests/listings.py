"""The Python that sybil runs from a Markdown page, as one checkable module.

A chapter runs in one namespace, listing after listing, so a class defined
in one listing can be subclassed or registered in a later one. For a static
checker, the faithful copy of that is one module made of every listing, in
order, each line at the line it has in the page: a finding's line number is
then the page's. Doctest listings (``>>> `` lines) contribute their
statements, without their expected output.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
#: A listing that no run executes: `% skip: next` with no condition.
SKIPPED = re.compile(r"^% skip: next[ \t]*\n(?:%[^\n]*\n)*\Z", re.MULTILINE)


def python_of_page(text: str) -> str:
    """Every listing sybil runs from ``text``, placed at its lines in the page."""
    lines = [""] * (text.count("\n") + 1)
    for fence in FENCE.finditer(text):
        if SKIPPED.search(text[: fence.start()].rsplit("```", 1)[-1]):
            continue
        first = text.count("\n", 0, fence.start(1))  # 0-based line of the code
        body = fence.group(1)
        if body.lstrip().startswith(">>>"):
            for example in doctest.DocTestParser().get_examples(body):
                for offset, line in enumerate(example.source.splitlines()):
                    lines[first + example.lineno + offset] = line
        else:
            for offset, line in enumerate(body.splitlines()):
                lines[first + offset] = line
    return "\n".join(lines) + "\n"


def pages(root: Path) -> list[Path]:
    """The pages sybil runs (conftest.py's patterns)."""
    names = ["index.md", "glossary.md", "api.md"]
    return [root / name for name in names] + sorted(root.glob("chapters/*.md"))
