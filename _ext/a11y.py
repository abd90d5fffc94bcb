# SPDX-License-Identifier: MIT
"""Sphinx extension: fixes to the theme's markup that axe-core reports.

``nox -s browser`` runs axe-core over every page (tests/site_in_browser.py);
these are the fixes for what it found in the markup that Sphinx and furo
write, made here rather than in the installed packages:

- Sphinx writes a toctree's caption (the sidebar's "Tutorial", "Reference")
  as ``<p role="heading">`` without the ``aria-level`` that ARIA requires of
  a heading: a screen reader cannot place it in the page's outline. The
  translator below adds the level: 2 in the sidebar (under the page's
  ``h1``), one below the enclosing section in a page's body.
- A table too wide for a phone scrolls sideways inside furo's wrapper
  ``div``, which a keyboard cannot scroll unless it can take focus. Each
  wrapper is made focusable (``tabindex="0"``), and named after its table,
  as a ``group``, so that a screen reader says what took the focus.
- furo's page has two ``<aside>`` landmarks with no name (the navigation
  drawer and "On this page"), and puts its page tools ("Back to top", view
  the source, the theme switch) outside every landmark. ``_templates/page.html`` passes
  the page through :func:`name_landmarks`, which names both asides and
  makes the tools a named region. Each change must match furo's markup
  exactly once: when a furo release changes it, the build fails here
  instead of the fix silently doing nothing.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from markupsafe import Markup
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.writers.html5 import HTML5Translator

#: The page skeleton's changes: (what furo writes, what the page gets, why).
LANDMARKS = (
    (
        r'<aside class="sidebar-drawer">',
        '<aside class="sidebar-drawer" aria-label="Site navigation">',
        "two unnamed complementary landmarks",
    ),
    (
        r'<aside class="toc-drawer( no-toc)?">',
        r'<aside class="toc-drawer\1" aria-label="On this page">',
        "two unnamed complementary landmarks",
    ),
    (
        # "Back to top" (shown when scrolling up) and the icons above the
        # article (view the source, the theme switch, "On this page" on a
        # narrow screen): a region around them, which ends where the main
        # landmark starts. Neither moves: one is fixed, the other floats.
        r'(<a href="#" class="back-to-top muted-link">.*?)(\s*<article role="main")',
        r'<div class="page-tools" role="region" aria-label="Page tools">\1</div>\2',
        "the page tools are outside every landmark",
    ),
)


def name_landmarks(html: str) -> Markup:
    """furo's rendered page body, with its landmarks named (see LANDMARKS)."""
    for pattern, replacement, why in LANDMARKS:
        html, count = re.subn(pattern, replacement, html, flags=re.DOTALL)
        if count != 1:
            raise ExtensionError(
                f"_ext/a11y.py: furo's markup changed ({pattern!r} found {count} "
                f"times, not once), so the fix for {why} no longer applies"
            )
    return Markup(html)


class AccessibleHTML5Translator(HTML5Translator):
    """Sphinx's HTML5 translator, with a level on each toctree caption."""

    def visit_title(self, node: nodes.title) -> None:
        start = len(self.body)
        super().visit_title(node)
        parent = node.parent
        if isinstance(parent, addnodes.compact_paragraph) and parent.get("toctree"):
            sections = 0
            ancestor = parent.parent
            while ancestor is not None:
                sections += isinstance(ancestor, nodes.section)
                ancestor = ancestor.parent
            level = max(2, sections + 1)
            tag = self.body[start]
            if 'role="heading"' not in tag:
                raise ExtensionError(f"_ext/a11y.py: Sphinx's caption changed: {tag!r}")
            self.body[start] = tag.replace(
                'role="heading"', f'role="heading" aria-level="{level}"', 1
            )


class scrolling_table(nodes.General, nodes.Element):  # noqa: N801 - docutils' style
    """furo's wrapper of a table (it scrolls sideways when the table is too wide)."""


def table_name(wrapper: nodes.Element) -> str:
    """What a screen reader says when the wrapper takes the focus."""
    table = next(iter(wrapper.findall(nodes.table)))
    titles = [child for child in table.children if isinstance(child, nodes.title)]
    if titles:
        return f"Table: {titles[0].astext()}"
    section = wrapper.parent  # no caption: the section the table is in names it
    while section is not None and not isinstance(section, nodes.section):
        section = section.parent
    heading = section.next_node(nodes.title) if section is not None else None
    return f"Table in “{heading.astext()}”" if heading is not None else "Table"


def focusable_tables(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Make each of furo's table wrappers (added by now) a scrolling_table."""
    for wrapper in list(doctree.findall(nodes.container)):
        tables = any(wrapper.findall(nodes.table))
        if "table-wrapper" in wrapper["classes"] and tables:
            name = table_name(wrapper)
            region = scrolling_table(classes=wrapper["classes"], name=name)
            region += wrapper.children
            wrapper.replace_self(region)


def visit_scrolling_table(self: Any, node: scrolling_table) -> None:
    attributes = {"tabindex": "0", "role": "group", "aria-label": node["name"]}
    tag = self.starttag(node, "div", CLASS="docutils container", **attributes)
    self.body.append(tag)


def depart_scrolling_table(self: Any, node: scrolling_table) -> None:
    self.body.append("</div>\n")


def add_helpers(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    context["name_landmarks"] = name_landmarks


def setup(app: Sphinx) -> dict[str, Any]:
    for builder in ("html", "dirhtml", "singlehtml"):
        app.set_translator(builder, AccessibleHTML5Translator, override=True)
    app.add_node(scrolling_table, html=(visit_scrolling_table, depart_scrolling_table))
    app.connect("doctree-resolved", focusable_tables)
    app.connect("html-page-context", add_helpers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
