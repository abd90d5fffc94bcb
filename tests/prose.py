"""Word counts for the chapters: how long the main path is, and how much is optional.

Run ``python -m tests.prose chapters/*.md`` for a table. Prose is every line
outside code fences, directives' option lines and MyST comments; a line inside
a ``:::{dropdown}`` block (a "Going deeper" section) counts as optional.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple


class Words(NamedTuple):
    main: int
    optional: int


def count_words(text: str) -> Words:
    """Count prose words in a MyST page, split into main path and dropdowns."""
    main = optional = 0
    code_fence: str | None = None
    dropdowns: list[str] = []  # the colon fences of the open dropdown blocks
    colon_fences: list[str] = []  # every open colon-fence directive
    for line in text.splitlines():
        stripped = line.strip()
        fence = re.match(r"(`{3,}|~{3,})", stripped)
        if code_fence is not None:
            if fence and stripped == code_fence[0] * len(code_fence):
                code_fence = None
            continue
        if fence:
            code_fence = fence.group(1)
            continue
        colon = re.match(r"(:{3,})(\{[\w-]+\})?", stripped)
        if colon:
            if colon.group(2):
                colon_fences.append(colon.group(1))
                if colon.group(2) == "{dropdown}":
                    dropdowns.append(colon.group(1))
                    optional += len(stripped.split()) - 1  # its title
            elif colon_fences and colon.group(1) == colon_fences[-1]:
                closed = colon_fences.pop()
                if dropdowns and dropdowns[-1] == closed:
                    dropdowns.pop()
            continue
        if re.match(r"(%|:\w[\w-]*:|<!--|\(.*\)=$)", stripped):
            continue  # a comment, a directive option or a label
        words = len(re.findall(r"[\w'`{}~.()-]*\w", stripped))
        if dropdowns:
            optional += words
        else:
            main += words
    return Words(main, optional)


def main(paths: list[str]) -> None:
    total = Words(0, 0)
    print(f"{'page':32} {'main':>6} {'deeper':>7}")
    for path in paths:
        words = count_words(Path(path).read_text(encoding="utf-8"))
        total = Words(total.main + words.main, total.optional + words.optional)
        print(f"{Path(path).name:32} {words.main:6} {words.optional:7}")
    print(f"{'total':32} {total.main:6} {total.optional:7}")


if __name__ == "__main__":
    main(sys.argv[1:])
