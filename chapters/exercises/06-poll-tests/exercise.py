# SPDX-License-Identifier: MIT
"""Exercise 6 (chapter 6, hard): write the tests that catch the bugs.

The first half of this file is a small poll API. Do not change it:

- ``GET /poll`` answers 200 and the counts, ``{"yes": 0, "no": 0}``;
- ``POST /poll`` with the JSON ``{"vote": "yes"}`` (or ``"no"``) adds the vote
  and answers 201 with the new counts;
- any other JSON body, or a body sent as JSON that does not parse, gets 400;
  a body sent without a JSON ``Content-Type`` (``application/json``, or a
  type such as ``application/vnd.api+json`` that Werkzeug's
  ``request.is_json`` accepts) gets 415, whatever it holds. Each answer has
  a JSON ``{"error": "..."}`` and changes no count. A JSON body over 1,024 bytes
  (``MAX_CONTENT_LENGTH``) gets 413 instead with Werkzeug 2.3 or later,
  which checks that limit as it reads; Werkzeug 2.2 reads it like any other.

The second half is yours: write tests for the poll, functions whose names
start with ``test_``. Each takes one argument, ``client``: the test client
of a new app, in testing mode. The check runs your tests twice over:

- on the poll as it is: every test must pass;
- on five broken copies of it, each with one bug, and on each at least one of
  your tests must fail. The bugs: a copy that counts every vote as a yes;
  one that accepts a vote that is neither yes nor no (and answers 201); one
  that answers a vote with 200 instead of 201; one that forgets votes (a
  POST changes no count); one that crashes (a 500) on a body that is not JSON.

Write at least four tests. Run them on the poll with
``pytest chapters/exercises/06-poll-tests/exercise.py`` (the ``client``
fixture below serves them), and the check with
``pytest chapters/exercises/06-poll-tests``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

import threading

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, HTTPException, UnsupportedMediaType

from viewlib import MethodView

# ----- The poll: do not change this half. -----

CHOICES = ("yes", "no")


class Votes:
    """The counts, shared by every request; the lock makes each change whole."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(CHOICES, 0)

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def add(self, choice: str) -> dict[str, int]:
        with self._lock:
            self._counts[choice] += 1
            return dict(self._counts)


def read_vote() -> str:
    """The vote in the request's JSON body, or an HTTP error naming the problem."""
    if not request.is_json:
        raise UnsupportedMediaType("send JSON, with Content-Type: application/json")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested too deep for Python's parser
        data = None
    vote = data.get("vote") if isinstance(data, dict) else None
    if vote not in CHOICES:
        raise BadRequest("send {'vote': 'yes'} or {'vote': 'no'}")
    return str(vote)


class Poll(MethodView):
    def __init__(self, votes: Votes) -> None:
        self.votes = votes

    def get(self) -> ResponseReturnValue:
        return self.votes.counts()

    def post(self) -> ResponseReturnValue:
        return self.votes.add(read_vote()), 201


def json_error(error: HTTPException) -> ResponseReturnValue:
    return {"error": error.description}, error.code or 500


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024  # bytes
    app.add_url_rule("/poll", view_func=Poll.as_view("poll", Votes()))
    app.register_error_handler(HTTPException, json_error)
    return app


app = create_app()


# ----- Your tests. -----


@pytest.fixture
def client() -> FlaskClient:
    """For `pytest .../exercise.py`: a new app, in testing mode, for each test."""
    app = create_app()
    app.testing = True
    return app.test_client()


def test_a_new_poll_has_no_votes(client: FlaskClient) -> None:
    response = client.get("/poll")
    assert response.status_code == 200
    assert response.json == {"yes": 0, "no": 0}


# TODO: tests that fail on each of the five broken polls.
