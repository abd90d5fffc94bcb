# SPDX-License-Identifier: MIT
"""The notes API as function views.

Run it: ``flask --app chapters/apps/styles_functions.py run``
"""

from __future__ import annotations

from flask import Flask, request
from flask.typing import ResponseReturnValue
from notes_core import note_text, setup


def create_app() -> Flask:
    app = Flask(__name__)
    store = setup(app)

    @app.get("/notes")
    def list_notes() -> ResponseReturnValue:
        return {"notes": store.all()}

    @app.post("/notes")
    def add_note() -> ResponseReturnValue:
        return store.add(note_text(request)), 201

    @app.get("/notes/<int:note_id>")
    def get_note(note_id: int) -> ResponseReturnValue:
        return store.get(note_id)

    @app.delete("/notes/<int:note_id>")
    def delete_note(note_id: int) -> ResponseReturnValue:
        store.delete(note_id)
        return "", 204

    return app


app = create_app()
