"""Hostile input for the four notes apps of chapter 11 (``styles_*.py``).

Each app runs as a reader runs it (testing off). Whatever a client sends to
``POST /notes`` gets a 201 or a JSON 4xx that names the problem, never a 500,
and a refused request leaves the stored notes as they were. The four styles
must also answer every input alike.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
import styles_blueprint
import styles_functions
import styles_methodview
import styles_view
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.budget import examples

STYLES = (styles_functions, styles_view, styles_methodview, styles_blueprint)

# Bodies a client might send: valid and invalid JSON values, and raw bytes.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["text", "id", "x"]) | st.text(max_size=5),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
)
# A text with a lone surrogate ("\ud800"), which UTF-8 cannot encode.
with_surrogate = st.tuples(
    st.text(max_size=5),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.text(max_size=5),
).map("".join)
bodies = st.one_of(
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=60),
    st.text(max_size=300).map(lambda text: json.dumps({"text": text}).encode()),
    # Nesting near and past Python's recursion limit, open or closed.
    st.integers(1, 3000).map(lambda depth: b"[" * depth),
    st.integers(1, 2000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 1500).map(lambda depth: b'{"text":' * depth + b"0" + b"}" * depth),
    # The surrogate as a JSON escape, and as the raw bytes UTF-8 forbids.
    with_surrogate.map(lambda text: json.dumps({"text": text}).encode()),
    with_surrogate.map(
        lambda text: json.dumps({"text": text}, ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
    ),
)
content_types = st.sampled_from(["application/json", "text/plain", None])


def client_for(style: ModuleType) -> FlaskClient:
    app: Flask = style.create_app()
    assert not app.testing  # an uncaught error becomes a 500, not a traceback
    app.logger.disabled = True
    return app.test_client()


def answer(
    client: FlaskClient, body: bytes, content_type: str | None
) -> tuple[int, Any]:
    response = client.post("/notes", data=body, content_type=content_type)
    return response.status_code, response.get_json(silent=True)


@settings(max_examples=examples(200), deadline=None)
@given(body=bodies, content_type=content_types)
def test_every_body_gets_a_clear_answer_from_every_style(
    body: bytes, content_type: str | None
) -> None:
    answers = []
    for style in STYLES:
        client = client_for(style)
        client.post("/notes", json={"text": "keep me"})
        status, data = answer(client, body, content_type)
        assert status in {201, 400, 415}, (style.__name__, status)
        if status != 201:
            assert data["message"]  # the JSON names the problem
            assert client.get("/notes").json == {
                "notes": [{"id": 1, "text": "keep me"}]
            }
        answers.append((status, data))
    assert all(a == answers[0] for a in answers)  # the four styles agree


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.__name__)
def test_a_body_over_the_limit_is_refused_and_changes_nothing(
    style: ModuleType,
) -> None:
    client = client_for(style)
    response = client.post("/notes", json={"text": "x" * 20_000})
    assert response.status_code == 413
    assert response.get_json()["error"] == "Request Entity Too Large"
    assert client.get("/notes").json == {"notes": []}


@settings(max_examples=examples(100), deadline=None)
@given(note_id=st.integers(min_value=0, max_value=10**30))
def test_an_unknown_note_is_a_json_404(note_id: int) -> None:
    for style in STYLES:
        client = client_for(style)  # keeps the app alive (Flask 2.2)
        for method in ("get", "delete"):
            response = getattr(client, method)(f"/notes/{note_id}")
            assert response.status_code == 404
            assert response.get_json()["message"] == f"there is no note {note_id}"
