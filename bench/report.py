"""Tables and the plot, made from the benchmark's JSON file and nothing else.

The benchmark prints them at the end of a run; chapter 13 prints the same
tables from the committed file, and ``tests/test_bench_figures.py`` checks
that the committed plot is the one this module draws from it.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent
JSON_FILE = ROOT / "chapters" / "data" / "bench.json"
SVG_FILE = ROOT / "chapters" / "images" / "bench.svg"
IMPLEMENTATIONS = ("flask.views", "viewlib")
SECTIONS = {
    "dispatch": "dispatch: the view function, in a pushed request context",
    "request": "request: a whole request through app.wsgi_app",
    "bookshelf": "bookshelf: GET /books/1 from chapter 12's app (SQLite)",
    "part": "part: one step of a dispatch",
}


def load(path: Path = JSON_FILE) -> dict[str, Any]:
    """The benchmark's results: by default, the committed file."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def us(value: float) -> str:
    """Microseconds to two significant figures or so: 0.034, 0.45, 2.3, 41, 512."""
    if value >= 10:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}"
    if value >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def ratio(value: float) -> str:
    """A ratio: 0.45, 1.02, or 75 once it is 10 or more."""
    return f"{value:.0f}" if value >= 10 else f"{value:.2f}"


def percent(value: float) -> str:
    """A ratio as a percentage, without the sign: 0.4, 7, 35."""
    share = value * 100
    return f"{share:.1f}" if share < 1 else f"{share:.0f}"


def saved_by_sharing(
    data: dict[str, Any], layer: str, view: str, init_cost: str, implementation: str
) -> float:
    """µs a shared instance saved: the per-request median minus the shared one.

    For a sync handler; *init_cost* is ``"trivial"`` or ``"expensive"``.
    """
    cases = data["cases"]
    per_request, shared = (
        cases[f"{layer}/{view}/{init}/{init_cost}/sync/{implementation}"]["median_us"]
        for init in ("per-request", "shared")
    )
    return float(per_request - shared)


def class_share(data: dict[str, Any], view: str, implementation: str) -> float:
    """What a class adds to a function's dispatch, as a share of its whole request.

    The class's per-request sync dispatch median minus the function view's,
    divided by the function view's whole-request median.
    """
    cases = data["cases"]
    dispatch = cases[f"dispatch/{view}/per-request/trivial/sync/{implementation}"]
    extra = dispatch["median_us"] - cases["dispatch/function/sync"]["median_us"]
    return float(extra / cases["request/function/sync"]["median_us"])


def label(case: dict[str, Any]) -> str:
    """A row's name: what the case is, without its implementation."""
    if case["layer"] == "part":
        return str(case["view"])
    if case["layer"] == "bookshelf":
        return "GET one book (MethodView, shared)"
    words = [case["view"]]
    if case["init"]:
        words.append(case["init"].replace("-", " "))
    if case["init_cost"] == "expensive":
        words.append("expensive init")
    if case["handler"] == "async":
        words.append("async")
    return ", ".join(words)


def rows(data: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Cases grouped into rows, section by section.

    Each row key (a case id without its implementation) maps each
    implementation ("" for none) to its case.
    """
    grouped: dict[str, dict[str, dict[str, Any]]] = {}
    for section in SECTIONS:
        for case_id, case in data["cases"].items():
            if case["layer"] == section:
                key = case_id.removesuffix("/" + case["implementation"])
                grouped.setdefault(key, {})[case["implementation"] or ""] = case
    return grouped


def table(data: dict[str, Any]) -> str:
    """Every case: median (IQR) in microseconds, and viewlib/flask."""
    heading = "µs per call: median (IQR)"
    lines = [f"{heading:42}{'flask.views':>13}{'viewlib':>13}{'viewlib/flask':>14}"]
    section = ""
    for key, by_implementation in rows(data).items():
        first = next(iter(by_implementation.values()))
        if first["layer"] != section:
            section = first["layer"]
            lines.append(SECTIONS[section])
        cells = []
        for case in by_implementation.values():
            spread = case["q3_us"] - case["q1_us"]
            cells.append(f"{us(case['median_us'])} ({us(spread)})")
        name = f"  {label(first)}"
        if len(cells) == 1:  # no class in it: one figure, between the columns
            lines.append(f"{name:42}{cells[0]:>20}")
            continue
        compared = ratio(data["ratios"]["viewlib/flask"][key]["median"])
        lines.append(f"{name:42}{cells[0]:>13}{cells[1]:>13}{compared:>14}")
    return "\n".join(lines)


def ratio_table(data: dict[str, Any], group: str) -> str:
    """One group of ratios, round by round: median (first-third quartile)."""
    found = data["ratios"][group]
    by_row: dict[str, dict[str, str]] = {}
    for key, value in found.items():
        if group == "viewlib/flask":
            row, column = key, "slower" if value["slower"] else "not shown slower"
        else:
            row, column = key.rsplit("/", 1)
        by_row.setdefault(row, {})[column] = _ratio_cell(group, value)
    if group == "viewlib/flask":
        lines = [f"{group + ': median (quartiles)':50}{'':>20}"]
        for row, cells in by_row.items():
            [(verdict, cell)] = cells.items()
            lines.append(f"{_short(row):50}{cell:>20}  {verdict}")
        return "\n".join(lines)
    heading = f"{group}: median (quartiles)"
    lines = [f"{heading:50}{'flask.views':>20}{'viewlib':>20}"]
    for row, cells in by_row.items():
        values = (cells.get(c, "") for c in IMPLEMENTATIONS)
        lines.append(f"{_short(row):50}" + "".join(f"{v:>20}" for v in values))
    return "\n".join(lines)


def _ratio_cell(group: str, value: dict[str, float]) -> str:
    """'0.43 (0.25-0.61)'; in percent for a dispatch's share of a bookshelf GET."""
    if group == "dispatch/bookshelf":
        low, median, high = (percent(value[q]) + "%" for q in ("q1", "median", "q3"))
    else:
        low, median, high = (ratio(value[q]) for q in ("q1", "median", "q3"))
    return f"{median} ({low}-{high})"


def _short(row: str) -> str:
    """'request/View/per-request/trivial/sync' -> 'request   View, per request'."""
    layer, *words = row.split("/")
    kept = [w.replace("-", " ") for w in words if w not in ("trivial", "sync")]
    named = ["expensive init" if w == "expensive" else w for w in kept]
    return f"{layer:10}" + ", ".join(named)


# --- The plot -----------------------------------------------------------------

COLOURS = {"flask.views": "#1f6fb4", "viewlib": "#d9730d", "": "#555555"}
LEFT, RIGHT, TOP, ROW, GAP = 290, 40, 64, 22, 30
WIDTH = 880


def svg(data: dict[str, Any]) -> str:
    """A dot plot of every case on a logarithmic scale, as an SVG document.

    Each dot is a median; the line through it spans the middle half of the
    samples (the IQR). Plain SVG text, so that the plot needs no plotting
    library and a rerun of the benchmark redraws it exactly.
    """
    grouped = rows(data)
    cases = [c for by in grouped.values() for c in by.values()]
    low = 10 ** math.floor(math.log10(min(c["q1_us"] for c in cases)))
    high = 10 ** math.ceil(math.log10(max(c["q3_us"] for c in cases)))

    def x(value: float) -> float:
        share = (math.log10(value) - math.log10(low)) / (
            math.log10(high) - math.log10(low)
        )
        return LEFT + share * (WIDTH - LEFT - RIGHT)

    body: list[str] = []
    bands: list[str] = []
    y = TOP
    section = ""
    for index, by_implementation in enumerate(grouped.values()):
        first = next(iter(by_implementation.values()))
        if first["layer"] != section:
            section = first["layer"]
            y += GAP if body else 8
            body.append(_text(8, y, SECTIONS[section], weight="bold"))
            y += ROW
        if index % 2:  # every other row shaded, to guide the eye
            bands.append(
                f'<rect x="0" y="{y - ROW / 2}" width="{WIDTH}" height="{ROW}" '
                f'fill="#f3f3f3"/>'
            )
        body.append(_text(LEFT - 8, y + 4, label(first), anchor="end"))
        offsets = [-4, 4] if len(by_implementation) == 2 else [0]
        for offset, (implementation, case) in zip(offsets, by_implementation.items()):
            colour = COLOURS[implementation]
            line_y = y + offset
            body.append(
                f'<line x1="{x(case["q1_us"]):.1f}" x2="{x(case["q3_us"]):.1f}" '
                f'y1="{line_y}" y2="{line_y}" stroke="{colour}" stroke-width="2"/>'
            )
            body.append(
                f'<circle cx="{x(case["median_us"]):.1f}" cy="{line_y}" r="3.5" '
                f'fill="{colour}"><title>{escape(implementation or "Flask")}: '
                f"{us(case['median_us'])} µs</title></circle>"
            )
        y += ROW
    bottom = y
    axis: list[str] = []
    decade = low
    while decade <= high:
        position = x(decade)
        axis.append(
            f'<line x1="{position:.1f}" x2="{position:.1f}" y1="{TOP - 16}" '
            f'y2="{bottom}" stroke="#dddddd"/>'
        )
        axis.append(_text(position, bottom + 16, f"{decade:g} µs", anchor="middle"))
        decade *= 10
    height = bottom + 30
    legend = [
        _text(
            8,
            20,
            "µs per call, logarithmic scale: dot = median, line = IQR",
            weight="bold",
        ),
        f'<circle cx="{LEFT + 6}" cy="36" r="4" fill="{COLOURS["flask.views"]}"/>',
        _text(LEFT + 14, 40, "flask.views"),
        f'<circle cx="{LEFT + 116}" cy="36" r="4" fill="{COLOURS["viewlib"]}"/>',
        _text(LEFT + 124, 40, "viewlib"),
        f'<circle cx="{LEFT + 206}" cy="36" r="4" fill="{COLOURS[""]}"/>',
        _text(LEFT + 214, 40, "no class (function view, or Flask alone)"),
    ]
    title = (
        f"What a class-based view costs: {data['date']}, Python "
        f"{data['versions']['python']}, Flask {data['versions']['flask']}"
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'font-family="sans-serif" font-size="12" role="img">',
            f"<title>{escape(title)}</title>",
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
            *bands,
            *axis,
            *legend,
            *body,
            "</svg>",
            "",
        ]
    )


def _text(
    x: float, y: float, words: str, anchor: str = "start", weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="#222222">{escape(words)}</text>'
    )
