# SPDX-License-Identifier: MIT
"""The check for exercise 9: run it with ``pytest chapters/exercises/09-make-view``.

Five of its tests build a view function twice, with your ``make_view`` and
with Flask's own ``as_view``, serve each on an app of its own, send both the
same requests and compare the answers. The others check one behaviour of
your ``make_view`` alone (constructor arguments, the attributes it copies,
two endpoints, instances per request, ``view_class``, async). The classes
are the check's own.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable
from functools import wraps
from types import ModuleType
from typing import Any, ClassVar

import pytest
from flask import Flask, make_response, url_for
from flask.typing import ResponseReturnValue
from flask.views import MethodView, View
from markupsafe import escape

Answer = tuple[int, str, list[str], list[str]]


def build(exercise: ModuleType, cls: type, name: str, *args: Any, **kwargs: Any) -> Any:
    """make_view(cls, name, ...); an exception becomes a message that says so."""
    try:
        return exercise.make_view(cls, name, *args, **kwargs)
    except Exception as error:
        raise AssertionError(
            f"make_view({cls.__name__}, {name!r}, ...) raised "
            f"{type(error).__name__}: {error}"
        ) from error


def serve(view_func: Any, rule: str = "/") -> Flask:
    app = Flask(__name__)
    app.testing = True  # an exception in a view reaches this check
    app.add_url_rule(rule, view_func=view_func)
    return app


def answers(app: Flask, requests: list[tuple[str, str]]) -> list[Answer]:
    """Status, body, Allow header and X-Stamp headers of each (method, url)."""
    client = app.test_client()
    result = []
    for method, url in requests:
        try:
            response = client.open(url, method=method)
        except Exception as error:
            raise AssertionError(
                f"{method} {url} crashed the view made by make_view "
                f"({type(error).__name__}: {error})"
            ) from error
        stamps = response.headers.getlist("X-Stamp")
        result.append(
            (response.status_code, response.text, sorted(response.allow), stamps)
        )
    return result


def compare(
    exercise: ModuleType,
    cls: type,
    requests: list[tuple[str, str]],
    rule: str = "/",
    args: tuple[Any, ...] = (),
    what: str = "",
) -> None:
    """The same requests to make_view's function and to as_view's agree."""
    yours = answers(serve(build(exercise, cls, "view", *args), rule), requests)
    flasks = answers(serve(cls.as_view("view", *args), rule), requests)  # type: ignore[attr-defined]
    for (method, url), mine, theirs in zip(requests, yours, flasks):
        assert mine == theirs, (
            f"{method} {url} to {cls.__name__} ({what}) got "
            f"(status, body, Allow, X-Stamp) = {mine} from your make_view, "
            f"and {theirs} from as_view"
        )


def stamp(label: str) -> Callable[[Any], Any]:
    """A decorator that adds an X-Stamp header: label and the name it wraps."""

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapper(**kwargs: Any) -> ResponseReturnValue:
            response = make_response(view(**kwargs))
            response.headers.add("X-Stamp", f"{label}:{view.__name__}")
            return response

        return wrapper

    return decorator


class Hello(View):
    """Greets whoever the URL names."""

    def dispatch_request(self, name: str) -> ResponseReturnValue:  # type: ignore[override]
        return f"Hello, {escape(name)}!"


class Greeting(View):
    def __init__(self, word: str, mark: str = "!") -> None:
        self.word = word
        self.mark = mark

    def dispatch_request(self) -> ResponseReturnValue:
        return self.word + self.mark


def test_url_variables_reach_dispatch_request(exercise: ModuleType) -> None:
    requests = [("GET", "/hello/Ada"), ("GET", "/hello/<b>")]
    compare(exercise, Hello, requests, "/hello/<name>", what="step 1")


def test_constructor_arguments_reach_init(exercise: ModuleType) -> None:
    view = build(exercise, Greeting, "hi", "Hi", mark="?")
    text = serve(view).test_client().get("/").text
    assert text == "Hi?", (
        f"make_view(Greeting, 'hi', 'Hi', mark='?') answered {text!r}, not "
        "'Hi?': pass the extra arguments on to the class, Greeting('Hi', mark='?')"
    )


def test_the_function_carries_the_class_attributes(exercise: ModuleType) -> None:
    view = build(exercise, Hello, "hello")
    found = {
        "__name__": getattr(view, "__name__", None),
        "__doc__": getattr(view, "__doc__", None),
        "__module__": getattr(view, "__module__", None),
        "view_class": getattr(view, "view_class", None),
        "methods": getattr(view, "methods", "(missing)"),
        "provide_automatic_options": getattr(
            view, "provide_automatic_options", "(missing)"
        ),
    }
    expected = {
        "__name__": "hello",
        "__doc__": Hello.__doc__,
        "__module__": Hello.__module__,
        "view_class": Hello,
        "methods": None,
        "provide_automatic_options": None,
    }
    for attribute, value in expected.items():
        assert found[attribute] == value, (
            f"make_view(Hello, 'hello').{attribute} is {found[attribute]!r}, "
            f"not {value!r} (step 2)"
        )


def test_two_names_make_two_endpoints(exercise: ModuleType) -> None:
    hi = build(exercise, Greeting, "hi", "Hi")
    bye = build(exercise, Greeting, "bye", "Bye")
    app = Flask(__name__)
    try:
        app.add_url_rule("/hi", view_func=hi)
        app.add_url_rule("/bye", view_func=bye)
    except AssertionError as error:
        raise AssertionError(
            f"registering make_view(Greeting, 'hi', ...) and make_view(Greeting, "
            f"'bye', ...) on one app failed ({error}): the function's __name__ "
            "must be the name given, which add_url_rule takes as the endpoint"
        ) from error
    with app.test_request_context():
        assert url_for("bye") == "/bye", "url_for('bye') does not give /bye"
    said = app.test_client().get("/bye").text
    assert said == "Bye!", f"GET /bye answered {said!r}, not 'Bye!'"


def test_methods_reach_the_router(exercise: ModuleType) -> None:
    class Echo(View):
        methods: ClassVar[list[str]] = ["GET", "POST"]

        def dispatch_request(self) -> ResponseReturnValue:
            return "echo"

    class Quiet(Echo):
        provide_automatic_options = False

    requests = [("GET", "/"), ("POST", "/"), ("PUT", "/"), ("OPTIONS", "/")]
    compare(exercise, Echo, requests, what="a class with methods = ['GET', 'POST']")
    compare(exercise, Quiet, requests, what="provide_automatic_options = False")


def test_a_new_instance_for_every_request(exercise: ModuleType) -> None:
    built = []

    class Counted(View):
        def __init__(self) -> None:
            built.append(self)

        def dispatch_request(self) -> ResponseReturnValue:
            return str(len(built))

    client = serve(build(exercise, Counted, "counted")).test_client()
    texts = [client.get("/").text for _ in range(3)]
    assert texts == ["1", "2", "3"], (
        f"three requests built {len(built)} instances of a class with "
        "init_every_request = True (the default); each request needs its own "
        "(step 3)"
    )


def test_one_shared_instance(exercise: ModuleType) -> None:
    built = []

    class Shared(View):
        init_every_request = False

        def __init__(self, word: str) -> None:
            self.word = word
            self.calls = 0
            built.append(self)

        def dispatch_request(self) -> ResponseReturnValue:
            self.calls += 1  # noqa: CBV102  the test client sends one request at a time
            return f"{self.word} {self.calls}"

    view = build(exercise, Shared, "shared", "call")
    assert len(built) == 1, (
        f"make_view built {len(built)} instances of a class with "
        "init_every_request = False before any request, not 1: build it when "
        "make_view runs (step 3)"
    )
    client = serve(view).test_client()
    texts = [client.get("/").text for _ in range(3)]
    assert len(built) == 1, (
        f"three requests built {len(built) - 1} more instances of a class with "
        "init_every_request = False: every request uses the one instance"
    )
    assert texts == ["call 1", "call 2", "call 3"], (
        f"three requests answered {texts}, not ['call 1', 'call 2', 'call 3']"
    )


def test_view_class_is_read_for_each_request(exercise: ModuleType) -> None:
    class Loud(Hello):
        def dispatch_request(self, name: str) -> ResponseReturnValue:  # type: ignore[override]
            return f"HELLO, {escape(name.upper())}!"

    view = build(exercise, Hello, "hello")
    client = serve(view, "/hello/<name>").test_client()
    view.view_class = Loud
    text = client.get("/hello/ada").text
    assert text == "HELLO, ADA!", (
        f"after view.view_class = Loud, a request answered {text!r}, not "
        "'HELLO, ADA!': build the instance from view.view_class when the "
        "request comes (step 4)"
    )


def test_decorators_in_order(exercise: ModuleType) -> None:
    class Stamped(View):
        decorators: ClassVar[list[Callable[..., Any]]] = [
            stamp("inner"),
            stamp("outer"),
        ]

        def dispatch_request(self) -> ResponseReturnValue:
            return "stamped"

    app = serve(build(exercise, Stamped, "stamped"))
    got = app.test_client().get("/").headers.getlist("X-Stamp")
    expected = ["inner:stamped", "outer:stamped"]
    assert got == expected, (
        f"with decorators = [stamp('inner'), stamp('outer')] the response's "
        f"X-Stamp headers were {got}, not {expected}: apply the decorators in "
        "list order (the first is the innermost) to a function already named "
        "after the endpoint (step 5)"
    )
    compare(exercise, Stamped, [("GET", "/"), ("POST", "/")], what="decorators")


def test_attributes_survive_a_careless_decorator(exercise: ModuleType) -> None:
    def careless(view: Any) -> Any:
        def wrapper(**kwargs: Any) -> ResponseReturnValue:  # no functools.wraps
            return view(**kwargs)  # type: ignore[no-any-return]

        return wrapper

    class Post(View):
        methods: ClassVar[list[str]] = ["POST"]
        decorators: ClassVar[list[Callable[..., Any]]] = [careless]

        def dispatch_request(self) -> ResponseReturnValue:
            return "posted"

    view = build(exercise, Post, "post")
    assert getattr(view, "view_class", None) is Post, (
        "with a decorator that does not use functools.wraps, the function "
        "make_view returns has no view_class: set the attributes on the "
        "outermost function, after the decorators (step 5)"
    )
    compare(exercise, Post, [("POST", "/"), ("GET", "/")], what="a careless decorator")


def test_async_dispatch_request(exercise: ModuleType) -> None:
    if importlib.util.find_spec("asgiref") is None:
        pytest.fail(
            "async views need Flask's async extra, which is not installed: "
            'run  pip install "flask[async]"  first',
            pytrace=False,
        )

    class Later(View):
        async def dispatch_request(self) -> ResponseReturnValue:  # type: ignore[override]
            await asyncio.sleep(0)
            return "later"

    text = serve(build(exercise, Later, "later")).test_client().get("/").text
    assert text == "later", (
        f"an async dispatch_request answered {text!r}, not 'later': call it "
        "through current_app.ensure_sync(...) (step 6)"
    )


def test_method_views(exercise: ModuleType) -> None:
    class Notes(MethodView):
        def get(self) -> ResponseReturnValue:
            return "all notes"

        async def post(self) -> ResponseReturnValue:
            return "added", 201

    requests = [("GET", "/"), ("HEAD", "/"), ("POST", "/"), ("DELETE", "/")]
    if importlib.util.find_spec("asgiref") is None:
        requests.remove(("POST", "/"))  # test_async_dispatch_request says why
    compare(exercise, Notes, requests, what="a MethodView")
