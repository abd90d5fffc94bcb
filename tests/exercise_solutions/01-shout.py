# SPDX-License-Identifier: MIT
# mypy: disable-error-code="override"
"""Reference solution of exercise 1 (chapters/exercises/01-shout)."""

from __future__ import annotations

from flask import Flask
from flask.typing import ResponseReturnValue
from markupsafe import escape

from viewlib import View

MAX_NAME = 40  # characters


class Shout(View):
    def dispatch_request(self, name: str) -> ResponseReturnValue:
        if len(name) > MAX_NAME:
            return {"error": f"name must be at most {MAX_NAME} characters"}, 400
        # Capitals first, then escape: the entities stay lower case (&lt;).
        return f"HELLO, {escape(name.upper())}!"


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/shout/<name>", view_func=Shout.as_view("shout"))
    return app


app = create_app()
