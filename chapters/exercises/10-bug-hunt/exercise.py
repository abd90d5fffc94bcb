# SPDX-License-Identifier: MIT
"""Exercise 10 (chapter 10, medium to hard): find and fix the pitfalls.

This app has three views, and each has a bug from chapter 10. The check
shows each one as a symptom; find the cause and fix it, keeping what the
view does:

- ``GET /profile?user=ada`` answers who that is:
  ``{"user": "ada", "name": "Ada Lovelace"}``. Loading the staff directory is
  slow, so the view keeps one instance (``init_every_request = False``) and
  loads it once, in ``__init__``. Symptom: under load, now and then, a user
  gets another user's answer. Keep the single instance.
- ``/cart`` is the team's shopping list: ``GET`` lists the items and the
  limits, ``POST {"item": "tea"}`` adds one, ``PUT {"items": [...]}``
  replaces them all. Symptom: ``DELETE /cart`` empties the cart, and
  ``OPTIONS /cart`` answers with JSON instead of Flask's usual empty answer
  with an ``Allow`` header. Nobody meant to offer either: afterwards
  ``DELETE`` must get 405, and ``GET``, ``POST`` and ``PUT`` work as before.
- ``GET /report`` needs the header ``X-Key`` with the app's report key
  (``app.config["REPORT_KEY"]``), and the report is cached, because building
  it is expensive. Symptom: after one request with the key, anyone gets the
  report without it. Keep the cache: the report must still be built once.

The input checks (a JSON 400 or 415 naming the problem) are right; the check
makes sure they stay. Check your work with ``pytest chapters/exercises/10-bug-hunt``
(a copy kept elsewhere: set ``EXERCISE_MODULE_PATH``, chapter 1, "Try this").
"""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    Unauthorized,
    UnsupportedMediaType,
)

from viewlib import MethodView, View

USERNAME = re.compile(r"[a-z]{1,20}")
ITEM = re.compile(r"[a-z ]{1,40}")
MAX_ITEMS = 10
LOADS = 0  # how many times load_directory() ran
REPORTS = 0  # how many times build_report() ran


def load_directory() -> dict[str, str]:
    """Stand-in for loading the staff directory, which is slow; counts its calls."""
    global LOADS
    LOADS += 1
    return {"ada": "Ada Lovelace", "bob": "Bob Kahn", "grace": "Grace Hopper"}


def find_member(directory: dict[str, str], user: str) -> str:
    """Stand-in for a slow lookup in the directory: the member's full name."""
    return directory.get(user, "(not in the directory)")


def build_report() -> dict[str, Any]:
    """Stand-in for an expensive report; counts its calls."""
    global REPORTS
    REPORTS += 1
    return {"report": "quarterly numbers", "total": 1234}


class Profile(View):
    """GET /profile?user=ada: who that is. One instance loads the directory once."""

    init_every_request = False

    def __init__(self) -> None:
        self.directory = load_directory()

    def dispatch_request(self) -> ResponseReturnValue:
        self.user = request.args.get("user", "")
        if not USERNAME.fullmatch(self.user):
            raise BadRequest("user must be 1 to 20 lowercase letters")
        name = find_member(self.directory, self.user)
        return {"user": self.user, "name": name}


class CartItems:
    """The team's cart; the lock makes each change whole under a threaded server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[str] = []

    def all(self) -> list[str]:
        with self._lock:
            return list(self._items)

    def add(self, item: str) -> list[str]:
        with self._lock:
            if len(self._items) >= MAX_ITEMS:
                raise BadRequest(f"the cart holds at most {MAX_ITEMS} items")
            self._items.append(item)
            return list(self._items)

    def replace(self, items: list[str]) -> list[str]:
        with self._lock:
            self._items[:] = items
            return list(self._items)


def read_json() -> Any:
    if not request.is_json:
        raise UnsupportedMediaType("send JSON, with Content-Type: application/json")
    return request.get_json(silent=True)


def check_item(value: Any) -> str:
    if not isinstance(value, str) or not ITEM.fullmatch(value):
        raise BadRequest("an item is 1 to 40 lowercase letters and spaces")
    return value


class Cart(MethodView):
    def __init__(self, items: CartItems) -> None:
        self.items = items

    def get(self) -> ResponseReturnValue:
        return {"items": self.items.all(), "limits": self.options()}

    def post(self) -> ResponseReturnValue:
        data = read_json()
        if not isinstance(data, dict) or set(data) != {"item"}:
            raise BadRequest('send {"item": "..."}')
        return {"items": self.items.add(check_item(data["item"]))}, 201

    def put(self) -> ResponseReturnValue:
        data = read_json()
        if not isinstance(data, dict) or set(data) != {"items"}:
            raise BadRequest('send {"items": [...]}')
        items = data["items"]
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise BadRequest(f"items must be a list of at most {MAX_ITEMS} items")
        checked = [check_item(item) for item in items]
        self.delete()
        return {"items": self.items.replace(checked)}

    def options(self) -> dict[str, int]:
        """A helper: the cart's limits."""
        return {"max_items": MAX_ITEMS}

    def delete(self) -> dict[str, list[str]]:
        """A helper: empty the cart (put starts from an empty cart)."""
        return {"items": self.items.replace([])}


_cache: dict[str, Any] = {}  # a toy cache, shared by every request


def cached(
    view: Callable[..., ResponseReturnValue],
) -> Callable[..., ResponseReturnValue]:
    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> ResponseReturnValue:
        if request.path not in _cache:
            _cache[request.path] = view(**kwargs)
        return _cache[request.path]  # type: ignore[no-any-return]

    return wrapper


def require_key(
    view: Callable[..., ResponseReturnValue],
) -> Callable[..., ResponseReturnValue]:
    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> ResponseReturnValue:
        given = request.headers.get("X-Key", "").encode()
        if not secrets.compare_digest(given, current_app.config["REPORT_KEY"].encode()):
            raise Unauthorized("a valid X-Key header is required")
        return view(**kwargs)

    return wrapper


class Report(View):
    # Check the key, then answer from the cache.
    decorators: ClassVar[list[Callable[..., Any]]] = [require_key, cached]

    def dispatch_request(self) -> ResponseReturnValue:
        return build_report()


def json_error(error: HTTPException) -> ResponseReturnValue:
    """Every HTTP error as JSON; its status and headers (a 405's Allow) stay."""
    response = error.get_response()
    response.set_data(json.dumps({"error": error.description}))
    response.mimetype = "application/json"
    return response


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 4096  # bytes
    app.config["REPORT_KEY"] = os.environ.get("REPORT_KEY") or secrets.token_hex()
    app.register_error_handler(HTTPException, json_error)
    app.add_url_rule("/profile", view_func=Profile.as_view("profile"))
    app.add_url_rule("/cart", view_func=Cart.as_view("cart", CartItems()))
    app.add_url_rule("/report", view_func=Report.as_view("report"))
    return app


app = create_app()
