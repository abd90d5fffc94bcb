# SPDX-License-Identifier: MIT
"""Exercise 2 (chapter 2, medium): a shared view that mixes up requests.

``SpellCheck`` answers ``POST /check`` with the words of a text that are not
in its word list, in the order they come::

    POST /check  {"text": "The cat sat on teh mat"}  ->  {"unknown": ["teh"]}

Loading the word list is slow (``load_words`` stands for reading a big file),
so the view shares one instance (``init_every_request = False``) and loads
the list once, in ``__init__``. As shipped, it has bugs. Fix them:

1. Each answer must list the unknown words of its own request only. Today
   the second request also gets the words of the first: the list on ``self``
   is shared by every request. Keep per-request data in local variables (or
   on ``flask.g``), even when requests overlap on a threaded server.
2. Keep the single instance: one app must call ``load_words()`` once,
   however many requests it serves.
3. Answer bad input with a JSON 4xx, never a 500: today a body that is not
   JSON gets Werkzeug's HTML 400 or 415, not JSON, and a JSON body that is
   not an object, has no string ``text`` or is nested too deep crashes the
   view (a 500). ``read_text()``, given below,
   reads the body and stops the view with a JSON error such as
   ``{"error": "'text' must be a string"}`` when it is unusable: read the
   text with it.

``read_text`` is given because this exercise is about the shared instance;
chapter 5 builds readers like it. What it uses that the chapters have not
shown yet (you need not know it to do the exercise):

- ``request.is_json``: true when the ``Content-Type`` is
  ``application/json`` or another JSON type (``application/...+json``);
- ``request.get_json(silent=True)``: the parsed body, or ``None`` when the
  body is not valid JSON or not declared as JSON;
- ``abort()`` given a response (``make_response(body, status)``): it
  raises an exception that Flask answers with that response, so a view's
  code after the call runs only with a usable text;
- ``except RecursionError``: what Python's JSON parser raises for a
  document nested 100,000 levels deep (``[[[[...``), which
  ``get_json(silent=True)`` lets out.

Check your work with ``pytest chapters/exercises/02-spellcheck``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").

The type hints in this file (such as ``ClassVar[...]`` and ``-> Flask``) are
for mypy, a type checker; Python runs your code without them, so you may
leave them out of yours.
"""

from __future__ import annotations

import re
from typing import ClassVar

from flask import Flask, abort, make_response, request
from flask.typing import ResponseReturnValue

from viewlib import View

#: The word list, short for the exercise; a real one has 100,000 words.
WORD_LIST = """a an and are as at be by cat dog for from had has he her his in is it
its mat me my not of on or sat she that the their there they this to was we
were will with you"""
MAX_TEXT = 1000  # characters
LOADS = 0  # how many times load_words() ran


def load_words() -> frozenset[str]:
    """Stand-in for reading a big word list from disk; counts its calls."""
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
        self.words = load_words()
        self.unknown: list[str] = []

    def dispatch_request(self) -> ResponseReturnValue:
        # TODO: task 3, read the text with read_text().
        text = request.get_json()["text"]
        # TODO: task 1, keep this request's findings off self.
        for word in re.findall(r"[a-z']+", text.lower()):
            if word not in self.words:
                self.unknown.append(word)
        return {"unknown": self.unknown}


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/check", view_func=SpellCheck.as_view("check"))
    return app


app = create_app()
