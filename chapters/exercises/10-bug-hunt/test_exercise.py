# SPDX-License-Identifier: MIT
"""The check for exercise 10: run it with ``pytest chapters/exercises/10-bug-hunt``.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import contextlib
import threading
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


@pytest.fixture
def app(exercise: ModuleType) -> Flask:
    app: Flask = exercise.create_app()
    app.testing = True  # an exception in your view reaches this check
    return app


def send(client: FlaskClient, method: str, url: str, **options: Any) -> TestResponse:
    """One request; a crash in the view becomes a message that says so."""
    try:
        return client.open(url, method=method, **options)
    except Exception as error:
        raise AssertionError(
            f"{method} {url} crashed the view ({type(error).__name__}: {error}); "
            "a running app would answer 500"
        ) from error


def error_of(response: TestResponse) -> str:
    body = response.get_json(silent=True)
    return str(body.get("error", "")) if isinstance(body, dict) else ""


# --- /profile ---


def test_each_request_gets_its_own_profile(
    app: Flask, exercise: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two requests at once, from two threads, as a threaded server sends them.
    # The lookup waits (at most 2 s) until both requests are inside it, so
    # they overlap in every run, not only under load.
    both_inside = threading.Barrier(2, timeout=2)
    lookup = exercise.find_member

    def find_member_slowly(directory: dict[str, str], user: str) -> str:
        # A view that lets one request in at a time breaks the barrier: fine too.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_inside.wait()
        return lookup(directory, user)  # type: ignore[no-any-return]

    monkeypatch.setattr(exercise, "find_member", find_member_slowly)
    answers: dict[str, Any] = {}

    def ask(user: str) -> None:
        response = app.test_client().get("/profile", query_string={"user": user})
        answers[user] = response.get_json(silent=True)

    threads = [threading.Thread(target=ask, args=(user,)) for user in ("ada", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    expected = {
        "ada": {"user": "ada", "name": "Ada Lovelace"},
        "bob": {"user": "bob", "name": "Bob Kahn"},
    }
    assert answers == expected, (
        f"ada and bob asked for their profiles at the same time and got {answers}: "
        "one got the other's user (chapter 10, 'State on self in a shared "
        "instance')"
    )


def test_the_directory_loads_once(exercise: ModuleType) -> None:
    before = exercise.LOADS
    client = exercise.create_app().test_client()
    for user in ("ada", "bob", "grace"):
        send(client, "GET", f"/profile?user={user}")
    loads = exercise.LOADS - before
    assert loads == 1, (
        f"one app and 3 requests loaded the directory {loads} times, not once: "
        "keep init_every_request = False"
    )


@pytest.mark.parametrize("query", ["", "?user=", "?user=Ada", "?user=" + "a" * 21])
def test_a_bad_user_gets_a_json_400(app: Flask, query: str) -> None:
    response = send(app.test_client(), "GET", "/profile" + query)
    assert response.status_code == 400, (
        f"GET /profile{query} answered {response.status}, not 400"
    )
    assert "user" in error_of(response), (
        f"the 400 for GET /profile{query} must be JSON with an 'error' that "
        f"mentions 'user'; it was {response.text!r}"
    )


# --- /cart ---


def test_delete_is_not_offered(app: Flask) -> None:
    client = app.test_client()
    send(client, "POST", "/cart", json={"item": "tea"})
    response = send(client, "DELETE", "/cart")
    assert response.status_code == 405, (
        f"DELETE /cart answered {response.status}, not 405 Method Not Allowed: "
        "nobody meant to offer DELETE (chapter 10, 'A helper named like an "
        "HTTP method')"
    )
    items = send(client, "GET", "/cart").get_json()["items"]
    assert items == ["tea"], f"after DELETE /cart the cart holds {items}, not ['tea']"


def test_options_is_flasks_answer(app: Flask) -> None:
    response = send(app.test_client(), "OPTIONS", "/cart")
    assert response.data == b"", (
        f"OPTIONS /cart answered {response.text!r}, not Flask's own answer, "
        "an empty body with an Allow header (chapter 10, 'A helper named like "
        "an HTTP method')"
    )
    expected = ["GET", "HEAD", "OPTIONS", "POST", "PUT"]
    assert sorted(response.allow) == expected, (
        f"OPTIONS /cart allowed {sorted(response.allow)}, not {expected}"
    )


def test_the_cart_still_works(app: Flask) -> None:
    client = app.test_client()
    response = send(client, "POST", "/cart", json={"item": "tea"})
    assert (response.status_code, response.get_json()) == (201, {"items": ["tea"]}), (
        f"POST /cart with {{'item': 'tea'}} answered {response.status} "
        f"{response.text!r}, not 201 and {{'items': ['tea']}}"
    )
    response = send(client, "PUT", "/cart", json={"items": ["milk", "bread"]})
    assert response.get_json() == {"items": ["milk", "bread"]}, (
        f"PUT /cart with {{'items': ['milk', 'bread']}} answered {response.text!r}, "
        "not {'items': ['milk', 'bread']}: PUT replaces every item"
    )
    expected = {"items": ["milk", "bread"], "limits": {"max_items": 10}}
    response = send(client, "GET", "/cart")
    assert response.get_json() == expected, (
        f"GET /cart answered {response.text!r}, not {expected}: keep the limits "
        "in the answer"
    )


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("POST", {"item": 5}),
        ("POST", {"item": "<b>tea</b>"}),
        ("POST", {"thing": "tea"}),
        ("PUT", {"items": "tea"}),
        ("PUT", {"items": ["tea"] * 11}),
        ("PUT", {"items": ["tea", ""]}),
    ],
)
def test_a_bad_cart_body_gets_a_json_400(app: Flask, method: str, body: Any) -> None:
    client = app.test_client()
    send(client, "POST", "/cart", json={"item": "tea"})
    response = send(client, method, "/cart", json=body)
    assert response.status_code == 400, (
        f"{method} /cart with {body} answered {response.status}, not 400"
    )
    assert "item" in error_of(response), (
        f"the 400 for {method} /cart with {body} must be JSON with an 'error' "
        f"that mentions the items; it was {response.text!r}"
    )
    items = send(client, "GET", "/cart").get_json()["items"]
    assert items == ["tea"], (
        f"a refused {method} changed the cart to {items}; it must stay ['tea']"
    )


def test_a_body_that_is_not_json_gets_415(app: Flask) -> None:
    response = send(app.test_client(), "POST", "/cart", data="item=tea")
    assert response.status_code == 415, (
        f"POST /cart with a form body answered {response.status}, not 415"
    )
    assert "JSON" in error_of(response), (
        f"the 415 must be JSON with an 'error' that mentions JSON; it was "
        f"{response.text!r}"
    )


# --- /report ---


def test_the_report_needs_the_key_every_time(app: Flask) -> None:
    client = app.test_client()
    key = app.config["REPORT_KEY"]
    response = send(client, "GET", "/report", headers={"X-Key": key})
    assert response.status_code == 200, (
        f"GET /report with the right X-Key answered {response.status}, not 200"
    )
    for headers in ({}, {"X-Key": "wrong"}, {"X-Key": "ключ"}):
        response = send(client, "GET", "/report", headers=headers)
        assert response.status_code == 401, (
            f"after one request with the key, GET /report with headers "
            f"{headers} answered {response.status}, not 401 (chapter 10, "
            "'Decorator order')"
        )
        assert "X-Key" in error_of(response), (
            f"the 401 must be JSON with an 'error' that mentions X-Key; it was "
            f"{response.text!r}"
        )


def test_the_report_is_built_once(app: Flask, exercise: ModuleType) -> None:
    client = app.test_client()
    before = exercise.REPORTS
    for _ in range(3):
        response = send(
            client, "GET", "/report", headers={"X-Key": app.config["REPORT_KEY"]}
        )
        assert response.get_json() == {"report": "quarterly numbers", "total": 1234}, (
            f"GET /report with the key answered {response.text!r}"
        )
    built = exercise.REPORTS - before
    assert built == 1, (
        f"3 requests built the report {built} times, not once: keep the cache"
    )


def test_each_app_has_its_own_report_key(
    exercise: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REPORT_KEY", raising=False)
    first, second = exercise.create_app(), exercise.create_app()
    assert first.config["REPORT_KEY"] != second.config["REPORT_KEY"], (
        "two apps got the same REPORT_KEY: without the REPORT_KEY environment "
        "variable, generate one with secrets.token_hex()"
    )
