"""Flask's own ``flask/views.py``, watched: viewlib models it, so a change is news.

viewlib is a model of ``flask.views``; the conformance suite proves that the
two behave alike, but only in the cases it checks. This test notices any
change to the file itself. It runs where the installed Flask is 3.1.3 (what
requirements.txt installs) or a 3.2 development release (Flask's main
branch, ``python -m nox -s flask_next``), and compares the installed
``flask/views.py`` with Flask 3.1.3's: the whole file by its SHA-256, and
each definition in it (class, function, method, module-level name) by a
digest of its source, so a failure says which definitions changed, appeared
or went. On a change: read it, bring viewlib/views.py and the tests up to
date, then record the new digests below (``python -m tests.test_flask_views_source``
prints them for the installed Flask).
"""

from __future__ import annotations

import ast
import hashlib
import re
import sys
from importlib.metadata import version
from pathlib import Path

import flask.views
import pytest

#: SHA-256 of flask/views.py as released in Flask 3.1.3; Flask's main
#: branch had the same file at commit 2ac8988 (3.2.0.dev, 2026-04-08).
FILE_3_1_3 = "c73271ea826a18495386d12085937b65018cc394c3172b91c5491e73046e0280"
#: The first 16 hex digits of the SHA-256 of each definition's source in
#: that file, by qualified name.
DEFINITIONS_3_1_3 = {
    "F": "7ac89f9bd6d088a3",
    "http_method_funcs": "365e70f5f9d5ab87",
    "View": "fd4416e03cdd217a",
    "View.methods": "6d9e13f51febb7a3",
    "View.provide_automatic_options": "d7f8aa572af3a526",
    "View.decorators": "505c25903b0b3691",
    "View.init_every_request": "7df0ae1050fb1404",
    "View.dispatch_request": "3cf03e8db4461b58",
    "View.as_view": "6ee1a4e024e5e996",
    "MethodView": "e980dcb054e507fd",
    "MethodView.__init_subclass__": "a6255963ac4d6bf3",
    "MethodView.dispatch_request": "05db325b11f828d3",
}


def definitions(source: str) -> dict[str, str]:
    """Each definition of a module's source, by qualified name: a digest of its text."""
    digests: dict[str, str] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            names: list[str] = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            text = ast.get_source_segment(source, node) or ""
            for name in names:
                digest = hashlib.sha256(text.encode()).hexdigest()[:16]
                digests[prefix + name] = digest
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")

    visit(ast.parse(source).body, "")
    return digests


def installed_source() -> str:
    return Path(str(flask.views.__file__)).read_text(encoding="utf-8")


def watched(release: str) -> bool:
    """Flask 3.1.3, or a development release of Flask 3.2 (3.2.0.dev0)."""
    return release == "3.1.3" or re.fullmatch(r"3\.2\.0\.dev\d*", release) is not None


def changes(source: str) -> list[str]:
    """How a flask/views.py differs from Flask 3.1.3's: empty when it does not."""
    if hashlib.sha256(source.encode()).hexdigest() == FILE_3_1_3:
        return []
    now, then = definitions(source), DEFINITIONS_3_1_3
    found = [
        f"changed: {n}" for n in sorted(now.keys() & then.keys()) if now[n] != then[n]
    ]
    found += [f"new: {name}" for name in sorted(now.keys() - then.keys())]
    found += [f"gone: {name}" for name in sorted(then.keys() - now.keys())]
    return found or ["outside any definition (comments, imports or layout)"]


def test_flask_views_unchanged_since_3_1_3() -> None:
    release = version("flask")
    if not watched(release):
        pytest.skip(
            f"watches Flask 3.1.3's and Flask main's flask/views.py, not {release}'s"
        )
    source = installed_source()
    found = changes(source)
    if not found:  # the same file: its recorded digests must be its own
        assert definitions(source) == DEFINITIONS_3_1_3
    assert not found, (
        f"Flask {release}'s flask/views.py differs from Flask 3.1.3's: "
        f"{'; '.join(found)}. viewlib models it: see this module's docstring."
    )


def test_a_change_is_named() -> None:
    """An edited method, a new function and an edited comment each show as such."""
    release = version("flask")
    if not watched(release):  # other releases' files differ from 3.1.3's already
        pytest.skip(
            f"edits Flask 3.1.3's or Flask main's flask/views.py, not {release}'s"
        )
    source = installed_source()
    assert changes(source + "\n# a comment\n") == [
        "outside any definition (comments, imports or layout)"
    ]
    signature = "def dispatch_request(self) -> ft.ResponseReturnValue:"
    edited = source.replace(signature, signature.replace("->", "->  "), 1)
    assert changes(edited) == ["changed: View", "changed: View.dispatch_request"]
    assert changes(source + "\ndef helper(): pass\n") == ["new: helper"]


if __name__ == "__main__":
    sys.stdout.write(
        f"FILE = {hashlib.sha256(installed_source().encode()).hexdigest()!r}\n"
    )
    for name, digest in definitions(installed_source()).items():
        sys.stdout.write(f"    {name!r}: {digest!r},\n")
