# SPDX-License-Identifier: MIT
"""The check for exercise 7: run it with ``pytest chapters/exercises/07-catalogue``.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

#: The exercise's templates. The app reads them from here wherever the module
#: under test lives (the reference solution is kept in another folder).
TEMPLATES = Path(__file__).resolve().parent / "templates"
HOSTILE = "<script>alert('hi')</script>"
BOOKS = [
    {"id": 1, "title": "Kindred", "year": 1979},
    {"id": 2, "title": "A Wizard of Earthsea", "year": 1968},
    {"id": 3, "title": "The Dispossessed", "year": 1974},
]
BY_TITLE = ["A Wizard of Earthsea", "Kindred", "The Dispossessed"]
BY_YEAR = ["A Wizard of Earthsea", "The Dispossessed", "Kindred"]


def make_app(exercise: ModuleType, books: list[dict[str, Any]]) -> Flask:
    app: Flask = exercise.create_app(books)
    app.template_folder = str(TEMPLATES)
    app.testing = True  # an exception in your view reaches this check
    return app


@pytest.fixture
def client(exercise: ModuleType) -> FlaskClient:
    return make_app(exercise, BOOKS).test_client()


def get(client: FlaskClient, url: str) -> TestResponse:
    """GET url; a crash in the view becomes a message that says so."""
    try:
        return client.get(url)
    except Exception as error:
        raise AssertionError(
            f"GET {url} crashed the view ({type(error).__name__}: {error}); "
            "a running app would answer 500"
        ) from error


def page(client: FlaskClient, url: str) -> str:
    """The HTML page at url, which must answer 200 OK."""
    response = get(client, url)
    hint = ""
    if url.startswith("/books/"):
        hint = (
            ": are BookList and BookDetail registered in create_app(), at "
            "/books/ and /books/<int:book_id>?"
        )
    assert response.status_code == 200, (
        f"GET {url} answered {response.status}, not 200 OK{hint}"
    )
    assert response.mimetype == "text/html", (
        f"GET {url} answered {response.mimetype}, not an HTML page: render "
        "the template with flask.render_template"
    )
    return response.text


def titles(page: str) -> list[str]:
    """The link texts of a list page, top to bottom."""
    return re.findall(r"<a href=\"[^\"]*\">(.*?)</a>", page)


def json_error(response: TestResponse) -> str:
    """The ``error`` of a JSON body, or "" when there is none."""
    body = response.get_json(silent=True)
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def test_the_list_shows_every_book_by_title(client: FlaskClient) -> None:
    text = page(client, "/books/")
    assert titles(text) == BY_TITLE, (
        f"the list page shows {titles(text)}, not {BY_TITLE}: get_objects() "
        "should return every book, sorted by title"
    )
    assert 'href="/books/2"' in text, (
        "the list does not link to /books/2: is BookDetail registered at "
        "/books/<int:book_id> under the endpoint 'book_detail'?"
    )


def test_the_list_sorts_by_year(client: FlaskClient) -> None:
    shown = titles(page(client, "/books/?sort=year"))
    assert shown == BY_YEAR, f"GET /books/?sort=year shows {shown}, not {BY_YEAR}"
    shown = titles(page(client, "/books/?sort=title"))
    assert shown == BY_TITLE, f"GET /books/?sort=title shows {shown}, not {BY_TITLE}"


def test_a_bad_sort_gets_a_json_400(client: FlaskClient) -> None:
    response = get(client, "/books/?sort=price")
    assert response.status_code == 400, (
        f"GET /books/?sort=price answered {response.status}, not 400 Bad "
        "Request: refuse any sort but 'title' and 'year'"
    )
    assert "sort" in json_error(response), (
        "the 400 must be JSON with an 'error' that names the problem, such as "
        f"{{'error': \"sort must be 'title' or 'year'\"}}; it was {response.text!r}"
    )


def test_the_detail_page_shows_one_book(client: FlaskClient) -> None:
    text = page(client, "/books/3")
    assert "<h1>The Dispossessed</h1>" in text, (
        "GET /books/3 does not show 'The Dispossessed' in its <h1>: get_object "
        "should return the book whose id is book_id, and dispatch_request "
        f"render book_detail.html with object=...; the page was {text!r}"
    )
    assert "1974" in text, "GET /books/3 does not show the year, 1974"


def test_a_missing_book_gets_a_json_404(client: FlaskClient) -> None:
    page(client, "/books/1")  # the route is there
    response = get(client, "/books/99")
    assert response.status_code == 404, (
        f"GET /books/99 answered {response.status}, not 404 Not Found: "
        "get_object returns None there, and DetailView should answer 404"
    )
    assert "99" in json_error(response), (
        "the 404 must be JSON with an 'error' that names what is missing, such "
        f"as {{'error': 'nothing matches /books/99'}}; it was {response.text!r}"
    )


def test_a_script_in_a_title_stays_text(exercise: ModuleType) -> None:
    books = [*BOOKS, {"id": 4, "title": HOSTILE, "year": 2000}]
    client = make_app(exercise, books).test_client()
    escaped = "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;"
    for url in ("/books/", "/books/4"):
        text = page(client, url)
        assert "<script>" not in text, (
            f"GET {url} sent a title's <script> tag as HTML, where a browser "
            "would run it: render the templates with render_template (Flask "
            "escapes .html templates), and do not mark titles as safe"
        )
        assert escaped in text, (
            f"GET {url} should show the title as the text {escaped!r}; the "
            f"page was {text!r}"
        )


def test_a_subclass_changes_one_hook(exercise: ModuleType) -> None:
    class OldBooks(exercise.BookList):  # type: ignore[name-defined, misc]
        def get_objects(self) -> list[dict[str, Any]]:
            return [b for b in super().get_objects() if b["year"] < 1975]

    app = make_app(exercise, BOOKS)
    app.add_url_rule("/old/", view_func=OldBooks.as_view("old", BOOKS))
    expected = ["A Wizard of Earthsea", "The Dispossessed"]
    shown = titles(page(app.test_client(), "/old/"))
    assert shown == expected, (
        f"a subclass of BookList whose get_objects() keeps the books before "
        f"1975 showed {shown}, not {expected}: ListView.dispatch_request "
        "should call self.get_objects(), the hook, to find what to show"
    )


def test_the_generic_views_fit_other_classes(exercise: ModuleType) -> None:
    class Featured(exercise.ListView):  # type: ignore[name-defined, misc]
        template_name = "book_list.html"

        def get_objects(self) -> list[dict[str, Any]]:
            return [BOOKS[0]]

    class First(exercise.DetailView):  # type: ignore[name-defined, misc]
        template_name = "book_detail.html"

        def get_object(self, **kwargs: Any) -> dict[str, Any] | None:
            return BOOKS[0] if kwargs["number"] == 1 else None

    app = make_app(exercise, BOOKS)
    app.add_url_rule("/featured/", view_func=Featured.as_view("featured"))
    app.add_url_rule("/first/<int:number>", view_func=First.as_view("first"))
    client = app.test_client()
    shown = titles(page(client, "/featured/"))
    assert shown == ["Kindred"], (
        f"a ListView subclass of the check's own showed {shown}, not "
        "['Kindred']: ListView must work for any subclass that sets "
        "template_name and get_objects(), with no constructor arguments"
    )
    assert "<h1>Kindred</h1>" in page(client, "/first/1"), (
        "a DetailView subclass of the check's own did not show its object: "
        "DetailView must pass the URL variables to get_object(**kwargs)"
    )
    assert get(client, "/first/2").status_code == 404, (
        "a DetailView subclass whose get_object() returns None did not answer 404"
    )


def test_a_missing_template_name_is_reported(exercise: ModuleType) -> None:
    class Unfinished(exercise.ListView):  # type: ignore[name-defined, misc]
        def get_objects(self) -> list[dict[str, Any]]:
            return []

    app = make_app(exercise, BOOKS)
    app.add_url_rule("/unfinished/", view_func=Unfinished.as_view("unfinished"))
    try:
        app.test_client().get("/unfinished/")
    except NotImplementedError as error:
        message = str(error)
    else:
        pytest.fail(
            "a ListView subclass without template_name answered a request: "
            "get_template_name() should raise NotImplementedError",
            pytrace=False,
        )
    assert "Unfinished" in message, (
        "a ListView subclass without template_name raised NotImplementedError"
        f"({message!r}): name the class in the message (type(self).__name__), "
        "so the programmer knows which one to fix"
    )


def test_only_get_is_accepted(client: FlaskClient) -> None:
    response = client.post("/books/")
    assert response.status_code == 405, (
        f"POST /books/ answered {response.status}, not 405: leave `methods` "
        "at its default, GET"
    )
