"""Sessions for everything the project runs: `nox` runs the default ones.

Every session installs its tools bounded by requirements.txt (used as a pip
constraints file where a session needs only part of it), so the versions live
in one place.
"""

from __future__ import annotations

import os
import shutil

import nox

nox.needs_version = ">=2025.11.12"
# The standard library's venv: nothing extra to install, and nox does not go
# looking for (and report the absence of) other backends.
nox.options.default_venv_backend = "venv"
# Tests run last so that pytest's summary is the last test report printed.
nox.options.sessions = [
    "lint",
    "typing",
    "docs",
    "browser",
    "chapters_on_flask",
    "tests",
]

REQUIREMENTS = ("-r", "requirements.txt")
CONSTRAINTS = ("-c", "requirements.txt")
#: Render the site to _build/html; any warning (a broken link too) fails it.
BUILD_SITE = ("sphinx-build", "-W", "--keep-going", "-b", "html", ".", "_build/html")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the conformance suite, every chapter and every docstring example."""
    session.install(*REQUIREMENTS)
    session.install(".")
    session.run("pytest", *session.posargs)


@nox.session
def chapters_on_flask(session: nox.Session) -> None:
    """Run every chapter with Flask's own classes standing in for viewlib."""
    session.install(*REQUIREMENTS)
    pages = ("chapters", "index.md", "glossary.md")
    session.run("pytest", "--views=flask.views", *pages, *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install("ruff", *CONSTRAINTS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check viewlib (strict) and the code around it."""
    session.install(*REQUIREMENTS)
    session.run("mypy", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Render the site to _build/html, failing on any warning."""
    session.install(*REQUIREMENTS)
    session.run(*BUILD_SITE)
    session.log("Open _build/html/index.html in a browser.")


@nox.session
def browser(session: nox.Session) -> None:
    """Build the site and read every page in headless Chromium.

    Needs Debian's browser: `apt-get install chromium chromium-driver`.
    Without it the session skips, except in CI, where that is an error.
    """
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        message = "no chromium: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            session.error(message)
        session.skip(message)
    session.install(*REQUIREMENTS)
    session.run(*BUILD_SITE, "-q")
    session.run("pytest", "tests/site_in_browser.py", *session.posargs)
    session.log("Screenshots and figures: _build/screenshots/")


@nox.session
def serve(session: nox.Session) -> None:
    """Serve the site at http://127.0.0.1:8000, rebuilding on every save."""
    session.install(*REQUIREMENTS)
    session.run(
        "sphinx-autobuild",
        *("--host", "127.0.0.1", "--port", "8000"),
        # Tool caches change on every test run; they are not part of the site.
        *("--re-ignore", r"(^|/)(\.nox|\.\w+_cache|_build)(/|$)"),
        *(".", "_build/html"),
    )
