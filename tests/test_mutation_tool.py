"""``python -m mutation`` reads mutmut's report and the list of equivalents.

The nox session runs mutmut for minutes; these check, in milliseconds, the
part of it that decides whether the session passes.
"""

from __future__ import annotations

from mutation.__main__ import EQUIVALENTS, compare, listed, statuses

REPORT = """\
    viewlib.views.xǁViewǁas_view__mutmut_1: killed
    viewlib.views.xǁViewǁas_view__mutmut_2: survived
    viewlib.views.xǁMethodViewǁdispatch_request__mutmut_3: no tests
"""


def test_statuses_reads_each_mutant_line() -> None:
    assert statuses("Running...\n" + REPORT) == {
        "viewlib.views.xǁViewǁas_view__mutmut_1": "killed",
        "viewlib.views.xǁViewǁas_view__mutmut_2": "survived",
        "viewlib.views.xǁMethodViewǁdispatch_request__mutmut_3": "no tests",
    }


def test_every_survivor_must_be_listed_and_every_listed_one_survive() -> None:
    found = statuses(REPORT)
    known = {"viewlib.views.xǁViewǁas_view__mutmut_2"}
    missing = "viewlib.views.xǁMethodViewǁdispatch_request__mutmut_3"
    assert compare(found, known) == [f"survived, not listed: {missing}"]
    stale = "viewlib.views.xǁViewǁas_view__mutmut_1"
    assert compare(found, known | {missing, stale}) == [
        f"listed, not surviving: {stale}"
    ]
    assert compare(found, known | {missing}) == []


def test_listed_reads_the_ids_in_backticks_and_nothing_else() -> None:
    text = "Run `nox -s mutation`.\n- `viewlib.views.xǁViewǁas_view__mutmut_7`: why\n"
    assert listed(text) == {"viewlib.views.xǁViewǁas_view__mutmut_7"}
    # The committed list, the file the session reads, says "None" only when
    # it lists no id.
    committed = EQUIVALENTS.read_text(encoding="utf-8")
    section = committed.split("## Equivalent mutants")[1].split("\n## ")[0]
    assert section.strip().startswith("None") == (not listed(committed))
