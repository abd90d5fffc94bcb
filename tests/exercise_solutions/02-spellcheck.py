# SPDX-License-Identifier: MIT
"""Reference solution of exercise 2 (chapters/exercises/02-spellcheck)."""

from __future__ import annotations

import re
from typing import ClassVar

from flask import Flask, request
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


def problem_with(data: object) -> str | None:
    """What is wrong with a decoded body, or None if it is usable."""
    if not isinstance(data, dict):
        return "the body must be a JSON object with a 'text'"
    if not isinstance(data.get("text"), str):
        return "'text' must be a string"
    if len(data["text"]) > MAX_TEXT:
        return f"'text' must be at most {MAX_TEXT} characters"
    return None


class SpellCheck(View):
    methods: ClassVar[list[str]] = ["POST"]
    init_every_request = False

    def __init__(self) -> None:
        # Read-only after this line: safe to share between requests.
        self.words = load_words()

    def dispatch_request(self) -> ResponseReturnValue:
        if not request.is_json:
            return {"error": "send JSON, with Content-Type: application/json"}, 415
        try:
            data = request.get_json(silent=True)  # None if it is not valid JSON
        except RecursionError:  # nested too deep for Python's parser
            data = None
        problem = problem_with(data)
        if problem:
            return {"error": problem}, 400
        assert isinstance(data, dict)
        # A local list: each request has its own, however many run at once.
        words = re.findall(r"[a-z']+", data["text"].lower())
        return {"unknown": [word for word in words if word not in self.words]}


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/check", view_func=SpellCheck.as_view("check"))
    return app


app = create_app()
