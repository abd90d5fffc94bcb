"""The built site, read in a real browser: headless Chromium over every page.

Not part of the plain `pytest` run (the name does not start with ``test_``):
``python -m nox -s browser`` builds the site and runs this file. It needs
Debian's ``chromium`` and ``chromium-driver`` (``apt-get install chromium
chromium-driver``); without them it skips, except under CI, where a missing
browser is a failure.

The site is served from ``_build/html`` on 127.0.0.1 at an ephemeral port, and
the browser resolves every other host name to nothing, so a page that tried
to load anything from outside would show it as a failed request. Screenshots
of every page, at each width and in each colour mode, go to
``_build/screenshots/``, with ``summary.json`` holding the figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.browser_harness import (
    ROOT,
    SITE,
    chromium,
    log,
    open_page,
    requested_urls,
    serve,
)

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402 - only once selenium is known to exist
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SHOTS = ROOT / "_build" / "screenshots"
WIDTHS = (1280, 390)
MODES = ("light", "dark")
#: Pages of the site: every HTML file Sphinx wrote, less its internal folders.
PAGES = sorted(
    path.relative_to(SITE).as_posix()
    for path in SITE.rglob("*.html")
    if not path.relative_to(SITE).parts[0].startswith("_")
)
FIGURES: Counter[str] = Counter()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not PAGES:
        pytest.fail("no site in _build/html: run `python -m nox -s browser`")
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    chrome = chromium()
    yield chrome
    chrome.quit()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "summary.json").write_text(json.dumps(dict(FIGURES), indent=2) + "\n")
    print("\nbrowser figures:", dict(FIGURES))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_cleanly(
    browser: webdriver.Chrome, base_url: str, page: str, width: int, mode: str
) -> None:
    browser.set_window_size(width, 1000)
    open_page(browser, base_url)  # furo reads the colour mode from localStorage
    browser.execute_script("localStorage.setItem('theme', arguments[0])", mode)
    log(browser, "browser")
    requested_urls(browser)

    open_page(browser, urljoin(base_url, page))

    errors = [e["message"] for e in log(browser, "browser") if e["level"] == "SEVERE"]
    assert errors == [], f"console errors on {page}"
    outside = [
        url
        for url in requested_urls(browser)
        if not url.startswith((base_url, "data:", "about:", "blob:"))
    ]
    assert outside == [], f"{page} asked for another host"
    assert browser.execute_script("return document.body.dataset.theme") == mode
    if width == 1280:
        too_wide = browser.execute_script(
            "return [...document.querySelectorAll('div.highlight pre')]"
            ".filter(pre => pre.scrollWidth > pre.clientWidth + 1)"
            ".map(pre => pre.textContent.slice(0, 80))"
        )
        assert too_wide == [], f"code blocks that scroll sideways on {page}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = page.removesuffix(".html").replace("/", "-")
    browser.save_screenshot(str(SHOTS / f"{name}-{width}-{mode}.png"))
    FIGURES["pages checked"] += 1 if (width, mode) == (WIDTHS[0], MODES[0]) else 0
    FIGURES["screenshots"] += 1


class Links(HTMLParser):
    """Collects the ids a page defines and the links it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))


def parse(page: str) -> Links:
    links = Links()
    links.feed((SITE / page).read_text(encoding="utf-8"))
    return links


def test_every_internal_link_and_anchor_resolves(base_url: str) -> None:
    parsed = {page: parse(page) for page in PAGES}
    broken = []
    for page, links in parsed.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue  # an outside link: shown, never requested by the page
            target = urlsplit(urljoin(page, parts.path)).path if parts.path else page
            if target.endswith("/"):
                target += "index.html"
            file = SITE / unquote(target)
            FIGURES["internal links"] += 1
            if not file.is_file():
                broken.append(f"{page}: {href}")
                continue
            if parts.fragment:
                FIGURES["anchors"] += 1
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page}: {href}")
    assert broken == []


@pytest.mark.parametrize("word", ["init_every_request", "MethodView"])
def test_search_finds_with_previews(
    browser: webdriver.Chrome, base_url: str, word: str
) -> None:
    open_page(browser, urljoin(base_url, f"search.html?q={word}"))
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#search-results ul.search li")
    )
    results = browser.find_elements(By.CSS_SELECTOR, "#search-results ul.search li")
    previews = [
        p.text for p in browser.find_elements(By.CSS_SELECTOR, "ul.search li p.context")
    ]
    assert len(results) >= 2
    assert any(word in text for text in previews), previews
    FIGURES["search results"] += len(results)


def copy_every_listing(
    browser: webdriver.Chrome, base_url: str, page: str
) -> list[str]:
    """Click the copy button of each Python listing on a page: what was copied."""
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": base_url.rstrip("/"), "permissions": ["clipboardReadWrite"]},
    )
    open_page(browser, urljoin(base_url, page))
    copied = []
    for button in browser.find_elements(
        By.CSS_SELECTOR, "div.highlight-python button.copybtn"
    ):
        browser.execute_script("arguments[0].click()", button)
        copied.append(
            browser.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "navigator.clipboard.readText().then(done, e => done('ERROR ' + e));"
            )
        )
    return copied


def test_copy_buttons_copy_code_that_runs(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Every listing of the first chapter, copied in order, is a script that runs."""
    page = "chapters/01-view.html"
    copied = copy_every_listing(browser, base_url, page)
    source = (SITE / page).read_text(encoding="utf-8")
    assert len(copied) >= 5
    assert not any(text.startswith("ERROR") for text in copied)
    lines = [line for text in copied for line in text.splitlines()]
    assert not any(line.startswith((">>> ", "... ")) for line in lines)
    assert "&gt;&gt;&gt; " in source  # the page did show prompts
    FIGURES["copy buttons clicked"] += len(copied)
    result = subprocess.run(
        [sys.executable, "-c", "\n".join(copied)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
