"""Every chapter states the reading time of its main path, and the time fits its length.

The estimate is ``tests/prose.py``'s: words of main-path prose, listings and
their lines of code, at the rates that module states. A chapter that grows
or shrinks past the tolerance fails here until its stated time is updated
(``python -m tests.prose chapters/*.md`` prints both).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.prose import (
    CODE_LINES_PER_MINUTE,
    WORDS_PER_MINUTE,
    Weight,
    stated_minutes,
    weigh,
)

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md"))
#: How far a stated time may be from the estimate: times are stated to the
#: nearest 5 minutes, so 2.5 minutes of rounding, and a little more.
TOLERANCE_MINUTES = 3.5


def test_there_are_chapters() -> None:
    assert len(CHAPTERS) >= 14


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_chapter_states_its_main_path_reading_time(chapter: Path) -> None:
    stated = stated_minutes(chapter.read_text(encoding="utf-8"))
    assert stated is not None, (
        f"{chapter.name} must open with '*About N minutes on the main path.'"
    )
    assert stated % 5 == 0, f"{chapter.name} states {stated} minutes: a multiple of 5"
    estimate = weigh(chapter).minutes
    assert abs(stated - estimate) <= TOLERANCE_MINUTES, (
        f"{chapter.name} states {stated} minutes; its main path measures "
        f"{estimate:.1f} (python -m tests.prose {chapter.relative_to(ROOT)})"
    )


def test_the_estimate_counts_words_code_and_listings(tmp_path: Path) -> None:
    page = (
        "# T\n\nOne two three four.\n\n```python\n>>> 1 + 1\n2\n```\n\n"
        ":::{dropdown} Going deeper: more\nfive six\n\n```python\nx = 1\n```\n:::\n"
    )
    path = tmp_path / "sample.md"
    path.write_text(page, encoding="utf-8")
    weight = weigh(path)
    # The title and the paragraph; the dropdown's title and body are optional.
    assert weight == Weight(words=5, listings=1, code_lines=2, optional=5)
    assert stated_minutes("*About 12 minutes on the main path. Assumes*") == 12
    assert stated_minutes("*About 12 minutes. Assumes*") is None


def test_the_front_page_states_the_rates_used() -> None:
    text = " ".join((ROOT / "index.md").read_text(encoding="utf-8").split())
    assert f"{WORDS_PER_MINUTE} words of prose a minute" in text
    assert f"{CODE_LINES_PER_MINUTE} lines of code or output a minute" in text


def test_the_front_page_states_the_core_chapters_reading_time() -> None:
    # index.md, "How to read it": chapters 1 to 5 in about two hours,
    # the exercises not counted (the estimate weighs the pages only).
    text = " ".join((ROOT / "index.md").read_text(encoding="utf-8").split())
    assert "chapters 1 to 5, the tutorial, take about two hours to read" in text
    assert "plus the time their five exercises take you" in text
    total = sum(weigh(chapter).minutes for chapter in CHAPTERS[:5])
    assert abs(total - 120) <= 7.5, f"chapters 1 to 5 measure {total:.1f} minutes"


def test_the_dropdowns_outweigh_the_main_path_in_most_core_chapters() -> None:
    # index.md, "How to read it": "in most of chapters 1 to 5 they are longer
    # than the main path".
    text = " ".join((ROOT / "index.md").read_text(encoding="utf-8").split())
    assert "in most of chapters 1 to 5 they are longer than the main path" in text
    weights = [weigh(chapter) for chapter in CHAPTERS[:5]]
    longer = [w for w in weights if w.optional > w.words]
    assert len(longer) >= 3, [(w.words, w.optional) for w in weights]
