# SPDX-License-Identifier: MIT
"""Exercise 12 (chapter 12, hard; a small project): bookmarks behind a login.

A small JSON API keeps each user's bookmarks in SQLite, as chapter 12's
bookshelf keeps books (one connection per request, one transaction per
change, the body checked before any SQL):

- ``POST /login`` with ``{"user": "ada"}`` logs in (a demonstration: there is
  no password) and ``POST /logout`` logs out;
- ``GET /bookmarks/``: ``{"bookmarks": [{"id": 1, "url": ..., "title": ...}]}``,
  the logged-in user's bookmarks by id;
- ``POST /bookmarks/`` with ``{"url": "https://...", "title": "..."}``: 201,
  the new bookmark, and ``Location: /bookmarks/<id>``;
- ``GET`` and ``DELETE /bookmarks/<id>`` (204): the user's own bookmarks
  only; another user's is a 404, as if it did not exist.

The database, the body parsing, the login and the views are written. Your
part, marked TODO:

1. In ``create_app``, the secret key that signs the session cookie: the
   environment variable ``BOOKMARKS_SECRET_KEY`` if it is set, else a new
   key from ``secrets.token_hex()`` (see "secret key" in the glossary).
2. ``LoginRequiredMixin.dispatch_request`` (chapter 7): a request with no
   ``user`` in the session gets a 401 whose JSON ``error`` says to log in
   (raise ``werkzeug.exceptions.Unauthorized("log in first")``: the app
   answers every HTTP error as JSON); other requests go on with
   ``super().dispatch_request(**kwargs)``. Both bookmark views list the
   mixin already.
3. ``check_bookmark(data)``, the rule for a new bookmark. Return
   ``{"url": ..., "title": ...}``, or raise ``UnprocessableEntity`` (422)
   with a message that names the field:

   - ``data`` is a JSON object with the fields ``url`` and ``title`` and no
     other (name the unknown field);
   - ``url`` is a string of at most 500 characters, ``http://`` or
     ``https://`` and then at least one character, none of them a space or
     a control character (so ``javascript:alert(1)`` is refused). For one
     character ``c``, ``c.isspace()`` tests for a space and
     ``unicodedata.category(c) == "Cc"`` for a control character;
   - ``title`` is a string that, with spaces stripped from both ends, has
     1 to 100 characters, none of them a control character (a newline or
     a NUL character, for instance). Store it stripped.

4. Tests of your own, at the bottom: at least two more functions named
   ``test_...``, each taking one argument, ``client`` (the test client of a
   new app, in testing mode, with an empty database and nobody logged in).
   The check runs all your tests on your app, where each must pass, and on
   two broken copies of it, on each of which at least one must fail: a copy
   that lets in a visitor who has not logged in, and a copy whose
   ``check_bookmark`` accepts any url. Run them alone with
   ``pytest chapters/exercises/12-bookmarks/exercise.py``.

Check your work with ``pytest chapters/exercises/12-bookmarks``. To try it
for real: ``flask --app chapters/exercises/12-bookmarks/exercise.py run``
(the database goes in ``instance/`` next to this file).

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app, g, request, session, url_for
from flask.testing import FlaskClient
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    NotFound,
    RequestEntityTooLarge,
    UnprocessableEntity,
    UnsupportedMediaType,
)

from viewlib import MethodView

# ----- Given: the database, the body, logging in, the views. -----

SCHEMA = """
CREATE TABLE IF NOT EXISTS bookmark (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 500),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100)
)
"""
BUSY_TIMEOUT = 5  # seconds a request waits for another one's write
MAX_ID = 2**63 - 1  # the largest integer SQLite stores
USERNAME = re.compile(r"[a-z]{1,20}")


def connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    db.row_factory = sqlite3.Row
    return db


def get_db() -> sqlite3.Connection:
    """This request's own connection, opened on first use, closed at teardown."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    db: sqlite3.Connection = g.db
    return db


def close_db(error: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def request_json() -> Any:
    """The JSON body, or a 415, 413 or 400 naming the problem."""
    if not request.is_json:
        raise UnsupportedMediaType("send JSON, with Content-Type: application/json")
    # Werkzeug 2.3 and later refuse an announced length past MAX_CONTENT_LENGTH
    # themselves; Werkzeug 2.2 (which Flask 2.2 allows) reads any length.
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    try:
        data = request.get_json()
        # Python's json accepts lone surrogates ("\ud800"), which SQLite cannot
        # store: encoding the whole body as UTF-8 finds them.
        json.dumps(data, ensure_ascii=False).encode()
    except BadRequest:
        raise BadRequest("the body is not valid JSON") from None
    except RecursionError:
        raise BadRequest("the body is nested too deeply") from None
    except UnicodeEncodeError:
        raise BadRequest("the body has a lone surrogate (\\ud800 to \\udfff)") from None
    return data


def error_as_json(error: HTTPException) -> ResponseReturnValue:
    """Every HTTP error as JSON; its status and headers (a 405's Allow) stay."""
    response = error.get_response()
    response.set_data(json.dumps({"error": error.description}))
    response.mimetype = "application/json"
    return response


class Login(MethodView):
    """A demonstration: logs in whoever names themselves, with no password."""

    def post(self) -> ResponseReturnValue:
        data = request_json()
        user = data.get("user") if isinstance(data, dict) else None
        if not isinstance(user, str) or not USERNAME.fullmatch(user):
            raise UnprocessableEntity("user must be 1 to 20 lowercase letters")
        session.clear()
        session["user"] = user
        return {"user": user}


class Logout(MethodView):
    def post(self) -> ResponseReturnValue:
        session.clear()
        return {"user": None}


# ----- Yours: the mixin and the validation rule. -----


class LoginRequiredMixin:
    """Refuses a request with a JSON 401 unless someone is logged in."""

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        # TODO: task 2, refuse the request when the session has no user.
        # mypy cannot know which class comes next in the view's MRO.
        return super().dispatch_request(**kwargs)  # type: ignore[misc, no-any-return]


def check_bookmark(data: Any) -> dict[str, str]:
    """The bookmark's url and title, checked, or a 422 naming the field."""
    # TODO: task 3, check everything before it reaches the database.
    return {"url": data["url"], "title": data["title"]}


# ----- Given: the views that use them. -----


class BookmarkList(LoginRequiredMixin, MethodView):
    def get(self) -> ResponseReturnValue:
        rows = get_db().execute(
            "SELECT id, url, title FROM bookmark WHERE owner = ? ORDER BY id",
            (session["user"],),
        )
        return {"bookmarks": [dict(row) for row in rows]}

    def post(self) -> ResponseReturnValue:
        fields = check_bookmark(request_json())  # before any SQL
        db = get_db()
        with db:  # one transaction: committed, or rolled back on an error
            cursor = db.execute(
                "INSERT INTO bookmark (owner, url, title) VALUES (?, ?, ?)",
                (session["user"], fields["url"], fields["title"]),
            )
        bookmark_id = cursor.lastrowid
        location = url_for("bookmark", bookmark_id=bookmark_id)
        return {"id": bookmark_id, **fields}, 201, {"Location": location}


class Bookmark(LoginRequiredMixin, MethodView):
    def get(self, bookmark_id: int) -> ResponseReturnValue:
        row = None
        if bookmark_id <= MAX_ID:
            row = (
                get_db()
                .execute(
                    "SELECT id, url, title FROM bookmark WHERE id = ? AND owner = ?",
                    (bookmark_id, session["user"]),
                )
                .fetchone()
            )
        if row is None:  # another user's bookmark is not found either
            raise NotFound(f"you have no bookmark {bookmark_id}")
        return dict(row)

    def delete(self, bookmark_id: int) -> ResponseReturnValue:
        deleted = 0
        if bookmark_id <= MAX_ID:
            db = get_db()
            with db:
                deleted = db.execute(
                    "DELETE FROM bookmark WHERE id = ? AND owner = ?",
                    (bookmark_id, session["user"]),
                ).rowcount
        if not deleted:
            raise NotFound(f"you have no bookmark {bookmark_id}")
        return "", 204


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The app; ``test_config`` replaces settings (a test's own DATABASE)."""
    here = Path(__file__).resolve().parent
    app = Flask(__name__, instance_path=str(here / "instance"))
    default_database = str(here / "instance" / "bookmarks.sqlite")
    app.config["DATABASE"] = default_database
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024  # bytes; a larger body is a 413
    # TODO: task 1, the secret key that signs the session cookie.
    if test_config is not None:
        app.config.update(test_config)
    if app.config["DATABASE"] == default_database:
        os.makedirs(app.instance_path, exist_ok=True)
    with closing(connect(app.config["DATABASE"])) as db:
        db.execute(SCHEMA)
    app.register_error_handler(HTTPException, error_as_json)
    app.teardown_appcontext(close_db)
    app.add_url_rule("/login", view_func=Login.as_view("login"))
    app.add_url_rule("/logout", view_func=Logout.as_view("logout"))
    app.add_url_rule("/bookmarks/", view_func=BookmarkList.as_view("bookmarks"))
    app.add_url_rule(
        "/bookmarks/<int:bookmark_id>", view_func=Bookmark.as_view("bookmark")
    )
    return app


# ----- Your tests. -----


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    """For `pytest .../exercise.py`: a new app and database for each test."""
    app = create_app({"DATABASE": str(tmp_path / "bookmarks.sqlite")})
    app.testing = True
    return app.test_client()


def log_in(client: FlaskClient, user: str) -> None:
    response = client.post("/login", json={"user": user})
    assert response.status_code == 200, response.text


def test_a_new_user_has_no_bookmarks(client: FlaskClient) -> None:
    log_in(client, "ada")
    response = client.get("/bookmarks/")
    assert response.status_code == 200
    assert response.json == {"bookmarks": []}


# TODO: task 4, at least two tests of yours: one that fails on a copy that
# lets in a visitor who has not logged in, one that fails on a copy that
# accepts any url.
