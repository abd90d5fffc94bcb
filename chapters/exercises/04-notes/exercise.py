# SPDX-License-Identifier: MIT
"""Exercise 4 (chapter 4, medium): one handler per HTTP method.

Write ``NoteAPI``, a ``MethodView`` that serves named notes at
``/notes/<name>`` (endpoint ``note``). A note is plain text sent as the
request body; the answers are JSON:

- ``GET`` answers ``{"name": ..., "text": ...}``, or 404 with a JSON
  ``error`` if there is no such note;
- ``PUT`` stores the body (``request.get_data(as_text=True)``) and answers
  like ``GET``; a body over 500 characters gets 413 with a JSON ``error``
  that mentions the limit (500), and the note stays as it was;
- ``DELETE`` answers 204 with an empty body, or a JSON 404;
- ``HEAD`` and ``OPTIONS`` work without a handler of yours, and every other
  method (``POST``, ``PATCH``) gets 405, with ``Allow`` listing
  ``DELETE, GET, HEAD, OPTIONS, PUT``.

Then write ``ReadOnlyNoteAPI``, a subclass of ``NoteAPI`` served at
``/public/notes/<name>`` (endpoint ``public_note``) on the same store: it
answers ``GET`` (so ``HEAD`` and ``OPTIONS``) like ``NoteAPI``, and 405 to
``PUT`` and ``DELETE``. Add no handler to it: chapter 4 shows how.

Hints:

- A class body that sets ``methods`` replaces the list ``MethodView``
  computes from the handlers (chapter 4, "Which methods a class accepts",
  shows ``ReadOnlyNotes``): a handler left out of the list is never called.
- Chapter 4's ``read_body`` limits bytes, the body's ``Content-Length``,
  before it reads anything; this limit is on the note's text, so count its
  characters, ``len(request.get_data(as_text=True))``: 500 ``é`` (1,000
  bytes in UTF-8) make a note the check expects you to accept.
- ``return "", 204`` answers 204 with an empty body.
- ``NoteAPI.as_view("note", store)`` hands ``store`` to ``__init__`` (chapter
  2's app does the same with its counter).

The store, ``NoteStore``, is written for you. Check your work with
``pytest chapters/exercises/04-notes``.

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

import threading

from flask import Flask, request  # noqa: F401  (TODO: you will need request)

from viewlib import MethodView

MAX_NOTE = 500  # characters


class NoteStore:
    """Notes by name. Every request shares the store, and a threaded server
    runs requests at the same time, so each method holds the lock."""

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
        """Remove a note; False if there was none."""
        with self._lock:
            return self._notes.pop(name, None) is not None


class NoteAPI(MethodView):
    def __init__(self, store: NoteStore) -> None:
        self.store = store

    # TODO: the get, put and delete handlers.


class ReadOnlyNoteAPI(NoteAPI):
    pass  # TODO: accept GET only (HEAD and OPTIONS come with it).


def create_app() -> Flask:
    app = Flask(__name__)
    store = NoteStore()
    # TODO: register NoteAPI at /notes/<name> (endpoint "note") and
    # ReadOnlyNoteAPI at /public/notes/<name> (endpoint "public_note"), both
    # with this store: as_view passes its extra arguments to __init__.
    app.extensions["notes"] = store  # where a test can reach the notes
    return app


app = create_app()
