"""Hostile input for the chapters' example apps that take input, and for
``bounded_body.read_body``, which chapter 4's ``NoteAPI`` reads its body with.

Each app is built by its own ``create_app()`` and run as a reader runs it
(testing off), then fed generated input: no answer may be a 500 (one gap of
Werkzeug before 3.1.9, which the view never sees, is named below), and
whatever a client sends comes back HTML-escaped, never as markup.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from urllib.parse import quote, unquote

import ch02_greeting
import hello
import pytest
from bounded_body import read_body
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from tests.budget import examples

#: Generated cases per test function (each greeting path is one function).
CASES = examples(300)

# Anything a URL can carry: characters or raw bytes (invalid UTF-8 too),
# percent-encoded as a client would send them.
url_text = st.one_of(
    st.text(max_size=40).map(lambda text: quote(text, safe="")),
    st.binary(max_size=40).map(lambda data: quote(data, safe="")),
)
# Numbers around every interesting size: small, 100 digits (the app's
# bound), 2,151 (the square no longer fits Python's int-to-text limit) and
# 4,300 (the most Python reads as an int; past that, see the test after).
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**120).map(str),
    st.integers(min_value=1, max_value=4300).map(lambda digits: "9" * digits),
)
#: Werkzeug's int converter turns int()'s ValueError into a 404 from 3.1.9
#: (released 2026-09-27; its changelog, issue 3237); before, it is a 500.
WERKZEUG = tuple(int(part) for part in re.findall(r"\d+", version("werkzeug"))[:3])
OLD_WERKZEUG = WERKZEUG < (3, 1, 9)


def as_a_reader_runs_it(app: Flask) -> FlaskClient:
    assert not app.testing  # an uncaught error becomes a 500, not a traceback
    app.logger.disabled = True  # keep expected tracebacks out of the output
    return app.test_client()


@settings(max_examples=CASES, deadline=None)
@given(name=url_text)
def test_hello_escapes_every_name(name: str) -> None:
    response = as_a_reader_runs_it(hello.create_app()).get(f"/hello/{name}")
    # 404: an empty name or one with a "/"; 308: Werkzeug merges "//" in a URL.
    assert response.status_code in {200, 308, 404}
    if response.status_code == 200:
        sent = unquote(name, errors="replace")
        assert response.text == f"Hello, {escape(sent)}!"


@settings(max_examples=CASES, deadline=None)
@given(number=st.one_of(numbers, url_text))
def test_square_answers_every_number(number: str) -> None:
    # The client keeps the app alive: Flask 2.2's response reads JSON through
    # the app, which it references only weakly.
    client = as_a_reader_runs_it(hello.create_app())
    response = client.get(f"/square/{number}")
    if not number.isdigit():
        assert response.status_code == 404  # the int converter refuses it
    elif len(number) > hello.MAX_DIGITS:
        assert response.status_code == 400
        assert response.json == {"error": "number must have at most 100 digits"}
    else:
        assert response.status_code == 200
        assert response.json == {"number": int(number), "square": int(number) ** 2}


@pytest.mark.parametrize("digits", [4301, 5000])
def test_square_past_what_python_reads(digits: int) -> None:
    # Chapter 1 states both answers; this proves each on the Werkzeug that
    # gives it (the version matrix runs the older ones). The 500 is a known
    # gap of older Werkzeug, before the view runs, not something to keep.
    client = as_a_reader_runs_it(hello.create_app())
    expected = 500 if OLD_WERKZEUG else 404
    assert client.get("/square/" + "9" * digits).status_code == expected


@pytest.mark.parametrize("path", ["/greeting", "/shared-greeting", "/safe-greeting"])
@settings(max_examples=CASES, deadline=None)
@given(user=st.text(max_size=40))
def test_greetings_escape_every_user(path: str, user: str) -> None:
    client = as_a_reader_runs_it(ch02_greeting.create_app())
    response = client.get(path, query_string={"user": user})
    assert response.status_code == 200
    assert response.text == f"Hello, {escape(user)}!"


def note_app(limit: int) -> tuple[Flask, dict[str, str]]:
    """Chapter 4's NoteAPI's PUT, as a function: read_body(limit), then store."""
    app = Flask(__name__)
    notes: dict[str, str] = {}

    @app.put("/notes/<name>")
    def put(name: str) -> dict[str, str]:
        notes[name] = read_body(limit)
        return {"saved": name}

    return app, notes


@settings(max_examples=CASES, deadline=None)
@given(
    body=st.one_of(st.binary(max_size=80), st.text(max_size=80)),
    declared=st.one_of(st.none(), st.integers(0, 200).map(str), st.text(max_size=8)),
)
def test_read_body_answers_every_body_in_json(
    body: bytes | str, declared: str | None
) -> None:
    """Any bytes (invalid UTF-8 too), any Content-Length, or none: a 200 that
    stored the text, or a JSON 400 (a body shorter than its length), 411 or 413
    that stored nothing; never a 500."""
    app, notes = note_app(limit=40)
    environ = {} if declared is None else {"CONTENT_LENGTH": declared}
    response = as_a_reader_runs_it(app).put(
        "/notes/n", data=body, environ_overrides=environ
    )
    if response.status_code == 200:
        assert response.json == {"saved": "n"}
        raw = body.encode() if isinstance(body, str) else body
        # What was stored is the start of what was sent, 40 bytes at most,
        # decoded as Werkzeug decodes (bytes that are not UTF-8 replaced).
        assert any(
            notes["n"] == raw[:size].decode("utf-8", "replace") for size in range(41)
        ), (notes, raw)
    else:
        assert response.status_code in {400, 411, 413}, response.status
        assert response.mimetype == "application/json"
        answer = response.get_json()
        assert isinstance(answer, dict)
        assert "error" in answer
        assert notes == {}


def test_read_body_without_a_length_is_411_and_past_the_limit_413() -> None:
    app, notes = note_app(limit=3)
    client = as_a_reader_runs_it(app)
    response = client.put("/notes/n")  # the test client sends no header
    assert (response.status_code, response.json) == (
        411,
        {"error": "send the body with a Content-Length header"},
    )
    response = client.put("/notes/n", data="abcd")
    assert (response.status_code, response.json) == (
        413,
        {"error": "a body holds at most 3 bytes"},
    )
    assert client.put("/notes/n", data="abc").status_code == 200
    assert notes == {"n": "abc"}


def test_read_body_answers_a_body_shorter_than_its_length_in_json() -> None:
    # Found by the hypothesis test above in a CI run: Werkzeug raises
    # ClientDisconnected (an HTML 400) when the body ends before its length.
    app, notes = note_app(limit=40)
    response = as_a_reader_runs_it(app).put(
        "/notes/n", data=b"", environ_overrides={"CONTENT_LENGTH": "1"}
    )
    assert (response.status_code, response.mimetype) == (400, "application/json")
    assert response.get_json() == {"error": "the body ended before its Content-Length"}
    assert notes == {}
