# SPDX-License-Identifier: MIT
"""Mixins and decorators that add behaviour to class-based views (chapter 7).

This is not an app: ``shop.py`` and the chapter's examples import it.

A mixin here is a small class listed *before* the view class in the bases,
``class Page(LoginRequiredMixin, MethodView)``. Its ``dispatch_request``
does its part and calls ``super().dispatch_request(...)``, which Python
resolves to the next class in the view's method resolution order: the view
class, or another mixin.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import jsonify, request, session
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, Unauthorized

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


def require_login() -> str:
    """The logged-in user's name, or a 401 error if nobody is logged in."""
    user = session.get("user")
    if not isinstance(user, str):
        raise Unauthorized("log in first")
    return user


class LoginRequiredMixin:
    """Refuses every request to the view unless someone is logged in."""

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        require_login()
        # mypy cannot know which class comes next in the view's MRO.
        return super().dispatch_request(**kwargs)  # type: ignore[misc, no-any-return]


class JSONErrorsMixin:
    """Answers an HTTP error raised inside the view as JSON, not as an HTML page."""

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        try:
            return super().dispatch_request(**kwargs)  # type: ignore[misc, no-any-return]
        except HTTPException as error:
            if error.code is None:  # abort(response): already a full response
                raise
            # Werkzeug's response for the error has its status and headers (a
            # 405's Allow, a 429's Retry-After); only its HTML body is replaced.
            response = error.get_response()
            body = jsonify(error=error.name, detail=error.description)
            response.set_data(body.get_data())
            response.mimetype = "application/json"
            return response


def login_required(view: F) -> F:
    """Decorate one handler (or a view function): it runs only after a login."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        require_login()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def login_required_for(*methods: str) -> Callable[[F], F]:
    """A decorator factory: require a login for the given HTTP methods only.

    Meant for a view class's ``decorators`` list. ``HEAD`` runs the ``GET``
    handler, so guarding ``GET`` guards ``HEAD`` too.
    """
    guarded = {method.upper() for method in methods}
    if "GET" in guarded:
        guarded.add("HEAD")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            if request.method in guarded:
                require_login()
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
