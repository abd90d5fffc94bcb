"""Conformance tests for ``View``: attributes, as_view, instance lifetime, decorators.

Each test runs against viewlib and flask.views (see conftest.py).
"""

from __future__ import annotations

import functools
import gc
import re
import sys
import typing
import weakref
from types import ModuleType
from typing import Any

import flask.views
import pytest
from flask import Blueprint, Flask, url_for
from flask.testing import FlaskClient


@pytest.mark.clause(
    "view.methods.default",
    "view.provide_automatic_options.default",
    "view.decorators.default",
    "view.init_every_request.default",
)
def test_class_attribute_defaults(views: ModuleType) -> None:
    assert views.View.methods is None
    assert views.View.provide_automatic_options is None
    assert views.View.decorators == []
    assert views.View.init_every_request is True


def _annotated_names(cls: type) -> set[str]:
    """The attribute names a class and its bases annotate, not evaluated."""
    return {
        name for klass in cls.__mro__ for name in vars(klass).get("__annotations__", {})
    }


@pytest.mark.parametrize("name", ["View", "MethodView"])
def test_type_hints_evaluate_and_name_flasks_attributes(
    views: ModuleType, name: str
) -> None:
    """api.md, "Differences from flask.views" (type hints are not one):
    ``typing.get_type_hints`` evaluates viewlib's class annotations on every
    supported Python, 3.9 included, and they name the attributes flask.views
    annotates. Flask's own evaluate too, except where they are written
    ``X | None`` and the Python is older than 3.10 (a ``TypeError``)."""
    cls = getattr(views, name)
    flask_cls = getattr(flask.views, name)
    expected = _annotated_names(flask_cls)
    assert {"methods", "provide_automatic_options", "decorators"} <= expected
    raw = [
        str(text)
        for klass in flask_cls.__mro__
        for text in vars(klass).get("__annotations__", {}).values()
    ]
    if (
        views is flask.views
        and sys.version_info < (3, 10)
        and any(" | " in t for t in raw)
    ):
        with pytest.raises(TypeError):
            typing.get_type_hints(cls)
    else:
        assert set(typing.get_type_hints(cls)) == expected


@pytest.mark.clause("view.dispatch_request.signature", "view.dispatch_request.override")
def test_base_dispatch_request_raises_not_implemented(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    with pytest.raises(NotImplementedError):
        views.View().dispatch_request()

    app.add_url_rule("/", view_func=views.View.as_view("bare"))
    with pytest.raises(NotImplementedError):
        client.get("/")


@pytest.mark.clause(
    "view.subclass",
    "view.dispatch_request.url_variables",
    "view.dispatch_request.returns",
)
def test_url_variables_arrive_as_keyword_arguments(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Item(views.View):  # type: ignore[name-defined,misc]
        def dispatch_request(self, **kwargs: Any) -> dict[str, Any]:
            return kwargs

    app.add_url_rule("/<kind>/<int:number>", view_func=Item.as_view("item"))
    assert client.get("/book/7").json == {"kind": "book", "number": 7}


@pytest.mark.clause(
    "view.subclass",
    "view.dispatch_request.url_variables",
    "view.dispatch_request.returns",
    "view.as_view.converts",
    "view.as_view.name",
    "view.as_view.returns",
)
def test_as_view_name_is_the_endpoint(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    class Hello(views.View):  # type: ignore[name-defined,misc]
        init_every_request = False

        def dispatch_request(self, name: str) -> str:
            return f"Hello, {name}! ({url_for('hello', name='x')})"

    app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
    assert "hello" in app.view_functions
    assert client.get("/hello/World").text == "Hello, World! (/hello/x)"


@pytest.mark.clause(
    "view.methods.type",
    "view.provide_automatic_options.type",
    "view.as_view.converts",
    "view.as_view.returns",
)
def test_view_function_metadata(views: ModuleType) -> None:
    class Report(views.View):  # type: ignore[name-defined,misc]
        """Monthly report."""

        methods = ["GET", "POST"]
        provide_automatic_options = False

    view = Report.as_view("report")
    assert view.__name__ == "report"
    assert view.__doc__ == "Monthly report."
    assert view.__module__ == __name__
    assert view.view_class is Report
    assert view.methods == ["GET", "POST"]
    assert view.provide_automatic_options is False


@pytest.mark.clause("view.methods.default", "view.provide_automatic_options.default")
def test_view_function_metadata_without_docstring(views: ModuleType) -> None:
    class Plain(views.View):  # type: ignore[name-defined,misc]
        pass

    view = Plain.as_view("plain")
    assert view.__doc__ is None
    assert view.methods is None
    assert view.provide_automatic_options is None


@pytest.mark.clause(
    "view.as_view.signature",
    "view.as_view.forwarding",
    "view.as_view.class_args",
    "view.as_view.class_kwargs",
)
@pytest.mark.parametrize("every_request", [True, False])
def test_arguments_are_forwarded_to_init(
    views: ModuleType, app: Flask, client: FlaskClient, every_request: bool
) -> None:
    class Greeting(views.View):  # type: ignore[name-defined,misc]
        init_every_request = every_request  # both branches of as_view build

        def __init__(self, word: str, *, punctuation: str = ".") -> None:
            self.text = word + punctuation

        def dispatch_request(self) -> str:
            return str(self.text)

    app.add_url_rule("/hi", view_func=Greeting.as_view("hi", "Hi"))
    app.add_url_rule("/bye", view_func=Greeting.as_view("bye", "Bye", punctuation="!"))
    assert client.get("/hi").text == "Hi."
    assert client.get("/bye").text == "Bye!"


class LifetimeProbe:
    """Records every instance created and every request each one served."""

    def __init__(self) -> None:
        self.created: list[object] = []
        self.served: list[int] = []


def make_counting_view(views: ModuleType, every_request: bool) -> Any:
    class Counting(views.View):  # type: ignore[name-defined,misc]
        init_every_request = every_request

        def __init__(self, probe: LifetimeProbe) -> None:
            probe.created.append(self)
            self.probe = probe

        def dispatch_request(self) -> str:
            self.probe.served.append(id(self))
            return str(len(self.probe.created))

    return Counting


@pytest.mark.clause(
    "view.init_every_request.type",
    "view.init_every_request.default",
    "view.init_every_request.per_request",
    "view.as_view.per_request",
    "view.as_view.class_args",
)
def test_new_instance_for_every_request_by_default(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    probe = LifetimeProbe()
    view = make_counting_view(views, every_request=True).as_view("count", probe)
    assert probe.created == []  # nothing is built until a request arrives
    app.add_url_rule("/", view_func=view)
    assert [client.get("/").text for _ in range(3)] == ["1", "2", "3"]
    assert len(set(probe.served)) == 3


@pytest.mark.clause(
    "view.init_every_request.type",
    "view.init_every_request.shared",
    "view.init_every_request.setup_once",
    "view.as_view.shared",
    "view.as_view.class_args",
)
def test_one_shared_instance_when_init_every_request_is_false(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    probe = LifetimeProbe()
    counting = make_counting_view(views, every_request=False)
    view = counting.as_view("count", probe)
    assert len(probe.created) == 1  # built by as_view, before any request
    app.add_url_rule("/", view_func=view)
    assert [client.get("/").text for _ in range(3)] == ["1", "1", "1"]
    assert probe.served == [id(probe.created[0])] * 3

    counting.as_view("another", probe)  # each as_view call builds its own
    assert len(probe.created) == 2


def test_a_per_request_instance_is_dropped_when_the_view_returns(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    # Chapter 2: each request builds an instance for its own view call.
    # Nothing keeps it once the view has returned: after_request finds it
    # gone even after a collection (so no reference, not just no refcount).
    events: list[str] = []

    class Tracked(views.View):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            weakref.finalize(self, events.append, "instance dropped")

        def dispatch_request(self) -> str:
            events.append("dispatch_request")
            return "ok"

    @app.after_request
    def after(response: Any) -> Any:
        gc.collect()
        events.append("after_request")
        return response

    app.add_url_rule("/", view_func=Tracked.as_view("tracked"))
    assert client.get("/").text == "ok"
    assert events == ["dispatch_request", "instance dropped", "after_request"]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("/x", "missing 1 required positional argument: 'word'"),
        ("/x/<slug>", "got an unexpected keyword argument 'slug'"),
    ],
)
def test_a_class_registered_directly_fails_when_the_url_does_not_fit_init(
    views: ModuleType, app: Flask, client: FlaskClient, rule: str, expected: str
) -> None:
    # viewlib's module docstring: calling the class with URL variables that
    # do not fit __init__'s parameters raises TypeError (Python's).
    class NeedsWord(views.View):  # type: ignore[name-defined,misc]
        def __init__(self, word: str) -> None:
            self.word = word

        def dispatch_request(self) -> str:
            return self.word

    app.add_url_rule(rule, view_func=NeedsWord)
    with pytest.raises(TypeError, match=re.escape(expected)):
        client.get(rule.replace("<slug>", "intro"))


def test_a_class_registered_directly_returns_an_instance_flask_rejects(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    # viewlib's module docstring: when the variables fit, the call returns an
    # instance, which Flask does not accept as a response.
    class Page(views.View):  # type: ignore[name-defined,misc]
        def __init__(self, slug: str) -> None:
            self.slug = slug

        def dispatch_request(self) -> str:
            return self.slug

    app.add_url_rule("/pages/<slug>", view_func=Page)
    with pytest.raises(TypeError, match="return type must be a string, dict, list"):
        client.get("/pages/intro")


def test_the_name_is_the_endpoint_unless_given_and_a_blueprint_prefixes_it(
    views: ModuleType,
) -> None:
    # as_view's docstring: the name becomes the function's __name__, which
    # add_url_rule uses as the endpoint unless endpoint= is given; a
    # blueprint puts its own name in front.
    class Hi(views.View):  # type: ignore[name-defined,misc]
        def dispatch_request(self) -> str:
            return "hi"

    app = Flask(__name__)
    admin = Blueprint("admin", __name__)
    admin.add_url_rule("/hi", view_func=Hi.as_view("hi"))
    app.add_url_rule("/hi", view_func=Hi.as_view("hi"))
    app.add_url_rule("/other", endpoint="other", view_func=Hi.as_view("hi"))
    app.register_blueprint(admin, url_prefix="/admin")
    assert app.view_functions["other"].__name__ == "hi"
    endpoints = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints["/hi"] == "hi"
    assert endpoints["/other"] == "other"
    assert endpoints["/admin/hi"] == "admin.hi"
    with app.test_request_context():
        assert url_for("admin.hi") == "/admin/hi"


@pytest.mark.clause("view.decorators.type", "view.decorators.order")
def test_decorators_apply_in_list_order(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    calls: list[str] = []

    def tag(label: str) -> Any:
        def decorator(func: Any) -> Any:
            def wrapper(**kwargs: Any) -> Any:
                calls.append(label)
                return func(**kwargs)

            return wrapper

        return decorator

    class Tagged(views.View):  # type: ignore[name-defined,misc]
        decorators = [tag("first"), tag("second")]

        def dispatch_request(self) -> str:
            calls.append("view")
            return "ok"

    app.add_url_rule("/", view_func=Tagged.as_view("tagged"))
    assert client.get("/").text == "ok"
    # Like @second above @first: the first decorator is the innermost.
    assert calls == ["second", "first", "view"]


@pytest.mark.clause(
    "view.decorators.order",
    "view.as_view.name",
    "view.decorators.type",
)
def test_decorators_see_the_endpoint_name_and_metadata_lands_outside(
    views: ModuleType,
) -> None:
    seen: list[tuple[str, str]] = []

    def remember(func: Any) -> Any:
        seen.append((func.__name__, func.__module__))

        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            return func(**kwargs)

        return wrapper

    class Decorated(views.View):  # type: ignore[name-defined,misc]
        """Doc."""

        decorators = [remember]
        methods = ["POST"]

    view = Decorated.as_view("decorated")
    assert seen == [("decorated", __name__)]
    assert view.__wrapped__.__doc__ is None  # docstring set on the outer only
    assert (view.__name__, view.__doc__) == ("decorated", "Doc.")
    assert view.view_class is Decorated
    assert view.methods == ["POST"]


def test_decorators_see_the_name_even_when_endpoint_is_given(
    views: ModuleType, app: Flask, client: FlaskClient
) -> None:
    # Chapter 1, "endpoint=": add_url_rule's endpoint= does not reach the
    # decorators, which see the name given to as_view, so one name used twice
    # is one key to a decorator that counts by name (chapter 3's count_hits).
    hits: dict[str, int] = {}

    def count_hits(view: Any) -> Any:
        name = view.__name__
        hits[name] = 0

        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            hits[name] += 1
            return view(**kwargs)

        return wrapper

    class Page(views.View):  # type: ignore[name-defined,misc]
        decorators = [count_hits]

        def dispatch_request(self) -> str:
            return "page"

    app.add_url_rule("/a", endpoint="a", view_func=Page.as_view("hi"))
    app.add_url_rule("/b", endpoint="b", view_func=Page.as_view("hi"))
    for path in ("/a", "/b", "/b"):
        assert client.get(path).text == "page"
    assert hits == {"hi": 3}
    assert {"a", "b"} <= set(app.view_functions)


def passthrough(func: Any) -> Any:
    """A decorator that changes nothing, to show swaps survive decoration."""
    return functools.wraps(func)(lambda **kwargs: func(**kwargs))


@pytest.mark.clause(
    "view.as_view.per_request",
    "view.as_view.shared",
    "view.init_every_request.per_request",
    "view.init_every_request.shared",
)
@pytest.mark.parametrize(
    ("every_request", "decorators", "after_swap"),
    [(True, [], "fake"), (True, [passthrough], "fake"), (False, [], "real")],
    ids=["per-request", "per-request-decorated", "shared-instance"],
)
def test_swapping_view_class_only_affects_per_request_views(
    views: ModuleType,
    app: Flask,
    client: FlaskClient,
    every_request: bool,
    decorators: list[Any],
    after_swap: str,
) -> None:
    class Real(views.View):  # type: ignore[name-defined,misc]
        init_every_request = every_request

        def dispatch_request(self) -> str:
            return "real"

    class Fake(Real):
        def dispatch_request(self) -> str:
            return "fake"

    Real.decorators = decorators
    view = Real.as_view("swap")
    app.add_url_rule("/", view_func=view)
    assert client.get("/").text == "real"
    view.view_class = Fake
    assert client.get("/").text == after_swap


@pytest.mark.clause("view.as_view.name")
def test_endpoint_name_collision_is_an_error(views: ModuleType, app: Flask) -> None:
    class Page(views.View):  # type: ignore[name-defined,misc]
        def dispatch_request(self) -> str:
            return "page"

    view = Page.as_view("page")
    app.add_url_rule("/a", view_func=view)
    app.add_url_rule("/b", view_func=view)  # the same function twice is fine
    with pytest.raises(AssertionError, match="overwriting an existing endpoint"):
        app.add_url_rule("/c", view_func=Page.as_view("page"))  # noqa: CBV107  the error under test


@pytest.mark.clause("view.dispatch_request.url_variables")
@pytest.mark.parametrize("every_request", [True, False])
def test_async_dispatch_request(
    views: ModuleType, app: Flask, client: FlaskClient, every_request: bool
) -> None:
    # A shared instance (init_every_request = False) takes the other branch
    # of as_view, which needs its own ensure_sync.
    class Slow(views.View):  # type: ignore[name-defined,misc]
        init_every_request = every_request

        async def dispatch_request(self, name: str) -> str:
            return f"async {name}"

    app.add_url_rule("/<name>", view_func=Slow.as_view("slow"))
    assert client.get("/hello").text == "async hello"
