# SPDX-License-Identifier: MIT
"""Reading a JSON request body: the one answer that several apps share.

This is not an app. ``notes_core.py`` (the four ``styles_*.py`` apps of
chapter 11) and ``todo.py`` (chapter 6) call :func:`read_json`, so a body
that is not usable JSON gets the same ``400`` in all five. ``inventory.py``
(chapter 5) and ``bookshelf.py`` (chapter 12) spell out their own readers,
because their chapters teach them line by line; ``inventory.py``'s calls
:func:`refuse_too_large` from here, whose Werkzeug details chapter 5 keeps
off its main path. ``tests/test_json_input.py`` sends all seven apps the
same deeply nested and lone-surrogate bodies, and each answers a JSON
``400`` (a ``413`` if the body is over its size limit).
"""

from __future__ import annotations

from flask import Request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType


def has_lone_surrogate(value: object) -> bool:
    """Whether a string in a decoded JSON value (keys too) is not Unicode text.

    JSON's ``"\\ud800"`` escape decodes to a lone surrogate, a Python ``str``
    that UTF-8 cannot encode: stored, it fails later, when it is written out.
    """
    pending = [value]  # a loop, not recursion: the value may be nested deeply
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def refuse_too_large(request: Request) -> None:
    """Raise ``413`` for a body over the app's ``MAX_CONTENT_LENGTH``.

    Call it before the body is parsed: the comments say why both checks.
    """
    # Werkzeug 2.3 and later refuse an announced length past the limit
    # themselves; Werkzeug 2.2 (which Flask 2.2 allows) reads any length.
    limit = request.max_content_length  # the app's MAX_CONTENT_LENGTH
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    # On servers that pass a chunked body on without a length (Werkzeug's
    # development server), Werkzeug 2.3+ stops reading at the limit without
    # an error and returns what it has, and 2.2 reads it all: a body that
    # reaches the limit may have been cut short, so it is refused.
    if (
        limit is not None
        and request.content_length is None
        and len(request.get_data()) >= limit  # cached: get_json() reuses it
    ):
        raise RequestEntityTooLarge()


def read_json(request: Request) -> object:
    """The request's JSON body, decoded, or an HTTP error naming the problem.

    - ``415`` if the body is not declared as JSON;
    - ``413`` if it is longer than ``MAX_CONTENT_LENGTH`` or, sent without a
      length (chunked, on Werkzeug's development server), reaches it;
    - ``400`` if it is not JSON, if it is nested too deeply for Python's
      parser, or if a string in it holds a lone surrogate.
    """
    if not request.is_json:
        raise UnsupportedMediaType("send JSON, with Content-Type: application/json")
    refuse_too_large(request)
    try:
        data = request.get_json()  # Flask raises BadRequest for a broken body
    except BadRequest:
        raise BadRequest("the body is not valid JSON") from None
    except RecursionError:  # not a ValueError: get_json(silent=True) lets it out
        raise BadRequest("the body is not valid JSON: nested too deeply") from None
    if has_lone_surrogate(data):
        raise BadRequest("the body is not valid JSON: it has a lone surrogate")
    return data
