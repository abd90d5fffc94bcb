"""The limits ``bookshelf.main`` gives waitress, proven over raw sockets.

``bookshelf.waitress_settings`` sets waitress's ``max_request_body_size`` to
the app's own limit and writes out its ``connection_limit`` (100) and
``channel_timeout`` (120 s). Each test serves the app with those settings on
127.0.0.1 (``local_server.serving``) and talks to it with plain sockets, so
it can send half a request, or announce a body it never sends. Every socket
operation has a timeout; waiting for something *not* to happen (a blocked
client) is a one-second receive that must time out.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.client import HTTPResponse
from pathlib import Path

import bookshelf
import pytest
from flask import Flask
from local_server import serving

TIMEOUT = 10.0  # seconds: every wait for something that must happen
BLOCKED = 1.0  # seconds: a wait for something that must not happen
LIMIT = 16 * 1024  # the app's MAX_CONTENT_LENGTH
JSON_POST = (
    "POST /authors/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = bookshelf.create_app({"DATABASE": str(tmp_path / "bookshelf.sqlite")})
    app.logger.disabled = True
    assert app.config["MAX_CONTENT_LENGTH"] == LIMIT
    return app


@contextmanager
def served(app: Flask, **changes: int) -> Iterator[int]:
    """Serve app as ``python bookshelf.py`` does (with *changes*): the port."""
    settings = {**bookshelf.waitress_settings(app), **changes}
    with serving(app, threads=2, **settings) as url:
        yield int(url.rsplit(":", 1)[1])


def connect(port: int, timeout: float = TIMEOUT) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def answer(sock: socket.socket) -> tuple[int, str, bytes]:
    """Read one response: its status, Content-Type and body."""
    response = HTTPResponse(sock)
    response.begin()
    return response.status, response.getheader("Content-Type", ""), response.read()


def rest_until_closed(sock: socket.socket) -> bytes:
    """What the server sends before it closes the connection (within TIMEOUT;
    a server that keeps it open fails the test with a timeout)."""
    sock.settimeout(TIMEOUT)
    received = b""
    try:
        while data := sock.recv(65536):
            received += data
    except ConnectionResetError:  # closed with unread bytes on its side
        pass
    return received


def authors(port: int) -> bytes:
    with connect(port) as sock:
        sock.sendall(b"GET /authors/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return answer(sock)[2]


def post(port: int, body: bytes) -> tuple[int, str, bytes]:
    with connect(port) as sock:
        head = f"{JSON_POST}Content-Length: {len(body)}\r\n\r\n"
        sock.sendall(head.encode() + body)
        return answer(sock)


def test_main_gives_waitress_these_settings(app: Flask) -> None:
    assert bookshelf.waitress_settings(app) == {
        "max_request_body_size": LIMIT + 1,
        "connection_limit": 100,
        "channel_timeout": 120,
    }


def test_an_announced_oversized_body_is_refused_before_it_is_sent(
    app: Flask,
) -> None:
    """200 MiB announced, 1 KiB sent: waitress answers 413 and hangs up."""
    with served(app) as port:
        empty = authors(port)
        with connect(port) as sock:
            head = f"{JSON_POST}Content-Length: {200 * 2**20}\r\n\r\n"
            sock.sendall(head.encode() + b" " * 1024)
            status, content_type, body = answer(sock)
            assert (status, content_type) == (413, "text/plain; charset=utf-8")
            assert b"exceeds max_body of 16385" in body
            assert rest_until_closed(sock) == b""  # closed after the 413
        assert authors(port) == empty  # nothing stored


def test_without_the_setting_waitress_waits_for_the_whole_body(app: Flask) -> None:
    """The control: waitress's default (1 GiB) keeps reading, no answer yet."""
    settings = bookshelf.waitress_settings(app)
    del settings["max_request_body_size"]
    with serving(app, threads=2, **settings) as url:
        port = int(url.rsplit(":", 1)[1])
        with connect(port, timeout=BLOCKED) as sock:
            head = f"{JSON_POST}Content-Length: {200 * 2**20}\r\n\r\n"
            sock.sendall(head.encode() + b" " * 1024)
            with pytest.raises(socket.timeout):
                sock.recv(1)


def test_waitress_and_flask_draw_the_line_at_the_same_byte(app: Flask) -> None:
    at_limit = b'{"name": "Octavia E. Butler"}'.ljust(LIMIT)  # JSON allows the spaces
    with served(app) as port:
        status, content_type, body = post(port, at_limit)
        assert (status, content_type) == (201, "application/json")
        assert body == b'{"id":1,"name":"Octavia E. Butler"}\n'
        status, content_type, body = post(port, at_limit + b" ")
        assert (status, content_type) == (413, "text/plain; charset=utf-8")
    # Under waitress's default, the same body reaches Flask: its JSON 413.
    settings = bookshelf.waitress_settings(app)
    del settings["max_request_body_size"]
    with serving(app, threads=2, **settings) as url:
        port = int(url.rsplit(":", 1)[1])
        assert post(port, at_limit + b" ")[:2] == (413, "application/json")


def test_a_chunked_body_is_cut_off_at_the_limit(app: Flask) -> None:
    """No length announced: waitress counts, and answers 413 past the limit."""
    with served(app) as port, connect(port) as sock:
        head = f"{JSON_POST}Transfer-Encoding: chunked\r\n\r\n"
        chunk = b"400\r\n" + b" " * 1024 + b"\r\n"  # 1 KiB, in hex: 400
        sock.sendall(head.encode() + chunk * (LIMIT // 1024 + 1))  # no last chunk
        status, content_type, _ = answer(sock)
        assert (status, content_type) == (413, "text/plain; charset=utf-8")
        assert rest_until_closed(sock) == b""  # closed after the 413


def half_sent(port: int) -> socket.socket:
    """A connection that sends headers and one byte of a 100-byte body."""
    sock = connect(port)
    sock.sendall(f"{JSON_POST}Content-Length: 100\r\n\r\n{{".encode())
    return sock


def probe(port: int, timeout: float = TIMEOUT) -> socket.socket:
    sock = connect(port, timeout)
    sock.sendall(b"GET /authors/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    return sock


def test_98_half_sent_connections_hold_off_every_other_client(app: Flask) -> None:
    """connection_limit=100 counts waitress's listening socket and its own
    internal one: 98 clients that send half a request and wait fill it."""
    with served(app) as port, ExitStack() as held:
        for _ in range(97):
            held.enter_context(half_sent(port))
        with probe(port) as first:
            assert answer(first)[0] == 200  # 97 held: others are still served
        held.enter_context(half_sent(port))
        with probe(port, timeout=BLOCKED) as second:
            with pytest.raises(socket.timeout):
                second.recv(1)  # 98 held: waitress accepts no one else
            held.close()  # the 98 give up: the waiting client is served
            second.settimeout(TIMEOUT)
            assert answer(second)[0] == 200


def test_channel_timeout_closes_half_sent_connections(app: Flask) -> None:
    """With channel_timeout (and the check's interval) at 1 s instead of 120 s
    and 30 s, waitress closes the idle half-sent connections on its own."""
    changes = {"connection_limit": 5, "channel_timeout": 1, "cleanup_interval": 1}
    with served(app, **changes) as port, ExitStack() as held:
        stuck = [held.enter_context(half_sent(port)) for _ in range(3)]
        assert [rest_until_closed(sock) for sock in stuck] == [b""] * 3
        with probe(port) as late:
            assert answer(late)[0] == 200
