# SPDX-License-Identifier: MIT
"""``python -m bench.loop``: time a learner's loop, here and now.

Four figures: the quick ``pytest`` run of everything, ``pytest`` of one
chapter, a cold build of the site, and the build again after that chapter
is touched (as if just edited: Sphinx rebuilds only what changed). A busy
machine is slower; nothing asserts on the figures. ``python -m nox -s loop``
runs it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = (sys.executable, "-m")
#: The chapter timed alone, and touched before the second build.
CHAPTER = Path("chapters/03-decorators.md")


def seconds(*command: str) -> float:
    """Run *command* in the checkout, quietly; how long it took."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def measure() -> dict[str, float]:
    """The four figures, by name, in seconds."""
    pytest = (*PYTHON, "pytest", "-q", "-p", "no:cacheprovider")
    site = tempfile.mkdtemp(prefix="viewlib-site-")
    sphinx = (*PYTHON, "sphinx", "-q", "-b", "html", ".", site)
    try:
        figures = {
            "pytest (everything, the quick sample)": seconds(*pytest),
            f"pytest {CHAPTER}": seconds(*pytest, str(CHAPTER)),
            "docs build, cold": seconds(*sphinx),
        }
        (ROOT / CHAPTER).touch()
        figures["docs build after editing one chapter"] = seconds(*sphinx)
    finally:
        shutil.rmtree(site)
    return figures


def main() -> None:
    for name, value in measure().items():
        print(f"{name:40} {value:5.1f} s")


if __name__ == "__main__":
    main()
