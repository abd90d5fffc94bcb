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
  files outside the page); it shows "runs locally only", above the code so a
  reader knows before reading it, instead of Run (or Check, for an exercise).
- sybil's own ``% skip: next ...`` (one example) and ``% skip: start ...`` to
  ``% skip: end`` (every example between) are honoured as sybil honours them:
  the condition is evaluated in the page's namespace when the example comes up.

- ``% live: viewcheck``: a "Check my view" panel in its place: an editor for
  the reader's own code and a control that lists viewcheck's findings on it
  (``runner.viewcheck``: the code is parsed, never run).

An ``{literalinclude}`` of an exercise's ``exercise.py`` becomes an editor with
a Check control that runs the exercise's ``test_exercise.py`` with pytest, and
a "Check my view" control that lists viewcheck's findings on the same editor.

Python runs in a Web Worker (``live-worker.js``), so the page stays responsive
and a run can be stopped; ``runner.py`` is its Python half.

``local.zip`` (the modules the pages import) holds the checkout's files that
git tracks under ``LOCAL``, never a symbolic link; the build fails if one of
them is a dot-file or a database (``pack_local``). Without git, an allow-list
of file types stands in for git's list.

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
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from . import fetch

HERE = Path(__file__).parent
ROOT = fetch.ROOT
#: The checkout's files that the pages import or read, packed into local.zip
#: at each build (so never stale), in the checkout's layout: those git tracks.
LOCAL = (
    "viewlib",
    "viewcheck",
    "chapters/apps",
    "chapters/exercises",
    "chapters/data",
    "bench",
)
#: Without git (a copy of the site's sources): the kinds of file packed.
ALLOWED = {".py", ".typed", ".json", ".csv", ".html", ".txt", ".md", ".toml"}
#: Never published, even when git tracks one: the build fails instead.
DATABASES = {".db", ".sqlite", ".sqlite3", ".db-journal", ".db-wal", ".db-shm"}
SQLITE = b"SQLite format 3\x00"
LEFT_OUT = {"__pycache__", "instance"}
SKIP = re.compile(r"skip:\s*(next|start|end)\b\s*(.*)$", re.DOTALL)
LOCAL_ONLY = re.compile(r"live:\s*local-only\b:?\s*(.*)$", re.DOTALL)
VIEWCHECK = re.compile(r"live:\s*viewcheck\s*$")
EXERCISE = re.compile(r"chapters/exercises/([^/]+)/exercise\.py$")
UNAVAILABLE = (
    "the Python runtime was not fetched when this site was built: run "
    "`python _ext/live/fetch.py` (it needs npm's and PyPI's registries), then rebuild"
)

#: This extension's files that the worker loads (the page loads live.js).
OWN = ("runner.py", "live-worker.js")

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


class viewcheck_panel(nodes.General, nodes.Element):  # noqa: N801 - docutils' style
    """Where ``% live: viewcheck`` stood: live.js builds the panel in it."""


def visit_viewcheck_panel(self: Any, node: viewcheck_panel) -> None:
    self.body.append(
        self.starttag(
            node, "div", CLASS="live-viewcheck", **{"data-live": "viewcheck-panel"}
        )
    )


def depart_viewcheck_panel(self: Any, node: viewcheck_panel) -> None:
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
            elif VIEWCHECK.match(text):
                node.replace_self(viewcheck_panel())
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


def tracked(root: Path) -> list[str] | None:
    """The regular files git tracks under LOCAL (no links), or None without git."""
    try:
        listing = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-s", "-z", "--", *LOCAL],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        return None
    # "<mode> <object> <stage>\t<path>": mode 120000 is a symbolic link.
    entries = (entry.split("\t", 1) for entry in listing.split("\0") if entry)
    return sorted(path for info, path in entries if info.startswith("100"))


def allowed(root: Path) -> list[str]:
    """Without git: the files under LOCAL of the allowed kinds, links not followed."""
    found = []
    for name in LOCAL:
        top = root / name
        if top.is_file() and not top.is_symlink():
            found.append(name)
            continue
        for folder, _subfolders, files in os.walk(top):  # does not enter links
            found += [
                (Path(folder) / file).relative_to(root).as_posix()
                for file in files
                if Path(file).suffix in ALLOWED
            ]
    return sorted(found)


def published(root: Path = ROOT) -> list[str]:
    """The files local.zip holds: checked, as paths relative to *root*.

    Raises ExtensionError (the build fails) for a dot-file or a database.
    """
    names = tracked(root)
    if names is None:
        logger.info("live: no git here, local.zip packs files of the allowed kinds")
        names = allowed(root)
    chosen = []
    for name in names:
        path = root / name
        parts = Path(name).parts
        # A link anywhere on the way would publish what it points at.
        on_the_way = [root.joinpath(*parts[:n]) for n in range(1, len(parts) + 1)]
        if LEFT_OUT & set(parts) or any(p.is_symlink() for p in on_the_way):
            continue
        if not path.is_file():  # tracked, deleted here
            continue
        with path.open("rb") as file:
            database = file.read(len(SQLITE)) == SQLITE
        if any(part.startswith(".") for part in parts):
            raise ExtensionError(f"local.zip would publish the dot-file {name}")
        if database or path.suffix.lower() in DATABASES:
            raise ExtensionError(f"local.zip would publish the database {name}")
        chosen.append(name)
    return chosen


def pack_local(target: Path, root: Path = ROOT) -> list[str]:
    """viewlib, the chapters' apps, exercises and data, as git tracks them here."""
    names = published(root)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(root / name, name)
    return names


def copy_runtime(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / "_static" / "live"
    for name in OWN:
        shutil.copyfile(HERE / name, out / name)
    pack_local(out / "local.zip")
    if STATE["unavailable"]:
        # Read on the first press: pages stay the same either way, so an
        # incremental build never leaves a page saying the wrong thing.
        manifest = {"unavailable": STATE["unavailable"]}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        return
    cache = json.loads((fetch.CACHE / "manifest.json").read_text())
    files = cache["files"]
    for name, digest in files.items():
        source, target = fetch.CACHE / name, out / name
        if sha256(source) != digest:
            raise RuntimeError(f"{source} does not match .live-cache/manifest.json")
        if not (target.is_file() and sha256(target) == digest):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    files.update({name: sha256(out / name) for name in (*OWN, "local.zip")})
    # Sizes, for the progress a cold start shows.
    sizes = {name: (out / name).stat().st_size for name in files}
    manifest = {
        "pyodide": fetch.PYODIDE_VERSION,
        # Whether the standard library and wheels carry compiled files.
        "bytecode": bool(cache["inputs"].get("bytecode")),
        "files": files,
        "sizes": sizes,
    }
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
    app.add_node(viewcheck_panel, html=(visit_viewcheck_panel, depart_viewcheck_panel))
    app.connect("builder-inited", builder_inited)
    app.connect("doctree-resolved", wrap_examples)
    app.connect("build-finished", copy_runtime)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
