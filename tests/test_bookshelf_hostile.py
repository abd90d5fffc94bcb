"""Hostile input against the bookshelf app (chapters/apps/bookshelf.py).

Hypothesis sends well over 1,000 requests per run, built to break a JSON API:
malformed, deeply nested and oversized bodies, invalid UTF-8, lone surrogates
and NUL in keys and values, huge numbers, NaN and Infinity, wrong types,
content types and methods, and ids such as ``-1``, ``0001``, Arabic-Indic
digits and 400-digit numbers. Testing mode is off, as on a real server, so a
bug would answer 500 instead of raising. The promise checked after every
request: no 5xx, every 4xx is JSON naming the problem, and after a 4xx the
database dumps to exactly the same SQL text as before.

``pytest -s`` prints the number of requests and the status counts.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import bookshelf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.budget import examples

EXAMPLES = examples(1100)

# --- Pieces of hostile requests -----------------------------------------------

SPECIAL_TEXT = [
    "\x00",
    "\ud800",  # a lone high surrogate
    "\udfff",  # a lone low surrogate
    "\ud83d\ude00",  # a surrogate pair as two code points: still two lone ones
    "\U0001f600",
    "\u202e",  # right-to-left override
    "\u0663",  # Arabic-Indic digit three
    " ",
    "\t\n",
    "\x7f\x85",
    "<script>",
    "'; DROP TABLE author; --",
]
texts = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(max_size=6),
    st.tuples(st.text(max_size=3), st.sampled_from(SPECIAL_TEXT)).map("".join),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([0, -1, 2100, 2101, 2**63 - 1, 2**63, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)
    ),
    max_leaves=4,
)
field_names = st.one_of(
    st.sampled_from(["name", "title", "year", "author_id", "id", "Name", ""]), texts
)
documents = st.one_of(
    st.dictionaries(field_names, json_values, max_size=4),
    json_values,
)


@st.composite
def json_bodies(draw: st.DrawFn) -> bytes:
    """A document written as JSON would be, NaN, surrogates and all."""
    text = json.dumps(draw(documents), ensure_ascii=draw(st.booleans()))
    # "surrogatepass" writes a lone surrogate as the three bytes UTF-8 forbids.
    return text.encode("utf-8", "surrogatepass")


@st.composite
def nested_bodies(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(min_value=100, max_value=16_000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"name":', "}")]))
    closed = draw(st.booleans())
    return (opener * depth + ("1" + closer * depth if closed else "")).encode()


@st.composite
def oversized_bodies(draw: st.DrawFn) -> bytes:
    size = draw(st.integers(min_value=16 * 1024 - 20, max_value=64 * 1024))
    return b'{"name": "' + b"x" * size + b'"}'


MALFORMED = [
    b"",
    b"{",
    b'{"name": "Ada",}',
    b"{'name': 'Ada'}",
    b'{"name": "Ada"} trailing',
    b"\xef\xbb\xbf{}",  # a byte order mark
    b"\xff\xfe{\x00}\x00",  # UTF-16
    b"\xc3\x28",
    b'{"name": "\xed\xa0\x80"}',  # an encoded surrogate
    b'{"name": "\\ud800"}',
    b'{"\\udc00": 1}',
    b'{"name": "a\\u0000b"}',
    b'{"name": NaN}',
    b'{"year": Infinity}',
    b'{"year": -Infinity}',
    b'{"year": 1e400}',
    b'{"year": ' + b"9" * 400 + b"}",
    b'{"year": ' + b"9" * 5000 + b"}",
    b'{"author_id": -' + b"9" * 1001 + b"}",
    b'{"name": "a", "name": "b"}',
    b"null",
    b"[]",
    b'"Ada"',
]
bodies = st.one_of(
    st.none(),
    st.sampled_from(MALFORMED),
    st.binary(max_size=40),
    json_bodies(),
    nested_bodies(),
    oversized_bodies(),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json",
        "application/json; charset=utf-16",
        "application/merge-patch+json",
        "APPLICATION/JSON",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        None,
    ]
)
methods = st.sampled_from(
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND"]
)
ODD_IDS = [
    "1",
    "2",
    "3",
    "99",
    "-1",
    "0",
    "0001",
    "\u0663",  # Arabic-Indic three
    "\u0661\u0662",  # Arabic-Indic twelve
    "\uff11",  # fullwidth one
    "9" * 400,
    str(2**63),
    str(2**63 - 1),
    "1.5",
    "1e3",
    "+1",
    "%201",
    "0x1",
    "abc",
    "%00",
    "%ED%A0%80",
]
QUERY_VALUES = ["", "0", "1", "20", "100", "101", "-1", "0001", "\u0663", "9" * 400]


@st.composite
def paths(draw: st.DrawFn) -> str:
    resource = draw(st.sampled_from(["authors", "books"]))
    shape = draw(st.sampled_from(["item", "item", "group", "query", "odd"]))
    if shape == "item":
        return f"/{resource}/{draw(st.sampled_from(ODD_IDS))}"
    if shape == "group":
        return f"/{resource}/"
    if shape == "query":
        name = draw(st.sampled_from(["limit", "offset", "author_id", "name", "x"]))
        return f"/{resource}/?{name}={draw(st.sampled_from(QUERY_VALUES))}"
    return draw(st.sampled_from([f"/{resource}", "/", "/nope", f"/{resource}//1"]))


#: Requests whose body a handler reads: the routes that take JSON.
WRITES = [
    ("POST", "/authors/"),
    ("POST", "/books/"),
    ("PATCH", "/authors/1"),
    ("PATCH", "/books/1"),
    ("PUT", "/authors/2"),
    ("PUT", "/books/1"),
]


@st.composite
def hostile_requests(draw: st.DrawFn) -> tuple[str, str, bytes | None, str | None]:
    """(method, path, body, content type): mostly bodies sent where JSON goes."""
    if draw(st.integers(0, 9)) < 6:
        method, path = draw(st.sampled_from(WRITES))
        content_type = draw(st.one_of(st.just("application/json"), content_types))
    else:
        method, path, content_type = draw(methods), draw(paths()), draw(content_types)
    return method, path, draw(bodies), content_type


# --- The test ------------------------------------------------------------------------


def dump(path: Path) -> str:
    with closing(sqlite3.connect(path)) as db:
        return "\n".join(db.iterdump())


def test_hostile_requests_get_a_json_4xx_and_change_nothing(tmp_path: Path) -> None:
    database = tmp_path / "bookshelf.sqlite"
    app = bookshelf.create_app({"DATABASE": str(database)})
    assert not app.testing  # a bug is a 500 here, not a traceback
    app.logger.disabled = True  # a 500 would fail the test; no need to log it
    client = app.test_client()
    # Something to find, to conflict with and to refuse to delete.
    for name in ["Ursula K. Le Guin", "Octavia E. Butler"]:
        assert client.post("/authors/", json={"name": name}).status_code == 201
    book = {"title": "The Dispossessed", "year": 1974, "author_id": 1}
    assert client.post("/books/", json=book).status_code == 201
    statuses: Counter[int] = Counter()
    state = [dump(database)]  # the dump after the latest request

    @settings(
        derandomize=True,
        deadline=None,
        max_examples=EXAMPLES,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(hostile_requests())
    def send(hostile: tuple[str, str, bytes | None, str | None]) -> None:
        method, path, body, content_type = hostile
        response = client.open(
            path, method=method, data=body, content_type=content_type
        )
        status = response.status_code
        statuses[status] += 1
        assert status < 500, (method, path, body, response.data)
        after = dump(database)
        if 400 <= status < 500:
            assert after == state[0], (method, path, body)
            if method != "HEAD":  # HEAD answers carry no body
                error = response.get_json(silent=True)
                assert isinstance(error, dict), response.data
                assert error["error"], error
        state[0] = after  # a 2xx may change the data; the next 4xx may not

    send()
    total = sum(statuses.values())
    counts = sorted(statuses.items())
    print(f"\nbookshelf hostile requests: {total}; statuses: {counts}")
    assert total >= EXAMPLES
    assert sum(statuses[code] for code in (400, 413, 415, 422)) > 0
