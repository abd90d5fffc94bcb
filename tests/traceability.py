"""Which test proves which clause of the specification: the one place that knows.

The clauses are in ``tests/clauses.toml``. Tests name the clauses they prove
with ``@pytest.mark.clause("<id>", ...)``, found here by reading the test
files' syntax trees (no import, no collection: fast, and a file that fails to
import still shows its markers). Chapter examples name theirs with a MyST
comment, ``% clause: <id>, ...``, on a line before a ```` ```python ```` block.

``tests/test_traceability.py`` runs the checks below, and the
site's page is written from :func:`report` by ``_ext/clauses.py``. Needs
Python 3.11 (``tomllib``); the version matrix does not run it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
CLAUSES = ROOT / "tests" / "clauses.toml"
TESTS = ROOT / "tests"
CHAPTERS = ROOT / "chapters"
#: The reference page's sections, in its order; clauses are grouped by them.
SECTIONS = (
    "View",
    "Class Attributes",
    "Methods",
    "as_view",
    "MethodView",
    "Automatic Method Detection",
    "dispatch_request",
    "Example: REST API",
)
ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
TAG = re.compile(r"%\s*clause:(.*)")
FENCE = re.compile(r"(`{3,}|~{3,})\s*(\S*)")
HEADING = re.compile(r"(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Clause:
    id: str
    text: str
    section: str
    listing: bool = False  # the text is an example's code


@dataclass(frozen=True)
class Proof:
    """One place that claims to prove a clause: a test or a chapter example."""

    clause: str
    path: str  # relative to the repository root
    line: int
    test: str = ""  # the test function, for a marker
    heading: str = ""  # the chapter section (the nearest heading), for a tag
    chapter: str = ""  # the chapter's title, for a tag


@dataclass
class Scan:
    """What a scan found: the proofs, and anything malformed on the way."""

    proofs: list[Proof] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def display(path: Path) -> str:
    """*path* as the report shows it: relative to the repository, if inside."""
    resolved = path.resolve()
    return (
        resolved.relative_to(ROOT).as_posix()
        if resolved.is_relative_to(ROOT)
        else path.as_posix()
    )


def load_clauses(path: Path = CLAUSES) -> list[Clause]:
    with path.open("rb") as file:
        data = tomllib.load(file)
    return [
        Clause(c["id"], c["text"], c["section"], c.get("listing", False))
        for c in data["clause"]
    ]


def is_clause_marker(node: ast.AST) -> bool:
    """``pytest.mark.clause(...)``, the only spelling the suite uses."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "clause"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "mark"
        and isinstance(node.func.value.value, ast.Name)
        and node.func.value.value.id == "pytest"
    )


def scan_test_file(path: Path) -> Scan:
    """The clause markers on the test functions of one file.

    A marker anywhere in a test's decorators counts for that test (also one
    inside ``pytest.param(..., marks=...)``). A marker elsewhere, one with no
    ids, or an id that is not a plain string is an error: it could not be
    read here, so it would prove nothing.
    """
    scan = Scan()
    where = display(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    attached: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            for call in filter(is_clause_marker, ast.walk(decorator)):
                assert isinstance(call, ast.Call)
                attached.add(id(call))
                if not node.name.startswith("test_"):
                    scan.errors.append(
                        f"{where}:{call.lineno}: {node.name} is not a test"
                    )
                if not call.args or call.keywords:
                    scan.errors.append(f"{where}:{call.lineno}: give ids, only ids")
                for arg in call.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        scan.proofs.append(
                            Proof(arg.value, where, call.lineno, test=node.name)
                        )
                    else:
                        scan.errors.append(
                            f"{where}:{call.lineno}: an id must be a string literal"
                        )
    for node in ast.walk(tree):
        if is_clause_marker(node) and id(node) not in attached:
            line = getattr(node, "lineno", 0)
            scan.errors.append(
                f"{where}:{line}: a clause marker outside a test's decorators"
            )
    return scan


def scan_chapter(path: Path) -> Scan:
    """The ``% clause:`` tags of one chapter, each with its section.

    A tag must be followed by a ```` ```python ```` block (after other
    comments or blank lines only), which sybil runs: that block is the proof.
    """
    scan = Scan()
    where = display(path)
    chapter = heading = ""
    fence = ""
    pending: list[tuple[int, list[str]]] = []  # tags waiting for their block
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        fenced = FENCE.match(stripped)
        if fence:
            if fenced and stripped == fence[0] * len(fence):
                fence = ""
            continue
        if fenced:
            fence = fenced.group(1)
            for tag_line, ids in pending:
                if fenced.group(2) != "python":
                    scan.errors.append(
                        f"{where}:{tag_line}: a clause tag must precede a python block"
                    )
                scan.proofs.extend(
                    Proof(i, where, tag_line, heading=heading, chapter=chapter)
                    for i in ids
                )
            pending = []
            continue
        tag = TAG.match(stripped)
        if tag:
            ids = [i for i in re.split(r"[\s,]+", tag.group(1)) if i]
            if not ids:
                scan.errors.append(f"{where}:{number}: a clause tag without ids")
            pending.append((number, ids))
            continue
        if stripped and not stripped.startswith("%") and pending:
            scan.errors.append(
                f"{where}:{pending[0][0]}: a clause tag must precede a python block"
            )
            pending = []
        title = HEADING.match(stripped)
        if title and len(title.group(1)) <= 3:  # the levels that get anchors
            heading = title.group(2)
            if len(title.group(1)) == 1:
                chapter = heading
    for tag_line, _ in pending:
        scan.errors.append(
            f"{where}:{tag_line}: a clause tag must precede a python block"
        )
    return scan


def scan_all(
    tests: Iterable[Path] | None = None, chapters: Iterable[Path] | None = None
) -> Scan:
    """Every marker in ``tests/test_*.py`` and every tag in ``chapters/*.md``."""
    total = Scan()
    for path in sorted(TESTS.glob("test_*.py")) if tests is None else tests:
        found = scan_test_file(path)
        total.proofs += found.proofs
        total.errors += found.errors
    for path in sorted(CHAPTERS.glob("*.md")) if chapters is None else chapters:
        found = scan_chapter(path)
        total.proofs += found.proofs
        total.errors += found.errors
    return total


def clause_problems(clauses: list[Clause]) -> list[str]:
    """What is wrong with the clause file itself: ids, texts, sections."""
    found = []
    ids = [clause.id for clause in clauses]
    found += [f"duplicate clause id {i}" for i in sorted(set(ids)) if ids.count(i) > 1]
    found += [f"malformed clause id {i!r}" for i in ids if not ID.fullmatch(i)]
    for clause in clauses:
        if not clause.text.strip():
            found.append(f"{clause.id}: empty text")
        if clause.section not in SECTIONS:
            found.append(f"{clause.id}: unknown section {clause.section!r}")
    order = [SECTIONS.index(c.section) for c in clauses if c.section in SECTIONS]
    if order != sorted(order):
        found.append("the clauses are not in the reference page's section order")
    return found


def unknown_ids(clauses: list[Clause], scan: Scan) -> list[str]:
    """Markers and tags that name a clause the file does not have."""
    known = {clause.id for clause in clauses}
    return [
        f"{proof.path}:{proof.line}: unknown clause {proof.clause!r}"
        for proof in scan.proofs
        if proof.clause not in known
    ]


def unproven(clauses: list[Clause], scan: Scan) -> list[str]:
    """Clauses no test claims to prove (a chapter tag alone is not enough)."""
    tested = {proof.clause for proof in scan.proofs if proof.test}
    return [clause.id for clause in clauses if clause.id not in tested]


def report(clauses: list[Clause], scan: Scan) -> dict[str, list[Proof]]:
    """The proofs of each clause, tests first, then chapter examples."""
    proofs: dict[str, list[Proof]] = {clause.id: [] for clause in clauses}
    seen: set[tuple[str, str, str | int]] = set()
    for proof in sorted(scan.proofs, key=lambda p: (not p.test, p.path, p.line)):
        # A test counts once per clause, however many of its params carry it.
        key = (proof.clause, proof.path, proof.test or proof.line)
        if proof.clause in proofs and key not in seen:
            seen.add(key)
            proofs[proof.clause].append(proof)
    return proofs
