# SPDX-License-Identifier: MIT
"""Async class-based views: a dashboard that awaits three lookups at once.

Run it (Flask needs its async extra: ``pip install "flask[async]"``)::

    flask --app chapters/apps/ch08_async_dashboard.py run

then try ``curl http://127.0.0.1:5000/dashboard`` and
``curl http://127.0.0.1:5000/sources/loans``.
"""

from __future__ import annotations

import asyncio

from flask import Flask
from flask.typing import ResponseReturnValue

from viewlib import MethodView

#: The lookups the dashboard makes; each stands in for a database or HTTP call.
SOURCES = ("books", "loans", "reviews")


class Lookups:
    """One request's lookups, counting how many are in progress at once.

    A fresh object per request, used by one event loop: no lock needed.
    """

    def __init__(self) -> None:
        self.in_progress = 0
        self.peak = 0

    async def fetch(self, source: str) -> dict[str, object]:
        self.in_progress += 1
        self.peak = max(self.peak, self.in_progress)
        await asyncio.sleep(0.05)  # the wait a real query would spend on I/O
        self.in_progress -= 1
        return {"source": source, "items": len(source)}


class Dashboard(MethodView):
    async def get(self) -> ResponseReturnValue:
        lookups = Lookups()
        results = await asyncio.gather(*(lookups.fetch(s) for s in SOURCES))
        return {"sources": results, "peak_in_progress": lookups.peak}


class Source(MethodView):
    async def get(self, name: str) -> ResponseReturnValue:
        if name not in SOURCES:
            # JSON, not HTML: the name from the URL is returned as data.
            return {"error": "unknown source", "name": name, "known": SOURCES}, 404
        return await Lookups().fetch(name)

    def options(self, name: str) -> ResponseReturnValue:
        # A plain handler next to an async one: ensure_sync leaves it alone.
        return "", 204, {"Allow": "GET, HEAD, OPTIONS"}


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/dashboard", view_func=Dashboard.as_view("dashboard"))
    app.add_url_rule("/sources/<name>", view_func=Source.as_view("source"))
    return app


app = create_app()
