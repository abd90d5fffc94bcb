# SPDX-License-Identifier: MIT
"""Write versions.md, the site's table of the last matrix run, from its reports.

noxfile.py's ``matrix_report`` session calls :func:`write` after the cells
ran (``python -m nox -s matrix matrix_oldest matrix_report``). Each cell's
folder in ``_build/matrix/`` holds its JUnit reports (a cell's figures add
them up: its runs test different things) and, for an oldest-dependencies
cell, the versions it pinned.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from matrix.cell import (
    FLASK_SERIES,
    LEFT_OUT,
    MATRIX_PYTHONS,
    OLDEST_PYTHONS,
    PAGES_PYTHON,
    REPORTS,
)

#: A cell's folder: session, Python and Flask series.
CELL = re.compile(r"(matrix|matrix_oldest)-([\d.]+)\(flask=([\d.]+)\)")
Cell = tuple[str, str, str]  # (session, python, flask)


def counts(folder: Path, skips: dict[str, set[Cell]], cell: Cell) -> tuple[int, ...]:
    """(passed, skipped, failed) over the cell's reports; collects skip reasons."""
    passed = skipped = failed = 0
    for report in folder.glob("*.xml"):
        for suite in ET.parse(report).getroot().iter("testsuite"):
            skip, total = int(suite.get("skipped", 0)), int(suite.get("tests", 0))
            fail = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            passed, skipped = passed + total - skip - fail, skipped + skip
            failed += fail
            for case in suite.iter("skipped"):
                skips.setdefault(case.get("message", "no reason"), set()).add(cell)
    return passed, skipped, failed


def pinned(folder: Path, name: str) -> str:
    """The versions an oldest-dependencies cell pinned, as one line."""
    path = folder / name
    if not path.is_file():
        return ""
    return ", ".join(path.read_text(encoding="utf-8").split())


ROW = re.compile(r"\| Python ([\d.]+)(, oldest dependencies)? \| (.*) \|")
#: A skip reason's line: the reason, then where, for each session it skipped in.
REASON = re.compile(
    r"- (.*) \((?:Flask ([\d., ]+); Python ([\d., ]+))?(?:; )?"
    r"(?:oldest dependencies: Flask ([\d., ]+); Python ([\d., ]+))?\)"
)


def where_skipped(cells: set[Cell]) -> str:
    """The Flask series and Pythons of these cells, session by session."""
    parts = []
    for session, label in (("matrix", ""), ("matrix_oldest", "oldest dependencies: ")):
        mine = {c for c in cells if c[0] == session}
        if mine:
            flasks = ", ".join(f for f in FLASK_SERIES if any(c[2] == f for c in mine))
            pythons = ", ".join(
                p for p in MATRIX_PYTHONS if any(c[1] == p for c in mine)
            )
            parts.append(f"{label}Flask {flasks}; Python {pythons}")
    return "; ".join(parts)


VERSIONS = re.compile(r"- Python ([\d.]+), Flask ([\d.]+): .*")


def order(cell: Cell) -> tuple[int, ...]:
    """Sort cells by Python, then Flask, as numbers."""
    return tuple(int(n) for n in (*cell[1].split("."), *cell[2].split(".")))


def previous(
    page: Path,
) -> tuple[dict[Cell, str], dict[str, set[Cell]], dict[Cell, str]]:
    """What *page* says: each cell's figures, the skip reasons, the versions.

    A reason's cells come back as every cell of its Flask and Python lists
    that the page has figures for: the page keeps no more than that.
    """
    cells: dict[Cell, str] = {}
    versions: dict[Cell, str] = {}
    lines = page.read_text(encoding="utf-8").splitlines() if page.is_file() else []
    for line in lines:
        row = ROW.fullmatch(line)
        if row:
            session = "matrix_oldest" if row[2] else "matrix"
            for flask, text in zip(FLASK_SERIES, row[3].split(" | ")):
                if text != "not run":
                    cells[(session, row[1], flask)] = text
        found = VERSIONS.fullmatch(line)
        if found:
            versions[("matrix_oldest", found[1], found[2])] = line
    skips: dict[str, set[Cell]] = {}
    for line in lines:
        reason = REASON.fullmatch(line)
        if reason:
            skipping: set[Cell] = set()
            for session, flasks, pythons in (
                ("matrix", reason[2], reason[3]),
                ("matrix_oldest", reason[4], reason[5]),
            ):
                if flasks and pythons:
                    skipping |= {
                        c
                        for c in cells
                        if c[0] == session
                        and c[2] in flasks.split(", ")
                        and c[1] in pythons.split(", ")
                    }
            skips[reason[1]] = skipping
    return cells, skips, versions


def write(page: Path = Path("versions.md"), keep: bool = False) -> int:
    """Write *page* from the reports; return the number of cells reported.

    With *keep*, a cell with no report keeps what *page* said of it (its
    figures, skip reasons and versions): a partial rerun updates its cells.
    """
    cells: dict[Cell, str] = {}
    skips: dict[str, set[Cell]] = {}  # reason: cells it skips in
    versions: dict[Cell, str] = {}
    for folder in sorted(REPORTS.glob("matrix*")):
        match = CELL.fullmatch(folder.name)
        if not (match and folder.is_dir() and any(folder.glob("*.xml"))):
            continue  # not a cell's folder, or a cell that has not run yet
        cell: Cell = (match[1], match[2], match[3])
        cells[cell] = "{} passed, {} skipped, {} failed".format(
            *counts(folder, skips, cell)
        )
        if cell[0] == "matrix_oldest":
            first = pinned(folder, "oldest.txt")
            line = f"- Python {cell[1]}, Flask {cell[2]}: {first}"
            pages = pinned(folder, "oldest-pages.txt")
            if pages and pages != first:
                line += f"; with the tools, for the pages: {pages}"
            versions[cell] = line
    reported = len(cells)
    if keep:
        old_cells, old_skips, old_versions = previous(page)
        kept = set(old_cells) - set(cells)
        cells.update({c: old_cells[c] for c in kept})
        versions.update({c: v for c, v in old_versions.items() if c in kept})
        for reason, where in old_skips.items():
            skips.setdefault(reason, set()).update(where & kept)
    rows = []
    labelled = [("matrix", p, f"Python {p}") for p in MATRIX_PYTHONS]
    labelled += [
        ("matrix_oldest", p, f"Python {p}, oldest dependencies") for p in OLDEST_PYTHONS
    ]
    for session, python, label in labelled:
        row = [label]
        for flask in FLASK_SERIES:
            row.append(cells.get((session, python, flask), "not run"))
        rows.append("| " + " | ".join(row) + " |")
    reasons = []
    for reason, cells_skipping in sorted(skips.items()):
        if cells_skipping:
            reasons.append(f"- {reason} ({where_skipped(cells_skipping)})")
    series: dict[str, list[str]] = {}  # tool: the Flask series it is left out on
    for flask, tools in LEFT_OUT.items():
        for tool in tools:
            series.setdefault(tool, []).append(flask)
    left_out = "; ".join(f"{t} on Flask {', '.join(f)}" for t, f in series.items())
    header = "| Python | " + " | ".join(f"Flask {f}" for f in FLASK_SERIES) + " |"
    from compat.flask_next import keep_section

    page.write_text(
        keep_section(
            PAGE.format(
                date=datetime.date.today().isoformat(),
                first=".".join(map(str, PAGES_PYTHON)),
                oldest=" and ".join(OLDEST_PYTHONS),
                left_out=left_out,
                header=header,
                rule="|---" * (len(FLASK_SERIES) + 1) + "|",
                rows="\n".join(rows),
                versions="\n".join(versions[c] for c in sorted(versions, key=order))
                or "None run.",
                reasons="\n".join(reasons) or "None.",
            ),
            page,
        ),
        encoding="utf-8",
    )
    return reported


PAGE = """\
# Supported versions

<!-- Generated by `nox -s matrix matrix_oldest matrix_report`; do not edit. -->

viewlib supports Python 3.9 to 3.13 with Flask 2.2 to 3.1. Flask 2.2 needs
`werkzeug<3`; Flask 2.3 accepts Werkzeug 3, and the matrix tests it with
Werkzeug 2.3. The table shows the last run of each cell of the version
matrix (this page was written on {date}). On every cell it runs the
conformance suite (on viewlib and on `flask.views`), viewlib's docstring
examples, and each exercise's check on its reference solution. From
Python {first}, where `requirements.txt` installs, a cell also runs the
chapters, the other pages and every other test (the bookshelf's included;
property-based tests in their quick sample), with the tools of
`requirements.txt` but not its Flask pin, nor {left_out}.
On Python 3.12 and 3.13, Flask 2.2's own code raises `DeprecationWarning`s
(it calls `pkgutil.get_loader`, which for a name not yet imported calls
`pkgutil.find_loader`, and on 3.13 passes `re.split`'s `maxsplit` by
position); those cells let them pass, where the tests otherwise turn
warnings into errors. Python's warnings say both `pkgutil` functions are
slated for removal in 3.14; the matrix stops at 3.13.

The rows "oldest dependencies" (Python {oldest}) run the same with the
newest release of each Flask series and the oldest version of each of its
dependencies that the cell accepts: the highest lower bound that Flask and
the other installed packages put on it (`matrix/floors.py`). Where the
tools that the pages need ask for a newer version than Flask alone (Sphinx
needs Jinja2 3.1), the pages run with that one.

{header}
{rule}
{rows}

The versions the oldest-dependencies cells installed:

{versions}

Tests skipped, with the reason each gives (and the cells where it does):

{reasons}
"""
