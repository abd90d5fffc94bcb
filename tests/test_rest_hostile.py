"""Hostile requests to the inventory app of chapter 5, as a reader runs it.

The app is built by ``inventory.create_app()``, on the app itself and under a
blueprint, with testing off, so an uncaught error would be a 500 and not a
traceback. Every request generated here is wrong in at least one way: bad
JSON, invalid UTF-8, lone surrogates, deep nesting, huge numbers, wrong types,
wrong or missing content types, wrong methods, odd ids, oversized bodies.
Each must get a 4xx with a JSON ``{"error": "..."}``, and leave the stored
data exactly as it was. The run is derandomized: the same requests every time.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from typing import Any, NamedTuple

import inventory
import pytest
from flask import Flask
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from tests.budget import examples

#: Generated requests per app; two apps make one run.
CASES = examples(600)
LIMIT = 1024  # the app's MAX_CONTENT_LENGTH
EXISTING = (1, 2)  # ids created before the hostile requests start


SCHEMAS = {
    name: store.schema
    for name, store in inventory.create_app().extensions["inventory"].items()
}


def good_record(schema: dict[str, type]) -> dict[str, Any]:
    return {field: "x" if expected is str else 1 for field, expected in schema.items()}


class Hostile(NamedTuple):
    kind: str  # what is wrong with it, for the status table
    method: str
    resource: str
    id: str  # "": the collection URL
    options: dict[str, Any]  # passed to the test client's open()


def is_json_object(body: bytes) -> bool:
    """True if the body decodes to a JSON object, as Flask would decode it."""
    try:
        return isinstance(json.loads(body), dict)
    except (ValueError, RecursionError):
        return False


def encode(data: object, raw: bool) -> bytes:
    """JSON text; with raw=True, lone surrogates are sent as raw bytes."""
    if raw:
        return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return json.dumps(data).encode()


resources = st.sampled_from(["users", "books"])
lone_surrogate = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
with_surrogate = st.tuples(st.text(max_size=5), lone_surrogate, st.text(max_size=5))
bad_text = with_surrogate.map("".join)

# A value that no field of any schema accepts, whatever the field's type.
not_text_nor_int = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
huge_int = st.one_of(st.integers(min_value=2**53), st.integers(max_value=-(2**53)))
# Raw bytes that are not UTF-8 at all, or UTF-8 for a surrogate (ED A0 80).
with_surrogate_bytes = st.sampled_from(
    [b'{"\xed\xa0\x80": 1}', b'{"title": "\xed\xb0\x80"}', b"\xc3\x28", b"\xff\xfe"]
)


def wrong_value(expected: type) -> st.SearchStrategy[object]:
    if expected is str:
        return st.one_of(not_text_nor_int, st.integers(), bad_text)
    return st.one_of(not_text_nor_int, st.text(max_size=8), huge_int)


@st.composite
def bad_object(draw: st.DrawFn, schema: dict[str, type]) -> dict[str, Any]:
    """A JSON object with at least one wrong entry among possibly good ones."""
    good = good_record(schema)
    data = {field: good[field] for field in schema if draw(st.booleans())}
    if draw(st.booleans()):
        unknown = st.one_of(st.text(max_size=10), bad_text)
        data[draw(unknown.filter(lambda key: key not in schema))] = 1
    else:
        field = draw(st.sampled_from(sorted(schema)))
        data[field] = draw(wrong_value(schema[field]))
    return data


@st.composite
def hostile_body(draw: st.DrawFn, resource: str) -> tuple[str, bytes]:
    """A body that no POST or PATCH may accept, with the name of its flaw."""
    schema = SCHEMAS[resource]
    kind = draw(
        st.sampled_from(["bad JSON", "bad object", "deep nesting", "oversized"])
    )
    if kind == "bad JSON":
        raw = st.one_of(st.text().map(str.encode), st.binary(), with_surrogate_bytes)
        return kind, draw(raw.filter(lambda body: not is_json_object(body)))
    if kind == "bad object":
        return kind, encode(draw(bad_object(schema)), raw=draw(st.booleans()))
    if kind == "deep nesting":
        depth = draw(st.integers(min_value=1, max_value=3000))
        inner = draw(st.sampled_from(["[", '{"a":', '{"title":']))
        closed = draw(st.booleans()) and inner == "["
        return kind, (inner * depth + ("]" * depth if closed else "")).encode()
    # A good record, too big: the size limit comes before any other check.
    good = good_record(schema)
    field = draw(st.sampled_from(sorted(schema)))
    size = draw(st.integers(min_value=LIMIT, max_value=4000))
    good[field] = "x" * size if schema[field] is str else int("9" * size)
    return kind, encode(good, raw=False)


ARABIC_INDIC = str.maketrans(
    "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
)
NON_JSON_TYPES = [
    None,  # no Content-Type header at all
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonp",
    "text/json",
    "json",
    "application/xml",
]


def not_existing(spelled: str) -> str:
    """Werkzeug's int converter reads any Unicode digits ("0001" is 1, and so
    is the Arabic-Indic one): turn a spelling of an existing id into 10 or 20."""
    digits = re.fullmatch(r"\d+", spelled) and len(spelled) < 4000
    return f"0{spelled}0" if digits and int(spelled) in EXISTING else spelled


number = st.integers(min_value=-5, max_value=10**6)
odd_ids = st.one_of(
    number.map(str),
    number.map(lambda n: f"{n:05d}"),
    number.map(lambda n: str(n).translate(ARABIC_INDIC)),
    number.map(lambda n: f"{n}.5"),
    number.map(lambda n: f"+{n}"),
    number.map(hex),
    st.integers(min_value=16, max_value=5000).map(lambda digits: "9" * digits),
    st.text(min_size=1, max_size=10),
).map(not_existing)


@st.composite
def with_body(draw: st.DrawFn, resource: str, id: str) -> Hostile:
    flaw, body = draw(hostile_body(resource))
    method, id = draw(st.sampled_from([("POST", ""), ("PATCH", id)]))
    options = {"data": body, "content_type": "application/json"}
    return Hostile(flaw, method, resource, id, options)


@st.composite
def with_content_type(draw: st.DrawFn, resource: str, id: str) -> Hostile:
    good = good_record(SCHEMAS[resource])
    method, id = draw(st.sampled_from([("POST", ""), ("PATCH", id)]))
    content_type = draw(st.sampled_from(NON_JSON_TYPES))
    options = {"data": json.dumps(good), "content_type": content_type}
    return Hostile("wrong content type", method, resource, id, options)


@st.composite
def with_method(draw: st.DrawFn, resource: str, id: str) -> Hostile:
    on_item = st.tuples(st.sampled_from(["PUT", "POST", "TRACE", "BREW"]), st.just(id))
    on_group = st.tuples(
        st.sampled_from(["PUT", "PATCH", "DELETE", "TRACE"]), st.just("")
    )
    method, id = draw(st.one_of(on_item, on_group))
    return Hostile("wrong method", method, resource, id, {"json": {}})


@st.composite
def with_odd_id(draw: st.DrawFn, resource: str, id: str) -> Hostile:
    method = draw(st.sampled_from(["GET", "PATCH", "DELETE"]))
    options: dict[str, Any] = {}
    if method == "PATCH" and draw(st.booleans()):
        body = draw(hostile_body(resource))[1]
        options = {"data": body, "content_type": "application/json"}
    return Hostile("odd id", method, resource, draw(odd_ids), options)


@st.composite
def hostile_request(draw: st.DrawFn) -> Hostile:
    resource = draw(resources)
    id = str(draw(st.sampled_from(EXISTING)))
    kind = draw(
        st.sampled_from(
            [with_body, with_body, with_content_type, with_method, with_odd_id]
        )
    )
    request: Hostile = draw(kind(resource, id))
    return request


def snapshot(app: Flask) -> dict[str, Any]:
    stores = app.extensions["inventory"]
    return copy.deepcopy({name: (s.records, s.next_id) for name, s in stores.items()})


@pytest.mark.parametrize("url_prefix", [None, "/api/v1"], ids=["app", "blueprint"])
def test_hostile_requests_get_a_json_4xx_and_change_nothing(
    url_prefix: str | None,
) -> None:
    app = inventory.create_app(url_prefix)
    assert not app.testing  # as a reader runs it: an uncaught error is a 500
    client = app.test_client()
    prefix = url_prefix or ""
    for resource, schema in SCHEMAS.items():
        for _ in EXISTING:
            response = client.post(f"{prefix}/{resource}/", json=good_record(schema))
            assert response.status_code == 201
    statuses: Counter[tuple[str, int]] = Counter()

    @settings(
        max_examples=CASES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
    )
    @given(hostile_request())
    @example(
        Hostile(
            "bad JSON",
            "POST",
            "books",
            "",
            {"data": b'{"\xed\xa0\x80": 1}', "content_type": "application/json"},
        )
    )
    @example(Hostile("bad object", "POST", "books", "", {"json": {"\ud800": 1}}))
    def send(hostile: Hostile) -> None:
        path = f"{prefix}/{hostile.resource}/{hostile.id}"
        before = snapshot(app)
        response = client.open(path, method=hostile.method, **hostile.options)
        statuses[hostile.kind, response.status_code] += 1
        assert 400 <= response.status_code < 500, (hostile, response.data[:300])
        assert isinstance(response.json, dict)
        assert isinstance(response.json["error"], str)
        assert snapshot(app) == before

    send()
    total = sum(statuses.values())
    print(f"\n{url_prefix or 'app'}: {total} hostile requests")
    for (kind, status), count in sorted(statuses.items()):
        print(f"  {kind:20} {status}  {count}")
    assert total >= CASES
