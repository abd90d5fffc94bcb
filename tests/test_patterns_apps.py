"""Hostile input for the apps of chapters 6 and 7 (``todo.py``, ``shop.py``).

Each app runs as a reader runs it (testing off), so a bug shows up as a 500,
not as an exception. Whatever a client sends gets a success or a 4xx that
names the problem; a refused request leaves the stored data as it was; and
nothing the client sent comes back unescaped in an HTML page.
"""

from __future__ import annotations

import json
from typing import Any

import shop
import todo
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from tests.budget import examples

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["title", "x"]) | st.text(max_size=5), inner)
    ),
    max_leaves=8,
)
bodies = st.one_of(
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=60),
    st.text(max_size=300).map(lambda text: json.dumps({"title": text}).encode()),
    st.integers(1, 3000).map(lambda depth: b"[" * depth),
    st.integers(1, 1500).map(lambda depth: b'{"title":' * depth + b"0" + b"}" * depth),
    # A lone surrogate ("\ud800"), which UTF-8 cannot encode, as a JSON escape.
    st.tuples(
        st.text(max_size=5),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.text(max_size=5),
    ).map(lambda parts: json.dumps({"title": "".join(parts)}).encode()),
)
content_types = st.sampled_from(["application/json", "text/plain", None])


def running(app: Flask) -> FlaskClient:
    assert not app.testing  # an uncaught error becomes a 500, not a traceback
    app.logger.disabled = True
    return app.test_client()


@settings(max_examples=examples(200), deadline=None)
@given(body=bodies, content_type=content_types)
def test_todo_answers_every_body_clearly(body: bytes, content_type: str | None) -> None:
    client = running(todo.create_app())
    client.post("/tasks", json={"title": "keep me"})
    response = client.post("/tasks", data=body, content_type=content_type)
    tasks = client.get("/tasks").get_json()["tasks"]
    if response.status_code == 201:
        assert tasks[1] == response.json
    else:
        too_big = len(body) > 4096  # todo's MAX_CONTENT_LENGTH: Werkzeug's 413
        assert response.status_code in {400, 415, 422, *([413] if too_big else [])}
        assert response.get_json()["detail"]  # names the problem
        assert tasks == [{"id": 1, "title": "keep me"}]


def test_todo_refuses_a_body_over_the_limit() -> None:
    client = running(todo.create_app())
    response = client.post("/tasks", json={"title": "x" * 10_000})
    assert response.status_code == 413
    assert response.get_json()["error"] == "Request Entity Too Large"
    assert client.get("/tasks").json == {"tasks": []}


@settings(max_examples=examples(100), deadline=None)
@given(task_id=st.integers(min_value=0, max_value=10**30))
def test_todo_unknown_task_is_a_json_404(task_id: int) -> None:
    client = running(todo.create_app())  # keeps the app alive (Flask 2.2)
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 404
    assert response.get_json()["detail"] == f"there is no task {task_id}"


def logged_in_shop() -> tuple[FlaskClient, list[str]]:
    client = running(shop.create_app())
    assert client.post("/shop/login", data={"username": "ada"}).status_code == 200
    return client, products(client)


def products(client: FlaskClient) -> list[str]:
    page = client.get("/shop/products/").text
    return [line for line in page.splitlines() if "<li>" in line]


form_text = st.text(max_size=100) | st.sampled_from(
    ["<script>alert(1)</script>", '"><b>', "1e999999", "NaN", "-1", "0.001", "3.50"]
)


@settings(max_examples=examples(200), deadline=None)
@given(form=st.dictionaries(st.sampled_from(["name", "price", "other"]), form_text))
def test_shop_form_answers_every_submission_clearly(form: dict[str, str]) -> None:
    client, before = logged_in_shop()
    response = client.post("/shop/products/new", data=form)
    if response.status_code == 303:
        page = client.get(response.headers["Location"]).text
        assert f"<h1>{escape(form['name'].strip())}</h1>" in page
        assert len(products(client)) == len(before) + 1
    else:
        assert response.status_code == 422
        assert 'class="error"' in response.text  # names the problem, per field
        for field in ("name", "price"):  # shown again, escaped
            value = escape(form.get(field, "").strip())
            assert f'<input name="{field}" value="{value}">' in response.text
        assert products(client) == before


@settings(max_examples=examples(200), deadline=None)
@given(username=st.text(max_size=30))
def test_shop_login_answers_every_name_clearly(username: str) -> None:
    client = running(shop.create_app())
    response = client.post("/shop/login", data={"username": username})
    body: Any = response.json
    if response.status_code == 200:
        assert body == {"user": username}
    else:
        assert response.status_code == 422
        assert "username" in body["detail"]
        assert client.get("/shop/products/new").status_code == 401


def test_shop_refuses_a_form_over_the_limit() -> None:
    client, before = logged_in_shop()
    response = client.post("/shop/products/new", data={"name": "x" * 20_000})
    assert response.status_code == 413
    assert products(client) == before


@settings(max_examples=examples(100), deadline=None)
@given(product_id=st.integers(min_value=3, max_value=10**30))
def test_shop_unknown_product_is_a_404(product_id: int) -> None:
    response = running(shop.create_app()).get(f"/shop/products/{product_id}")
    assert response.status_code == 404
