"""The version matrix's helpers: the oldest dependencies, and versions.md's table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from matrix import cell, floors, report


@pytest.mark.parametrize(
    ("line", "oldest"),
    [
        ("Werkzeug>=2.2.2", "2.2.2"),
        ("asgiref>=3.2.8; extra == 'async'", "3.2.8"),
        ("flask~=2.2.0", "2.2.0"),
        ("click>=8.0,!=8.1.0", "8.0"),
        ("markupsafe==2.1.1", "2.1.1"),
        ("werkzeug<3", None),
        ("blinker", None),
        ("jinja2==3.*", None),
    ],
)
def test_the_lower_bound_of_a_requirement(line, oldest):
    bound = floors.lower_bound(Requirement(line))
    assert bound == (None if oldest is None else Version(oldest))


class FakeDistribution:
    def __init__(self, *requires: str) -> None:
        self.requires = list(requires)


def test_extras_and_markers_decide_which_requirements_apply():
    dist = FakeDistribution(
        "Werkzeug>=2.2.2",
        "asgiref>=3.2; extra == 'async'",
        "python-dotenv; extra == 'dotenv'",
        "importlib-metadata>=3.6.0; python_version < '3.0'",
    )
    names = [r.name for r in floors.requirements(dist, ("async",))]  # type: ignore[arg-type]
    assert names == ["Werkzeug", "asgiref"]
    assert [r.name for r in floors.requirements(dist)] == ["Werkzeug"]  # type: ignore[arg-type]


def test_the_floors_here_are_within_flasks_closure():
    found = floors.floors()
    assert {"werkzeug", "jinja2", "itsdangerous", "click"} <= set(found)
    assert "flask" not in found
    assert "pytest" not in found  # not something Flask needs


JUNIT = """<testsuites>
<testsuite tests="{tests}" skipped="{skipped}" failures="{failures}" errors="0">
<testcase name="a"><skipped message="needs Flask 3.1"/></testcase>
</testsuite></testsuites>"""


def test_the_report_adds_up_each_cells_runs_and_lists_the_oldest_versions(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(report, "REPORTS", tmp_path)
    newest = tmp_path / "matrix-3.9(flask=2.2)"
    oldest = tmp_path / "matrix_oldest-3.11(flask=2.2)"
    for folder in (newest, oldest):
        folder.mkdir()
        (folder / "one.xml").write_text(JUNIT.format(tests=10, skipped=1, failures=0))
        (folder / "two.xml").write_text(JUNIT.format(tests=5, skipped=1, failures=2))
    (oldest / "oldest.txt").write_text("flask==2.2.5\nwerkzeug==2.2.2\n")
    (oldest / "oldest-pages.txt").write_text(
        "flask==2.2.5\nwerkzeug==2.2.2\njinja2==3.1.2\n"
    )
    page = tmp_path / "versions.md"
    assert report.write(page) == 2
    text = page.read_text()
    assert "| Python 3.9 | 11 passed, 2 skipped, 2 failed | not run |" in text
    assert (
        "| Python 3.11, oldest dependencies | 11 passed, 2 skipped, 2 failed |" in text
    )
    assert (
        "- Python 3.11, Flask 2.2: flask==2.2.5, werkzeug==2.2.2; with the tools,"
        " for the pages: flask==2.2.5, werkzeug==2.2.2, jinja2==3.1.2"
    ) in text
    assert (
        "- needs Flask 3.1 (Flask 2.2; Python 3.9;"
        " oldest dependencies: Flask 2.2; Python 3.11)"
    ) in text
    assert len(text.splitlines()) > 20
    assert cell.OLDEST_PYTHONS == ["3.9", "3.11"]


def test_requirements_except_leaves_out_the_named_packages(monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)
    tools = cell.requirements_except("flask", "werkzeug")
    assert tools
    assert not [line for line in tools if line.startswith(("flask~", "werkzeug"))]
    assert any(line.startswith("flask-cors") for line in tools)


def test_a_partial_rerun_keeps_the_other_cells(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "REPORTS", tmp_path)
    page = tmp_path / "versions.md"
    kept = tmp_path / "matrix-3.13(flask=3.1)"
    rerun = tmp_path / "matrix_oldest-3.9(flask=2.2)"
    for folder in (kept, rerun):
        folder.mkdir()
        (folder / "one.xml").write_text(JUNIT.format(tests=3, skipped=1, failures=0))
    (rerun / "oldest.txt").write_text("flask==2.2.5\nwerkzeug==2.2.2\n")
    report.write(page)
    first = page.read_text()
    shutil.rmtree(kept)
    (rerun / "one.xml").write_text(JUNIT.format(tests=3, skipped=1, failures=1))
    assert report.write(page, keep=True) == 1
    text = page.read_text()
    assert (
        "| Python 3.13 | not run | not run | not run | 2 passed, 1 skipped, 0 failed |"
        in text
    )
    assert "| Python 3.9, oldest dependencies | 1 passed, 1 skipped, 1 failed |" in text
    assert (
        "- needs Flask 3.1 (Flask 3.1; Python 3.13;"
        " oldest dependencies: Flask 2.2; Python 3.9)"
    ) in text
    assert (
        text.replace("1 passed, 1 skipped, 1 failed", "2 passed, 1 skipped, 0 failed")
        == first
    )
