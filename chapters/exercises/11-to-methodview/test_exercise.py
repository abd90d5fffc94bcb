# SPDX-License-Identifier: MIT
"""The check for exercise 11.

Run it with ``pytest chapters/exercises/11-to-methodview``. Its first test
sends the same requests to ``create_function_app()`` and to your
``create_app()``, each a new app, and compares the answers. The others check
that the views are ``MethodView`` classes with one handler per method, and
that each app has its own store.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

#: (method, URL, keyword arguments of the test client's open()), in order.
SCRIPT: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/tasks", {}),
    ("POST", "/tasks", {"json": {"title": "write the report"}}),
    ("POST", "/tasks", {"json": {"title": "  review it  ", "done": True}}),
    ("POST", "/tasks", {"json": {"title": "   "}}),
    ("POST", "/tasks", {"json": {"title": 5}}),
    ("POST", "/tasks", {"json": {"titel": "typo"}}),
    ("POST", "/tasks", {"json": {"done": False}}),
    ("POST", "/tasks", {"json": ["write the report"]}),
    ("POST", "/tasks", {"data": "title=report"}),
    ("GET", "/tasks/1", {}),
    ("PATCH", "/tasks/1", {"json": {"done": True}}),
    ("PATCH", "/tasks/1", {"json": {"done": "yes"}}),
    ("PATCH", "/tasks/9", {"json": {"done": True}}),
    ("DELETE", "/tasks/2", {}),
    ("DELETE", "/tasks/2", {}),
    ("GET", "/tasks/2", {}),
    ("GET", "/tasks", {}),
    ("HEAD", "/tasks/1", {}),
    ("OPTIONS", "/tasks/1", {}),
    ("PUT", "/tasks/1", {"json": {"title": "x"}}),
    ("DELETE", "/tasks", {}),
    ("GET", "/tasks/first", {}),
]


def answer(client: FlaskClient, method: str, url: str, options: dict[str, Any]) -> Any:
    """What the client sees: status, JSON body, Location and Allow."""
    try:
        response = client.open(url, method=method, **options)
    except Exception as error:
        raise AssertionError(
            f"{method} {url} crashed a view of create_app() "
            f"({type(error).__name__}: {error}); a running app would answer 500"
        ) from error
    return {
        "status": response.status_code,
        "body": response.get_json(silent=True),
        "Location": response.headers.get("Location"),
        "Allow": sorted(response.allow),
    }


def new_app(factory: Any) -> Flask:
    app: Flask = factory()
    app.testing = True  # an exception in a view reaches this check
    return app


def test_every_request_gets_the_same_answer(exercise: ModuleType) -> None:
    functions = new_app(exercise.create_function_app).test_client()
    yours = new_app(exercise.create_app).test_client()
    for step, (method, url, options) in enumerate(SCRIPT, start=1):
        expected = answer(functions, method, url, options)
        got = answer(yours, method, url, options)
        body = options.get("json", options.get("data", ""))
        assert got == expected, (
            f"request {step} of the script, {method} {url} {body}, got {got} from "
            f"your create_app() and {expected} from create_function_app()"
        )


def test_the_views_are_method_views(exercise: ModuleType) -> None:
    app = new_app(exercise.create_app)
    for endpoint, cls, handlers in [
        ("tasks", "TaskList", ["get", "post"]),
        ("task", "TaskItem", ["delete", "get", "patch"]),
    ]:
        view = app.view_functions.get(endpoint)
        assert view is not None, f"create_app() has no endpoint {endpoint!r}"
        view_class = getattr(view, "view_class", None)
        assert view_class is getattr(exercise, cls), (
            f"the endpoint {endpoint!r} was not made by "
            f"{cls}.as_view({endpoint!r}, ...)"
        )
        bases = [base.__name__ for base in view_class.__mro__]
        assert "MethodView" in bases, f"{cls} is not a subclass of MethodView"
        found = sorted(
            name for name in handlers if callable(getattr(view_class, name, None))
        )
        assert found == handlers, (
            f"{cls} has the handlers {found}, not {handlers}: one method per "
            "HTTP method, named after it"
        )


def test_each_app_has_its_own_store(exercise: ModuleType) -> None:
    first = new_app(exercise.create_app).test_client()
    second = new_app(exercise.create_app).test_client()
    added = first.post("/tasks", json={"title": "only in the first app"})
    assert added.status_code == 201, (
        f"POST /tasks answered {added.status}, not 201 Created"
    )
    tasks = second.get("/tasks").get_json()
    assert tasks == {"tasks": []}, (
        f"a task added to one app shows up in another: {tasks}. Make the "
        "TaskStore inside create_app() and give it to as_view"
    )
