# SPDX-License-Identifier: MIT
"""Reading a request body of bounded size, as text: chapter 4's ``NoteAPI`` calls it.

This is not an app. Chapter 4's section on URL variables keeps its listing to
that one idea and imports :func:`read_body` from here; the chapter's "Going
deeper" on the note's size shows this function and what it meets on real
servers (``tests/test_prose_facts.py`` sends those requests).
"""

from __future__ import annotations

from flask import abort, make_response, request
from werkzeug.exceptions import ClientDisconnected


def read_body(limit: int) -> str:
    """The request body as text, when its ``Content-Length`` is at most *limit* bytes.

    Otherwise the view stops here: ``abort`` with a response raises, and
    Flask sends that response, a JSON ``411`` for a body without a
    ``Content-Length``, a JSON ``413`` for one over the limit, and a JSON
    ``400`` for one that ends before the length it announced (Werkzeug's
    ``ClientDisconnected``, an HTML ``400`` otherwise). The length is checked
    before anything is read.
    """
    # The header as an int; None without one, for a chunked body, and for a
    # malformed header on Werkzeug 2.2 (Werkzeug 2.3 and later read that as 0).
    size = request.content_length
    if size is None:
        error = {"error": "send the body with a Content-Length header"}
        abort(make_response(error, 411))
    if size > limit:
        abort(make_response({"error": f"a body holds at most {limit} bytes"}, 413))
    try:
        return request.get_data(as_text=True)  # reads `size` bytes at most
    except ClientDisconnected:
        error = {"error": "the body ended before its Content-Length"}
        abort(make_response(error, 400))
