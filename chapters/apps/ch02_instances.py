# SPDX-License-Identifier: MIT
"""Chapter 2's app: one view class served per request and shared.

Run it from the repository root::

    flask --app chapters/apps/ch02_instances.py run

then request ``http://127.0.0.1:5000/fresh`` and ``/shared`` a few times each.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

from flask import Flask

from viewlib import View


class Numbered(View):
    """Says which instance answered: each new instance takes the next number."""

    def __init__(self, numbers: Iterator[int]) -> None:
        self.number = next(numbers)

    def dispatch_request(self) -> str:
        return f"served by instance #{self.number}"


class SharedNumbered(Numbered):
    init_every_request = False


def create_app() -> Flask:
    app = Flask(__name__)
    # Each view gets its own counter, so both start at #1.
    fresh = Numbered.as_view("fresh", count(1))
    shared = SharedNumbered.as_view("shared", count(1))
    app.add_url_rule("/fresh", view_func=fresh)
    app.add_url_rule("/shared", view_func=shared)
    return app


app = create_app()
