"""compat/flask_next.py, behind `nox -s flask_next`: its parts, on small inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat import flask_next

PAGE = "# Supported versions\n\nThe matrix's table.\n"


def test_the_section_is_added_then_replaced() -> None:
    first = flask_next.BEGIN + "\nfirst\n" + flask_next.END + "\n"
    second = flask_next.BEGIN + "\nsecond\n" + flask_next.END + "\n"
    once = flask_next.with_section(PAGE, first)
    assert once == PAGE + "\n" + first
    twice = flask_next.with_section(once, second)
    assert twice == PAGE + "\n" + second


def test_a_regenerated_page_keeps_the_section(tmp_path: Path) -> None:
    old = tmp_path / "versions.md"
    section = flask_next.BEGIN + "\nFlask main: 1 passed\n" + flask_next.END + "\n"
    old.write_text("old table\n\n" + section, encoding="utf-8")
    assert flask_next.keep_section("new table\n", old) == "new table\n\n" + section
    old.write_text("old table, no section\n", encoding="utf-8")
    assert flask_next.keep_section("new table\n", old) == "new table\n"


def test_flask_comes_from_flask_next_or_the_git_branch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("FLASK_NEXT", raising=False)
    assert flask_next.flask_source() == "git+https://github.com/pallets/flask@main"
    snapshot = tmp_path / "flask-3.2.0.dev-2ac8988.tar.gz"
    snapshot.write_bytes(b"")
    monkeypatch.setenv("FLASK_NEXT", str(snapshot))
    assert flask_next.flask_source() == str(snapshot)
    monkeypatch.setenv("FLASK_NEXT", "https://example.org/flask.tar.gz")
    assert flask_next.flask_source() == "https://example.org/flask.tar.gz"
    monkeypatch.setenv("FLASK_NEXT", str(tmp_path / "missing.tar.gz"))
    with pytest.raises(SystemExit, match="no such file"):
        flask_next.flask_source()


def test_requirements_are_the_files_but_flask() -> None:
    wanted = flask_next.requirements()
    names = {line.split("~")[0].split("=")[0].split(">")[0] for line in wanted}
    assert "flask" not in names
    assert {"werkzeug", "pytest", "sybil", "flask-cors", "flask-smorest"} <= names
    assert not any(line.startswith("-") for line in wanted)


def test_reports_are_tallied(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text(
        '<testsuites><testsuite tests="5" skipped="2" failures="1" errors="0">'
        '<testcase><skipped message="Flask 3.2 only: why"/></testcase>'
        '<testcase><skipped message="full runs only"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    (tmp_path / "b.xml").write_text(
        '<testsuites><testsuite tests="3" skipped="0" failures="0" errors="1">'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    counts, reasons = flask_next.tally(tmp_path)
    assert counts == (4, 2, 2)
    assert reasons == {"Flask 3.2 only: why", "full runs only"}
