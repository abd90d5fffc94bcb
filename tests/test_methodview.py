"""Conformance tests for ``MethodView``: method detection and dispatch.

Each test runs against viewlib and flask.views (see conftest.py).
"""

from __future__ import annotations

import functools
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient


def unimplemented(views: ModuleType, method: str) -> Any:
    """Expect the error for a request that reaches MethodView with no handler.

    Flask checks with an ``assert`` statement, which ``python -O`` strips,
    leaving a call of ``None`` (``TypeError``); viewlib raises
    ``AssertionError`` in both modes. Expect what each one does, so that no
    test presents viewlib's choice as Flask's.
    """
    if __debug__ or views.__name__ == "viewlib":
        return pytest.raises(AssertionError, match=f"Unimplemented method '{method}'")
    return pytest.raises(TypeError, match="'NoneType' object is not callable")


@pytest.mark.clause("methodview.detection.names")
def test_http_method_funcs(views: ModuleType) -> None:
    assert views.http_method_funcs == frozenset(
        {"get", "post", "put", "patch", "delete", "head", "options", "trace"}
    )


@pytest.mark.clause(
    "view.methods.type",
    "methodview.detection.methods",
    "methodview.detection.names",
    "methodview.detection.get",
    "methodview.detection.post",
)
def test_methods_detected_from_handlers(views: ModuleType) -> None:
    class Items(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "list"

        def post(self) -> str:
            return "create"

        def helper(self) -> None:
            """Not an HTTP method name: ignored."""

    assert Items.methods == {"GET", "POST"}


@pytest.mark.clause(
    "methodview.detection.methods",
    "methodview.detection.names",
    "methodview.detection.get",
    "methodview.detection.post",
    "methodview.detection.put",
    "methodview.detection.patch",
    "methodview.detection.delete",
    "methodview.detection.head",
    "methodview.detection.options",
    "methodview.detection.trace",
)
def test_every_known_handler_name_is_detected(views: ModuleType) -> None:
    handlers = dict.fromkeys(views.http_method_funcs, lambda self: "handled")
    everything: Any = type("Everything", (views.MethodView,), handlers)
    assert everything.methods == {name.upper() for name in views.http_method_funcs}


@pytest.mark.clause("view.methods.default", "methodview.detection.methods")
def test_no_handlers_leaves_methods_none(views: ModuleType) -> None:
    class Empty(views.MethodView):  # type: ignore[name-defined,misc]
        pass

    assert Empty.methods is None
    assert views.MethodView.methods is None


@pytest.mark.clause(
    "methodview.detection.methods",
    "methodview.detection.get",
    "methodview.detection.put",
)
def test_subclass_inherits_and_adds_methods(views: ModuleType) -> None:
    class Read(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "read"

    class ReadWrite(Read):
        def put(self) -> str:
            return "write"

    assert Read.methods == {"GET"}
    assert ReadWrite.methods == {"GET", "PUT"}


@pytest.mark.clause("methodview.detection.methods", "methodview.detection.delete")
def test_multiple_inheritance_collects_every_base(views: ModuleType) -> None:
    class Deletable:  # a plain mixin, not a view
        def delete(self) -> str:
            return "deleted"

    class Listing(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "list"

    class Creating(views.MethodView):  # type: ignore[name-defined,misc]
        def post(self) -> str:
            return "created"

    class Combined(Deletable, Listing, Creating):
        pass

    assert Combined.methods == {"GET", "POST", "DELETE"}


@pytest.mark.clause("methodview.detection.methods")
def test_methods_declared_by_a_base_carry_over(views: ModuleType) -> None:
    class Declared(views.MethodView):  # type: ignore[name-defined,misc]
        methods = ["GET", "PURGE"]

        def get(self) -> str:
            return "got"

    class Child(Declared):
        def post(self) -> str:
            return "posted"

    assert Declared.methods == ["GET", "PURGE"]
    assert Child.methods == {"GET", "PURGE", "POST"}


@pytest.mark.clause("methodview.detection.methods")
def test_methods_carry_over_from_direct_bases_only(views: ModuleType) -> None:
    class Grand(views.MethodView):  # type: ignore[name-defined,misc]
        methods = ["GET", "PURGE"]

        def get(self) -> str:
            return "got"

    class Parent(Grand):
        methods = ["GET"]  # replaces Grand's list for Parent and below

    class Child(Parent):
        def post(self) -> str:
            return "posted"

    # Flask reads `methods` from each class in __bases__, not the whole MRO.
    assert Child.methods == {"GET", "POST"}


@pytest.mark.clause("methodview.detection.methods")
def test_a_mixins_init_subclass_hook_still_runs(views: ModuleType) -> None:
    registered: list[tuple[str, str]] = []

    class Registered:  # a mixin with its own hook and a class keyword
        def __init_subclass__(cls, tag: str = "", **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            registered.append((cls.__name__, tag))

    # MethodView comes first in the MRO, so its hook must pass the call (and
    # the keyword) on with super() for the mixin's hook to run at all.
    class Page(views.MethodView, Registered, tag="pages"):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "page"

    assert registered == [("Page", "pages")]
    assert Page.methods == {"GET"}


@pytest.mark.clause("view.methods.meaning", "methodview.dispatch")
def test_explicit_methods_win(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class ReadOnly(views.MethodView):  # type: ignore[name-defined,misc]
        methods = ["GET"]

        def get(self) -> str:
            return "read"

        def post(self) -> str:
            return "written"

    assert ReadOnly.methods == ["GET"]
    app.add_url_rule("/", view_func=ReadOnly.as_view("ro"))
    assert client.get("/").text == "read"
    assert client.post("/").status_code == 405


@pytest.mark.clause("methodview.detection.methods")
def test_explicit_methods_bind_only_their_own_class(views: ModuleType) -> None:
    class ReadOnly(views.MethodView):  # type: ignore[name-defined,misc]
        methods = ["GET"]

        def get(self) -> str:
            return "read"

        def put(self) -> str:
            return "written"

    class Child(ReadOnly):
        pass  # no `methods` of its own: detection runs again, PUT returns

    assert Child.methods == {"GET", "PUT"}


@pytest.mark.clause(
    "methodview.detection.methods",
    "methodview.dispatch_request.raises",
)
def test_a_handler_set_to_none_still_counts_but_cannot_run(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Page(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "page"

        post = None  # detection checks only that the name exists

    assert Page.methods == {"GET", "POST"}
    app.add_url_rule("/", view_func=Page.as_view("page"))
    with unimplemented(views, "POST"):
        client.post("/")


@pytest.mark.clause(
    "methodview.dispatch",
    "methodview.detection.get",
    "methodview.detection.put",
    "methodview.detection.delete",
    "methodview.detection.trace",
    "methodview.dispatch_request.signature",
    "methodview.dispatch_request.by_method",
    "methodview.dispatch_request.kwargs",
    "methodview.dispatch_request.returns",
)
def test_dispatch_by_method_with_url_variables(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Item(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self, item_id: int) -> str:
            return f"get {item_id}"

        def put(self, item_id: int) -> str:
            return f"put {item_id}"

        def delete(self, item_id: int) -> tuple[str, int]:
            return "", 204

        def trace(self, item_id: int) -> str:
            return f"trace {item_id}"

    app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item"))
    assert client.get("/items/3").text == "get 3"
    assert client.put("/items/4").text == "put 4"
    assert client.delete("/items/5").status_code == 204
    assert client.open("/items/6", method="TRACE").text == "trace 6"


@pytest.mark.clause("methodview.dispatch_request.head_fallback")
def test_head_falls_back_to_get(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    calls: list[str] = []

    class Page(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            calls.append("get")
            return "twelve bytes"

    app.add_url_rule("/", view_func=Page.as_view("page"))
    response = client.head("/")
    assert (response.status_code, response.data) == (200, b"")
    assert response.content_length == 12
    assert calls == ["get"]


@pytest.mark.clause(
    "methodview.detection.head",
    "methodview.dispatch_request.head_fallback",
    "methodview.dispatch_request.returns",
)
def test_explicit_head_handler_is_used(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Page(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "body"

        def head(self) -> tuple[str, int, dict[str, str]]:
            return "", 204, {"X-Handler": "head"}

    assert Page.methods == {"GET", "HEAD"}
    app.add_url_rule("/", view_func=Page.as_view("page"))
    response = client.head("/")
    assert response.status_code == 204
    assert response.headers["X-Handler"] == "head"


@pytest.mark.clause("methodview.dispatch_request.raises")
def test_unimplemented_method_raises_assertion_error(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Half(views.MethodView):  # type: ignore[name-defined,misc]
        methods = ["GET", "POST"]

        def get(self) -> str:
            return "got"

    app.add_url_rule("/", view_func=Half.as_view("half"))
    with unimplemented(views, "POST"):
        client.post("/")

    app.testing = False  # outside testing mode the client sees a plain 500
    assert client.post("/").status_code == 500
    app.config["PROPAGATE_EXCEPTIONS"] = True  # ...unless exceptions propagate
    with unimplemented(views, "POST"):
        client.post("/")
    app.config["PROPAGATE_EXCEPTIONS"] = None  # the default: testing or debug
    app.debug = True
    with unimplemented(views, "POST"):
        client.post("/")


@pytest.mark.clause(
    "methodview.dispatch_request.head_fallback",
    "methodview.dispatch_request.raises",
)
def test_unimplemented_head_without_get_raises(views: ModuleType, app: Flask) -> None:
    class PostOnly(views.MethodView):  # type: ignore[name-defined,misc]
        methods = ["POST", "HEAD"]

        def post(self) -> str:
            return "posted"

    app.add_url_rule("/", view_func=PostOnly.as_view("post_only"))
    with unimplemented(views, "HEAD"):
        app.test_client().head("/")


UNDER_OPTIMISATION = textwrap.dedent(
    """
    import importlib, sys
    from flask import Flask

    for module in sys.argv[1:]:
        views = importlib.import_module(module)

        class Half(views.MethodView):
            methods = ["GET", "POST"]

            def get(self):
                return "got"

        app = Flask(__name__)
        app.testing = True
        app.add_url_rule("/", view_func=Half.as_view("half"))
        try:
            app.test_client().post("/")
        except Exception as error:
            print(module, type(error).__name__)
    """
)


@functools.cache
def errors_under_optimisation() -> dict[str, str]:
    """Each implementation's error under ``python -O``, from one fresh process."""
    result = subprocess.run(
        [sys.executable, "-O", "-c", UNDER_OPTIMISATION, "viewlib", "flask.views"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).parents[1],  # import this checkout's viewlib
    )
    return dict(line.split() for line in result.stdout.splitlines())


@pytest.mark.clause("methodview.dispatch_request.raises")
@pytest.mark.parametrize(
    ("implementation", "expected"),
    [("viewlib", "AssertionError"), ("flask.views", "TypeError")],
)
def test_unimplemented_method_error_under_optimisation(
    implementation: str, expected: str
) -> None:
    # The one known difference: Flask's `assert` vanishes under python -O.
    assert errors_under_optimisation()[implementation] == expected


@pytest.mark.clause("view.methods.meaning", "methodview.detection.methods")
def test_unknown_method_is_405(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Page(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "page"

        def post(self) -> str:
            return "posted"

    app.add_url_rule("/", view_func=Page.as_view("page"))
    response = client.patch("/")
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_a_method_outside_http_method_funcs_reaches_its_handler(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    # http_method_funcs' comment: a method the route accepts that is not in
    # the set is still sent to the handler of that name, in lower case; only
    # the automatic methods leave it out.
    class Dav(views.MethodView):  # type: ignore[name-defined,misc]
        methods = ["GET", "PROPFIND"]

        def get(self) -> str:
            return "got"

        def propfind(self) -> str:
            return "propfind handled"

    class Detected(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "got"

        def propfind(self) -> str:
            return "propfind handled"

    assert "propfind" not in views.http_method_funcs
    assert Detected.methods == {"GET"}
    app.add_url_rule("/", view_func=Dav.as_view("dav"))
    response = client.open("/", method="PROPFIND")
    assert (response.status_code, response.text) == (200, "propfind handled")


@pytest.mark.clause(
    "view.provide_automatic_options.route_default",
    "methodview.detection.options",
)
def test_automatic_and_explicit_options(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Auto(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "auto"

    class Explicit(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "explicit"

        def options(self) -> tuple[str, int, dict[str, str]]:
            return "", 204, {"Allow": "GET, OPTIONS"}

    app.add_url_rule("/auto", view_func=Auto.as_view("auto"))
    app.add_url_rule("/explicit", view_func=Explicit.as_view("explicit"))
    assert set(client.options("/auto").allow) == {"GET", "HEAD", "OPTIONS"}
    response = client.options("/explicit")
    assert (response.status_code, response.headers["Allow"]) == (204, "GET, OPTIONS")


@pytest.mark.clause(
    "methodview.detection.methods",
    "methodview.dispatch_request.by_method",
    "methodview.dispatch_request.kwargs",
)
@pytest.mark.parametrize("every_request", [True, False])
def test_async_handlers(
    views: ModuleType, app: Flask, client: FlaskClient, every_request: bool
) -> None:
    class Async(views.MethodView):  # type: ignore[name-defined,misc]
        init_every_request = every_request

        async def get(self, name: str) -> str:
            return f"got {name}"

        async def post(self, name: str) -> tuple[str, int]:
            return f"made {name}", 201

    assert Async.methods == {"GET", "POST"}
    app.add_url_rule("/<name>", view_func=Async.as_view("async"))
    assert client.get("/x").text == "got x"
    assert (client.post("/y").status_code, client.post("/y").text) == (201, "made y")
    assert client.head("/z").status_code == 200


@pytest.mark.clause(
    "view.as_view.returns",
    "methodview.rest",
    "methodview.dispatch_request.kwargs",
)
def test_one_view_function_on_several_rules(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Users(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self, user_id: int | None) -> dict[str, Any]:
            return {"user": user_id}

        def post(self) -> tuple[str, int]:
            return "created", 201

    view = Users.as_view("users")
    app.add_url_rule(
        "/users/", defaults={"user_id": None}, view_func=view, methods=["GET"]
    )
    app.add_url_rule("/users/", view_func=view, methods=["POST"])
    app.add_url_rule("/users/<int:user_id>", view_func=view, methods=["GET"])
    assert client.get("/users/").json == {"user": None}
    assert client.get("/users/9").json == {"user": 9}
    assert client.post("/users/").status_code == 201
    assert client.get("/users/nine").status_code == 404


def test_as_view_shares_the_class_methods_set_rather_than_copying_it(
    views: ModuleType,
) -> None:
    """Chapter 4, "Which methods a class accepts": no copy is made."""

    class Shelf(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "the shelf"

        def post(self) -> str:
            return "added"

    view = Shelf.as_view("shelf")
    assert view.methods is Shelf.methods
    Shelf.methods.discard("POST")  # in place: both see it
    assert view.methods == {"GET"}
    Shelf.methods = {"GET", "POST"}  # rebound: the function keeps the old set
    assert view.methods == {"GET"}
