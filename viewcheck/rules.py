# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The viewlib authors
"""The rules: one id, one message, one hint and one tutorial section each.

The ids follow flake8's convention (letters, then digits), so ``# noqa: CBV102``
silences one rule on one line, here and under flake8. ``CBV1xx`` rules read
the source (``viewcheck.check_source``); ``CBV2xx`` rules look at a
running app (``--app``, ``viewcheck.app.check_app``).

Links are relative to the root of the tutorial's site: add the address the
site is served from (``--docs http://127.0.0.1:8000/``) to open them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """What one rule reports: ``message`` may name the attribute with ``{name}``."""

    code: str
    message: str
    hint: str
    #: The page and section that shows the mistake live.
    link: str


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.code: rule for rule in rules}


PITFALLS = "chapters/10-pitfalls.html"

RULES = _rules(
    Rule(
        "CBV101",
        "class attribute {name} holds a mutable object that a method changes; "
        "every instance and every request shares it",
        "create it per instance in __init__, or use a store with a lock",
        "chapters/02-init-every-request.html#shared-objects",
    ),
    Rule(
        "CBV102",
        "{name} is set while handling a request, on an instance that every "
        "request shares (init_every_request = False)",
        "keep per-request data in a local variable or on flask.g",
        f"{PITFALLS}#state-on-self-in-a-shared-instance",
    ),
    Rule(
        "CBV103",
        "decorator {name} above a view class receives the class, not the view function",
        "list it in the class's decorators attribute instead",
        f"{PITFALLS}#decorating-the-class",
    ),
    Rule(
        "CBV104",
        "{name} on a class: Flask's route() registers functions, not classes",
        "register the class with add_url_rule(rule, view_func=Cls.as_view(name))",
        f"{PITFALLS}#decorating-the-class",
    ),
    Rule(
        "CBV105",
        "{name} is named like an HTTP method but is not a function: MethodView "
        "routes that method to it and the request fails with a 500",
        "rename it, or define a handler method",
        "chapters/04-methodview.html#method-detection",
    ),
    Rule(
        "CBV106",
        "methods lists {name} with no handler method: that request fails with a 500",
        "write the handler, or take the method out of the list",
        "chapters/04-methodview.html#unimplemented-methods",
    ),
    Rule(
        "CBV107",
        "endpoint {name} is registered again with a new as_view function: Flask "
        "refuses it with an AssertionError",
        "give each as_view call its own name, or build the function once",
        "chapters/01-view.html#endpoint-names",
    ),
    Rule(
        "CBV108",
        "{name} overrides MethodView's dispatch_request without calling it: no "
        "handler method runs",
        "call super().dispatch_request(**kwargs) from the override",
        "chapters/04-methodview.html#unimplemented-methods",
    ),
    Rule(
        "CBV109",
        "{name} has no dispatch_request: every request to it fails with a 500",
        "define dispatch_request, or subclass MethodView and write handlers",
        "chapters/01-view.html#why-a-class",
    ),
    Rule(
        "CBV110",
        "decorators lists the cache {name} after an access check, so the cache "
        "runs first and answers without the check",
        "list the check after the cache: the last decorator runs first",
        f"{PITFALLS}#decorator-order",
    ),
    Rule(
        "CBV111",
        "{name} has no handler method: it registers, then GET fails with a 500",
        "write at least one handler before registering the class",
        f"{PITFALLS}#an-empty-methodview",
    ),
    Rule(
        "CBV112",
        "{name} is called as a helper, but its name makes it a handler that "
        "clients can request",
        "rename the helper with a leading underscore",
        f"{PITFALLS}#a-helper-named-like-an-http-method",
    ),
    Rule(
        "CBV113",
        "{name} is added after the class was made: MethodView fixed methods "
        "without it when the class was made, so the route answers 405 to it",
        "define the handler in the class body, or in a subclass",
        f"{PITFALLS}#a-handler-added-after-the-class-was-made",
    ),
    Rule(
        "CBV114",
        "as_view gives {name} fewer arguments than its __init__ requires",
        "pass the constructor's arguments after the endpoint name",
        f"{PITFALLS}#a-constructor-argument-missing",
    ),
    Rule(
        "CBV115",
        "required_methods on the class is not read: add_url_rule reads it from "
        "the view function only",
        "set it on the function as_view returns, or list the method in methods",
        f"{PITFALLS}#routing-settings-that-do-not-reach-the-route",
    ),
    Rule(
        "CBV116",
        "provide_automatic_options = True without OPTIONS in {name}: up to "
        "Flask 3.1, OPTIONS requests get a 405 (Flask 3.2 answers them)",
        "add OPTIONS to methods as well: that answers OPTIONS on every version",
        f"{PITFALLS}#routing-settings-that-do-not-reach-the-route",
    ),
    Rule(
        "CBV117",
        "PROVIDE_AUTOMATIC_OPTIONS is set on {name} after routes were "
        "registered: those routes keep what they had",
        "configure the app before registering routes",
        f"{PITFALLS}#routing-settings-that-do-not-reach-the-route",
    ),
    Rule(
        "CBV118",
        "{name} is a class passed as view_func: Flask calls the class itself "
        "at each request, and the request fails",
        "pass the function as_view builds: view_func=Cls.as_view(name)",
        "chapters/01-view.html#from-function-to-class",
    ),
    Rule(
        "CBV201",
        "the view function of endpoint {name} lost the routing attributes "
        "as_view set: a decorator applied after as_view replaced it",
        "list the decorator in the class's decorators attribute",
        "chapters/03-decorators.html#routing-attributes",
    ),
    Rule(
        "CBV202",
        "the route of endpoint {name} accepts methods the class has no handler "
        "for: those requests fail with a 500",
        "write the handlers, or leave the methods argument of add_url_rule out",
        "chapters/04-methodview.html#unimplemented-methods",
    ),
)
