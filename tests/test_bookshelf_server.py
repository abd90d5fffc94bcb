"""The bookshelf app served by waitress, over real HTTP, with real threads.

A fixture starts waitress in this process on 127.0.0.1 at a port the system
picks, and the tests talk to it with ``http.client``: first one client going
through the whole life of a record, then eight clients at once, all racing to
create the same author among their other requests. Every wait is bounded.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import bookshelf
import pytest
from local_server import serving

from tests.budget import full_runs_only

TIMEOUT = 10.0  # seconds, for every socket operation and every join
THREADS = 8
REQUESTS = 200  # per thread
CONTENDED_EVERY = 20  # every 20th request of each thread races for one name


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    """Serve a fresh bookshelf on 127.0.0.1; yield the port waitress got."""
    app = bookshelf.create_app({"DATABASE": str(tmp_path / "bookshelf.sqlite")})
    with serving(app, threads=THREADS) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


def call(
    connection: HTTPConnection, method: str, path: str, body: Any = None
) -> tuple[int, Any, dict[str, str]]:
    """Send one request; return the status, the decoded JSON and the headers."""
    headers = {}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    raw = response.read()
    return response.status, json.loads(raw) if raw else None, dict(response.headers)


def test_crud_round_trip_over_http(port: int) -> None:
    http = HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    status, author, headers = call(http, "POST", "/authors/", {"name": "N. K. Jemisin"})
    author_url = headers["Location"]
    assert (status, author_url) == (201, f"/authors/{author['id']}")
    book = {"title": "The Fifth Season", "year": 2015, "author_id": author["id"]}
    status, created, headers = call(http, "POST", "/books/", book)
    book_url = headers["Location"]
    assert status == 201
    assert call(http, "GET", book_url)[:2] == (200, created)
    status, changed, _ = call(http, "PATCH", book_url, {"year": 2016})
    assert (status, changed) == (200, {**created, "year": 2016})
    status, page, _ = call(http, "GET", f"/books/?author_id={author['id']}")
    assert (status, page["items"], page["total"]) == (200, [changed], 1)
    assert call(http, "DELETE", author_url)[0] == 409  # it still has a book
    # Errors over the wire: JSON bodies, the Allow header, the size limit.
    status, error, _ = call(http, "POST", "/books/", b'{"title": ')
    assert (status, sorted(error)) == (400, ["error"])
    status, error, headers = call(http, "DELETE", "/books/")
    assert (status, sorted(error)) == (405, ["error"])
    assert sorted(headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS", "POST"]
    status, error, _ = call(http, "POST", "/authors/", {"name": "x" * 17_000})
    assert (status, sorted(error)) == (413, ["error"])
    assert call(http, "DELETE", book_url)[:2] == (204, None)
    assert call(http, "GET", book_url)[0] == 404
    assert call(http, "DELETE", author_url)[0] == 204
    http.close()


@full_runs_only("hundreds of requests from real threads")
def test_eight_clients_at_once(port: int) -> None:
    barrier = threading.Barrier(THREADS, timeout=TIMEOUT)
    statuses: Counter[int] = Counter()
    created: dict[int, str] = {}  # book id -> title, from every thread
    duplicates: list[int] = []
    last_year: dict[int, int] = {}  # each thread's own book -> year last sent
    contended: dict[int, list[int]] = {}  # round -> statuses of its creates
    errors: list[BaseException] = []
    lock = threading.Lock()  # for the shared records above

    def client(n: int) -> None:
        http = HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

        def send(method: str, path: str, body: Any = None) -> Any:
            status, data, _ = call(http, method, path, body)
            with lock:
                statuses[status] += 1
            return status, data

        try:
            status, author = send("POST", "/authors/", {"name": f"Author {n}"})
            assert status == 201
            own = None
            for i in range(1, REQUESTS):
                if i % CONTENDED_EVERY == 0:
                    barrier.wait()  # all eight send this one together
                    name = f"Contended {i // CONTENDED_EVERY}"
                    status, _ = send("POST", "/authors/", {"name": name})
                    with lock:
                        contended.setdefault(i, []).append(status)
                elif own is None or i % 3 == 0:
                    title = f"Book {n}.{i}"
                    book = {"title": title, "year": 2000, "author_id": author["id"]}
                    status, record = send("POST", "/books/", book)
                    assert status == 201
                    with lock:
                        if record["id"] in created:
                            duplicates.append(record["id"])
                        created[record["id"]] = title
                    own = own or record["id"]
                elif i % 3 == 1:
                    status, record = send("PATCH", f"/books/{own}", {"year": i})
                    assert (status, record["year"]) == (200, i)
                    last_year[own] = i
                else:
                    status, page = send("GET", f"/books/?author_id={author['id']}")
                    assert status == 200
                    assert page["total"] >= 1
        except BaseException as error:  # reported below, in the test's thread
            with lock:
                errors.append(error)
            barrier.abort()  # the others stop waiting for this one
        finally:
            http.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 6)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors

    served = sum(statuses.values())
    rounds = (REQUESTS - 1) // CONTENDED_EVERY
    print(f"\nbookshelf server: {served} requests by {THREADS} threads; {statuses}")
    assert served == THREADS * REQUESTS
    assert not [code for code in statuses if code >= 500]
    assert not duplicates
    # Exactly one winner per contended name; the others were told 409.
    assert len(contended) == rounds
    for results in contended.values():
        assert sorted(results) == [201] + [409] * (THREADS - 1)
    assert statuses[409] == rounds * (THREADS - 1)

    # Nothing lost: every created book is stored, with its title and last year.
    http = HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    stored: dict[int, Any] = {}
    offset = 0
    while True:
        status, page, _ = call(http, "GET", f"/books/?limit=100&offset={offset}")
        assert status == 200
        stored.update({book["id"]: book for book in page["items"]})
        offset += 100
        if offset >= page["total"]:
            break
    assert {id: book["title"] for id, book in stored.items()} == created
    assert all(stored[id]["year"] == year for id, year in last_year.items())
    status, authors, _ = call(http, "GET", "/authors/?limit=100")
    assert authors["total"] == THREADS + rounds
    http.close()
