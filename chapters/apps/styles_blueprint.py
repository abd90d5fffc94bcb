# SPDX-License-Identifier: MIT
"""The notes API as ``MethodView`` classes in a blueprint.

Run it: ``flask --app chapters/apps/styles_blueprint.py run``
"""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask.typing import ResponseReturnValue
from notes_core import current_store, note_text, setup

from viewlib import MethodView

# Made once, at import time, and registered on every app create_app builds:
# so the views find their app's store through current_app, not an argument.
notes = Blueprint("notes", __name__)


class NoteList(MethodView):
    def get(self) -> ResponseReturnValue:
        return {"notes": current_store().all()}

    def post(self) -> ResponseReturnValue:
        return current_store().add(note_text(request)), 201


class Note(MethodView):
    def get(self, note_id: int) -> ResponseReturnValue:
        return current_store().get(note_id)

    def delete(self, note_id: int) -> ResponseReturnValue:
        current_store().delete(note_id)
        return "", 204


notes.add_url_rule("/notes", view_func=NoteList.as_view("list"))
notes.add_url_rule("/notes/<int:note_id>", view_func=Note.as_view("note"))


def create_app() -> Flask:
    app = Flask(__name__)
    setup(app)
    app.register_blueprint(notes)
    return app


app = create_app()
