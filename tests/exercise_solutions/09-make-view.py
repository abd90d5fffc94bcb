# SPDX-License-Identifier: MIT
"""Reference solution of exercise 9 (chapters/exercises/09-make-view)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.typing import ResponseReturnValue, RouteCallable

from viewlib import View


def make_view(
    cls: type[View], name: str, *class_args: Any, **class_kwargs: Any
) -> RouteCallable:
    """The view function for *cls*, as ``cls.as_view(name, ...)`` builds it."""
    if cls.init_every_request:

        def view(**kwargs: Any) -> ResponseReturnValue:
            # view.view_class, read per request: a test may swap the class.
            instance = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
            result: ResponseReturnValue = current_app.ensure_sync(
                instance.dispatch_request
            )(**kwargs)
            return result

    else:
        shared = cls(*class_args, **class_kwargs)

        def view(**kwargs: Any) -> ResponseReturnValue:
            result: ResponseReturnValue = current_app.ensure_sync(
                shared.dispatch_request
            )(**kwargs)
            return result

    if cls.decorators:
        # Decorators that copy metadata with functools.wraps see the endpoint.
        view.__name__ = name
        view.__module__ = cls.__module__
        for decorator in cls.decorators:  # the first one listed is the innermost
            view = decorator(view)

    # On the outermost function, where add_url_rule reads them.
    view.view_class = cls  # type: ignore[attr-defined]
    view.__name__ = name
    view.__doc__ = cls.__doc__
    view.__module__ = cls.__module__
    view.methods = cls.methods  # type: ignore[attr-defined]
    view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
    return view
