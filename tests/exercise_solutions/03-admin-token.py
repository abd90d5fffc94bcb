# SPDX-License-Identifier: MIT
"""Reference solution of exercise 3 (chapters/exercises/03-admin-token)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar

from flask import Flask, Response, current_app, make_response, request
from flask.typing import ResponseReturnValue

from viewlib import View

ViewFunction = Callable[..., ResponseReturnValue]


def require_token(view: ViewFunction) -> ViewFunction:
    """Answer 401 unless the request carries the app's admin token."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expected: str = current_app.config["ADMIN_TOKEN"]
        # Bytes: compare_digest refuses str holding non-ASCII characters.
        if scheme != "Bearer" or not secrets.compare_digest(
            token.encode(), expected.encode()
        ):
            error = {"error": "send the admin token: Authorization: Bearer <token>"}
            return error, 401, {"WWW-Authenticate": "Bearer"}
        return view(*args, **kwargs)

    return wrapper


def add_header(name: str, value: str) -> Callable[[ViewFunction], ViewFunction]:
    """Make a decorator that sets a header on every response of a view."""

    def decorator(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            response = make_response(view(*args, **kwargs))
            response.headers[name] = value
            return response

        return wrapper

    return decorator


class AdminView(View):
    """The base of every admin view."""

    # The last entry is the outermost: add_header also sees the 401s.
    decorators: ClassVar[list[Callable[..., Any]]] = [
        require_token,
        add_header("Cache-Control", "no-store"),
    ]


class Stats(AdminView):
    def dispatch_request(self) -> ResponseReturnValue:
        return {"views": 2}


class Status(View):
    def dispatch_request(self) -> ResponseReturnValue:
        return {"status": "ok"}


def create_app(token: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config["ADMIN_TOKEN"] = (
        token or os.environ.get("ADMIN_TOKEN") or secrets.token_hex()
    )
    app.add_url_rule("/status", view_func=Status.as_view("status"))
    app.add_url_rule("/admin/stats", view_func=Stats.as_view("stats"))
    return app


app = create_app()
