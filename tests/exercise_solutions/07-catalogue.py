# SPDX-License-Identifier: MIT
# mypy: disable-error-code="override"
"""Reference solution of exercise 7 (chapters/exercises/07-catalogue).

The templates are the exercise's own, in chapters/exercises/07-catalogue/
templates; the check points the app at them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, TypedDict

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

from viewlib import View


class Book(TypedDict):
    id: int
    title: str
    year: int


BOOKS: list[Book] = [
    {"id": 1, "title": "Kindred", "year": 1979},
    {"id": 2, "title": "A Wizard of Earthsea", "year": 1968},
    {"id": 3, "title": "The Dispossessed", "year": 1974},
]
SORT_KEYS = ("title", "year")


class TemplateView(View):
    """Renders ``get_template_name()``; subclasses supply the variables."""

    template_name: ClassVar[str | None] = None

    def get_template_name(self) -> str:
        if self.template_name is None:
            raise NotImplementedError(f"{type(self).__name__} needs a template_name")
        return self.template_name


class ListView(TemplateView):
    """A page about many objects: the template gets them as ``objects``."""

    def get_objects(self) -> Iterable[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define get_objects()")

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        objects = list(self.get_objects())
        return render_template(self.get_template_name(), objects=objects)


class DetailView(TemplateView):
    """A page about one object found from the URL: the template gets ``object``."""

    def get_object(self, **kwargs: Any) -> Any | None:
        raise NotImplementedError(f"{type(self).__name__} must define get_object()")

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        found = self.get_object(**kwargs)
        if found is None:
            raise NotFound(f"nothing matches {request.path}")
        return render_template(self.get_template_name(), object=found)


class BookList(ListView):
    template_name = "book_list.html"

    def __init__(self, books: Sequence[Book]) -> None:
        self.books = books

    def get_objects(self) -> list[Book]:
        key = request.args.get("sort", "title")
        if key not in SORT_KEYS:
            raise BadRequest("sort must be 'title' or 'year'")
        if key == "year":
            return sorted(self.books, key=lambda book: book["year"])
        return sorted(self.books, key=lambda book: book["title"])


class BookDetail(DetailView):
    template_name = "book_detail.html"

    def __init__(self, books: Sequence[Book]) -> None:
        self.books = books

    def get_object(self, **kwargs: Any) -> Book | None:
        return next((b for b in self.books if b["id"] == kwargs["book_id"]), None)


def error_as_json(error: HTTPException) -> ResponseReturnValue:
    """Every HTTP error as JSON; its status and headers (a 405's Allow) stay."""
    response = error.get_response()
    response.set_data(json.dumps({"error": error.description}))
    response.mimetype = "application/json"
    return response


def create_app(books: Sequence[Book] = BOOKS) -> Flask:
    app = Flask(__name__)
    app.register_error_handler(HTTPException, error_as_json)
    app.add_url_rule("/books/", view_func=BookList.as_view("book_list", books))
    app.add_url_rule(
        "/books/<int:book_id>", view_func=BookDetail.as_view("book_detail", books)
    )
    return app


app = create_app()
