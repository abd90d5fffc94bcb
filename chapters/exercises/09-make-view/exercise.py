# SPDX-License-Identifier: MIT
"""Exercise 9 (chapter 9, hard): write ``as_view`` yourself.

Write ``make_view(cls, name, *class_args, **class_kwargs)``. It returns a
view function for the class ``cls`` that Flask treats just as it treats the
one ``cls.as_view(name, *class_args, **class_kwargs)`` returns: every
request gets the same answer. Chapter 9 builds it in six steps; write it
from what you learnt there, without calling ``as_view`` and without copying
viewlib's source. The function must:

1. build an instance with ``class_args`` and ``class_kwargs`` and return what
   its ``dispatch_request`` returns, given the URL variables as keyword
   arguments;
2. carry the attributes the router and readers need: ``__name__`` (the
   endpoint, so it is ``name``), ``__doc__`` and ``__module__`` from the
   class, ``view_class``, ``methods`` and ``provide_automatic_options``;
3. build a new instance for every request, or, when the class sets
   ``init_every_request = False``, one instance, when ``make_view`` runs,
   shared by every request;
4. build the per-request instance from ``view_class`` as it is when the
   request comes, so that a test can put another class there;
5. apply the class's ``decorators`` in order, the first one listed innermost,
   each seeing a function named ``name``; the attributes of step 2 go on the
   outermost function, even when a decorator forgot ``functools.wraps``;
6. run ``dispatch_request`` through the app's ``ensure_sync``
   (``flask.current_app``), so that an ``async def dispatch_request`` works
   (this needs ``pip install "flask[async]"``).

The check registers classes of its own with ``make_view`` and with Flask's
``as_view`` and compares what the same requests get back. Check your work
with ``pytest chapters/exercises/09-make-view``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

from typing import Any

from flask.typing import RouteCallable

from viewlib import View


def make_view(
    cls: type[View], name: str, *class_args: Any, **class_kwargs: Any
) -> RouteCallable:
    """The view function for *cls*, as ``cls.as_view(name, ...)`` builds it."""
    # TODO: steps 1 to 6 of the task.
    raise NotImplementedError("make_view is not written yet")
