"""api.md, "viewcheck: the analyzer's API", and ``check_source``'s docstring:
which of viewcheck's functions each tool of this repository calls.

The page's "Check my view" panel (``_ext/live/runner.py``) calls
``viewcheck.check_source``; the grader's feedback
(``chapters/exercises/_grading/feedback.py``) calls
``viewcheck.checker.analyse``, which also returns the findings ``# noqa``
silences. Each test records the calls on the real functions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import viewcheck
import viewcheck.checker
from _ext.live import runner

ROOT = Path(__file__).parent.parent
SOURCE = """
from flask.views import MethodView
class Ping(MethodView):
    methods = ["GET", "POST"]  # noqa: CBV106  the finding the grader marks
    def get(self):
        return "pong"
class Pong(MethodView):
    methods = ["GET", "PUT"]
    def get(self):
        return "ping"
"""


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each call to check_source or analyse, by name, while the test runs."""
    recorded: list[str] = []
    check_source, analyse = viewcheck.check_source, viewcheck.checker.analyse

    def spy_check_source(*args: Any) -> Any:
        recorded.append("check_source")
        return check_source(*args)

    def spy_analyse(*args: Any) -> Any:
        recorded.append("analyse")
        return analyse(*args)

    monkeypatch.setattr(viewcheck, "check_source", spy_check_source)
    monkeypatch.setattr(viewcheck.checker, "check_source", spy_check_source)
    monkeypatch.setattr(viewcheck.checker, "analyse", spy_analyse)
    return recorded


def test_check_my_view_calls_check_source(calls: list[str]) -> None:
    answer = json.loads(runner.viewcheck(SOURCE))
    assert calls[0] == "check_source"  # which calls analyse in turn
    assert [(f["line"], f["code"]) for f in answer["findings"]] == [(8, "CBV106")]


def test_the_grader_calls_analyse_and_shows_what_noqa_silences(
    calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "chapters" / "exercises"))
    from _grading import feedback

    found = feedback.findings(viewcheck.checker, SOURCE, "exercise.py")
    assert "analyse" in calls
    assert "check_source" not in calls
    assert [(f["line"], f["code"], f["silenced"]) for f in found] == [
        (4, "CBV106", True),
        (8, "CBV106", False),
    ]
