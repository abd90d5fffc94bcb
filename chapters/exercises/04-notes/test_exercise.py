# SPDX-License-Identifier: MIT
"""The check for exercise 4: run it with ``pytest chapters/exercises/04-notes``.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

from types import ModuleType

import pytest
from flask import Flask
from flask.testing import FlaskClient

EVERY_METHOD = {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"}
READ_ONLY = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def app(exercise: ModuleType) -> Flask:
    app: Flask = exercise.create_app()
    app.testing = True  # an exception in your view reaches this check
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def error_of(response: object) -> str:
    """The 'error' of a JSON answer, or '' if there is none."""
    get_json = getattr(response, "get_json", None)
    data = get_json(silent=True) if get_json else None
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def test_a_note_can_be_put_and_read(client: FlaskClient) -> None:
    response = client.put("/notes/shopping", data="eggs, flour")
    assert response.status_code == 200, (
        f"PUT /notes/shopping answered {response.status}, not 200: is NoteAPI "
        "registered at /notes/<name>, with a put handler?"
    )
    expected = {"name": "shopping", "text": "eggs, flour"}
    assert response.json == expected, (
        f"PUT /notes/shopping answered {response.text!r}, not {expected}"
    )
    response = client.get("/notes/shopping")
    assert response.json == expected, (
        f"GET /notes/shopping after the PUT answered {response.text!r}, not {expected}"
    )


def test_a_missing_note_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/notes/nothing")
    assert response.status_code == 404, (
        f"GET of a note nobody wrote answered {response.status}, not 404"
    )
    if not error_of(response) and response.mimetype == "text/html":
        raise AssertionError(
            "GET /notes/nothing answered an HTML 404, not a JSON one: is NoteAPI "
            "registered at /notes/<name> in create_app(), and does its get answer "
            "a missing note with JSON?"
        )
    assert error_of(response), (
        f"the 404 must be JSON with an 'error'; it was {response.text!r}"
    )


def test_a_long_note_is_refused_and_the_old_one_kept(client: FlaskClient) -> None:
    response = client.put("/notes/n", data="é" * 500)
    assert response.status_code != 404, (
        "PUT /notes/n answered 404 NOT FOUND: is NoteAPI registered at "
        "/notes/<name> in create_app()?"
    )
    assert response.status_code == 200, (
        "a note of 500 characters (here 1,000 bytes: 'é' takes two in UTF-8)"
        f" is allowed, but was refused ({response.status}): count characters,"
        " not bytes"
    )
    assert client.put("/notes/n", data="x" * 500).status_code == 200, (
        "a note of 500 characters is allowed, but was refused"
    )
    response = client.put("/notes/n", data="y" * 501)
    assert response.status_code == 413, (
        f"a note of 501 characters answered {response.status}, not 413"
    )
    assert "500" in error_of(response), (
        f"the 413 must be JSON with an 'error' that gives the limit, 500; "
        f"it was {response.text!r}"
    )
    assert client.get("/notes/n").json == {"name": "n", "text": "x" * 500}, (
        "after the refused PUT, the note must be as it was before"
    )


def test_a_note_can_be_deleted(client: FlaskClient) -> None:
    client.put("/notes/old", data="gone soon")
    response = client.delete("/notes/old")
    assert response.status_code == 204, (
        f"DELETE /notes/old answered {response.status}, not 204 No Content"
    )
    assert response.data == b"", "a 204 answer has an empty body"
    assert client.get("/notes/old").status_code == 404, (
        "GET after DELETE must answer 404: the note is still there"
    )
    response = client.delete("/notes/old")
    assert response.status_code == 404, (
        f"deleting it a second time answered {response.status}, not 404"
    )
    assert error_of(response), (
        f"that 404 must be JSON with an 'error'; it was {response.text!r}"
    )


def test_the_route_accepts_the_methods_of_the_handlers(client: FlaskClient) -> None:
    allow = client.options("/notes/any").allow
    assert set(allow) == EVERY_METHOD, (
        f"OPTIONS /notes/any lists {sorted(allow)}, not {sorted(EVERY_METHOD)}: "
        "MethodView accepts one method per handler (get, put, delete), and "
        "Werkzeug's routing adds HEAD, and Flask OPTIONS"
    )
    for method in ("POST", "PATCH"):
        response = client.open("/notes/any", method=method)
        assert response.status_code == 405, (
            f"{method} /notes/any answered {response.status}, not 405"
        )


def test_head_works_without_a_handler(client: FlaskClient) -> None:
    client.put("/notes/h", data="heads up")
    head, get = client.head("/notes/h"), client.get("/notes/h")
    assert (head.status_code, head.data) == (200, b""), (
        f"HEAD /notes/h answered {head.status} with {len(head.data)} bytes of "
        "body, not 200 and none: MethodView runs get for HEAD"
    )
    assert head.content_length == len(get.data), (
        "HEAD must announce the length of the body GET sends"
    )


def test_the_public_view_only_reads(client: FlaskClient) -> None:
    client.put("/notes/shared", data="read me")
    response = client.get("/public/notes/shared")
    assert response.status_code == 200, (
        f"GET /public/notes/shared answered {response.status}, not 200: is "
        "ReadOnlyNoteAPI registered at /public/notes/<name>?"
    )
    assert response.json == {"name": "shared", "text": "read me"}, (
        f"GET /public/notes/shared answered {response.text!r}, not the note "
        "written at /notes/shared: give both views the same store"
    )
    allow = client.options("/public/notes/shared").allow
    assert set(allow) == READ_ONLY, (
        f"OPTIONS /public/notes/shared lists {sorted(allow)}, not "
        f"{sorted(READ_ONLY)}: the read-only view must accept GET only"
    )
    for method in ("PUT", "DELETE"):
        response = client.open("/public/notes/shared", method=method, data="no")
        assert response.status_code == 405, (
            f"{method} /public/notes/shared answered {response.status}, not 405"
        )
    kept = client.get("/notes/shared").json
    assert kept == {"name": "shared", "text": "read me"}, (
        f"after the refused requests, GET /notes/shared gave {kept}: "
        "the read-only view must change nothing"
    )


def test_the_views_are_method_views(app: Flask) -> None:
    classes: dict[str, type] = {}
    for endpoint in ("note", "public_note"):
        view_class = getattr(app.view_functions.get(endpoint), "view_class", None)
        assert isinstance(view_class, type), (
            f"no endpoint {endpoint!r} made by as_view: give that name to as_view"
        )
        classes[endpoint] = view_class
        names = [cls.__name__ for cls in view_class.__mro__]
        assert "MethodView" in names, f"{endpoint!r} must be served by a MethodView"
    assert issubclass(classes["public_note"], classes["note"]), (
        "the read-only view's class must be a subclass of NoteAPI"
    )
