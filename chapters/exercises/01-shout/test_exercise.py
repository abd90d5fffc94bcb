# SPDX-License-Identifier: MIT
"""The check for exercise 1: run it with ``pytest chapters/exercises/01-shout``.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class CheckingClient(FlaskClient):
    """A test client whose request, if the app crashes, fails with a message.

    An assert in your own code is left as it is: its traceback says where.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        try:
            return super().open(*args, **kwargs)
        except AssertionError:
            raise
        except Exception as error:
            path = str(args[0]) if args else ""
            path = path if len(path) <= 30 else path[:20] + "..."
            where = f"{kwargs.get('method', 'GET')} {path}"
            hint = ""
            views = self.application.view_functions.values()
            if isinstance(error, TypeError) and any(
                isinstance(view, type) for view in views
            ):
                hint = (
                    ": a class is registered as the view function itself, and "
                    "Flask calls it with the URL variables; register "
                    "Shout.as_view('shout')"
                )
            raise AssertionError(
                f"{where} crashed the app ({type(error).__name__}: {error}){hint}; "
                "a running app would answer 500"
            ) from error


@pytest.fixture
def client(exercise: ModuleType) -> FlaskClient:
    app: Flask = exercise.create_app()
    app.testing = True  # an exception in your view reaches this check
    app.test_client_class = CheckingClient
    return app.test_client()


def test_shout_answers_in_capitals(client: FlaskClient) -> None:
    response = client.get("/shout/ada")
    assert response.status_code == 200, (
        f"GET /shout/ada answered {response.status}, not 200 OK: "
        "is Shout registered at /shout/<name> in create_app()?"
    )
    assert response.text == "HELLO, ADA!", (
        f"GET /shout/ada answered {response.text!r}, not 'HELLO, ADA!'"
    )


def test_the_view_comes_from_a_class(exercise: ModuleType) -> None:
    view = exercise.create_app().view_functions.get("shout")
    assert view is not None, (
        "create_app() has no endpoint 'shout': give that name to as_view"
    )
    assert getattr(view, "view_class", None) is exercise.Shout, (
        "the endpoint 'shout' was not made by Shout.as_view('shout')"
    )


def test_markup_comes_back_escaped(client: FlaskClient) -> None:
    response = client.get("/shout/<b>")
    assert response.status_code != 404, (
        "GET /shout/<b> answered 404 NOT FOUND: "
        "is Shout registered at /shout/<name> in create_app()?"
    )
    assert response.status_code == 200, f"GET /shout/<b> answered {response.status}"
    assert response.text == "HELLO, &lt;B&gt;!", (
        f"GET /shout/<b> answered {response.text!r}, not 'HELLO, &lt;B&gt;!': "
        "escape the name (escape(name.upper()): capitals first)"
    )


def test_a_long_name_gets_a_json_400(client: FlaskClient) -> None:
    response = client.get("/shout/" + "a" * 40)
    assert response.status_code != 404, (
        "GET /shout/aaa...a (a name of 40 characters, the most allowed) answered "
        "404 NOT FOUND: "
        "is Shout registered at /shout/<name> in create_app()?"
    )
    assert response.status_code == 200, (
        f"a name of 40 characters is allowed, but was refused ({response.status})"
    )
    response = client.get("/shout/" + "a" * 41)
    assert response.status_code == 400, (
        f"a name of 41 characters answered {response.status}, not 400"
    )
    error = (response.get_json(silent=True) or {}).get("error")
    assert "name" in str(error), (
        "the 400 must be JSON with an 'error' that names the problem, such as "
        f"{{'error': 'name must be at most 40 characters'}}; it was {response.text!r}"
    )


def test_only_get_is_accepted(client: FlaskClient) -> None:
    response = client.post("/shout/ada")
    assert response.status_code != 404, (
        "POST /shout/ada answered 404 NOT FOUND: "
        "is Shout registered at /shout/<name> in create_app()?"
    )
    assert response.status_code == 405, (
        f"POST /shout/ada answered {response.status}, not 405: "
        "leave `methods` at its default, GET"
    )
