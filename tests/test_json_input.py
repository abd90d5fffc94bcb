"""One rule for JSON bodies in every example app, in-process and under waitress.

A body nested too deeply for Python's parser, and a body whose strings hold a
lone surrogate (``"\\ud800"``, which UTF-8 cannot encode), get a JSON ``400``
(or Werkzeug's ``413``, where the body is over the app's size limit) from
every app that reads JSON: the four notes apps of chapter 11 and ``todo.py``
through the shared ``json_input.read_json``, ``inventory.py`` and
``bookshelf.py`` through their own readers. Nothing is stored. Each app runs
with testing off, as a reader runs it, so a missed error would be a ``500``.

Depth 999 and 1000 are the interesting ones: Python's default recursion limit
is 1000, and the frames already on the stack (more in a waitress worker
thread than in the test client) decide which of them the parser can still
decode, so both are sent, open and closed, over the test client and over
real HTTP to waitress on 127.0.0.1. Python 3.13's parser decodes those closed
ones (it gives up near 10,000), so there the apps judge them as records; 16,000
open brackets are too deep on every Python from 3.9 to 3.13.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from importlib.metadata import version
from pathlib import Path
from typing import Any

import bookshelf
import inventory
import json_input
import pytest
import styles_blueprint
import styles_functions
import styles_methodview
import styles_view
import todo
from flask import Flask, request
from local_server import serving

TIMEOUT = 10.0  # seconds, for every socket operation
WERKZEUG_VERSION = tuple(int(part) for part in version("werkzeug").split(".")[:2])


@dataclass(frozen=True)
class JsonApp:
    """An app that reads JSON: where it takes a new record and lists them."""

    name: str
    build: Callable[[Path], Flask]
    post: str  # the URL that creates a record (and lists them, on GET)
    field: str  # a text field of a record
    good: dict[str, Any]  # the other fields of a valid record


def notes(module: Any) -> JsonApp:
    name = module.__name__
    return JsonApp(name, lambda _: module.create_app(), "/notes", "text", {})


APPS = [
    *map(notes, (styles_functions, styles_view, styles_methodview, styles_blueprint)),
    JsonApp("todo", lambda _: todo.create_app(), "/tasks", "title", {}),
    JsonApp(
        "inventory", lambda _: inventory.create_app(), "/books/", "title", {"year": 1}
    ),
    JsonApp(
        "bookshelf",
        lambda tmp: bookshelf.create_app({"DATABASE": str(tmp / "db.sqlite")}),
        "/authors/",
        "name",
        {},
    ),
]


def hostile_bodies(field: str) -> dict[str, bytes]:
    """Bodies every app must refuse with a 400, by what is wrong with them."""
    bodies = {}
    bodies["[ open x16000"] = b"[" * 16_000  # too deep on Python 3.9 to 3.13
    for depth in (999, 1000, 3000):
        bodies[f"[ open x{depth}"] = b"[" * depth
        bodies[f"[] closed x{depth}"] = b"[" * depth + b"]" * depth
        inner = b'{"a":' * (depth - 1) + b"1" + b"}" * (depth - 1)
        bodies[f"{field} nested x{depth}"] = (
            b'{"' + field.encode() + b'":' + inner + b"}"
        )
    bodies["lone surrogate, escaped"] = f'{{"{field}": "a\\ud800b"}}'.encode()
    bodies["low surrogate, escaped"] = f'{{"{field}": "\\udfff"}}'.encode()
    bodies["surrogate in a key"] = f'{{"\\ud800": 1, "{field}": "ok"}}'.encode()
    bodies["surrogate as raw bytes"] = f'{{"{field}": "a'.encode() + b'\xed\xa0\x80"}'
    return bodies


def decodes(body: bytes) -> bool:
    """Whether this Python's json decodes the body (with the hooks' help or not).

    Python 3.13's parser decodes a closed nesting thousands deep that 3.11's
    refuses at the recursion limit of 1000; the apps then judge the record."""
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return False
    return True


def expected(app: Flask, body: bytes) -> set[int]:
    """400, or Werkzeug's 413 for a body over the app's MAX_CONTENT_LENGTH;
    a body this Python decodes may also be a record the app refuses (422)."""
    if len(body) > app.config["MAX_CONTENT_LENGTH"]:
        return {413}
    return {400, 422} if decodes(body) else {400}


def ids(app: JsonApp) -> str:
    return app.name


@contextmanager
def running(app: JsonApp, tmp_path: Path) -> Iterator[Flask]:
    flask_app = app.build(tmp_path)
    assert not flask_app.testing  # an uncaught error becomes a 500
    flask_app.logger.disabled = True
    yield flask_app


@pytest.mark.parametrize("app", APPS, ids=ids)
def test_every_app_refuses_deep_and_surrogate_bodies(
    app: JsonApp, tmp_path: Path
) -> None:
    with running(app, tmp_path) as flask_app:
        client = flask_app.test_client()
        keep = {**app.good, app.field: "keep me"}
        assert client.post(app.post, json=keep).status_code == 201
        before = client.get(app.post).get_json()
        for kind, body in hostile_bodies(app.field).items():
            response = client.post(app.post, data=body, content_type="application/json")
            assert response.status_code in expected(flask_app, body), kind
            message = response.get_json()
            assert isinstance(message, dict), kind
            assert all(message.values()), kind  # names the problem
            assert client.get(app.post).get_json() == before, kind


@pytest.mark.parametrize("app", APPS, ids=ids)
def test_every_app_refuses_them_under_waitress(app: JsonApp, tmp_path: Path) -> None:
    """The same bodies over real HTTP, each decoded in a waitress worker thread."""
    with running(app, tmp_path) as flask_app, serving(flask_app, threads=2) as url:
        port = int(url.rsplit(":", 1)[1])
        http = HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        keep = json.dumps({**app.good, app.field: "keep me"}).encode()
        json_type = {"Content-Type": "application/json"}
        http.request("POST", app.post, body=keep, headers=json_type)
        created = http.getresponse()
        assert (created.status, bool(created.read())) == (201, True)
        http.request("GET", app.post)
        before = http.getresponse().read()
        for kind, body in hostile_bodies(app.field).items():
            http.request("POST", app.post, body=body, headers=json_type)
            response = http.getresponse()
            answer = json.loads(response.read())
            assert response.status in expected(flask_app, body), (kind, answer)
            assert all(answer.values()), kind
            assert response.getheader("Content-Type") == "application/json", kind
            http.request("GET", app.post)
            assert http.getresponse().read() == before, kind
        http.close()


def test_the_shared_reader_names_each_problem() -> None:
    app = styles_functions.create_app()
    app.logger.disabled = True
    client = app.test_client()

    def message(body: bytes) -> Any:
        response = client.post("/notes", data=body, content_type="application/json")
        return response.status_code, response.get_json()["message"]

    assert message(b"[" * 16_000) == (
        400,
        "the body is not valid JSON: nested too deeply",
    )
    assert message(b'{"text": "\\ud800"}') == (
        400,
        "the body is not valid JSON: it has a lone surrogate",
    )
    assert message(b'{"text": ') == (400, "the body is not valid JSON")
    assert message(b'{"text": "\xff"}') == (400, "the body is not valid JSON")


def test_why_the_readers_check_content_length_themselves() -> None:
    """Werkzeug 2.2 (which Flask 2.2 allows) reads a body past
    MAX_CONTENT_LENGTH in get_data(); Werkzeug 2.3 and later refuse it."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 100

    @app.post("/")
    def length() -> dict[str, int]:
        return {"read": len(request.get_data())}

    response = app.test_client().post("/", data=b" " * 1000)
    if WERKZEUG_VERSION < (2, 3):
        assert (response.status_code, response.json) == (200, {"read": 1000})
    else:
        assert response.status_code == 413
    # The readers check the announced length first, on every version.
    for app_, url in (
        (todo.create_app(), "/tasks"),
        (styles_view.create_app(), "/notes"),
    ):
        body = b'{"x": "' + b" " * 20_000 + b'"}'
        refused = app_.test_client().post(
            url, data=body, content_type="application/json"
        )
        assert refused.status_code == 413


def post_chunked(app: Flask, url: str, body: bytes) -> tuple[int, Any]:
    """POST a body without Content-Length, as a chunked one reaches the app:
    WSGI input marked terminated, as Werkzeug's own server marks it."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": url,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": io.StringIO(),
    }
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)

    answer = b"".join(app(environ, start_response))
    return int(statuses[0].split()[0]), json.loads(answer)


def test_a_body_without_a_length_is_refused_once_it_reaches_the_limit(
    tmp_path: Path,
) -> None:
    """Werkzeug 2.3 and later stop get_data() at MAX_CONTENT_LENGTH when the
    body has no length, without an error: the view gets the body cut short.
    Werkzeug 2.2 reads all of it. The readers answer 413 on both."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 100

    @app.post("/")
    def length() -> dict[str, int]:
        return {"read": len(request.get_data())}

    read = 1000 if WERKZEUG_VERSION < (2, 3) else 100
    assert post_chunked(app, "/", b" " * 1000) == (200, {"read": read})

    # Every app, inventory.py's own reader (chapter 5) among them.
    for app_ in APPS:
        flask_app = app_.build(tmp_path)
        flask_app.logger.disabled = True
        limit = flask_app.config["MAX_CONTENT_LENGTH"]
        client = flask_app.test_client()
        before = client.get(app_.post).get_json()
        record = json.dumps({**app_.good, app_.field: "cut"}).encode()
        # Valid JSON in the first `limit` bytes, invalid after: cut at the
        # limit, it would parse and be stored.
        tail = record + b" " * (limit - len(record)) + b"garbage"
        too_long = record[:-2] + b"x" * limit + b'"}'
        for body in (tail, too_long, record + b" " * (limit - len(record))):
            status, answer = post_chunked(flask_app, app_.post, body)
            assert status == 413, (app_.name, answer)
            assert client.get(app_.post).get_json() == before, app_.name
        status, answer = post_chunked(flask_app, app_.post, record)
        assert status == 201, (app_.name, answer)


def test_has_lone_surrogate_looks_everywhere_without_recursing() -> None:
    deep: Any = "\ud800"
    for _ in range(100_000):  # far deeper than any recursion limit
        deep = [deep]
    assert json_input.has_lone_surrogate(deep)
    assert json_input.has_lone_surrogate({"key": {"\udc00": 1}})
    assert not json_input.has_lone_surrogate({"ok": ["fine", 1, None, "\U0001f600"]})
    # A pair written as two escapes decodes to one character: not lone.
    assert not json_input.has_lone_surrogate(json.loads('"\\ud83d\\ude00"'))
