# SPDX-License-Identifier: MIT
"""Reference solution of exercise 8 (chapters/exercises/08-quotes)."""

from __future__ import annotations

import asyncio

from flask import Flask, request
from flask.typing import ResponseReturnValue

from viewlib import MethodView

#: What each shop charges for a teapot, in cents.
PRICES = {"north": 2400, "east": 2250, "south": 2600, "west": 2300}
MAX_QUERY = 100  # characters in ?shops=


async def fetch_quote(shop: str) -> int:
    """Stand-in for asking one shop's web service: its price, in cents."""
    await asyncio.sleep(0.05)  # the wait a real call would spend on the network
    return PRICES[shop]


def shops_asked() -> list[str] | str:
    """The shops named in ?shops=, in order, or a message naming the problem."""
    query = request.args.get("shops", "")
    if not query or len(query) > MAX_QUERY:
        return f"name 1 to {len(PRICES)} shops, such as ?shops=north,east"
    names = query.split(",")
    for position, name in enumerate(names):
        if name not in PRICES:
            return f"unknown shop {name!r}; the shops are {', '.join(PRICES)}"
        if name in names[:position]:
            return f"shop {name!r} is named twice"
    return names


class Quotes(MethodView):
    async def get(self) -> ResponseReturnValue:
        shops = shops_asked()
        if isinstance(shops, str):  # checked before any shop is asked
            return {"error": shops}, 400
        prices = await asyncio.gather(*(fetch_quote(shop) for shop in shops))
        quotes = [{"shop": s, "cents": p} for s, p in zip(shops, prices)]
        cheapest = shops[prices.index(min(prices))]  # the first named, on a tie
        return {"quotes": quotes, "cheapest": cheapest}


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/quotes", view_func=Quotes.as_view("quotes"))
    return app


app = create_app()
