# SPDX-License-Identifier: MIT
"""A generic JSON API: two MethodView classes serve any number of resources.

Run it with ``flask --app chapters/apps/inventory.py run`` and try
``curl -i http://127.0.0.1:5000/books/``. Chapter 5 (05-rest-api.md) explains
it part by part. The data lives in memory and is gone when the server stops.
"""

from __future__ import annotations

import threading
from typing import Any, NoReturn

from flask import Blueprint, Flask, abort, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from json_input import refuse_too_large
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.wrappers import Response

from viewlib import MethodView

Record = dict[str, Any]

# --- values: start
TYPE_NAMES = {str: "a string", int: "an integer"}
# Integers beyond 2**53 lose digits in JavaScript, the most common JSON client.
LARGEST_INT = 2**53 - 1


def is_text(value: str) -> bool:
    """False for a str holding a lone surrogate, which UTF-8 cannot encode."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_names(data: dict[Any, Any]) -> None:
    """Raise ValueError if a field name is not valid text (or not a str)."""
    if not all(isinstance(field, str) and is_text(field) for field in data):
        raise ValueError("field names must be valid text")


def check_value(field: str, value: object, expected: type) -> None:
    """Raise ValueError naming the field if value is not what the schema wants."""
    # type() rather than isinstance(): JSON true arrives as a Python bool, and
    # bool is a subclass of int.
    if type(value) is not expected:
        raise ValueError(f"{field} must be {TYPE_NAMES[expected]}")
    if isinstance(value, str) and not is_text(value):
        raise ValueError(f"{field} must be valid text")
    if isinstance(value, int) and abs(value) > LARGEST_INT:
        raise ValueError(f"{field} must be at most {LARGEST_INT} in size")


# --- values: end


def not_found(kind: str, id: int) -> NoReturn:
    """Answer 404, naming what is missing (NoReturn: it ends in abort, which raises)."""
    abort(404, f"no {kind} with id {id}")


class Store:
    """Records of one kind, kept in memory and checked against a schema.

    Every request shares the store, and a threaded server runs requests at
    the same time, so each method a request calls that reads or writes
    ``records`` or ``next_id`` holds the lock for all of that work (``check``
    reads only ``kind`` and the schema, both set once in ``__init__``).
    """

    def __init__(self, kind: str, **schema: type) -> None:
        if "id" in schema:
            raise ValueError("'id' is the store's own field")
        if not set(schema.values()) <= set(TYPE_NAMES):
            raise TypeError(f"a field's type must be one of {list(TYPE_NAMES)}")
        self.kind = kind  # a singular noun for messages, such as "user"
        self.schema = schema  # field name -> required type
        self.records: dict[int, Record] = {}  # id -> dict of fields
        self.next_id = 1
        self.lock = threading.Lock()

    def check(self, data: object, partial: bool = False) -> Record:
        """Return the checked fields (no id), or raise ValueError naming a problem."""
        if not isinstance(data, dict):
            raise ValueError(f"a {self.kind} must be a JSON object")
        check_names(data)  # each name a str that UTF-8 can encode
        unknown = sorted(set(data) - set(self.schema))
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(unknown)}")
        missing = [field for field in self.schema if field not in data]
        if missing and not partial:
            raise ValueError(f"missing field(s): {', '.join(missing)}")
        for field, expected in self.schema.items():
            if field in data:
                check_value(field, data[field], expected)  # its type, and limits
        return dict(data)

    def all(self) -> list[Record]:
        with self.lock:  # a copy, so no other request changes it mid-loop
            return [{"id": id, **fields} for id, fields in self.records.items()]

    def get(self, id: int) -> Record:
        with self.lock:
            return {"id": id, **self.records[id]}  # KeyError: no such id

    def create(self, data: object) -> Record:
        record = self.check(data)
        with self.lock:  # taking an id and storing under it: one step
            id = self.next_id
            self.next_id += 1
            self.records[id] = record
            return {"id": id, **record}

    def update(self, id: int, data: object) -> Record:
        with self.lock:  # the id may be gone: look it up under the lock
            record = self.records[id]  # KeyError: no such id
            changes = self.check(data, partial=True)  # ValueError: nothing changed
            record.update(changes)
            return {"id": id, **record}

    def delete(self, id: int) -> None:
        with self.lock:
            del self.records[id]  # KeyError: no such id


def request_json() -> object:
    """Return the decoded JSON body, or abort with a clear message."""
    if not request.is_json:
        abort(415, "send JSON, with Content-Type: application/json")
    refuse_too_large(request)  # a 413 for a body over MAX_CONTENT_LENGTH
    try:
        return request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: nested too deeply
        abort(400, "the body is not valid JSON")


class ItemAPI(MethodView):
    init_every_request = False

    def __init__(self, model: Store) -> None:
        self.model = model

    def get(self, id: int) -> ResponseReturnValue:
        try:
            return self.model.get(id)
        except KeyError:
            not_found(self.model.kind, id)

    def patch(self, id: int) -> ResponseReturnValue:
        self.get(id)  # an unknown id is a 404, whatever the body
        data = request_json()
        try:
            return self.model.update(id, data)
        except KeyError:  # deleted by another request since the line above
            not_found(self.model.kind, id)
        except ValueError as error:
            abort(400, str(error))

    def delete(self, id: int) -> ResponseReturnValue:
        try:
            self.model.delete(id)
        except KeyError:
            not_found(self.model.kind, id)
        return "", 204


class GroupAPI(MethodView):
    init_every_request = False

    def __init__(self, model: Store, item_endpoint: str) -> None:
        self.model = model
        self.item_endpoint = item_endpoint

    def get(self) -> ResponseReturnValue:
        return self.model.all()

    def post(self) -> ResponseReturnValue:
        try:
            item = self.model.create(request_json())
        except ValueError as error:
            abort(400, str(error))
        location = url_for(self.item_endpoint, id=item["id"])
        return item, 201, {"Location": location}


def register_api(app: Flask | Blueprint, model: Store, name: str) -> None:
    item = ItemAPI.as_view(f"{name}-item", model)
    # The leading dot makes url_for look in the current blueprint, if any.
    group = GroupAPI.as_view(f"{name}-group", model, f".{name}-item")
    app.add_url_rule(f"/{name}/<int:id>", view_func=item)
    app.add_url_rule(f"/{name}/", view_func=group)


def error_as_json(error: HTTPException) -> Response:
    """Answer any HTTP error with its status and headers, and a JSON body."""
    response = error.get_response()  # its status and headers, a 405's Allow too
    # jsonify writes the body as Flask writes every JSON answer (compact, with
    # a final newline), so errors look like the successes.
    response.set_data(jsonify(error=error.description).get_data())
    response.mimetype = "application/json"
    return response


def create_app(url_prefix: str | None = None) -> Flask:
    """Serve users and books; under a blueprint at url_prefix if one is given."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024  # bytes: request_json's 413
    app.register_error_handler(HTTPException, error_as_json)
    stores = {
        "users": Store("user", name=str, email=str),
        "books": Store("book", title=str, year=int),
    }
    api = (
        app if url_prefix is None else Blueprint("api", __name__, url_prefix=url_prefix)
    )
    for name, store in stores.items():
        register_api(api, store, name)
    if isinstance(api, Blueprint):
        app.register_blueprint(api)
    app.extensions["inventory"] = stores  # where tests and the chapter find them
    return app


app = create_app()
