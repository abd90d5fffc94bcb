"""How many generated cases the property-based tests run: one place for all.

Plain ``pytest`` is the learner's fast loop: each property test runs a
sample, a twenty-fifth of its full count. ``python -m nox`` (and so CI) sets
``VIEWLIB_FULL_RUNS=1`` and every test runs its full count, the figures the
project quotes (for example 1,100 hostile requests against the bookshelf).
Either way the cases are derandomized: the same ones on every run, so a
failure can be reproduced.
"""

from __future__ import annotations

import os

#: Whether this run asks for the full counts (``nox`` sets it).
FULL = os.environ.get("VIEWLIB_FULL_RUNS") == "1"


def examples(full: int) -> int:
    """The number of cases to run for a test whose full count is *full*."""
    return full if FULL else max(10, full // 25)
