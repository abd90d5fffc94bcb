"""viewcheck on this project's own code: silent on what is right, loud on what is not.

Precision first: no finding on the chapters' apps, the exercises' reference
solutions, or any listing the chapters run. A listing that shows a mistake
on purpose says so with ``# noqa: CODE  reason``, and each such marker must
silence a real finding on its own line (no stale markers). Chapter 10 and
exercise 10 exist to show mistakes: each must be found, on its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils.nodes import make_id

from tests.listings import pages, python_of_page
from viewcheck import RULES, check_source
from viewcheck.checker import NOQA, analyse

ROOT = Path(__file__).parent.parent
CORRECT_CODE = sorted(
    [*ROOT.glob("chapters/apps/*.py"), *ROOT.glob("tests/exercise_solutions/*.py")]
)
PAGES = pages(ROOT)
MARKER = re.compile(r"#\s*noqa:\s*(CBV\d+)(.*)$")


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", CORRECT_CODE, ids=name)
def test_no_finding_on_apps_and_solutions(path: Path) -> None:
    assert check_source(path.read_text(encoding="utf-8"), name(path)) == []


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_no_finding_on_the_listings_a_page_runs(page: Path) -> None:
    source = python_of_page(page.read_text(encoding="utf-8"))
    assert check_source(source, name(page)) == []


def markers(source: str) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(source.splitlines(), 1):
        match = MARKER.search(line)
        if match:
            found.add((number, match.group(1)))
    return found


@pytest.mark.parametrize("path", [*PAGES, *CORRECT_CODE], ids=name)
def test_each_marker_silences_a_finding_on_its_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    source = python_of_page(text) if path.suffix == ".md" else text
    _, silenced = analyse(source, name(path))
    assert markers(source) == {(f.line, f.code) for f in silenced}


@pytest.mark.parametrize("path", [*PAGES, *CORRECT_CODE], ids=name)
def test_each_marker_gives_its_reason(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        match = MARKER.search(line)
        if match:
            assert match.group(2).strip(), f"a marker without a reason: {line}"


def sections(page: Path) -> list[tuple[str, int]]:
    """A page's ``##`` headings and their line numbers, and the top as ``""``."""
    found = [("", 1)]
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            found.append((line[3:], number))
    return found


def codes_by_section(page: Path) -> dict[str, set[str]]:
    source = python_of_page(page.read_text(encoding="utf-8"))
    kept, silenced = analyse(source, name(page))
    heads = sections(page)
    found: dict[str, set[str]] = {}
    for finding in kept + silenced:
        title = [t for t, start in heads if start <= finding.line][-1]
        found.setdefault(title, set()).add(finding.code)
    return found


def test_chapter_10_each_pitfall_is_found_in_its_section() -> None:
    assert codes_by_section(ROOT / "chapters/10-pitfalls.md") == {
        "": {"CBV107"},  # the endpoint registered twice, before the first section
        "State on `self` in a shared instance": {"CBV102"},
        "Decorating the class": {"CBV103"},
        "Decorator order": {"CBV110"},
        "An empty MethodView": {"CBV111"},
        "A helper named like an HTTP method": {"CBV112"},
        # CBV106: the class whose own methods list names the late handler.
        "A handler added after the class was made": {"CBV106", "CBV113"},
        "A constructor argument missing": {"CBV114"},
        "Routing settings that do not reach the route": {"CBV115", "CBV116", "CBV117"},
    }


EXERCISE_10 = {
    ("CBV102", 'self.user = request.args.get("user", "")'),
    ("CBV112", "def options(self) -> dict[str, int]:"),
    ("CBV112", "def delete(self) -> dict[str, list[str]]:"),
    ("CBV110", "= [require_key, cached]"),
}


def test_exercise_10_each_bug_is_found_on_its_line() -> None:
    path = ROOT / "chapters/exercises/10-bug-hunt/exercise.py"
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    expected = set()
    for code, fragment in EXERCISE_10:
        (line,) = [n for n, text in enumerate(lines, 1) if fragment in text]
        expected.add((line, code))
    assert {(f.line, f.code) for f in check_source(source, name(path))} == expected


def anchors(page: Path) -> set[str]:
    """The ids a page's sections get: ``(label)=`` targets and heading ids."""
    text = page.read_text(encoding="utf-8")
    labels = set(re.findall(r"^\(([\w-]+)\)=$", text, re.MULTILINE))
    titles = re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)
    return labels | {make_id(title.replace("`", "")) for title in titles}


@pytest.mark.parametrize("code", sorted(RULES))
def test_each_rule_links_to_an_existing_section(code: str) -> None:
    page, _, anchor = RULES[code].link.partition("#")
    source = ROOT / page.replace(".html", ".md")
    assert source.is_file(), page
    assert anchor in anchors(source)


def test_noqa_forms_that_silence_and_that_do_not() -> None:
    assert NOQA.search("x = 1  # noqa: CBV101  a reason")
    assert NOQA.search("x = 1  # noqa:CBV101,CBV102")
    source = (
        "from viewlib import MethodView\nclass A(MethodView):\n    methods = ['PUT']"
    )
    assert [f.code for f in check_source(source)] == ["CBV106"]
    assert check_source(source + "  # noqa: CBV106  on purpose") == []
    assert check_source(source + "  # noqa") == []
    assert [f.code for f in check_source(source + "  # noqa: CBV101")] == ["CBV106"]
    # Chapter 10: lower-case, whole codes; viewcheck reads no other form
    # (flake8 also takes NOQA and prefixes such as CBV1).
    assert [f.code for f in check_source(source + "  # NOQA: CBV106")] == ["CBV106"]
    assert [f.code for f in check_source(source + "  # noqa: CBV1")] == ["CBV106"]
    # A colon with codes viewcheck cannot read silences nothing (flake8 reads
    # "# noqa:" and "# noqa : E501" as a bare noqa, which silences all), and
    # a marker inside a string is not a comment.
    for unread in ("  # noqa: cbv106", "  # noqa : E501", "  # noqa:"):
        assert [f.code for f in check_source(source + unread)] == ["CBV106"], unread
    assert check_source(source + "  # noqa : CBV106") == []
    # Check my view's "No findings" text: without a colon, every finding on
    # the line; after a colon, the codes listed (up to the first word that is
    # not one).
    for bare in ("  # noqa because PUT is wanted", "  # reason # noqa"):
        assert check_source(source + bare) == [], bare
    assert check_source(source + "  # noqa: CBV101, CBV106") == []
    listed = check_source(source + "  # noqa: CBV101 see CBV106")
    assert [f.code for f in listed] == ["CBV106"]
    in_a_string = source[:-2] + " # noqa']"
    assert in_a_string.endswith("methods = ['PUT # noqa']")
    assert [f.code for f in check_source(in_a_string)] == ["CBV106"]


def test_check_source_raises_syntax_error_for_too_deep_source_named_by_filename() -> (
    None
):
    # check_source's docstring (the API page): a sum of 1,200 names compiles
    # but is too deep for the checker; a source that does not parse raises
    # too; both errors carry the filename given.
    deep = "x = " + " + ".join(["a"] * 1200)
    compile(deep, "x.py", "exec")  # Python accepts it
    with pytest.raises(SyntaxError) as deep_error:
        check_source(deep, "x.py")
    assert deep_error.value.filename == "x.py"
    assert deep_error.value.msg == "too deeply nested to analyse (RecursionError)"
    with pytest.raises(SyntaxError) as broken:
        check_source("def (", "y.py")
    assert broken.value.filename == "y.py"
