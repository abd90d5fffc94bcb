# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The viewlib authors
"""Check a running app: what its routes got, rather than what the source says.

Some mistakes show only once the app exists. A decorator applied to the
function ``as_view`` returned, without ``functools.wraps``, replaces it
with a function that has none of its routing attributes; a ``methods=``
argument to ``add_url_rule`` can route a method no handler exists for. This
module imports an app (``--app MODULE:FACTORY``, which runs the app's code:
check only code you trust) and reads ``app.view_functions`` and
``app.url_map``.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import sys
from typing import Any

from flask import Flask

from .checker import HTTP_METHODS, Finding
from .rules import RULES

#: How deep to look inside wrapper functions for the one ``as_view`` built.
MAX_DEPTH = 10


class AppError(Exception):
    """The app could not be imported or made; the message says why."""


def load_app(spec: str) -> Flask:
    """``MODULE:FACTORY`` -> the app (FACTORY is called if it is not an app).

    MODULE is a module name, importable from the current folder, or the path
    of a ``.py`` file (``chapters/apps/bookshelf.py``), whose folder is then
    put first on ``sys.path``, as ``flask --app`` does.
    """
    module_name, _, attribute = spec.rpartition(":")
    if not module_name or not attribute:
        raise AppError("expected MODULE:FACTORY, for example bookshelf:create_app")
    folder = os.getcwd()
    if module_name.endswith(".py"):
        folder, module_name = os.path.split(os.path.abspath(module_name[:-3]))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        module = importlib.import_module(module_name)
        found = getattr(module, attribute)
        app = found if isinstance(found, Flask) else found()
    except Exception as error:  # the app's own code failed: say how
        raise AppError(
            f"cannot load the app: {type(error).__name__}: {error}"
        ) from None
    if not isinstance(app, Flask):
        raise AppError(f"{spec} gave {type(app).__name__}, not a Flask app")
    return app


def inner_view(function: Any, depth: int = 0) -> Any | None:
    """The ``as_view`` function inside a wrapper (its closure or __wrapped__)."""
    if depth > MAX_DEPTH:
        return None
    candidates = [getattr(function, "__wrapped__", None)]
    for cell in getattr(function, "__closure__", None) or ():
        try:
            candidates.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    for candidate in candidates:
        if callable(candidate) and hasattr(candidate, "view_class"):
            return candidate
        if inspect.isfunction(candidate):
            found = inner_view(candidate, depth + 1)
            if found is not None:
                return found
    return None


def where(cls: type) -> tuple[str, int]:
    """The file and line a class is defined at, as well as Python can tell."""
    try:
        path = inspect.getsourcefile(cls) or "<unknown>"
        line = inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return f"<{cls.__module__}>", 1
    with contextlib.suppress(ValueError):  # another drive, on Windows
        path = os.path.relpath(path)
    return path, line


def finding(code: str, cls: type, name: str) -> Finding:
    rule = RULES[code]
    path, line = where(cls)
    message = rule.message.format(name=name)
    return Finding(path, line, 0, code, message, rule.hint, rule.link)


def is_method_view(cls: type) -> bool:
    """Whether ``cls`` is a MethodView, Flask's or viewlib's."""
    return any(
        base.__name__ == "MethodView"
        and base.__module__ in ("flask.views", "viewlib.views")
        for base in cls.__mro__
    )


def check_app(app: Flask) -> list[Finding]:
    """The findings on one app's registered view functions."""
    findings: list[Finding] = []
    for endpoint, function in sorted(app.view_functions.items()):
        cls = getattr(function, "view_class", None)
        if cls is None:
            inner = inner_view(function)
            if inner is not None:
                name = f"{endpoint!r} ({inner.view_class.__name__})"
                findings.append(finding("CBV201", inner.view_class, name))
            continue
        if not is_method_view(cls):
            continue
        for rule in app.url_map.iter_rules(endpoint):
            routed = {method.lower() for method in rule.methods or ()}
            # Flask answers OPTIONS itself (add_url_rule sets this on the rule).
            if getattr(rule, "provide_automatic_options", False):
                routed.discard("options")
            if callable(getattr(cls, "get", None)):
                routed.discard("head")  # MethodView runs get for HEAD
            missing = sorted(
                method.upper()
                for method in routed & HTTP_METHODS
                if not callable(getattr(cls, method, None))
            )
            if missing:
                name = f"{endpoint!r} ({', '.join(missing)})"
                findings.append(finding("CBV202", cls, name))
    return sorted(findings, key=lambda f: (f.path, f.line, f.code))


def check_app_spec(spec: str) -> list[Finding]:
    """Load ``MODULE:FACTORY`` and check it; raises ``AppError``."""
    return check_app(load_app(spec))
