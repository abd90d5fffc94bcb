"""The in-browser runner's Python half, here in CPython (the browser: nox -s live).

_ext/live/runner.py must run a page as conftest.py has sybil run it; these
checks catch a drift between the two without a browser.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import conftest
from _ext.live import fetch, runner


@pytest.mark.skipif(
    conftest.IMPLEMENTATION != "viewlib", reason="the browser runs viewlib only"
)
def test_a_page_starts_with_the_namespace_sybil_gives_it() -> None:
    sybil: dict[str, object] = {}
    conftest.start_document(sybil)
    conftest.end_document(sybil)
    runner.reset()
    assert runner.namespace("") == sybil


def test_a_session_is_checked_with_doctest_and_failures_show_both_outputs() -> None:
    runner.reset()
    session = ">>> x = 2\n>>> x * 21\n42\n>>> x + 1\n4\n"
    result = json.loads(runner.check("doctest", session, "", None, None, "<t>"))
    assert (result["passed"], result["failed"]) == (2, 1)
    assert result["failures"] == [
        {"source": ">>> x + 1\n", "expected": "4\n", "actual": "3\n"}
    ]


def test_code_runs_in_the_page_namespace_and_shows_its_last_value() -> None:
    runner.reset()
    ran = json.loads(
        runner.run("code", "y = 6\nprint('hi')\ny * 7", "", None, None, "<t>")
    )
    assert ran == {"output": "hi\n42\n", "ok": True}
    assert runner.namespace("")["y"] == 6


def test_skip_next_skips_one_example_and_skip_start_all_of_them() -> None:
    runner.reset()
    session = ">>> 1\n2\n>>> 3\n3\n"
    condition = 'if(IMPLEMENTATION == "viewlib", reason="why")'
    one = json.loads(runner.check("doctest", session, "", condition, None, "<t>"))
    every = json.loads(runner.check("doctest", session, "", None, condition, "<t>"))
    false = 'if(IMPLEMENTATION != "viewlib", reason="why")'
    none = json.loads(runner.check("doctest", session, "", false, None, "<t>"))
    assert (one["skipped"], one["passed"], one["failed"]) == (1, 1, 0)
    assert (every["skipped"], every["passed"]) == (2, 0)
    assert (none["skipped"], none["failed"]) == (0, 1)


def test_a_pure_wheel_tagged_for_a_platform_is_retagged(tmp_path: Path) -> None:
    wheel = tmp_path / "demo-1.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo/__init__.py", "")
        archive.writestr(
            "demo-1.0.dist-info/WHEEL",
            "Root-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n",
        )
        archive.writestr("demo-1.0.dist-info/RECORD", "demo-1.0.dist-info/WHEEL,,\n")
    pure = fetch.retag_pure(wheel)
    assert pure.name == "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(pure) as archive:
        tags = archive.read("demo-1.0.dist-info/WHEEL").decode()
        record = archive.read("demo-1.0.dist-info/RECORD").decode()
    assert "Tag: py3-none-any" in tags
    assert "Root-Is-Purelib: true" in tags
    assert record.startswith("demo-1.0.dist-info/WHEEL,sha256=")
