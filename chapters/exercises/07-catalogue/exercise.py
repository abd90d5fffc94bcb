# SPDX-License-Identifier: MIT
# mypy: disable-error-code="override"
# (URL variables arrive as keyword arguments, which View.dispatch_request's
# signature cannot declare: each view's own signature is the right one.)
"""Exercise 7 (chapter 7, medium; a small project): generic list and detail pages.

A bookshop has two kinds of page: a list of books, and one book. Build them
as chapter 7 builds the shop, in two layers.

1. Two generic views that know nothing about books. ``TemplateView`` is
   their base; it takes the template's name from the class attribute
   ``template_name`` through the hook ``get_template_name()``, which raises
   ``NotImplementedError`` naming the class when ``template_name`` is None.

   - ``ListView.dispatch_request()`` renders the template with one variable,
     ``objects``: the list that the hook ``get_objects()`` returns.
   - ``DetailView.dispatch_request(**kwargs)`` passes the URL variables to
     the hook ``get_object(**kwargs)`` and renders the template with the
     variable ``object``. When ``get_object`` returns None, the answer is a
     404 with a JSON body whose ``error`` names what is missing, for instance
     ``{"error": "nothing matches /books/99"}``.

   Neither takes constructor arguments: the check subclasses them with
   classes of its own.

2. ``BookList`` and ``BookDetail`` fill in the hooks. Both receive the books
   as a constructor argument (``as_view(name, books)``); the books are never
   changed after start, so every request may read them.

   - ``BookList`` sorts by title, or by year with ``?sort=year``
     (``?sort=title`` is the default). Any other ``sort`` gets a 400 with a
     JSON ``error`` that names it: ``{"error": "sort must be 'title' or 'year'"}``.
   - ``BookDetail`` finds the book whose ``id`` is the URL's ``book_id``.

3. In ``create_app``, register ``BookList`` at ``/books/`` (endpoint
   ``book_list``) and ``BookDetail`` at ``/books/<int:book_id>`` (endpoint
   ``book_detail``).

The templates are in ``templates/`` next to this file; leave them as they
are. Flask turns on Jinja's autoescaping for ``.html`` templates, so a title
such as ``<script>...</script>`` reaches the page as harmless text: the check
tries one. ``create_app`` already answers every HTTP error as JSON (chapter
5), so a hook can ``raise BadRequest("...")`` or ``raise NotFound("...")``.

Hints: ``from werkzeug.exceptions import BadRequest, NotFound``;
``request.args.get("sort", "title")`` reads ``?sort=``, with ``"title"`` when
it is absent; ``request.path`` is the URL's path, such as ``/books/99``;
``flask.render_template(name, objects=...)`` renders a template with the
variables you pass.

Check your work with ``pytest chapters/exercises/07-catalogue``, and look at
the pages with ``flask --app chapters/exercises/07-catalogue/exercise.py run``
(then open http://127.0.0.1:5000/books/). A copy kept elsewhere needs a copy
of this folder's ``templates/`` beside it to run this way: ``Flask(__name__)``
reads the templates next to the file it loads (the check finds them here).

A copy of this file kept elsewhere is checked with ``EXERCISE_MODULE_PATH``
set to its path (chapter 1, "Try this").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, TypedDict

from flask import Flask
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

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


class TemplateView(View):
    """Renders ``get_template_name()``; subclasses supply the variables."""

    template_name: ClassVar[str | None] = None

    def get_template_name(self) -> str:
        # TODO: return self.template_name, or raise NotImplementedError with
        # a message naming the class (type(self).__name__) when it is None.
        raise NotImplementedError("TemplateView.get_template_name is not written yet")


class ListView(TemplateView):
    """A page about many objects: the template gets them as ``objects``."""

    def get_objects(self) -> Iterable[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define get_objects()")

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        # TODO: render the template (flask.render_template) with objects=...
        raise NotImplementedError("ListView.dispatch_request is not written yet")


class DetailView(TemplateView):
    """A page about one object found from the URL: the template gets ``object``."""

    def get_object(self, **kwargs: Any) -> Any | None:
        raise NotImplementedError(f"{type(self).__name__} must define get_object()")

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        # TODO: find the object; None is a JSON 404, anything else is rendered
        # with object=...
        raise NotImplementedError("DetailView.dispatch_request is not written yet")


class BookList(ListView):
    # TODO: the template, a constructor that keeps the books, and get_objects
    # (sorted; ?sort= checked).
    pass


class BookDetail(DetailView):
    # TODO: the template, a constructor that keeps the books, and get_object.
    pass


def error_as_json(error: HTTPException) -> ResponseReturnValue:
    """Every HTTP error as JSON; its status and headers (a 405's Allow) stay."""
    response = error.get_response()
    response.set_data(json.dumps({"error": error.description}))
    response.mimetype = "application/json"
    return response


def create_app(books: Sequence[Book] = BOOKS) -> Flask:
    app = Flask(__name__)
    app.register_error_handler(HTTPException, error_as_json)
    # TODO: register BookList at /books/ (endpoint "book_list") and BookDetail
    # at /books/<int:book_id> (endpoint "book_detail"), both given `books`.
    return app


app = create_app()
