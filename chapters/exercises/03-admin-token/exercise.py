# SPDX-License-Identifier: MIT
"""Exercise 3 (chapter 3, medium): decorators that guard every admin view.

The app has a public view, ``GET /status``, and an admin view,
``GET /admin/stats``. Every view that subclasses ``AdminView`` must:

1. refuse a request unless its ``Authorization`` header is
   ``Bearer <token>``, with the app's token (``app.config["ADMIN_TOKEN"]``):
   answer 401 with a JSON ``error`` that names the problem (mention
   "token") and the header ``WWW-Authenticate: Bearer``. Compare tokens with
   ``secrets.compare_digest`` on bytes (``.encode()``): it refuses ``str``
   with non-ASCII characters, and a header may hold any;
2. send ``Cache-Control: no-store`` on every response, the 401s included.

Write the decorator ``require_token`` and the decorator factory
``add_header(name, value)`` (use ``functools.wraps`` and
``flask.make_response``), then list them in ``AdminView.decorators``, in the
order that puts the header on the 401s too. ``add_header`` must keep the
view's status and pass URL variables on; the check also uses both
decorators on views of its own. The public view stays as it is: two checks
(the public view, and the right token getting in) pass on this starter
already, and the others are your work.

Hints (chapter 3's ``apps/apikeys.py`` is the model; these are what it does
not show):

- The header ``Authorization: Bearer <token>`` is read with
  ``request.headers.get("Authorization", "")``; ``str.partition(" ")`` splits
  it into ``("Bearer", " ", "<token>")``. The app's token is
  ``current_app.config["ADMIN_TOKEN"]`` (``from flask import current_app``).
- ``add_header``'s wrapper sets the header on a response object:
  ``response = make_response(view(*args, **kwargs))`` (``from flask import
  make_response``) turns whatever the view returned (a string, a dict, a
  tuple) into one, and ``response.headers[name] = value`` sets it; chapter
  3's ``add_header`` does the same.
- ``WWW-Authenticate: Bearer`` on a 401 tells the client which kind of
  credentials to send. A view, or a wrapper, can set headers by returning
  three values, ``(body, status, headers)``:
  ``return {"error": "..."}, 401, {"WWW-Authenticate": "Bearer"}``.

Check your work with ``pytest chapters/exercises/03-admin-token``. To run it
for real, ``export ADMIN_TOKEN=...`` first (see ``create_app``).

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").

The type hints in this file (such as ``ClassVar[...]`` and ``-> ViewFunction``) are
for mypy, a type checker; Python runs your code without them, so you may
leave them out of yours.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from typing import Any, ClassVar

from flask import Flask
from flask.typing import ResponseReturnValue

from viewlib import View

ViewFunction = Callable[..., ResponseReturnValue]


def require_token(view: ViewFunction) -> ViewFunction:
    """Answer 401 unless the request carries the app's admin token."""
    # TODO: return a wrapper that checks the Authorization header first.
    return view


def add_header(name: str, value: str) -> Callable[[ViewFunction], ViewFunction]:
    """Make a decorator that sets a header on every response of a view."""

    def decorator(view: ViewFunction) -> ViewFunction:
        # TODO: return a wrapper that sets the header on the view's response.
        return view

    return decorator


class AdminView(View):
    """The base of every admin view."""

    # TODO: list the two decorators, in the right order.
    decorators: ClassVar[list[Callable[..., Any]]] = []


class Stats(AdminView):
    def dispatch_request(self) -> ResponseReturnValue:
        return {"views": 2}


class Status(View):
    def dispatch_request(self) -> ResponseReturnValue:
        return {"status": "ok"}


def create_app(token: str | None = None) -> Flask:
    """Build the app; the admin token is *token*, else $ADMIN_TOKEN.

    With neither, a random token nobody knows: every admin request is refused.
    """
    app = Flask(__name__)
    app.config["ADMIN_TOKEN"] = (
        token or os.environ.get("ADMIN_TOKEN") or secrets.token_hex()
    )
    app.add_url_rule("/status", view_func=Status.as_view("status"))
    app.add_url_rule("/admin/stats", view_func=Stats.as_view("stats"))
    return app


app = create_app()
