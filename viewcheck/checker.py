# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The viewlib authors
"""Read Python source and find class-based-view mistakes, without running it.

The checker works on the syntax tree that ``ast`` builds. It first finds the
names bound to ``View`` and ``MethodView`` (imported from ``flask.views``,
``flask`` or ``viewlib``), then walks the module's statements in order, as
Python would run them, remembering each class and what it derives from. A
class is a *view class* when ``View`` or ``MethodView`` is among its bases,
directly or through other classes of the same file.

It reports only what it can see. A base class imported from another module
is unknown: a rule that would need to know what that base defines stays
silent, because precision comes first (a wrong finding teaches the wrong
thing).
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Union

from .rules import RULES

#: The handler names MethodView looks for, as in ``flask.views.http_method_funcs``.
HTTP_METHODS = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)
#: Handlers that, called from another method, look like helpers. ``get`` and
#: ``head`` are left out: a ``patch`` that calls ``self.get(id)`` to answer 404
#: for an unknown id calls a real handler.
HELPER_LIKE = HTTP_METHODS - {"get", "head"}
#: How many classes of the file one class's bases may span before the rest
#: counts as unknown: real code stays far below; hostile code stays cheap.
MAX_BASES = 64
#: Modules whose ``View`` and ``MethodView`` are the classes this tool knows.
VIEW_MODULES = ("flask.views", "viewlib", "viewlib.views")
#: A value of one of these kinds is never callable: a class attribute named
#: ``get`` holding one is not a handler.
LITERALS = (
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.JoinedStr,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
)
#: Calls that build a new mutable container.
MUTABLE_FACTORIES = frozenset(
    ["list", "dict", "set", "defaultdict", "OrderedDict", "Counter", "deque"]
)
#: Methods that change a list, dict, set or deque in place.
MUTATORS = frozenset(
    [
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "popitem",
        "clear",
        "update",
        "setdefault",
        "add",
        "discard",
        "sort",
        "reverse",
        "appendleft",
        "extendleft",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
    ]
)
CACHE_NAME = re.compile(r"cache", re.IGNORECASE)
#: The beginnings of a word that make a decorator's name suggest an access check.
CHECK_WORDS = (
    "login",
    "auth",
    "require",
    "permission",
    "key",
    "token",
    "role",
    "admin",
    "csrf",
    "guard",
    "protect",
)
#: The words of a name: split at underscores and where a capital follows.
WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")
#: A ``# noqa`` comment: alone it silences every finding on its line; with a
#: colon, only the codes it lists (none, if they are not upper-case codes).
NOQA = re.compile(
    r"#\s*noqa(?P<colon>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)?)?"
)


@dataclass(frozen=True)
class Finding:
    """One mistake: where it is, which rule found it, and where to learn more."""

    #: The file, as given (the ``filename`` argument of ``check_source``).
    path: str
    #: The line of the mistake, counted from 1.
    line: int
    #: The column the mistake starts at, counted from 0 (flake8 shows it + 1).
    col: int
    #: The rule's id, such as ``"CBV102"``; a noqa comment naming it silences it.
    code: str
    #: What is wrong, in one line.
    message: str
    #: What to do instead, in a few words.
    hint: str
    #: The tutorial section that shows the mistake, relative to the site's root.
    url: str

    def format(self) -> str:
        """The command line's form: ``PATH:LINE: CODE MESSAGE; hint: HINT; see URL``.

        >>> found = Finding("a.py", 4, 4, "CBV106", "no handler", "add one", "a.html")
        >>> found.format()
        'a.py:4: CBV106 no handler; hint: add one; see a.html'
        """
        return (
            f"{self.path}:{self.line}: {self.code} {self.message}; "
            f"hint: {self.hint}; see {self.url}"
        )

    def as_dict(self) -> dict[str, str | int]:
        """A JSON-ready dict, the form ``--format json`` prints."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "url": self.url,
        }


#: What a base expression resolves to: one of the two known classes, a class
#: of this file, or ``None`` for anything else (an unknown import).
Base = Union[str, "ClassInfo", None]


@dataclass(eq=False)
class ClassInfo:
    """A class statement of the file, with its bases resolved."""

    node: ast.ClassDef
    bases: list[Base]
    #: Attribute name -> the statement in the class body that binds it.
    members: dict[str, ast.stmt] = field(default_factory=dict)
    _mro: list[Base] | None = None

    @property
    def name(self) -> str:
        return self.node.name

    def mro(self) -> list[Base]:
        """This class, then its bases depth first, left to right, each once.

        Python's own order (C3) differs in some diamonds; for the questions
        asked here (is a name defined, is a base unknown) any order that
        visits every base does. Each class is visited once, and past
        :data:`MAX_BASES` classes the rest counts as unknown (``None``): a
        pasted lattice of diamonds or a chain of thousands of subclasses
        costs a bounded number of steps per class.
        """
        if self._mro is None:
            order: list[Base] = []
            seen: set[int] = set()
            stack: list[Base] = [self]
            while stack:
                base = stack.pop()
                if isinstance(base, ClassInfo):
                    if id(base) in seen:
                        continue
                    if len(seen) == MAX_BASES:
                        order.append(None)
                        break
                    seen.add(id(base))
                    stack.extend(reversed(base.bases))
                order.append(base)
            self._mro = order
        return self._mro

    def derives_from(self, known: str) -> bool:
        return known in self.mro() or (known == "View" and "MethodView" in self.mro())

    @property
    def is_view(self) -> bool:
        return self.derives_from("View")

    @property
    def is_method_view(self) -> bool:
        return self.derives_from("MethodView")

    @property
    def complete(self) -> bool:
        """Every base is known, so a missing attribute is really missing."""
        return None not in self.mro()

    def lookup(self, name: str) -> ast.stmt | None:
        """The statement that defines ``name`` for this class, if in this file."""
        owner = self.owner(name)
        return owner.members[name] if owner is not None else None

    def owner(self, name: str) -> ClassInfo | None:
        """The class of this file whose body defines ``name`` for this class."""
        for cls in self.mro():
            if isinstance(cls, ClassInfo) and name in cls.members:
                return cls
        return None

    def constant(self, name: str) -> object:
        """The literal value of a class attribute, or ``...`` if not a literal."""
        statement = self.lookup(name)
        value = assigned_value(statement) if statement is not None else None
        if isinstance(value, ast.Constant):
            return value.value
        return ...

    def has_handler(self, verb: str) -> bool:
        """Whether MethodView finds an attribute for this (lowercase) method.

        ``HEAD`` falls back to ``get`` when there is no ``head``, so a callable
        ``get`` handles it too. (A non-callable attribute counts here: CBV105
        reports it.)
        """
        if self.lookup(verb) is not None:
            return True
        fallback = self.lookup("get") if verb == "head" else None
        value = assigned_value(fallback) if fallback is not None else None
        return fallback is not None and not isinstance(value, LITERALS)


def assigned_value(statement: ast.stmt) -> ast.expr | None:
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return statement.value
    return None


def dotted(node: ast.expr) -> str:
    """``a.b.c`` for a chain of names and attributes, ``""`` for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def last_name(node: ast.expr) -> str:
    """The name a decorator is known by: ``cached``, ``cache.cached(...)``..."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def method_names(values: ast.expr) -> list[tuple[str, ast.expr]] | None:
    """The strings of a literal list, tuple or set, or None if not all literal."""
    if not isinstance(values, (ast.List, ast.Tuple, ast.Set)):
        return None
    names: list[tuple[str, ast.expr]] = []
    for element in values.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        names.append((element.value, element))
    return names


def names_a_check(name: str) -> bool:
    """Whether a word of ``name`` begins with one of :data:`CHECK_WORDS`.

    ``require_key`` and ``loginRequired`` do; ``monkey_patch`` does not.
    """
    return any(word.lower().startswith(CHECK_WORDS) for word in WORD.findall(name))


def classes_given_handlers(tree: ast.Module) -> set[str]:
    """The names ``X`` of ``X.get = f`` or ``setattr(X, "get", f)`` in the file.

    Any HTTP method's name counts, anywhere in the file: MethodView looks a
    handler up on the instance at each request, so one set on the class after
    ``as_view`` still answers.
    """
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            if node.attr in HTTP_METHODS and isinstance(node.value, ast.Name):
                names.add(node.value.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[0], ast.Name)
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in HTTP_METHODS
        ):
            names.add(node.args[0].id)
    return names


def late_handler_answers_405(cls: ClassInfo, verb: str) -> bool:
    """Whether the route answers 405 to a handler set on the class after it was made.

    MethodView fills in ``methods`` when the class is made: the verbs it has
    handlers for, or ``None`` without any, and then the route offers ``GET``.
    Werkzeug adds ``HEAD`` to a rule with ``GET`` and Flask answers ``OPTIONS``
    itself, so a late handler for a verb the route already offers is not
    reported, nor one that replaces a handler or that a literal ``methods``
    lists, nor one for a class with an unknown base or unreadable ``methods``.
    """
    if not (cls.is_method_view and cls.complete):
        return False
    statement = cls.lookup("methods")
    if statement is not None:
        value = assigned_value(statement)
        listed = method_names(value) if value is not None else None
        if listed is None:
            return False  # methods this checker cannot read
        offered = {name.lower() for name, _ in listed}
    else:
        offered = {other for other in HTTP_METHODS if cls.lookup(other) is not None}
    offered = (offered or {"get"}) | {"options"}
    if "get" in offered:
        offered.add("head")
    return verb not in offered


def routed(cls: ClassInfo, verb: str) -> bool:
    """Whether MethodView routes ``verb`` to this class (as far as the file says).

    Without ``methods`` in its own body, a MethodView subclass gets every verb
    it has an attribute for (plus its bases' methods); with a literal list,
    those verbs; with anything else, this checker cannot tell: no.
    """
    statement = cls.members.get("methods")
    if statement is None:
        return True
    value = assigned_value(statement)
    listed = method_names(value) if value is not None else None
    return listed is not None and verb.upper() in {n.upper() for n, _ in listed}


def targets_of(statement: ast.AST) -> list[ast.expr]:
    """The expressions a statement assigns to (a tuple's elements too)."""
    if isinstance(statement, ast.Assign):
        found = list(statement.targets)
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        found = [statement.target]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        found = [item.optional_vars for item in statement.items if item.optional_vars]
    else:
        return []
    flat: list[ast.expr] = []
    while found:
        target = found.pop(0)
        if isinstance(target, (ast.Tuple, ast.List)):
            found[:0] = target.elts
        elif isinstance(target, ast.Starred):
            found.insert(0, target.value)
        else:
            flat.append(target)
    return flat


def functions(cls: ClassInfo) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for statement in cls.node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield statement


def self_name(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    arguments = function.args.posonlyargs + function.args.args
    return arguments[0].arg if arguments else ""


@dataclass
class Scope:
    """What names mean at one point of a module or function body."""

    parent: Scope | None = None
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    #: Names bound to the result of an ``as_view`` call.
    views: dict[str, ast.Call] = field(default_factory=dict)
    #: Receiver -> endpoint -> the ``as_view`` call registered under it.
    endpoints: dict[str, dict[str, ast.Call]] = field(default_factory=dict)
    #: Apps and blueprints that have registered a route (``add_url_rule``).
    routed: set[str] = field(default_factory=set)
    #: Names bound to objects whose ``route`` does accept classes (flask-smorest).
    class_routers: set[str] = field(default_factory=set)

    def find_class(self, name: str) -> ClassInfo | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.classes:
                return scope.classes[name]
            scope = scope.parent
        return None

    def find_view(self, name: str) -> ast.Call | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.views:
                return scope.views[name]
            scope = scope.parent
        return None

    def is_class_router(self, name: str) -> bool:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.class_routers:
                return True
            scope = scope.parent
        return False

    def forget(self, name: str) -> None:
        """``name`` is bound to something new: what was known about it is stale."""
        self.classes.pop(name, None)
        self.views.pop(name, None)
        self.endpoints.pop(name, None)
        self.class_routers.discard(name)
        self.routed.discard(name)

    def has_routes(self, name: str) -> bool:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.routed:
                return True
            scope = scope.parent
        return False


class Checker:
    """Check one module's syntax tree; :attr:`findings` holds the results."""

    def __init__(self, tree: ast.Module, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self._reported: set[Finding] = set()  # a set: one look-up per finding
        self.classes: list[ClassInfo] = []
        #: Local name -> "View" or "MethodView"; module alias -> module.
        self.known: dict[str, str] = {}
        self.modules: dict[str, str] = {}
        self.smorest: set[str] = set()
        #: Names of classes that get a handler from outside their body.
        self.patched = classes_given_handlers(tree)
        self._imports(tree)
        self._block(tree.body, Scope())
        for cls in self.classes:
            self._class_rules(cls)
        self._mutable_class_attributes()

    # --- reporting ---

    def report(self, code: str, node: ast.AST, name: str = "") -> None:
        rule = RULES[code]
        line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
        finding = Finding(
            self.path, line, col, code, rule.message.format(name=name), rule.hint,
            rule.link,
        )  # fmt: skip
        if finding not in self._reported:
            self._reported.add(finding)
            self.findings.append(finding)

    # --- names ---

    def _imports(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if node.module in VIEW_MODULES and alias.name in (
                        "View",
                        "MethodView",
                    ):
                        self.known[local] = alias.name
                    elif node.module == "flask" and alias.name == "views":
                        self.modules[local] = "flask.views"
                    elif node.module == "viewlib" and alias.name == "views":
                        self.modules[local] = "viewlib.views"
                    elif node.module.partition(".")[0] == "flask_smorest":
                        self.smorest.add(local)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.modules[alias.asname] = alias.name
                    else:  # `import flask.views` binds `flask`; spell it out
                        self.modules[alias.name] = alias.name

    def resolve(self, node: ast.expr, scope: Scope) -> Base:
        """What a base-class expression names, as far as this file tells."""
        if isinstance(node, ast.Name):
            if node.id in self.known:
                return self.known[node.id]
            if node.id == "object":
                return "object"
            return scope.find_class(node.id)
        if isinstance(node, ast.Attribute) and node.attr in ("View", "MethodView"):
            module = dotted(node.value)
            head, _, rest = module.partition(".")
            full = self.modules.get(module) or ".".join(
                filter(None, [self.modules.get(head, head), rest])
            )
            if full in VIEW_MODULES:
                return node.attr
        return None

    def view_class_of(self, call: ast.Call, scope: Scope) -> ClassInfo | None:
        """The class an ``X.as_view(...)`` call is made on, if it is known."""
        if isinstance(call.func, ast.Attribute) and call.func.attr == "as_view":
            receiver = call.func.value
            if isinstance(receiver, ast.Name):
                return scope.find_class(receiver.id)
        return None

    # --- statements, in the order Python runs them ---

    def _block(self, body: list[ast.stmt], scope: Scope) -> None:
        for statement in body:
            self._statement(statement, scope)

    def _statement(self, statement: ast.stmt, scope: Scope) -> None:
        if isinstance(statement, ast.ClassDef):
            self._class(statement, scope)
            return
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.forget(statement.name)
            self._block(statement.body, Scope(parent=scope))
            return
        for call in calls_in(statement):
            self._call(call, scope)
        for target in targets_of(statement):
            self._assignment(statement, target, scope)
        for name in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(statement, name, None)
            if isinstance(inner, list):
                for child in inner:
                    if isinstance(child, ast.ExceptHandler):
                        self._block(child.body, scope)
                    elif isinstance(child, ast.stmt):
                        self._statement(child, scope)

    def _assignment(self, statement: ast.stmt, target: ast.expr, scope: Scope) -> None:
        value = assigned_value(statement)
        if isinstance(target, ast.Name):
            scope.forget(target.id)
            if isinstance(value, ast.Call):
                if dotted(value.func).rpartition(".")[2] == "as_view":
                    scope.views[target.id] = value
                if dotted(value.func).partition(".")[0] in self.smorest:
                    scope.class_routers.add(target.id)
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Attribute)
            and target.value.attr == "config"
            and isinstance(target.slice, ast.Constant)
            and target.slice.value == "PROVIDE_AUTOMATIC_OPTIONS"
        ):
            self._late_setting(target, dotted(target.value.value), scope)
        elif isinstance(target, ast.Attribute) and target.attr in HTTP_METHODS:
            owner = dotted(target.value)
            cls = scope.find_class(owner)
            if cls is not None and late_handler_answers_405(cls, target.attr):
                self.report("CBV113", target, f"{owner}.{target.attr}")

    def _class(self, node: ast.ClassDef, scope: Scope) -> None:
        cls = ClassInfo(node, [self.resolve(base, scope) for base in node.bases])
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                cls.members[statement.name] = statement
            for target in targets_of(statement):
                if isinstance(target, ast.Name):
                    cls.members[target.id] = statement
        for decorator in node.decorator_list:
            self._class_decorator(decorator, cls, scope)
        scope.forget(node.name)
        scope.classes[node.name] = cls
        self.classes.append(cls)

    def _class_decorator(
        self, decorator: ast.expr, cls: ClassInfo, scope: Scope
    ) -> None:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "route"
        ):
            router = dotted(decorator.func.value)
            if not scope.is_class_router(router.partition(".")[0]):
                self.report("CBV104", decorator, f"@{router}.route")
        elif cls.is_view and last_name(decorator) != "final":
            self.report("CBV103", decorator, f"@{ast.unparse(decorator)}")

    def _call(self, call: ast.Call, scope: Scope) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute):
            # `app.route("/")(SomeView)`: route's result called on a class.
            if (
                isinstance(func, ast.Call)
                and isinstance(func.func, ast.Attribute)
                and func.func.attr == "route"
                and len(call.args) == 1
                and isinstance(call.args[0], ast.Name)
                and scope.find_class(call.args[0].id) is not None
            ):
                router = ast.unparse(func.func.value)
                if not scope.is_class_router(router.partition(".")[0]):
                    self.report("CBV104", call, f"{router}.route")
            return
        if func.attr == "as_view":
            self._as_view(call, scope)
        elif func.attr == "add_url_rule":
            scope.routed.add(dotted(func.value))
            self._registration(call, scope)
        elif (
            func.attr == "update"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "config"
            and any(k.arg == "PROVIDE_AUTOMATIC_OPTIONS" for k in call.keywords)
        ):
            self._late_setting(call, dotted(func.value.value), scope)

    def _late_setting(self, node: ast.AST, app: str, scope: Scope) -> None:
        """``add_url_rule`` reads PROVIDE_AUTOMATIC_OPTIONS when it runs."""
        if app and scope.has_routes(app):
            self.report("CBV117", node, app)

    def _as_view(self, call: ast.Call, scope: Scope) -> None:
        cls = self.view_class_of(call, scope)
        if cls is None or not cls.is_view or not cls.complete:
            return
        if cls.lookup("dispatch_request") is None and not cls.is_method_view:
            self.report("CBV109", call, cls.name)
        if cls.is_method_view and not any(cls.has_handler(v) for v in HTTP_METHODS):
            # A handler set on the class (or a base) elsewhere in the file,
            # before or after this call, serves GET: with no handler when the
            # class was made, ``methods`` stayed None, and the route offers GET.
            names = {c.name for c in cls.mro() if isinstance(c, ClassInfo)}
            if not names & self.patched:
                self.report("CBV111", call, cls.name)
        self._constructor_arguments(call, cls)

    def _constructor_arguments(self, call: ast.Call, cls: ClassInfo) -> None:
        init = cls.lookup("__init__")
        if not isinstance(init, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return  # *args or **kwargs: the count is not visible
        arguments = init.args
        positional = (arguments.posonlyargs + arguments.args)[1:]  # not self
        required = positional[: len(positional) - len(arguments.defaults)]
        given = len(call.args) - 1  # the first is the endpoint name
        named = {k.arg for k in call.keywords}
        missing = [a.arg for a in required[given:] if a.arg not in named]
        missing += [
            a.arg
            for a, default in zip(arguments.kwonlyargs, arguments.kw_defaults)
            if default is None and a.arg not in named
        ]
        if missing:
            self.report("CBV114", call, cls.name)

    def _registration(self, call: ast.Call, scope: Scope) -> None:
        """``receiver.add_url_rule(rule, endpoint, view_func)``: track endpoints."""
        func = call.func
        assert isinstance(func, ast.Attribute)
        receiver = dotted(func.value)
        arguments: dict[str, ast.expr] = dict(
            zip(("rule", "endpoint", "view_func"), call.args)
        )
        arguments.update({k.arg: k.value for k in call.keywords if k.arg})
        view = arguments.get("view_func")
        if isinstance(view, ast.Name):
            cls = scope.find_class(view.id)
            # A decorated class is no longer a class (CBV103 covers that).
            if cls is not None and cls.is_view and not cls.node.decorator_list:
                self.report("CBV118", view, cls.name)
                return
            view = scope.find_view(view.id)
        if not (
            isinstance(view, ast.Call)
            and dotted(view.func).rpartition(".")[2] == "as_view"
        ):
            return
        endpoint = arguments.get("endpoint") or (view.args[0] if view.args else None)
        if not (isinstance(endpoint, ast.Constant) and isinstance(endpoint.value, str)):
            return
        seen = scope.endpoints.setdefault(receiver, {})
        earlier = seen.setdefault(endpoint.value, view)
        if earlier is not view:
            self.report("CBV107", view, repr(endpoint.value))

    # --- rules about one class ---

    def _class_rules(self, cls: ClassInfo) -> None:
        if not cls.is_view:
            return
        members = cls.node.body
        for statement in members:
            value = assigned_value(statement)
            for target in targets_of(statement):
                if not isinstance(target, ast.Name):
                    continue
                if target.id == "required_methods":
                    self.report("CBV115", statement)
                elif target.id == "decorators" and value is not None:
                    self._decorator_order(value)
                elif (
                    cls.is_method_view
                    and target.id in HTTP_METHODS
                    and isinstance(value, LITERALS)
                    and routed(cls, target.id)
                    and not (  # MethodView answers HEAD with get when head is None
                        target.id == "head"
                        and isinstance(value, ast.Constant)
                        and value.value is None
                        and cls.lookup("get") is not None
                    )
                ):
                    self.report("CBV105", statement, target.id)
        if cls.constant("init_every_request") is False:
            self._shared_instance(cls)
        if cls.is_method_view:
            self._method_view_rules(cls)
        if (
            cls.constant("provide_automatic_options") is True
            and "provide_automatic_options" in cls.members
        ):
            self._automatic_options(cls)

    def _decorator_order(self, value: ast.expr) -> None:
        """A cache listed after a check wraps it: the cache answers first."""
        if not isinstance(value, (ast.List, ast.Tuple)):
            return
        check_seen = False  # one pass: the list can be long (hostile code)
        for element in value.elts:
            name = last_name(element)
            if CACHE_NAME.search(name):
                if check_seen:
                    self.report("CBV110", element, name)
            elif names_a_check(name):
                check_seen = True

    def _shared_instance(self, cls: ClassInfo) -> None:
        """Attributes set on ``self`` by a handler of a class that shares ``self``.

        The finding goes on the assignment when the handler's own class shares
        its instance, and otherwise on the ``init_every_request = False`` that
        made an inherited, once harmless handler share it.
        """
        handlers = ["dispatch_request"]
        if cls.is_method_view:
            handlers += sorted(HTTP_METHODS)
        for name in handlers:
            owner = cls.owner(name)
            method = owner.members[name] if owner is not None else None
            if owner is None or not isinstance(
                method, (ast.FunctionDef, ast.AsyncFunctionDef)
            ):
                continue
            me = self_name(method)
            for statement in ast.walk(method):
                for target in targets_of(statement):
                    if not (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == me
                    ):
                        continue
                    if owner.constant("init_every_request") is False:
                        self.report("CBV102", statement, f"{me}.{target.attr}")
                    else:
                        where = f"{me}.{target.attr} (set in {owner.name}.{name})"
                        flag = cls.lookup("init_every_request")
                        self.report("CBV102", flag or cls.node, where)

    def _method_view_rules(self, cls: ClassInfo) -> None:
        methods = cls.members.get("methods")
        value = assigned_value(methods) if methods is not None else None
        listed = method_names(value) if value is not None else None
        if methods is not None and listed is not None and cls.complete:
            automatic = cls.constant("provide_automatic_options") is True
            missing = [
                name
                for name, _ in listed
                if not cls.has_handler(name.lower())
                and not (name.upper() == "OPTIONS" and automatic)
            ]
            if missing:
                self.report("CBV106", methods, ", ".join(missing))
        dispatch = cls.members.get("dispatch_request")
        if isinstance(dispatch, (ast.FunctionDef, ast.AsyncFunctionDef)):
            calls_parent = any(
                isinstance(node, ast.Attribute)
                and node.attr == "dispatch_request"
                and not (
                    isinstance(node.value, ast.Name)
                    and node.value.id == self_name(dispatch)
                )
                for node in ast.walk(dispatch)
            )
            if not calls_parent:
                self.report("CBV108", dispatch, f"{cls.name}.dispatch_request")
        self._helpers_named_like_handlers(cls)

    def _helpers_named_like_handlers(self, cls: ClassInfo) -> None:
        """A handler that another method calls and uses the result of, not returns."""
        for function in functions(cls):
            me = self_name(function)
            returned = {
                id(node.value)
                for node in ast.walk(function)
                if isinstance(node, ast.Return)
            }
            for node in ast.walk(function):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == me
                    and node.func.attr in HELPER_LIKE
                    and node.func.attr != function.name
                    and id(node) not in returned
                ):
                    continue
                helper = cls.lookup(node.func.attr)
                if isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.report("CBV112", helper, helper.name)

    def _automatic_options(self, cls: ClassInfo) -> None:
        methods = cls.lookup("methods")
        value = assigned_value(methods) if methods is not None else None
        listed = method_names(value) if value is not None else None
        if listed is not None:
            if "OPTIONS" not in {name.upper() for name, _ in listed}:
                self.report(
                    "CBV116", cls.members["provide_automatic_options"], "methods"
                )
        elif methods is None and cls.complete:
            offered = cls.has_handler("options") if cls.is_method_view else False
            if not offered:
                self.report(
                    "CBV116", cls.members["provide_automatic_options"], "its methods"
                )

    # --- rules across classes ---

    def _mutable_class_attributes(self) -> None:
        for cls in self.classes:
            if not cls.is_view:
                continue
            for function in functions(cls):
                me = self_name(function)
                for name, _node in mutated_attributes(function, {me, "cls", cls.name}):
                    statement = cls.lookup(name)
                    value = assigned_value(statement) if statement else None
                    if not (value is not None and is_mutable(value)):
                        continue
                    if shadowed_in_init(cls, name):
                        continue
                    assert statement is not None
                    self.report("CBV101", statement, name)


def calls_in(statement: ast.stmt) -> Iterator[ast.Call]:
    """The calls a statement makes itself, in source order.

    A compound statement's body is left out (the checker visits it statement by
    statement), and so are the bodies of functions, lambdas and classes.
    """
    if hasattr(statement, "body"):
        roots: list[ast.AST] = []
        for value in (value for _, value in ast.iter_fields(statement)):
            if isinstance(value, ast.expr):
                roots.append(value)
            elif isinstance(value, list):
                roots += [v.context_expr for v in value if isinstance(v, ast.withitem)]
    else:
        roots = [statement]
    for root in roots:
        yield from _calls_below(root)


def _calls_below(node: ast.AST) -> Iterator[ast.Call]:
    if isinstance(node, ast.Call):
        yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
        ):
            yield from _calls_below(child)


def is_mutable(value: ast.expr) -> bool:
    if isinstance(
        value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
    ):
        return True
    return isinstance(value, ast.Call) and last_name(value.func) in MUTABLE_FACTORIES


def mutated_attributes(
    function: ast.FunctionDef | ast.AsyncFunctionDef, owners: set[str]
) -> Iterator[tuple[str, ast.AST]]:
    """Attributes of ``self`` (or the class) that the function changes in place."""

    def attribute_name(node: ast.expr) -> str | None:
        if isinstance(node, ast.Attribute):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in owners:
                return node.attr
            if (  # type(self).counts
                isinstance(owner, ast.Call)
                and isinstance(owner.func, ast.Name)
                and owner.func.id == "type"
            ):
                return node.attr
        return None

    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in MUTATORS:
                name = attribute_name(node.func.value)
                if name:
                    yield name, node
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            targets = (
                node.targets if not isinstance(node, ast.AugAssign) else [node.target]
            )
            for target in targets:
                if isinstance(target, ast.Subscript):
                    name = attribute_name(target.value)
                elif isinstance(node, ast.AugAssign):
                    name = attribute_name(target)
                else:
                    name = None
                if name:
                    yield name, node


def shadowed_in_init(cls: ClassInfo, name: str) -> bool:
    """Whether ``__init__`` gives each instance its own ``name``."""
    init = cls.lookup("__init__")
    if not isinstance(init, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    me = self_name(init)
    return any(
        isinstance(target, ast.Attribute)
        and target.attr == name
        and isinstance(target.value, ast.Name)
        and target.value.id == me
        for statement in ast.walk(init)
        for target in targets_of(statement)
    )


def suppressed(comment: str, code: str) -> bool:
    """Whether a line's comment, such as ``# noqa: CBV102``, silences ``code``."""
    match = NOQA.search(comment)
    if match is None:
        return False
    if match.group("colon") is None:
        return True
    codes = match.group("codes") or ""
    return code in re.split(r"[,\s]+", codes)


def comments(source: str) -> dict[int, str]:
    """The comment on each line of ``source`` that has one, by line number.

    Read with ``tokenize``, so a ``# noqa`` inside a string is not a comment.
    """
    found: dict[int, str] = {}
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    try:
        for token in tokens:
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError):  # parsed already: not expected
        pass
    return found


def check_tree(tree: ast.Module, filename: str) -> list[Finding]:
    """Every finding in a parsed module, in line order, ``# noqa`` not applied."""
    findings = Checker(tree, filename).findings
    return sorted(findings, key=lambda f: (f.line, f.col, f.code))


#: Pythons whose parser can crash the process (a segmentation fault, not an
#: exception) on a deeply nested expression: ``"x = " + "a+" * 200_000 + "a"``
#: does on 3.9 and 3.10; 3.11 and later raise ``RecursionError`` instead.
CRASHING_PARSER = sys.version_info < (3, 11)
#: On those Pythons, a source longer than this is parsed first in a child
#: process, whose crash is then reported instead of shared. The shortest
#: crashing source measured is about 200 KB (tests/test_viewcheck_hostile.py
#: keeps a 6x margin for smaller C stacks); shorter files skip the child.
CHILD_PARSE_CHARS = 32 * 1024
#: Seconds the child may take to parse (a 1 MiB file takes about one).
CHILD_PARSE_SECONDS = 60


def parse(source: str, filename: str) -> ast.Module:
    """``ast.parse``, made unable to crash the process on Python 3.9 and 3.10.

    Raises ``SyntaxError`` for source that does not parse, including, on
    those Pythons, source whose parse crashed the child or outlasted
    :data:`CHILD_PARSE_SECONDS`.
    """
    if CRASHING_PARSER and len(source) > CHILD_PARSE_CHARS:
        problem = parse_in_child(source)
        if problem:
            raise SyntaxError(problem, (filename, 1, 0, ""))
    return ast.parse(source, filename)


def parse_in_child(source: str) -> str:
    """Parse *source* in a fresh interpreter; why it failed to finish, or "".

    A ``SyntaxError`` or ``RecursionError`` in the child returns "": the
    parse in this process then raises the same, safely.
    """
    import subprocess

    command = [sys.executable, "-I", "-S", "-c", PARSE_SOURCE]
    try:
        child = subprocess.run(
            command,
            input=source.encode("utf-8", "surrogatepass"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=CHILD_PARSE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return f"parsing took over {CHILD_PARSE_SECONDS} s"
    except OSError as error:
        return f"cannot start a child to parse it ({error})"
    if child.returncode < 0:
        version = "{}.{}".format(*sys.version_info)
        name = signal_name(-child.returncode)
        return f"Python {version}'s parser crashed on it ({name}); too deeply nested"
    return ""


#: What the child runs: parse standard input, nothing else.
PARSE_SOURCE = "import ast, sys; ast.parse(sys.stdin.buffer.read())"


def signal_name(number: int) -> str:
    """``SIGSEGV`` for 11, or the number itself when it has no name."""
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def analyse(source: str, filename: str) -> tuple[list[Finding], list[Finding]]:
    """The findings in a module's source, and those its ``# noqa`` comments silence.

    Raises ``SyntaxError`` for source that does not parse, and for source
    nested too deeply to analyse (the checker recurses through the tree, and
    on Python 3.9 and 3.10 the parser itself can crash: see :func:`parse`).
    """
    try:
        findings = check_tree(parse(source, filename), filename)
    except (RecursionError, MemoryError) as error:
        message = f"too deeply nested to analyse ({type(error).__name__})"
        raise SyntaxError(message, (filename, 1, 0, "")) from None
    except ValueError as error:  # a NUL byte, on Pythons before 3.12
        raise SyntaxError(str(error), (filename, 1, 0, "")) from None
    kept: list[Finding] = []
    silenced: list[Finding] = []
    by_line = comments(source) if findings else {}
    for finding in findings:
        comment = by_line.get(finding.line, "")
        (silenced if suppressed(comment, finding.code) else kept).append(finding)
    return kept, silenced


def check_source(source: str, filename: str = "<string>") -> list[Finding]:
    """The findings in one module's source, in line order, ``# noqa`` applied.

    The site's "Check my view" panel calls this; the grader calls
    ``analyse``, the same analysis, which also returns the findings
    ``# noqa`` silences. It reads nothing but ``source`` and runs none of it.

    >>> source = '''
    ... from flask.views import MethodView
    ... class Ping(MethodView):
    ...     methods = ["GET", "POST"]
    ...     def get(self):
    ...         return "pong"
    ... '''
    >>> [(f.line, f.code) for f in check_source(source, "ping.py")]
    [(4, 'CBV106')]

    It raises ``SyntaxError`` for source that does not parse, and for source
    that Python compiles but that is nested too deeply for the checker, which
    recurses through the syntax tree (a sum of 1,200 names is enough).
    ``filename`` labels the findings and the ``SyntaxError``.
    ``tests/test_viewcheck_precision.py`` shows both; the deep case is not
    an example here because the page's in-browser Python, whose stack is the
    browser's, would overflow rather than raise.
    """
    return analyse(source, filename)[0]
