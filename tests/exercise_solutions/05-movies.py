# SPDX-License-Identifier: MIT
"""Reference solution of exercise 5 (chapters/exercises/05-movies)."""

from __future__ import annotations

import json
import threading
from typing import Any, NoReturn

from flask import Flask, abort, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.wrappers import Response

from viewlib import MethodView

MAX_TITLE = 100  # characters
YEARS = range(1888, 2101)  # the first film was shot in 1888
FIELDS = ("title", "year")
Movie = dict[str, Any]


def check(data: object, partial: bool) -> Movie:
    """The fields of a valid body; ValueError naming the first problem."""
    if not isinstance(data, dict):
        raise ValueError("a movie must be a JSON object")
    unknown = sorted(name for name in data if name not in FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    missing = [name for name in FIELDS if name not in data]
    if missing and not partial:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    if "title" in data:
        title = data["title"]
        if not isinstance(title, str) or not title.strip():
            raise ValueError("title must be a non-empty string")
        if len(title) > MAX_TITLE:
            raise ValueError(f"title must be at most {MAX_TITLE} characters")
    if "year" in data:
        year = data["year"]
        # type() rather than isinstance(): JSON true is a bool, a kind of int.
        if type(year) is not int or year not in YEARS:
            raise ValueError(f"year must be an integer from {YEARS[0]} to {YEARS[-1]}")
    return dict(data)


class MovieStore:
    """Movies in memory; each method holds the lock for all of its work."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.movies: dict[int, Movie] = {}
        self.next_id = 1

    def all(self) -> list[Movie]:
        with self.lock:
            return [{"id": i, **m} for i, m in self.movies.items()]

    def get(self, id: int) -> Movie:
        with self.lock:
            return {"id": id, **self.movies[id]}  # KeyError: no such movie

    def create(self, fields: Movie) -> Movie:
        with self.lock:
            id, self.next_id = self.next_id, self.next_id + 1
            self.movies[id] = fields
            return {"id": id, **fields}

    def update(self, id: int, fields: Movie) -> Movie:
        with self.lock:
            self.movies[id].update(fields)  # KeyError: no such movie
            return {"id": id, **self.movies[id]}

    def delete(self, id: int) -> None:
        with self.lock:
            del self.movies[id]  # KeyError: no such movie


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


def body(partial: bool = False) -> Movie:
    """The request's movie fields, or abort with an error that names the problem."""
    data = read_json()
    try:
        return check(data, partial)
    except ValueError as error:
        abort(400, str(error))


class MovieItem(MethodView):
    init_every_request = False  # it holds only the store, shared anyway

    def __init__(self, store: MovieStore) -> None:
        self.store = store

    def not_found(self, id: int) -> NoReturn:
        abort(404, f"there is no movie {id}")

    def get(self, id: int) -> ResponseReturnValue:
        try:
            return self.store.get(id)
        except KeyError:
            self.not_found(id)

    def put(self, id: int) -> ResponseReturnValue:
        self.get(id)  # an unknown id is a 404, whatever the body
        return self.change(id, body())

    def patch(self, id: int) -> ResponseReturnValue:
        self.get(id)
        return self.change(id, body(partial=True))

    def change(self, id: int, fields: Movie) -> ResponseReturnValue:
        try:
            return self.store.update(id, fields)
        except KeyError:  # deleted by another request since get()
            self.not_found(id)

    def delete(self, id: int) -> ResponseReturnValue:
        try:
            self.store.delete(id)
        except KeyError:
            self.not_found(id)
        return "", 204


class MovieGroup(MethodView):
    init_every_request = False

    def __init__(self, store: MovieStore) -> None:
        self.store = store

    def get(self) -> ResponseReturnValue:
        return self.store.all()

    def post(self) -> ResponseReturnValue:
        movie = self.store.create(body())
        return movie, 201, {"Location": url_for("movie", id=movie["id"])}


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


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024  # bytes; read_json checks it
    store = MovieStore()
    app.add_url_rule("/movies/", view_func=MovieGroup.as_view("movies", store))
    app.add_url_rule("/movies/<int:id>", view_func=MovieItem.as_view("movie", store))
    app.register_error_handler(HTTPException, error_as_json)
    return app


app = create_app()
