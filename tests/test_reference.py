"""The reference page's examples, run from their text, and what no other test shows.

The Hello, CounterAPI and UserAPI examples are executed from their exact text
in clauses.toml, with ``from flask.views import`` pointed at the
implementation under test, so each runs on viewlib and on flask.views. Also
here: each of the eight handler names on its own, and why a shared instance
keeps request data on ``flask.g`` rather than on ``self``.
"""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from flask import Flask, g, redirect, request, session, url_for
from flask.testing import FlaskClient

from tests.flask_release import REDIRECT_STATUS
from tests.traceability import load_clauses

EXAMPLES = {clause.id: clause.text for clause in load_clauses()}
REST_API = (
    "example.rest_api.user_api",
    "example.rest_api.as_view",
    "example.rest_api.list_rule",
    "example.rest_api.create_rule",
    "example.rest_api.detail_rule",
)
#: Seconds a thread may wait for the other one before the test fails.
TIMEOUT = 10


def run_example(views: ModuleType, ids: tuple[str, ...], **names: Any) -> Any:
    """Execute the examples *ids*, in order, on *views*; return their namespace.

    *names* are what the page's snippet takes as given (``app``, ``session``).
    """
    source = "\n".join(EXAMPLES[i] for i in ids)
    assert source.count("from flask.views import") == 1
    source = source.replace("from flask.views import", f"from {views.__name__} import")
    namespace = {"__name__": __name__, **names}
    exec(compile(source, f"<reference example {ids[0]}>", "exec"), namespace)
    return namespace


@pytest.mark.clause("view.example.hello", "view.subclass")
def test_hello_example(views: ModuleType, app: Flask, client: FlaskClient) -> None:
    hello = run_example(views, ("view.example.hello",), app=app)["Hello"]
    assert hello.init_every_request is False
    view: Any = app.view_functions["hello"]
    assert view.view_class is hello
    assert client.get("/hello/World").text == "Hello, World!"
    assert client.get("/hello/Ada").text == "Hello, Ada!"


@pytest.mark.clause("methodview.example.counter", "methodview.dispatch")
def test_counter_example(views: ModuleType, app: Flask, client: FlaskClient) -> None:
    app.secret_key = secrets.token_hex()
    names = {"session": session, "redirect": redirect, "url_for": url_for}
    counter = run_example(views, ("methodview.example.counter",), app=app, **names)
    assert counter["CounterAPI"].methods == {"GET", "POST"}
    assert client.get("/counter").text == "0"
    response = client.post("/counter")
    # redirect() answers 302 Found up to Flask 3.1, 303 See Other from 3.2.
    assert (response.status_code, response.location) == (REDIRECT_STATUS, "/counter")
    assert client.get("/counter").text == "1"
    assert client.post("/counter", follow_redirects=True).text == "2"


@pytest.fixture
def users(views: ModuleType) -> FlaskClient:
    """A client for the REST API example, every part of it run in order."""
    app: Flask = run_example(views, REST_API)["app"]
    app.testing = True
    return app.test_client()


@pytest.mark.clause(
    "example.rest_api.complete",
    "example.rest_api.user_api",
    "example.rest_api.as_view",
    "methodview.rest",
)
def test_rest_api_example_runs_alone(views: ModuleType) -> None:
    # Nothing given but __name__: the example imports all it needs.
    example = run_example(views, REST_API)
    assert example["UserAPI"].methods == {"GET", "POST", "PUT", "DELETE"}
    app = example["app"]
    assert app.view_functions["user_api"] is example["user_view"]
    rules = sorted((r.rule, sorted(r.methods)) for r in app.url_map.iter_rules())
    assert rules == [
        ("/static/<path:filename>", ["GET", "HEAD", "OPTIONS"]),
        ("/users/", ["GET", "HEAD", "OPTIONS"]),
        ("/users/", ["OPTIONS", "POST"]),
        ("/users/<int:user_id>", ["DELETE", "GET", "HEAD", "OPTIONS", "PUT"]),
    ]


@pytest.mark.clause("example.rest_api.list_rule")
def test_rest_api_list_rule(users: FlaskClient) -> None:
    assert users.get("/users/").json == {"users": []}
    for method in ("PUT", "DELETE", "PATCH"):
        response = users.open("/users/", method=method)
        assert response.status_code == 405
        assert set(response.allow) == {"GET", "HEAD", "OPTIONS", "POST"}


@pytest.mark.clause("example.rest_api.create_rule")
def test_rest_api_create_rule(users: FlaskClient) -> None:
    response = users.post("/users/", json={"name": "Ada"})
    assert (response.status_code, response.json) == (201, {"created": {"name": "Ada"}})
    assert users.post("/users/1", json={}).status_code == 405


@pytest.mark.clause("example.rest_api.detail_rule")
def test_rest_api_detail_rule(users: FlaskClient) -> None:
    assert users.get("/users/1").json == {"user": 1}
    response = users.put("/users/2", json={"name": "Grace"})
    assert response.json == {"updated": 2, "data": {"name": "Grace"}}
    response = users.delete("/users/3")
    assert (response.status_code, response.data) == (204, b"")
    assert users.get("/users/abc").status_code == 404  # the int converter


@pytest.mark.clause(
    "methodview.detection.get",
    "methodview.detection.post",
    "methodview.detection.put",
    "methodview.detection.patch",
    "methodview.detection.delete",
    "methodview.detection.head",
    "methodview.detection.options",
    "methodview.detection.trace",
    "methodview.dispatch_request.by_method",
)
@pytest.mark.parametrize(
    "name", ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
)
def test_each_handler_name_alone(
    views: ModuleType, app: Flask, client: FlaskClient, name: str
) -> None:
    def handler(self: Any) -> tuple[str, int, dict[str, str]]:
        return "", 200, {"X-Handler": name}

    only: Any = type("Only", (views.MethodView,), {name: handler})
    assert only.methods == {name.upper()}
    app.add_url_rule("/", view_func=only.as_view("only"))
    response = client.open("/", method=name.upper())
    assert (response.status_code, response.headers["X-Handler"]) == (200, name)


@pytest.mark.clause(
    "view.init_every_request.per_request",
    "view.init_every_request.shared",
    "view.init_every_request.use_g",
)
@pytest.mark.parametrize("every_request", [True, False])
def test_a_shared_instance_mixes_up_self_but_not_g(
    views: ModuleType, app: Flask, every_request: bool
) -> None:
    both_stored = threading.Barrier(2, timeout=TIMEOUT)

    class Greeting(views.View):  # type: ignore[name-defined,misc]
        init_every_request = every_request

        def dispatch_request(self) -> dict[str, str]:
            self.user = g.user = request.args["user"]
            both_stored.wait()  # the other request has stored its user too
            return {"self": self.user, "g": g.user}

    app.add_url_rule("/", view_func=Greeting.as_view("greeting"))

    def greet(user: str) -> Any:
        return app.test_client().get("/", query_string={"user": user}).json

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = [
            future.result(timeout=TIMEOUT)
            for future in [pool.submit(greet, user) for user in ("ada", "bob")]
        ]
    assert [answer["g"] for answer in answers] == ["ada", "bob"]
    on_self = [answer["self"] for answer in answers]
    if every_request:
        assert on_self == ["ada", "bob"]
    else:
        # One instance, one attribute: both requests read the last write.
        assert on_self in (["ada", "ada"], ["bob", "bob"])
