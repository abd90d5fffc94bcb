# SPDX-License-Identifier: MIT
"""Reference solution of exercise 4 (chapters/exercises/04-notes)."""

from __future__ import annotations

import threading

from flask import Flask, request
from flask.typing import ResponseReturnValue

from viewlib import MethodView

MAX_NOTE = 500  # characters


class NoteStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._notes: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        with self._lock:
            return self._notes.get(name)

    def put(self, name: str, text: str) -> None:
        with self._lock:
            self._notes[name] = text

    def delete(self, name: str) -> bool:
        with self._lock:
            return self._notes.pop(name, None) is not None


class NoteAPI(MethodView):
    def __init__(self, store: NoteStore) -> None:
        self.store = store

    def get(self, name: str) -> ResponseReturnValue:
        text = self.store.get(name)
        if text is None:
            return {"error": f"there is no note named {name!r}"}, 404
        return {"name": name, "text": text}

    def put(self, name: str) -> ResponseReturnValue:
        text = request.get_data(as_text=True)
        if len(text) > MAX_NOTE:
            return {"error": f"a note holds at most {MAX_NOTE} characters"}, 413
        self.store.put(name, text)
        return {"name": name, "text": text}

    def delete(self, name: str) -> ResponseReturnValue:
        if not self.store.delete(name):
            return {"error": f"there is no note named {name!r}"}, 404
        return "", 204


class ReadOnlyNoteAPI(NoteAPI):
    # Set in the class body, this list is used as it is: the inherited put
    # and delete are never reached.
    methods = ["GET"]


def create_app() -> Flask:
    app = Flask(__name__)
    store = NoteStore()
    app.add_url_rule("/notes/<name>", view_func=NoteAPI.as_view("note", store))
    app.add_url_rule(
        "/public/notes/<name>",
        view_func=ReadOnlyNoteAPI.as_view("public_note", store),
    )
    app.extensions["notes"] = store
    return app


app = create_app()
