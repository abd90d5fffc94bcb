# SPDX-License-Identifier: MIT
"""The pages' ```` ```console ```` blocks, run as a reader would run them.

A console block is what a reader types (lines starting with ``$ ``) and,
below a command, what it prints; its fence may be indented, inside a list
item or a dropdown. The convention (CONTRIBUTING.md):

- A block that shows **no output** is commands only. Nothing here runs it,
  except where a later block of the page shows output: then its servers,
  ``curl`` and ``export`` commands run too, in order, since the later block
  may depend on them (a server started in one block serves the next).
- A block that **shows output** is run by ``tests/test_console.py``, and may
  hold only the commands this module knows how to run:

  - ``flask --app PATH run`` and ``python chapters/apps/NAME.py``: a server,
    started from the repository root on 127.0.0.1 at an ephemeral port
    (``--port 0``); what it prints at start (stdout and stderr, colour codes
    removed) is compared with the lines below the command. It runs until the
    page starts another server, or the page ends.
  - ``curl ...``, alone or in a pipeline (``| grep ...``, ``; echo``): run by
    bash in a scratch folder of the page's own (cookie files land there),
    with every ``http://127.0.0.1:PORT`` pointed at the running server. Only
    URLs on 127.0.0.1 are allowed. Its stdout is compared with the page.
  - ``pytest chapters/exercises/NN-slug``: an exercise's check on its
    starter, run by bash from the repository root; its stdout is compared.
  - ``export NAME=VALUE``: sets the variable for the later commands and
    servers of the page.

  A block whose command this module cannot run (``grade.py`` as root) has
  ``% output checked by: tests/FILE.py::test_name`` on the line above it:
  that test compares its output, and here only its existence is checked.

Comparison is doctest's, with ELLIPSIS (a ``...`` stands for any text,
several lines too); line ends are normalized (``-i`` prints ``\\r\\n``), and
three things are ignored: the values of the ``Date`` and ``Server`` headers
and the port number after ``127.0.0.1:``. Nothing else: a header order that
varies between runs (``Allow`` comes from a Python set) fails some runs, so
a page must not show one.

Every server and command is bounded in time (``TIMEOUT``) and stopped when
the page is done.
"""

from __future__ import annotations

import doctest
import os
import queue
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Every page that can hold a console block.
PAGES = (
    *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "chapters").glob("*.md")),
    "index.md",
    "api.md",
    "glossary.md",
    "instructors.md",
    "versions.md",
    "README.md",
    "CONTRIBUTING.md",
)
TIMEOUT = 120.0  # seconds: a server's start, or one command (a busy machine is slow)
#: A console fence, at a line's start or indented (inside a list item or a
#: dropdown): its closing fence has the same indentation, which is removed
#: from the lines between.
FENCE = re.compile(r"^([ \t]*)```console[ \t]*\n(.*?)^\1```[ \t]*$", re.M | re.S)
FLASK_RUN = re.compile(r"flask --app (\S+) run")
PYTHON_SERVER = re.compile(r"python (chapters/apps/\w+\.py)")
EXERCISE = re.compile(r"pytest chapters/exercises/\d\d-[\w-]+")
EXPORT = re.compile(r"export (\w+)=(\S*)")
#: A MyST comment just above a block whose output another test compares
#: (a command this runner cannot run, such as grade.py as root):
#: ``% output checked by: tests/test_grade.py::test_name``.
CHECKED = re.compile(r"% output checked by: (tests/[\w/]+\.py)::(\w+)")
LOCAL_URL = re.compile(r"http://127\.0\.0\.1:\d+")
ANY_URL = re.compile(r"\w+://[^\s'\"]+")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
IGNORED_HEADERS = re.compile(r"^(Date|Server): .*$", re.M | re.I)


@dataclass
class Command:
    """One ``$ `` line of a block and the lines the page shows below it."""

    text: str
    line: int  # in the page, 1-based
    output: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``server``, ``curl``, ``pytest``, ``export`` or ``other`` (not run)."""
        if FLASK_RUN.fullmatch(self.text) or PYTHON_SERVER.fullmatch(self.text):
            return "server"
        if EXPORT.fullmatch(self.text):
            return "export"
        words = shlex.split(self.text, posix=True) if self.text else [""]
        return words[0] if words[0] in ("curl", "pytest") else "other"


@dataclass
class Block:
    """One console block of a page."""

    page: str
    line: int  # the fence's line, 1-based
    commands: list[Command]
    #: (test file, test function) that compares this block's output, if any
    checked_by: tuple[str, str] | None = None

    @property
    def shows_output(self) -> bool:
        return any(command.output for command in self.commands)


def blocks(page: str, text: str | None = None) -> list[Block]:
    """The console blocks of *page* (a path from the repository root)."""
    if text is None:
        text = (ROOT / page).read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        first = text.count("\n", 0, match.start(2)) + 1
        indent = match[1]
        commands: list[Command] = []
        for number, line in enumerate(match[2].splitlines(), first):
            if line.startswith(indent):
                line = line[len(indent) :]
            elif line.strip():
                raise ValueError(f"{page}:{number}: less indented than its fence")
            if line.startswith("$ "):
                commands.append(Command(line[2:].strip(), number))
            elif commands:
                commands[-1].output.append(line)
            elif line.strip():
                raise ValueError(f"{page}:{number}: output before any command")
        above = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        marker = CHECKED.fullmatch(above)
        checked_by = (marker[1], marker[2]) if marker else None
        found.append(Block(page, first - 1, commands, checked_by))
    return found


def normalized(text: str) -> str:
    """What the comparison sees: line ends, ignored headers and ports made equal."""
    text = ANSI.sub("", text.replace("\r\n", "\n"))
    text = IGNORED_HEADERS.sub(lambda m: f"{m[1].title()}: ...", text)
    return LOCAL_URL.sub("http://127.0.0.1:PORT", text)


def difference(shown: list[str], printed: str) -> str | None:
    """None if *printed* matches the *shown* lines, else a report of both."""
    want = normalized("\n".join(shown) + "\n" if shown else "")
    got = normalized(printed)
    checker = doctest.OutputChecker()
    if checker.check_output(want, got, doctest.ELLIPSIS):
        return None
    return f"the page shows:\n{want}\nit printed:\n{got}"


class Server:
    """A server command of a page, running; its output is read in a thread."""

    def __init__(self, command: Command, env: Mapping[str, str]) -> None:
        self.command = command
        match = FLASK_RUN.fullmatch(command.text)
        if match:
            argv = [sys.executable, "-m", "flask", "--app", match[1], "run"]
        else:
            script = PYTHON_SERVER.fullmatch(command.text)
            assert script is not None
            argv = [sys.executable, script[1]]
        self.process = subprocess.Popen(
            [*argv, "--port", "0"],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def start(self) -> tuple[str, str]:
        """Wait for its address; return it and what it printed by then.

        It has printed its banner once it has named the address and printed
        as many lines as the page shows (or the address line, if fewer).
        """
        printed: list[str] = []
        address = ""
        deadline = time.monotonic() + TIMEOUT
        while not address or len(printed) < len(self.command.output):
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            printed.append(line)
            found = LOCAL_URL.search(line)
            address = address or (found[0] if found else "")
        if not address:
            self.stop()
            raise AssertionError(
                f"{self.command.text}: no address within {TIMEOUT:.0f} s;"
                f" it printed:\n{''.join(printed)}"
            )
        return address, "".join(printed)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(TIMEOUT)
        self.reader.join(TIMEOUT)
        assert self.process.stdout is not None
        self.process.stdout.close()


def check_local(command: Command) -> None:
    """Refuse a command that names any URL not on 127.0.0.1."""
    for url in ANY_URL.findall(command.text):
        if not LOCAL_URL.match(url):
            raise AssertionError(f"line {command.line}: not a 127.0.0.1 URL: {url}")


def run_page(
    page: str, env: Mapping[str, str], text: str | None = None
) -> Iterator[str]:
    """Run the page's console blocks in order; yield each mismatch found.

    *env* is the environment for the servers and commands (the test gives
    each page a fresh database and its own scratch folder).
    """
    env = dict(env)
    page_blocks = blocks(page, text)
    last = max((i for i, b in enumerate(page_blocks) if b.shows_output), default=-1)
    server: Server | None = None
    address = ""
    with tempfile.TemporaryDirectory(prefix="viewlib-console-") as scratch:
        try:
            for block in page_blocks[: last + 1]:
                if block.checked_by is not None:
                    path, name = block.checked_by
                    source = ROOT / path
                    if not (
                        source.is_file()
                        and f"def {name}(" in source.read_text(encoding="utf-8")
                    ):
                        yield f"{page}:{block.line}: no test {path}::{name}"
                    continue  # that test runs it and compares its output
                for command in block.commands:
                    where = f"{page}:{command.line}: $ {command.text}"
                    if command.kind == "other" or (
                        command.kind == "pytest" and not block.shows_output
                    ):
                        if block.shows_output:
                            yield f"{where}\n  shows output but cannot be run here"
                        continue
                    if command.kind == "export":
                        name, value = EXPORT.fullmatch(command.text).groups()  # type: ignore[union-attr]
                        env[name] = value
                        printed = ""
                    elif command.kind == "server":
                        if server is not None:
                            server.stop()
                        server = Server(command, env)
                        address, printed = server.start()
                    elif command.kind == "pytest" and not EXERCISE.fullmatch(
                        command.text
                    ):
                        yield f"{where}\n  only an exercise's check runs here"
                        continue
                    else:
                        check_local(command)
                        if command.kind == "curl" and not address:
                            yield f"{where}\n  no server is running"
                            continue
                        printed = subprocess.run(
                            ["bash", "-c", LOCAL_URL.sub(address, command.text)],
                            cwd=scratch if command.kind == "curl" else ROOT,
                            env=env,
                            stdin=subprocess.DEVNULL,
                            capture_output=True,
                            text=True,
                            timeout=TIMEOUT,
                        ).stdout
                    # A server's banner is compared when the page shows it.
                    if command.kind == "server" and not command.output:
                        continue
                    mismatch = difference(command.output, printed)
                    if mismatch:
                        yield f"{where}\n{mismatch}"
        finally:
            if server is not None:
                server.stop()


def runnable_pages() -> list[str]:
    """The pages with a console block that shows output."""
    return [page for page in PAGES if any(b.shows_output for b in blocks(page))]


def environment(scratch: str, implementation: str = "viewlib") -> dict[str, str]:
    """The environment a page's servers and commands run with.

    The servers import this checkout's viewlib or, for ``flask.views``, a
    stand-in ``viewlib`` package (in *scratch*) whose names are Flask's.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FLASK_", "EXERCISE_", "PYTEST_"))
    }
    paths = [str(ROOT)]
    if implementation == "flask.views":
        stand_in = Path(scratch, "flask_views", "viewlib")
        stand_in.mkdir(parents=True)
        (stand_in / "__init__.py").write_text(
            "from flask.views import MethodView, View, http_method_funcs\n"
        )
        paths.insert(0, str(stand_in.parent))
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    # The bookshelf starts on a fresh database of its own, not the one in
    # chapters/apps/instance that a reader's own runs fill.
    env["PYTEST_ADDOPTS"] = "-p no:cacheprovider"  # no .pytest_cache written
    env["BOOKSHELF_DATABASE"] = os.path.join(scratch, "bookshelf.sqlite")
    return env
