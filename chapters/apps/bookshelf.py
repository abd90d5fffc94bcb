# SPDX-License-Identifier: MIT
"""Bookshelf: a JSON API for authors and books, stored in SQLite.

Serve it with waitress, a production WSGI server, on http://127.0.0.1:8000::

    python chapters/apps/bookshelf.py            # or: --port 8080

or with Flask's development server, which finds ``create_app`` on its own::

    flask --app chapters/apps/bookshelf.py run

The data lives in ``instance/bookshelf.sqlite`` next to this file, created
with its tables on first use; ``BOOKSHELF_DATABASE`` in the environment names
another file. Set ``BOOKSHELF_SECRET_KEY`` to give the app a fixed secret key;
without it, each start generates a new one.

It needs Python 3.11 or later, for ``sqlite3``'s ``sqlite_errorname``.
Chapter 12 of the tutorial walks through this file part by part.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import waitress  # type: ignore[import-untyped]
from flask import Flask, current_app, g, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import BaseConverter, ValidationError

from viewlib import MethodView

# --- The database ------------------------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS author (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200)
);
CREATE TABLE IF NOT EXISTS book (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    year INTEGER NOT NULL CHECK (year BETWEEN 0 AND 2100),
    author_id INTEGER NOT NULL REFERENCES author (id)
);
CREATE INDEX IF NOT EXISTS book_author_id ON book (author_id);
"""

#: Seconds a request waits for another request's write to finish before
#: SQLite gives up with "database is locked".
BUSY_TIMEOUT = 10.0


def connect(path: str) -> sqlite3.Connection:
    """Open the database the way every request needs it."""
    # isolation_level=None: Python starts no transactions behind our back;
    # transaction() below opens each one explicitly.
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")  # off by default, per connection
    # With WAL (see init_db), NORMAL skips the disk flush at each commit: a
    # power cut can lose the latest commits, but never corrupts the file.
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def init_db(path: str) -> None:
    """Create the tables if the file does not have them yet."""
    with closing(connect(path)) as db:
        # Write-ahead logging: readers and the one writer do not block each
        # other. The mode is stored in the file, so it is set once, here.
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript(SCHEMA)


def get_db() -> sqlite3.Connection:
    """The current request's connection, opened on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    db: sqlite3.Connection = g.db
    return db


def close_db(error: BaseException | None = None) -> None:
    """Close the request's connection, if it opened one (a teardown function)."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


@contextmanager
def transaction(db: sqlite3.Connection, write: bool = True) -> Iterator[None]:
    """Run the block as one transaction: all of it is stored, or none of it."""
    # BEGIN IMMEDIATE takes the write lock at the start, so two writers queue
    # up (for at most BUSY_TIMEOUT) instead of failing halfway through.
    # A plain BEGIN gives a reader one snapshot for several queries, so they
    # agree (tests/test_bookshelf.py commits between two of them).
    db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# --- Errors ------------------------------------------------------------------


class APIError(HTTPException):
    """An error answered as JSON, optionally naming the field at fault."""

    def __init__(self, code: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def error_as_json(error: HTTPException) -> ResponseReturnValue:
    """Answer every HTTP error, ours and Werkzeug's, with a JSON body."""
    response = error.get_response()  # keeps the status and headers (Allow)
    body = {"error": error.description}
    if isinstance(error, APIError) and error.field is not None:
        body["field"] = error.field
    # Compact and newline-terminated, as Flask writes its own JSON responses.
    response.set_data(json.dumps(body, separators=(",", ":")) + "\n")
    response.mimetype = "application/json"
    return response


# --- Reading the request -----------------------------------------------------


def reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def parse_int(text: str) -> int:
    # Python refuses ints of over 4300 digits with an error that speaks to
    # programmers, not clients; refuse long ones first with our own words.
    if len(text) > 1000:
        raise ValueError("a number has more than 1000 digits")
    return int(text)


def reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("an object has the same key twice")
    return dict(pairs)


def has_lone_surrogate(value: object) -> bool:
    """Whether a string in a decoded JSON value (keys too) is not Unicode text."""
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


def request_json() -> Any:
    """The request body decoded as strict JSON, or a 415, 400 or 413 error."""
    if not request.is_json:
        raise APIError(415, "send JSON, with Content-Type: application/json")
    # Werkzeug 2.3 and later refuse an announced length past MAX_CONTENT_LENGTH
    # themselves; Werkzeug 2.2 (which Flask 2.2 allows) reads any length.
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    body = request.get_data()
    # On servers that pass a chunked body on without a length (Werkzeug's
    # development server), Werkzeug 2.3+ stops reading at the limit and
    # returns what it has, so a body that reaches the limit may be cut short.
    if request.content_length is None and len(body) >= limit:
        raise RequestEntityTooLarge()
    try:
        text = body.decode("utf-8")  # JSON on the wire is UTF-8 (RFC 8259)
    except UnicodeDecodeError:
        raise APIError(400, "the body is not valid JSON: it is not UTF-8") from None
    try:
        data = json.loads(
            text,
            parse_constant=reject_constant,
            parse_int=parse_int,
            object_pairs_hook=reject_duplicate_keys,
        )
    except ValueError as error:  # a JSONDecodeError, or from the hooks above
        raise APIError(400, f"the body is not valid JSON: {error}") from None
    except RecursionError:
        raise APIError(400, "the body is not valid JSON: nested too deeply") from None
    if has_lone_surrogate(data):
        raise APIError(400, "the body is not valid JSON: it has a lone surrogate")
    return data


#: The largest integer SQLite stores; ids and int fields stay below it.
MAX_INT = 2**63 - 1


def query_int(name: str, low: int, high: int, default: int = 0) -> int:
    """A whole-number query parameter in [low, high], or a 400 error."""
    raw = request.args.get(name)
    if raw is None:
        return default
    # isascii() and isdigit(): int() alone would also take " 5", "+5", "1_0"
    # and Arabic-Indic digits.
    if raw.isascii() and raw.isdigit() and len(raw) <= 19 and low <= int(raw) <= high:
        return int(raw)
    raise APIError(400, f"{name} must be a whole number from {low} to {high}")


class IdConverter(BaseConverter):
    """``<id:name>`` in a URL: 1 to MAX_INT in plain ASCII digits, no leading 0.

    Werkzeug's ``int`` converter accepts ``0001`` and Arabic-Indic digits,
    because Python's ``int()`` does, and numbers too large for SQLite.
    """

    regex = r"[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        if int(value) > MAX_INT:
            raise ValidationError()  # the URL does not match: 404
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


# --- Models: what a resource's records look like ------------------------------

#: Characters no name or title contains: C0 and C1 control characters.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Field:
    """One column a client may write: its Python type and its allowed range.

    For ``str`` the range bounds the length, for ``int`` the value.
    """

    name: str
    type: type[str | int]
    low: int
    high: int
    unique: bool = False  # the table has a UNIQUE constraint on it
    references: str | None = None  # the kind of record a foreign key names

    def check(self, value: Any) -> None:
        """Raise a 422 APIError if value does not belong in this field."""
        # type(), not isinstance(): JSON true is a Python bool, a subclass of int.
        if type(value) is not self.type:
            kind = "a string" if self.type is str else "an integer"
            raise APIError(422, f"{self.name} must be {kind}", self.name)
        if isinstance(value, str):
            if not self.low <= len(value) <= self.high:
                message = f"must be {self.low} to {self.high} characters long"
                raise APIError(422, f"{self.name} {message}", self.name)
            if value.isspace():
                raise APIError(422, f"{self.name} must not be blank", self.name)
            if CONTROL_CHARACTERS.search(value):
                message = f"{self.name} must not contain control characters"
                raise APIError(422, message, self.name)
        elif not self.low <= value <= self.high:
            message = f"{self.name} must be from {self.low} to {self.high}"
            raise APIError(422, message, self.name)


@dataclass(frozen=True)
class Model:
    """A resource: a table, the fields clients write, and its SQL.

    Table and column names come from this definition, never from a request,
    so they can be put into the SQL text; every value is a ``?`` parameter.
    """

    kind: str  # a singular noun, for messages: "author"
    table: str
    fields: tuple[Field, ...]
    filters: tuple[str, ...] = ()  # fields a list may be filtered on

    def validate(self, data: Any, partial: bool) -> dict[str, Any]:
        """The data, if it is a valid record (or part of one); else a 422."""
        if not isinstance(data, dict):
            raise APIError(422, f"a {self.kind} must be a JSON object")
        known = {field.name for field in self.fields}
        unknown = sorted(set(data) - known)
        if unknown:
            raise APIError(422, "unknown field", unknown[0])
        for field in self.fields:
            if field.name in data:
                field.check(data[field.name])
            elif not partial:
                raise APIError(422, f"{field.name} is missing", field.name)
        return data

    # Each method below takes the request's connection and runs its SQL in
    # one transaction, turning the database's answers into HTTP errors.

    def fetch(self, db: sqlite3.Connection, id: int) -> dict[str, Any]:
        row = db.execute(f"SELECT * FROM {self.table} WHERE id = ?", [id]).fetchone()
        if row is None:
            raise APIError(404, f"no {self.kind} with id {id}")
        return dict(row)

    def page(
        self, db: sqlite3.Connection, where: dict[str, int], limit: int, offset: int
    ) -> dict[str, Any]:
        condition = " AND ".join(f"{name} = ?" for name in where) or "1"
        values = list(where.values())
        with transaction(db, write=False):  # the count and the rows agree
            total = db.execute(
                f"SELECT count(*) FROM {self.table} WHERE {condition}", values
            ).fetchone()[0]
            rows = db.execute(
                f"SELECT * FROM {self.table} WHERE {condition}"
                " ORDER BY id LIMIT ? OFFSET ?",
                [*values, limit, offset],
            ).fetchall()
        items = [dict(row) for row in rows]
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    def insert(self, db: sqlite3.Connection, data: dict[str, Any]) -> dict[str, Any]:
        columns = ", ".join(data)
        marks = ", ".join("?" for _ in data)
        sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"
        try:
            with transaction(db):
                id = db.execute(sql, list(data.values())).lastrowid
                assert id is not None  # an INSERT always sets it
                return self.fetch(db, id)
        except sqlite3.IntegrityError as error:
            raise self.refused(error, data) from None

    def update(
        self, db: sqlite3.Connection, id: int, data: dict[str, Any]
    ) -> dict[str, Any]:
        changes = ", ".join(f"{name} = ?" for name in data)
        sql = f"UPDATE {self.table} SET {changes} WHERE id = ?"
        try:
            with transaction(db):
                if data:
                    db.execute(sql, [*data.values(), id])
                return self.fetch(db, id)  # a 404 here rolls back the UPDATE
        except sqlite3.IntegrityError as error:
            raise self.refused(error, data) from None

    def delete(self, db: sqlite3.Connection, id: int) -> None:
        try:
            with transaction(db):
                self.fetch(db, id)  # a 404 for an unknown id
                db.execute(f"DELETE FROM {self.table} WHERE id = ?", [id])
        except sqlite3.IntegrityError:  # other rows still point at this one
            message = f"other records still refer to {self.kind} {id}"
            raise APIError(409, message) from None

    def refused(self, error: sqlite3.IntegrityError, data: dict[str, Any]) -> APIError:
        """The HTTP error for a write the database's constraints refused."""
        reason = error.sqlite_errorname  # which constraint failed
        for field in self.fields:
            if field.name not in data:
                continue
            if field.unique and reason == "SQLITE_CONSTRAINT_UNIQUE":
                message = f"another {self.kind} already has this {field.name}"
                return APIError(409, message, field.name)
            if field.references and reason == "SQLITE_CONSTRAINT_FOREIGNKEY":
                message = f"no {field.references} with id {data[field.name]}"
                return APIError(422, message, field.name)
        # A CHECK constraint: validate() should have caught it first.
        return APIError(422, f"the database refused this {self.kind}: {error}")


AUTHORS = Model(
    kind="author",
    table="author",
    fields=(Field("name", str, 1, 200, unique=True),),
)
BOOKS = Model(
    kind="book",
    table="book",
    fields=(
        Field("title", str, 1, 200),
        Field("year", int, 0, 2100),
        Field("author_id", int, 1, MAX_INT, references="author"),
    ),
    filters=("author_id",),
)

# --- The views -----------------------------------------------------------------


class ItemAPI(MethodView):
    """One record, at ``/<name>/<id>``: GET, PATCH, PUT and DELETE."""

    # One instance serves every request: it holds only the model, and each
    # request's data (its connection included) lives on g and in locals.
    init_every_request = False

    def __init__(self, model: Model) -> None:
        self.model = model

    def get(self, id: int) -> ResponseReturnValue:
        return self.model.fetch(get_db(), id)

    def patch(self, id: int) -> ResponseReturnValue:
        data = self.model.validate(request_json(), partial=True)
        return self.model.update(get_db(), id, data)

    def put(self, id: int) -> ResponseReturnValue:
        data = self.model.validate(request_json(), partial=False)
        return self.model.update(get_db(), id, data)

    def delete(self, id: int) -> ResponseReturnValue:
        self.model.delete(get_db(), id)
        return "", 204


class GroupAPI(MethodView):
    """The collection, at ``/<name>/``: GET lists a page, POST creates."""

    init_every_request = False

    def __init__(self, model: Model, item_endpoint: str) -> None:
        self.model = model
        self.item_endpoint = item_endpoint

    def get(self) -> ResponseReturnValue:
        allowed = {"limit", "offset", *self.model.filters}
        unknown = sorted(set(request.args) - allowed)
        if unknown:
            raise APIError(400, f"unknown query parameter {unknown[0]!r}")
        limit = query_int("limit", 1, 100, default=20)
        offset = query_int("offset", 0, MAX_INT, default=0)
        where = {
            name: query_int(name, 1, MAX_INT)
            for name in self.model.filters
            if name in request.args
        }
        return self.model.page(get_db(), where, limit, offset)

    def post(self) -> ResponseReturnValue:
        data = self.model.validate(request_json(), partial=False)
        record = self.model.insert(get_db(), data)
        location = url_for(self.item_endpoint, id=record["id"])
        return record, 201, {"Location": location}


def register_api(app: Flask, model: Model, name: str) -> None:
    """Serve model at ``/<name>/`` (the collection) and ``/<name>/<id>``."""
    item = ItemAPI.as_view(f"{name}-item", model)
    group = GroupAPI.as_view(f"{name}-group", model, f"{name}-item")
    app.add_url_rule(f"/{name}/<id:id>", view_func=item)
    app.add_url_rule(f"/{name}/", view_func=group)


# --- The application -----------------------------------------------------------


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; ``test_config`` overrides the settings (tests, the chapter)."""
    # The instance folder next to this file, however it was started: Flask
    # would put it in the current directory for `python bookshelf.py`.
    here = os.path.dirname(os.path.abspath(__file__))
    app = Flask(__name__, instance_path=os.path.join(here, "instance"))
    default_database = os.path.join(app.instance_path, "bookshelf.sqlite")
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("BOOKSHELF_SECRET_KEY") or secrets.token_hex(),
        DATABASE=os.environ.get("BOOKSHELF_DATABASE") or default_database,
        MAX_CONTENT_LENGTH=16 * 1024,  # bytes; a larger body is a 413
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["DATABASE"] == default_database:
        os.makedirs(app.instance_path, exist_ok=True)
    init_db(app.config["DATABASE"])

    app.url_map.converters["id"] = IdConverter
    app.register_error_handler(HTTPException, error_as_json)
    app.teardown_appcontext(close_db)
    register_api(app, AUTHORS, "authors")
    register_api(app, BOOKS, "books")
    return app


def waitress_settings(app: Flask) -> dict[str, int]:
    """How waitress serves *app*: limits that match the app's own."""
    return {
        # A body the app would refuse is refused by waitress as soon as it
        # is announced, instead of being read (up to 1 GiB by default) first.
        # waitress refuses a body of this size or more, Werkzeug one larger
        # than MAX_CONTENT_LENGTH: hence the + 1.
        "max_request_body_size": app.config["MAX_CONTENT_LENGTH"] + 1,
        # waitress's defaults, written out: at most 100 open connections
        # (more wait to be accepted), and a connection with no request in
        # progress closed after 120 seconds without a byte.
        "connection_limit": 100,
        "channel_timeout": 120,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """``python bookshelf.py [--port N]``: serve with waitress on 127.0.0.1."""
    parser = argparse.ArgumentParser(description="Serve the bookshelf API.")
    parser.add_argument("--port", type=int, default=8000, help="default: 8000")
    args = parser.parse_args(argv)
    logging.getLogger("waitress").setLevel(logging.INFO)  # "Serving on ..."
    app = create_app()
    # 127.0.0.1: reachable from this machine only; see the chapter before
    # opening it to a network.
    waitress.serve(app, host="127.0.0.1", port=args.port, **waitress_settings(app))


if __name__ == "__main__":
    main()
