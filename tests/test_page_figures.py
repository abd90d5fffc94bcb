# SPDX-License-Identifier: MIT
"""What README.md and instructors.md say about the repository's own code.

Each figure or list these pages give that mirrors code is read from the page
and compared with the code, so that the two change together:

- the folders the site publishes for the in-page Python (``LOCAL`` in
  ``_ext/live/__init__.py``), in both pages, and that the site publishes no
  file of ``tests/`` and no line of a solution (instructors.md, "Keeping the
  solutions hidden");
- the nox sessions that make a virtual environment of their own (README,
  "Running parts of it");
- what ``.ci/run`` does with ``FLASK_NEXT`` and the snapshot in
  ``../shared/upstream`` (README, "The two commands");
- viewlib's length in lines (README, "What is in this repository", and
  CONTRIBUTING's map).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.noxfile_facts import facts

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
INSTRUCTORS = (ROOT / "instructors.md").read_text(encoding="utf-8")


def paragraph(text: str, start: str) -> str:
    """The paragraph of *text* that holds *start*, on one line."""
    at = text.index(start)
    begin = text.rfind("\n\n", 0, at) + 2
    end = text.find("\n\n", at)
    return " ".join(text[begin : end if end != -1 else None].split())


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


# Published folders --------------------------------------------------------


def published_folders() -> set[str]:
    from _ext import live

    return {f"{folder}/" for folder in live.LOCAL}


def test_the_readme_lists_the_published_folders() -> None:
    text = paragraph(README, "_static/live/local.zip")
    folders = {span for span in code_spans(text) if span.endswith("/")}
    assert folders == published_folders()


def test_the_instructors_page_lists_the_published_folders() -> None:
    text = paragraph(INSTRUCTORS, "site publishes none of them")
    text = text[text.index("`local.zip` holds only") : text.index("A student who")]
    folders = {span for span in code_spans(text) if span.endswith("/")}
    folders.remove("_grading/")  # a part of chapters/exercises/
    assert folders == published_folders()


def test_the_published_files_hold_the_grader_and_nothing_of_tests() -> None:
    from _ext import live

    names = live.published()
    assert "chapters/exercises/grade.py" in names
    assert any(name.startswith("chapters/exercises/_grading/") for name in names)
    assert not [name for name in names if name.startswith("tests/")]
    assert all(
        any(name.startswith(folder) for folder in published_folders()) for name in names
    )


def test_sphinx_leaves_tests_out_and_no_page_includes_a_file_of_it() -> None:
    spec = importlib.util.spec_from_file_location("site_conf", ROOT / "conf.py")
    assert spec is not None
    assert spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert "tests" in conf.exclude_patterns
    directive = re.compile(r"^\s*```\{(?:literalinclude|include)\}\s+(\S+)", re.M)
    for page in ROOT.glob("**/*.md"):
        parts = page.relative_to(ROOT).parts
        if parts[0] in ("tests", "_build", ".nox", "mutation") or page.name in (
            "README.md",
            "CONTRIBUTING.md",
        ):
            continue
        for target in directive.findall(page.read_text(encoding="utf-8")):
            included = (page.parent / target).resolve()
            assert not included.is_relative_to(ROOT / "tests"), (page, target)


def test_the_traceability_page_shows_no_solution() -> None:
    from _ext import clauses
    from tests import traceability

    found = traceability.load_clauses()
    page = clauses.render(found, traceability.report(found, traceability.scan_all()))
    # The page quotes the reference, whose signatures a solution may repeat.
    reference = (ROOT / "tests" / "clauses.toml").read_text(encoding="utf-8")
    for solution in (ROOT / "tests" / "exercise_solutions").glob("*.py"):
        for line in solution.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 30 and not line.startswith("#") and line not in reference:
                assert line not in page, (solution.name, line)


# Sessions with an environment of their own ---------------------------------


def test_the_readme_names_every_session_with_its_own_environment() -> None:
    found = facts()["backends"]
    own = {name for name, backend in found.items() if backend not in ("none", False)}
    assert {"matrix", "exercises", "flask_next"} <= own  # the parsing finds them
    text = paragraph(README, "Most sessions run in the environment")
    assert set(code_spans(text)) == own
    assert found["flask_next"] == "uv"
    assert "`flask_next` (with uv" in text


# .ci/run and the snapshot of Flask main -------------------------------------


def ci_run(tmp_path: Path, snapshot: bool, flask_next: str | None) -> list[str]:
    """Run a copy of .ci/run with a stand-in `python` that records FLASK_NEXT."""
    checkout = tmp_path / "checkout"
    (checkout / ".ci").mkdir(parents=True)
    shutil.copy2(ROOT / ".ci" / "run", checkout / ".ci" / "run")
    if snapshot:
        upstream = tmp_path / "shared" / "upstream"
        upstream.mkdir(parents=True)
        (upstream / "flask-3.2.0.dev-0000000.tar.gz").write_bytes(b"")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    fake = bin_dir / "python"
    fake.write_text(f'#!/bin/sh\necho "$* FLASK_NEXT=${{FLASK_NEXT-unset}}" >> {log}\n')
    fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.defpath}", "HOME": str(tmp_path)}
    if flask_next is not None:
        env["FLASK_NEXT"] = flask_next
    subprocess.run(
        ["bash", str(checkout / ".ci" / "run")],
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    return log.read_text().splitlines()


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_ci_points_flask_next_at_the_snapshot_when_it_is_unset(tmp_path) -> None:
    snapshot = tmp_path / "shared" / "upstream" / "flask-3.2.0.dev-0000000.tar.gz"
    assert ci_run(tmp_path, snapshot=True, flask_next=None) == [
        f"-m pip install -r requirements.txt FLASK_NEXT={snapshot}",
        f"-m nox FLASK_NEXT={snapshot}",
        f"-m nox -s flask_next FLASK_NEXT={snapshot}",
    ]


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
@pytest.mark.parametrize(
    ("snapshot", "flask_next", "seen"),
    [(True, "elsewhere.tar.gz", "elsewhere.tar.gz"), (False, None, "unset")],
)
def test_ci_leaves_flask_next_alone_when_set_or_without_a_snapshot(
    tmp_path, snapshot: bool, flask_next: str | None, seen: str
) -> None:
    calls = ci_run(tmp_path, snapshot=snapshot, flask_next=flask_next)
    assert calls[-1] == f"-m nox -s flask_next FLASK_NEXT={seen}"


# viewlib's length ------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "said"),
    [
        ("README.md", r"one module of\s+about (\d+) lines"),
        ("CONTRIBUTING.md", r"keep the module short \(about (\d+) lines"),
    ],
)
def test_viewlibs_length_is_given_to_the_nearest_50_lines(page: str, said: str) -> None:
    match = re.search(said, (ROOT / page).read_text(encoding="utf-8"))
    assert match is not None
    lines = len((ROOT / "viewlib" / "views.py").read_text().splitlines())
    assert int(match[1]) == round(lines / 50) * 50, lines
