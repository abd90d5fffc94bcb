# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The viewlib authors
"""Class-based views: how a class becomes something Flask can route to.

Flask's router calls the registered ``view_func`` with the URL variables as
keyword arguments. Calling a View subclass that way would call the class
itself: if the URL variables do not fit ``__init__``'s parameters, that
raises ``TypeError``; otherwise it returns an instance, which is not a
response: Flask raises ``TypeError``, unless the instance is callable, when
Flask runs it as a WSGI application. So a class-based view is not registered directly:
:meth:`~viewlib.View.as_view` builds a small function around the class, and
that function is what ``app.add_url_rule`` receives.
Everything the router needs to know (the HTTP methods, whether to answer
``OPTIONS`` itself) travels on the function as attributes.

:class:`~viewlib.MethodView` fills in ``methods`` from these handler names:

>>> sorted(http_method_funcs)
['delete', 'get', 'head', 'options', 'patch', 'post', 'put', 'trace']
"""

from __future__ import annotations

from collections.abc import Callable, Collection

# `Optional[X]` rather than `X | None` (hence `noqa: UP045` below): typing's
# get_type_hints() evaluates class annotations, and Python 3.9 cannot
# evaluate `X | None`.
from typing import Any, ClassVar, Optional

from flask import Flask, Request, current_app, request
from flask.typing import ResponseReturnValue, RouteCallable

# `current_app` and `request` are proxies: each use finds the app or request
# of the current context. Reading an attribute through one, as in
# `request.method`, takes Werkzeug's slow path: the proxy has no attribute of
# that name, so Python falls back to the proxy's `__getattr__`, which finds
# the object and then reads the attribute from it. Asking the proxy for the
# object itself returns the same object in a fraction of the time, and fails
# outside a context with the same RuntimeError. Flask's "Notes On Proxies"
# documents `_get_current_object()` (for type checks and signals); using it
# here for speed is our choice. These are the proxies' own methods.
_current_app: Callable[[], Flask] = current_app._get_current_object  # type: ignore[attr-defined]
_current_request: Callable[[], Request] = request._get_current_object  # type: ignore[attr-defined]

#: The handler names from which :class:`~viewlib.MethodView` fills in
#: ``methods``. A request for any other method the route accepts is still
#: sent to the handler of that name, in lower case.
http_method_funcs: frozenset[str] = frozenset(
    ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
)


class View:
    """Base class for a view written as a class.

    Subclass it, override :meth:`dispatch_request`, and register the function
    that :meth:`as_view` returns:

    >>> from flask import Flask
    >>> from markupsafe import escape
    >>> class Hello(View):
    ...     init_every_request = False
    ...
    ...     def dispatch_request(self, name):
    ...         return f"Hello, {escape(name)}!"
    >>> app = Flask(__name__)
    >>> app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
    >>> app.test_client().get("/hello/World").text
    'Hello, World!'

    The class attributes below are read when :meth:`as_view` runs, so set
    them in the class body. A decorator written above the ``class`` line
    gets the class, not a view function, and the name then refers to what it
    returned: for a view decorator, a wrapper function, which has no
    ``as_view``:

    >>> def passthrough(view):
    ...     return lambda *args, **kwargs: view(*args, **kwargs)
    >>> @passthrough
    ... class Decorated(View):
    ...     pass
    >>> hasattr(Decorated, "as_view")
    False

    Registered as a view anyway, the wrapper runs around building an
    instance, not around the answer. List the decorator in
    :attr:`decorators` instead.
    """

    #: The HTTP methods the route accepts, unless ``add_url_rule`` is given
    #: ``methods=``. ``None`` (or an empty list) defers to ``add_url_rule``,
    #: whose default is ``GET``; Werkzeug's ``Rule`` adds ``HEAD``, and Flask
    #: ``OPTIONS`` when it answers those itself.
    methods: ClassVar[Optional[Collection[str]]] = None  # noqa: UP045

    #: Whether Flask answers ``OPTIONS`` requests for this route by itself.
    #: ``None`` defers to ``add_url_rule``, which does unless the methods
    #: include ``OPTIONS`` or (from Flask 3.1) ``PROVIDE_AUTOMATIC_OPTIONS``
    #: is false when the route is added. ``True`` answers even when the
    #: methods include ``OPTIONS``; up to Flask 3.1 only when the route
    #: accepts ``OPTIONS`` (through the methods or the function's
    #: ``required_methods``), otherwise a 405 (Flask 3.2, unreleased, adds
    #: ``OPTIONS`` on its main branch; chapter 14).
    #: ``False`` turns the automatic answer off.
    provide_automatic_options: ClassVar[Optional[bool]] = None  # noqa: UP045

    #: Decorators for the generated view function, applied in list order:
    #: the first one wraps the view directly, so a request reaches it last,
    #: just as with the bottom line of a stack of ``@decorator`` lines.
    #: (Flask added this attribute in its version 0.8.)
    decorators: ClassVar[list[Callable[..., Any]]] = []

    #: ``True`` (the default) builds a fresh instance for every request, so
    #: ``self`` can hold per-request state. ``False`` builds one instance per
    #: :meth:`as_view` call and reuses it: cheaper when ``__init__`` is
    #: costly, but then ``self`` is shared by all requests, so keep
    #: per-request data on ``flask.g`` instead.
    #: (Flask added this attribute in its version 2.2.)
    init_every_request: ClassVar[bool] = True

    def dispatch_request(self) -> ResponseReturnValue:
        """Handle one request and return a response value.

        Subclasses must override this. Variables from the URL rule arrive as
        keyword arguments, and anything Flask accepts from a view function
        (a string, a dict, a tuple, a ``flask.Response``) may be returned.
        The base version raises :exc:`NotImplementedError`:

        >>> View().dispatch_request()
        Traceback (most recent call last):
        NotImplementedError
        """
        raise NotImplementedError()

    @classmethod
    def as_view(cls, name: str, *class_args: Any, **class_kwargs: Any) -> RouteCallable:
        """Turn the class into a view function for ``add_url_rule``.

        *name* becomes the function's ``__name__``, which ``add_url_rule``
        uses as the endpoint (the name ``url_for`` takes) unless given
        ``endpoint=``; a blueprint puts its own name and a dot in front. Every
        other argument is passed on to the class's ``__init__``, so one class can
        serve several routes with different settings:

        >>> from flask import Flask
        >>> class Greeting(View):
        ...     def __init__(self, word):
        ...         self.word = word
        ...
        ...     def dispatch_request(self):
        ...         return self.word
        >>> app = Flask(__name__)
        >>> app.add_url_rule("/hi", view_func=Greeting.as_view("hi", "Hi"))
        >>> app.add_url_rule("/bye", view_func=Greeting.as_view("bye", word="Bye"))
        >>> client = app.test_client()
        >>> client.get("/hi").text, client.get("/bye").text
        ('Hi', 'Bye')

        The function carries ``view_class`` (the class), and the class's
        ``methods`` and ``provide_automatic_options`` for the router to read.
        While :attr:`init_every_request` is true, each request builds the
        ``view_class`` it finds on the function, so a test can replace it to
        substitute another class; a shared instance was built when ``as_view``
        ran, and replacing ``view_class`` leaves it in place. (Flask's version
        2.2 added :attr:`init_every_request`, which this method honours.)
        """
        if cls.init_every_request:

            def view(**kwargs: Any) -> ResponseReturnValue:
                # `view` is looked up when a request arrives, and by then it
                # names the final, decorated function returned below: so a
                # test that replaces `view_class` on it changes what is built.
                instance = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
                return _call_maybe_async(instance.dispatch_request, kwargs)

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: Any) -> ResponseReturnValue:
                return _call_maybe_async(shared.dispatch_request, kwargs)

        if cls.decorators:
            # Decorators that copy metadata (functools.wraps) should see the
            # endpoint name, not "view".
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)

        # Set on the outermost function: that is the one Flask's router reads.
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """A view that sends each request to the method named after its HTTP verb.

    A ``GET`` request calls ``get``, a ``POST`` request calls ``post``, and so
    on for every name in :data:`~viewlib.views.http_method_funcs`.
    :attr:`~viewlib.View.methods` is filled in from the handlers a class
    defines or inherits, and the methods its base classes declare, unless the
    class body sets it:

    >>> from flask import Flask, session
    >>> class CounterAPI(MethodView):
    ...     def get(self):
    ...         return str(session.get("counter", 0))
    ...
    ...     def post(self):
    ...         session["counter"] = session.get("counter", 0) + 1
    ...         return self.get()
    >>> sorted(CounterAPI.methods)
    ['GET', 'POST']
    >>> import secrets
    >>> app = Flask(__name__)
    >>> app.secret_key = secrets.token_hex()  # real apps: from the environment
    >>> app.add_url_rule("/counter", view_func=CounterAPI.as_view("counter"))
    >>> client = app.test_client()
    >>> client.post("/counter").text, client.post("/counter").text
    ('1', '2')
    >>> client.delete("/counter").status_code
    405

    A base class's declared methods carry over, with or without a handler:

    >>> class Base(MethodView):
    ...     methods = ["GET", "POST"]
    ...
    ...     def get(self):
    ...         return "got"
    >>> class Child(Base):
    ...     def put(self):
    ...         return "put"
    >>> sorted(Child.methods)
    ['GET', 'POST', 'PUT']
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return  # set explicitly in the class body: respect it
        found: set[str] = set()
        # Methods a base class declared (which may include ones its own
        # handlers do not cover) carry over to every subclass.
        for base in cls.__bases__:
            found.update(getattr(base, "methods", None) or ())
        # hasattr sees inherited handlers too, through the whole MRO.
        found.update(name.upper() for name in http_method_funcs if hasattr(cls, name))
        if found:
            cls.methods = found

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        """Call the handler for the current request's method.

        URL variables are passed on as keyword arguments. A ``HEAD`` request
        with no ``head`` handler is answered by ``get``, minus the body:

        >>> from flask import Flask
        >>> class Page(MethodView):
        ...     def get(self, slug):
        ...         return f"page {slug}"
        >>> app = Flask(__name__)
        >>> app.add_url_rule("/pages/<slug>", view_func=Page.as_view("page"))
        >>> response = app.test_client().head("/pages/intro")
        >>> response.status_code, response.content_length, response.data
        (200, 10, b'')

        A method that reaches the view without a handler (because
        :attr:`~viewlib.View.methods` or the route lists it, or the handler is
        ``None``) raises :exc:`AssertionError` naming it, which Flask turns
        into a 500 unless exceptions propagate (testing or debug mode,
        ``PROPAGATE_EXCEPTIONS``). That is what Flask's own class does too,
        through an ``assert`` statement; Flask does not document the error,
        and under ``python -O`` its ``assert`` is skipped and a
        :exc:`TypeError` follows instead.
        viewlib raises in every mode: see the API page's "Differences from
        flask.views".
        """
        method = _current_request().method  # once: see _current_app above
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            # Flask uses an `assert` statement here, which `python -O` strips
            # (Flask then fails with a TypeError calling None). Raising keeps
            # one error in every mode: a deliberate difference from Flask.
            raise AssertionError(f"Unimplemented method {method!r}")
        return _call_maybe_async(handler, kwargs)


def _call_maybe_async(
    handler: Callable[..., Any], kwargs: dict[str, Any]
) -> ResponseReturnValue:
    """Call a view or handler, sync or ``async def``, the way the app expects.

    ``ensure_sync`` runs a coroutine function to completion (with the
    ``flask[async]`` extra installed) and leaves a plain function as it is.
    It is the current app's method, looked up on each call: an app may
    override it, and one view function may serve several apps.
    """
    response: ResponseReturnValue = _current_app().ensure_sync(handler)(**kwargs)
    return response
