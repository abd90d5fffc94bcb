"""The inventory app's store under concurrent requests, on a real threaded server.

Werkzeug's server runs each request in its own thread, on 127.0.0.1 and a
port the OS picks. Eight client threads send a fixed, seeded mix of requests
at once: POSTs, GETs of the list while others POST, and PATCHes racing
DELETEs on the same ids. Nothing may answer 5xx, no two records may share an
id, and the final list must hold exactly the records created and not deleted.
There are no timing assertions; every wait has a timeout.
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import inventory
import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.budget import full_runs_only

THREADS = 8
REQUESTS_PER_THREAD = 100
TIMEOUT = 30  # seconds, for a socket and for joining a thread


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any) -> None:
        pass  # 800 access-log lines would bury a failure's output


@pytest.fixture
def server() -> Iterator[BaseWSGIServer]:
    app = inventory.create_app()
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Switch threads as often as possible, so races show up in a short run.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield server
    finally:
        sys.setswitchinterval(interval)
        server.shutdown()
        thread.join(TIMEOUT)


def send(port: int, method: str, path: str, body: object = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        data = None if body is None else json.dumps(body)
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
    finally:
        connection.close()


@full_runs_only("hundreds of requests from real threads")
def test_concurrent_requests_lose_nothing(server: BaseWSGIServer) -> None:
    port = server.server_port
    start = threading.Barrier(THREADS, timeout=TIMEOUT)
    lock = threading.Lock()
    statuses: Counter[tuple[str, int]] = Counter()
    created: list[int] = []
    deleted: list[int] = []
    errors: list[BaseException] = []

    def client(number: int) -> None:
        rng = random.Random(number)  # seeded: the same mix on every run
        try:
            start.wait()
            for step in range(REQUESTS_PER_THREAD):
                kind = ("POST", "GET", "PATCH", "DELETE")[step % 4]
                # Ids 1-60 are targeted by every thread, so PATCH and DELETE
                # meet on the same record, often while it is being created.
                id = rng.randint(1, 60)
                if kind == "POST":
                    status, body = send(
                        port, "POST", "/books/", {"title": f"t{number}", "year": step}
                    )
                    if status == 201:
                        with lock:
                            created.append(body["id"])
                elif kind == "GET":
                    status, body = send(port, "GET", "/books/")
                    assert status != 200 or isinstance(body, list)
                elif kind == "PATCH":
                    status, body = send(port, "PATCH", f"/books/{id}", {"year": step})
                else:
                    status, body = send(port, "DELETE", f"/books/{id}")
                    if status == 204:
                        with lock:
                            deleted.append(id)
                with lock:
                    statuses[kind, status] += 1
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    status, final = send(port, "GET", "/books/")
    final_ids = [record["id"] for record in final]
    print(
        f"\nrequests: {sum(statuses.values())}, creates: {len(created)}, "
        f"deletes: {len(deleted)}, final count: {len(final_ids)}, "
        f"duplicate ids: {len(created) - len(set(created))}, "
        f"statuses: {dict(sorted(statuses.items()))}"
    )
    assert sum(statuses.values()) == THREADS * REQUESTS_PER_THREAD
    assert not [key for key in statuses if key[1] >= 500]
    assert set(statuses) <= {
        ("POST", 201),
        ("GET", 200),
        ("PATCH", 200),
        ("PATCH", 404),
        ("DELETE", 204),
        ("DELETE", 404),
    }
    assert len(set(created)) == len(created)  # no id handed out twice
    assert len(set(deleted)) == len(deleted)  # no record deleted twice
    assert len(created) == THREADS * REQUESTS_PER_THREAD // 4
    assert status == 200
    assert sorted(final_ids) == sorted(set(created) - set(deleted))  # none lost
    assert len(final_ids) == len(created) - len(deleted)
