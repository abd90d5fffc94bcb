# SPDX-License-Identifier: MIT
"""The check for exercise 3.

Run it with ``pytest chapters/exercises/03-admin-token``.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import secrets
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue

TOKEN = secrets.token_hex()
GOOD = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(exercise: ModuleType) -> Flask:
    app: Flask = exercise.create_app(TOKEN)
    app.testing = True  # an exception in your code reaches this check
    return app


def test_the_right_token_gets_in(app: Flask) -> None:
    response = app.test_client().get("/admin/stats", headers=GOOD)
    assert response.status_code == 200, (
        f"GET /admin/stats with the right token answered {response.status}, not 200"
    )
    assert response.json == {"views": 2}, (
        f"GET /admin/stats answered {response.text!r}: the view's own answer "
        "must come through the decorators unchanged"
    )


BAD_HEADERS = {
    "no Authorization header": {},
    "a wrong token": {"Authorization": "Bearer wrong"},
    "the token with another scheme": {"Authorization": f"Basic {TOKEN}"},
    "the token plus one letter": {"Authorization": f"Bearer {TOKEN}x"},
    "an empty token": {"Authorization": "Bearer "},
    "a token with non-ASCII letters": {"Authorization": "Bearer t\u00f6k\u00e9n"},
}


@pytest.mark.parametrize("what", list(BAD_HEADERS))
def test_a_bad_token_gets_a_json_401(app: Flask, what: str) -> None:
    try:
        response = app.test_client().get("/admin/stats", headers=BAD_HEADERS[what])
    except Exception as crash:
        raise AssertionError(
            f"GET /admin/stats with {what} crashed ({type(crash).__name__}: "
            f"{crash}); a running app would answer 500"
        ) from crash
    assert response.status_code == 401, (
        f"GET /admin/stats with {what} answered {response.status}, not 401: "
        "is require_token in AdminView.decorators?"
    )
    error = (response.get_json(silent=True) or {}).get("error")
    assert "token" in str(error).lower(), (
        f"the 401 must be JSON with an 'error' that mentions the token; "
        f"it was {response.text!r}"
    )
    assert response.headers.get("WWW-Authenticate") == "Bearer", (
        "the 401 must carry the header WWW-Authenticate: Bearer"
    )


def test_every_response_says_no_store(app: Flask) -> None:
    client = app.test_client()
    allowed = client.get("/admin/stats", headers=GOOD)
    assert allowed.headers.get("Cache-Control") == "no-store", (
        "GET /admin/stats with the token has no Cache-Control: no-store header: "
        "is add_header('Cache-Control', 'no-store') in AdminView.decorators?"
    )
    refused = client.get("/admin/stats")
    assert refused.headers.get("Cache-Control") == "no-store", (
        "the 401 has no Cache-Control: no-store header: the last decorator in "
        "the list is the outermost, so add_header must come after require_token"
    )


def test_the_public_view_needs_no_token(app: Flask) -> None:
    response = app.test_client().get("/status")
    assert response.status_code == 200, (
        f"GET /status without a token answered {response.status}, not 200: "
        "only AdminView's subclasses need the token"
    )


def test_a_new_admin_view_inherits_both_decorators(
    exercise: ModuleType, app: Flask
) -> None:
    class Probe(exercise.AdminView):  # type: ignore[name-defined,misc]
        def dispatch_request(self, **url: Any) -> ResponseReturnValue:
            return {"n": url["n"]}

    app.add_url_rule("/probe/<int:n>", view_func=Probe.as_view("probe"))
    client = app.test_client()
    assert client.get("/probe/3").status_code == 401, (
        "a new subclass of AdminView let a request without a token in: "
        "the decorators belong in AdminView.decorators, which subclasses inherit"
    )
    response = client.get("/probe/3", headers=GOOD)
    assert (response.status_code, response.json) == (200, {"n": 3}), (
        f"a subclass of AdminView whose URL has a variable answered "
        f"{response.status} {response.text!r}, not 200 {{'n': 3}}: "
        "your wrappers must pass *args and **kwargs on to the view"
    )


def test_add_header_keeps_the_status_and_url_variables(exercise: ModuleType) -> None:
    def made(word: str) -> ResponseReturnValue:
        return f"made {word}", 201

    app = Flask(__name__)
    view = exercise.add_header("X-Checked", "yes")(made)
    app.add_url_rule("/made/<word>", view_func=view)
    response = app.test_client().get("/made/tea")
    assert response.headers.get("X-Checked") == "yes", (
        "add_header('X-Checked', 'yes') applied to a view did not set that header"
    )
    assert (response.status_code, response.text) == (201, "made tea"), (
        f"a view answering ('made tea', 201) under add_header answered "
        f"{response.status} {response.text!r}: keep the view's own status and "
        "body (make_response turns any return value into a response)"
    )
