# SPDX-License-Identifier: MIT
"""Chapter 2's greeting views: state on ``self``, on a shared instance, on ``g``.

``SharedGreeting`` is deliberately broken: two requests at the same time can
each be answered with the other's name. Run it from the repository root::

    flask --app chapters/apps/ch02_greeting.py run

then try ``curl "http://127.0.0.1:5000/greeting?user=ada"``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g, request
from markupsafe import escape

from viewlib import View


def no_wait(user: str) -> None:
    """Stands in for slow work, a database query say; here it takes no time."""


class Greeting(View):
    """Keeps the user on ``self``: fine with one instance per request."""

    def __init__(self, slow_work: Callable[[str], None] = no_wait) -> None:
        self.slow_work = slow_work

    def dispatch_request(self) -> str:
        self.user = request.args.get("user", "stranger")
        self.slow_work(self.user)
        # The answer is HTML: escape the name so it cannot add markup.
        return f"Hello, {escape(self.user)}!"


class SharedGreeting(Greeting):
    """UNSAFE under concurrent requests: every request shares ``self.user``."""

    init_every_request = False  # noqa: CBV102  shares self.user on purpose, to show the race


class SafeGreeting(Greeting):
    """One shared instance, but the user lives on ``g``, not on ``self``."""

    init_every_request = False

    def dispatch_request(self) -> str:
        g.user = request.args.get("user", "stranger")
        self.slow_work(g.user)
        return f"Hello, {escape(g.user)}!"


def create_app(slow_work: Callable[[str], None] = no_wait) -> Flask:
    app = Flask(__name__)
    greeting = Greeting.as_view("greeting", slow_work)
    shared = SharedGreeting.as_view("shared_greeting", slow_work)
    safe = SafeGreeting.as_view("safe_greeting", slow_work)
    app.add_url_rule("/greeting", view_func=greeting)
    app.add_url_rule("/shared-greeting", view_func=shared)
    app.add_url_rule("/safe-greeting", view_func=safe)
    return app


app = create_app()
