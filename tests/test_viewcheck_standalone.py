"""viewcheck-only checks: the folder works when copied out alone, like viewlib.

Not behaviour (tests/test_viewcheck_*.py hold that): what makes the folder
copyable, namely its imports, its licence lines and that it runs with
nothing of this repository beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import viewcheck
from tests.test_standalone import imported_top_level_names, is_stdlib

PACKAGE = Path(viewcheck.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_imports_only_stdlib_and_flask(path: Path) -> None:
    names = imported_top_level_names(path.read_text(encoding="utf-8"))
    assert {name for name in names if not is_stdlib(name)} <= {"flask"}


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.iterdir()) if p.is_file() and p.suffix == ".py"],
    ids=lambda p: p.name,
)
def test_every_file_names_its_licence(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# SPDX-License-Identifier: MIT"


def test_the_folder_carries_the_full_licence_text() -> None:
    carried = (PACKAGE / "LICENSE").read_text(encoding="utf-8")
    assert carried == (PACKAGE.parent / "LICENSE").read_text(encoding="utf-8")


def test_a_copy_of_the_folder_runs_alone(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "viewcheck")
    (tmp_path / "app.py").write_text(
        "from flask.views import View\n\n@login_required\nclass Home(View):\n"
        "    def dispatch_request(self):\n        return 'home'\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "viewcheck", "app.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("app.py:3: CBV103 ")
