# SPDX-License-Identifier: MIT
# mypy: disable-error-code="override"
# (URL variables arrive as keyword arguments, which View.dispatch_request's
# signature cannot declare: each view's own signature is the right one.)
"""Chapter 1's app: two class-based views that take input from the URL.

Run it from the repository root::

    flask --app chapters/apps/hello.py run

then try ``curl http://127.0.0.1:5000/hello/World`` and
``curl http://127.0.0.1:5000/square/12``.
"""

from __future__ import annotations

from flask import Flask
from flask.typing import ResponseReturnValue
from markupsafe import escape

from viewlib import View


class Hello(View):
    def dispatch_request(self, name: str) -> str:
        # A str answer is sent as HTML: escape() turns "<" into "&lt;" and so
        # on, so a name cannot inject markup or a script into the page.
        return f"Hello, {escape(name)}!"


#: The most digits of a number /square squares (leading zeros do not count):
#: without a bound, a square too long for Python to turn into text would fail
#: as JSON, a 500 (a dropdown of chapter 1's "URL variables and converters" shows it).
MAX_DIGITS = 100


class Square(View):
    # ResponseReturnValue, imported at the top of this file from flask.typing,
    # is the type of anything a view may return: here a dict, or a tuple of a
    # dict and a status.
    def dispatch_request(self, number: int) -> ResponseReturnValue:
        if number >= 10**MAX_DIGITS:
            return {"error": f"number must have at most {MAX_DIGITS} digits"}, 400
        return {"number": number, "square": number * number}


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
    app.add_url_rule("/square/<int:number>", view_func=Square.as_view("square"))
    return app


app = create_app()
