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
- ``GET /movies/<id>``: 200, the movie;
- ``PUT /movies/<id>``: 200, the movie with both fields replaced (both
  required);
- ``PATCH /movies/<id>``: 200, the movie with the fields sent replaced;
- ``DELETE /movies/<id>``: 204, an empty body.

Every error is answered in JSON, ``{"error": "..."}``, with a 4xx status,
never a 500, and changes nothing:

- an unknown id: 404; a method a URL does not accept: 405 (keep the
  ``Allow`` header); any URL that matches no route: 404;
- a body that is not JSON (mention "JSON" in the error), a JSON value that
  is not an object, a missing field (PUT, POST), an unknown field such as
  ``id``, a field of the wrong type or out of range: 400 or 422, with an
  error that names the field (a body sent without a JSON ``Content-Type``
  may get 415 instead, as ``inventory.py`` answers: the check takes any
  4xx);
- a body over 10,240 bytes (the app's ``MAX_CONTENT_LENGTH``): 413.

A ``PATCH`` or ``PUT`` with one bad field changes no field. Requests may
arrive at the same time (a threaded server): ids must not repeat, and no
movie may be lost.

This file gives you two pieces like chapter 5's: ``MovieStore``, which
keeps the movies behind a lock like ``inventory.py``'s ``Store`` (so the ids
and the "no movie lost" rule are handled) but checks nothing (your check
does), and ``error_as_json``, already registered, which turns each HTTP
error Flask hands it into JSON (``abort(404)``, a 405 from the router). You
write the rest: a function that checks a body, one that reads it as JSON,
the two ``MethodView`` classes, and their registration. Chapter 5's
``inventory.py`` shows almost every piece (not ``PUT``, nor the ranges: see
the hints below): read it, then write your own, for this resource. A title
need not be checked for lone surrogates (chapter 5's ``is_text`` does; the
check sends no such title). Keep this file's ``error_as_json``: the check
sends a lone surrogate as a field name, and an error that repeats it makes
``inventory.py``'s version answer 500.

Hints, for what ``inventory.py`` does differently:

- Its ``check_value`` tests types with ``type(value) is int``, because JSON
  ``true`` arrives as ``True`` and ``bool`` is a subclass of ``int`` (here
  the year's range refuses ``True`` as well, since ``True == 1``; a number
  without a range would not); add the ranges: ``year in YEARS``, and
  ``title.strip()`` for a title of only spaces.
- ``PUT`` needs every field and ``PATCH`` some: ``Store.check(data,
  partial=True)`` shows one check serving both.
- A deeply nested body (``[[[[...``: the check sends 10,200 brackets, under
  this app's 10,240-byte limit) makes Python's ``json`` module raise
  ``RecursionError``, which is not a ``ValueError``, so
  ``request.get_json()`` lets it out as a 500: catch it next to
  ``BadRequest``, as ``inventory.py``'s ``request_json`` does (chapter 5,
  "Reading the body").

Beyond the check (optional): ``inventory.py``'s ``request_json`` also calls
``refuse_too_large``, which answers 413 where Werkzeug does not (chapter 5's
dropdown "``refuse_too_large``, and why ``RecursionError``" says where). Your
app passes the check without it: the check takes any JSON 4xx for its large
body, whose title is too long as well, though only a check like it gives
the 413 asked for above on Werkzeug 2.2, and on any Werkzeug for a body
that reaches the app without a length (a chunked body on Werkzeug's
development server; waitress passes it on with one). To add it, copy the
function and its imports into your file: an instructor's ``grade.py`` runs
your file with only viewlib beside it, so an import from ``chapters/apps``
would fail.

Check your work with ``pytest chapters/exercises/05-movies``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

import json
import threading
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
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


def error_as_json(error: HTTPException) -> Response:
    """Any HTTP error with its status and headers (a 405's Allow too), in JSON.

    The body is built here, not from Werkzeug's HTML page (``get_response()``),
    which cannot encode a description that repeats a lone surrogate from the
    request (a 500); ``json.dumps`` escapes it.
    """
    body = json.dumps({"error": error.description}) + "\n"
    response = Response(body, error.code or 500, mimetype="application/json")
    for name, value in error.get_headers():  # Allow, WWW-Authenticate, ...
        if name.lower() != "content-type":
            response.headers.add(name, value)
    return response


# TODO: a function that checks a body (ValueError naming the problem), one
# that reads the request's body as JSON and aborts with an error that names
# the problem, an item view and a collection view (MethodView).


def create_app() -> Flask:
    app = Flask(__name__)
    # Werkzeug >= 2.3 answers 413 when a view reads a body whose Content-Length
    # is above this many bytes; a chunked body passed on without a length
    # (Werkzeug's development server), or Werkzeug 2.2, need refuse_too_large.
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024
    store = MovieStore()  # noqa: F841  (TODO: give it to your views)
    # TODO: register the views at /movies/ and /movies/<int:id>.
    app.register_error_handler(HTTPException, error_as_json)
    return app


app = create_app()
