"""Every clause of the specification has a test; every marker names a real clause.

The clauses are in clauses.toml; tests name what they prove with
``@pytest.mark.clause(...)``, chapter examples with ``% clause: ...`` (see
tests/traceability.py, which the site's traceability page is built from too).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.traceability import (
    ROOT,
    load_clauses,
    scan_all,
    scan_chapter,
    scan_test_file,
    unknown_ids,
    unproven,
)
from tests.traceability import clause_problems as check_clauses

CLAUSES = load_clauses()
SCAN = scan_all()
#: The reference page itself, when the project's shared folder is next to
#: this checkout; a fresh clone has only clauses.toml, which carries its text.
REFERENCE = ROOT.parent / "shared" / "seed" / "class-based-views-reference.txt"


def test_the_reference_is_covered_clause_by_clause() -> None:
    assert len(CLAUSES) >= 30


def test_the_clause_file_is_well_formed() -> None:
    problems = check_clauses(CLAUSES)
    assert not problems, "\n".join(problems)


def test_every_marker_and_tag_can_be_read() -> None:
    assert not SCAN.errors, "\n".join(SCAN.errors)


def test_every_marker_and_tag_names_a_known_clause() -> None:
    unknown = unknown_ids(CLAUSES, SCAN)
    assert not unknown, "\n".join(unknown)


def test_every_clause_is_proven_by_a_test() -> None:
    missing = unproven(CLAUSES, SCAN)
    assert not missing, "no @pytest.mark.clause for: " + ", ".join(missing)


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"no {REFERENCE}")
def test_every_text_is_verbatim_from_the_reference() -> None:
    page = REFERENCE.read_text(encoding="utf-8")
    assert [c.id for c in CLAUSES if c.text not in page] == []


# The scanner itself, on files that misuse markers and tags.


def test_the_scan_refuses_markers_it_cannot_read(tmp_path: Path) -> None:
    source = tmp_path / "test_bad.py"
    source.write_text(
        textwrap.dedent(
            """
            import pytest

            IDS = ("view.subclass",)
            pytestmark = pytest.mark.clause("view.subclass")

            @pytest.mark.clause(*IDS)
            def test_spread(): ...

            @pytest.mark.clause()
            def test_empty(): ...

            @pytest.mark.clause("view.subclass")
            def helper(): ...

            @pytest.mark.parametrize(
                "x", [pytest.param(1, marks=pytest.mark.clause("view.no_such"))]
            )
            def test_param(x): ...
            """
        ),
        encoding="utf-8",
    )
    scan = scan_test_file(source)
    assert [e.split(": ", 1)[1] for e in scan.errors] == [
        "an id must be a string literal",
        "give ids, only ids",
        "helper is not a test",
        "a clause marker outside a test's decorators",
    ]
    assert unknown_ids(CLAUSES, scan) == [
        f"{source.as_posix()}:17: unknown clause 'view.no_such'"
    ]


def test_the_scan_reads_chapter_tags_with_their_section(tmp_path: Path) -> None:
    chapter = tmp_path / "99-x.md"
    chapter.write_text(
        textwrap.dedent(
            """
            # A chapter

            ## A section

            % clause: view.subclass, view.as_view.name
            % skip: next if(IMPLEMENTATION == "flask.views", reason="shown")
            ```python
            # not a heading
            ```

            % clause: view.decorators.order

            Prose between the tag and its block.

            ```python
            ```

            % clause: view.methods.type
            ```console
            ```
            """
        ),
        encoding="utf-8",
    )
    scan = scan_chapter(chapter)
    assert [(p.clause, p.chapter, p.heading, p.test) for p in scan.proofs] == [
        ("view.subclass", "A chapter", "A section", ""),
        ("view.as_view.name", "A chapter", "A section", ""),
        ("view.methods.type", "A chapter", "A section", ""),
    ]
    assert [e.split(": ", 1)[1] for e in scan.errors] == [
        "a clause tag must precede a python block",
        "a clause tag must precede a python block",
    ]
    # A chapter example alone does not make a clause proven.
    assert "view.subclass" in unproven(CLAUSES, scan)
