# SPDX-License-Identifier: MIT
"""Sphinx extension: run the pages' examples in the reader's browser.

Every Python example of a page that sybil runs (the patterns in conftest.py)
is wrapped in ``<div data-live="block">``; ``live.js`` gives it a Run control
and the page a "Check this page" control, and runs them with Pyodide, served
by the site itself from ``_static/live/``. Only pages that sybil tests get
the controls: what is offered in the browser is what the test suite runs.

Markers, in MyST comments just before an example (sybil ignores them):

- ``% live: local-only`` (optionally ``% live: local-only: why``): the example
  needs what a browser tab does not have (threads, a server, subprocesses,
  files outside the page); it shows "runs locally only" instead of Run.
- sybil's own ``% skip: next ...`` (one example) and ``% skip: start ...`` to
  ``% skip: end`` (every example between) are honoured as sybil honours them:
  the condition is evaluated in the page's namespace when the example comes up.

An ``{literalinclude}`` of an exercise's ``exercise.py`` becomes an editor with
a Check control that runs the exercise's ``test_exercise.py`` with pytest.

The runtime (Pyodide and the wheels) comes from ``.live-cache/``, filled by
``python _ext/live/fetch.py``; its files are checked against the cache's
manifest and copied into the site. Without it the build still succeeds and
the controls say why they are unavailable.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.util
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from . import fetch

HERE = Path(__file__).parent
ROOT = fetch.ROOT
#: The checkout's files that the pages import or read, packed into local.zip
#: at each build (so never stale), in the checkout's layout.
LOCAL = (
    "viewlib",
    "viewcheck",
    "chapters/apps",
    "chapters/exercises",
    "chapters/data",
    "tests/__init__.py",
    "tests/bench",
)
SKIP = re.compile(r"skip:\s*(next|start|end)\b\s*(.*)$", re.DOTALL)
LOCAL_ONLY = re.compile(r"live:\s*local-only\b:?\s*(.*)$", re.DOTALL)
EXERCISE = re.compile(r"chapters/exercises/([^/]+)/exercise\.py$")
UNAVAILABLE = (
    "the Python runtime was not fetched when this site was built: run "
    "`python _ext/live/fetch.py` (it needs npm's and PyPI's registries), then rebuild"
)

logger = logging.getLogger(__name__)
#: Set when the build starts: whether the runtime is there, which files sybil runs.
STATE: dict[str, Any] = {"unavailable": UNAVAILABLE, "patterns": []}


class live_block(nodes.General, nodes.Element):  # noqa: N801 - docutils' style
    """An example the reader can run: its attributes become ``data-`` ones."""


def visit_live_block(self: Any, node: live_block) -> None:
    data = {
        f"data-{key}": value
        for key, value in node.attributes.items()
        if key not in nodes.Element.basic_attributes and value is not None
    }
    self.body.append(
        self.starttag(node, "div", CLASS="live", **{"data-live": "block"}, **data)
    )


def depart_live_block(self: Any, node: live_block) -> None:
    self.body.append("</div>\n")


def sybil_patterns() -> list[str]:
    """The files sybil runs, from conftest.py: only they get Run controls."""
    spec = importlib.util.spec_from_file_location(
        "_live_conftest", ROOT / "conftest.py"
    )
    assert spec is not None
    assert spec.loader is not None
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    return [
        p for value in vars(conftest).values() for p in getattr(value, "patterns", ())
    ]


def tested(path: str, patterns: list[str]) -> bool:
    try:
        relative = Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:  # not a file of this checkout
        return False
    return any(fnmatch.fnmatch(relative, pattern) for pattern in patterns)


def example(node: nodes.Element, patterns: list[str]) -> dict[str, str] | None:
    """What kind of example a code node is, or None if sybil does not run it."""
    if isinstance(node, nodes.doctest_block):  # a docstring's, on the API page
        path = str(node.source or "").split(":docstring of ")[0]
        if not tested(path, patterns):
            return None
        module = Path(path).resolve().relative_to(ROOT).with_suffix("")
        # sybil runs a module's docstrings in a copy of that module's namespace.
        return {"kind": "doctest", "namespace": ".".join(module.parts)}
    if node.get("source"):  # an {literalinclude}: shown, not run, unless an exercise
        found = EXERCISE.search(Path(node["source"]).as_posix())
        return {"kind": "exercise", "exercise": found.group(1)} if found else None
    if node.get("language") != "python" or not tested(str(node.source), patterns):
        return None
    # sybil's rule: a block that starts with a prompt is a doctest session.
    return {"kind": "doctest" if node.astext().startswith(">>>") else "code"}


def wrap_examples(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    pending: dict[str, str] = {}
    skipping: str | None = None  # inside `% skip: start` ... `% skip: end`
    code = (nodes.comment, nodes.literal_block, nodes.doctest_block)
    for node in list(doctree.findall(lambda n: isinstance(n, code))):
        if isinstance(node, nodes.comment):
            text = node.astext().strip()
            if match := SKIP.match(text):
                action, argument = match.groups()
                if action == "next":  # sybil skips the next example only
                    pending["skip"] = argument.strip()
                else:  # every example until `skip: end`
                    skipping = argument.strip() if action == "start" else None
            elif match := LOCAL_ONLY.match(text):
                pending["local-only"] = match.group(1).strip()
            continue
        found = example(node, STATE["patterns"])
        if found is None:
            continue
        # A marker applies to the next example, as sybil's skip does.
        if skipping is not None:
            pending["skip-all"] = skipping
        wrapper = live_block(**found, **pending)
        pending = {}
        node.replace_self(wrapper)
        wrapper += node


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pack_local(target: Path) -> None:
    """viewlib, the chapters' apps, exercises and data, as this checkout has them."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in LOCAL:
            top = ROOT / name
            for path in sorted([top, *top.rglob("*")] if top.is_dir() else [top]):
                parts = path.relative_to(ROOT).parts
                if path.is_file() and not {"__pycache__", "instance"} & set(parts):
                    archive.write(path, "/".join(parts))


def copy_runtime(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / "_static" / "live"
    shutil.copyfile(HERE / "runner.py", out / "runner.py")
    pack_local(out / "local.zip")
    if STATE["unavailable"]:
        # Read on the first press: pages stay the same either way, so an
        # incremental build never leaves a page saying the wrong thing.
        manifest = {"unavailable": STATE["unavailable"]}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        return
    files = json.loads((fetch.CACHE / "manifest.json").read_text())["files"]
    for name, digest in files.items():
        source, target = fetch.CACHE / name, out / name
        if sha256(source) != digest:
            raise RuntimeError(f"{source} does not match .live-cache/manifest.json")
        if not (target.is_file() and sha256(target) == digest):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    files.update({name: sha256(out / name) for name in ("runner.py", "local.zip")})
    manifest = {"pyodide": fetch.PYODIDE_VERSION, "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


def builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    available = fetch.cache_is_complete()
    STATE["unavailable"] = "" if available else UNAVAILABLE
    STATE["patterns"] = sybil_patterns()
    if not available:
        # Not a warning: an offline build (-W) must still succeed.
        logger.info("live: %s", UNAVAILABLE)
    # Copied before the pages are written, so that their links carry the
    # files' checksums (?v=...): a rebuilt site is never served a stale copy.
    out = Path(app.outdir) / "_static" / "live"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("live.js", "live.css"):
        shutil.copyfile(HERE / name, out / name)
    app.add_css_file("live/live.css")
    app.add_js_file("live/live.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(live_block, html=(visit_live_block, depart_live_block))
    app.connect("builder-inited", builder_inited)
    app.connect("doctree-resolved", wrap_examples)
    app.connect("build-finished", copy_runtime)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
