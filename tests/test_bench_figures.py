"""Chapter 13 quotes the benchmark's committed figures, and no others.

The benchmark (``python -m nox -s bench``, tests/bench) writes
chapters/data/bench.json and draws chapters/images/bench.svg from it. The
chapter prints its tables from that file in executed examples, which sybil
checks; its prose quotes some figures by hand, which these tests check: a
time ("3.4 µs"), a ratio ("0.43 times", or a bare "0.43"), a percentage ("7%"),
the numbers of rounds and cases and the run's seconds, each written the way
tests/bench/report.py prints it. Besides the file's own figures, the prose
may quote the two that report.py derives from its medians (what sharing an
instance saved, and a class's share of a request), which the chapter also
computes in executed examples.

After a new run of the benchmark, a failure here names each figure in the
prose that the new file no longer gives.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.bench import report

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
