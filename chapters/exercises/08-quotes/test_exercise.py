# SPDX-License-Identifier: MIT
"""The check for exercise 8: run it with ``pytest chapters/exercises/08-quotes``.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import asyncio
import importlib.util
from types import ModuleType

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

#: The stand-in's prices, unlike the exercise's, so that the answer must come
#: from fetch_quote. West and east charge the same.
FAKE_PRICES = {"north": 300, "east": 100, "south": 200, "west": 100}


class FakeShops:
    """Stands in for ``fetch_quote``: records the calls and the peak in progress.

    Each call waits (up to half a second) until every call the request should
    make has started. With ``asyncio.gather`` they all start before any ends;
    one after another, each call waits alone and gives up.
    """

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.expected = 0
        self.in_progress = 0
        self.peak = 0

    async def fetch_quote(self, shop: str) -> int:
        self.calls.append(shop)
        self.in_progress += 1
        self.peak = max(self.peak, self.in_progress)
        for _ in range(50):
            if self.peak >= self.expected:
                break
            await asyncio.sleep(0.01)
        self.in_progress -= 1
        return FAKE_PRICES[shop]


@pytest.fixture
def shops(exercise: ModuleType, monkeypatch: pytest.MonkeyPatch) -> FakeShops:
    fake = FakeShops()
    monkeypatch.setattr(exercise, "fetch_quote", fake.fetch_quote)
    return fake


@pytest.fixture
def client(exercise: ModuleType, shops: FakeShops) -> FlaskClient:
    if importlib.util.find_spec("asgiref") is None:
        pytest.fail(
            "async views need Flask's async extra, which is not installed: "
            'run  pip install "flask[async]"  first',
            pytrace=False,
        )
    app: Flask = exercise.create_app()
    app.testing = True  # an exception in your view reaches this check
    return app.test_client()


def ask(client: FlaskClient, query: str) -> TestResponse:
    """GET /quotes?query; a crash in the view becomes a message that says so."""
    url = f"/quotes?{query}" if query else "/quotes"
    try:
        return client.get(url)
    except Exception as error:
        raise AssertionError(
            f"GET {url} crashed the view ({type(error).__name__}: {error}); "
            "a running app would answer 500"
        ) from error


def test_one_shop(client: FlaskClient, shops: FakeShops) -> None:
    shops.expected = 1
    response = ask(client, "shops=south")
    assert response.status_code == 200, (
        f"GET /quotes?shops=south answered {response.status}, not 200 OK"
    )
    expected = {"quotes": [{"shop": "south", "cents": 200}], "cheapest": "south"}
    assert response.json == expected, (
        f"GET /quotes?shops=south answered {response.json}, not {expected} "
        "(the check's fetch_quote says south charges 200)"
    )


def test_quotes_come_in_the_order_asked(client: FlaskClient, shops: FakeShops) -> None:
    shops.expected = 3
    response = ask(client, "shops=north,west,east")
    expected = {
        "quotes": [
            {"shop": "north", "cents": 300},
            {"shop": "west", "cents": 100},
            {"shop": "east", "cents": 100},
        ],
        "cheapest": "west",
    }
    assert response.json == expected, (
        f"GET /quotes?shops=north,west,east answered {response.json}, not "
        f"{expected}: quotes in the order asked; west and east charge the same, "
        "and west is named first"
    )


def test_every_shop_is_asked_at_once(client: FlaskClient, shops: FakeShops) -> None:
    shops.expected = 4
    response = ask(client, "shops=north,east,south,west")
    assert response.status_code == 200, (
        f"GET /quotes?shops=north,east,south,west answered {response.status}"
    )
    assert sorted(shops.calls) == ["east", "north", "south", "west"], (
        f"the view called fetch_quote for {shops.calls}; call it once per shop"
    )
    assert shops.peak == 4, (
        f"at most {shops.peak} of the 4 calls to fetch_quote were in progress "
        "at once: the view awaits one shop after another. Start them all and "
        "wait for them together: await asyncio.gather(*calls)"
    )


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("", "shops"),
        ("shops=", "shops"),
        ("shops=north,nowhere", "nowhere"),
        ("shops=north,east,north", "north"),
    ],
)
def test_bad_shops_get_a_json_400_before_any_call(
    client: FlaskClient, shops: FakeShops, query: str, named: str
) -> None:
    url = f"/quotes?{query}" if query else "/quotes"
    response = ask(client, query)
    assert response.status_code == 400, (
        f"GET {url} answered {response.status}, not 400 Bad Request"
    )
    body = response.get_json(silent=True)
    error = body.get("error") if isinstance(body, dict) else None
    assert named in str(error), (
        f"the 400 for GET {url} must be JSON with an 'error' that names the "
        f"problem (mention {named!r}); it was {response.text!r}"
    )
    assert shops.calls == [], (
        f"GET {url} called fetch_quote for {shops.calls} although the request "
        "was refused: check ?shops= before asking any shop"
    )


def test_only_get_is_accepted(client: FlaskClient) -> None:
    response = client.post("/quotes?shops=north")
    assert response.status_code == 405, (
        f"POST /quotes answered {response.status}, not 405: Quotes has only a "
        "get handler"
    )
