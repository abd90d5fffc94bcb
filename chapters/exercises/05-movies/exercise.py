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
- a body over 10 KB: 413.

A ``PATCH`` or ``PUT`` with one bad field changes no field. Requests may
arrive at the same time (a threaded server): ids must not repeat, and no
movie may be lost. Chapter 5's ``inventory.py`` shows every piece: read it,
then write your own, for this resource.

Hints, for what ``inventory.py`` does differently:

- Its ``check_value`` tests types with ``type(value) is int``, because JSON
  ``true`` arrives as ``True`` and ``bool`` is a subclass of ``int``; add the
  ranges: ``year in YEARS``, and ``title.strip()`` for a title of only
  spaces.
- ``PUT`` needs every field and ``PATCH`` some: ``Store.check(data,
  partial=True)`` shows one check serving both.
- A deeply nested body (``[[[[...``: from about 1,000 brackets on Python
  3.11 and older, 1,500 on 3.12.1 and 10,000 on 3.13.0, each under this
  app's 10,240-byte limit) makes Python's ``json`` module raise
  ``RecursionError``, which is not a ``ValueError``, so
  ``request.get_json()`` lets it out as a 500: catch it next to
  ``BadRequest``, as ``inventory.py``'s ``request_json`` does (chapter 5's
  dropdown "``refuse_too_large``, and why ``RecursionError``").
  ``refuse_too_large`` is in ``chapters/apps/json_input.py``: copy it, with the
  imports it needs, into your file. An import of ``json_input`` works with
  ``pytest`` in this repository, whose settings put ``chapters/apps`` on
  the import path, but fails when an instructor grades your file:
  ``grade.py`` runs it with only viewlib and the check beside it.

Check your work with ``pytest chapters/exercises/05-movies``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

from flask import Flask

from viewlib import MethodView  # noqa: F401  (TODO: you will need it)

MAX_TITLE = 100  # characters
YEARS = range(1888, 2101)  # the first film was shot in 1888

# TODO: a store for the movies (with a lock), a function that checks a body,
# an item view and a collection view (MethodView), and an error handler that
# answers every HTTP error in JSON.


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024  # bytes; Werkzeug >= 2.3: 413 above it
    # TODO: register the views at /movies/ and /movies/<int:id>, and the
    # error handler.
    return app


app = create_app()
