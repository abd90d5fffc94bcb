# SPDX-License-Identifier: MIT
"""Serve a WSGI app with waitress on 127.0.0.1, in a background thread.

The chapters and tests that need a real, threaded server use this::

    with serving(app, threads=2) as base_url:
        urllib.request.urlopen(base_url + "/wait", timeout=10)

It binds to an ephemeral port on 127.0.0.1 only, and stops cleanly:
waitress's own ``server.run()`` loops until its sockets close, and closing
them from another thread can break that loop mid-``select()``. Here the
loop checks a stop flag between short rounds, so the sockets are closed only
once it has stopped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import waitress  # type: ignore[import-untyped]
from waitress import wasyncore

TIMEOUT = 10.0  # seconds, for stopping the loop and the worker threads


@contextmanager
def serving(app: Any, threads: int = 4, **settings: int) -> Iterator[str]:
    """Serve *app* until the block ends; yield its base URL.

    *settings* are more of waitress's, such as ``connection_limit``.
    """
    sockets: dict[int, Any] = {}  # waitress's socket map, ours to close
    server = waitress.create_server(
        app, map=sockets, host="127.0.0.1", port=0, threads=threads, **settings
    )
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=sockets, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(TIMEOUT)
        for dispatcher in list(sockets.values()):
            dispatcher.close()
        server.task_dispatcher.shutdown(timeout=TIMEOUT)
