"""Chapter 13 quotes the benchmark's committed figures, and no others.

The benchmark (``python -m nox -s bench``, bench/) writes
chapters/data/bench.json and draws chapters/images/bench.svg from it. The
chapter prints its tables from that file in executed examples, which sybil
checks; its prose quotes some figures by hand, which these tests check: a
time ("3.4 µs"), a ratio ("0.43 times", or a bare "0.43"), a percentage ("7%"),
the numbers of rounds and cases and the run's seconds, each written the way
bench/report.py prints it. Besides the file's own figures, the prose
may quote the two that report.py derives from its medians (what sharing an
instance saved, and a class's share of a request), which the chapter also
computes in executed examples.

That check alone would pass if two figures swapped places (viewlib's for
flask.views'), so QUOTES ties each figure to its case: every quote on the page
is listed with the words around it and a function that reads the figure from
the file, and no figure on the page may be left without an entry.

After a new run of the benchmark, a failure here names each figure in the
prose that the new file no longer gives.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from bench import report

ROOT = Path(__file__).parent.parent
CHAPTER = ROOT / "chapters" / "13-cost.md"
#: A number, and what it counts if the text says: "times" marks a ratio.
FIGURE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)(\s?µs|\s?%|\s(?:times|rounds|cases|seconds)\b)?"
)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return report.load()


def prose(markdown: str) -> str:
    """The page without its code blocks, inline code, directive options and comments.

    MyST comments (``% skip: ...`` markers) are not shown to readers.
    """
    text = re.sub(r"^(`{3,}).*?^\1\s*$", "", markdown, flags=re.M | re.S)
    text = re.sub(r"^%.*$", "", text, flags=re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    return re.sub(r"^:\w[\w-]*:.*$", "", text, flags=re.M)


def quotable(data: dict[str, Any]) -> dict[str, set[str]]:
    """Every figure the prose may quote, by unit, formatted as in the tables."""
    cases = data["cases"].values()
    times = {report.us(c[k]) for c in cases for k in ("median_us", "q1_us", "q3_us")}
    times |= {report.us(c["q3_us"] - c["q1_us"]) for c in cases}
    ratios = [r for group in data["ratios"].values() for r in group.values()]
    medians = [r["median"] for r in ratios]
    # "0.4%" of a request, or "7%" more or less than another case.
    percents = {report.percent(m) for m in medians}
    percents |= {report.percent(abs(m - 1)) for m in medians}
    # Figures the chapter derives from the medians with report's functions.
    views, implementations = ("View", "MethodView"), report.IMPLEMENTATIONS
    percents |= {
        report.percent(report.class_share(data, view, implementation))
        for view in views
        for implementation in implementations
    }
    times |= {
        report.us(report.saved_by_sharing(data, layer, view, cost, implementation))
        for layer in ("dispatch", "request")
        for view in views
        for cost in ("trivial", "expensive")
        for implementation in implementations
    }
    return {
        "µs": times,
        "times": {report.ratio(r[k]) for r in ratios for k in ("median", "q1", "q3")},
        "%": percents,
        "rounds": {str(data["method"]["rounds"])},
        "cases": {str(len(data["cases"]))},
        "seconds": {f"{data['runtime_s']:.0f}"},
    }


def quoted(markdown: str) -> list[tuple[str, str]]:
    """(number, unit) for every figure in the prose.

    A number with a unit is a figure; so is a bare decimal such as 0.94 (a
    ratio). A bare whole number ("chapter 2", "near 1") is not.
    """
    figures = []
    for number, unit in FIGURE.findall(prose(markdown)):
        if unit:
            figures.append((number, unit.strip()))
        elif "." in number:
            figures.append((number, "times"))
    return figures


def test_the_prose_quotes_the_committed_figures(data: dict[str, Any]) -> None:
    figures = quoted(CHAPTER.read_text(encoding="utf-8"))
    allowed = quotable(data)
    stale = [
        f"{number} {unit}" for number, unit in figures if number not in allowed[unit]
    ]
    assert not stale, f"not in {report.JSON_FILE.name}: {stale}"
    # The check is only as good as the pattern: it must find the quotes.
    assert len(figures) >= 15, figures


def test_quoted_finds_figures_in_prose_only() -> None:
    page = "Chapter 2: 3.4 µs, 0.43 times, 7%, 0.9; 41 rounds.\n```\n9.9 µs\n```\n`1`"
    assert quoted(page) == [
        ("3.4", "µs"),
        ("0.43", "times"),
        ("7", "%"),
        ("0.9", "times"),
        ("41", "rounds"),
    ]


def test_the_plot_is_drawn_from_the_committed_file(data: dict[str, Any]) -> None:
    assert report.SVG_FILE.read_text(encoding="utf-8") == report.svg(data)


def test_the_chapter_shows_the_plot_and_the_tables() -> None:
    text = CHAPTER.read_text(encoding="utf-8")
    assert "(images/bench.svg)" in text
    assert "print(report.table(results))" in text


def test_the_file_names_its_machine_versions_and_method(data: dict[str, Any]) -> None:
    assert {"platform", "cpu_count"} <= set(data["machine"])
    assert {"python", "flask", "werkzeug"} <= set(data["versions"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["date"])
    rounds = data["method"]["rounds"]
    assert all(len(c["samples_us"]) == rounds for c in data["cases"].values())


def test_viewlib_is_not_shown_slower_than_flask_views_in_any_case(
    data: dict[str, Any],
) -> None:
    """Shown slower means: in more than three rounds out of four (first quartile > 1).

    A median of 1 or more is not "shown slower"; the chapter lists those.
    """
    compared = data["ratios"]["viewlib/flask"]
    assert len(compared) == 25
    assert [key for key, r in compared.items() if r["q1"] > 1] == []


# --- Each quoted figure, tied to the case it comes from -----------------------

Figure = Callable[[dict[str, Any]], str]


def median(case_id: str) -> Figure:
    """A case's median in µs, as the tables print it."""
    return lambda data: report.us(data["cases"][case_id]["median_us"])


def ratio(group: str, key: str, quartile: str = "median") -> Figure:
    """A round-by-round ratio (or one of its quartiles), as the tables print it."""
    return lambda data: report.ratio(data["ratios"][group][key][quartile])


def more_than_1(group: str, key: str) -> Figure:
    """A median ratio's excess over 1 as a percentage: 1.09 -> "9"."""
    return lambda data: report.percent(data["ratios"][group][key]["median"] - 1)


def share(key: str) -> Figure:
    """A dispatch's median share of the bookshelf's GET, as a percentage."""
    return lambda data: report.percent(
        data["ratios"]["dispatch/bookshelf"][key]["median"]
    )


def extreme(
    pick: Callable[[list[float]], float],
    values: Callable[[dict[str, Any]], list[float]],
    show: Callable[[float], str],
) -> Figure:
    """The least or the greatest of several figures, shown as the page shows it."""
    return lambda data: show(pick(values(data)))


def class_over_function(data: dict[str, Any]) -> list[float]:
    """The class/function dispatch medians with a sync handler."""
    found = data["ratios"]["class/function"]
    return [
        r["median"]
        for k, r in found.items()
        if k.startswith("dispatch/") and "/sync/" in k
    ]


def saved_empty_init(data: dict[str, Any]) -> list[float]:
    """What a shared instance saved at the dispatch, with an empty __init__."""
    return [
        report.saved_by_sharing(data, "dispatch", view, "trivial", implementation)
        for view in ("View", "MethodView")
        for implementation in report.IMPLEMENTATIONS
    ]


MV, V = "MethodView", "View"
VF = "viewlib/flask"
#: (words of the page around the figures, one function per "{}" giving it).
QUOTES: list[tuple[str, tuple[Figure, ...]]] = [
    ("timed many times over, in {} rounds;", (lambda d: str(d["method"]["rounds"]),)),
    ("a single Python call: {} µs.", (median("dispatch/function/sync"),)),
    (
        "coroutine function: {} µs on viewlib, {} µs on flask.views.",
        (
            median(f"dispatch/{V}/per-request/trivial/sync/viewlib"),
            median(f"dispatch/{V}/per-request/trivial/sync/flask.views"),
        ),
    ),
    (
        "a second time: {} µs on viewlib, {} µs on flask.views.",
        (
            median(f"dispatch/{MV}/per-request/trivial/sync/viewlib"),
            median(f"dispatch/{MV}/per-request/trivial/sync/flask.views"),
        ),
    ),
    (
        "a class costs {} to {} times as much as a function",
        (
            extreme(min, class_over_function, report.ratio),
            extreme(max, class_over_function, report.ratio),
        ),
    ),
    (
        "A whole request to the function view takes {} µs:",
        (median("request/function/sync"),),
    ),
    (
        "took {} times as long as the function view's with viewlib,"
        " and {} times with flask.views",
        (
            ratio("class/function", f"request/{MV}/per-request/trivial/sync/viewlib"),
            ratio(
                "class/function", f"request/{MV}/per-request/trivial/sync/flask.views"
            ),
        ),
    ),
    (
        "less than those {}% and {}%:",
        (
            more_than_1(
                "class/function", f"request/{MV}/per-request/trivial/sync/viewlib"
            ),
            more_than_1(
                "class/function", f"request/{MV}/per-request/trivial/sync/flask.views"
            ),
        ),
    ),
    (
        "from {} to {} with viewlib and from {} to {} with flask.views, a spread",
        tuple(
            ratio("class/function", f"request/{MV}/per-request/trivial/sync/{i}", q)
            for i in ("viewlib", "flask.views")
            for q in ("q1", "q3")
        ),
    ),
    (
        "closes the connection: {} µs with viewlib, {} µs with flask.views.",
        (
            median(f"bookshelf/{MV}/shared/trivial/sync/viewlib"),
            median(f"bookshelf/{MV}/shared/trivial/sync/flask.views"),
        ),
    ),
    (
        "two dispatches do ({} µs against {} µs for this shared MethodView)",
        (
            median(f"dispatch/{MV}/shared/trivial/sync/flask.views"),
            median(f"dispatch/{MV}/shared/trivial/sync/viewlib"),
        ),
    ),
    (
        "the round-by-round ratio, {}, has quartiles from {} to {},",
        tuple(
            ratio(VF, f"bookshelf/{MV}/shared/trivial/sync", q)
            for q in ("median", "q1", "q3")
        ),
    ),
    (
        "whole dispatch is {}% of one small query's request with viewlib"
        " and {}% with flask.views.",
        (
            share(f"dispatch/{MV}/per-request/trivial/sync/viewlib"),
            share(f"dispatch/{MV}/per-request/trivial/sync/flask.views"),
        ),
    ),
    ("does nothing took {} µs on its own", (median("part/trivial __init__"),)),
    (
        "only for viewlib's View (quartiles from {} to {});",
        tuple(
            ratio("shared/per-request", f"dispatch/{V}/trivial/sync/viewlib", q)
            for q in ("q1", "q3")
        ),
    ),
    (
        "its ratio is {} for viewlib's MethodView, with quartiles from {} to {}.",
        tuple(
            ratio("shared/per-request", f"request/{MV}/trivial/sync/viewlib", q)
            for q in ("median", "q1", "q3")
        ),
    ),
    ("patterns and schema together, took {} µs.", (median("part/expensive __init__"),)),
    (
        "With viewlib, a whole request to the MethodView took {} µs with an instance"
        " per request and {} µs with a shared one; round by round, the shared one took"
        " {} times as long.",
        (
            median(f"request/{MV}/per-request/expensive/sync/viewlib"),
            median(f"request/{MV}/shared/expensive/sync/viewlib"),
            ratio("shared/per-request", f"request/{MV}/expensive/sync/viewlib"),
        ),
    ),
    (
        "sharing saved about twice the {} µs that the __init__ took",
        (median("part/expensive __init__"),),
    ),
    (
        "request.method took {} µs, but fetching the request object and reading .method"
        " from it took {} µs; current_app.ensure_sync took {} µs, the app object and"
        " then .ensure_sync {} µs.",
        tuple(
            median(f"part/{name}")
            for name in (
                "request.method",
                "request object, then .method",
                "current_app.ensure_sync",
                "app object, then .ensure_sync",
            )
        ),
    ),
    (
        "the coroutine check, took {} µs per call.",
        (median("part/ensure_sync(handler)"),),
    ),
    (
        "dispatch of a MethodView took {} times Flask's, its View {} times.",
        (
            ratio(VF, f"dispatch/{MV}/per-request/trivial/sync"),
            ratio(VF, f"dispatch/{V}/per-request/trivial/sync"),
        ),
    ),
    (
        "function view's dispatch took {} µs, against {} µs for the sync one;",
        (median("dispatch/function/async"), median("dispatch/function/sync")),
    ),
    (
        "it times {} cases in {} rounds,",
        (lambda d: str(len(d["cases"])), lambda d: str(d["method"]["rounds"])),
    ),
    ("It took {} seconds on the machine", (lambda d: f"{d['runtime_s']:.0f}",)),
    (
        "A whole trivial request took {} µs, and one with a database query {} µs with"
        " viewlib, {} µs with flask.views.",
        (
            median("request/function/sync"),
            median(f"bookshelf/{MV}/shared/trivial/sync/viewlib"),
            median(f"bookshelf/{MV}/shared/trivial/sync/flask.views"),
        ),
    ),
    (
        "the dispatch medians differ by {} µs to {} µs,",
        (
            extreme(min, saved_empty_init, report.us),
            extreme(max, saved_empty_init, report.us),
        ),
    ),
]


def reading(markdown: str) -> str:
    """The page's prose on one line: no code blocks or comments; inline code bare."""
    text = re.sub(r"^(`{3,}).*?^\1\s*$", "", markdown, flags=re.M | re.S)
    text = re.sub(r"^%.*$", "", text, flags=re.M)
    text = re.sub(r"^:\w[\w-]*:.*$", "", text, flags=re.M)
    text = re.sub(r"`([^`\n]*)`", r"\1", text)
    return " ".join(text.split())


def test_each_quoted_figure_is_the_one_its_case_gives(data: dict[str, Any]) -> None:
    """Each quote, filled in from its cases, is on the page; no figure is left over.

    Swapping two figures (viewlib's for flask.views', a median for a quartile)
    fails here, where a check that each number is somewhere in the file passes.
    """
    text = reading(CHAPTER.read_text(encoding="utf-8"))
    missing = []
    for words, figures in QUOTES:
        quote = words.format(*(figure(data) for figure in figures))
        if quote in text:
            text = text.replace(quote, " ")
        else:
            missing.append(quote)
    assert not missing, "not on the page with these figures: " + "; ".join(missing)
    leftover = quoted(text)
    assert leftover == [], f"figures with no entry in QUOTES: {leftover}"


# --- What the prose says about the figures, beyond quoting them ---------------


def spread(case: dict[str, Any]) -> float:
    """A case's IQR as a share of its median."""
    return float((case["q3_us"] - case["q1_us"]) / case["median_us"])


def takes_in_1(r: dict[str, float]) -> bool:
    return r["q1"] <= 1 <= r["q3"]


def test_the_async_rows_are_wider_than_any_sync_row(data: dict[str, Any]) -> None:
    """ "The async rows are wide by nature ... a sample holds only a call or two."""
    cases = data["cases"].values()
    async_rows = [c for c in cases if c["handler"] == "async"]
    sync_rows = [c for c in cases if c["handler"] != "async"]
    assert len(async_rows) == 18
    assert min(map(spread, async_rows)) > 2 * max(map(spread, sync_rows))
    # A sample lasts about target_ms; one async call takes about as long.
    sample_us = data["method"]["target_ms"] * 1000
    assert all(0.5 < c["median_us"] / sample_us < 1.5 for c in async_rows)


def test_where_viewlib_flask_ratios_take_in_1(data: dict[str, Any]) -> None:
    """Whole requests, async handlers, an expensive __init__ built per request and
    the bookshelf take in 1; every other row (a sync dispatch) is below 1."""
    drowned = {
        key
        for key in data["ratios"][VF]
        if key.startswith(("request/", "bookshelf/"))
        or key.endswith("/async")
        or "/per-request/expensive/" in key
    }
    for key, r in data["ratios"][VF].items():
        assert takes_in_1(r) if key in drowned else r["q3"] < 1, key
    assert len(drowned) == 19


def test_sharing_an_empty_init(data: dict[str, Any]) -> None:
    """With an empty __init__, the dispatch medians differ by two to three times
    the __init__ alone; round by round only viewlib's View shows it, and no
    whole request does."""
    # As the page shows them: 0.28 µs to 0.36 µs against 0.12 µs.
    init = float(report.us(data["cases"]["part/trivial __init__"]["median_us"]))
    shown = [float(report.us(saved)) for saved in saved_empty_init(data)]
    assert all(2 <= saved / init <= 3 for saved in shown)
    found = data["ratios"]["shared/per-request"]
    for layer in ("dispatch", "request"):
        for view in (V, MV):
            for implementation in report.IMPLEMENTATIONS:
                r = found[f"{layer}/{view}/trivial/sync/{implementation}"]
                shows = (layer, view, implementation) == ("dispatch", V, "viewlib")
                assert r["q3"] < 1 if shows else takes_in_1(r)


def test_sharing_an_expensive_init_in_a_whole_request(data: dict[str, Any]) -> None:
    """ "sharing saved about twice the 49 µs that the __init__ took" alone."""
    init = data["cases"]["part/expensive __init__"]["median_us"]
    saved = report.saved_by_sharing(data, "request", MV, "expensive", "viewlib")
    assert 1.8 < saved / init < 2.2


def test_the_class_share_is_less_than_the_class_function_excess(
    data: dict[str, Any],
) -> None:
    """ "The class's dispatch accounts for less than those 9% and 14%"."""
    for implementation in report.IMPLEMENTATIONS:
        key = f"request/{MV}/per-request/trivial/sync/{implementation}"
        excess = data["ratios"]["class/function"][key]["median"] - 1
        assert report.class_share(data, MV, implementation) < excess


def test_flask_proxies_take_half_or_more_of_a_dispatch(data: dict[str, Any]) -> None:
    """With flask.views, about half of a View's dispatch and more than half of a
    MethodView's go to reading attributes through proxies (the "part" rows):
    one current_app.ensure_sync for a View; request.method and two
    current_app.ensure_sync for a MethodView's GET."""
    cases = data["cases"]
    method = cases["part/request.method"]["median_us"]
    ensure_sync = cases["part/current_app.ensure_sync"]["median_us"]
    view = cases[f"dispatch/{V}/per-request/trivial/sync/flask.views"]["median_us"]
    method_view = cases[f"dispatch/{MV}/per-request/trivial/sync/flask.views"]
    assert 0.4 < ensure_sync / view < 0.6
    assert (method + 2 * ensure_sync) / method_view["median_us"] > 0.5


def test_a_marshmallow_schema_deep_copies_its_declared_fields() -> None:
    """Chapter 13: Schema.__init__ "makes the copies with copy.deepcopy"."""
    import inspect

    import marshmallow

    source = inspect.getsource(marshmallow.Schema.__init__)
    assert "copy.deepcopy(self._declared_fields)" in source


def test_viewlib_dispatch_calls_a_helper_flask_views_does_not_have() -> None:
    """Chapter 13: viewlib's dispatch calls _call_maybe_async, which Flask's
    classes do not have; the measured ratios include that call."""
    import inspect

    import flask.views

    import viewlib.views

    assert not hasattr(flask.views, "_call_maybe_async")
    for function in (
        viewlib.views.View.as_view,
        viewlib.views.MethodView.dispatch_request,
    ):
        assert "return _call_maybe_async(" in inspect.getsource(function)
