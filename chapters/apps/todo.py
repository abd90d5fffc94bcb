# SPDX-License-Identifier: MIT
"""A small to-do API: the app chapter 6 ("Testing class-based views") tests.

Run it with ``flask --app chapters/apps/todo.py run`` and try
``curl -s http://127.0.0.1:5000/tasks``. Its tests are in ``test_todo.py``
next to this file.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, request, url_for
from flask.typing import ResponseReturnValue
from json_input import read_json
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    NotFound,
    UnprocessableEntity,
)

from viewlib import MethodView

MAX_TITLE = 100  # characters in a task title


class TaskStore:
    """Tasks in memory. Every method takes the lock, so concurrent requests
    (a WSGI server runs them in threads) cannot hand out the same id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._titles: dict[int, str] = {}
        self._next_id = 1

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"id": i, "title": t} for i, t in self._titles.items()]

    def get(self, task_id: int) -> dict[str, Any] | None:
        with self._lock:
            title = self._titles.get(task_id)
        return None if title is None else {"id": task_id, "title": title}

    def add(self, title: str) -> dict[str, Any]:
        with self._lock:
            task_id, self._next_id = self._next_id, self._next_id + 1
            self._titles[task_id] = title
        return {"id": task_id, "title": title}


def read_title() -> str:
    """The title from the request's JSON body, or an HTTP error naming the problem."""
    data = read_json(request)  # a 415 or 400 for a body that is not usable JSON
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise UnprocessableEntity("'title' must be a non-empty string")
    if len(title) > MAX_TITLE:
        raise UnprocessableEntity(f"'title' is longer than {MAX_TITLE} characters")
    return title.strip()


class TaskList(MethodView):
    def __init__(self, store: TaskStore) -> None:
        self.store = store

    def get(self) -> ResponseReturnValue:
        return {"tasks": self.store.all()}

    def post(self) -> ResponseReturnValue:
        task = self.store.add(read_title())
        return task, 201, {"Location": url_for("task", task_id=task["id"])}


class TaskDetail(MethodView):
    def __init__(self, store: TaskStore) -> None:
        self.store = store

    def get(self, task_id: int) -> ResponseReturnValue:
        task = self.store.get(task_id)
        if task is None:
            raise NotFound(f"there is no task {task_id}")
        return task


def json_error(error: HTTPException) -> ResponseReturnValue:
    """Every HTTP error as JSON, so an API client never gets an HTML page."""
    return {"error": error.name, "detail": error.description}, error.code or 500


def create_app(store: TaskStore | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 4096  # bytes; a larger body gets 413
    store = TaskStore() if store is None else store
    app.add_url_rule("/tasks", view_func=TaskList.as_view("tasks", store))
    app.add_url_rule(
        "/tasks/<int:task_id>", view_func=TaskDetail.as_view("task", store)
    )
    app.register_error_handler(HTTPException, json_error)
    return app


app = create_app()
