# SPDX-License-Identifier: MIT
"""Reference solution of exercise 2 (chapters/exercises/02-spellcheck)."""

from __future__ import annotations

import re
from typing import ClassVar

from flask import Flask, abort, make_response, request
from flask.typing import ResponseReturnValue

from viewlib import View

WORD_LIST = """a an and are as at be by cat dog for from had has he her his in is it
its mat me my not of on or sat she that the their there they this to was we
were will with you"""
MAX_TEXT = 1000  # characters
LOADS = 0


def load_words() -> frozenset[str]:
    global LOADS
    LOADS += 1
    return frozenset(WORD_LIST.split())


def read_text() -> str:
    """The body's ``text``; for a body without a usable one, a JSON 4xx."""
    if not request.is_json:
        error = {"error": "send JSON, with Content-Type: application/json"}
        abort(make_response(error, 415))  # 415 Unsupported Media Type
    try:
        data = request.get_json(silent=True)  # None if it is not valid JSON
    except RecursionError:  # nested too deep for Python's parser
        data = None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(data, dict):
        problem = "the body must be a JSON object with a 'text'"
    elif not isinstance(text, str):
        problem = "'text' must be a string"
    elif len(text) > MAX_TEXT:
        problem = f"'text' must be at most {MAX_TEXT} characters"
    else:
        return text
    abort(make_response({"error": problem}, 400))


class SpellCheck(View):
    methods: ClassVar[list[str]] = ["POST"]
    init_every_request = False

    def __init__(self) -> None:
        # Read-only after this line: safe to share between requests.
        self.words = load_words()

    def dispatch_request(self) -> ResponseReturnValue:
        text = read_text()  # a JSON 4xx, and no further, for a bad body
        # A local list: each request has its own, however many run at once.
        words = re.findall(r"[a-z']+", text.lower())
        return {"unknown": [word for word in words if word not in self.words]}


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/check", view_func=SpellCheck.as_view("check"))
    return app


app = create_app()
