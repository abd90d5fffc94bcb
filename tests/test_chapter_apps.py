"""Hostile input for the chapters' example apps that take input.

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
