"""viewcheck's rules: each finds its mistake, and the mistake is real.

Every rule has a positive case (the mistake, with ``# <--`` on the line the
finding must name) and a negative one: the nearest correct code, which must
give no finding at all. Both are then *run*, on viewlib and on flask.views,
and an expression shows the symptom the rule's message promises on the
mistake and its absence on the fix: a rule that reported something harmless
would fail here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.budget import examples
from viewcheck import RULES, check_source

FLASK_VERSION = tuple(int(part) for part in re.findall(r"\d+", version("flask"))[:3])

#: Every case starts with this: the imports and a fresh app, testing mode off,
#: so that an error in a view shows as a 500, as on a server.
PRELUDE = """\
import functools
from flask import Flask, request
from viewlib import MethodView, View

app = Flask(__name__)
app.logger.disabled = True
client = app.test_client()
"""


@dataclass
class Case:
    code: str
    bad: str
    good: str
    #: An expression evaluated after the code; "raises X" if the code raises X.
    symptom: str
    on_bad: Any
    on_good: Any
    #: The first Flask release the symptom shows on, if not every supported one.
    since_flask: tuple[int, ...] = ()
    #: The first Flask release it no longer shows on (the rule's message names it).
    until_flask: tuple[int, ...] = (99,)


CASES = [
    Case(
        "CBV101",
        """
class Log(View):
    entries = []  # <--

    def dispatch_request(self):
        self.entries.append(request.path)
        return {"entries": len(self.entries)}

app.add_url_rule("/log", view_func=Log.as_view("log"))
""",
        """
class Log(View):
    def __init__(self):
        self.entries = []

    def dispatch_request(self):
        self.entries.append(request.path)
        return {"entries": len(self.entries)}

app.add_url_rule("/log", view_func=Log.as_view("log"))
""",
        '[client.get("/log").json["entries"] for _ in range(3)]',
        [1, 2, 3],
        [1, 1, 1],
    ),
    Case(
        # A request that arrives while another is being handled, made
        # deterministic: the first request sends the second from inside.
        "CBV102",
        """
others = ["bob"]

class Greet(View):
    init_every_request = False

    def dispatch_request(self):
        self.name = request.args["name"]  # <--
        if others:
            client.get("/greet", query_string={"name": others.pop()})
        return self.name

app.add_url_rule("/greet", view_func=Greet.as_view("greet"))
""",
        """
others = ["bob"]

class Greet(View):
    init_every_request = False

    def dispatch_request(self):
        name = request.args["name"]
        if others:
            client.get("/greet", query_string={"name": others.pop()})
        return name

app.add_url_rule("/greet", view_func=Greet.as_view("greet"))
""",
        'client.get("/greet?name=ada").text',
        "bob",
        "ada",
    ),
    Case(
        "CBV103",
        """
def log_calls(view):
    @functools.wraps(view)
    def wrapper(**kwargs):
        return view(**kwargs)
    return wrapper

@log_calls  # <--
class Home(View):
    def dispatch_request(self):
        return "home"
""",
        """
def log_calls(view):
    @functools.wraps(view)
    def wrapper(**kwargs):
        return view(**kwargs)
    return wrapper

class Home(View):
    decorators = [log_calls]

    def dispatch_request(self):
        return "home"
""",
        'app.add_url_rule("/", view_func=Home.as_view("home")) or client.get("/").text',
        "raises AttributeError",
        "home",
    ),
    Case(
        "CBV104",
        """
@app.route("/hello/<name>")  # <--
class Hello(View):
    def dispatch_request(self, name):
        return name
""",
        """
class Hello(View):
    def dispatch_request(self, name):
        return name

app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
""",
        'client.get("/hello/ada").status_code',
        500,
        200,
    ),
    Case(
        "CBV105",
        """
class Notes(MethodView):
    def get(self):
        return "notes"

    def post(self):
        return "added"

class ReadOnlyNotes(Notes):
    post = None  # <--

app.add_url_rule("/", view_func=ReadOnlyNotes.as_view("notes"))
""",
        """
class Notes(MethodView):
    def get(self):
        return "notes"

    def post(self):
        return "added"

class ReadOnlyNotes(Notes):
    methods = ["GET"]

app.add_url_rule("/", view_func=ReadOnlyNotes.as_view("notes"))
""",
        'client.post("/").status_code',
        500,
        405,
    ),
    Case(
        "CBV106",
        """
class Unfinished(MethodView):
    methods = ["GET", "POST"]  # <--

    def get(self):
        return "reading works"

app.add_url_rule("/", view_func=Unfinished.as_view("unfinished"))
""",
        """
class Unfinished(MethodView):
    methods = ["GET"]

    def get(self):
        return "reading works"

app.add_url_rule("/", view_func=Unfinished.as_view("unfinished"))
""",
        'client.post("/").status_code',
        500,
        405,
    ),
    Case(
        "CBV107",
        """
class Ping(MethodView):
    def get(self):
        return "pong"

app.add_url_rule("/ping", view_func=Ping.as_view("ping"))
app.add_url_rule("/v2/ping", view_func=Ping.as_view("ping"))  # <--
""",
        """
class Ping(MethodView):
    def get(self):
        return "pong"

ping = Ping.as_view("ping")
app.add_url_rule("/ping", view_func=ping)
app.add_url_rule("/v2/ping", view_func=ping)
""",
        'client.get("/v2/ping").text',
        "raises AssertionError",
        "pong",
    ),
    Case(
        "CBV108",
        """
class Audited(MethodView):
    def dispatch_request(self, **kwargs):  # <--
        app.logger.info("%s %s", request.method, request.path)
        return "audited"

    def get(self):
        return "the data"

app.add_url_rule("/", view_func=Audited.as_view("audited"))
""",
        """
class Audited(MethodView):
    def dispatch_request(self, **kwargs):
        app.logger.info("%s %s", request.method, request.path)
        return super().dispatch_request(**kwargs)

    def get(self):
        return "the data"

app.add_url_rule("/", view_func=Audited.as_view("audited"))
""",
        'client.get("/").text',
        "audited",
        "the data",
    ),
    Case(
        "CBV109",
        """
class Forgetful(View):
    def dispatch(self):
        return "hi"

app.add_url_rule("/", view_func=Forgetful.as_view("forgetful"))  # <--
""",
        """
class Forgetful(View):
    def dispatch_request(self):
        return "hi"

app.add_url_rule("/", view_func=Forgetful.as_view("forgetful"))
""",
        'client.get("/").status_code',
        500,
        200,
    ),
    Case(
        "CBV110",
        """
cache = {}

def cached(view):
    @functools.wraps(view)
    def wrapper(**kwargs):
        if request.path not in cache:
            cache[request.path] = view(**kwargs)
        return cache[request.path]
    return wrapper

def require_key(view):
    @functools.wraps(view)
    def wrapper(**kwargs):
        if request.headers.get("X-Key") != "k3y":
            return {"error": "a valid X-Key header is required"}, 401
        return view(**kwargs)
    return wrapper

class Report(View):
    decorators = [require_key, cached]  # <--

    def dispatch_request(self):
        return {"report": "numbers"}

app.add_url_rule("/report", view_func=Report.as_view("report"))
""",
        """
cache = {}

def cached(view):
    @functools.wraps(view)
    def wrapper(**kwargs):
        if request.path not in cache:
            cache[request.path] = view(**kwargs)
        return cache[request.path]
    return wrapper

def require_key(view):
    @functools.wraps(view)
    def wrapper(**kwargs):
        if request.headers.get("X-Key") != "k3y":
            return {"error": "a valid X-Key header is required"}, 401
        return view(**kwargs)
    return wrapper

class Report(View):
    decorators = [cached, require_key]

    def dispatch_request(self):
        return {"report": "numbers"}

app.add_url_rule("/report", view_func=Report.as_view("report"))
""",
        '[client.get("/report", headers=h).status_code'
        ' for h in ({"X-Key": "k3y"}, {})]',
        [200, 200],
        [200, 401],
    ),
    Case(
        "CBV111",
        """
class Draft(MethodView):
    pass

app.add_url_rule("/draft", view_func=Draft.as_view("draft"))  # <--
""",
        """
class Draft(MethodView):
    def get(self):
        return "a draft"

app.add_url_rule("/draft", view_func=Draft.as_view("draft"))
""",
        'client.get("/draft").status_code',
        500,
        200,
    ),
    Case(
        "CBV112",
        """
class Cart(MethodView):
    def get(self):
        return {"limits": self.options()}

    def options(self):  # <--
        return {"max_items": 10}

app.add_url_rule("/cart", view_func=Cart.as_view("cart"))
""",
        """
class Cart(MethodView):
    def get(self):
        return {"limits": self._options()}

    def _options(self):
        return {"max_items": 10}

app.add_url_rule("/cart", view_func=Cart.as_view("cart"))
""",
        'client.options("/cart").get_json(silent=True)',
        {"max_items": 10},
        None,
    ),
    Case(
        "CBV113",
        """
class Notes(MethodView):
    def get(self):
        return "all notes"

Notes.post = lambda self: "added"  # <--
app.add_url_rule("/notes", view_func=Notes.as_view("notes"))
""",
        """
class Notes(MethodView):
    def get(self):
        return "all notes"

    def post(self):
        return "added"

app.add_url_rule("/notes", view_func=Notes.as_view("notes"))
""",
        'client.post("/notes").status_code',
        405,
        200,
    ),
    Case(
        "CBV114",
        """
class Shelf(View):
    def __init__(self, books):
        self.books = books

    def dispatch_request(self):
        return {"books": self.books}

app.add_url_rule("/shelf", view_func=Shelf.as_view("shelf"))  # <--
""",
        """
class Shelf(View):
    def __init__(self, books):
        self.books = books

    def dispatch_request(self):
        return {"books": self.books}

app.add_url_rule("/shelf", view_func=Shelf.as_view("shelf", ["Dune"]))
""",
        'client.get("/shelf").status_code',
        500,
        200,
    ),
    Case(
        "CBV115",
        """
class Ping(MethodView):
    required_methods = {"POST"}  # <--

    def get(self):
        return "pong"

    def post(self):
        return "posted"

app.add_url_rule("/ping", view_func=Ping.as_view("ping"), methods=["GET"])
""",
        """
class Ping(MethodView):
    def get(self):
        return "pong"

    def post(self):
        return "posted"

view = Ping.as_view("ping")
view.required_methods = {"POST"}
app.add_url_rule("/ping", view_func=view, methods=["GET"])
""",
        'client.post("/ping").status_code',
        405,
        200,
    ),
    Case(
        "CBV116",
        """
class OptIn(MethodView):
    provide_automatic_options = True  # <--

    def get(self):
        return "hello"

app.add_url_rule("/", view_func=OptIn.as_view("opt_in"))
""",
        """
class OptIn(MethodView):
    provide_automatic_options = True
    methods = ["GET", "OPTIONS"]

    def get(self):
        return "hello"

app.add_url_rule("/", view_func=OptIn.as_view("opt_in"))
""",
        'client.options("/").status_code',
        405,
        200,
        until_flask=(3, 2),  # Flask 3.2 adds OPTIONS for True: "up to Flask 3.1"
    ),
]
CASES.append(
    Case(
        "CBV117",
        """
class Ping(MethodView):
    def get(self):
        return "pong"

app.add_url_rule("/", view_func=Ping.as_view("ping"))
app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # <--
""",
        """
class Ping(MethodView):
    def get(self):
        return "pong"

app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
app.add_url_rule("/", view_func=Ping.as_view("ping"))
""",
        'client.options("/").status_code',
        200,
        405,
        since_flask=(3, 1),  # the setting is new in Flask 3.1
    )
)
CASES.append(
    Case(
        "CBV118",
        """
class Shout(MethodView):
    def get(self, name):
        return name.upper()

app.add_url_rule("/shout/<name>", view_func=Shout)  # <--
""",
        """
class Shout(MethodView):
    def get(self, name):
        return name.upper()

app.add_url_rule("/shout/<name>", view_func=Shout.as_view("shout"))
""",
        'client.get("/shout/ada").status_code',
        500,
        200,
    )
)
STATIC_CODES = sorted(code for code in RULES if code.startswith("CBV1"))


def marked_line(source: str) -> int:
    lines = source.splitlines()
    (line,) = [n for n, text in enumerate(lines, 1) if text.endswith("# <--")]
    return line


def observe(source: str, symptom: str, implementation: str) -> Any:
    if implementation == "flask.views":
        source = source.replace("from viewlib import", "from flask.views import")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    try:
        exec(compile(source, "<case>", "exec"), namespace)
        return eval(symptom, namespace)
    except Exception as error:
        return f"raises {type(error).__name__}"


def test_every_static_rule_has_a_case() -> None:
    assert sorted(case.code for case in CASES) == STATIC_CODES


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.code)
def test_the_mistake_is_found_on_its_line(case: Case) -> None:
    source = PRELUDE + case.bad
    found = [(f.code, f.line) for f in check_source(source, "bad.py")]
    assert found == [(case.code, marked_line(source))]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.code)
def test_the_nearest_correct_code_gives_no_finding(case: Case) -> None:
    assert check_source(PRELUDE + case.good, "good.py") == []


@pytest.mark.parametrize("implementation", ["viewlib", "flask.views"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.code)
def test_the_symptom_is_real(case: Case, implementation: str) -> None:
    """What the rule's message says happens on the mistake, and not on the fix."""
    if case.since_flask > FLASK_VERSION:
        pytest.skip(f"the symptom needs Flask {case.since_flask} or later")
    if case.until_flask <= FLASK_VERSION:
        pytest.skip(f"Flask {case.until_flask} and later no longer show the symptom")
    assert observe(PRELUDE + case.bad, case.symptom, implementation) == case.on_bad
    assert observe(PRELUDE + case.good, case.symptom, implementation) == case.on_good


@pytest.mark.parametrize(
    "importing",
    [
        "from flask.views import MethodView",
        "from viewlib import MethodView",
        "from viewlib.views import MethodView",
        "from flask import views\nMethodView = views.MethodView",
        "import flask.views\nMethodView = flask.views.MethodView",
        "import viewlib as vl\nMethodView = vl.MethodView",
    ],
)
def test_each_way_of_importing_the_classes_is_understood(importing: str) -> None:
    base = (
        importing.splitlines()[-1].split(" = ")[-1]
        if " = " in importing
        else "MethodView"
    )
    source = f"{importing.splitlines()[0]}\nclass A({base}):\n    methods = ['POST']\n"
    assert [f.code for f in check_source(source)] == ["CBV106"]


def test_subclasses_of_subclasses_in_the_same_file() -> None:
    source = """
from flask.views import View

class Base(View):
    pass

class Middle(Base):
    init_every_request = False

class Leaf(Middle):
    def dispatch_request(self):
        self.user = "ada"
        return self.user
"""
    assert [(f.code, f.line) for f in check_source(source)] == [("CBV102", 12)]


#: Correct code near each rule's edge: none of it may give a finding.
NEAR_MISSES = {
    "a list that no method changes (decorators, methods)": """
class A(MethodView):
    decorators = [functools.lru_cache]
    methods = ["GET"]
    def get(self):
        return str(len(self.methods))
""",
    "state on self with an instance per request": """
class A(View):
    def dispatch_request(self):
        self.user = request.args.get("user", "")
        return self.user
""",
    "state on self in __init__ of a shared instance": """
class A(View):
    init_every_request = False
    def __init__(self):
        self.directory = {}
    def dispatch_request(self):
        return str(len(self.directory))
""",
    "a base from another module is unknown, so nothing is assumed": """
from somewhere import BaseView
class A(BaseView):
    methods = ["GET", "POST"]
    def get(self):
        return "x"
app.add_url_rule("/", view_func=A.as_view("a"))
""",
    "flask-smorest's route decorates classes": """
from flask_smorest import Blueprint
blp = Blueprint("pets", __name__)
@blp.route("/")
class Pets(MethodView):
    def get(self):
        return []
""",
    "a handler that calls get to answer 404": """
class Item(MethodView):
    def get(self, id):
        return {"id": id}
    def patch(self, id):
        self.get(id)
        return {"id": id}
""",
    "a handler that returns another handler's answer": """
class Item(MethodView):
    def put(self):
        return "replaced"
    def post(self):
        return self.put()
""",
    "one endpoint on two apps": """
class Ping(MethodView):
    def get(self):
        return "pong"
app.add_url_rule("/ping", view_func=Ping.as_view("ping"))
app = Flask(__name__)
app.add_url_rule("/ping", view_func=Ping.as_view("ping"))
""",
    "HEAD listed, answered by get": """
class A(MethodView):
    methods = ["GET", "HEAD"]
    def get(self):
        return "x"
""",
    "a handler that is a callable attribute": """
def shared_get(self):
    return "x"
class A(MethodView):
    get = shared_get
""",
    "dispatch_request calling the parent by name": """
class A(MethodView):
    def dispatch_request(self, **kwargs):
        return MethodView.dispatch_request(self, **kwargs)
    def get(self):
        return "x"
""",
    "constructor arguments given by keyword": """
class A(View):
    def __init__(self, store, limit=10):
        self.store = store
    def dispatch_request(self):
        return "x"
A.as_view("a", store={})
""",
    "a cache after a decorator with key inside a word": """
class A(View):
    decorators = [monkey_patch, cached]
    def dispatch_request(self):
        return "x"
""",
    "a decorator on a class that is not a view": """
import dataclasses
@dataclasses.dataclass
class Settings:
    items: list
""",
}


@pytest.mark.parametrize("source", NEAR_MISSES.values(), ids=list(NEAR_MISSES))
def test_near_misses_give_no_finding(source: str) -> None:
    assert check_source(PRELUDE + source) == []


#: An empty MethodView that gets its handler from outside its body: with no
#: handler when the class was made, ``methods`` stays None, the route offers
#: GET, and the handler is looked up at each request, so GET answers 200.
LATE_HANDLERS = {
    "assigned before as_view": "Draft.get = get\nview = Draft.as_view('d')\n",
    "assigned after as_view": "view = Draft.as_view('d')\nDraft.get = get\n",
    "set with setattr": "view = Draft.as_view('d')\nsetattr(Draft, 'get', get)\n",
}


@pytest.mark.parametrize("implementation", ["viewlib", "flask.views"])
@pytest.mark.parametrize("late", LATE_HANDLERS.values(), ids=list(LATE_HANDLERS))
def test_an_empty_class_given_a_handler_later_is_not_cbv111(
    late: str, implementation: str
) -> None:
    source = (
        PRELUDE
        + "class Draft(MethodView):\n    pass\n\n"
        + "def get(self):\n    return 'a draft'\n\n"
        + late
        + "app.add_url_rule('/draft', view_func=view)\n"
    )
    assert check_source(source) == []
    assert observe(source, 'client.get("/draft").status_code', implementation) == 200


@pytest.mark.parametrize(
    "check", ["require_key", "login_required", "loginRequired", "HTTPTokenAuth"]
)
def test_a_check_is_known_by_a_word_of_its_name(check: str) -> None:
    """CBV110 splits names at underscores and capitals: a word must begin
    with a check's word (the near misses hold ``monkey_patch``)."""
    source = f"""
class A(View):
    decorators = [{check}, cached]
    def dispatch_request(self):
        return "x"
"""
    assert [f.code for f in check_source(PRELUDE + source)] == ["CBV110"]


LATE_BODIES = {
    "no handler": "    pass",
    "get": "    def get(self):\n        return 'get'",
    "post": "    def post(self):\n        return 'post'",
    "get and methods": (
        "    methods = ['GET', 'POST']\n    def get(self):\n        return 'get'"
    ),
}


@pytest.mark.parametrize("implementation", ["viewlib", "flask.views"])
@pytest.mark.parametrize("verb", ["get", "post", "delete", "head", "options"])
@pytest.mark.parametrize("body", LATE_BODIES.values(), ids=list(LATE_BODIES))
def test_a_late_handler_is_reported_exactly_when_its_verb_gets_a_405(
    body: str, verb: str, implementation: str
) -> None:
    """CBV113's message says the route answers 405 to the late handler.

    Without any handler the route offers GET (and HEAD), so a late ``get``
    works; a late ``options`` is shadowed by Flask's automatic answer; an
    explicit ``methods`` routes what it lists.
    """
    source = (
        PRELUDE
        + f"class Late(MethodView):\n{body}\n\n"
        + f"Late.{verb} = lambda self: 'late'\n"
        + 'app.add_url_rule("/late", view_func=Late.as_view("late"))\n'
    )
    reported = "CBV113" in {f.code for f in check_source(source)}
    symptom = f'client.open("/late", method="{verb.upper()}").status_code'
    assert reported == (observe(source, symptom, implementation) == 405)


# --- generated class bodies, checked against what the classes really do ---

VERBS = ["get", "post", "put", "delete", "patch", "head", "options"]


@st.composite
def method_views(draw: st.DrawFn) -> str:
    """A MethodView with some handlers, maybe a non-callable one, maybe methods."""
    handlers = draw(st.lists(st.sampled_from(VERBS), unique=True, max_size=3))
    lines = ["class Generated(MethodView):"]
    if draw(st.booleans()):
        listed = draw(st.lists(st.sampled_from(VERBS), unique=True, min_size=1))
        lines.append(f"    methods = {[verb.upper() for verb in listed]!r}")
    for verb in handlers:
        lines += [f"    def {verb}(self):", f"        return {verb!r}"]
    switched_off = draw(st.sampled_from([None, *VERBS]))
    if switched_off and switched_off not in handlers:
        lines.append(f"    {switched_off} = None")
    lines.append("    pass")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("implementation", ["viewlib", "flask.views"])
@settings(max_examples=examples(300))
@given(body=method_views())
def test_generated_views_a_finding_exactly_when_a_request_fails(
    body: str, implementation: str
) -> None:
    """CBV105, CBV106 or CBV111 is reported iff a routed method answers 500."""
    source = (
        PRELUDE + body + 'app.add_url_rule("/", view_func=Generated.as_view("g"))\n'
    )
    reported = {f.code for f in check_source(source)} & {"CBV105", "CBV106", "CBV111"}
    symptom = (
        "[m for m in sorted(next(app.url_map.iter_rules('g')).methods)"
        " if client.open('/', method=m).status_code == 500]"
    )
    failing = observe(source, symptom, implementation)
    assert isinstance(failing, list), failing
    assert bool(reported) == bool(failing), (reported, failing, body)


def test_every_rule_names_its_code_form() -> None:
    for code in RULES:
        assert re.fullmatch(r"[A-Z]{1,3}[0-9]+", code)


#: Where a generated view keeps the name it read from the request, as code:
#: how to store it, and how to read it back once another request stored its own.
STORAGE = {
    "an attribute of self": ("self.name = {value}", "self.name"),
    "a local variable": ("name = {value}", "name"),
    "flask.g": ("g.name = {value}", "g.name"),
    "a list on the class": ("self.names.append({value})", "self.names[-1]"),
}
#: Two requests at once, from two threads (as a threaded server sends them);
#: each handler waits at the barrier until both have stored their name, so
#: the two interleave in every run. Returns how many got the other's name.
TWO_AT_ONCE = """
import threading

def wrong_answers():
    answers = {}

    def ask(name):
        answers[name] = app.test_client().get("/", query_string={"name": name}).text

    threads = [threading.Thread(target=ask, args=(n,)) for n in ("ada", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return sum(asked != got for asked, got in answers.items())
"""


@st.composite
def stateful_views(draw: st.DrawFn) -> str:
    """A View that stores the request's name somewhere, shared instance or not."""
    store, read = STORAGE[draw(st.sampled_from(sorted(STORAGE)))]
    shared = draw(st.booleans())
    lines = [
        "from flask import g",
        "both_stored = threading.Barrier(2, timeout=5)",
        "class Greet(View):",
        f"    init_every_request = {shared}",
        "    names = []",
        "    def dispatch_request(self):",
        "        " + store.format(value='request.args["name"]'),
        "        both_stored.wait()",
        f"        return {read}",
        "app.add_url_rule('/', view_func=Greet.as_view('greet'))",
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("implementation", ["viewlib", "flask.views"])
@settings(max_examples=examples(100))
@given(body=stateful_views())
def test_generated_views_state_findings_exactly_when_requests_mix(
    body: str, implementation: str
) -> None:
    """CBV101 or CBV102 is reported iff one of two requests gets the other's data."""
    source = PRELUDE + TWO_AT_ONCE + body
    reported = {f.code for f in check_source(source)} & {"CBV101", "CBV102"}
    wrong = observe(source, "wrong_answers()", implementation)
    assert wrong in (0, 1), wrong
    assert bool(reported) == (wrong == 1), (reported, wrong, body)


def test_a_lattice_of_diamonds_is_checked_in_steps_proportional_to_its_size() -> None:
    """Hostile input for the page's panel: 30 levels of diamonds, 2**30 paths."""
    lines = ["class L0(MethodView):", "    pass"]
    for level in range(1, 31):
        below = f"L{level - 1}"
        lines += [f"class L{level}a({below}):", "    pass"]
        lines += [f"class L{level}({below}, L{level}a):", "    pass"]
    lines.append('app.add_url_rule("/", view_func=L30.as_view("l"))')
    found = check_source(PRELUDE + "\n".join(lines) + "\n")
    assert [f.code for f in found] == ["CBV111"]


def test_a_chain_of_thousands_of_subclasses_is_bounded_work() -> None:
    lines = ["class C0(View):", "    pass"]
    lines += [f"class C{n}(C{n - 1}):\n    pass" for n in range(1, 3000)]
    source = PRELUDE + "\n".join(lines) + "\n"
    found = check_source(source)  # past MAX_BASES classes, bases count as unknown
    assert found == []
