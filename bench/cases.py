"""What the benchmark times: one statement per case, checked before it is timed.

Each case is built for both implementations (``flask.views`` and viewlib)
where it has a class in it, and at two layers:

- ``dispatch``: the view function alone, called inside an already pushed
  request context (what Flask's ``app.dispatch_request`` calls);
- ``request``: a whole request through ``app.wsgi_app``, as a WSGI server
  sends it, with the response read and closed.

``bookshelf`` is the GET of one book from chapter 12's app (SQLite in a
temporary folder), and the ``part`` cases time the pieces a dispatch is made
of, such as reading ``request.method`` through Flask's proxy.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import flask.views
from flask import Flask, current_app, request
from marshmallow import Schema, fields, validate
from werkzeug.test import EnvironBuilder

import viewlib

APPS = Path(__file__).parent.parent / "chapters" / "apps"
LAYERS = ("dispatch", "request", "bookshelf", "part")
IMPLEMENTATIONS: dict[str, ModuleType] = {
    "flask.views": flask.views,
    "viewlib": viewlib,
}


@dataclass
class Case:
    """One thing to time: ``stmt`` run in ``namespace``, inside ``context()``."""

    layer: str  # "dispatch", "request", "bookshelf" or "part"
    view: str  # "function", "View", "MethodView"; for a part, what it times
    init: str = ""  # "per-request" or "shared" (init_every_request True/False)
    init_cost: str = ""  # "trivial" or "expensive" __init__
    handler: str = ""  # "sync" or "async"
    implementation: str = ""  # "flask.views" or "viewlib"
    stmt: str = "run()"
    namespace: dict[str, Any] = field(default_factory=dict)
    #: What ``stmt`` evaluates to; checked once before timing (None: not checked).
    expected: Any = None
    context: Callable[[], AbstractContextManager[Any]] = nullcontext

    @property
    def id(self) -> str:
        parts = (self.layer, self.view, self.init, self.init_cost, self.handler)
        return "/".join(p for p in (*parts, self.implementation) if p)

    def check(self) -> None:
        """Run the statement once: a benchmark of a broken view is worthless."""
        with self.context():
            result = eval(self.stmt, self.namespace)
        if self.expected is not None and result != self.expected:
            raise AssertionError(f"{self.id}: {result!r} != {self.expected!r}")


# --- The views ----------------------------------------------------------------

#: Patterns a form or API checks its fields with.
PATTERNS = {
    "email": r"[^@\s]+@[^@\s]+\.[a-z]{2,}",
    "isbn": r"97[89]-?\d{9}[\dX]",
    "slug": r"[a-z0-9]+(?:-[a-z0-9]+)*",
    "year": r"(?:1[5-9]|20)\d\d",
}


class BookSchema(Schema):
    """A validator for a book, built with marshmallow."""

    title = fields.String(required=True, validate=validate.Length(1, 200))
    year = fields.Integer(required=True, validate=validate.Range(0, 2100))
    isbn = fields.String(validate=validate.Regexp(PATTERNS["isbn"]))
    author_id = fields.Integer(required=True, validate=validate.Range(min=1))


class ExpensiveInit:
    """A mixin whose ``__init__`` compiles patterns and builds a validator."""

    def __init__(self) -> None:
        # re keeps the patterns it compiled last, so after the first request
        # this line costs a cache lookup per pattern, not a compilation.
        self.patterns = {name: re.compile(p) for name, p in PATTERNS.items()}
        # A marshmallow schema copies its declared fields for each instance.
        self.schema = BookSchema()


def view_classes(views: ModuleType) -> Iterator[tuple[Case, Any]]:
    """Every class-based case for one implementation, with its class."""

    class Plain(views.View):  # type: ignore[name-defined,misc]
        def dispatch_request(self) -> str:
            return "ok"

    class AsyncPlain(views.View):  # type: ignore[name-defined,misc]
        async def dispatch_request(self) -> str:
            return "ok"

    class Resource(views.MethodView):  # type: ignore[name-defined,misc]
        def get(self) -> str:
            return "ok"

    class AsyncResource(views.MethodView):  # type: ignore[name-defined,misc]
        async def get(self) -> str:
            return "ok"

    kinds = [
        ("View", "sync", Plain),
        ("View", "async", AsyncPlain),
        ("MethodView", "sync", Resource),
        ("MethodView", "async", AsyncResource),
    ]
    for view, handler, base in kinds:
        # The expensive __init__ is timed with sync handlers only.
        costs = ["trivial", "expensive"] if handler == "sync" else ["trivial"]
        for init in ["per-request", "shared"]:
            for cost in costs:
                bases = (ExpensiveInit, base) if cost == "expensive" else (base,)
                attributes = {"init_every_request": init == "per-request"}
                cls = type(base.__name__, bases, attributes)
                case = Case("", view, init, cost, handler, views.__name__)
                yield case, cls


def ok() -> str:
    return "ok"


async def async_ok() -> str:
    return "ok"


# --- The two layers ---------------------------------------------------------------


def wsgi_runner(app: Flask, path: str) -> Callable[[], tuple[str, bytes]]:
    """A whole request to path, the way a WSGI server makes it."""
    environ = EnvironBuilder(path=path).get_environ()
    statuses: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], object]:
        statuses.append(status)
        return lambda data: None  # WSGI's write(), which Flask does not use

    def run() -> tuple[str, bytes]:
        # A server builds a new environ for each request: so does this copy.
        response = app.wsgi_app(environ.copy(), start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()  # type: ignore[attr-defined]
        return statuses.pop(), body

    return run


def dispatch_and_request_cases() -> Iterator[Case]:
    """The function views, then every class, at both layers."""
    dispatch_app = Flask("bench_dispatch")
    request_app = Flask("bench_request")
    in_context = dispatch_app.test_request_context  # GET /

    functions: list[tuple[str, Any]] = [("sync", ok), ("async", async_ok)]
    built = [(Case("", "function", handler=h), f) for h, f in functions]
    for views in IMPLEMENTATIONS.values():
        for case, cls in view_classes(views):
            function = cls.as_view(case.id.replace("/", "-"))
            built.append((case, function))

    for number, (case, function) in enumerate(built):
        # Flask's own dispatch passes the view function through ensure_sync:
        # a no-op for the functions as_view builds (they are sync), and what
        # makes an `async def` function view run.
        callable_view = dispatch_app.ensure_sync(function)
        yield _with(
            case,
            layer="dispatch",
            stmt="view()",
            namespace={"view": callable_view},
            expected="ok",
            context=in_context,
        )
        request_app.add_url_rule(f"/{number}", case.id or str(number), function)
        yield _with(
            case,
            layer="request",
            namespace={"run": wsgi_runner(request_app, f"/{number}")},
            expected=("200 OK", b"ok"),
        )


def _with(case: Case, **changes: Any) -> Case:
    return Case(**{**case.__dict__, **changes})


# --- The bookshelf ------------------------------------------------------------


def load_bookshelf(views: ModuleType) -> ModuleType:
    """chapters/apps/bookshelf.py, imported afresh with ``views`` as its viewlib."""
    spec = importlib.util.spec_from_file_location(
        f"bookshelf_on_{views.__name__.replace('.', '_')}", APPS / "bookshelf.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    saved = sys.modules.get("viewlib")
    sys.modules["viewlib"] = views  # `from viewlib import MethodView`
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            sys.modules.pop("viewlib", None)
        else:
            sys.modules["viewlib"] = saved
    return module


def bookshelf_cases(folder: str) -> Iterator[Case]:
    """GET /books/1 from the bookshelf app: a request with a database query."""
    for name, views in IMPLEMENTATIONS.items():
        bookshelf = load_bookshelf(views)
        database = os.path.join(folder, f"{name}.sqlite")
        app = bookshelf.create_app({"DATABASE": database})
        client = app.test_client()
        author = client.post("/authors/", json={"name": "Ursula K. Le Guin"}).json
        author_id = author["id"]
        book = {"title": "The Dispossessed", "year": 1974, "author_id": author_id}
        body = client.post("/books/", json=book).data
        yield Case(
            "bookshelf",
            "MethodView",
            "shared",
            "trivial",
            "sync",
            name,
            namespace={"run": wsgi_runner(app, "/books/1")},
            expected=("200 OK", body),
        )


# --- The parts of a dispatch -------------------------------------------------------


def part_cases() -> Iterator[Case]:
    """The steps a class-based dispatch takes, one by one."""
    app = Flask("bench_parts")
    handler = viewlib.MethodView().dispatch_request  # any bound method
    namespace = {
        "request": request,
        "current_app": current_app,
        "get_request": request._get_current_object,  # type: ignore[attr-defined]
        "get_app": current_app._get_current_object,  # type: ignore[attr-defined]
        "ensure_sync": app.ensure_sync,
        "handler": handler,
        "Trivial": viewlib.View,
        "Expensive": ExpensiveInit,
    }
    parts = {
        "request.method": "request.method",
        "request object, then .method": "get_request().method",
        "current_app.ensure_sync": "current_app.ensure_sync",
        "app object, then .ensure_sync": "get_app().ensure_sync",
        "ensure_sync(handler)": "ensure_sync(handler)",
        "trivial __init__": "Trivial()",
        "expensive __init__": "Expensive()",
    }
    for name, stmt in parts.items():
        yield Case(
            "part",
            name,
            stmt=stmt,
            namespace=namespace,
            context=app.test_request_context,
        )


def all_cases(folder: str) -> list[Case]:
    """Every case, each checked once; ``folder`` holds the bookshelf's databases."""
    cases = [*dispatch_and_request_cases(), *bookshelf_cases(folder), *part_cases()]
    cases.sort(key=lambda case: LAYERS.index(case.layer))  # stable: keeps the rest
    for case in cases:
        case.check()
    return cases


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="viewlib-bench-")
