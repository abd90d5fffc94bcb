# SPDX-License-Identifier: MIT
"""Tests for todo.py, as a student would write them (chapter 6).

Run them with ``pytest chapters/apps/test_todo.py``.
"""

from __future__ import annotations

import pytest
import todo
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def app() -> Flask:
    """A fresh app for each test, in testing mode: errors reach the test."""
    app = todo.create_app()
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_a_new_app_has_no_tasks(client: FlaskClient) -> None:
    assert client.get("/tasks").json == {"tasks": []}


def test_post_creates_a_task(client: FlaskClient) -> None:
    response = client.post("/tasks", json={"title": "Water the plants"})
    assert response.status_code == 201
    assert response.headers["Location"] == "/tasks/1"
    assert client.get("/tasks/1").json == {"id": 1, "title": "Water the plants"}


@pytest.mark.parametrize(
    ("body", "status"),
    [({"title": ""}, 422), ({"title": 42}, 422), (["a list"], 400)],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    client: FlaskClient, body: object, status: int
) -> None:
    response = client.post("/tasks", json=body)
    assert response.status_code == status
    assert client.get("/tasks").json == {"tasks": []}


def test_head_and_options(client: FlaskClient) -> None:
    head = client.head("/tasks")
    assert head.status_code == 200
    assert head.data == b""
    assert client.options("/tasks").allow == {"GET", "HEAD", "OPTIONS", "POST"}


def test_an_unexpected_error_reaches_the_test(app: Flask, client: FlaskClient) -> None:
    class BrokenList(todo.TaskList):
        def get(self) -> dict[str, object]:
            raise ConnectionError("the database is down")

    # The function from as_view carries view_class; mypy cannot know that.
    app.view_functions["tasks"].view_class = BrokenList  # type: ignore[union-attr]
    with pytest.raises(ConnectionError, match="database"):
        client.get("/tasks")
