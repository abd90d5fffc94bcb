# SPDX-License-Identifier: MIT
"""Exercise 5 (chapter 5, hard; a small project): a JSON API for movies.

Build a REST API with ``MethodView`` classes for one resource, movies. A
movie has a ``title`` (a string of 1 to 100 characters, not only spaces) and
a ``year`` (an integer from 1888 to 2100; ``true``, ``1979.0`` and
``"1979"`` are not integers); the API gives each an ``id``, counting from 1.

- ``GET /movies/``: 200, a JSON list of every movie, by id:
  ``[{"id": 1, "title": "Alien", "year": 1979}]``;
- ``POST /movies/``: 201, the new movie as JSON, and the header
  ``Location: /movies/<id>``;
- ``GET /movies/<id>`` (the rule ``/movies/<int:id>``): 200, the movie;
- ``PUT /movies/<id>``: 200, the movie with both fields replaced (both
  required);
- ``PATCH /movies/<id>``: 200, the movie with the fields sent replaced;
- ``DELETE /movies/<id>``: 204, an empty body.

Every error is answered in JSON, ``{"error": "..."}``, with a 4xx status,
never a 500, and changes nothing:

- an unknown id: 404, whatever the body (look the id up before reading
  the body, as chapter 5's ``patch`` does); a method a URL does not
  accept: 405 (keep the ``Allow`` header); any URL that matches no route:
  404;
- a JSON value that is not an object, a missing field (PUT, POST), an
  unknown field such as ``id``, a field of the wrong type or out of range:
  400 or 422, with an error that names the field;
- a body not sent as JSON (415), not valid JSON or nested too deeply for
  Python's parser (400), or too large (413: over the app's limit of 10,240
  bytes, or as long as that when sent without a length): ``read_json``
  below answers these for you.

A ``PATCH`` or ``PUT`` with one bad field changes no field. Requests may
arrive at the same time (a threaded server): ids must not repeat, and no
movie may be lost.

This file gives you three pieces like those of chapter 5's ``inventory.py``
(use them as they are: read their docstrings and method names, not their
bodies):

- ``MovieStore`` keeps the movies behind a lock, like ``inventory.py``'s
  ``Store`` (so the ids and the "no movie lost" rule are handled), but
  checks nothing; its methods are ``all()`` (a list of movies),
  ``get(id)``, ``create(fields)`` and ``update(id, fields)`` (each of these
  three returns the movie as a dict with its ``"id"``; give ``fields``
  without one) and ``delete(id)``; a missing id raises ``KeyError``;
- ``read_json()`` returns the request's body decoded from JSON, whatever
  JSON value it is, or stops the request with an error;
- ``error_as_json``, already registered, turns each HTTP error Flask hands
  it into JSON (``abort(404)``, a 405 from the router).

You write the rest: a function that checks a movie's fields, the two
``MethodView`` classes, and their registration. ``inventory.py`` shows each
of these (``Store.check``, ``ItemAPI``, ``GroupAPI`` and ``register_api``):
read it, then write your own, for this resource. Keep this file's
``error_as_json`` as it is: there is nothing to do there (its docstring
says why the check needs it rather than ``inventory.py``'s).

Hints:

- Test a type with ``type(value) is int``, as ``inventory.py``'s
  ``check_value`` does (chapter 5 shows it in the dropdown "Going deeper:
  the ``Store`` class, and the checks on each field"): JSON ``true``
  arrives as ``True``, and ``bool`` is a subclass of ``int``, so
  ``isinstance(True, int)`` is true (here the year's range refuses
  ``True`` anyway, since ``True == 1``; a number without a range would
  not). Add the ranges: ``year in YEARS``, and ``title.strip()`` for a
  title of only spaces.
- ``PUT`` needs every field and ``PATCH`` some (``inventory.py`` has no
  ``PUT``): ``Store.check(data, partial=True)`` shows one check serving
  both.

Check your work with ``pytest chapters/exercises/05-movies``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

import json
import threading
from typing import Any

from flask import Flask, abort, request
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.wrappers import Response

from viewlib import MethodView  # noqa: F401  (TODO: you will need it)

MAX_TITLE = 100  # characters
YEARS = range(1888, 2101)  # the first film was shot in 1888
Movie = dict[str, Any]


class MovieStore:
    """Movies in memory; each method a request calls holds the lock throughout.

    A missing id raises ``KeyError``: your views turn it into a 404. The
    store checks nothing: give it only fields your check has accepted.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.movies: dict[int, Movie] = {}
        self.next_id = 1

    def all(self) -> list[Movie]:
        with self.lock:
            return [{"id": id, **movie} for id, movie in self.movies.items()]

    def get(self, id: int) -> Movie:
        with self.lock:
            return {"id": id, **self.movies[id]}

    def create(self, fields: Movie) -> Movie:
        with self.lock:
            id, self.next_id = self.next_id, self.next_id + 1
            self.movies[id] = dict(fields)
            return {"id": id, **fields}

    def update(self, id: int, fields: Movie) -> Movie:
        """Replace the fields given (all of them for a PUT, some for a PATCH)."""
        with self.lock:
            self.movies[id].update(fields)
            return {"id": id, **self.movies[id]}

    def delete(self, id: int) -> None:
        with self.lock:
            del self.movies[id]


def read_json() -> object:
    """The request's body decoded from JSON (any JSON value), or abort.

    415 for a body not sent as JSON; 413 for one too large for
    ``MAX_CONTENT_LENGTH`` (the comments below say how it is measured); 400
    for one that does not parse, or is nested too deeply for Python's
    ``json`` (which raises ``RecursionError``, not a ``ValueError``, so
    ``request.get_json()`` would let it out as a 500).
    """
    if not request.is_json:
        abort(415, "send JSON, with Content-Type: application/json")
    limit = request.max_content_length  # Werkzeug < 2.3 reads past it: check here
    if limit is not None and (request.content_length or 0) > limit:
        abort(413, f"send at most {limit} bytes")
    # A body passed on without a length but marked complete (a chunked body
    # on Werkzeug's development server; waitress gives it a length instead):
    # Werkzeug 2.3+ stops reading at the limit (the body may be cut short),
    # 2.2 reads it all. One that reaches the limit may be longer: refused.
    # (With neither a length nor that mark, Werkzeug reads no body: a 400.)
    chunked = request.content_length is None
    # get_data() keeps what it read, for get_json() below.
    if limit is not None and chunked and len(request.get_data()) >= limit:
        abort(413, f"send fewer than {limit} bytes, or send a Content-Length")
    try:
        return request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: nested too deep
        abort(400, "the body is not valid JSON, or is nested too deeply")


def error_as_json(error: HTTPException) -> Response:
    """Any HTTP error with its status and headers (a 405's Allow too), in JSON.

    The body is built here, not from Werkzeug's HTML page (``get_response()``)
    as in ``inventory.py``. That page cannot encode a description that repeats
    a lone surrogate from the request (a code point such as ``"\\ud800"``,
    half of a UTF-16 pair, which Python's ``str`` holds but UTF-8 cannot
    encode), so it answers 500; ``json.dumps`` escapes it. The check sends one
    as a field name (never as a title: titles need no check for it).
    """
    body = json.dumps({"error": error.description}) + "\n"
    response = Response(body, error.code or 500, mimetype="application/json")
    for name, value in error.get_headers():  # Allow, WWW-Authenticate, ...
        if name.lower() != "content-type":
            response.headers.add(name, value)
    return response


# TODO: a function that checks a movie's fields (ValueError naming the
# problem), an item view and a collection view (MethodView).


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024  # bytes; read_json checks it
    store = MovieStore()  # noqa: F841  (TODO: give it to your views)
    # TODO: register the views at /movies/ and /movies/<int:id>.
    app.register_error_handler(HTTPException, error_as_json)
    return app


app = create_app()
