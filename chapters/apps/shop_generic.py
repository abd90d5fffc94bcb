# SPDX-License-Identifier: MIT
"""Generic display views: a list page and a detail page, built from hooks (chapter 7).

This is not an app: ``shop.py`` subclasses these. A subclass fills in the
hooks (``get_objects``, ``get_object``, ``template_name`` or
``get_template_name``) and inherits ``dispatch_request``, which renders a
Jinja template with what the hooks returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from flask import render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from viewlib import View


class TemplateView(View):
    """Renders ``get_template_name()`` with the variables ``get_context()`` returns."""

    template_name: ClassVar[str | None] = None

    def get_template_name(self) -> str:
        if self.template_name is None:
            raise NotImplementedError(f"{type(self).__name__} needs a template_name")
        return self.template_name

    def get_context(self, **kwargs: Any) -> dict[str, Any]:
        return {}

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        return render_template(self.get_template_name(), **self.get_context(**kwargs))


class ListView(TemplateView):
    """A page about many objects: the template gets them as ``objects``."""

    def get_objects(self) -> Iterable[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define get_objects()")

    def get_context(self, **kwargs: Any) -> dict[str, Any]:
        return {"objects": list(self.get_objects())}


class DetailView(TemplateView):
    """A page about one object, found from the URL: the template gets ``object``."""

    def get_object(self, **kwargs: Any) -> Any | None:
        raise NotImplementedError(f"{type(self).__name__} must define get_object()")

    def get_context(self, **kwargs: Any) -> dict[str, Any]:
        found = self.get_object(**kwargs)
        if found is None:
            raise NotFound()
        return {"object": found}
