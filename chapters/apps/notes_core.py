# SPDX-License-Identifier: MIT
"""What the four ``styles_*.py`` apps share: the note store, input checks, JSON errors.

This is not an app. The four style apps (``styles_functions.py``,
``styles_view.py``, ``styles_methodview.py``, ``styles_blueprint.py``) import
it, so that they differ only in how requests reach the code, which is what
chapter 11 compares.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, Request, abort, current_app
from json_input import read_json
from werkzeug.exceptions import HTTPException

MAX_TEXT = 200  # characters in a note, after stripping spaces


class NoteStore:
    """Notes in memory, by id.

    A WSGI server runs requests in several threads at once, so every method
    takes the lock: two POSTs cannot get the same id, and a reader never
    sees a half-made change.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._notes: dict[int, str] = {}
        self._next_id = 1

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"id": i, "text": t} for i, t in self._notes.items()]

    def get(self, note_id: int) -> dict[str, Any]:
        with self._lock:
            if note_id not in self._notes:
                abort(404, description=f"there is no note {note_id}")
            return {"id": note_id, "text": self._notes[note_id]}

    def add(self, text: str) -> dict[str, Any]:
        with self._lock:
            note_id = self._next_id
            self._next_id += 1
            self._notes[note_id] = text
            return {"id": note_id, "text": text}

    def delete(self, note_id: int) -> None:
        with self._lock:
            if self._notes.pop(note_id, None) is None:
                abort(404, description=f"there is no note {note_id}")


def note_text(request: Request) -> str:
    """The text from a JSON body ``{"text": "..."}``, or a 4xx naming the problem."""
    data = read_json(request)  # a 415 or 400 for a body that is not usable JSON
    if not isinstance(data, dict):
        abort(400, description='the body must be a JSON object: {"text": "..."}')
    unknown = sorted(set(data) - {"text"})
    if unknown:
        abort(400, description=f"unknown field(s): {', '.join(unknown)}")
    text = data.get("text")
    if not isinstance(text, str):
        abort(400, description="'text' is required and must be a string")
    text = text.strip()
    if not 1 <= len(text) <= MAX_TEXT:
        abort(400, description=f"'text' must be 1 to {MAX_TEXT} characters")
    return text


def json_error(error: HTTPException) -> tuple[dict[str, Any], int]:
    """Answer every HTTP error as JSON, so an API client can read the reason."""
    return {"error": error.name, "message": error.description}, error.code or 500


def setup(app: Flask) -> NoteStore:
    """Configure *app* as all four styles do, and give it an empty store."""
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024  # larger bodies get a 413
    app.register_error_handler(HTTPException, json_error)
    store = NoteStore()
    app.extensions["notes"] = store
    return store


def current_store() -> NoteStore:
    """The store of the app handling the current request."""
    store: NoteStore = current_app.extensions["notes"]
    return store
