# SPDX-License-Identifier: MIT
"""Exercise 11 (chapter 11, medium): from function views to MethodView.

``create_function_app()`` below serves a small task API with five function
views:

- ``GET /tasks``: ``{"tasks": [...]}``, every task by id;
- ``POST /tasks``: adds a task from ``{"title": "...", "done": false}``
  (``done`` may be left out) and answers 201, the task and a ``Location``;
- ``GET /tasks/<id>``, ``PATCH /tasks/<id>`` (changes the fields sent) and
  ``DELETE /tasks/<id>`` (204).

Bad input gets a JSON 400 or 415 that names the problem, and an unknown id
a JSON 404: ``task_fields`` and ``TaskStore`` take care of it.

Write the same API with two ``MethodView`` classes, ``TaskList`` for
``/tasks`` and ``TaskItem`` for ``/tasks/<int:task_id>``, registered in
``create_app()`` under the endpoints ``tasks`` and ``task``. The store
reaches them as a constructor argument (``as_view(name, store)``); each app
gets a store of its own. Every request must get the same answer from both
apps: status, JSON body, and the ``Location`` and ``Allow`` headers. Reuse
``TaskStore``, ``task_fields`` and ``json_error``; leave the function version
as it is: the check compares your app with it.

Check your work with ``pytest chapters/exercises/11-to-methodview``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

import json
import threading
from typing import Any

from flask import Flask, abort, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from viewlib import MethodView

MAX_TITLE = 100  # characters, after stripping spaces

# ----- Shared by both versions: do not change this part. -----


class TaskStore:
    """Tasks in memory, by id; the lock makes each change whole under threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[int, dict[str, Any]] = {}
        self._next_id = 1

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(task) for task in self._tasks.values()]

    def get(self, task_id: int) -> dict[str, Any]:
        with self._lock:
            if task_id not in self._tasks:
                abort(404, description=f"there is no task {task_id}")
            return dict(self._tasks[task_id])

    def add(self, fields: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            task = {"id": self._next_id, "title": "", "done": False, **fields}
            self._tasks[self._next_id] = task
            self._next_id += 1
            return dict(task)

    def update(self, task_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if task_id not in self._tasks:
                abort(404, description=f"there is no task {task_id}")
            self._tasks[task_id].update(fields)
            return dict(self._tasks[task_id])

    def delete(self, task_id: int) -> None:
        with self._lock:
            if self._tasks.pop(task_id, None) is None:
                abort(404, description=f"there is no task {task_id}")


def task_fields(partial: bool) -> dict[str, Any]:
    """The checked fields of the JSON body, or a 4xx naming the problem."""
    if not request.is_json:
        abort(415, description="send JSON, with Content-Type: application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="the body must be a JSON object")
    unknown = sorted(set(data) - {"title", "done"})
    if unknown:
        abort(400, description=f"unknown field(s): {', '.join(unknown)}")
    if not partial and "title" not in data:
        abort(400, description="'title' is required")
    if "title" in data:
        if not isinstance(data["title"], str):
            abort(400, description="'title' must be a string")
        data["title"] = data["title"].strip()
        if not 1 <= len(data["title"]) <= MAX_TITLE:
            abort(400, description=f"'title' must be 1 to {MAX_TITLE} characters")
    if "done" in data and not isinstance(data["done"], bool):
        abort(400, description="'done' must be true or false")
    return data


def json_error(error: HTTPException) -> ResponseReturnValue:
    """Every HTTP error as JSON; its status and headers (a 405's Allow) stay."""
    response = error.get_response()
    response.set_data(json.dumps({"error": error.description}))
    response.mimetype = "application/json"
    return response


def create_function_app() -> Flask:
    """The API as function views: the behaviour to keep.

    Each function is an endpoint of its own, named after it (``get_task``):
    Flask allows one function per endpoint.
    """
    app = Flask(__name__)
    app.register_error_handler(HTTPException, json_error)
    store = TaskStore()

    @app.get("/tasks")
    def list_tasks() -> ResponseReturnValue:
        return {"tasks": store.all()}

    @app.post("/tasks")
    def add_task() -> ResponseReturnValue:
        task = store.add(task_fields(partial=False))
        return task, 201, {"Location": url_for("get_task", task_id=task["id"])}

    @app.get("/tasks/<int:task_id>")
    def get_task(task_id: int) -> ResponseReturnValue:
        return store.get(task_id)

    @app.patch("/tasks/<int:task_id>")
    def change_task(task_id: int) -> ResponseReturnValue:
        return store.update(task_id, task_fields(partial=True))

    @app.delete("/tasks/<int:task_id>")
    def delete_task(task_id: int) -> ResponseReturnValue:
        store.delete(task_id)
        return "", 204

    return app


# ----- The MethodView version. -----


class TaskList(MethodView):
    # TODO: __init__(self, store), get and post.
    pass


class TaskItem(MethodView):
    # TODO: __init__(self, store), get, patch and delete; the URL's task_id
    # arrives as a keyword argument.
    pass


def create_app() -> Flask:
    app = Flask(__name__)
    app.register_error_handler(HTTPException, json_error)
    # TODO: one TaskStore for this app; register TaskList at /tasks (endpoint
    # "tasks") and TaskItem at /tasks/<int:task_id> (endpoint "task").
    return app


app = create_app()
