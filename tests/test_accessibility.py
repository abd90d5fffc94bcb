"""Accessibility checks that need no browser (``nox -s browser`` runs axe-core).

- Every colour that the code listings' highlighting gives a token, in the
  light and the dark theme, has a contrast of at least 4.5:1 with the
  listing's background (WCAG 2.1 AA for text): axe-core checks the tokens
  that the pages hold today, this checks every token the styles define.
- Each Markdown table names all of its columns (axe-core's
  empty-table-header), versions.md's generated table included.
- _ext/a11y.py's fixes to furo's markup fail the build, rather than do
  nothing, when the markup they fix is not there.
- axe-core (accessibility/axe.py) is refused unless it is the pinned
  tarball, and offline its fetch says why.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

# Pygments ships no type information (mypy: import-untyped).
from pygments.style import Style  # type: ignore[import-untyped]
from pygments.styles import get_style_by_name  # type: ignore[import-untyped]
from pygments.token import Text, Token  # type: ignore[import-untyped]
from sphinx.errors import ExtensionError

import conf
from _ext import a11y
from accessibility import axe

ROOT = Path(__file__).parent.parent
#: WCAG 2.1 success criterion 1.4.3 (AA): text at least 4.5 times as light.
AA_TEXT = 4.5


def luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a colour written as hex (#rgb or #rrggbb)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#fff", "#fff") == pytest.approx(1)
    # #767676 on white is the well-known lightest grey that passes AA.
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#777777", "#ffffff") < AA_TEXT


def furo_default(option: str) -> str:
    """A default of the installed furo theme (its theme.conf)."""
    import furo  # type: ignore[import-untyped]

    parser = configparser.ConfigParser()
    parser.read(Path(furo.__file__).parent / "theme" / "furo" / "theme.conf")
    return parser["theme"][option]


#: The site's code styles: conf.py's, or furo's default where conf.py sets none.
STYLES = {
    "light": getattr(conf, "pygments_style", None) or furo_default("pygments_style"),
    "dark": conf.pygments_dark_style,
}


def coloured_tokens(style: type[Style]) -> dict[object, tuple[str, str]]:
    """Each token the style colours: its colour and the background under it."""
    colours = {}
    for token, definition in style:
        if token in Text.Whitespace:
            continue  # spaces and tabs: no glyph to see
        if definition["color"]:
            background = definition["bgcolor"] or style.background_color
            colours[token] = (f"#{definition['color']}", background)
    return colours


def too_faint(name: str) -> dict[str, float]:
    """The tokens of a Pygments style below AA contrast: their ratios."""
    tokens = coloured_tokens(get_style_by_name(name))
    assert Token.Keyword in tokens  # a style that colours code at all
    return {
        str(token): round(contrast(colour, background), 2)
        for token, (colour, background) in tokens.items()
        if contrast(colour, background) < AA_TEXT
    }


@pytest.mark.parametrize("theme", STYLES)
def test_highlighted_code_meets_aa_contrast(theme: str) -> None:
    assert too_faint(STYLES[theme]) == {}, f"{STYLES[theme]} ({theme})"


def test_a_faint_style_is_caught() -> None:
    """Pygments' "tango" colours strings #4e9a06 on #f8f8f8: 3.32 to 1."""
    assert too_faint("tango")["Token.Literal.String"] == 3.32


def header_cells(page: Path) -> list[list[str]]:
    """The header row of each Markdown table on *page*: its cells' text."""
    lines = page.read_text(encoding="utf-8").splitlines()
    rule = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")
    return [
        [cell.strip() for cell in lines[number - 1].strip().strip("|").split("|")]
        for number, line in enumerate(lines)
        if number and rule.match(line.strip())
    ]


SITE_PAGES = sorted(
    path
    for pattern in ("*.md", "chapters/*.md")
    for path in ROOT.glob(pattern)
    if path.name not in ("README.md", "CONTRIBUTING.md")
)


@pytest.mark.parametrize(
    "page", SITE_PAGES, ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_every_table_column_has_a_header(page: Path) -> None:
    empty = [cells for cells in header_cells(page) if "" in cells]
    assert empty == []


def test_versions_table_is_found_and_named() -> None:
    """versions.md (written by `nox -s matrix_report`) has its table."""
    headers = header_cells(ROOT / "versions.md")
    assert headers[0][:2] == ["Python", "Flask 2.2"]


def test_furo_markup_that_is_not_there_fails_the_build() -> None:
    with pytest.raises(ExtensionError, match="furo's markup changed"):
        a11y.name_landmarks("<body><p>a page furo did not write</p></body>")


def test_furo_landmarks_are_named() -> None:
    page = (
        '<aside class="sidebar-drawer">nav</aside>'
        '<div class="article-container"><a href="#" class="back-to-top muted-link">'
        "<span>Back to top</span></a>"
        '<div class="content-icon-container">tools</div>'
        '<article role="main" id="furo-main-content">text</article></div>'
        '<aside class="toc-drawer no-toc"></aside>'
    )
    named = a11y.name_landmarks(page)
    assert '<aside class="sidebar-drawer" aria-label="Site navigation">' in named
    assert '<aside class="toc-drawer no-toc" aria-label="On this page">' in named
    tools = '<div class="page-tools" role="region" aria-label="Page tools"><a href'
    assert tools in named
    assert '</div></div><article role="main"' in named


def test_axe_core_missing_says_how_to_fetch_it(tmp_path: Path) -> None:
    with pytest.raises(
        axe.AxeUnavailableError, match=re.escape("python -m accessibility.axe")
    ):
        axe.script(tmp_path)


def test_axe_core_that_is_not_the_pinned_tarball_is_refused(tmp_path: Path) -> None:
    (tmp_path / axe.TARBALL_NAME).write_bytes(b"not axe-core")
    with pytest.raises(axe.AxeUnavailableError, match="is not the pinned"):
        axe.script(tmp_path)


def test_offline_the_fetch_explains_and_the_optional_one_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def offline(work: Path) -> bytes:
        raise OSError("no route to registry.npmjs.org")

    monkeypatch.setattr(axe, "CACHE", tmp_path)
    monkeypatch.setattr(axe, "download", offline)
    assert axe.main(["--optional"]) == 0
    assert "no route to registry.npmjs.org" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="could not fetch axe-core"):
        axe.main([])
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_axe_core_missing_fails_every_browser_check_under_ci(monkeypatch) -> None:
    """README: offline, the browser and live sessions' axe-core checks skip
    and say why, except in CI, where they fail. Every check in the
    tests/*_in_browser.py files goes through site_in_browser's ``missing()``,
    never a plain skip, when axe-core is unavailable."""
    from tests import site_in_browser

    root = Path(__file__).parent
    handlers = {
        path.name: re.findall(
            r"except axe\.AxeUnavailableError.*\n.*", path.read_text(encoding="utf-8")
        )
        for path in sorted(root.glob("*_in_browser.py"))
    }
    assert handlers["live_in_browser.py"]
    assert handlers["site_in_browser.py"]
    for name, found in handlers.items():
        for handler in found:
            assert "missing(" in handler, f"{name}: {handler}"
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="no axe"):
        site_in_browser.missing("no axe")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no axe"):
        site_in_browser.missing("no axe")
