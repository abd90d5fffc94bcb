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
3. Answer bad input with a 4xx status and a JSON body whose ``error`` names
   the problem, for instance ``{"error": "'text' must be a string"}``: a body
   that is not JSON (mention JSON), a JSON value that is not an object (say
   "object"), a missing ``text``, a ``text`` that is not a string, and a text
   over 1,000 characters (mention ``text`` in these three).

Hints for task 3 (chapter 2 reads forms; this reads JSON):

- ``request.is_json`` is true when the request says
  ``Content-Type: application/json``; answer the others with 415
  (Unsupported Media Type) or 400.
- ``request.get_json(silent=True)`` returns the parsed body, or ``None`` if
  it is not valid JSON, is not sent as JSON, or is the JSON ``null``. Then
  test the value before you use it: ``isinstance(data, dict)``, then
  ``isinstance(data.get("text"), str)``, then its length.
- One more bad body: a document nested very deep (``[[[[...``, 100,000
  levels). Python's JSON parser goes one level deeper for each bracket and
  gives up with ``RecursionError``, which ``silent=True`` does not catch (it
  catches only errors about invalid JSON). Catch it yourself (``except
  RecursionError:``) and answer as for invalid JSON.
- Return an error as ``{"error": "..."}, 400``, as chapter 1's ``Square``
  does. Chapter 5 builds a complete JSON reader; this is all you need here.

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

from flask import Flask, request
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


class SpellCheck(View):
    methods: ClassVar[list[str]] = ["POST"]
    init_every_request = False

    def __init__(self) -> None:
        self.words = load_words()
        self.unknown: list[str] = []

    def dispatch_request(self) -> ResponseReturnValue:
        # TODO: check the body (task 3) before using it.
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
