# SPDX-License-Identifier: MIT
"""The check for exercise 12: run it with ``pytest chapters/exercises/12-bookmarks``.

The first part tests the API; the second runs your own tests, on your app
and on two broken copies of it, made the way chapter 6 shows: a subclass put
in place of a view class through ``view_class``, or a function of the
module replaced for the length of one test.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask.typing import ResponseReturnValue
from werkzeug.test import TestResponse

Test = Callable[..., object]
GOOD = {"url": "https://example.org/kindred", "title": "Kindred"}


@pytest.fixture
def new_app(
    exercise: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], Flask]:
    """Makes apps of the exercise, each in testing mode with a database of its own."""
    monkeypatch.delenv("BOOKMARKS_SECRET_KEY", raising=False)
    numbers = itertools.count(1)

    def make() -> Flask:
        database = tmp_path / f"bookmarks-{next(numbers)}.sqlite"
        app: Flask = exercise.create_app({"DATABASE": str(database)})
        app.testing = True  # an exception in a view reaches this check
        return app

    return make


@pytest.fixture
def client(new_app: Callable[[], Flask]) -> FlaskClient:
    return new_app().test_client()


def send(client: FlaskClient, method: str, url: str, **options: Any) -> TestResponse:
    """One request; a crash in the view becomes a message that says so."""
    try:
        return client.open(url, method=method, **options)
    except Exception as error:
        hint = ""
        if "secret key" in str(error):
            hint = " (task 1)"
        elif isinstance(error, KeyError) and "user" in str(error):
            hint = ": the view ran for a visitor who has not logged in (task 2)"
        raise AssertionError(
            f"{method} {url} crashed the view ({type(error).__name__}: {error})"
            f"{hint}; a running app would answer 500"
        ) from error


def log_in(client: FlaskClient, user: str) -> None:
    response = send(client, "POST", "/login", json={"user": user})
    assert response.status_code == 200, (
        f"POST /login for {user!r} answered {response.status}, not 200 OK"
    )


def error_of(response: TestResponse) -> str:
    body = response.get_json(silent=True)
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def bookmarks_of(client: FlaskClient) -> Any:
    return send(client, "GET", "/bookmarks/").get_json(silent=True)


# --- The API ---


def test_a_visitor_must_log_in(client: FlaskClient) -> None:
    for method, url, body in [
        ("GET", "/bookmarks/", None),
        ("POST", "/bookmarks/", GOOD),
        ("GET", "/bookmarks/1", None),
        ("DELETE", "/bookmarks/1", None),
    ]:
        response = send(client, method, url, json=body)
        assert response.status_code == 401, (
            f"{method} {url} from a visitor who has not logged in answered "
            f"{response.status}, not 401 Unauthorized (task 2)"
        )
        assert "log in" in error_of(response), (
            f"the 401 must be JSON with an 'error' that says to log in, such as "
            f"{{'error': 'log in first'}}; it was {response.text!r}"
        )
    log_in(client, "ada")
    assert bookmarks_of(client) == {"bookmarks": []}, (
        "a POST from a visitor who had not logged in stored a bookmark"
    )


def test_a_bookmarks_life(client: FlaskClient) -> None:
    log_in(client, "ada")
    response = send(client, "POST", "/bookmarks/", json=GOOD)
    assert response.status_code == 201, (
        f"POST /bookmarks/ with {GOOD} answered {response.status} "
        f"{response.text!r}, not 201 Created"
    )
    expected = {"id": 1, **GOOD}
    assert response.get_json() == expected, (
        f"POST /bookmarks/ answered {response.get_json()}, not {expected}"
    )
    location = response.headers.get("Location")
    assert location == "/bookmarks/1", (
        f"the 201's Location header was {location!r}, not '/bookmarks/1'"
    )
    listed = bookmarks_of(client)
    assert listed == {"bookmarks": [expected]}, (
        f"GET /bookmarks/ gave {listed}, not {{'bookmarks': [{expected}]}}"
    )
    read = send(client, "GET", "/bookmarks/1").get_json()
    assert read == expected, f"GET /bookmarks/1 gave {read}, not {expected}"
    deleted = send(client, "DELETE", "/bookmarks/1")
    assert deleted.status_code == 204, (
        f"DELETE /bookmarks/1 answered {deleted.status}, not 204 No Content"
    )
    response = send(client, "GET", "/bookmarks/1")
    assert response.status_code == 404, (
        f"GET /bookmarks/1 after its DELETE answered {response.status}, not 404"
    )


def test_titles_are_stored_stripped(client: FlaskClient) -> None:
    log_in(client, "ada")
    response = send(client, "POST", "/bookmarks/", json={**GOOD, "title": "  Kindred "})
    assert response.get_json() == {"id": 1, **GOOD}, (
        f"a title of '  Kindred ' was stored as {response.get_json()}: strip the "
        "spaces from both ends (task 3)"
    )


def test_bookmarks_are_private(client: FlaskClient) -> None:
    log_in(client, "ada")
    send(client, "POST", "/bookmarks/", json=GOOD)
    log_in(client, "bob")
    assert bookmarks_of(client) == {"bookmarks": []}, "bob sees ada's bookmarks"
    for method in ("GET", "DELETE"):
        response = send(client, method, "/bookmarks/1")
        assert response.status_code == 404, (
            f"bob's {method} /bookmarks/1 (ada's bookmark) answered "
            f"{response.status}, not 404"
        )
    log_in(client, "ada")
    assert len(bookmarks_of(client)["bookmarks"]) == 1, "bob deleted ada's bookmark"


def test_logging_out(client: FlaskClient) -> None:
    log_in(client, "ada")
    send(client, "POST", "/logout")
    response = send(client, "GET", "/bookmarks/")
    assert response.status_code == 401, (
        f"GET /bookmarks/ after POST /logout answered {response.status}, not 401"
    )


def test_each_app_has_its_own_secret_key(new_app: Callable[[], Flask]) -> None:
    first = new_app().test_client()
    # Without a cookie jar of its own, this client sends the Cookie header given.
    second = new_app().test_client(use_cookies=False)
    response = send(first, "POST", "/login", json={"user": "ada"})
    cookie = response.headers.get("Set-Cookie", "").split(";")[0]
    assert cookie.startswith("session="), "POST /login set no session cookie"
    same_app = first.application.test_client(use_cookies=False)
    response = send(same_app, "GET", "/bookmarks/", headers={"Cookie": cookie})
    assert response.status_code == 200, "the session cookie did not work"
    response = send(second, "GET", "/bookmarks/", headers={"Cookie": cookie})
    assert response.status_code == 401, (
        "a session cookie from one app let its bearer in to another app: both "
        "sign with the same secret key. Without BOOKMARKS_SECRET_KEY in the "
        "environment, make a new one with secrets.token_hex() (task 1)"
    )


def test_the_secret_key_can_come_from_the_environment(
    new_app: Callable[[], Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "0123456789abcdef" * 4
    monkeypatch.setenv("BOOKMARKS_SECRET_KEY", key)
    assert new_app().secret_key == key, (
        "with BOOKMARKS_SECRET_KEY set in the environment, the app's "
        "secret_key is not that value (task 1)"
    )


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (["https://example.org", "Kindred"], "object"),
        ({**GOOD, "id": 7}, "id"),
        ({"title": "Kindred"}, "url"),
        ({"url": "https://example.org"}, "title"),
        ({**GOOD, "url": 7}, "url"),
        ({**GOOD, "url": "javascript:alert(1)"}, "url"),
        ({**GOOD, "url": "ftp://example.org/"}, "url"),
        ({**GOOD, "url": "https://"}, "url"),
        ({**GOOD, "url": "https://example.org/a b"}, "url"),
        ({**GOOD, "url": "https://example.org/\n"}, "url"),
        ({**GOOD, "url": "https://example.org/" + "a" * 481}, "url"),
        ({**GOOD, "title": None}, "title"),
        ({**GOOD, "title": "   "}, "title"),
        ({**GOOD, "title": "x" * 101}, "title"),
        ({**GOOD, "title": "Kin\x00dred"}, "title"),
        ({**GOOD, "title": "Kin\ndred"}, "title"),
    ],
)
def test_a_bad_bookmark_gets_a_json_422(
    client: FlaskClient, body: Any, named: str
) -> None:
    log_in(client, "ada")
    response = send(client, "POST", "/bookmarks/", json=body)
    assert response.status_code == 422, (
        f"POST /bookmarks/ with {body!r} answered {response.status}, not 422 "
        "Unprocessable Entity (task 3)"
    )
    assert named in error_of(response), (
        f"the 422 for {body!r} must be JSON with an 'error' that names the "
        f"problem (mention {named!r}); it was {response.text!r}"
    )
    assert bookmarks_of(client) == {"bookmarks": []}, f"{body!r} was stored"


def test_the_longest_url_is_accepted(client: FlaskClient) -> None:
    log_in(client, "ada")
    url = "https://example.org/" + "a" * 480  # 500 characters
    response = send(client, "POST", "/bookmarks/", json={**GOOD, "url": url})
    assert response.status_code == 201, (
        f"a url of 500 characters answered {response.status}, not 201 Created"
    )


@pytest.mark.parametrize(
    ("body", "options", "status"),
    [
        ("url=https://example.org", {}, 415),
        ('{"url": "https://example.org",', {"content_type": "application/json"}, 400),
        ('{"title": "\\ud800"}', {"content_type": "application/json"}, 400),
        ("[" * 100_000, {"content_type": "application/json"}, 413),
        ("[" * 10_000, {"content_type": "application/json"}, 400),
    ],
)
def test_a_bad_body_gets_a_json_4xx(
    client: FlaskClient, body: str, options: dict[str, Any], status: int
) -> None:
    log_in(client, "ada")
    response = send(client, "POST", "/bookmarks/", data=body, **options)
    assert response.status_code == status, (
        f"POST /bookmarks/ with the body {body[:40]!r} answered "
        f"{response.status}, not {status}: request_json, given, answers it"
    )
    assert error_of(response), f"the {status} must be JSON with an 'error'"


# --- Your tests ---

BUGS = [
    "lets in a visitor who has not logged in",
    "accepts any url",
]


def your_tests(exercise: ModuleType) -> dict[str, Test]:
    """The functions in exercise.py whose names start with test_."""
    return {
        name: value
        for name, value in vars(exercise).items()
        if name.startswith("test_") and inspect.isfunction(value)
    }


def break_app(
    exercise: ModuleType, app: Flask, bug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Give *app* the bug, for the length of this test."""
    if bug == BUGS[0]:
        for endpoint in ("bookmarks", "bookmark"):
            view: Any = app.view_functions[endpoint]

            class LetsEveryoneIn(view.view_class):  # type: ignore[misc]
                def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
                    session.setdefault("user", "mallory")
                    return super().dispatch_request(**kwargs)  # type: ignore[no-any-return]

            view.view_class = LetsEveryoneIn
    else:
        check_bookmark = exercise.check_bookmark

        def accepts_any_url(data: Any) -> Any:
            if not (isinstance(data, dict) and isinstance(data.get("url"), str)):
                return check_bookmark(data)
            checked = check_bookmark({**data, "url": GOOD["url"]})
            return {**checked, "url": data["url"]}

        monkeypatch.setattr(exercise, "check_bookmark", accepts_any_url)


def run(test: Test, app: Flask) -> BaseException | None:
    """Call one of your tests with a client of *app*; what it raised, if anything."""
    try:
        test(app.test_client())
    except (Exception, pytest.fail.Exception) as failure:
        return failure
    return None


def test_you_wrote_two_tests(exercise: ModuleType) -> None:
    tests = your_tests(exercise)
    assert len(tests) >= 3, (
        f"exercise.py has {len(tests)} test(s), {sorted(tests)}: write at least "
        "two besides test_a_new_user_has_no_bookmarks (task 4)"
    )
    for name, test in tests.items():
        parameters = list(inspect.signature(test).parameters)
        assert parameters == ["client"], (
            f"{name} takes {parameters}: each test takes one argument, client"
        )


def test_your_tests_pass_on_your_app(
    exercise: ModuleType, new_app: Callable[[], Flask]
) -> None:
    for name, test in your_tests(exercise).items():
        failure = run(test, new_app())
        assert failure is None, (
            f"your test {name} fails on your app ({type(failure).__name__}: "
            f"{failure}): it expects something the API does not do, or the API "
            "is not finished"
        )


@pytest.mark.parametrize("bug", BUGS)
def test_your_tests_catch_the_bug(
    exercise: ModuleType,
    new_app: Callable[[], Flask],
    monkeypatch: pytest.MonkeyPatch,
    bug: str,
) -> None:
    caught = []
    for name, test in your_tests(exercise).items():
        app = new_app()
        break_app(exercise, app, bug, monkeypatch)
        if run(test, app):
            caught.append(name)
    assert caught, (
        f"none of your tests fails on a copy of the app that {bug}: write one "
        "that does (task 4)"
    )
