"""Sphinx configuration: the tutorial site is built from the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

# autodoc documents viewlib from this checkout, installed or not.
sys.path.insert(0, str(Path(__file__).parent))

project = "viewlib"
author = "The viewlib authors"
copyright = "2026, The viewlib authors"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx_copybutton",
    "sphinx_design",
    # Writes generated/clauses.md, the specification traceability page.
    "_ext.clauses",
    # Run controls on the examples, run in the browser (_ext/live/__init__.py).
    "_ext.live",
    # Fixes to the theme's markup that axe-core reports (_ext/a11y.py).
    "_ext.a11y",
]

# The source directory is the repository root: keep everything that is not a
# page of the site out of it.
exclude_patterns = [
    "README.md",
    "CONTRIBUTING.md",
    "tests",
    "mutation",
    "_build",
    ".nox",
    ".venv",
    "venv",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "mutants",
    "*.egg-info",
    "build",
    "dist",
    ".live-cache",
    ".axe-cache",
]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
# Show `t.Collection[str] | None`, not the internal `typing` aliases Flask uses.
autodoc_typehints_format = "short"

# Every cross-reference must resolve; the names below are typing aliases from
# Flask and the standard library, which this offline build has no inventory for.
nitpicky = True
nitpick_ignore_regex = [
    ("py:class", r"(collections\.abc\.)?(Any|Callable|Collection)"),
    ("py:class", r"(ResponseReturnValue|RouteCallable)"),
]

html_theme = "furo"
# Overrides of furo's templates: _templates/page.html names its landmarks
# (with _ext/a11y.py), _templates/search.html gives the search page its h1.
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["custom.css"]
# Keyboard use of furo's drawers on a narrow screen (with custom.css).
html_js_files = [("drawers.js", {"defer": "defer"})]
html_favicon = "_static/favicon.svg"
# Furo's default dark style ("native") underlines class and module names, which
# then look like links; this one colours them instead.
pygments_dark_style = "github-dark"
html_title = "viewlib: Flask class-based views, executably"

# The copy button leaves out prompts and output: what lands on the clipboard
# is the code alone, ready to paste into a file or a shell.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

# No intersphinx: the build must work offline. Links to Flask's and Python's
# documentation are written out as plain URLs.
