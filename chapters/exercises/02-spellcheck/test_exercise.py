# SPDX-License-Identifier: MIT
"""The check for exercise 2: run it with ``pytest chapters/exercises/02-spellcheck``.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


@pytest.fixture
def app(exercise: ModuleType) -> Flask:
    app: Flask = exercise.create_app()
    app.testing = True  # an exception in your view reaches this check
    return app


def check(client: FlaskClient, what: str, **body: Any) -> TestResponse:
    """POST /check; a crash in the view becomes a message that says so."""
    try:
        return client.post("/check", **body)
    except Exception as error:
        raise AssertionError(
            f"POST /check with {what} crashed the view ({type(error).__name__}: "
            f"{error}); a running app would answer 500"
        ) from error


def test_each_answer_lists_its_own_words(app: Flask) -> None:
    client = app.test_client()
    first = check(client, "a text", json={"text": "The cat sat on teh mat"})
    assert first.json == {"unknown": ["teh"]}, (
        f"'The cat sat on teh mat' answered {first.text!r}, not {{'unknown': ['teh']}}"
    )
    second = check(client, "a text", json={"text": "A dgo"})
    assert second.json == {"unknown": ["dgo"]}, (
        f"the second request, 'A dgo', answered {second.json}: it lists words "
        "of the first request too. The one shared instance keeps what a request "
        "puts on self; keep it in a local variable instead"
    )


def test_the_word_list_loads_once(exercise: ModuleType) -> None:
    before = exercise.LOADS
    client = exercise.create_app().test_client()
    for _ in range(5):
        check(client, "a text", json={"text": "the cat"})
    loads = exercise.LOADS - before
    assert loads <= 1, (
        f"one app and 5 requests called load_words() {loads} times, not once: "
        "keep init_every_request = False, so that __init__ runs once"
    )


def test_overlapping_requests_keep_their_own_words(
    exercise: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice's request pauses on the word 'alice' while Bob's runs."""
    alice_paused, bob_done = threading.Event(), threading.Event()

    class PausingWords(frozenset[str]):
        def __contains__(self, word: object) -> bool:
            if word == "alice":
                alice_paused.set()
                bob_done.wait(timeout=5)
            return super().__contains__(word)

    real_load_words = exercise.load_words
    monkeypatch.setattr(exercise, "load_words", lambda: PausingWords(real_load_words()))
    app = exercise.create_app()
    answers: dict[str, Any] = {}

    def alice() -> None:
        answers["alice"] = app.test_client().post("/check", json={"text": "alice zzz"})

    thread = threading.Thread(target=alice)
    thread.start()
    paused = alice_paused.wait(timeout=5)
    answers["bob"] = app.test_client().post("/check", json={"text": "bob"})
    bob_done.set()
    thread.join(timeout=10)
    if not paused:
        pytest.skip(
            "this check could not pause a request: it needs the view to look "
            "words up with `word in self.words` (or `not in`)"
        )
    alice_got, bob_got = answers["alice"].json, answers["bob"].json
    assert (alice_got, bob_got) == (
        {"unknown": ["alice", "zzz"]},
        {"unknown": ["bob"]},
    ), (
        f"two requests ran at the same time (Bob's while Alice's was paused): "
        f"Alice got {alice_got}, Bob got {bob_got}. With one shared instance, "
        "what a request keeps on self is seen by the other: use local variables"
    )


JSON = "application/json"
BAD_BODIES = [
    ("a form, not JSON", {"data": {"text": "hello"}}, "json"),
    ("broken JSON", {"data": '{"text": ', "content_type": JSON}, "json"),
    ("a JSON list", {"json": ["hello"]}, "object"),
    # Deeper than Python's json parser goes on any version (RecursionError).
    ("JSON nested 100,000 deep", {"data": "[" * 100_000, "content_type": JSON}, "json"),
    ("no 'text'", {"json": {"txt": "hello"}}, "text"),
    ("a number as 'text'", {"json": {"text": 42}}, "text"),
    ("a text of 1,001 characters", {"json": {"text": "a" * 1001}}, "text"),
]


@pytest.mark.parametrize(
    ("what", "body", "keyword"), BAD_BODIES, ids=[case[0] for case in BAD_BODIES]
)
def test_bad_input_gets_a_json_error(
    app: Flask, what: str, body: dict[str, Any], keyword: str
) -> None:
    response = check(app.test_client(), what, **body)
    assert 400 <= response.status_code < 500, (
        f"POST /check with {what} answered {response.status}, not a 4xx error"
    )
    error = (response.get_json(silent=True) or {}).get("error")
    assert keyword in str(error).lower(), (
        f"POST /check with {what} must answer JSON whose 'error' mentions "
        f"{keyword!r}; it answered {response.text!r}"
    )


def test_a_text_of_1000_characters_is_fine(app: Flask) -> None:
    response = check(app.test_client(), "1,000 characters", json={"text": "a " * 500})
    assert response.status_code == 200, (
        f"a text of 1,000 characters answered {response.status}, not 200"
    )
