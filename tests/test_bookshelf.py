"""The bookshelf app's set-up: settings, the database file, the ways to start it.

Its requests are exercised in chapters/12-real-api.md, by hostile input in
test_bookshelf_hostile.py and over real HTTP in test_bookshelf_server.py.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import bookshelf
import pytest
import waitress  # type: ignore[import-untyped]
from flask.cli import ScriptInfo

APP_FILE = Path(bookshelf.__file__)


def test_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOOKSHELF_SECRET_KEY", raising=False)
    first = bookshelf.create_app({"DATABASE": str(tmp_path / "a.sqlite")})
    second = bookshelf.create_app({"DATABASE": str(tmp_path / "a.sqlite")})
    assert first.config["MAX_CONTENT_LENGTH"] == 16 * 1024
    assert not first.testing
    # No key in the environment: each app generates its own, 32 random bytes.
    keys = [first.secret_key, second.secret_key]
    assert [len(str(key)) for key in keys] == [64, 64]
    assert keys[0] != keys[1]
    monkeypatch.setenv("BOOKSHELF_SECRET_KEY", "from-the-environment")
    third = bookshelf.create_app({"DATABASE": str(tmp_path / "a.sqlite")})
    assert third.secret_key == "from-the-environment"


def test_schema_created_on_first_use_and_data_kept(tmp_path: Path) -> None:
    database = tmp_path / "new" / "bookshelf.sqlite"
    database.parent.mkdir()
    app = bookshelf.create_app({"DATABASE": str(database)})
    assert database.exists()
    assert app.test_client().post("/authors/", json={"name": "Ada"}).status_code == 201
    again = bookshelf.create_app({"DATABASE": str(database)})  # CREATE IF NOT EXISTS
    assert again.test_client().get("/authors/1").json == {"id": 1, "name": "Ada"}


def test_flask_cli_finds_the_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `flask --app chapters/apps/bookshelf.py run` loads."""
    monkeypatch.setenv("BOOKSHELF_DATABASE", str(tmp_path / "cli.sqlite"))
    app = ScriptInfo(app_import_path=str(APP_FILE)).load_app()
    assert app.config["DATABASE"] == str(tmp_path / "cli.sqlite")
    assert sorted(app.view_functions) == [
        "authors-group",
        "authors-item",
        "books-group",
        "books-item",
        "static",
    ]


def test_main_serves_with_waitress_on_localhost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `python chapters/apps/bookshelf.py --port 8123` does."""
    monkeypatch.setenv("BOOKSHELF_DATABASE", str(tmp_path / "main.sqlite"))
    served: dict[str, Any] = {}
    monkeypatch.setattr(
        waitress, "serve", lambda app, **options: served.update(options)
    )
    limits = {
        "max_request_body_size": 16 * 1024 + 1,  # test_bookshelf_limits.py
        "connection_limit": 100,
        "channel_timeout": 120,
    }
    bookshelf.main(["--port", "8123"])
    assert served == {"host": "127.0.0.1", "port": 8123, **limits}
    bookshelf.main([])
    assert served == {"host": "127.0.0.1", "port": 8000, **limits}


def test_only_the_database_layer_touches_the_database() -> None:
    """Chapter 12's PostgreSQL section: a port rewrites get_db and the Model
    methods; the views, register_api and request_json use no SQL of their own."""
    source = APP_FILE.read_text()
    tree = ast.parse(source)
    named = {
        node.name: ast.get_source_segment(source, node) or ""
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }
    for name in ("ItemAPI", "GroupAPI", "register_api", "request_json"):
        assert "sqlite3" not in named[name], name
        assert ".execute(" not in named[name], name
    for name in ("ItemAPI", "GroupAPI"):  # a connection, handed to the model
        assert "get_db()" in named[name]
        assert "self.model." in named[name]
    assert "get_db" not in named["register_api"] + named["request_json"]


def test_the_shared_view_instances_hold_only_read_only_settings(
    tmp_path: Path,
) -> None:
    """Chapter 12 (WAL dropdown): with init_every_request = False one instance
    serves every request; it holds the model and, for GroupAPI, an endpoint
    name, set in __init__ and assigned nowhere else."""
    tree = ast.parse(APP_FILE.read_text())
    classes = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name in ("ItemAPI", "GroupAPI")
    }
    for name, node in classes.items():
        for method in node.body:
            if not isinstance(method, ast.FunctionDef) or method.name == "__init__":
                continue
            for sub in ast.walk(method):
                targets: list[ast.expr] = []
                if isinstance(sub, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                    targets = (
                        sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                    )
                for target in targets:
                    for part in ast.walk(target):
                        assert not (
                            isinstance(part, ast.Attribute)
                            and isinstance(part.value, ast.Name)
                            and part.value.id == "self"
                        ), (name, method.name)
    app = bookshelf.create_app({"DATABASE": str(tmp_path / "db.sqlite")})
    client = app.test_client()
    assert client.post("/authors/", json={"name": "Ada"}).status_code == 201
    assert client.get("/authors/1").status_code == 200
    for endpoint, attributes in (
        ("authors-item", {"model"}),
        ("authors-group", {"model", "item_endpoint"}),
    ):
        view: Any = app.view_functions[endpoint]
        assert view.view_class.init_every_request is False
        cells = [cell.cell_contents for cell in view.__closure__ or ()]
        (instance,) = [c for c in cells if isinstance(c, view.view_class)]
        assert set(vars(instance)) == attributes
        assert isinstance(instance.model, bookshelf.Model)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(instance.model, "table", "other")  # noqa: B010


class CommitAfterCount:
    """A connection that lets another one commit an author right after the
    count of a page: between Model.page's two queries."""

    def __init__(self, db: sqlite3.Connection, database: str) -> None:
        self.db = db
        self.database = database

    def execute(self, sql: str, values: Any = ()) -> sqlite3.Cursor:
        cursor = self.db.execute(sql, values)
        if sql.startswith("SELECT count(*)"):
            with contextlib.closing(bookshelf.connect(self.database)) as other:
                other.execute("INSERT INTO author (name) VALUES ('Late')")
        return cursor


@pytest.mark.parametrize("read_transaction", [True, False])
def test_a_read_transaction_gives_a_page_one_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_transaction: bool
) -> None:
    """bookshelf.transaction(db, write=False), a plain BEGIN: another
    connection's commit between the count and the rows is seen by neither;
    without the transaction the rows see it and the count does not."""
    database = str(tmp_path / "db.sqlite")
    bookshelf.init_db(database)
    with contextlib.closing(bookshelf.connect(database)) as db:
        if not read_transaction:
            monkeypatch.setattr(
                bookshelf,
                "transaction",
                lambda db, write=True: contextlib.nullcontext(),
            )
        reader: Any = CommitAfterCount(db, database)
        page = bookshelf.AUTHORS.page(reader, {}, 20, 0)
        stored = db.execute("SELECT count(*) FROM author").fetchone()[0]
    assert stored == 1  # the other connection's author was committed
    if read_transaction:
        assert (page["total"], len(page["items"])) == (0, 0)
    else:
        assert (page["total"], len(page["items"])) == (0, 1)
