"""``python -m mutation``: compare mutmut's survivors with the listed equivalents.

Exit status 0 when every surviving mutant is listed in ``equivalents.md`` and
every listed one still survives; 1 otherwise, naming each mismatch (mutmut
numbers a function's mutants in order, so after an edit to views.py a listed
id may name another change); 2 when mutmut reported no mutant at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EQUIVALENTS = Path(__file__).with_name("equivalents.md")


def statuses(report: str) -> dict[str, str]:
    """Each mutant's status, from the lines ``mutmut results --all true`` prints."""
    return dict(
        line.strip().rsplit(": ", 1)
        for line in report.splitlines()
        if "__mutmut_" in line and ": " in line
    )


def listed(text: str) -> set[str]:
    """The mutant ids quoted in backticks in *text* (equivalents.md)."""
    quoted = text.split("`")[1::2]
    return {word for word in quoted if word.startswith("viewlib.views.x")}


def compare(found: dict[str, str], known: set[str]) -> list[str]:
    """One line per survivor not listed and per listed id not surviving."""
    survivors = {name for name, status in found.items() if status != "killed"}
    problems = [f"survived, not listed: {n}" for n in sorted(survivors - known)]
    problems += [f"listed, not surviving: {n}" for n in sorted(known - survivors)]
    return problems


def main() -> int:
    command = [sys.executable, "-m", "mutmut", "results", "--all", "true"]
    report = subprocess.run(command, check=True, capture_output=True, text=True)
    found = statuses(report.stdout)
    if not found:
        print("mutmut reported no mutants: see its output above", file=sys.stderr)
        return 2
    known = listed(EQUIVALENTS.read_text(encoding="utf-8"))
    killed = sum(status == "killed" for status in found.values())
    survivors = {name for name, status in found.items() if status != "killed"}
    print(
        f"{len(found)} mutants: {killed} killed, "
        f"{len(survivors & known)} listed as equivalent"
    )
    problems = compare(found, known)
    if problems:
        print("mutation/equivalents.md is out of date:", *problems, sep="\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
