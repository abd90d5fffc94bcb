# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The viewlib authors
"""The command line: ``python -m viewcheck [--format json] [--app M:F] PATH...``.

It prints one line per finding, ``PATH:LINE: CODE message; hint: ...; see URL``,
and a summary on standard error. The exit status says what happened:

- 0: nothing found;
- 1: at least one finding;
- 2: a usage error, or a file it could not read or parse (or an app it could
  not load), with a message that says which; other files are still checked.

A folder is searched for ``*.py`` files, except in folders whose name starts
with a dot and in ``SKIPPED_FOLDERS``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tokenize
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from .checker import Finding, analyse

SKIPPED_FOLDERS = frozenset(
    ["__pycache__", "node_modules", "_build", "build", "dist", "venv", "mutants"]
)


def python_files(path: Path) -> Iterator[Path]:
    """``path`` itself if it is a file, else the ``*.py`` files below it, sorted."""
    if not path.is_dir():
        yield path
        return
    for child in sorted(path.iterdir()):
        if child.is_dir():
            if not (child.name.startswith(".") or child.name in SKIPPED_FOLDERS):
                yield from python_files(child)
        elif child.suffix == ".py":
            yield child


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m viewcheck",
        description="Find class-based-view mistakes (Flask's View and MethodView).",
        epilog="Exit status: 0 nothing found, 1 findings, 2 an error.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format"
    )
    parser.add_argument(
        "--app",
        metavar="MODULE:FACTORY",
        help="also import MODULE (a module name or a .py file), call FACTORY() "
        "(or take it, if it is an app) and check the app's view functions; "
        "this runs the app's code",
    )
    parser.add_argument(
        "--docs",
        metavar="URL",
        default="",
        help="the address the tutorial's site is served from, put before each "
        "link (for example http://127.0.0.1:8000/)",
    )
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    out = out or sys.stdout
    arguments = parser().parse_args(argv)
    if not arguments.paths and not arguments.app:
        parser().error("give at least one PATH, or --app MODULE:FACTORY")
    try:
        return run(arguments, out)
    except Exception as error:  # a bug here must not end in a traceback
        print(
            f"viewcheck: internal error: {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return 2


def run(arguments: argparse.Namespace, out: TextIO) -> int:
    findings: list[Finding] = []
    errors: list[str] = []
    silenced = files = 0
    for given in arguments.paths:
        if not Path(given).exists():
            errors.append(f"{given}: no such file or folder")
            continue
        for path in python_files(Path(given)):
            files += 1
            try:
                with tokenize.open(path) as file:  # honours a coding: line
                    source = file.read()
                kept, quiet = analyse(source, str(path))
            except SyntaxError as error:
                errors.append(f"{path}:{error.lineno or 1}: cannot parse: {error.msg}")
                continue
            except (OSError, UnicodeDecodeError) as error:
                errors.append(f"{path}: cannot read: {error}")
                continue
            findings += kept
            silenced += len(quiet)
    if arguments.app:
        from .app import AppError, check_app_spec

        try:
            findings += check_app_spec(arguments.app)
        except AppError as failure:
            errors.append(f"--app {arguments.app}: {failure}")
    if arguments.docs:
        base = arguments.docs.rstrip("/") + "/"
        findings = [
            Finding(f.path, f.line, f.col, f.code, f.message, f.hint, base + f.url)
            for f in findings
        ]
    if arguments.format == "json":
        report = {
            "findings": [finding.as_dict() for finding in findings],
            "errors": errors,
            "files": files,
            "silenced": silenced,
        }
        print(json.dumps(report, indent=2), file=out)
    else:
        for finding in findings:
            print(finding.format(), file=out)
        for problem in errors:
            print(f"viewcheck: {problem}", file=sys.stderr)
        print(
            f"viewcheck: {len(findings)} finding(s) in {files} file(s); "
            f"{silenced} silenced by # noqa",
            file=sys.stderr,
        )
    return 2 if errors else 1 if findings else 0
