# SPDX-License-Identifier: MIT
"""Reference solution of exercise 12 (chapters/exercises/12-bookmarks)."""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import unicodedata
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
    Unauthorized,
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

#: http:// or https://, then no spaces and no control characters.
URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")


class LoginRequiredMixin:
    """Refuses a request with a JSON 401 unless someone is logged in."""

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        if not isinstance(session.get("user"), str):
            raise Unauthorized("log in first: POST /login")
        # mypy cannot know which class comes next in the view's MRO.
        return super().dispatch_request(**kwargs)  # type: ignore[misc, no-any-return]


def has_control_character(text: str) -> bool:
    return any(unicodedata.category(character) == "Cc" for character in text)


def check_bookmark(data: Any) -> dict[str, str]:
    """The bookmark's url and title, checked, or a 422 naming the field."""
    if not isinstance(data, dict):
        raise UnprocessableEntity("a bookmark must be a JSON object")
    for field in data:
        if field not in ("url", "title"):
            raise UnprocessableEntity(f"unknown field {field!r}")
    url, title = data.get("url"), data.get("title")
    if not isinstance(url, str) or len(url) > 500 or not URL.fullmatch(url):
        raise UnprocessableEntity(
            "url must be an http:// or https:// address of up to 500 characters"
        )
    if not isinstance(title, str):
        raise UnprocessableEntity("title must be a string")
    title = title.strip()
    if not 1 <= len(title) <= 100 or has_control_character(title):
        raise UnprocessableEntity("title must be 1 to 100 characters, no controls")
    return {"url": url, "title": title}


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
    # The key that signs the session cookie: from the environment, or a new
    # one for this app (everyone is logged out when the server restarts).
    app.secret_key = os.environ.get("BOOKMARKS_SECRET_KEY") or secrets.token_hex()
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


def test_a_visitor_who_has_not_logged_in_gets_401(client: FlaskClient) -> None:
    assert client.get("/bookmarks/").status_code == 401
    response = client.post("/bookmarks/", json={"url": "https://a.org", "title": "A"})
    assert response.status_code == 401


def test_a_url_that_is_not_http_is_refused(client: FlaskClient) -> None:
    log_in(client, "ada")
    bad = {"url": "javascript:alert(1)", "title": "click me"}
    assert client.post("/bookmarks/", json=bad).status_code == 422
    assert client.get("/bookmarks/").json == {"bookmarks": []}
