# SPDX-License-Identifier: MIT
"""Chapter 3's app: an API whose views share two decorators through a base class.

Every request that reaches a view needs a known API key in the
``X-API-Key`` header (a JSON 401 otherwise), and every response a view
gives, the 401s included, says ``Cache-Control: no-store``; Flask's own 404,
405 and automatic ``OPTIONS`` answers do not pass through the decorators.
Run it from the repository root with a key of your own::

    export API_KEY=$(python -c "import secrets; print(secrets.token_hex())")
    flask --app chapters/apps/apikeys.py run

then try ``curl -H "X-API-Key: $API_KEY" http://127.0.0.1:5000/me``.
"""

import os
import secrets
from functools import wraps

from flask import Flask, current_app, g, make_response, request

from viewlib import View


def user_for(key):
    """The user an API key belongs to, or None."""
    for known, user in current_app.config["API_KEYS"].items():
        # compare_digest takes as long for a near miss as for a far one, so
        # response times give no hint of how much of a key was right.
        if secrets.compare_digest(known.encode(), key.encode()):
            return user
    return None


def require_api_key(view):
    """Answer 401 unless the request carries a known key; remember the user."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = user_for(request.headers.get("X-API-Key", ""))
        if user is None:
            return {"error": "missing or unknown API key"}, 401
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def add_header(name, value):
    """Make a decorator that sets a header on every response of the view."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            response = make_response(view(*args, **kwargs))
            response.headers[name] = value
            return response

        return wrapper

    return decorator


class ApiView(View):
    """The base of every view of the API: both decorators, for every request."""

    decorators = [
        require_api_key,
        add_header("Cache-Control", "no-store"),
    ]


class Me(ApiView):
    def dispatch_request(self):
        return {"user": g.user}


def create_app(api_keys=None):
    """Build the app; *api_keys* maps each key to its user.

    By default the one user, ada, has the key in the environment variable
    ``API_KEY``. Without it, a random key nobody knows is used, so every
    request is refused rather than let in.
    """
    app = Flask(__name__)
    if api_keys is None:
        api_keys = {os.environ.get("API_KEY") or secrets.token_hex(): "ada"}
    app.config["API_KEYS"] = dict(api_keys)
    app.add_url_rule("/me", view_func=Me.as_view("me"))
    return app


app = create_app()
