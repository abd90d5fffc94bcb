"""Hostile input for the apps of chapters 3 and 4, run as a reader runs them.

``apikeys`` must refuse every key it does not know with its JSON 401 (never a
500, never letting a request in); ``counter`` must ignore a session cookie it
did not sign and count from 0.
"""

from __future__ import annotations

import secrets
from types import ModuleType

import apikeys
import counter
from flask import Flask, g
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.budget import examples

#: Generated cases per test.
CASES = examples(200)

# What an HTTP header value can carry: printable Latin-1 (Werkzeug decodes
# header bytes as Latin-1), including characters a key never has.
header_values = st.text(
    alphabet=st.characters(
        min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"
    ),
    max_size=80,
)

ADA_KEY = secrets.token_hex()
API_APP = apikeys.create_app({ADA_KEY: "ada"})
COUNTER_APP = counter.create_app()


@settings(max_examples=CASES, deadline=None)
@given(key=header_values)
def test_unknown_keys_get_the_json_401(key: str) -> None:
    assert not API_APP.testing  # an uncaught error would be a 500
    response = API_APP.test_client().get("/me", headers={"X-API-Key": key})
    if key == ADA_KEY:
        assert response.json == {"user": "ada"}
    else:
        assert response.status_code == 401
        assert response.json == {"error": "missing or unknown API key"}
    assert response.headers["Cache-Control"] == "no-store"


def test_the_right_key_lets_ada_in() -> None:
    response = API_APP.test_client().get("/me", headers={"X-API-Key": ADA_KEY})
    assert (response.status_code, response.json) == (200, {"user": "ada"})


def test_flasks_own_answers_skip_the_decorators(views: ModuleType) -> None:
    # Chapter 3, "The chapter's app", and apikeys' docstring: only what a view
    # answers passes through require_api_key and add_header (a HEAD request
    # runs the view); Flask's own 404, 405 and automatic OPTIONS do not. The
    # same app on each implementation: apikeys' own, and Me on `views`.
    class Me(views.View):  # type: ignore[name-defined,misc]
        decorators = apikeys.ApiView.decorators

        def dispatch_request(self) -> dict[str, str]:
            return {"user": g.user}

    same = Flask(__name__)
    same.config["API_KEYS"] = {ADA_KEY: "ada"}
    same.add_url_rule("/me", view_func=Me.as_view("me"))
    for app in (API_APP, same):
        client = app.test_client()
        for method in ("GET", "HEAD"):
            response = client.open("/me", method=method)
            assert response.status_code == 401
            assert response.headers["Cache-Control"] == "no-store"
        for method, path, status in [
            ("OPTIONS", "/me", 200),
            ("POST", "/me", 405),
            ("GET", "/nowhere", 404),
        ]:
            response = client.open(path, method=method)
            assert response.status_code == status
            assert "Cache-Control" not in response.headers


@settings(max_examples=CASES, deadline=None)
@given(cookie=header_values.filter(lambda value: ";" not in value))
def test_a_forged_session_counts_from_zero(cookie: str) -> None:
    client = COUNTER_APP.test_client()
    client.set_cookie("session", cookie)
    response = client.get("/counter")
    assert (response.status_code, response.text) == (200, "0")


def test_the_key_comes_from_the_environment(monkeypatch) -> None:
    key = secrets.token_hex()
    monkeypatch.setenv("API_KEY", key)
    client = apikeys.create_app().test_client()
    assert client.get("/me", headers={"X-API-Key": key}).json == {"user": "ada"}
    monkeypatch.delenv("API_KEY")
    # Without it, a key nobody knows: even an empty header is refused.
    assert apikeys.create_app().test_client().get("/me").status_code == 401


def test_the_counters_secret_key_comes_from_the_environment(monkeypatch) -> None:
    # Chapter 4: COUNTER_SECRET_KEY; without it, a throwaway key per app.
    monkeypatch.setenv("COUNTER_SECRET_KEY", "a key for this test")
    assert counter.create_app().secret_key == "a key for this test"
    monkeypatch.delenv("COUNTER_SECRET_KEY")
    first, second = counter.create_app(), counter.create_app()
    assert first.secret_key
    assert second.secret_key
    assert first.secret_key != second.secret_key
