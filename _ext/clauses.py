"""Sphinx extension: the site's specification traceability page, written at build time.

On ``builder-inited`` it writes ``generated/clauses.md`` (git-ignored) from
``tests/clauses.toml``, the tests' ``@pytest.mark.clause`` markers and the
chapters' ``% clause:`` tags, all read by ``tests/traceability.py``. The file
is rewritten only when its text changes, so an unchanged page is not read
again. index.md lists it in the Reference toctree.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from myst_parser.slugs import github_slugify
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from tests import traceability
from tests.traceability import Clause, Proof

PAGE = Path("generated") / "clauses.md"
#: ASCII punctuation, backslash-escaped so that a clause's text shows as written
#: (``__init__`` is not bold, ``[str]`` is not a link).
PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def anchor(heading: str) -> str:
    """The anchor MyST gives a heading: its text and inline code, slugified."""
    inline = MarkdownIt("commonmark").parseInline(heading)[0].children or []
    title = "".join(t.content for t in inline if t.type in ("text", "code_inline"))
    return github_slugify(title)


def quoted(text: str, code: bool = False) -> list[str]:
    """*text* as a block quote, line for line; as inline code if *code*."""
    lines = [
        f"`{line}`" if code else PUNCTUATION.sub(r"\\\1", line)
        for line in text.splitlines()
    ]
    # A backslash at the end of a line keeps the line break.
    return [f"> {line}\\" for line in lines[:-1]] + [f"> {lines[-1]}"]


def shown(clause: Clause) -> list[str]:
    """A clause's text: examples as Python listings, signatures as code."""
    if clause.listing:
        return ["```python", clause.text, "```"]
    return quoted(clause.text, code=clause.id.endswith(".signature"))


def proven_by(proofs: list[Proof]) -> list[str]:
    tests = [f"- `{p.path}::{p.test}`" for p in proofs if p.test]
    examples = []
    for proof in proofs:
        if proof.test:
            continue
        target = f"../{proof.path}"
        title = proof.chapter
        if proof.heading != proof.chapter:
            target += "#" + anchor(proof.heading)
            title += ": " + proof.heading
        examples.append(f"- [{title}]({target}) (line {proof.line})")
    lines = ["Tests:", "", *tests]
    if examples:
        lines += ["", "Chapter examples:", "", *examples]
    return lines


def render(clauses: list[Clause], proofs: dict[str, list[Proof]]) -> str:
    tests = {(p.path, p.test) for found in proofs.values() for p in found if p.test}
    per_clause = [len([p for p in found if p.test]) for found in proofs.values()]
    examples = sum(1 for found in proofs.values() for p in found if not p.test)
    lines = [
        "% Written by _ext/clauses.py on every build: edit tests/clauses.toml,",
        "% the tests' markers or the chapters' tags instead.",
        "",
        "# Specification traceability",
        "",
        "Every normative statement of the {term}`class-based views reference`,",
        "a page on Flask's `flask.views` (`View`, `MethodView`) published",
        "outside Flask's own documentation, which this project takes as its",
        "specification and viewlib is built to,",
        "is a *clause* below, with its id,",
        "its exact text, and the tests that prove it. Each test runs on viewlib",
        "and on flask.views; the chapter examples listed run as tests too.",
        "`pytest tests/test_traceability.py` fails when a clause has no test,",
        "or when a test or a chapter names a clause that does not exist.",
        "",
        f"{len(clauses)} clauses, proven by {len(tests)} tests: each clause by",
        f"{min(per_clause)} to {max(per_clause)} of them (median",
        f"{statistics.median(per_clause):g}), and by {examples} chapter examples.",
        "The reference's own examples (Hello, CounterAPI, UserAPI) are run",
        "from the text shown here, by `tests/test_reference.py`.",
        "",
        "The clauses are in `tests/clauses.toml`. A test names what it proves",
        'with `@pytest.mark.clause("view.init_every_request.default")`; a',
        "chapter, with the comment `% clause: view.init_every_request.default`",
        "on a line before a Python block.",
    ]
    section = ""
    for clause in clauses:
        if clause.section != section:
            section = clause.section
            lines += ["", f"## {section}"]
        lines += ["", f"### `{clause.id}`", ""]
        lines += shown(clause)
        lines += ["", *proven_by(proofs[clause.id])]
    return "\n".join(lines).rstrip() + "\n"


def write_page(app: Sphinx) -> None:
    clauses = traceability.load_clauses()
    proofs = traceability.report(clauses, traceability.scan_all())
    page = Path(app.srcdir) / PAGE
    text = render(clauses, proofs)
    if not page.exists() or page.read_text(encoding="utf-8") != text:
        page.parent.mkdir(exist_ok=True)
        page.write_text(text, encoding="utf-8")


class VerbatimQuotes(SphinxTransform):
    """Keep the clauses' straight quotes: ``default:"None"`` stays as written.

    Sphinx's smart quotes (priority 750) would curl them; this runs first and
    exempts the page's block quotes, which hold the clause texts.
    """

    default_priority = 740

    def apply(self, **kwargs: Any) -> None:
        if self.env.docname == PAGE.with_suffix("").as_posix():
            quotes = self.document.findall(lambda n: n.tagname == "block_quote")
            for quote in quotes:
                quote["support_smartquotes"] = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", write_page)
    app.add_transform(VerbatimQuotes)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
