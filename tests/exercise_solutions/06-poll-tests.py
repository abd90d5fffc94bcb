# SPDX-License-Identifier: MIT
"""Reference solution of exercise 6 (chapters/exercises/06-poll-tests)."""

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


def test_a_vote_is_counted_on_its_side(client: FlaskClient) -> None:
    response = client.post("/poll", json={"vote": "no"})
    assert response.status_code == 201
    assert response.json == {"yes": 0, "no": 1}
    assert client.get("/poll").json == {"yes": 0, "no": 1}


def test_a_bad_vote_is_refused_and_not_counted(client: FlaskClient) -> None:
    response = client.post("/poll", json={"vote": "maybe"})
    assert response.status_code == 400
    data = response.get_json()
    assert isinstance(data, dict)
    assert "error" in data
    assert client.get("/poll").json == {"yes": 0, "no": 0}


def test_a_body_that_is_not_json_gets_a_json_415(client: FlaskClient) -> None:
    response = client.post("/poll", data="vote=yes")
    assert response.status_code == 415
    data = response.get_json()
    assert isinstance(data, dict)
    assert "error" in data


def test_votes_add_up(client: FlaskClient) -> None:
    for vote in ["yes", "yes", "no"]:
        client.post("/poll", json={"vote": vote})
    assert client.get("/poll").json == {"yes": 2, "no": 1}
