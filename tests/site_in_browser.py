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
``_build/screenshots/``, with ``summary.json`` holding the figures (one
``summary-gwN.json`` per pytest-xdist worker when the tests are shared out).

Each page, at each width and in each colour mode, is also checked by
axe-core (``accessibility/axe.py`` fetches the pinned release into
``.axe-cache/``) against the WCAG 2.0, 2.1 and 2.2 A and AA rules and axe's
best practices: any violation, of any impact, fails with its list. Without
the cached axe-core those checks skip, except under CI. One example is run
from the keyboard alone: Tab to its Run control, Enter, and its output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any, NoReturn
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from accessibility import axe
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
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
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
#: axe-core's rule sets: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's
#: best practices (headings, landmarks and the like, beyond WCAG's letter).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
#: Runs axe in the page; what comes back is plain data, not axe's objects.
RUN_AXE = """
const [tags, done] = [arguments[0], arguments[arguments.length - 1]];
axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then((results) => done({
    passed: results.passes.length,
    incomplete: results.incomplete.map((rule) => rule.id),
    violations: results.violations.map((rule) => ({
      id: rule.id, impact: rule.impact, help: rule.help, url: rule.helpUrl,
      nodes: rule.nodes.map((node) => ({
        target: node.target.join(" "), summary: node.failureSummary,
      })),
    })),
  }), (error) => done({error: String(error)}));
"""
#: Seconds for one axe run (a long chapter takes seconds on a busy machine),
#: and for the in-browser Python's first run.
AXE_PATIENCE = 120
PYTHON_PATIENCE = 180


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
    # Under pytest-xdist (`nox -s browser`), each worker counts its own tests.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    summary = SHOTS / (f"summary-{worker}.json" if worker else "summary.json")
    summary.write_text(json.dumps(dict(FIGURES), indent=2) + "\n")
    print("\nbrowser figures:", dict(FIGURES))


def missing(what: str) -> NoReturn:
    """Skip for want of *what*; under CI, where everything is installed, fail."""
    if os.environ.get("CI"):
        pytest.fail(what)
    pytest.skip(what)


def show(
    browser: webdriver.Chrome, base_url: str, page: str, width: int, mode: str
) -> None:
    """Open *page* at *width* pixels in colour *mode* ("light" or "dark").

    furo reads the colour mode from localStorage as the page loads, so it is
    set first, from a page of the site (the first call opens the home page).
    """
    browser.set_window_size(width, 1000)
    if not browser.current_url.startswith(base_url):
        open_page(browser, base_url)
    browser.execute_script("localStorage.setItem('theme', arguments[0])", mode)
    log(browser, "browser")
    requested_urls(browser)
    open_page(browser, urljoin(base_url, page))


def axe_violations(browser: webdriver.Chrome, script: str) -> list[dict[str, Any]]:
    """What axe-core finds in the page as it is now (see RUN_AXE)."""
    browser.execute_script(script)
    browser.set_script_timeout(AXE_PATIENCE)
    start = time.perf_counter()
    try:
        results = browser.execute_async_script(RUN_AXE, list(AXE_TAGS))
    finally:
        browser.set_script_timeout(30)
    assert "error" not in results, results
    FIGURES["axe runs"] += 1
    FIGURES["axe milliseconds"] += round(1000 * (time.perf_counter() - start))
    FIGURES["axe rules passed"] += results["passed"]
    # "Incomplete": rules axe could not decide (a colour over an image, say),
    # which a person should look at; counted, not failed.
    FIGURES["axe incomplete"] += len(results["incomplete"])
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def readable(violations: list[dict[str, Any]], where: str) -> str:
    """axe-core's violations as a list a person can act on."""
    nodes = sum(len(rule["nodes"]) for rule in violations)
    lines = [f"axe-core: {len(violations)} rules violated ({nodes} nodes) {where}"]
    for rule in violations:
        lines.append(f"- {rule['id']} ({rule['impact']}): {rule['help']}")
        lines.append(f"  {rule['url']}")
        for node in rule["nodes"][:5]:
            summary = " ".join(str(node["summary"]).split())
            lines.append(f"    {node['target']}: {summary}")
        if len(rule["nodes"]) > 5:
            lines.append(f"    ... and {len(rule['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_cleanly_and_passes_axe(
    browser: webdriver.Chrome, base_url: str, page: str, width: int, mode: str
) -> None:
    """One load of the page: how it renders, then what axe-core finds in it."""
    show(browser, base_url, page, width, mode)

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

    try:
        script = axe.script()
    except axe.AxeUnavailableError as error:
        missing(f"{page} renders; axe-core's check skipped: {error}")
    # The "Going deeper" dropdowns open, so that what they hold is checked
    # too, and furo's "Back to top" shown, as it is when the reader scrolls up.
    browser.execute_script(
        "document.querySelectorAll('details').forEach((d) => { d.open = true; });"
        "document.documentElement.classList.add('show-back-to-top');"
    )
    violations = axe_violations(browser, script)
    if violations:
        pytest.fail(readable(violations, f"on {page} at {width} px, {mode}"), False)


#: Where the focus is: the element's id, whether it is in the navigation
#: drawer, and whether any of it is inside the window.
FOCUS = """
const element = document.activeElement, box = element.getBoundingClientRect();
return {id: element.id, drawer: !!element.closest(".sidebar-drawer"),
        seen: box.right > 0 && box.left < innerWidth && box.bottom > 0};
"""


def tab(browser: webdriver.Chrome, key: str = Keys.TAB) -> dict[str, Any]:
    ActionChains(browser).send_keys(key).perform()
    focus: dict[str, Any] = browser.execute_script(FOCUS)
    return focus


def test_narrow_navigation_opens_from_the_keyboard(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """At 390 px furo's navigation is a drawer (custom.css, drawers.js).

    Closed, Tab does not walk through its hidden links; the first Tab
    reaches its toggle, Enter opens it, and Tab then reaches its links;
    Escape closes it.
    """
    page = "chapters/04-methodview.html"
    show(browser, base_url, page, WIDTHS[1], MODES[0])
    closed = [tab(browser) for _ in range(30)]
    assert closed[0]["id"] == "__navigation", closed[0]
    assert [f for f in closed if f["drawer"]] == [], "Tab went into the closed drawer"
    open_page(browser, urljoin(base_url, page))
    assert tab(browser)["id"] == "__navigation"
    state = "const t = document.getElementById('__navigation');"
    state += "return [t.checked, t.getAttribute('aria-pressed')]"
    assert browser.execute_script(state) == [False, "false"]
    tab(browser, Keys.ENTER)
    assert browser.execute_script(state) == [True, "true"]
    opened = [tab(browser) for _ in range(10)]
    in_drawer = [f for f in opened if f["drawer"]]
    assert in_drawer, f"no Tab reached the open drawer: {opened}"
    assert all(f["seen"] for f in in_drawer), in_drawer
    assert tab(browser, Keys.ESCAPE)["id"] == "__navigation"
    assert browser.execute_script(state) == [False, "false"]


#: The example run from the keyboard, on the first chapter: the output it prints.
KEYBOARD_PAGE = "chapters/01-view.html"
KEYBOARD_CODE = 'app.test_client().get("/hello/World").text'
KEYBOARD_OUTPUT = "'Hello, World!'"
#: The keyboard hooks of the Run controls (_ext/live/live.js).
RUN, OUTPUT, CODE = (f'[data-live="{hook}"]' for hook in ("run", "output", "code"))
#: Find the run control and the output that follow the example's listing.
AFTER_LISTING = """
const [selector, code] = [arguments[0], arguments[1]];
const listing = [...document.querySelectorAll("pre")]
  .find((pre) => pre.textContent.includes(code));
if (!listing) return null;
return [...document.querySelectorAll(selector)].find((node) =>
  listing.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) || null;
"""


def test_an_example_runs_from_the_keyboard(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """Tab to an example's Run control and press Enter: its output appears.

    Then axe-core checks the page as it is with the output shown.
    """
    manifest = json.loads((SITE / "_static/live/manifest.json").read_text())
    if "unavailable" in manifest:
        missing(f"the site was built without the in-browser Python: {manifest}")
    show(browser, base_url, KEYBOARD_PAGE, WIDTHS[0], MODES[0])
    run = browser.execute_script(AFTER_LISTING, RUN, KEYBOARD_CODE)
    output = browser.execute_script(AFTER_LISTING, OUTPUT, KEYBOARD_CODE)
    assert run is not None, f"no {RUN} control after the listing of {KEYBOARD_CODE}"
    assert output is not None, f"no {OUTPUT} after the listing of {KEYBOARD_CODE}"
    focused, presses, last = browser.switch_to.active_element, 0, ""
    # From the top of the page, Tab moves through every control before it:
    # the sidebar's links, the earlier examples' controls and editors. An
    # editor may keep Tab for indenting; Escape leaves it.
    while focused != run:
        presses += 1
        assert presses <= 400, f"Tab never reached the Run control: {focused}"
        in_editor = browser.execute_script(
            "return !!document.activeElement.closest(arguments[0])", CODE
        )
        last = Keys.ESCAPE if in_editor and last != Keys.ESCAPE else Keys.TAB
        ActionChains(browser).send_keys(last).perform()
        focused = browser.switch_to.active_element
    FIGURES["Tab presses to the Run control"] = presses
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, PYTHON_PATIENCE).until(
        lambda _: (
            KEYBOARD_OUTPUT in output.text
            or "unavailable" in output.text
            or "Traceback" in output.text
        )
    )
    assert KEYBOARD_OUTPUT in output.text, output.text
    try:
        script = axe.script()
    except axe.AxeUnavailableError as error:
        missing(f"the example ran; axe-core's check of its output skipped: {error}")
    violations = axe_violations(browser, script)
    if violations:
        pytest.fail(readable(violations, f"on {KEYBOARD_PAGE} after a Run"), False)


def test_back_to_top_stays_away_while_an_editor_has_the_focus(
    browser: webdriver.Chrome, base_url: str
) -> None:
    """furo's floating "Back to top" would cover the lines being typed
    (_static/custom.css hides it while an editor has the focus)."""
    show(browser, base_url, KEYBOARD_PAGE, WIDTHS[0], MODES[0])
    editor = browser.find_elements(By.CSS_SELECTOR, CODE)
    if not editor:
        missing("the site was built without the in-browser Python: no editors")
    browser.execute_script(
        "document.documentElement.classList.add('show-back-to-top');"
    )
    shown = "return getComputedStyle(document.querySelector('.back-to-top')).display"
    assert browser.execute_script(shown) != "none"  # furo shows it
    browser.execute_script("arguments[0].focus()", editor[0])
    assert browser.execute_script(shown) == "none"
    browser.execute_script("arguments[0].blur()", editor[0])
    assert browser.execute_script(shown) != "none"


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


def test_search_from_a_file_address_finds_without_previews(
    browser: webdriver.Chrome,
) -> None:
    """README: the search shows its previews only when the pages come from a
    web server. Sphinx's searchtools.js lists the results from searchindex.js
    (a script, which a file:// page loads) and fetches each page for its
    preview, which the browser refuses to a file:// page."""
    browser.get((SITE / "search.html").as_uri() + "?q=MethodView")
    WebDriverWait(browser, 30).until(
        lambda b: "Search finished" in b.find_element(By.ID, "search-results").text
    )
    results = browser.find_elements(By.CSS_SELECTOR, "#search-results ul.search li")
    assert len(results) >= 2
    href = results[0].find_element(By.TAG_NAME, "a").get_attribute("href")
    assert href is not None
    assert href.startswith("file://"), href
    refused = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(() => done(null), (error) => done(String(error)));",
        href,
    )
    assert isinstance(refused, str), refused
    assert refused.startswith("TypeError"), refused
    assert browser.find_elements(By.CSS_SELECTOR, "ul.search li p.context") == []


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
