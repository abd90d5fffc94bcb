"""The inventory app's store under concurrent requests, on a real threaded server.

Werkzeug's server runs each request in its own thread, on 127.0.0.1 and a
port the OS picks. Eight client threads send a fixed, seeded mix of requests
at once: POSTs, GETs of the list while others POST, and PATCHes racing
DELETEs on the same ids. Nothing may answer 5xx, no two records may share an
id, and the final list must hold exactly the records created and not deleted.
There are no timing assertions; every wait has a timeout.

A test without threads checks the Store docstring's rule: records and
next_id are used only with the lock held.
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


#: The dict methods the store's code could use on ``records``.
GUARDED = (
    "__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__",
    "__len__", "get", "items", "keys", "values", "pop", "update", "copy",
)  # fmt: skip


class LockedRecords(dict[int, inventory.Record]):
    """A dict of records that fails any use made without the store's lock."""

    def __init__(self, lock: threading.Lock) -> None:
        super().__init__()
        self.lock = lock


def guarded(name: str) -> Any:
    def method(self: LockedRecords, *args: Any, **kwargs: Any) -> Any:
        assert self.lock.locked(), f"records.{name} used without the lock"
        return getattr(dict, name)(self, *args, **kwargs)

    return method


for _name in GUARDED:
    setattr(LockedRecords, _name, guarded(_name))


class GuardedStore(inventory.Store):
    """A Store whose records and next_id fail any use without the lock."""

    def __init__(self, kind: str, **schema: type) -> None:
        super().__init__(kind, **schema)
        self.records = LockedRecords(self.lock)
        self.checked_with_lock: list[bool] = []

    def __getattribute__(self, name: str) -> Any:
        if name == "next_id":
            lock = object.__getattribute__(self, "lock")
            assert lock.locked(), "next_id read without the lock"
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "next_id" and "lock" in self.__dict__:
            assert self.lock.locked(), "next_id written without the lock"
        object.__setattr__(self, name, value)

    def check(self, data: object, partial: bool = False) -> inventory.Record:
        self.checked_with_lock.append(self.lock.locked())
        return super().check(data, partial)


def test_the_store_holds_its_lock_for_records_and_next_id() -> None:
    """The Store docstring (shown in chapter 5): every use of records and
    next_id is under the lock; check, which create calls before taking it,
    reads neither."""
    store = GuardedStore("book", title=str, year=int)
    with pytest.raises(AssertionError, match="without the lock"):
        store.records.get(1)  # the guard works
    with pytest.raises(AssertionError, match="without the lock"):
        store.next_id  # noqa: B018
    assert store.create({"title": "Dune", "year": 1965})["id"] == 1
    assert store.create({"title": "Emma", "year": 1815})["id"] == 2
    assert store.get(1)["title"] == "Dune"
    assert store.update(2, {"year": 1816})["year"] == 1816
    store.delete(1)
    assert store.all() == [{"id": 2, "title": "Emma", "year": 1816}]
    with pytest.raises(KeyError):
        store.get(1)
    with pytest.raises(ValueError, match="unknown field"):
        store.create({"isbn": "x"})
    assert store.checked_with_lock == [False, False, True, False]
    assert not store.lock.locked()
