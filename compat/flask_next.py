"""Run the project's tests on Flask's main branch, and put the result on the site.

``python -m nox -s flask_next`` calls this module: it installs Flask from
``git+https://github.com/pallets/flask@main``, or from the source that the
``FLASK_NEXT`` environment variable names (a path to a source tarball or
checkout, or any pip requirement), with the rest of requirements.txt, and
runs what the release's environment runs: plain ``pytest`` (the conformance
suite on both implementations, the chapters, the other pages and every
other test, property tests in their quick sample) and the chapters with
``--views=flask.views``. Each run writes a JUnit report to
``_build/flask-next/next/``.

``python -m nox -s flask_next_report`` runs the same two on the release
that requirements.txt installs (``_build/flask-next/release/``), then
rewrites the "Flask main" section of versions.md from both: the counts, the
date and commit of Flask main, and why each skipped test was skipped.

The command line is for the sessions: ``python -m compat.flask_next
describe FILE`` records the installed Flask (version, commit, source) in
FILE; ``python -m compat.flask_next report`` writes the section.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import distribution, version
from pathlib import Path

#: Where Flask's next release is developed.
DEFAULT_SOURCE = "git+https://github.com/pallets/flask@main"
#: Tools of requirements.txt that refuse Flask main, left out of its
#: environment (the listings that use them must skip there with a reason).
#: None today: flask-smorest 0.47 asks for Flask >=3.0.2,<4, and 3.2.0.dev0
#: satisfies it.
LEFT_OUT: tuple[str, ...] = ()
ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "_build" / "flask-next"
#: The two pytest runs: everything plain `pytest` runs, then the pages that
#: `nox -s chapters_on_flask` runs with Flask's classes in place of viewlib's.
RUNS = {
    "pages": (),
    "chapters-on-flask": ("--views=flask.views", "chapters", "index.md", "glossary.md"),
}
#: The section of versions.md this module writes; the rest is matrix_report's.
BEGIN = "<!-- flask-next: written by `python -m nox -s flask_next_report` -->"
END = "<!-- /flask-next -->"


def flask_source() -> str:
    """What pip installs Flask main from: $FLASK_NEXT, or Flask's git branch.

    $FLASK_NEXT is a path (a source tarball or checkout; relative to the
    repository root) or a URL that pip installs from.
    """
    source = os.environ.get("FLASK_NEXT", "").strip() or DEFAULT_SOURCE
    path = ROOT / source
    if path.exists():
        return str(path.resolve())
    if "://" in source:
        return source
    raise SystemExit(f"FLASK_NEXT={source}: no such file or folder, nor a URL")


def requirements() -> list[str]:
    """requirements.txt's packages except Flask and LEFT_OUT (and the editable `.`)."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    packages = [line for line in lines if line and not line.startswith("-")]
    skipped = {"flask", *LEFT_OUT}
    return [p for p in packages if re.split(r"[<>=!~ \[]", p)[0] not in skipped]


def pytest_runs(folder: Path) -> list[tuple[str, ...]]:
    """The arguments of each pytest run, each writing its report into *folder*."""
    common = ("-p", "no:cacheprovider")
    return [
        (*common, *args, f"--junitxml={folder / name}.xml")
        for name, args in RUNS.items()
    ]


def describe(path: Path) -> dict[str, str]:
    """Record the installed Flask: its version, commit and where it came from."""
    flask = distribution("flask")
    direct = json.loads(flask.read_text("direct_url.json") or "{}")
    url = str(direct.get("url", ""))
    commit = str(direct.get("vcs_info", {}).get("commit_id", ""))
    if not commit:  # a snapshot named after its commit: flask-3.2.0.dev-2ac8988.tar.gz
        match = re.search(r"-([0-9a-f]{7,40})\.(?:tar\.gz|zip)$", url)
        commit = match[1] if match else "unknown"
    facts = {
        "flask": flask.version,
        "werkzeug": version("werkzeug"),
        "commit": commit[:7],
        "source": url.rsplit("/", 1)[-1] if url.startswith("file:") else url,
        "python": ".".join(map(str, sys.version_info[:2])),
        "date": datetime.date.today().isoformat(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return facts


def tally(folder: Path) -> tuple[tuple[int, int, int], set[str]]:
    """Passed, skipped and failed in a folder's JUnit reports; the skip reasons."""
    passed = skipped = failed = 0
    reasons: set[str] = set()
    for report in sorted(folder.glob("*.xml")):
        for suite in ET.parse(report).getroot().iter("testsuite"):
            total, skip = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            fail = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            passed, skipped, failed = (
                passed + total - skip - fail,
                skipped + skip,
                failed + fail,
            )
            reasons |= {str(case.get("message")) for case in suite.iter("skipped")}
    return (passed, skipped, failed), reasons


def section(folder: Path = REPORTS) -> str:
    """The versions.md section from the reports of both environments."""
    rows, reasons = [], {}
    for name, label in (
        ("next", "Flask main (3.2.0.dev)"),
        ("release", "Flask release"),
    ):
        facts = json.loads((folder / name / "flask.json").read_text(encoding="utf-8"))
        counts, skips = tally(folder / name)
        if name == "release":
            label = f"Flask {facts['flask']} (requirements.txt)"
        commit = facts["commit"] if name == "next" else "release"
        rows.append(
            f"| {label} | {facts['flask']} | {facts['date']} | {commit} | "
            f"Python {facts['python']}, Werkzeug {facts['werkzeug']} | "
            "{} passed, {} skipped, {} failed |".format(*counts)
        )
        reasons[label] = sorted(skips)
    lists = "\n\n".join(
        f"Skipped on {label}:\n\n" + "\n".join(f"- {r}" for r in skips or ["none"])
        for label, skips in reasons.items()
    )
    left_out = ", ".join(LEFT_OUT) or "none"
    return SECTION.format(
        begin=BEGIN, end=END, rows="\n".join(rows), lists=lists, left_out=left_out
    )


SECTION = """\
{begin}

## Flask main (3.2.0.dev)

Flask 3.2 is not released yet. `python -m nox -s flask_next` installs its
main branch (or the source in `$FLASK_NEXT`) with the other tools of
`requirements.txt` (left out there: {left_out}) and runs what the release's
environment runs: plain `pytest` (the conformance suite on both
implementations, the chapters, the other pages and every other test, in
their quick sample) and the chapters on `flask.views`. The release row is
the same two runs on the Flask that `requirements.txt` installs.
What Flask 3.2 changes for class-based views, each point run on both:
{{doc}}`chapters/14-flask-3-2`.

| run | Flask | date | commit | environment | tests |
|---|---|---|---|---|---|
{rows}

Listings that show one version's behaviour are skipped on the other; the
reasons, as each skipped test gives them:

{lists}

{end}
"""


def with_section(page: str, new: str) -> str:
    """versions.md's text with its Flask main section replaced (or added at the end)."""
    if BEGIN in page and END in page:
        head, rest = page.split(BEGIN, 1)
        return head + new.rstrip("\n") + rest.split(END, 1)[1]
    return page.rstrip("\n") + "\n\n" + new


def keep_section(page: str, versions: Path = ROOT / "versions.md") -> str:
    """A freshly generated versions.md with the section the old one had, if any."""
    old = versions.read_text(encoding="utf-8") if versions.exists() else ""
    if BEGIN in old and END in old:
        kept = BEGIN + old.split(BEGIN, 1)[1].split(END, 1)[0] + END + "\n"
        return with_section(page, kept)
    return page


def main(argv: list[str]) -> int:
    if argv[:1] == ["describe"] and len(argv) == 2:
        facts = describe(Path(argv[1]))
        print(", ".join(f"{key} {value}" for key, value in facts.items()))
        return 0
    if argv == ["report"]:
        versions = ROOT / "versions.md"
        page = versions.read_text(encoding="utf-8")
        versions.write_text(with_section(page, section()), encoding="utf-8")
        print(f"{versions.name}: the Flask main section rewritten")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
