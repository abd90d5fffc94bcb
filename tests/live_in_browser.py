"""The examples, run in the reader's browser: headless Chromium presses Run.

Not part of the plain `pytest` run: ``python -m nox -s live`` fetches the
runtime (``_ext/live/fetch.py``), builds the site and runs this file. Like
``tests/site_in_browser.py`` it serves ``_build/html`` on 127.0.0.1 and
lets the browser resolve no other host, so a request anywhere else fails.

On every page with examples, "Check this page" must pass as many examples
as sybil passes locally on the same page, less those in blocks marked
``% live: local-only``. The figures (times, bytes) go to
``_build/live/figures.json``. The tests marked ``timed`` take the figures
that a second browser at work would distort (the first Run, Stop's
latency, Check my view from cold): ``nox -s live`` runs them first, alone,
then shares the others among the cores (pytest-xdist), each worker writing
its figures to ``figures-gwN.json``. Those others record seconds too (per
page checked, a capped flood, Python stopped), measured under that load.
"""

from __future__ import annotations

import gzip
import io
import json
import os
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
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
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
LOST = "Python was restarted: examples above will run again before the next one."
#: What Check my view says when viewcheck reports nothing.
NO_FINDINGS = (
    "No findings: viewcheck reported none of the mistakes it looks for. It reads the "
    "code without running it, and can miss one: written another way, or silenced by "
    "a # noqa comment on its line."
)
EXERCISE_RESULT = re.compile(r"^(\d+) passed, (\d+) not passed$")


class Gzipped(Quiet):
    """Serves as a static host does: compressed, with caching headers, so
    that the figures are the bytes and times a reader gets."""

    compressed: ClassVar[dict[Path, bytes]] = {}
    #: What was served since the last ``served()``: (path, bytes of the body),
    #: the worker's requests too (the page's own log does not see those).
    sent: ClassVar[list[tuple[str, int]]] = []

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            size = path.stat().st_size if path.is_file() else 0
            self.sent.append((self.path, size))
            return super().send_head()
        modified = self.date_time_string(int(path.stat().st_mtime))
        if self.headers.get("If-Modified-Since") == modified:
            self.sent.append((self.path, 0))
            self.send_response(304)
            self.end_headers()
            return None
        if path not in self.compressed:
            self.compressed[path] = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.sent.append((self.path, len(self.compressed[path])))
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
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    figures = out / (f"figures-{worker}.json" if worker else "figures.json")
    figures.write_text(json.dumps(FIGURES, indent=2) + "\n")
    print("\nlive figures:", json.dumps(FIGURES, indent=2))


def sybil_report() -> Path:
    """Where sybil's local run of the pages reports: one file per xdist worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return ROOT / "_build" / "live" / (f"sybil-{worker}.xml" if worker else "sybil.xml")


@pytest.fixture(scope="module")
def sybil_passes() -> dict[str, int]:
    """How many examples sybil passes locally, per page source and module.

    pytest names a page's items after its path ("chapters.01-view.md") and a
    module's docstring items after the module ("viewlib.views"). A ``% skip``
    comment is an item of its own that passes: not an example, left out.
    """
    report = sybil_report()
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
    report = sybil_report()
    skips: dict[str, int] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("skipped") is not None:
            name = str(case.get("classname"))
            skips[name] = skips.get(name, 0) + 1
    return skips


@pytest.fixture(autouse=True)
def no_kept_edits(browser: webdriver.Chrome, base_url: str) -> Iterator[None]:
    """Each test starts and ends with no edit kept in the site's localStorage:
    an edit a test types must not come back on another test's page."""
    origin = {"origin": base_url.rstrip("/"), "storageTypes": "local_storage"}
    browser.execute_cdp_cmd("Storage.clearDataForOrigin", origin)
    yield
    browser.execute_cdp_cmd("Storage.clearDataForOrigin", origin)


def text(browser: webdriver.Chrome, selector: str) -> str:
    found = browser.find_elements(By.CSS_SELECTOR, selector)
    return found[0].text if found else ""


def press(browser: webdriver.Chrome, control: Any) -> None:
    browser.execute_script("arguments[0].click()", control)


def control(block: Any) -> Any:
    return block.find_element(By.CSS_SELECTOR, '[data-live="run"]')


def label(element: Any) -> str:
    """An element's text, shown or not (inside a closed dropdown)."""
    return str(element.get_attribute("textContent"))


def output(block: Any) -> str:
    found = block.find_element(By.CSS_SELECTOR, '[data-live="output"]')
    return str(found.get_attribute("textContent"))


def finished(browser: webdriver.Chrome, block: Any) -> str:
    """Wait until a block's run is over (its control no longer says Stop):
    its output."""
    WebDriverWait(browser, PATIENCE).until(
        lambda b: (
            label(control(block)) != "Stop"
            and block.get_attribute("data-live-state") != "running"
        )
    )
    return output(block)


def run(browser: webdriver.Chrome, block: Any, source: str | None = None) -> str:
    """Press a block's Run (after writing *source* into its editor): its output."""
    if source is not None:
        code = block.find_element(By.CSS_SELECTOR, '[data-live="code"]')
        browser.execute_script("arguments[0].textContent = arguments[1]", code, source)
    # The click turns Run into Stop at once; a short run may be over already.
    press(browser, control(block))
    return finished(browser, block)


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


def served() -> tuple[list[str], int]:
    """The paths the server answered since the last call and the bytes it sent."""
    sent, Gzipped.sent[:] = list(Gzipped.sent), []
    return [path for path, _ in sent], sum(size for _, size in sent)


def collect(asked: list[str]) -> list[str]:
    """*asked*, with the paths served since the last call added."""
    asked += served()[0]
    return asked


def runtime_asked(urls: list[str]) -> list[str]:
    """The runtime's files among *urls* (live.js and live.css are the page's)."""
    return [url for url in urls if "/_static/live/" in url and "/live." not in url]


#: Keeps what a block's status says while it runs (progress on a cold start).
RECORD_STATUS = """
window.statusSeen = [];
new MutationObserver(() => {
  for (const note of document.querySelectorAll('.live-bar .live-note'))
    if (note.textContent) window.statusSeen.push(note.textContent);
}).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


@pytest.mark.timed
def test_first_run_timing_bytes_and_an_edited_example(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Nothing of the runtime before the reader touches a control; progress on
    a cold start; an edit runs as edited, its Run says the output differs
    from the page's, and Check this page reports it with both outputs."""
    page = urljoin(base_url, "chapters/01-view.html")
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    for start in ("cold", "warm"):
        served()  # forget the requests so far
        open_page(browser, page)
        paths, before = served()
        assert runtime_asked(paths) == []
        browser.execute_script(RECORD_STATUS)
        first = blocks(browser, "code")[0]
        started = time.perf_counter()
        assert run(browser, first) == "(no output)"
        FIGURES[f"{start}: seconds from the press to the first output"] = round(
            time.perf_counter() - started, 2
        )
        # Where that time went, in ms: measured by the page and the worker.
        timings = browser.execute_script("return viewlibLive.timings")
        assert timings["examples above run"] == 0, timings
        assert timings["first output"] <= timings["result"], timings
        FIGURES[f"{start}: ms of the first Run, by step"] = timings
        FIGURES[f"{start}: load average (1 min) at the time"] = os.getloadavg()[0]
        assert first.get_attribute("data-live-state") == "passed"
        if start == "cold":
            seen = browser.execute_script("return window.statusSeen")
            assert any(re.search(r"of [\d.]+ MB$", said) for said in seen), seen
            FIGURES["chapter 1: KB sent before the first interaction"] = before // 1000
            FIGURES["chapter 1: KB sent by the first output"] = (
                before + served()[1]
            ) // 1000
    # Flask was imported from the bytecode fetch.py compiled (PEP 552's
    # unchecked hash, flags 1), not compiled in the page (a date, flags 0).
    compiled = json.loads((LIVE / "manifest.json").read_text()).get("bytecode")
    flags = browser.execute_async_script(
        "viewlibLive.evaluate(arguments[0]).then(arguments[1])",
        "import flask, pathlib\npathlib.Path(flask.__cached__).read_bytes()[4:8].hex()",
    )["value"]
    assert flags == ("01000000" if compiled else "00000000"), flags
    # An unedited session matches the page; an edited one shows both outputs.
    session = next(b for b in blocks(browser, "doctest") if "/hello/World" in b.text)
    assert run(browser, session).endswith("✓ The output matches the page's.")
    source = label(session.find_element(By.CSS_SELECTOR, '[data-live="code"]'))
    shown = run(browser, session, source.replace("/hello/World", "/hello/Reader"))
    assert "'Hello, Reader!'" in shown
    assert (
        "✗ The output differs from the page's in 1 example:\n"
        '>>> app.test_client().get("/hello/Reader").text\n'
        "Expected:\n'Hello, World!'\nGot:\n'Hello, Reader!'\n"
    ) in shown, shown
    # Checked against the page's expected output, the edit is a failure.
    counts = check_page(browser)
    assert counts["failed"] == 1, counts
    assert "Expected:\n'Hello, World!'\nGot:\n'Hello, Reader!'" in output(session)


def test_the_runtime_loads_when_a_control_is_first_pointed_at(
    browser: webdriver.Chrome, base_url: str
) -> None:
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    served()
    time.sleep(1)  # idle time: still nothing of the runtime
    assert runtime_asked(served()[0]) == []
    first = control(blocks(browser, "code")[0])
    ActionChains(browser).move_to_element(first).perform()  # a hover
    asked: list[str] = []
    WebDriverWait(browser, PATIENCE).until(
        lambda b: any("asm.wasm" in path for path in collect(asked))
    )


def check_page(browser: webdriver.Chrome) -> dict[str, int]:
    """Press Check this page and wait for its counts."""
    page = browser.find_element(By.CSS_SELECTOR, '[data-live="run-page"]')
    press(browser, page)
    WebDriverWait(browser, PATIENCE).until(
        lambda b: (
            RESULT.match(text(b, '[data-live="page-result"]'))
            or "could not" in text(b, ".live-page .live-note")
        )
    )
    result = browser.find_element(By.CSS_SELECTOR, '[data-live="page-result"]')
    return {
        key: int(result.get_attribute(f"data-{key}") or 0)
        for key in ("passed", "failed", "skipped", "local-only")
    }


#: Counts a page script's timer ticks, and the longest wait between two.
HEARTBEAT = """
window.beats = {count: 0, last: performance.now(), longest: 0};
setInterval(() => {
  const now = performance.now();
  beats.longest = Math.max(beats.longest, now - beats.last);
  beats.last = now;
  beats.count += 1;
}, 20);
"""
#: Press a control and wait until its text is Run again: the milliseconds.
STOP = """
const [control, done] = [arguments[0], arguments[arguments.length - 1]];
const started = performance.now();
control.click();
const wait = () => control.textContent === "Run"
  ? done(performance.now() - started) : setTimeout(wait, 1);
wait();
"""


@pytest.mark.timed
def test_stop_ends_an_endless_loop_while_the_page_answers(
    browser: webdriver.Chrome, base_url: str
) -> None:
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    code = [
        b for b in blocks(browser, "code") if b.get_attribute("data-local-only") is None
    ]
    loop, later = code[2], code[3]
    original = endless(browser, loop)
    # Python is in the loop: the page's own scripts still run.
    browser.execute_script(HEARTBEAT)
    beats = browser.execute_script("return beats.count")
    time.sleep(1)
    assert browser.execute_script("return beats.count") > beats
    assert label(control(loop)) == "Stop"
    FIGURES["longest wait of a page timer (20 ms) while Python loops, ms"] = round(
        browser.execute_script("return beats.longest")
    )
    # From the press of Stop on, every text the stopped block's note shows.
    browser.execute_script(RECORD_NOTE_AFTER, control(loop))
    latency = browser.execute_async_script(STOP, control(loop))
    FIGURES["Stop: ms from the press to the control saying Run"] = round(latency, 1)
    said = output(loop)
    assert said.startswith("looping\n")
    assert said.endswith(f"Stopped. {LOST}")
    assert loop.get_attribute("data-live-state") == "stopped"
    # The fresh Python loads in the background; its progress is not shown
    # beside the stopped block, whose note nothing waits on.
    WebDriverWait(browser, PATIENCE).until(
        lambda b: b.execute_script("return window.viewlibLive.loaded")
    )
    seen = browser.execute_script("return window.statusSeen")
    assert not any(said.startswith(LOADING) for said in seen), seen
    # The next Run runs the examples above again, in a fresh Python, first.
    editor = loop.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script("arguments[0].textContent = arguments[1]", editor, original)
    above = code[:3]
    for block in above:  # forget the outputs shown so far
        browser.execute_script(
            "arguments[0].querySelector('[data-live=\"output\"]').textContent = ''",
            block,
        )
    run(browser, later)
    assert later.get_attribute("data-live-state") == "passed", output(later)
    assert [b.get_attribute("data-live-state") for b in above] == ["passed"] * 3
    assert all(output(b) for b in above)


def test_a_run_past_the_time_limit_is_stopped(
    browser: webdriver.Chrome, base_url: str
) -> None:
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    assert browser.execute_script("return viewlibLive.limits.seconds") == 60
    browser.execute_script("viewlibLive.limits.seconds = 3")
    first = blocks(browser, "code")[0]
    said = run(browser, first, "while True:\n    pass")
    assert said.startswith("Stopped after 3 s, the time limit for one run.")
    assert first.get_attribute("data-live-state") == "stopped"


#: What a reader may type, and how the output must end: nothing freezes.
FLOODS = {
    "print('x' * 10**8)": "\n… 99900001 more characters not shown",
    "for n in range(10**6):\n    print(n)": "\n… 6788890 more characters not shown",
}


@pytest.mark.parametrize("source", FLOODS)
def test_a_flood_of_output_is_capped(
    browser: webdriver.Chrome, base_url: str, source: str
) -> None:
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    first = blocks(browser, "code")[0]
    started = time.perf_counter()
    said = run(browser, first, source)
    FIGURES.setdefault("seconds to show a capped flood", {})[source] = round(
        time.perf_counter() - started, 1
    )
    assert said.endswith(FLOODS[source]), said[-200:]
    assert len(said) == 100_000 + len(FLOODS[source])
    assert browser.execute_script("return 6 * 7") == 42  # the tab is alive


@pytest.mark.parametrize(
    "source",
    [
        "import os\nos._exit(0)",
        "import sys\nsys.setrecursionlimit(10**5)\n"
        "def deeper():\n    return deeper()\ndeeper()",
    ],
    ids=["os._exit", "stack overflow"],
)
def test_after_python_itself_stops_the_page_says_so_and_restarts_it(
    browser: webdriver.Chrome, base_url: str, source: str
) -> None:
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    # Printing a traceback 100,000 calls deep takes a while on a slow machine.
    browser.execute_script(f"viewlibLive.limits.seconds = {PATIENCE - 10}")
    first = blocks(browser, "code")[0]
    started = time.perf_counter()
    said = run(browser, first, source)
    FIGURES.setdefault("seconds until the page says Python stopped", {})[
        source.splitlines()[-1]
    ] = round(time.perf_counter() - started, 1)
    assert re.search(
        r"Python stopped \(.+\)\. Python was restarted: examples above will run "
        r"again before the next one\.$",
        said,
    ), said[-300:]
    assert first.get_attribute("data-live-state") == "stopped"
    assert run(browser, first, "print(6 * 7)") == "42\n"


def test_an_example_above_that_ends_python_is_not_left_running(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """A Run runs the examples above first; when one of them ends Python,
    it and the pressed example both say stopped."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    code = [
        b for b in blocks(browser, "code") if b.get_attribute("data-local-only") is None
    ]
    first, second = code[0], code[1]
    editor = first.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script(
        "arguments[0].textContent = arguments[1]", editor, "import os\nos._exit(0)"
    )
    said = run(browser, second)
    assert "Python stopped" in said, said[-300:]
    assert second.get_attribute("data-live-state") == "stopped"
    assert first.get_attribute("data-live-state") == "stopped"


SABOTAGE = (
    "\nimport viewlib\nviewlib.View.as_view = classmethod(lambda *a, **k: None)\n"
)


def test_check_this_page_starts_from_a_fresh_python(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """After a Run that breaks viewlib, Check this page counts as on a fresh
    load with the same text: with the sabotage in the page and without it."""
    page = urljoin(base_url, "chapters/01-view.html")
    open_page(browser, page)
    fresh = check_page(browser)
    assert fresh["failed"] == 0
    first = blocks(browser, "code")[0]
    editor = first.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    original = label(editor)
    run(browser, first, original + SABOTAGE)
    broken = check_page(browser)
    assert broken["failed"] > 0
    # A Python that only a Run has touched (the checks above dirtied theirs):
    # broken by the Run, then the text restored.
    open_page(browser, page)
    first = blocks(browser, "code")[0]
    editor = first.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    assert label(editor) == original
    run(browser, first, original + SABOTAGE)
    browser.execute_script("arguments[0].textContent = arguments[1]", editor, original)
    assert check_page(browser) == fresh
    # A fresh load with the sabotage in the text, never run before the check.
    open_page(browser, page)
    first = blocks(browser, "code")[0]
    editor = first.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script(
        "arguments[0].textContent = arguments[1]", editor, original + SABOTAGE
    )
    assert check_page(browser) == broken


#: What a control's note says when it is pressed during another's run.
BUSY = "another run is in progress: stop it first"
#: Counts the workers the page starts (each is a fresh Python): live.js calls
#: ``new Worker`` when it needs one, so a subclass put in its place sees each.
COUNT_WORKERS = """
window.workersStarted = 0;
const Original = window.Worker;
window.Worker = class extends Original {
  constructor(...args) { super(...args); window.workersStarted += 1; }
};
"""


def note(block: Any) -> str:
    """What the note beside a block's Run (or Check) control says."""
    return label(block.find_element(By.CSS_SELECTOR, ".live-bar .live-note"))


def page_note(browser: webdriver.Chrome) -> str:
    return label(browser.find_element(By.CSS_SELECTOR, ".live-page-row .live-note"))


def workers_started(browser: webdriver.Chrome) -> int:
    started: int = browser.execute_script("return window.workersStarted")
    return started


def endless(browser: webdriver.Chrome, block: Any) -> str:
    """Start a run of *block* that prints, then loops until stopped: the
    example's own code, to put back."""
    editor = block.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    original = label(editor)
    browser.execute_script(
        "arguments[0].textContent = arguments[1]",
        editor,
        "print('looping')\nwhile True:\n    pass",
    )
    press(browser, control(block))
    WebDriverWait(browser, PATIENCE).until(lambda b: "looping" in output(block))
    return original


def test_one_run_at_a_time(browser: webdriver.Chrome, base_url: str) -> None:
    """index.md: "one run at a time: another Run pressed meanwhile asks you
    to stop the first" (so do an exercise's Check and Check this page)."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    code = [
        b for b in blocks(browser, "code") if b.get_attribute("data-local-only") is None
    ]
    loop, other = code[0], code[1]
    (exercise,) = blocks(browser, "exercise")
    original = endless(browser, loop)
    for block in (other, exercise):
        state = block.get_attribute("data-live-state")
        press(browser, control(block))
        assert note(block) == BUSY
        assert label(control(block)) in ("Run", "Check")
        assert block.get_attribute("data-live-state") == state
    press(browser, browser.find_element(By.CSS_SELECTOR, '[data-live="run-page"]'))
    assert page_note(browser) == BUSY
    # The first run went on through the other presses, until its own Stop.
    assert label(control(loop)) == "Stop"
    assert loop.get_attribute("data-live-state") == "running"
    press(browser, control(loop))
    assert finished(browser, loop).endswith(f"Stopped. {LOST}")
    # Once it has stopped, the other example runs (the first again before it).
    editor = loop.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script("arguments[0].textContent = arguments[1]", editor, original)
    assert run(browser, other)
    assert other.get_attribute("data-live-state") == "passed"


def test_loading_python_does_not_count_toward_the_time_limit(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """index.md: "the time limit (60 seconds for one example's run; loading
    does not count)": with a limit of two seconds, a first Run that waits
    longer than that for Python still runs to its end. (The example is a
    one-line print, so that its own run stays far under the limit even on
    a loaded machine.)"""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    assert not browser.execute_script("return window.viewlibLive.loaded")
    browser.execute_script("viewlibLive.limits.seconds = 2")
    first = blocks(browser, "code")[0]
    said = run(browser, first, "print(6 * 7)")
    waited = browser.execute_script("return viewlibLive.timings")["Python ready"]
    FIGURES["ms a first Run waited for Python (limit set to 2 s)"] = round(waited)
    assert waited > 2000, "Python loaded within the limit: this test proves nothing"
    assert said.startswith("42\n"), said
    assert first.get_attribute("data-live-state") == "passed", said
    # The limit still holds for the run itself.
    said = run(browser, first, "while True:\n    pass")
    assert said.startswith("Stopped after 2 s, the time limit for one run.")


def test_check_this_page_takes_a_fresh_python_after_checks_and_not_after_a_stop(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """index.md: after "an exercise's Check or an earlier Check this page" it
    uses a fresh Python, "starting it unless a Stop ... already did"."""
    page = urljoin(base_url, "chapters/01-view.html")
    open_page(browser, page)
    fresh = check_page(browser)
    assert fresh["failed"] == 0
    # An exercise's Check whose code breaks Flask's test client for good...
    sabotage = "\nimport flask\nflask.Flask.test_client = lambda self, *a, **k: None\n"

    def check_sabotaged_exercise() -> None:
        (exercise,) = blocks(browser, "exercise")
        editor = exercise.find_element(By.CSS_SELECTOR, '[data-live="code"]')
        starter = label(editor)
        browser.execute_script(
            "arguments[0].textContent = arguments[1]", editor, starter + sabotage
        )
        finished_check(browser, exercise)

    open_page(browser, page)
    check_sabotaged_exercise()
    broken = "import flask\nflask.Flask.test_client(None) is None"
    answer = browser.execute_async_script(
        "viewlibLive.evaluate(arguments[0]).then(arguments[1])", broken
    )
    assert answer["value"] is True  # ...and that Python keeps the sabotage.

    # In a Python that only that Check has run in, Check this page starts
    # a fresh one.
    open_page(browser, page)
    browser.execute_script(COUNT_WORKERS)
    check_sabotaged_exercise()
    assert workers_started(browser) == 1
    assert check_page(browser) == fresh
    assert workers_started(browser) == 2

    # An earlier Check this page that ran a sabotaged example.
    first = blocks(browser, "code")[0]
    code = first.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    original = label(code)
    browser.execute_script(
        "arguments[0].textContent = arguments[1]", code, original + sabotage
    )
    assert check_page(browser)["failed"] > 0
    assert workers_started(browser) == 3
    browser.execute_script("arguments[0].textContent = arguments[1]", code, original)
    assert check_page(browser) == fresh
    assert workers_started(browser) == 4

    # A Stop starts the fresh Python; Check this page uses it, starting none.
    code_blocks = [
        b for b in blocks(browser, "code") if b.get_attribute("data-local-only") is None
    ]
    loop = code_blocks[1]
    looped = endless(browser, loop)
    press(browser, control(loop))
    finished(browser, loop)
    editor = loop.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script("arguments[0].textContent = arguments[1]", editor, looped)
    WebDriverWait(browser, PATIENCE).until(lambda b: workers_started(b) == 5)
    assert check_page(browser) == fresh
    assert workers_started(browser) == 5


def test_keyboard_alone_runs_an_example(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Escape leaves the editor for its control; Enter on the control runs it;
    the result is announced in a live region."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    first = blocks(browser, "code")[0]
    editor = first.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    assert editor.get_attribute("role") == "textbox"
    assert editor.accessible_name == "code of example 1 (editable)"
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", editor
    )
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    focused = browser.switch_to.active_element
    assert focused == control(first)
    assert focused.accessible_name == "Run example 1"
    focused.send_keys(Keys.ENTER)
    assert finished(browser, first) == "(no output)"
    announcer = browser.find_element(By.CSS_SELECTOR, '.live-announce[role="status"]')
    WebDriverWait(browser, 10).until(lambda b: announcer.get_attribute("textContent"))
    assert announcer.get_attribute("textContent") == ("example 1: passed, output below")


def test_the_page_controls_come_after_the_reading_time(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """The title, then the chapter's reading time, then Check this page and
    the help: a reader sees how long the chapter is before the controls."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    before = browser.execute_script(
        "const bar = document.querySelector('.live-page');"
        "const above = bar.previousElementSibling;"
        "return [above.previousElementSibling.tagName, above.textContent,"
        " bar.querySelector('[data-live=\"run-page\"]') !== null];"
    )
    assert before[0] == "H1", before
    assert re.match(r"About \d+ minutes on the main path\.", before[1]), before
    assert before[2], "Check this page is not in the bar after the reading time"


def test_the_page_help_is_folded_and_opens_from_the_keyboard(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """The same help on every page, folded under one summary after Check this
    page: closed at first, opened with Enter; each Run control still names it
    as its description."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    about = browser.find_element(By.CSS_SELECTOR, ".live-page details.live-about")
    summary = about.find_element(By.CSS_SELECTOR, "summary")
    assert label(summary) == "How Run, Stop and Check work here"
    assert about.get_attribute("open") is None
    row = browser.find_element(By.CSS_SELECTOR, ".live-page-row")
    assert browser.execute_script(
        "return !!(arguments[0].compareDocumentPosition(arguments[1]) & 4)", row, about
    ), "the help comes after Check this page"
    browser.execute_script("arguments[0].focus()", summary)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert about.get_attribute("open") is not None
    help_text = label(about.find_element(By.CSS_SELECTOR, "#live-help"))
    assert help_text.startswith("Edit any example and press Run"), help_text
    run_control = control(blocks(browser, "code")[0])
    assert run_control.get_attribute("aria-describedby") == "live-help"


def test_typing_in_the_editor_keeps_newlines_and_slashes(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Enter types a newline that the run sees, and "/" types a slash: the
    page's own shortcut (Sphinx's "/" for search) does not take it."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    first = blocks(browser, "code")[0]
    editor = first.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();"
        "const range = document.createRange(); range.selectNodeContents(arguments[0]);"
        "range.collapse(false); const s = getSelection(); s.removeAllRanges();"
        "s.addRange(range);",
        editor,
    )
    typed = browser.switch_to.active_element
    typed.send_keys(Keys.ENTER, "print('typed a/b')", Keys.ENTER, "# a/b")
    assert browser.switch_to.active_element == editor  # not the search box
    typed.send_keys(Keys.ESCAPE)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert finished(browser, first).startswith("typed a/b"), output(first)


def editor(block: Any) -> Any:
    return block.find_element(By.CSS_SELECTOR, '[data-live="code"]')


def code_in(browser: webdriver.Chrome, block: Any) -> str:
    """The code in a block's editor as Run reads it (a typed newline may be a
    <br>, which only innerText turns into a newline)."""
    return str(browser.execute_script("return arguments[0].innerText", editor(block)))


def announced(browser: webdriver.Chrome, said: str) -> None:
    """Wait until the page's live region says *said*."""
    region = browser.find_element(By.CSS_SELECTOR, '.live-announce[role="status"]')
    WebDriverWait(browser, 10).until(lambda b: label(region) == said)


def kept_edits(browser: webdriver.Chrome) -> dict[str, Any]:
    """The edits the page keeps in localStorage, by key."""
    kept: dict[str, Any] = browser.execute_script(
        "return Object.fromEntries(Object.keys(localStorage)"
        ".filter(k => k.startsWith('viewlib-live:edit:'))"
        ".map(k => [k, JSON.parse(localStorage.getItem(k))]))"
    )
    return kept


def type_at_the_end(browser: webdriver.Chrome, code: Any, *keys: str) -> None:
    """Type *keys* at the end of an editor, as a reader does."""
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();"
        "const range = document.createRange(); range.selectNodeContents(arguments[0]);"
        "range.collapse(false); const s = getSelection(); s.removeAllRanges();"
        "s.addRange(range);",
        code,
    )
    browser.switch_to.active_element.send_keys(*keys)


def edit(browser: webdriver.Chrome, block: Any, source: str) -> None:
    """Replace an editor's text as a paste does (an input event follows)."""
    browser.execute_script(
        "arguments[0].textContent = arguments[1];"
        "arguments[0].dispatchEvent(new InputEvent('input', {bubbles: true}))",
        editor(block),
        source,
    )


def test_an_edit_survives_a_reload_until_reset(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Typed, kept, restored after a reload and run as restored; Reset, by
    keyboard, brings back the page's code, forgets the edit (another reload
    keeps the page's code) and both are announced."""
    page = urljoin(base_url, "chapters/01-view.html")
    open_page(browser, page)
    first = blocks(browser, "code")[0]
    original = label(editor(first))
    assert first.find_elements(By.CSS_SELECTOR, '[data-live="reset"]') == []
    type_at_the_end(browser, editor(first), Keys.ENTER, "print('my edit')")
    edited = original.rstrip("\n") + "\nprint('my edit')"
    assert code_in(browser, first).rstrip("\n") == edited
    assert first.get_attribute("data-live-edited") == "edited"
    ((key, value),) = kept_edits(browser).items()
    assert key == "viewlib-live:edit:/chapters/01-view.html:0"
    assert value["code"].rstrip("\n") == edited
    open_page(browser, page)  # the reload
    first = blocks(browser, "code")[0]
    assert code_in(browser, first).rstrip("\n") == edited
    assert first.get_attribute("data-live-edited") == "restored"
    note = first.find_element(By.CSS_SELECTOR, ".live-edited")
    assert note.text == "your edit, restored"
    reset = first.find_element(By.CSS_SELECTOR, '[data-live="reset"]')
    assert reset.text == "Reset to the page's code"
    assert reset.accessible_name == "Reset to the page's code: example 1"
    announced(
        browser,
        "Restored your edit of 1 example from this browser: example 1. "
        "Reset to the page's code undoes one.",
    )
    assert run(browser, first) == "my edit\n"
    # By keyboard: from the Run control, Tab reaches Reset; Enter resets.
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()",
        control(first),
    )
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == reset
    reset.send_keys(Keys.ENTER)
    assert label(editor(first)) == original
    assert first.get_attribute("data-live-edited") is None
    assert first.find_elements(By.CSS_SELECTOR, '[data-live="reset"]') == []
    assert browser.switch_to.active_element == control(first)
    announced(browser, "example 1: reset to the page's code")
    assert kept_edits(browser) == {}
    open_page(browser, page)
    first = blocks(browser, "code")[0]
    assert label(editor(first)) == original
    assert first.get_attribute("data-live-edited") is None
    assert run(browser, first) == "(no output)"


#: Each span of an editor: [its class, its text].
SPANS = """
const spans = [...arguments[0].querySelectorAll('span')];
return spans.map((s) => [s.className, s.textContent]);
"""
PASTED = (
    'def shout(name):\n    return name.upper() + "!"  # loud\n\nprint(shout("ada"))\n'
)


def test_an_edit_gets_the_pages_colours_when_the_reader_leaves_it(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Pasted code has no colours; leaving the editor (Escape) colours it with
    the classes of the page's own code, the text unchanged and still runnable;
    a restored edit comes back coloured; typing the page's code back brings
    back the page's own markup."""
    page = urljoin(base_url, "chapters/01-view.html")
    open_page(browser, page)
    first = blocks(browser, "code")[0]
    original, original_html = (
        label(editor(first)),
        editor(first).get_attribute("innerHTML"),
    )
    edit(browser, first, PASTED)
    assert browser.execute_script(SPANS, editor(first)) == []
    type_at_the_end(browser, editor(first), Keys.ESCAPE)
    coloured = [tuple(span) for span in browser.execute_script(SPANS, editor(first))]
    for expected in [("k", "def"), ("nf", "shout"), ("k", "return"), ("o", "+")]:
        assert expected in coloured, coloured
    for expected in [("s2", '"!"'), ("c1", "# loud"), ("nb", "print")]:
        assert expected in coloured, coloured
    assert code_in(browser, first) == PASTED
    assert run(browser, first) == "ADA!\n"
    open_page(browser, page)  # the reload: the edit comes back coloured
    first = blocks(browser, "code")[0]
    assert ("nf", "shout") in [
        tuple(s) for s in browser.execute_script(SPANS, editor(first))
    ]
    # A session: prompts, code and output, as the page's own sessions have.
    session = next(b for b in blocks(browser, "doctest") if "/hello/World" in b.text)
    edit(browser, session, ">>> 6 * 7\n42\n")
    type_at_the_end(browser, editor(session), Keys.ESCAPE)
    assert browser.execute_script(SPANS, editor(session)) == [
        ["gp", ">>> "],
        ["mi", "6"],
        ["o", "*"],
        ["mi", "7"],
        ["go", "42\n"],
    ]
    # The page's code typed back: the page's own markup, not a repainting.
    edit(browser, first, original)
    type_at_the_end(browser, editor(first), Keys.ESCAPE)
    assert editor(first).get_attribute("innerHTML") == original_html
    assert list(kept_edits(browser)) == ["viewlib-live:edit:/chapters/01-view.html:1"]


def test_an_edit_of_other_text_is_dropped_not_applied(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """An edit kept for the example's former text (the site changed since):
    the page's code stays, nothing says restored, and the edit is deleted."""
    page = urljoin(base_url, "chapters/01-view.html")
    open_page(browser, page)
    first = blocks(browser, "code")[0]
    original = label(editor(first))
    edit(browser, first, "print('an edit of the former text')")
    ((key, value),) = kept_edits(browser).items()
    browser.execute_script(
        "localStorage.setItem(arguments[0], JSON.stringify(arguments[1]))",
        key,
        {**value, "of": "0123456789abcdef"},
    )
    open_page(browser, page)
    first = blocks(browser, "code")[0]
    assert label(editor(first)) == original
    assert first.get_attribute("data-live-edited") is None
    assert kept_edits(browser) == {}
    assert run(browser, first) == "(no output)"


def test_check_this_page_with_a_restored_edit_counts_as_a_fresh_load(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Check this page after a reload that restored an edit gives the counts
    of a fresh load with the same text typed in."""
    page = urljoin(base_url, "chapters/01-view.html")
    open_page(browser, page)
    session = next(b for b in blocks(browser, "doctest") if "/hello/World" in b.text)
    changed = label(editor(session)).replace("/hello/World", "/hello/Reader", 1)
    edit(browser, session, changed)
    open_page(browser, page)
    session = next(b for b in blocks(browser, "doctest") if "/hello/Reader" in b.text)
    assert session.get_attribute("data-live-edited") == "restored"
    restored = check_page(browser)
    browser.execute_cdp_cmd(
        "Storage.clearDataForOrigin",
        {"origin": base_url.rstrip("/"), "storageTypes": "local_storage"},
    )
    open_page(browser, page)
    session = next(b for b in blocks(browser, "doctest") if "/hello/World" in b.text)
    browser.execute_script(
        "arguments[0].textContent = arguments[1]", editor(session), changed
    )
    assert check_page(browser) == restored
    assert restored["failed"] == 1, restored


#: localStorage refused (a private window, storage turned off), or full.
NO_STORAGE = {
    "refused": "Object.defineProperty(window, 'localStorage', {get() {"
    " throw new DOMException('refused', 'SecurityError'); }});",
    "full": "const setItem = Storage.prototype.setItem;"
    "Storage.prototype.setItem = function (key, value) {"
    " if (key.startsWith('viewlib-live:edit:'))"
    "  throw new DOMException('full', 'QuotaExceededError');"
    " return setItem.call(this, key, value); };",
}


@pytest.mark.parametrize("storage", NO_STORAGE)
def test_without_storage_the_page_works_and_keeps_nothing(
    browser: webdriver.Chrome, base_url: str, storage: str
) -> None:
    added = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": NO_STORAGE[storage]}
    )
    try:
        log(browser, "browser")
        page = urljoin(base_url, "chapters/01-view.html")
        open_page(browser, page)
        first = blocks(browser, "code")[0]
        original = label(editor(first))
        type_at_the_end(browser, editor(first), Keys.ENTER, "print('not kept')")
        assert run(browser, first) == "not kept\n"
        open_page(browser, page)
        first = blocks(browser, "code")[0]
        assert label(editor(first)) == original
        assert first.get_attribute("data-live-edited") is None
        assert run(browser, first) == "(no output)"
        # The theme's own scripts read localStorage too, and report its refusal.
        ours = [
            e["message"]
            for e in log(browser, "browser")
            if e["level"] == "SEVERE" and "/_static/live/" in e["message"]
        ]
        assert ours == [], ours
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument",
            {"identifier": added["identifier"]},
        )


def test_an_exercise_edit_survives_a_reload(
    browser: webdriver.Chrome, base_url: str
) -> None:
    page = urljoin(base_url, "chapters/01-view.html")
    open_page(browser, page)
    (block,) = blocks(browser, "exercise")
    solution = (ROOT / "tests" / "exercise_solutions" / "01-shout.py").read_text()
    edit(browser, block, solution)
    open_page(browser, page)
    (block,) = blocks(browser, "exercise")
    browser.execute_script("arguments[0].closest('details').open = true", block)
    assert label(editor(block)) == solution
    reset = block.find_element(By.CSS_SELECTOR, '[data-live="reset"]')
    assert reset.accessible_name == "Reset to the page's code: exercise 01-shout"


#: An edit with a token of each class the editor's lexer gives.
EVERY_COLOUR = """from viewlib import View


@decorated
class Shout(View):
    def get(self, name):
        if name is not None and True:
            print(len(name), 4.5)  # a comment
        return self.name + "!"
"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_restored_edit_passes_axe(
    browser: webdriver.Chrome, base_url: str, mode: str
) -> None:
    """axe-core on chapter 1 with a restored edit (its note, its Reset
    control, the editor's mark, and its colours: every class the editor's
    lexer gives), in both colour modes: no violation."""
    from accessibility import axe
    from tests.site_in_browser import AXE_TAGS, RUN_AXE, missing, readable

    try:
        script = axe.script()
    except axe.AxeUnavailableError as error:
        missing(f"axe-core unavailable: {error}")  # under CI, a failure
    page = urljoin(base_url, "chapters/01-view.html")
    open_page(browser, page)
    browser.execute_script("localStorage.setItem('theme', arguments[0])", mode)
    edit(browser, blocks(browser, "code")[0], EVERY_COLOUR)
    open_page(browser, page)
    assert browser.execute_script("return document.body.dataset.theme") == mode
    first = blocks(browser, "code")[0]
    assert first.get_attribute("data-live-edited") == "restored"
    classes = {kind for kind, _ in browser.execute_script(SPANS, editor(first))}
    assert classes == {"k", "kn", "kc", "ow", "bp", "nf", "nc", "nb", "nd", "n"} | {
        "s2",
        "c1",
        "mi",
        "o",
        "p",
    }, classes
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
    browser.execute_script(script)
    results = browser.execute_async_script(RUN_AXE, list(AXE_TAGS))
    assert "error" not in results, results
    violations = results["violations"]
    if violations:
        pytest.fail(readable(violations, f"on a restored edit ({mode})"), False)


def test_page_tools_can_run_a_snippet(browser: webdriver.Chrome, base_url: str) -> None:
    """viewlibLive.evaluate: what a panel in the page (chapter 10's analyzer)
    uses to run code and read a structured answer."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    answer = browser.execute_async_script(
        "viewlibLive.evaluate(arguments[0]).then(arguments[1])",
        "import viewlib\nprint('checked')\n{'View': viewlib.View.__name__}",
    )
    assert answer["ok"] is True
    assert answer["value"] == {"View": "View"}
    assert answer["output"].startswith("checked\n")


#: A decorator above the class line (CBV103, on line 3), and its fix.
DECORATED = """from viewlib import View

@login_required
class Home(View):
    def dispatch_request(self):
        return "home"
"""
UNDECORATED = """from viewlib import View

class Home(View):
    decorators = [login_required]

    def dispatch_request(self):
        return "home"
"""


def checked_view(browser: webdriver.Chrome, control: Any, output: Any) -> str:
    """Wait until a Check my view is over (busy while it runs): its summary."""
    WebDriverWait(browser, PATIENCE).until(
        lambda b: (
            control.get_attribute("aria-busy") is None
            and label(output.find_element(By.CSS_SELECTOR, "[role=status]"))
        )
    )
    return label(output.find_element(By.CSS_SELECTOR, "[role=status]"))


def press_check_my_view(browser: webdriver.Chrome, control: Any, output: Any) -> str:
    browser.execute_script(
        "arguments[0].querySelector('[role=status]').textContent = ''", output
    )
    press(browser, control)
    return checked_view(browser, control, output)


@pytest.mark.timed
def test_check_my_view_lists_a_finding_then_none_then_a_syntax_error(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Chapter 10's panel, by keyboard alone: typed code, Ctrl+Enter, the
    finding with its line and a link that opens its section; the fix: no
    findings; broken syntax: the parser's message. Nothing is run."""
    log(browser, "browser")
    open_page(browser, urljoin(base_url, "chapters/10-pitfalls.html"))
    FIGURES["chapter 10: KB sent before the first interaction"] = round(
        transferred(browser) / 1000, 1
    )
    (panel,) = browser.find_elements(By.CSS_SELECTOR, '[data-live="viewcheck-panel"]')
    editor = panel.find_element(By.CSS_SELECTOR, '[data-live="viewcheck-code"]')
    control = panel.find_element(By.CSS_SELECTOR, '[data-live="viewcheck"]')
    output = panel.find_element(By.CSS_SELECTOR, '[data-live="viewcheck-output"]')
    assert editor.accessible_name == "Your view's code"
    assert control.accessible_name == "Check my view: your code"
    assert output.find_element(By.CSS_SELECTOR, "[role=status]")
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", editor
    )
    editor.send_keys(DECORATED)  # typed: Enter makes a new line in the editor
    assert editor.get_attribute("value") == DECORATED
    started = time.perf_counter()
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(
        Keys.CONTROL
    ).perform()
    assert checked_view(browser, control, output) == "1 finding:"
    FIGURES["chapter 10: seconds from Check my view (cold) to its findings"] = round(
        time.perf_counter() - started, 2
    )
    (item,) = output.find_elements(By.CSS_SELECTOR, "li")
    assert (item.get_attribute("data-line"), item.get_attribute("data-code")) == (
        "3",
        "CBV103",
    )
    assert label(item) == (
        "Line 3: CBV103 decorator @login_required above a view class receives the "
        "class, not the view function.Hint: list it in the class's decorators "
        "attribute instead. See decorating the class, chapter 10."
    )
    link = item.find_element(By.CSS_SELECTOR, "a")
    section = urljoin(base_url, "chapters/10-pitfalls.html#decorating-the-class")
    assert link.get_attribute("href") == section
    # Escape leaves the editor for the control; Tab goes there too; Enter on
    # the control checks the fixed code.
    editor.send_keys(Keys.ESCAPE)
    assert browser.switch_to.active_element == control
    browser.execute_script("arguments[0].focus()", editor)
    editor.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == control
    browser.execute_script("arguments[0].value = arguments[1]", editor, UNDECORATED)
    browser.execute_script(
        "arguments[0].querySelector('[role=status]').textContent = ''", output
    )
    control.send_keys(Keys.ENTER)
    assert checked_view(browser, control, output) == NO_FINDINGS
    assert output.find_elements(By.CSS_SELECTOR, "li") == []
    # Broken syntax: the message, and the line the parser names.
    browser.execute_script(
        "arguments[0].value = arguments[1]", editor, "x = 1\nclass Home(View:\n"
    )
    said = press_check_my_view(browser, control, output)
    assert said.startswith("Cannot check this code: SyntaxError: "), said
    assert said.endswith(" (line 2)."), said
    # A flood of mistakes: the first hundred listed, the rest counted; a paste
    # over the limit: refused with the reason.
    many = "from viewlib import View\n" + DECORATED.split("\n", 2)[2] * 1000
    browser.execute_script("arguments[0].value = arguments[1]", editor, many)
    said = press_check_my_view(browser, control, output)
    assert said == "1000 findings (the first 100 shown):"
    assert len(output.find_elements(By.CSS_SELECTOR, "li")) == 100
    browser.execute_script("arguments[0].value = 'x = 1\\n'.repeat(40000)", editor)
    said = press_check_my_view(browser, control, output)
    assert said == (
        "Cannot check this code: the code is 240,000 characters long; "
        "Check my view reads at most 200,000."
    )
    # Code that would print, exit or loop is parsed, never run.
    hostile = "print('ran')\nimport os\nos._exit(3)\nwhile True:\n    pass\n"
    browser.execute_script(
        "arguments[0].value = arguments[1]", editor, hostile + DECORATED
    )
    assert press_check_my_view(browser, control, output) == "1 finding:"
    assert "ran" not in label(output)
    errors = [e["message"] for e in log(browser, "browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    # The link opens the section it names.
    link = output.find_element(By.CSS_SELECTOR, "a")
    press(browser, link)
    WebDriverWait(browser, 30).until(lambda b: b.current_url == section)
    heading = browser.find_element(By.ID, "decorating-the-class")
    assert "Decorating the class" in label(heading)


def test_check_my_view_on_an_exercise_reads_its_editor(
    browser: webdriver.Chrome, base_url: str
) -> None:
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    (block,) = blocks(browser, "exercise")
    browser.execute_script("arguments[0].closest('details').open = true", block)
    control = block.find_element(By.CSS_SELECTOR, '[data-live="viewcheck"]')
    output = block.find_element(By.CSS_SELECTOR, '[data-live="viewcheck-output"]')
    assert control.accessible_name == "Check my view: exercise 01-shout"
    assert press_check_my_view(browser, control, output) == NO_FINDINGS
    editor = block.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script("arguments[0].textContent = arguments[1]", editor, DECORATED)
    assert press_check_my_view(browser, control, output) == "1 finding:"
    item = output.find_element(By.CSS_SELECTOR, "li")
    assert (item.get_attribute("data-line"), item.get_attribute("data-code")) == (
        "3",
        "CBV103",
    )


def test_check_my_view_reads_lines_typed_with_enter(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Enter in the editor inserts a <br>, not a newline character: Check my
    view reads it as a line break, as Run and Check do, so the typed class is
    checked (CBV106: methods lists POST, no post handler) and no two lines are
    joined into a syntax error."""
    open_page(browser, urljoin(base_url, "chapters/04-methodview.html"))
    (block,) = blocks(browser, "exercise")
    browser.execute_script("arguments[0].closest('details').open = true", block)
    lines = [
        "class Broken(MethodView):",
        "    methods = ['GET', 'POST']",
        "    def get(self):",
        "        return 'x'",
    ]
    keys = [key for line in lines for key in (Keys.ENTER, line)]
    type_at_the_end(browser, editor(block), *keys)
    shown = code_in(browser, block)
    assert shown.endswith("\n".join(lines)), shown[-200:]
    kept = str(editor(block).get_attribute("textContent"))
    assert not kept.endswith("\n".join(lines)), "Enter typed a newline: no <br> here"
    control = block.find_element(By.CSS_SELECTOR, '[data-live="viewcheck"]')
    found = block.find_element(By.CSS_SELECTOR, '[data-live="viewcheck-output"]')
    summary = press_check_my_view(browser, control, found)
    assert not summary.startswith("Cannot check"), label(found)
    items = found.find_elements(By.CSS_SELECTOR, "li")
    codes = [item.get_attribute("data-code") for item in items]
    assert codes == ["CBV106"], label(found)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_check_my_view_findings_pass_axe(
    browser: webdriver.Chrome, base_url: str, mode: str
) -> None:
    """axe-core on chapter 10 with the panel's findings shown (a link, the
    failed state's border), in both colour modes: no violation."""
    from accessibility import axe
    from tests.site_in_browser import AXE_TAGS, RUN_AXE, missing, readable

    try:
        script = axe.script()
    except axe.AxeUnavailableError as error:
        missing(f"axe-core unavailable: {error}")  # under CI, a failure
    open_page(browser, base_url)  # furo reads the colour mode from localStorage
    browser.execute_script("localStorage.setItem('theme', arguments[0])", mode)
    open_page(browser, urljoin(base_url, "chapters/10-pitfalls.html"))
    assert browser.execute_script("return document.body.dataset.theme") == mode
    panel = browser.find_element(By.CSS_SELECTOR, '[data-live="viewcheck-panel"]')
    editor = panel.find_element(By.CSS_SELECTOR, '[data-live="viewcheck-code"]')
    control = panel.find_element(By.CSS_SELECTOR, '[data-live="viewcheck"]')
    output = panel.find_element(By.CSS_SELECTOR, '[data-live="viewcheck-output"]')
    browser.execute_script("arguments[0].value = arguments[1]", editor, DECORATED)
    assert press_check_my_view(browser, control, output) == "1 finding:"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", output)
    browser.execute_script(script)
    results = browser.execute_async_script(RUN_AXE, list(AXE_TAGS))
    assert "error" not in results, results
    violations = results["violations"]
    if violations:
        pytest.fail(readable(violations, f"on chapter 10's findings ({mode})"), False)


def check_exercise(browser: webdriver.Chrome, block: Any, exercise: str) -> None:
    """Its Check fails on the starter, with the messages pytest prints, and
    passes on the reference solution."""
    lines = finished_check(browser, block)
    starter = EXERCISE_RESULT.match(lines[0])
    assert starter, lines
    assert int(starter[2]) > 0, "the starter passes its check"
    assert any(line.lstrip().startswith("AssertionError") for line in lines) or any(
        "fails while Python imports it" in line for line in lines
    ), lines
    solution = (ROOT / "tests" / "exercise_solutions" / f"{exercise}.py").read_text()
    editor = block.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script("arguments[0].textContent = arguments[1]", editor, solution)
    lines = finished_check(browser, block)
    assert EXERCISE_RESULT.match(lines[0]), lines
    assert lines[0].endswith(" 0 not passed"), lines
    assert block.get_attribute("data-live-state") == "passed"
    FIGURES.setdefault("exercises", {})[exercise] = {
        "starter": starter[0],
        "solution": lines[0],
    }


def finished_check(browser: webdriver.Chrome, block: Any) -> list[str]:
    press(browser, control(block))
    return finished(browser, block).splitlines()


def test_ctrl_enter_in_an_exercise_editor_checks_and_escape_leaves(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Chapter 1's exercise dropdown: "In the editor, Ctrl+Enter checks ...,
    and Escape leaves the editor" (onto the block's Check control)."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    (block,) = blocks(browser, "exercise")
    browser.execute_script("arguments[0].closest('details').open = true", block)
    type_at_the_end(browser, editor(block), Keys.CONTROL + Keys.ENTER)
    lines = finished(browser, block).splitlines()
    assert lines[0] == "0 passed, 5 not passed", lines
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert browser.switch_to.active_element == control(block)


def test_an_exercise_check_shows_the_hint(
    browser: webdriver.Chrome, base_url: str
) -> None:
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    (block,) = blocks(browser, "exercise")
    lines = finished_check(browser, block)
    assert lines[0] == "0 passed, 5 not passed", lines
    assert "✗ test_shout_answers_in_capitals: failed" in lines
    assert any(
        "is Shout registered at /shout/<name> in create_app()?" in line
        for line in lines
    ), lines
    assert block.get_attribute("data-live-state") == "failed"


def test_an_exercise_check_lists_what_did_not_pass_first(
    browser: webdriver.Chrome, base_url: str
) -> None:
    # The solution of exercise 1 without its escape: one check fails, and its
    # line comes before the four that pass, whatever order they ran in.
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    (block,) = blocks(browser, "exercise")
    solution = (ROOT / "tests" / "exercise_solutions" / "01-shout.py").read_text()
    unescaped = solution.replace("{escape(name.upper())}", "{name.upper()}")
    assert unescaped != solution
    editor = block.find_element(By.CSS_SELECTOR, '[data-live="code"]')
    browser.execute_script("arguments[0].textContent = arguments[1]", editor, unescaped)
    lines = finished_check(browser, block)
    assert lines[0] == "4 passed, 1 not passed", lines
    outcomes = [line[0] for line in lines[1:] if line[:1] in ("✓", "✗")]
    assert outcomes == ["✗", "✓", "✓", "✓", "✓"], lines
    assert lines[1].startswith("✗ test_markup_comes_back_escaped: failed"), lines


#: The note a block marked ``% live: local-only`` shows, then what precedes it.
NOTE_AND_BEFORE = """
const block = arguments[0];
const note = block.querySelector('.live-note');
const code = block.querySelector('pre');
const follows = Node.DOCUMENT_POSITION_FOLLOWING;
return [note ? note.textContent : "",
        !!(note && code && note.compareDocumentPosition(code) & follows),
        !!block.querySelector('[data-live="run"]')];
"""


#: Keeps every text of the note that follows a control (its own status).
RECORD_NOTE_AFTER = """
const note = arguments[0].nextElementSibling;
if (!note.classList.contains('live-note')) throw new Error('no note after the control');
window.statusSeen = [];
new MutationObserver(() => {
  const said = note.textContent;
  if (said && said !== window.statusSeen.at(-1)) window.statusSeen.push(said);
}).observe(note, {subtree: true, childList: true, characterData: true});
"""
#: Statuses that say the page's Python is still loading (the page's own, or
#: the worker's steps: download, start, install).
LOADING = ("loading Python", "starting Python", "installing")


@pytest.mark.parametrize("which", ["run", "viewcheck"])
def test_a_press_while_python_starts_says_it_is_loading(
    browser: webdriver.Chrome, base_url: str, which: str
) -> None:
    """Python starts loading on the first focus of a control; a press before
    it is ready (the exercise's Check, or Check my view) says it is loading
    until then, and only then "checking…"."""
    open_page(browser, urljoin(base_url, "chapters/01-view.html"))
    (block,) = blocks(browser, "exercise")
    pressed = block.find_element(By.CSS_SELECTOR, f'[data-live="{which}"]')
    browser.execute_script(RECORD_NOTE_AFTER, pressed)
    served()
    focus = "arguments[0].dispatchEvent(new FocusEvent('focusin', {bubbles: true}))"
    browser.execute_script(focus, pressed)
    asked: list[str] = []
    WebDriverWait(browser, PATIENCE).until(lambda b: runtime_asked(collect(asked)))
    press(browser, pressed)
    if which == "run":
        finished(browser, block)
    else:
        found = block.find_element(By.CSS_SELECTOR, '[data-live="viewcheck-output"]')
        checked_view(browser, pressed, found)
    seen = browser.execute_script("return window.statusSeen")
    assert seen, "the note said nothing"
    assert seen[0].startswith(LOADING), seen
    assert "checking…" in seen, seen
    after = seen[seen.index("checking…") :]
    assert not any(said.startswith(LOADING) for said in after), seen


@pytest.mark.parametrize(
    ("page", "exercise"),
    [
        ("chapters/02-init-every-request.html", "02-spellcheck"),
        ("chapters/05-rest-api.html", "05-movies"),
    ],
)
def test_a_local_only_exercise_says_so_before_its_starter(
    browser: webdriver.Chrome, base_url: str, page: str, exercise: str
) -> None:
    """Its note comes before the starter's code, and it offers no Check."""
    open_page(browser, urljoin(base_url, page))
    (block,) = blocks(browser, "exercise")
    assert block.get_attribute("data-exercise") == exercise
    note, before_code, has_control = browser.execute_script(NOTE_AND_BEFORE, block)
    assert note.startswith("runs locally only: "), note
    assert before_code, "the local-only note comes after the starter's code"
    assert not has_control, "a local-only exercise offers a Check"


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
    assert size < 300_000, f"{page} weighs {size} bytes before any interaction"
    requested_urls(browser)
    started = time.perf_counter()
    counts = check_page(browser)
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
        "KB sent before the first interaction": round(size / 1000, 1),
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
        said = run(browser, first)
        disabled = control(first).get_attribute("disabled")
    assert said == "Run is unavailable: no runtime in this test"
    assert disabled


def test_from_a_file_the_controls_say_how_to_serve(browser: webdriver.Chrome) -> None:
    open_page(browser, (SITE / "chapters" / "01-view.html").as_uri())
    first = blocks(browser, "code")[0]
    assert "python -m http.server -d _build/html" in run(browser, first)
