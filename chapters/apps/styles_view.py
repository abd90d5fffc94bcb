# SPDX-License-Identifier: MIT
"""The notes API as two ``View`` classes.

Run it: ``flask --app chapters/apps/styles_view.py run``
"""

from __future__ import annotations

from typing import ClassVar

from flask import Flask, request
from flask.typing import ResponseReturnValue
from notes_core import NoteStore, note_text, setup

from viewlib import View


class NoteList(View):
    methods: ClassVar[list[str]] = ["GET", "POST"]

    def __init__(self, store: NoteStore) -> None:
        self.store = store

    def dispatch_request(self) -> ResponseReturnValue:
        if request.method == "POST":
            return self.store.add(note_text(request)), 201
        return {"notes": self.store.all()}


class Note(View):
    methods: ClassVar[list[str]] = ["GET", "DELETE"]

    def __init__(self, store: NoteStore) -> None:
        self.store = store

    # View.dispatch_request takes no arguments; a rule's URL variables arrive
    # as keyword arguments all the same, which mypy cannot know.
    def dispatch_request(self, note_id: int) -> ResponseReturnValue:  # type: ignore[override]
        if request.method == "DELETE":
            self.store.delete(note_id)
            return "", 204
        return self.store.get(note_id)


def create_app() -> Flask:
    app = Flask(__name__)
    store = setup(app)
    app.add_url_rule("/notes", view_func=NoteList.as_view("notes", store))
    app.add_url_rule("/notes/<int:note_id>", view_func=Note.as_view("note", store))
    return app


app = create_app()
