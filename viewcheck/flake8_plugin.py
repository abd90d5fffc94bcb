# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The viewlib authors
"""The static rules as a flake8 plugin: ``flake8 --select CBV your_app.py``.

flake8 finds the plugin through the entry point that ``pyproject.toml``
declares (group ``flake8.extension``, name ``CBV``), once this package is
installed. flake8 builds the syntax tree, calls ``Plugin.run``, and
applies ``# noqa`` comments itself. flake8 is not needed for anything else.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from .checker import check_tree


class Plugin:
    """flake8's interface: made with the tree and filename, asked to ``run``."""

    name = "viewcheck"
    version = "0.1.0"

    def __init__(self, tree: ast.AST, filename: str = "<string>") -> None:
        self.tree = tree
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        """Yield ``(line, column, "CODE message", type)`` as flake8 expects."""
        if not isinstance(self.tree, ast.Module):
            return
        for finding in check_tree(self.tree, self.filename):
            text = f"{finding.code} {finding.message}; see {finding.url}"
            yield finding.line, finding.col, text, type(self)
