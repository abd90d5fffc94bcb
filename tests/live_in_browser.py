"""The examples, run in the reader's browser: headless Chromium presses Run.

Not part of the plain `pytest` run: ``python -m nox -s live`` fetches the
runtime (``_ext/live/fetch.py``), builds the site and runs this file. Like
``tests/site_in_browser.py`` it serves ``_build/html`` on 127.0.0.1 and
lets the browser resolve no other host, so a request anywhere else fails.

On every page with examples, "Check this page" must pass as many examples
as sybil passes locally on the same page, less those in blocks marked
``% live: local-only``. The figures (times, bytes) go to
``_build/live/figures.json``.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin

import pytest

from tests.browser_harness import (
    ROOT,
    SITE,
    Quiet,
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

LIVE = SITE / "_static" / "live"
#: Pages with examples: the build wrapped them in [data-live="block"].
PAGES = sorted(
    path.relative_to(SITE).as_posix()
    for path in SITE.rglob("*.html")
    if not path.relative_to(SITE).parts[0].startswith("_")
    and 'data-live="block"' in path.read_text(encoding="utf-8")
)
FIGURES: dict[str, Any] = {}
#: Generous: a cold start on a slow CI machine, then a whole chapter.
PATIENCE = 180
RESULT = re.compile(r"^(\d+) passed, (\d+) failed$")


class Gzipped(Quiet):
    """Serves as a static host does: compressed, with caching headers, so
    that the figures are the bytes and times a reader gets."""

    compressed: ClassVar[dict[Path, bytes]] = {}

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        modified = self.date_time_string(int(path.stat().st_mtime))
        if self.headers.get("If-Modified-Since") == modified:
            self.send_response(304)
            self.end_headers()
            return None
        if path not in self.compressed:
            self.compressed[path] = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(self.compressed[path])))
        self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(self.compressed[path])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not (LIVE / "manifest.json").is_file():
        pytest.fail("no site in _build/html: run `python -m nox -s live`")
    if "files" not in json.loads((LIVE / "manifest.json").read_text()):
        pytest.fail("the site was built without the runtime: run _ext/live/fetch.py")
    for path in LIVE.rglob("*"):  # compressed ahead: the cold start is the browser's
        if path.is_file():
            Gzipped.compressed[path] = gzip.compress(path.read_bytes(), 6, mtime=0)
    with serve(SITE, Gzipped) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    chrome = chromium()
    chrome.set_script_timeout(PATIENCE)
    yield chrome
    chrome.quit()
    out = ROOT / "_build" / "live"
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures.json").write_text(json.dumps(FIGURES, indent=2) + "\n")
    print("\nlive figures:", json.dumps(FIGURES, indent=2))


@pytest.fixture(scope="module")
def sybil_passes() -> dict[str, int]:
    """How many examples sybil passes locally, per page source and module.

    pytest names a page's items after its path ("chapters.01-view.md") and a
    module's docstring items after the module ("viewlib.views"). A ``% skip``
    comment is an item of its own that passes: not an example, left out.
    """
    report = ROOT / "_build" / "live" / "sybil.xml"
    sources = [page.removesuffix(".html") + ".md" for page in PAGES]
    subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *(f"--junitxml={report}", *sources, "viewlib", "viewcheck"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    skips = {
        (source.replace("/", "."), number)
        for source in sources
        for number, line in enumerate(
            (ROOT / source).read_text(encoding="utf-8").splitlines(), 1
        )
        if line.startswith("% skip:")
    }
    passes: dict[str, int] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = str(case.get("classname"))
        line = re.search(r"line:(\d+)", str(case.get("name")))
        if list(case) or (line and (name, int(line[1])) in skips):
            continue  # failed, skipped, or a skip comment
        passes[name] = passes.get(name, 0) + 1
    return passes


@pytest.fixture(scope="module")
def sybil_skips(sybil_passes: dict[str, int]) -> dict[str, int]:
    """How many examples sybil skips locally, per page source and module.

    A page may skip the listings that show another Flask release (chapter 14
    shows Flask 3.2 next to 3.1); the browser, on the same release, skips the
    same ones.
    """
    report = ROOT / "_build" / "live" / "sybil.xml"
    skips: dict[str, int] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("skipped") is not None:
            name = str(case.get("classname"))
            skips[name] = skips.get(name, 0) + 1
    return skips


def text(browser: webdriver.Chrome, selector: str) -> str:
    found = browser.find_elements(By.CSS_SELECTOR, selector)
    return found[0].text if found else ""


def press(browser: webdriver.Chrome, control: Any) -> None:
    browser.execute_script("arguments[0].click()", control)


def output_of(browser: webdriver.Chrome, block: Any) -> str:
    """Wait for a block's output (not a progress message) and return it."""
    output = block.find_element(By.CSS_SELECTOR, '[data-live="output"]')
    WebDriverWait(browser, PATIENCE).until(
        lambda b: (
            output.get_attribute("textContent")
            and not output.get_attribute("textContent").endswith("…")
        )
    )
    return str(output.get_attribute("textContent"))


def transferred(browser: webdriver.Chrome, size: str = "encodedBodySize") -> int:
    """Bytes of the page and everything it loaded so far: as sent (compressed),
    or with ``size="decodedBodySize"`` as stored."""
    total: int = browser.execute_script(
        "return performance.getEntries()"
        f".filter(e => e.{size} !== undefined)"
        f".reduce((sum, e) => sum + e.{size}, 0)"
    )
    return total


def blocks(browser: webdriver.Chrome, kind: str) -> list[Any]:
    selector = f'[data-live="block"][data-kind="{kind}"]'
    return browser.find_elements(By.CSS_SELECTOR, selector)


def test_first_run_timing_bytes_and_an_edited_example(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Nothing of the runtime before the first press; an edit runs as edited,
    and Check this page reports it with the expected and the actual output."""
    page = urljoin(base_url, "chapters/01-view.html")
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    timings = []
    for start in ("cold", "warm"):
        requested_urls(browser)  # forget the requests so far
        open_page(browser, page)
        before = transferred(browser)
        asked = requested_urls(browser)
        assert not [
            url for url in asked if "/_static/live/" in url and "live." not in url
        ]
        first = blocks(browser, "code")[0]
        started = time.perf_counter()
        press(browser, first.find_element(By.CSS_SELECTOR, ".live-button"))
        output_of(browser, first)
        timings.append(time.perf_counter() - started)
        FIGURES[f"{start}: seconds to first output"] = round(timings[-1], 2)
        if start == "cold":
            after = transferred(browser)
            FIGURES["chapter 1: KB sent before the first press"] = before // 1000
            FIGURES["chapter 1: KB sent by the first output"] = after // 1000
            FIGURES["chapter 1: KB uncompressed by the first output"] = (
                transferred(browser, "decodedBodySize") // 1000
            )
    # An edited session shows what the edit prints, not what the page showed.
    session = next(b for b in blocks(browser, "doctest") if "/hello/World" in b.text)
    pre = session.find_element(By.CSS_SELECTOR, "pre")
    browser.execute_script(
        "arguments[0].textContent = arguments[0].textContent"
        ".replace('/hello/World', '/hello/Reader')",
        pre,
    )
    press(browser, session.find_element(By.CSS_SELECTOR, ".live-button"))
    assert "'Hello, Reader!'" in output_of(browser, session)
    # Checked against the page's expected output, the edit is a failure.
    press(browser, browser.find_element(By.CSS_SELECTOR, '[data-live="run-page"]'))
    WebDriverWait(browser, PATIENCE).until(
        lambda b: RESULT.match(text(b, '[data-live="page-result"]'))
    )
    assert text(browser, '[data-live="page-result"]').endswith(" passed, 1 failed")
    shown = output_of(browser, session)
    assert "Expected:\n'Hello, World!'\nGot:\n'Hello, Reader!'" in shown, shown


def check_exercise(browser: webdriver.Chrome, block: Any, exercise: str) -> None:
    """Its Check fails on the starter, passes on the reference solution."""
    check = block.find_element(By.CSS_SELECTOR, ".live-button")
    press(browser, check)
    starter = RESULT.match(output_of(browser, block).splitlines()[0])
    assert starter, output_of(browser, block)
    assert int(starter[2]) > 0, "the starter passes its check"
    solution = (ROOT / "tests" / "exercise_solutions" / f"{exercise}.py").read_text()
    editor = block.find_element(By.CSS_SELECTOR, "pre")
    browser.execute_script("arguments[0].textContent = arguments[1]", editor, solution)
    press(browser, check)
    WebDriverWait(browser, PATIENCE).until(
        lambda b: output_of(b, block).splitlines()[0] != starter[0]
    )
    lines = output_of(browser, block).splitlines()
    assert RESULT.match(lines[0]), lines
    assert lines[0].endswith(" 0 failed"), lines
    FIGURES.setdefault("exercises", {})[exercise] = {
        "starter": starter[0],
        "solution": lines[0],
    }


@pytest.mark.parametrize("page", PAGES)
def test_check_this_page(
    browser: webdriver.Chrome,
    base_url: str,
    sybil_passes: dict[str, int],
    sybil_skips: dict[str, int],
    page: str,
) -> None:
    log(browser, "browser")
    open_page(browser, urljoin(base_url, page))
    size, raw = transferred(browser), transferred(browser, "decodedBodySize")
    assert size < 300_000, f"{page} weighs {size} bytes before any press"
    requested_urls(browser)
    started = time.perf_counter()
    press(browser, browser.find_element(By.CSS_SELECTOR, '[data-live="run-page"]'))
    WebDriverWait(browser, PATIENCE).until(
        lambda b: (
            RESULT.match(text(b, '[data-live="page-result"]'))
            or "could not" in text(b, ".live-page .live-note")
        )
    )
    result = browser.find_element(By.CSS_SELECTOR, '[data-live="page-result"]')
    counts = {
        key: int(result.get_attribute(f"data-{key}") or 0)
        for key in ("passed", "failed", "skipped", "local-only")
    }
    failures = [
        o.text[:2000]
        for o in browser.find_elements(By.CSS_SELECTOR, ".live-failed pre.live-output")
    ]
    assert (counts["failed"], failures) == (0, []), text(browser, ".live-page")
    # Locally: sybil's passes on the page's source and on the modules whose
    # docstrings it shows; in the browser, minus the local-only examples.
    modules = {b.get_attribute("data-namespace") for b in blocks(browser, "doctest")}
    sources = {page.removesuffix(".html").replace("/", ".") + ".md"} | modules
    local = sum(sybil_passes.get(str(name), 0) for name in sources if name)
    assert counts["passed"] + counts["local-only"] == local, counts
    skipped = sum(sybil_skips.get(str(name), 0) for name in sources if name)
    assert counts["skipped"] == skipped, counts
    outside = [u for u in requested_urls(browser) if not u.startswith(base_url)]
    assert outside == [], f"{page} asked another host"
    errors = [e["message"] for e in log(browser, "browser") if e["level"] == "SEVERE"]
    assert errors == [], f"console errors on {page}"
    FIGURES.setdefault("pages", {})[page] = {
        "KB sent before a press": round(size / 1000, 1),
        "KB uncompressed": round(raw / 1000, 1),
        "seconds to check": round(time.perf_counter() - started, 1),
        **counts,
        "sybil passes locally": local,
    }
    # The page's exercise, in the same Python (a fresh page would start another).
    for block in blocks(browser, "exercise"):
        if block.get_attribute("data-local-only") is None:
            check_exercise(browser, block, str(block.get_attribute("data-exercise")))


class NoRuntime(Quiet):
    """The site as built where the runtime could not be fetched."""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.path.split("?")[0] == "/_static/live/manifest.json":
            body = json.dumps({"unavailable": "no runtime in this test"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()


def test_without_the_runtime_the_controls_say_why(browser: webdriver.Chrome) -> None:
    with serve(SITE, NoRuntime) as url:
        open_page(browser, urljoin(url, "chapters/01-view.html"))
        first = blocks(browser, "code")[0]
        press(browser, first.find_element(By.CSS_SELECTOR, ".live-button"))
        said = output_of(browser, first)
        disabled = first.find_element(By.CSS_SELECTOR, ".live-button").get_attribute(
            "disabled"
        )
    assert said == "Run is unavailable: no runtime in this test"
    assert disabled


def test_from_a_file_the_controls_say_how_to_serve(browser: webdriver.Chrome) -> None:
    open_page(browser, (SITE / "chapters" / "01-view.html").as_uri())
    first = blocks(browser, "code")[0]
    press(browser, first.find_element(By.CSS_SELECTOR, ".live-button"))
    assert "python -m http.server -d _build/html" in output_of(browser, first)
