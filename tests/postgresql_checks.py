"""Chapter 12's "moving to PostgreSQL", proven against a real PostgreSQL.

Not part of the plain `pytest` run (the name does not start with ``test_``):
``python -m nox -s postgresql`` runs this file. It needs PostgreSQL's server
binaries (``apt-get install postgresql``) and the psycopg driver (in
requirements.txt); without the server the tests skip, saying so, except under
CI, where that is a failure. ``tests/postgresql_server.py`` starts a
throwaway server on 127.0.0.1 for the module and removes it afterwards.

Each test creates chapter 12's two tables as PostgreSQL spells them (see
``SCHEMA``) in a schema of its own, and uses two connections where the
chapter talks about two requests. Every wait is bounded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.postgresql_server import INSTALL, binaries, throwaway_server

psycopg = pytest.importorskip("psycopg")
from psycopg import errors  # noqa: E402 - only once psycopg is known to exist

TIMEOUT = 30  # seconds, for a thread to finish or a wait to be seen

#: bookshelf.py's tables, as PostgreSQL writes them: identity columns
#: instead of AUTOINCREMENT, bigint for ids up to 2**63 - 1.
SCHEMA = """
CREATE TABLE author (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200)
);
CREATE TABLE book (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    year integer NOT NULL CHECK (year BETWEEN 0 AND 2100),
    author_id bigint NOT NULL REFERENCES author (id)
);
"""

#: Model.page's two queries, with psycopg's placeholders.
COUNT = "SELECT count(*) FROM book WHERE author_id = %s"
ROWS = "SELECT * FROM book WHERE author_id = %s ORDER BY id LIMIT %s OFFSET %s"


@pytest.fixture(scope="module")
def server() -> Iterator[dict[str, str]]:
    if binaries() is None:
        message = f"PostgreSQL is not installed: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with throwaway_server() as settings:
        yield settings


@pytest.fixture
def connect(server: dict[str, str], request: pytest.FixtureRequest) -> Iterator[Any]:
    """Open connections ("requests") to a fresh schema with the two tables."""
    schema = f"t_{request.node.name.lower()[:50]}"
    opened = []

    def open_one(**options: Any) -> Any:
        connection = psycopg.connect(**server, **options)
        connection.execute(f"SET search_path TO {schema}")
        connection.commit()
        opened.append(connection)
        return connection

    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.execute(f"CREATE SCHEMA {schema}")
        admin.execute(f"SET search_path TO {schema}")
        admin.execute(SCHEMA)
    yield open_one
    for connection in opened:
        connection.close()


def poll(condition: Callable[[], bool]) -> bool:
    """Whether condition becomes true, checked every 0.1 s for TIMEOUT s."""
    stop = threading.Event()
    for _ in range(TIMEOUT * 10):
        if condition():
            return True
        stop.wait(0.1)
    return False


def add_author(db: Any, name: str) -> int:
    id: int = db.execute(
        "INSERT INTO author (name) VALUES (%s) RETURNING id", [name]
    ).fetchone()[0]
    return id


def test_the_server_defaults_to_read_committed(connect: Any) -> None:
    db = connect()
    assert db.execute("SHOW default_transaction_isolation").fetchone() == (
        "read committed",
    )


def test_at_read_committed_the_count_and_the_rows_can_disagree(connect: Any) -> None:
    reader, writer = connect(), connect(autocommit=True)
    author = add_author(writer, "Ursula K. Le Guin")
    with reader.transaction():  # a plain BEGIN: READ COMMITTED
        total = reader.execute(COUNT, [author]).fetchone()[0]
        writer.execute(  # another request commits a book in between
            "INSERT INTO book (title, year, author_id) VALUES (%s, %s, %s)",
            ["The Dispossessed", 1974, author],
        )
        rows = reader.execute(ROWS, [author, 20, 0]).fetchall()
    assert (total, len(rows)) == (0, 1)  # "total: 0", and a page of one book


def test_at_repeatable_read_they_agree(connect: Any) -> None:
    reader, writer = connect(), connect(autocommit=True)
    author = add_author(writer, "Ursula K. Le Guin")
    reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    total = reader.execute(COUNT, [author]).fetchone()[0]
    writer.execute(
        "INSERT INTO book (title, year, author_id) VALUES (%s, %s, %s)",
        ["The Dispossessed", 1974, author],
    )
    rows = reader.execute(ROWS, [author, 20, 0]).fetchall()
    reader.commit()
    assert (total, len(rows)) == (0, 0)  # one snapshot for the transaction
    assert reader.execute(COUNT, [author]).fetchone()[0] == 1  # a new one sees it
    reader.rollback()


def test_the_unique_constraint_settles_a_race_without_begin_immediate(
    connect: Any,
) -> None:
    first, second, watcher = connect(), connect(), connect(autocommit=True)
    first.execute("INSERT INTO author (name) VALUES ('Octavia E. Butler')")
    outcome: list[BaseException | None] = []

    def insert_the_same_name() -> None:
        try:
            second.execute("INSERT INTO author (name) VALUES ('Octavia E. Butler')")
            second.commit()
            outcome.append(None)
        except errors.UniqueViolation as error:
            second.rollback()
            outcome.append(error)

    racer = threading.Thread(target=insert_the_same_name)
    racer.start()
    # The second transaction waits for the first (a lock wait, not an error),
    # as the server's own view of its sessions shows.
    waits = "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s"
    pid = second.info.backend_pid
    assert poll(lambda: watcher.execute(waits, [pid]).fetchone() == ("Lock",))
    assert outcome == []  # still waiting
    first.commit()
    racer.join(TIMEOUT)
    assert not racer.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], errors.UniqueViolation)
    assert watcher.execute("SELECT count(*) FROM author").fetchone() == (1,)


def test_refusals_are_exception_classes(connect: Any) -> None:
    db = connect(autocommit=True)
    author = add_author(db, "N. K. Jemisin")
    book = "INSERT INTO book (title, year, author_id) VALUES (%s, %s, %s)"
    with pytest.raises(errors.UniqueViolation):
        add_author(db, "N. K. Jemisin")
    with pytest.raises(errors.ForeignKeyViolation):
        db.execute(book, ["The Fifth Season", 2015, author + 1])
    with pytest.raises(errors.CheckViolation):
        db.execute(book, ["The Fifth Season", 2101, author])
    db.execute(book, ["The Fifth Season", 2015, author])
    with pytest.raises(errors.ForeignKeyViolation):  # the author still has a book
        db.execute("DELETE FROM author WHERE id = %s", [author])


def test_identity_ids_are_not_chosen_by_clients_nor_reused(connect: Any) -> None:
    db = connect(autocommit=True)
    with pytest.raises(errors.GeneratedAlways):
        db.execute("INSERT INTO author (id, name) VALUES (%s, %s)", [7, "Ada"])
    first = add_author(db, "Ada")
    db.execute("DELETE FROM author WHERE id = %s", [first])
    assert add_author(db, "Ada") == first + 1  # a deleted id is not handed out
