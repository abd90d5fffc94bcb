"""Word counts for the chapters: how long the main path is, and how much is optional.

Run ``python -m tests.prose chapters/*.md`` for a table. Prose is every line
outside code fences, directives' option lines and MyST comments; a line inside
a ``:::{dropdown}`` block (a "Going deeper" section) counts as optional.

The table also counts the main path's listings and their lines of code (a
``literalinclude`` counts the lines it shows) and estimates its reading time
from both, at the rates below. Each chapter states that time in its first
paragraph, and ``tests/test_reading_time.py`` holds the two together.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

#: Words of main-path prose read per minute: technical text with code in it
#: is read slower than the 200 to 250 words a minute of plain prose.
WORDS_PER_MINUTE = 85
#: Lines of code (a listing's, or a shown output's) read per minute.
CODE_LINES_PER_MINUTE = 15
#: Minutes for each main-path listing besides its lines: finding where it
#: fits, and looking back at the code it uses.
MINUTES_PER_LISTING = 0.25


class Words(NamedTuple):
    main: int
    optional: int


class Weight(NamedTuple):
    """A page's main path: prose words, listings and their lines, and optional words."""

    words: int
    listings: int
    code_lines: int
    optional: int

    @property
    def minutes(self) -> float:
        """The estimated reading time of the main path, in minutes."""
        return (
            self.words / WORDS_PER_MINUTE
            + self.code_lines / CODE_LINES_PER_MINUTE
            + self.listings * MINUTES_PER_LISTING
        )


class Line(NamedTuple):
    text: str
    optional: bool  # inside a dropdown
    kind: str  # "prose", "code" (in a fence), "fence" (its opening line) or "skip"


def lines_of(text: str) -> Iterator[Line]:
    """Each line of a MyST page, with where it is and what it is."""
    code_fence: str | None = None
    dropdowns: list[str] = []  # the colon fences of the open dropdown blocks
    colon_fences: list[str] = []  # every open colon-fence directive
    for line in text.splitlines():
        stripped = line.strip()
        fence = re.match(r"(`{3,}|~{3,})", stripped)
        if code_fence is not None:
            if fence and stripped == code_fence[0] * len(code_fence):
                code_fence = None
                yield Line(line, bool(dropdowns), "skip")
            else:
                yield Line(line, bool(dropdowns), "code")
            continue
        if fence:
            code_fence = fence.group(1)
            yield Line(line, bool(dropdowns), "fence")
            continue
        colon = re.match(r"(:{3,})(\{[\w-]+\})?", stripped)
        if colon:
            if colon.group(2):
                colon_fences.append(colon.group(1))
                if colon.group(2) == "{dropdown}":
                    dropdowns.append(colon.group(1))
                    # its title, without the fence and directive name
                    yield Line(
                        stripped.split(None, 1)[1] if " " in stripped else "",
                        True,
                        "prose",
                    )
                    continue
            elif colon_fences and colon.group(1) == colon_fences[-1]:
                closed = colon_fences.pop()
                if dropdowns and dropdowns[-1] == closed:
                    dropdowns.pop()
            yield Line(line, bool(dropdowns), "skip")
            continue
        if re.match(r"(%|:\w[\w-]*:|<!--|\(.*\)=$)", stripped):
            yield Line(line, bool(dropdowns), "skip")  # a comment, an option, a label
            continue
        yield Line(line, bool(dropdowns), "prose")


def words_in(line: str) -> int:
    return len(re.findall(r"[\w'`{}~.()-]*\w", line.strip()))


def count_words(text: str) -> Words:
    """Count prose words in a MyST page, split into main path and dropdowns."""
    main = optional = 0
    for line in lines_of(text):
        if line.kind == "prose":
            if line.optional:
                optional += words_in(line.text)
            else:
                main += words_in(line.text)
    return Words(main, optional)


def included_lines(folder: Path, argument: str, options: dict[str, str]) -> int:
    """How many lines a ``literalinclude`` shows (its file, cut by its options)."""
    source = (folder / argument).read_text(encoding="utf-8")
    lines = source.splitlines()
    if "pyobject" in options:
        scope: list[ast.stmt] = ast.parse(source).body
        found: ast.stmt | None = None
        for name in options["pyobject"].split("."):  # Class.method
            found = next(n for n in scope if getattr(n, "name", None) == name)
            scope = getattr(found, "body", [])
        assert found is not None
        decorators: list[ast.expr] = getattr(found, "decorator_list", [])
        first: int = min([found.lineno, *(d.lineno for d in decorators)])
        return (found.end_lineno or found.lineno) - first + 1
    start, end = 0, len(lines)

    def find(key: str, after: int = 0) -> int:
        marker = options[key]
        if marker[:1] in "'\"":
            marker = ast.literal_eval(marker)  # a quoted option, escapes and all
        return next(i for i in range(after, len(lines)) if marker in lines[i])

    if "start-at" in options:
        start = find("start-at")
    if "start-after" in options:
        start = find("start-after") + 1
    if "end-before" in options:
        end = find("end-before", start)
    if "end-at" in options:
        end = find("end-at", start) + 1
    return sum(1 for text in lines[start:end] if text.strip())


def weigh(path: Path) -> Weight:
    """The main path of a chapter: its words, listings and lines of code."""
    text = path.read_text(encoding="utf-8")
    words = count_words(text)
    listings = code_lines = 0
    include: tuple[str, dict[str, str]] | None = None
    for line in lines_of(text):
        stripped = line.text.strip()
        if line.kind == "fence":
            include = None
            if not line.optional and re.match(
                r"`{3,}(python|console|\{literalinclude\})", stripped
            ):
                listings += 1
                match = re.match(r"`{3,}\{literalinclude\}\s+(\S+)", stripped)
                if match:
                    include = (match.group(1), {})
        elif line.kind == "code" and not line.optional:
            option = re.match(r":([\w-]+):\s*(.*)", stripped)
            if include is not None and option:
                include[1][option.group(1)] = option.group(2)
            elif include is None and stripped:
                code_lines += 1
        elif (
            line.kind == "skip"
            and include is not None
            and re.match(r"`{3,}$", stripped)
        ):
            code_lines += included_lines(path.parent, *include)
            include = None
    return Weight(words.main, listings, code_lines, words.optional)


def stated_minutes(text: str) -> int | None:
    """The reading time the page states in its first lines, in minutes."""
    match = re.search(r"^\*About (\d+) minutes on the main path", text[:600], re.M)
    return int(match.group(1)) if match else None


def main(paths: list[str]) -> None:
    total = Weight(0, 0, 0, 0)
    print(
        f"{'page':28} {'main':>5} {'deeper':>6} {'listings':>8} {'code':>5}"
        f" {'estimate':>8} {'stated':>6}"
    )
    for name in paths:
        path = Path(name)
        weight = weigh(path)
        total = Weight(*(a + b for a, b in zip(total, weight)))
        stated = stated_minutes(path.read_text(encoding="utf-8"))
        print(
            f"{path.name:28} {weight.words:5} {weight.optional:6} {weight.listings:8}"
            f" {weight.code_lines:5} {weight.minutes:7.1f}m {stated or '-':>5}m"
        )
    print(
        f"{'total':28} {total.words:5} {total.optional:6} {total.listings:8}"
        f" {total.code_lines:5} {total.minutes:7.1f}m"
    )
    print(
        f"(estimate: {WORDS_PER_MINUTE} words and {CODE_LINES_PER_MINUTE} lines of code"
        f" a minute, {MINUTES_PER_LISTING} min a listing; main path only)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
