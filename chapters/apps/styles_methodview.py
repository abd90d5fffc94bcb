# SPDX-License-Identifier: MIT
"""The notes API as two ``MethodView`` classes.

Run it: ``flask --app chapters/apps/styles_methodview.py run``
"""

from __future__ import annotations

from flask import Flask, request
from flask.typing import ResponseReturnValue
from notes_core import NoteStore, note_text, setup

from viewlib import MethodView


class NoteList(MethodView):
    def __init__(self, store: NoteStore) -> None:
        self.store = store

    def get(self) -> ResponseReturnValue:
        return {"notes": self.store.all()}

    def post(self) -> ResponseReturnValue:
        return self.store.add(note_text(request)), 201


class Note(MethodView):
    def __init__(self, store: NoteStore) -> None:
        self.store = store

    def get(self, note_id: int) -> ResponseReturnValue:
        return self.store.get(note_id)

    def delete(self, note_id: int) -> ResponseReturnValue:
        self.store.delete(note_id)
        return "", 204


def create_app() -> Flask:
    app = Flask(__name__)
    store = setup(app)
    app.add_url_rule("/notes", view_func=NoteList.as_view("notes", store))
    app.add_url_rule("/notes/<int:note_id>", view_func=Note.as_view("note", store))
    return app


app = create_app()
