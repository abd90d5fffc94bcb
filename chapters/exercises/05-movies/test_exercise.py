# SPDX-License-Identifier: MIT
"""The check for exercise 5: run it with ``pytest chapters/exercises/05-movies``.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import threading
import traceback
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import MapAdapter
from werkzeug.test import TestResponse

ALIEN = {"title": "Alien", "year": 1979}
HEAT = {"title": "Heat", "year": 1995}


@pytest.fixture
def app(exercise: ModuleType) -> Flask:
    app: Flask = exercise.create_app()
    app.testing = True  # an exception in your code reaches this check
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


#: A URL of each route the task asks for: /movies/ and /movies/<int:id>.
ROUTE_URLS = ("/movies/", "/movies/1")


def routed(adapter: MapAdapter, url: str) -> bool:
    """Whether a route matches the URL (for some method, if not for GET)."""
    try:
        adapter.match(url)
    except NotFound:
        return False
    except HTTPException:  # 405 for GET, or a redirect: a route is there
        return True
    return True


def has_the_routes(app: Flask, what: str) -> None:
    """Without the task's routes every request is a 404: say that instead."""
    adapter = app.url_map.bind("localhost")
    missing = [url for url in ROUTE_URLS if not routed(adapter, url)]
    assert not missing, (
        f"{what}: no route answers {', '.join(missing)}: register your views at "
        "/movies/ and /movies/<int:id> in create_app()"
    )


#: The check's deeply nested body: Python's json parser raises RecursionError.
TOO_DEEP = "[" * 10_200


def too_deep_for_json(crash: Exception, body: dict[str, Any]) -> bool:
    """Whether *crash* is a RecursionError in answer to the deeply nested
    body with json's decoder or scanner on its traceback: most often that
    body, too deep for the decoder (an app's own recursion reached by that
    body with the decoder on its stack looks the same; one that another body
    reaches does not)."""
    frames = traceback.extract_tb(crash.__traceback__)
    return (
        isinstance(crash, RecursionError)
        and body.get("data") == TOO_DEEP
        and any(
            Path(frame.filename).parent.name == "json"
            and Path(frame.filename).name in ("decoder.py", "scanner.py")
            for frame in frames
        )
    )


def send(client: FlaskClient, method: str, url: str, **body: Any) -> TestResponse:
    """Send a request; a crash in the app becomes a message that says so, and
    so does an app without the task's routes."""
    has_the_routes(client.application, f"{method} {url}")
    try:
        return client.open(url, method=method, **body)
    except Exception as crash:
        hint = ""
        if too_deep_for_json(crash, body):
            hint = "; read the body with the starter's read_json(), which refuses it"
        raise AssertionError(
            f"{method} {url} crashed the app ({type(crash).__name__}: {crash}); "
            f"a running app would answer 500{hint}"
        ) from crash


def expect(response: TestResponse, status: int, what: str) -> Any:
    """Check the status, naming the app's JSON error if it sent one; return
    the JSON body."""
    data = response.get_json(silent=True)
    error = data.get("error") if isinstance(data, dict) else None
    said = f" ({{'error': {error!r}}})" if error is not None else ""
    assert response.status_code == status, (
        f"{what} answered {response.status}{said}, not {status}"
    )
    return data


def expect_json_error(response: TestResponse, what: str, keyword: str = "") -> None:
    """A 4xx whose JSON 'error' (a string) mentions keyword."""
    assert 400 <= response.status_code < 500, (
        f"{what} answered {response.status}, not a 4xx error"
    )
    data = response.get_json(silent=True)
    error = data.get("error") if isinstance(data, dict) else None
    shown = "an HTML page" if response.mimetype == "text/html" else response.text
    assert isinstance(error, str), (
        f"{what} answered {response.status} with {shown!r}: every error must be "
        "JSON, {'error': '...'} (an HTTPException error handler catches them all)"
    )
    assert keyword.lower() in error.lower(), (
        f"{what} answered the error {error!r}, which does not mention {keyword!r}"
    )


def create(client: FlaskClient, movie: dict[str, Any]) -> dict[str, Any]:
    response = send(client, "POST", "/movies/", json=movie)
    created = expect(response, 201, f"POST /movies/ with {movie}")
    assert isinstance(created, dict), "POST must answer the new movie as JSON"
    return created


def test_movies_are_created_listed_and_read(client: FlaskClient) -> None:
    listed = expect(send(client, "GET", "/movies/"), 200, "GET /movies/")
    assert listed == [], f"a new app must have no movies; GET /movies/ gave {listed}"
    response = send(client, "POST", "/movies/", json=ALIEN)
    created = expect(response, 201, "POST /movies/ with a valid movie")
    assert created == {"id": 1, **ALIEN}, (
        f"the first movie created must be {{'id': 1, ...the fields sent}}; "
        f"POST answered {created}"
    )
    location = urlsplit(response.headers.get("Location", "")).path
    assert location == "/movies/1", (
        f"the 201 must say where the movie is: Location: /movies/1, not {location!r}"
    )
    create(client, HEAT)
    read = expect(send(client, "GET", "/movies/1"), 200, "GET /movies/1")
    assert read == {"id": 1, **ALIEN}, f"GET /movies/1 answered {read}"
    listed = expect(send(client, "GET", "/movies/"), 200, "GET /movies/")
    assert listed == [{"id": 1, **ALIEN}, {"id": 2, **HEAT}], (
        f"GET /movies/ must list both movies, by id; it answered {listed}"
    )


def test_put_replaces_and_patch_changes(client: FlaskClient) -> None:
    create(client, ALIEN)
    replaced = {"title": "Aliens", "year": 1986}
    answer = expect(
        send(client, "PUT", "/movies/1", json=replaced),
        200,
        f"PUT /movies/1 with {replaced}",
    )
    assert answer == {"id": 1, **replaced}, f"PUT /movies/1 answered {answer}"
    answer = expect(
        send(client, "PATCH", "/movies/1", json={"year": 1987}),
        200,
        "PATCH /movies/1 with {'year': 1987}",
    )
    assert answer == {"id": 1, "title": "Aliens", "year": 1987}, (
        "PATCH /movies/1 with {'year': 1987} must keep the title; "
        f"it answered {answer}"
    )
    response = send(client, "PUT", "/movies/1", json={"title": "Only a title"})
    expect_json_error(response, "PUT without a year", "year")


def test_delete_removes_a_movie(client: FlaskClient) -> None:
    create(client, ALIEN)
    response = send(client, "DELETE", "/movies/1")
    expect(response, 204, "DELETE /movies/1")
    assert response.data == b"", "a 204 answer has an empty body"
    response = send(client, "GET", "/movies/1")
    assert response.status_code == 404, (
        f"GET /movies/1 after DELETE answered {response.status}, not 404"
    )


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_an_unknown_id_is_a_json_404(client: FlaskClient, method: str) -> None:
    response = send(client, method, "/movies/99", json=ALIEN)
    assert response.status_code == 404, (
        f"{method} /movies/99 (no such movie) answered {response.status}, not 404"
    )
    expect_json_error(response, f"{method} /movies/99")
    if method not in ("PUT", "PATCH"):
        return
    # Whatever the body: a bad field, a body not sent as JSON, broken JSON.
    bad_bodies: dict[str, dict[str, Any]] = {
        "a bad field": {"json": {"year": "soon"}},
        "a body not sent as JSON": {"data": "soon", "content_type": "text/plain"},
        "broken JSON": {"data": "{", "content_type": "application/json"},
    }
    for what, body in bad_bodies.items():
        response = send(client, method, "/movies/99", **body)
        assert response.status_code == 404, (
            f"{method} /movies/99 with {what} answered {response.status}, "
            "not 404: look the id up before reading the body"
        )


def test_routing_errors_are_json_too(client: FlaskClient) -> None:
    response = send(client, "DELETE", "/movies/")
    assert response.status_code == 405, (
        f"DELETE /movies/ answered {response.status}, not 405"
    )
    expect_json_error(response, "DELETE /movies/")
    assert {"GET", "POST"} <= set(response.allow), (
        "the 405 must keep its Allow header, listing GET and POST"
    )
    response = send(client, "GET", "/movies/abc")
    assert response.status_code == 404, f"GET /movies/abc answered {response.status}"
    expect_json_error(response, "GET /movies/abc")


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("a form, not JSON", {"data": {"title": "Alien"}}, "json"),
    ("broken JSON", {"data": '{"title": ', "content_type": "application/json"}, "json"),
    (
        "10,200 open brackets, unfinished JSON (under the 10,240-byte limit)",
        {"data": TOO_DEEP, "content_type": "application/json"},
        "",
    ),
    ("a JSON list", {"json": [ALIEN]}, "object"),
    ("no year", {"json": {"title": "Alien"}}, "year"),
    ("an id of its own", {"json": {"id": 7, **ALIEN}}, "id"),
    ("an unknown field", {"json": {**ALIEN, "director": "Scott"}}, "director"),
    # A name the error repeats, which UTF-8 cannot encode: still a JSON 4xx.
    ("a field named by a lone surrogate", {"json": {**ALIEN, "\ud800": 1}}, ""),
    ("the year as a string", {"json": {"title": "Alien", "year": "1979"}}, "year"),
    ("the year as a float", {"json": {"title": "Alien", "year": 1979.0}}, "year"),
    ("the year as true", {"json": {"title": "Alien", "year": True}}, "year"),
    ("the year 1500", {"json": {"title": "Alien", "year": 1500}}, "year"),
    ("the year 10**20", {"json": {"title": "Alien", "year": 10**20}}, "year"),
    ("an empty title", {"json": {"title": "", "year": 1979}}, "title"),
    ("a title of spaces", {"json": {"title": "   ", "year": 1979}}, "title"),
    ("a number as title", {"json": {"title": 42, "year": 1979}}, "title"),
    (
        "a title of 101 characters",
        {"json": {"title": "x" * 101, "year": 1979}},
        "title",
    ),
    ("a body of 20 KB", {"json": {"title": "x" * 20_000, "year": 1979}}, ""),
]


@pytest.mark.parametrize(
    ("what", "body", "keyword"), BAD_BODIES, ids=[case[0] for case in BAD_BODIES]
)
def test_a_bad_post_is_refused_and_stores_nothing(
    client: FlaskClient, what: str, body: dict[str, Any], keyword: str
) -> None:
    expect_json_error(send(client, "POST", "/movies/", **body), f"POST {what}", keyword)
    listed = send(client, "GET", "/movies/").get_json(silent=True)
    assert listed == [], f"after a refused POST ({what}), GET /movies/ gave {listed}"


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_bad_change_changes_nothing(client: FlaskClient, method: str) -> None:
    create(client, ALIEN)
    response = send(client, method, "/movies/1", json={"title": "Changed", "year": "x"})
    expect_json_error(response, f"{method} with a bad year", "year")
    read = send(client, "GET", "/movies/1").get_json(silent=True)
    assert read == {"id": 1, **ALIEN}, (
        f"{method} with a good title and a bad year must change nothing; "
        f"the movie is now {read}"
    )
    response = send(client, method, "/movies/1", json={**ALIEN, "id": 7})
    expect_json_error(response, f"{method} with an id of its own", "id")
    read = send(client, "GET", "/movies/1").get_json(silent=True)
    assert read == {"id": 1, **ALIEN}, (
        f"{method} with an id of its own must change nothing; the movie is now {read}"
    )
    response = send(
        client, method, "/movies/1", data=TOO_DEEP, content_type="application/json"
    )
    expect_json_error(response, f"{method} with 10,200 open brackets")


def test_concurrent_posts_get_distinct_ids(app: Flask) -> None:
    """Eight real threads, each with its own client, create 20 movies each."""
    has_the_routes(app, "POST /movies/")
    statuses = [Counter[int]() for _ in range(8)]

    def add_movies(client: FlaskClient, counts: Counter[int]) -> None:
        for n in range(20):
            try:
                response = client.post(
                    "/movies/", json={"title": f"M{n}", "year": 2000}
                )
                counts[response.status_code] += 1
            except Exception:
                counts[500] += 1

    threads = [
        threading.Thread(target=add_movies, args=(app.test_client(), counts))
        for counts in statuses
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    total = sum(statuses, Counter[int]())
    assert total == Counter({201: 160}), (
        f"160 POSTs from 8 threads at once answered {dict(total)}, not 160 x 201"
    )
    movies = app.test_client().get("/movies/").get_json(silent=True) or []
    ids = [movie.get("id") for movie in movies]
    assert len(ids) == len(set(ids)) == 160, (
        f"after 160 POSTs from 8 threads, the list has {len(ids)} movies and "
        f"{len(set(ids))} distinct ids, not 160: guard the store with a lock"
    )


def test_the_views_are_method_views(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/movies"):
            continue
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        names = [cls.__name__ for cls in getattr(view_class, "__mro__", ())]
        assert "MethodView" in names, (
            f"{rule.rule} must be served by a MethodView subclass, through as_view"
        )
    has_the_routes(app, "the check")
