"""How many generated cases the property-based tests run: one place for all.

Plain ``pytest`` is the learner's fast loop: each property test runs a
sample, a twenty-fifth of its full count, and the slowest concurrency tests
are skipped (``full_runs_only``). ``python -m nox`` (and so CI) sets
``VIEWLIB_FULL_RUNS=1`` and every test runs its full count, the figures the
project quotes (for example 1,100 hostile requests against the bookshelf).
Either way the cases are derandomized: the same ones on every run, so a
failure can be reproduced.
"""

from __future__ import annotations

import os

import pytest

#: Whether this run asks for the full counts (``nox`` sets it).
FULL = os.environ.get("VIEWLIB_FULL_RUNS") == "1"


def examples(full: int) -> int:
    """The number of cases to run for a test whose full count is *full*."""
    return full if FULL else max(10, full // 25)


def full_runs_only(why: str) -> pytest.MarkDecorator:
    """Skip a test too slow for the quick loop, saying *why*; nox runs it."""
    return pytest.mark.skipif(not FULL, reason=f"{why}: full runs only (nox)")
