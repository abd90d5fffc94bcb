# SPDX-License-Identifier: MIT
"""Exercise 8 (chapter 8, medium): ask every shop at once.

``GET /quotes?shops=north,east`` asks the named shops what they charge for a
teapot and answers with their prices, in cents, in the order asked, and the
cheapest shop (the first one named, if two charge the same)::

    {"quotes": [{"shop": "north", "cents": 2400}, {"shop": "east", "cents": 2250}],
     "cheapest": "east"}

``fetch_quote(shop)`` stands for a call to a shop's web service, which takes
a while. As shipped, ``Quotes.get`` awaits one shop after another, so a
request takes as long as all the calls added up. Change it:

1. Ask all the named shops at once, with ``asyncio.gather`` (chapter 8,
   "Concurrency inside one request does work"), so that a request takes
   about as long as the slowest call. Keep calling ``fetch_quote``: the check
   replaces it with a stand-in that counts how many calls are in progress
   together.
2. Check ``?shops=`` before asking any shop, and answer a bad one with a 400
   and a JSON body whose ``error`` names the problem: no ``shops`` or an
   empty one (mention "shops"), a name that is not in ``PRICES`` (name it:
   ``{"error": "unknown shop 'nowhere'; ..."}``), and a shop named twice
   (name it too). Today an unknown name crashes the view. Mind that
   ``"".split(",")`` is ``[""]``, a list with one empty name, not ``[]``.

Async views need Flask's async extra: ``pip install "flask[async]"``. Check
your work with ``pytest chapters/exercises/08-quotes``, and try it with
``flask --app chapters/exercises/08-quotes/exercise.py run`` (or the path
of your copy) and
``curl "http://127.0.0.1:5000/quotes?shops=north,east"``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

import asyncio

from flask import Flask, request
from flask.typing import ResponseReturnValue

from viewlib import MethodView

#: What each shop charges for a teapot, in cents.
PRICES = {"north": 2400, "east": 2250, "south": 2600, "west": 2300}


async def fetch_quote(shop: str) -> int:
    """Stand-in for asking one shop's web service: its price, in cents."""
    await asyncio.sleep(0.05)  # the wait a real call would spend on the network
    return PRICES[shop]


class Quotes(MethodView):
    async def get(self) -> ResponseReturnValue:
        shops = request.args.get("shops", "").split(",")
        # TODO: task 2, check the names before asking any shop.
        prices = []
        for shop in shops:
            # TODO: task 1, one shop after another: ask them all at once.
            prices.append(await fetch_quote(shop))
        quotes = [{"shop": s, "cents": p} for s, p in zip(shops, prices)]
        cheapest = shops[prices.index(min(prices))]  # the first named, on a tie
        return {"quotes": quotes, "cheapest": cheapest}


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/quotes", view_func=Quotes.as_view("quotes"))
    return app


app = create_app()
