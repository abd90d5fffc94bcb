# SPDX-License-Identifier: MIT
"""Why the matrix pins ``werkzeug<3`` beside Flask 2.2 (README, "Supported versions").

Flask 2.2 asks only for a minimum Werkzeug, so pip will install Werkzeug 3
beside it, and the pair fails. noxfile.py's ``werkzeug_pins`` session
installs each pair of :data:`CASES` into an environment of its own and runs
:data:`PROBE` there: it imports Flask, builds an app and makes one request
with the test client, with warnings raised as errors, as this repository's
pytest settings (``filterwarnings = error``) raise them. The line the probe
prints must start with the case's expected outcome.
"""

from __future__ import annotations

import nox

#: Werkzeug 3.0 deprecates werkzeug.__version__ (3.1 removed it); 2.3
#: deprecates werkzeug.urls.url_parse, which Flask 2.2.0 to 2.2.3's test client
#: calls as it builds a request ("at request": inside client.get()).
WARNS = "DeprecationWarning"
#: A case's name: (Flask, Werkzeug, how the probe's line starts: what was
#: raised and at which step, or "ok").
CASES = {
    "flask-2.2.0-werkzeug-3.0": (
        "flask==2.2.0",
        "werkzeug==3.0.6",
        "ImportError at import",
    ),
    "flask-2.2.1-werkzeug-3.0": (
        "flask==2.2.1",
        "werkzeug==3.0.6",
        "ImportError at import",
    ),
    "flask-2.2.2-werkzeug-3.0": (
        "flask==2.2.2",
        "werkzeug==3.0.6",
        "ImportError at import",
    ),
    "flask-2.2.3-werkzeug-3.0": (
        "flask==2.2.3",
        "werkzeug==3.0.6",
        "ImportError at import",
    ),
    "flask-2.2.4-werkzeug-3.0": (
        "flask==2.2.4",
        "werkzeug==3.0.6",
        f"{WARNS} at test_client",
    ),
    "flask-2.2.5-werkzeug-3.0": (
        "flask==2.2.5",
        "werkzeug==3.0.6",
        f"{WARNS} at test_client",
    ),
    "flask-2.2.4-werkzeug-3.1": (
        "flask==2.2.4",
        "werkzeug==3.1.9",
        "AttributeError at test_client",
    ),
    "flask-2.2.5-werkzeug-3.1": (
        "flask==2.2.5",
        "werkzeug==3.1.9",
        "AttributeError at test_client",
    ),
    "flask-2.2.0-werkzeug-2.3": (
        "flask==2.2.0",
        "werkzeug==2.3.8",
        f"{WARNS} at request",
    ),
    "flask-2.2.3-werkzeug-2.3": (
        "flask==2.2.3",
        "werkzeug==2.3.8",
        f"{WARNS} at request",
    ),
    "flask-2.2.4-werkzeug-2.3": ("flask==2.2.4", "werkzeug==2.3.8", "ok"),
    "flask-2.2.5-werkzeug-2.3": ("flask==2.2.5", "werkzeug==2.3.8", "ok"),
}

#: Prints "ok", or what was raised, at which step, and its message.
PROBE = """
import warnings
warnings.simplefilter("error")
step = "import"
try:
    from flask import Flask
    app = Flask(__name__)
    app.add_url_rule("/", "index", lambda: "ok")
    step = "test_client"
    client = app.test_client()
    step = "request"
    client.get("/")
except BaseException as error:
    print(type(error).__name__, "at", step + ":", error)
else:
    print("ok")
"""


def run(session: nox.Session, case: str) -> None:
    """Install the case's pair and check what the probe prints."""
    flask, werkzeug, expected = CASES[case]
    session.install(flask, werkzeug)
    said = str(session.run("python", "-c", PROBE, silent=True)).strip()
    if not said.startswith(expected):
        session.error(f"{flask} with {werkzeug}: expected {expected}, got: {said}")
    session.log(f"{flask} with {werkzeug}: {said}")
