# SPDX-License-Identifier: MIT
"""Chapter 4's app: the class-based views reference's counter, kept in the session.

The reference is the page on ``flask.views`` this project takes as its
specification (the site quotes it on its traceability page, generated/clauses).

Run it from the repository root::

    flask --app chapters/apps/counter.py run

then try ``curl -c /tmp/jar -b /tmp/jar -L -d "" http://127.0.0.1:5000/counter``
a few times: each POST adds one and redirects to the GET that shows the count.
The session cookie is signed with the key in ``COUNTER_SECRET_KEY``, or with
a throwaway key when it is unset (sessions then end when the server stops).
"""

from __future__ import annotations

import os
import secrets

from flask import Flask, redirect, session, url_for
from flask.typing import ResponseReturnValue

from viewlib import MethodView


class CounterAPI(MethodView):
    def get(self) -> str:
        return str(session.get("counter", 0))

    def post(self) -> ResponseReturnValue:
        session["counter"] = session.get("counter", 0) + 1
        return redirect(url_for("counter"))


def create_app() -> Flask:
    app = Flask(__name__)
    app.secret_key = os.environ.get("COUNTER_SECRET_KEY") or secrets.token_hex()
    app.add_url_rule("/counter", view_func=CounterAPI.as_view("counter"))
    return app


app = create_app()
