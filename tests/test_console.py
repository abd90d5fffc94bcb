"""Every console block that shows output is run, and prints what it shows.

tests/console_blocks.py runs them (the convention is in its docstring and in
CONTRIBUTING.md): the servers on 127.0.0.1 at ephemeral ports, the curl
commands against them, on viewlib and on flask.views.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.budget import full_runs_only
from tests.console_blocks import (
    PAGES,
    ROOT,
    blocks,
    difference,
    environment,
    run_page,
    runnable_pages,
)

needs_curl = pytest.mark.skipif(
    not shutil.which("curl") and not os.environ.get("CI"),
    reason="no curl: apt-get install curl (CI installs it)",
)


@full_runs_only("a server per page, on both implementations")
@needs_curl
@pytest.mark.parametrize("implementation", ["viewlib", "flask.views"])
@pytest.mark.parametrize("page", runnable_pages())
def test_page_prints_what_it_shows(page, implementation, tmp_path):
    mismatches = list(run_page(page, environment(str(tmp_path), implementation)))
    assert not mismatches, "\n\n".join(mismatches)


@pytest.mark.parametrize("page", PAGES)
def test_every_console_block_is_found(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    # Indented fences too: a list item or a dropdown holds some.
    assert len(blocks(page)) == len(re.findall(r"^[ \t]*```console", text, re.M))


def run(text: str, tmp_path: Path) -> list[str]:
    return list(run_page("made-up.md", environment(str(tmp_path)), text))


HELLO = """
```console
$ flask --app chapters/apps/hello.py run
```

```console
$ curl http://127.0.0.1:5000/hello/World; echo
{answer}
```
"""


@needs_curl
def test_a_wrong_answer_on_the_page_fails(tmp_path):
    assert run(HELLO.format(answer="Hello, World!"), tmp_path) == []
    (mismatch,) = run(HELLO.format(answer="Hello, Mars!"), tmp_path)
    assert "the page shows:\nHello, Mars!\n" in mismatch
    assert "it printed:\nHello, World!\n" in mismatch


def test_an_indented_block_is_found_and_run(tmp_path):
    page = "- In a list item:\n\n  ```console\n  $ ls\n  LICENSE\n  ```\n"
    (block,) = blocks("made-up.md", page)
    assert block.line == 3
    assert [(c.text, c.line, c.output) for c in block.commands] == [
        ("ls", 4, ["LICENSE"])
    ]
    assert run(page, tmp_path) == [
        "made-up.md:4: $ ls\n  shows output but cannot be run here"
    ]


def test_a_line_outside_an_indented_block_is_refused():
    page = "  ```console\n  $ ls\nLICENSE\n  ```\n"
    with pytest.raises(ValueError, match=r"made-up\.md:3: less indented"):
        blocks("made-up.md", page)


def test_output_of_a_command_it_cannot_run_fails(tmp_path):
    page = "```console\n$ ls\nLICENSE\n```\n"
    assert run(page, tmp_path) == [
        "made-up.md:2: $ ls\n  shows output but cannot be run here"
    ]


def test_a_curl_without_a_server_fails(tmp_path):
    page = "```console\n$ curl http://127.0.0.1:5000/\nhello\n```\n"
    (mismatch,) = run(page, tmp_path)
    assert "no server is running" in mismatch


def test_only_an_exercise_check_runs_under_pytest(tmp_path):
    page = "```console\n$ pytest tests\n...\n```\n"
    (mismatch,) = run(page, tmp_path)
    assert "only an exercise's check runs here" in mismatch


def test_a_url_off_this_machine_is_refused_before_anything_runs(tmp_path):
    page = HELLO.format(answer="x").replace("127.0.0.1:5000", "example.com")
    with pytest.raises(
        AssertionError, match=r"not a 127\.0\.0\.1 URL: http://example\.com"
    ):
        run(page, tmp_path)


def test_only_date_server_and_port_are_ignored():
    shown = [
        "HTTP/1.1 200 OK",
        "Date: Fri, 27 Nov 2026",
        "Server: waitress",
        "Location: http://127.0.0.1:5000/a",
    ]
    printed = (
        "HTTP/1.1 200 OK\r\nDate: Mon, 7 Dec\r\nServer: Werkzeug/3.1.9\r\n"
        "Location: http://127.0.0.1:41234/a\r\n"
    )
    assert difference(shown, printed) is None
    assert difference(shown, printed.replace("/a", "/b")) is not None
    assert (
        difference(
            [*shown[:3], "Allow: GET, HEAD"],
            printed.replace("Location: http://127.0.0.1:41234/a", "Allow: HEAD, GET"),
        )
        is not None
    )


def test_an_ellipsis_stands_for_lines():
    assert (
        difference(
            ["HTTP/1.1 404 NOT FOUND", "...", "{}"],
            "HTTP/1.1 404 NOT FOUND\nA: 1\nB: 2\n\n{}\n",
        )
        is None
    )


def test_commands_only_blocks_are_not_checked(tmp_path):
    page = "```console\n$ pytest tests\n$ python -m nox\n```\n"
    assert run(page, tmp_path) == []


@needs_curl
def test_commands_only_blocks_run_in_order_before_a_block_that_shows_output(
    tmp_path,
):
    # The export and the server of the first block (no output shown) serve
    # the second block; the third block comes after the last one that shows
    # output, so nothing runs it (its URL, off this machine, would be refused).
    page = (
        "```console\n$ export NAME=Reader\n"
        "$ flask --app chapters/apps/hello.py run\n```\n\n"
        "```console\n$ curl http://127.0.0.1:5000/hello/$NAME; echo\n"
        "Hello, Reader!\n```\n\n"
        "```console\n$ curl http://example.com/\n```\n"
    )
    assert run(page, tmp_path) == []
    assert run(page.replace("NAME=Reader", "NAME=Mars"), tmp_path) != []


def test_colour_codes_and_line_ends_are_normalized():
    # What the page shows is compared with what was printed after both lose
    # ANSI colour codes (flask run colours its banner) and \r\n becomes \n.
    assert (
        difference(["Press CTRL+C to quit"], "\x1b[33mPress CTRL+C to quit\x1b[0m\r\n")
        is None
    )
    assert difference(["Press CTRL+C to quit"], "Press CTRL+C to stop\r\n") is not None
