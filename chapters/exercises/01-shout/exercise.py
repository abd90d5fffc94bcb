# SPDX-License-Identifier: MIT
# mypy: disable-error-code="override"
# (URL variables arrive as keyword arguments, which View.dispatch_request's
# signature cannot declare: each view's own signature is the right one.)
"""Exercise 1 (chapter 1, easy): a class-based view that shouts.

Write the view ``Shout`` and register it, so that the app answers:

- ``GET /shout/ada`` with ``HELLO, ADA!``: the name in capitals, as HTML;
- a name with markup in it escaped: ``/shout/<b>`` answers ``HELLO, &lt;B&gt;!``
  (use ``markupsafe.escape``, as chapter 1 does; capitalise first, then
  escape, or the entities come out in capitals too: ``&LT;``);
- a name longer than 40 characters with a 400 and a JSON body whose
  ``error`` says what is wrong, for instance
  ``{"error": "name must be at most 40 characters"}`` (return a dict and
  the status, as chapter 1's ``Square`` and ``Guestbook`` do);
- ``POST`` (or any method but ``GET``, ``HEAD`` and ``OPTIONS``) with 405.

Register it with ``as_view`` at ``/shout/<name>``, under the endpoint
``shout``. Check your work with ``pytest chapters/exercises/01-shout``, and
run it for real with
``python -m flask --app chapters/exercises/01-shout/exercise.py run`` (or
the path of your copy).

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").

The type hints in this file (such as ``ClassVar[...]`` and ``-> Flask``) are
for mypy, a type checker; Python runs your code without them, so you may
leave them out of yours.
"""

from __future__ import annotations

from flask import Flask
from flask.typing import ResponseReturnValue

from viewlib import View

MAX_NAME = 40  # characters


class Shout(View):
    def dispatch_request(self, name: str) -> ResponseReturnValue:
        # TODO: answer a name over MAX_NAME characters with a JSON 400, and
        # any other with "HELLO, <NAME>!", the name in capitals and escaped
        # (from markupsafe import escape).
        raise NotImplementedError("Shout.dispatch_request is not written yet")


def create_app() -> Flask:
    app = Flask(__name__)
    # TODO: register Shout at /shout/<name>, under the endpoint "shout".
    return app


app = create_app()
