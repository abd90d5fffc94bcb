"""Conformance tests: how ``methods`` and ``provide_automatic_options`` steer routing.

A class-based view only *declares* these; Flask's ``add_url_rule`` reads them
off the generated function. Each test runs against viewlib and flask.views.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from tests.flask_release import FLASK_3_2


def echo_view(views: ModuleType, **attributes: Any) -> Any:
    """A View subclass answering with the request method, with *attributes* set."""

    def dispatch_request(self: Any) -> str:
        return f"{request.method} handled"

    return type(
        "Echo", (views.View,), {"dispatch_request": dispatch_request, **attributes}
    )


@pytest.mark.clause(
    "view.methods.default",
    "view.methods.route_default",
    "view.provide_automatic_options.route_default",
)
def test_default_methods_are_get_head_options(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    app.add_url_rule("/", view_func=echo_view(views).as_view("echo"))

    assert client.get("/").text == "GET handled"
    head = client.head("/")
    assert (head.status_code, head.data) == (200, b"")
    options = client.options("/")
    assert options.status_code == 200
    assert set(options.allow) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.clause("view.methods.route_default")
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
def test_method_not_listed_is_405_with_allow_header(
    views: ModuleType, app: Flask, client: FlaskClient, method: str
) -> None:
    app.add_url_rule("/", view_func=echo_view(views).as_view("echo"))
    response = client.open("/", method=method)
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.clause("view.methods.type", "view.methods.meaning")
@pytest.mark.parametrize(
    "declared", [["GET", "POST"], ("get", "post"), {"POST", "GET"}]
)
def test_methods_attribute_sets_the_route_methods(
    views: ModuleType, app: Flask, client: FlaskClient, declared: Any
) -> None:
    app.add_url_rule("/", view_func=echo_view(views, methods=declared).as_view("echo"))
    assert client.post("/").text == "POST handled"
    assert client.get("/").text == "GET handled"
    assert set(client.options("/").allow) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert client.put("/").status_code == 405


@pytest.mark.clause("view.methods.meaning")
def test_post_only_view_gets_no_head(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    app.add_url_rule("/", view_func=echo_view(views, methods=["POST"]).as_view("echo"))
    assert client.get("/").status_code == 405
    assert client.head("/").status_code == 405
    assert set(client.options("/").allow) == {"POST", "OPTIONS"}


@pytest.mark.clause("view.methods.meaning")
def test_add_url_rule_methods_override_the_class(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    view = echo_view(views, methods=["GET", "POST"]).as_view("echo")
    app.add_url_rule("/", view_func=view, methods=["PUT"])
    assert client.put("/").text == "PUT handled"
    assert client.post("/").status_code == 405


# How an OPTIONS request is answered, by the class's provide_automatic_options
# and whether its `methods` list OPTIONS: (status, body, Allow) or a 405.
AUTOMATIC = (200, "", {"GET", "HEAD", "OPTIONS"})
TO_THE_VIEW = (200, "OPTIONS handled", None)
REFUSED = (405, None, {"GET", "HEAD"})


@pytest.mark.clause(
    "view.provide_automatic_options.type",
    "view.provide_automatic_options.meaning",
    "view.provide_automatic_options.route_default",
)
@pytest.mark.parametrize(
    ("attribute", "listed", "expected"),
    [
        (None, False, AUTOMATIC),  # Flask adds OPTIONS and answers it
        (False, False, REFUSED),  # nobody adds OPTIONS
        # True: up to Flask 3.1 it answers OPTIONS but does not add it to the
        # route; from 3.2 it adds it too.
        (True, False, AUTOMATIC if FLASK_3_2 else REFUSED),
        (None, True, TO_THE_VIEW),  # a listed OPTIONS is the view's job
        (False, True, TO_THE_VIEW),
        (True, True, AUTOMATIC),  # ...unless automatic answers are forced
    ],
)
def test_options_handling(
    views: ModuleType,
    app: Flask,
    client: FlaskClient,
    attribute: bool | None,
    listed: bool,
    expected: tuple[int, str | None, set[str] | None],
) -> None:
    methods = ["GET", "OPTIONS"] if listed else None
    view = echo_view(views, methods=methods, provide_automatic_options=attribute)
    app.add_url_rule("/", view_func=view.as_view("echo"))
    response = client.options("/")
    status, body, allow = expected
    assert response.status_code == status
    if body is not None:
        assert response.text == body
    if allow is not None:
        assert set(response.allow) == allow


def requires_options(view: Any) -> Any:
    """A decorator that, like flask-cors's ``cross_origin``, asks for OPTIONS."""
    view.required_methods = {"OPTIONS"}
    return view


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [(None, AUTOMATIC), (False, TO_THE_VIEW), (True, AUTOMATIC)],
)
def test_options_from_required_methods_whatever_the_setting(
    views: ModuleType,
    app: Flask,
    client: FlaskClient,
    attribute: bool | None,
    expected: tuple[int, str, set[str] | None],
) -> None:
    # Chapter 1 and viewlib's provide_automatic_options comment: with methods
    # alone, True adds no OPTIONS up to Flask 3.1 (test_options_handling),
    # but add_url_rule adds a view function's required_methods whatever the
    # setting, so OPTIONS reaches the route, and True answers it on every
    # release.
    view = echo_view(views, provide_automatic_options=attribute)
    view.decorators = [requires_options]
    app.add_url_rule("/", view_func=view.as_view("echo"))
    response = client.options("/")
    assert (response.status_code, response.text) == expected[:2]
    rule = next(app.url_map.iter_rules("echo"))
    assert set(rule.methods or ()) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.clause("view.provide_automatic_options.meaning")
@pytest.mark.parametrize(
    ("attribute", "listed_body"),
    [(None, "OPTIONS handled"), (True, ""), (False, "OPTIONS handled")],
)
def test_app_config_provide_automatic_options(
    views: ModuleType,
    app: Flask,
    client: FlaskClient,
    attribute: bool | None,
    listed_body: str,
) -> None:
    if "PROVIDE_AUTOMATIC_OPTIONS" not in app.config:
        pytest.skip(
            "this Flask has no PROVIDE_AUTOMATIC_OPTIONS setting (added in 3.1)"
        )
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    plain = echo_view(views, provide_automatic_options=attribute)
    listed = echo_view(
        views, methods=["GET", "OPTIONS"], provide_automatic_options=attribute
    )
    app.add_url_rule("/plain", view_func=plain.as_view("plain"))
    app.add_url_rule("/listed", view_func=listed.as_view("listed"))
    # With the setting off, an unlisted OPTIONS is not routed, unless (from
    # Flask 3.2) the class sets provide_automatic_options = True...
    plain_status = 200 if FLASK_3_2 and attribute else 405
    assert client.options("/plain").status_code == plain_status
    # ...and a listed one reaches the view unless the class forces automatic.
    response = client.options("/listed")
    assert (response.status_code, response.text) == (200, listed_body)


@pytest.mark.clause("view.provide_automatic_options.meaning")
def test_automatic_options_off_and_an_options_method(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    # Chapter 3, "What as_view sets after the decorators run" (Quiet): with
    # provide_automatic_options = False, OPTIONS gets a 405 unless it is in the
    # view's methods. A View's options method changes nothing; a MethodView's
    # options handler puts OPTIONS in its methods, and then answers it.
    class QuietView(views.View):  # type: ignore[name-defined,misc]
        provide_automatic_options = False

        def options(self) -> str:
            return "never called"

        def dispatch_request(self) -> str:
            return "quiet"

    class QuietMethodView(views.MethodView):  # type: ignore[name-defined,misc]
        provide_automatic_options = False

        def get(self) -> str:
            return "quiet"

        def options(self) -> str:
            return "from options"

    app.add_url_rule("/view", view_func=QuietView.as_view("view"))
    app.add_url_rule("/method-view", view_func=QuietMethodView.as_view("method_view"))
    assert client.options("/view").status_code == 405
    assert "OPTIONS" in QuietMethodView.methods
    response = client.options("/method-view")
    assert (response.status_code, response.text) == (200, "from options")


def test_empty_methods_list_defers_to_add_url_rule(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    # viewlib/views.py, View.methods: "None (or an empty list) defers to
    # add_url_rule".
    app.add_url_rule("/", view_func=echo_view(views, methods=[]).as_view("echo"))
    assert client.get("/").text == "GET handled"
    assert set(client.options("/").allow) == {"GET", "HEAD", "OPTIONS"}
    assert client.post("/").status_code == 405


def test_a_class_registered_directly_is_called_with_the_url_variables(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    # viewlib/views.py's module docstring: if the rule has URL variables that
    # __init__ does not take, the call raises TypeError; otherwise (an
    # __init__ that takes them, or a rule without any) it returns an
    # instance, which is not a response: Flask raises TypeError, unless the
    # instance is callable, when Flask runs it as a WSGI application.
    def dispatch_request(self: Any, name: str) -> str:
        return f"Hello, {name}"

    def init(self: Any, name: str) -> None:
        self.name = name

    bare = type("Bare", (views.View,), {"dispatch_request": dispatch_request})
    taking = type(
        "Taking",
        (views.View,),
        {"dispatch_request": dispatch_request, "__init__": init},
    )
    app.add_url_rule("/bare/<name>", view_func=bare)
    app.add_url_rule("/taking/<name>", view_func=taking)
    app.add_url_rule("/no-variables", view_func=bare)

    def wsgi_call(self: Any, environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"run as a WSGI application"]

    callable_instance = type(
        "CallableInstance",
        (views.View,),
        {"dispatch_request": dispatch_request, "__call__": wsgi_call},
    )
    app.add_url_rule("/callable", view_func=callable_instance)
    with pytest.raises(TypeError, match="takes no arguments"):
        client.get("/bare/Ada")
    with pytest.raises(TypeError, match="did not return a valid response"):
        client.get("/taking/Ada")
    with pytest.raises(TypeError, match="but it was a Bare"):
        client.get("/no-variables")
    response = client.get("/callable")
    assert (response.status_code, response.text) == (200, "run as a WSGI application")
