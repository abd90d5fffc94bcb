"""Facts the chapters state about Python, Werkzeug and servers, proven here.

A chapter listing proves what it shows. A few sentences state something that
depends on the Python version, on a fresh process or on a real server, which
a listing cannot show on every run; each of those has a test here, and the
sentence links to the place it is stated once:

- how deep a JSON document must be for Python's parser to give up with
  ``RecursionError`` (chapter 5, "json-depth"; chapter 6 relies on it);
- that the ``Allow`` header's order changes from one process to the next
  (chapter 6, "Run it for real");
- that the development server's warning is Werkzeug's (chapter 6);
- how the servers the chapters use run requests on threads (chapter 5,
  "Many requests at once"; the glossary's WSGI entry);
- when a request gets an application context of its own (the glossary);
- that Flask-Login's test client logs its user in once, when it is created,
  until a route calls ``logout_user()`` (chapter 11);
- two answers that changed in Werkzeug 2.3, checked on whichever Werkzeug is
  installed (chapter 5: ``get_json()`` without JSON; chapter 4:
  ``MAX_CONTENT_LENGTH`` and ``get_data()``), since the chapters' listings
  show only the current answer (the in-browser run skips nothing).

Everything runs on 127.0.0.1 with ephemeral ports and bounded waits, and
asserts no timing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version

import pytest
from flask import Flask, current_app, g, request
from local_server import serving
from werkzeug.serving import make_server

TIMEOUT = 10  # seconds, for a request, a subprocess or a thread


def release(name: str) -> tuple[int, ...]:
    """An installed package's version as (major, minor): (3, 1) for 3.1.9."""
    return tuple(int(part) for part in re.findall(r"\d+", version(name))[:2])


FLASK_VERSION = release("flask")
WERKZEUG_VERSION = release("werkzeug")


def parse_in_a_request(depth: int, closed: bool) -> str:
    """What Python's json module makes of `depth` brackets, inside a request."""
    app = Flask(__name__)

    @app.post("/parse")
    def parse() -> dict[str, str]:
        try:
            json.loads(request.get_data())
        except RecursionError:
            return {"raised": "RecursionError"}
        except ValueError:
            return {"raised": "ValueError"}
        return {"raised": "nothing"}

    body = "[" * depth + ("]" * depth if closed else "")
    response = app.test_client().post("/parse", data=body)
    raised: str = response.json["raised"]  # type: ignore[index]
    return raised


# Python 3.11 and older count the parser's nesting against the recursion
# limit (1,000 frames); 3.12 has a separate, larger limit for C code, and 3.13
# a larger one again. 100,000 levels are too many on every version.
@pytest.mark.parametrize(
    ("depth", "recurses"),
    [
        (1_000, sys.version_info < (3, 12)),
        (2_000, sys.version_info < (3, 13)),
        (100_000, True),
    ],
)
@pytest.mark.parametrize("closed", [False, True], ids=["unfinished", "closed"])
def test_how_deep_json_must_be_to_raise_recursion_error(
    depth: int, recurses: bool, closed: bool
) -> None:
    expected = "RecursionError" if recurses else ("nothing" if closed else "ValueError")
    assert parse_in_a_request(depth, closed) == expected


def allow_header_in_a_fresh_process(seed: int) -> str:
    script = (
        "from flask import Flask\n"
        "app = Flask(__name__)\n"
        "app.add_url_rule('/tasks', 'tasks', lambda: '', methods=['GET', 'POST'])\n"
        "print(app.test_client().options('/tasks').headers['Allow'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONHASHSEED": str(seed)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    return result.stdout.strip()


def test_the_allow_headers_order_changes_between_processes() -> None:
    # Any two orders differing proves that the order is not fixed; seeds 0
    # and 1 already differ on the Pythons this project tests, so the loop
    # usually starts two processes (each imports Flask: about a second).
    orders = {allow_header_in_a_fresh_process(0)}
    for seed in range(1, 6):
        orders.add(allow_header_in_a_fresh_process(seed))
        if len(orders) > 1:
            break
    assert len(orders) > 1
    assert {", ".join(sorted(order.split(", "))) for order in orders} == {
        "GET, HEAD, OPTIONS, POST"
    }


def test_the_development_server_warning_is_werkzeugs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = make_server("127.0.0.1", 0, Flask(__name__))
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            server.log_startup()
    finally:
        server.server_close()
    assert "This is a development server." in caplog.text
    assert {record.name for record in caplog.records} == {"werkzeug"}


def thread_names_app() -> Flask:
    app = Flask(__name__)

    @app.get("/thread")
    def thread() -> str:
        return threading.current_thread().name

    return app


@contextmanager
def werkzeug_serving(app: Flask) -> Iterator[str]:
    """Werkzeug's threaded server, as `flask run` starts it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def thread_names(base_url: str, requests: int = 12) -> list[str]:
    names = []
    for _ in range(requests):
        with urllib.request.urlopen(base_url + "/thread", timeout=TIMEOUT) as response:
            names.append(response.read().decode())
    return names


def test_flask_run_serves_with_threads_unless_told_otherwise() -> None:
    from flask.cli import run_command

    (option,) = [param for param in run_command.params if param.name == "with_threads"]
    assert option.default is True


def test_werkzeugs_threaded_server_starts_a_thread_per_request() -> None:
    with werkzeug_serving(thread_names_app()) as base_url:
        names = thread_names(base_url)
    # Thread names carry a counter that grows with every thread started.
    assert len(set(names)) == len(names)


def test_waitress_runs_requests_on_a_fixed_pool_of_threads() -> None:
    with serving(thread_names_app(), threads=2) as base_url:
        names = thread_names(base_url)
    assert set(names) <= {"waitress-0", "waitress-1"}


def test_waitress_has_four_threads_unless_told_otherwise() -> None:
    from waitress.adjustments import Adjustments  # type: ignore[import-untyped]

    assert Adjustments().threads == 4


@pytest.mark.skipif(
    FLASK_VERSION >= (3, 2), reason="Flask 3.2 merges the request and app contexts"
)
def test_a_request_context_reuses_an_active_app_context_of_its_app_only() -> None:
    # The glossary's "application context" and "request context".
    first, second = Flask("first"), Flask("second")
    with first.app_context():
        g.marker = "set outside the request"
        with first.test_request_context():
            assert g.marker == "set outside the request"  # the same context
        with second.test_request_context():
            assert current_app._get_current_object() is second  # type: ignore[attr-defined]
            assert "marker" not in g  # a context of its own


def test_flask_login_client_logs_in_once_and_logout_user_ends_it() -> None:
    """Chapter 11 (Flask-Login): FlaskLoginClient writes the user into its
    session cookie when it is created; a route calling logout_user() ends it."""
    from flask_login import (  # type: ignore[import-untyped]
        FlaskLoginClient,
        LoginManager,
        UserMixin,
        current_user,
        login_required,
        logout_user,
    )

    user = UserMixin()
    user.id = "ada"
    app = Flask(__name__)
    app.secret_key = "test only"
    LoginManager(app).user_loader({"ada": user}.get)

    def profile() -> dict[str, str]:
        return {"user": current_user.id}

    app.add_url_rule("/profile", view_func=login_required(profile))

    @app.post("/logout")
    def logout() -> dict[str, bool]:
        return {"logged_out": logout_user()}

    app.test_client_class = FlaskLoginClient
    client = app.test_client(user=user)
    with client.session_transaction() as session:
        assert session["_user_id"] == "ada"  # written once, at creation
    assert client.get("/profile").json == {"user": "ada"}
    assert client.get("/profile").json == {"user": "ada"}
    assert client.post("/logout").json == {"logged_out": True}
    assert client.get("/profile").status_code == 401


def test_get_json_without_json_is_415_from_werkzeug_2_3_and_400_before() -> None:
    # Chapter 5, "what UserAPI does with bad input".
    app = Flask(__name__)

    @app.post("/users/")
    def create() -> dict[str, object]:
        return {"created": request.get_json()}

    response = app.test_client().post("/users/", data="name=Ada")
    assert response.status_code == (415 if WERKZEUG_VERSION >= (2, 3) else 400)


def test_max_content_length_and_get_data_from_werkzeug_2_3() -> None:
    # Chapter 4, "no Content-Length, reads no more, and MAX_CONTENT_LENGTH".
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.put("/raw")
    def raw() -> dict[str, int]:
        return {"read": len(request.get_data())}

    @app.post("/form")
    def form() -> dict[str, int]:
        return {"fields": len(request.form)}

    client = app.test_client()
    assert client.post("/form", data={"note": "x" * 20}).status_code == 413
    response = client.put("/raw", data="x" * 11)
    if WERKZEUG_VERSION >= (2, 3):
        assert response.status_code == 413
    else:
        assert response.json == {"read": 11}
